//! Entities: the connected components of the links, guarded against
//! over-merging.
//!
//! Entities are numbered in the order of their first record (sources in
//! job-file order, records in file order), so the same job gives the same
//! entity ids on every run and at every thread count.
//!
//! Over-merge protection ([`protect`]): one bad link (a shared office
//! address, a VPN exit, a common name) must not fuse two people. A link that
//! is a bridge of its entity's link graph (its only connection) between two
//! groups that each hold together on their own (at least [`MIN_GROUP`]
//! records and a cycle of links, so more than a chain), whose records share
//! no identifying value (an email, a card, a phone) and which is not itself
//! near-certain (probability below [`BRIDGE_CERTAIN`]), is removed: the
//! groups become two entities, and the split is reported with its reason.

use serde::Serialize;

use crate::record::RecordIndex;

/// Records a group needs on each side of a bridge for it to be split.
pub const MIN_GROUP: usize = 3;

/// A bridge at least this probable is kept: it is evidence enough alone.
pub const BRIDGE_CERTAIN: f64 = 0.9999;

/// A link removed by over-merge protection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Split {
    /// The link's records.
    pub link: (RecordIndex, RecordIndex),
    /// Its match probability.
    pub probability: f64,
    /// Records on each side.
    pub sides: (usize, usize),
}

/// Which of `links` (records `a`, `b`, probability, and whether they share
/// an identifying value) to keep, and the bridges removed. Deterministic:
/// links are visited in the given order.
pub fn protect(records: usize, links: &[(RecordIndex, RecordIndex, f64, bool)]) -> (Vec<bool>, Vec<Split>) {
    // Each record's (neighbour, link), in link order, in one list: record
    // `r`'s are `adjacent[starts[r]..starts[r + 1]]` (a list per record was
    // a million allocations at a million records).
    let mut starts = vec![0usize; records + 1];
    for &(a, b, _, _) in links {
        starts[a as usize + 1] += 1;
        starts[b as usize + 1] += 1;
    }
    for r in 0..records {
        starts[r + 1] += starts[r];
    }
    let mut filled = starts.clone();
    let mut adjacent = vec![(0usize, 0usize); starts[records]];
    for (i, &(a, b, _, _)) in links.iter().enumerate() {
        for (from, to) in [(a as usize, b as usize), (b as usize, a as usize)] {
            adjacent[filled[from]] = (to, i);
            filled[from] += 1;
        }
    }
    let neighbours = |r: usize| &adjacent[starts[r]..starts[r + 1]];
    let mut keep = vec![true; links.len()];
    let mut splits = Vec::new();
    // Iterative DFS per component: discovery order, low link, subtree
    // record and degree sums.
    let mut order = vec![usize::MAX; records];
    let mut low = vec![0usize; records];
    let mut size = vec![0usize; records];
    let mut degrees = vec![0usize; records];
    let mut counter = 0;
    for root in 0..records {
        if order[root] != usize::MAX || neighbours(root).is_empty() {
            continue;
        }
        // (node, the link it was reached by, next neighbour to visit)
        let mut stack: Vec<(usize, usize, usize)> = vec![(root, usize::MAX, 0)];
        order[root] = counter;
        low[root] = counter;
        counter += 1;
        let mut tree_links: Vec<(usize, usize, usize)> = Vec::new(); // (parent, child, link)
        while let Some(&mut (node, via, ref mut next)) = stack.last_mut() {
            if *next < neighbours(node).len() {
                let (other, link) = neighbours(node)[*next];
                *next += 1;
                if link == via {
                    continue;
                }
                if order[other] == usize::MAX {
                    order[other] = counter;
                    low[other] = counter;
                    counter += 1;
                    tree_links.push((node, other, link));
                    stack.push((other, link, 0));
                } else {
                    low[node] = low[node].min(order[other]);
                }
            } else {
                stack.pop();
                size[node] += 1;
                degrees[node] += neighbours(node).len();
                if let Some(&(parent, _, _)) = stack.last() {
                    low[parent] = low[parent].min(low[node]);
                    size[parent] += size[node];
                    degrees[parent] += degrees[node];
                }
            }
        }
        let (total, total_degrees) = (size[root], degrees[root]);
        for (parent, child, link) in tree_links {
            let (a, b, probability, identified) = links[link];
            if low[child] <= order[parent] {
                continue; // not a bridge: the child's subtree reaches back above it
            }
            let (near, far) = (size[child], total - size[child]);
            // Links inside each side: half its degree sum, less the bridge.
            let (near_links, far_links) =
                ((degrees[child] - 1) / 2, (total_degrees - degrees[child]).saturating_sub(1) / 2);
            let dense = |records: usize, links: usize| records >= MIN_GROUP && links >= records;
            if !identified && probability < BRIDGE_CERTAIN && dense(near, near_links) && dense(far, far_links) {
                keep[link] = false;
                splits.push(Split { link: (a, b), probability, sides: (far, near) });
            }
        }
    }
    (keep, splits)
}

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

    /// Two triangles (0-1-2 and 3-4-5) joined by the link 2-3.
    fn two_triangles(bridge: f64) -> Vec<(RecordIndex, RecordIndex, f64, bool)> {
        let link = |a, b, p| (a, b, p, false);
        vec![
            link(0, 1, 0.99),
            link(1, 2, 0.99),
            link(0, 2, 0.99),
            link(2, 3, bridge),
            link(3, 4, 0.99),
            link(4, 5, 0.99),
            link(3, 5, 0.99),
        ]
    }

    #[test]
    fn a_weak_bridge_between_two_dense_groups_is_split() {
        let (keep, splits) = protect(6, &two_triangles(0.97));
        assert_eq!(keep, [true, true, true, false, true, true, true]);
        assert_eq!(splits, [Split { link: (2, 3), probability: 0.97, sides: (3, 3) }]);
        let kept: Vec<_> =
            two_triangles(0.97).iter().zip(&keep).filter(|(_, k)| **k).map(|(l, _)| (l.0, l.1)).collect();
        assert_eq!(entities(6, &kept), [1, 1, 1, 2, 2, 2]);
    }

    #[test]
    fn chains_certain_bridges_and_small_groups_are_kept() {
        // A near-certain bridge stays, and so does one sharing an email.
        assert!(protect(6, &two_triangles(0.99999)).1.is_empty());
        let mut identified = two_triangles(0.97);
        identified[3].3 = true;
        assert!(protect(6, &identified).1.is_empty());
        // A chain has bridges everywhere but no dense group.
        let chain = [(0, 1, 0.96, false), (1, 2, 0.96, false), (2, 3, 0.96, false), (3, 4, 0.96, false)];
        assert!(protect(5, &chain).1.is_empty());
        // A triangle hanging off a pair: one side is too small.
        let small =
            [(0, 1, 0.99, false), (1, 2, 0.99, false), (0, 2, 0.99, false), (2, 3, 0.96, false), (3, 4, 0.99, false)];
        assert!(protect(5, &small).1.is_empty());
        // Two triangles joined twice: no bridge.
        let mut twice = two_triangles(0.97);
        twice.push((0, 5, 0.97, false));
        assert!(protect(6, &twice).1.is_empty());
    }

    #[test]
    fn numbering_does_not_depend_on_link_order() {
        let links = [(0, 7), (3, 5), (5, 7), (1, 2)];
        let mut reversed = links;
        reversed.reverse();
        assert_eq!(entities(8, &links), entities(8, &reversed));
    }
}
