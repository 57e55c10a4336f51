//! Entities: the connected components of the links.
//!
//! Entities are numbered in the order of their first record (sources in
//! job-file order, records in file order), so the same job gives the same
//! entity ids on every run and at every thread count.

use crate::record::RecordIndex;

/// The entity number (from 1) of each of `records` records, given the links
/// between them.
pub fn entities(records: usize, links: &[(RecordIndex, RecordIndex)]) -> Vec<u32> {
    let mut parent: Vec<RecordIndex> = (0..records as RecordIndex).collect();
    fn root(parent: &mut [RecordIndex], mut x: RecordIndex) -> RecordIndex {
        while parent[x as usize] != x {
            let grandparent = parent[parent[x as usize] as usize];
            parent[x as usize] = grandparent;
            x = grandparent;
        }
        x
    }
    for &(a, b) in links {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        // The smaller record number stays the root, so roots are first records.
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    let mut entity_of_root = vec![0u32; records];
    let mut next = 0;
    (0..records as RecordIndex)
        .map(|r| {
            let root = root(&mut parent, r) as usize;
            if entity_of_root[root] == 0 {
                next += 1;
                entity_of_root[root] = next;
            }
            entity_of_root[root]
        })
        .collect()
}

/// The entity id written in outputs: `E000042`.
pub fn entity_id(entity: u32) -> String {
    format!("E{entity:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_numbered_by_first_record() {
        assert_eq!(entities(6, &[(4, 5), (1, 4), (2, 3)]), [1, 2, 3, 3, 2, 2]);
        assert_eq!(entities(3, &[]), [1, 2, 3]);
    }

    #[test]
    fn numbering_does_not_depend_on_link_order() {
        let links = [(0, 7), (3, 5), (5, 7), (1, 2)];
        let mut reversed = links;
        reversed.reverse();
        assert_eq!(entities(8, &links), entities(8, &reversed));
    }
}
