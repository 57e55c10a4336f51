//! Generations of an output folder: how a run and each later ingest bring
//! the outputs up to date without a reader ever seeing half of them.
//!
//! A run or an ingest writes all its outputs into `OUT/gen-NNNN/`, then
//! commits that generation's number to the index (with the new records, for
//! an ingest): that tantivy commit is the atomic point. Readers (`query`,
//! `explain`, `path`, `eval`) take the committed generation's folder, so they
//! see the state before the commit or the state after it, never a mix. A
//! writer killed before its commit leaves the earlier generation current; its
//! half-written folder is removed by the next writer.
//!
//! After the commit the generation's files are hard-linked into `OUT/`
//! itself (each replaced by one rename), where people open them; the folder
//! of the generation before stays for readers that opened it, older ones are
//! removed. Its `store/` folder ([`STORE_DIR`]) stays inside it.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::index::{INDEX_DIR, Store};

/// The folder inside a generation's for what the next ingest reads (the
/// compared pairs, the model's random sample): not linked into the output
/// folder, as it is not for people.
pub const STORE_DIR: &str = "store";

/// The folder of generation `number` of `output`.
pub fn dir(output: &Path, number: u32) -> PathBuf {
    output.join(format!("gen-{number:04}"))
}

/// The folder holding the current outputs of `output`: the committed
/// generation's, or `output` itself for a folder of outputs without a store
/// (copied elsewhere without its index).
pub fn current(output: &Path) -> Result<PathBuf> {
    if !output.join(INDEX_DIR).exists() {
        return Ok(output.to_path_buf());
    }
    let store = Store::open(output)?;
    let Some(number) = store.generation()? else {
        return Err(Error::NotAnOutput {
            path: output.to_path_buf(),
            message: "no run has finished writing its outputs here yet".into(),
        });
    };
    let folder = dir(output, number);
    if !folder.is_dir() {
        return Err(Error::NotAnOutput {
            path: output.to_path_buf(),
            message: format!("its index names generation {number}, but {} is missing", folder.display()),
        });
    }
    Ok(folder)
}

/// Starts generation `number`: an empty folder for its outputs, with its
/// empty `store/` (made here, before the outputs are written in parallel:
/// a file of the store written first would find no folder). A run
/// (`number` 1) removes every earlier generation; an ingest removes a folder
/// left by a writer killed before its commit.
pub fn begin(output: &Path, number: u32) -> Result<PathBuf> {
    for (old, path) in generations(output)? {
        if number == 1 || old >= number {
            std::fs::remove_dir_all(&path).map_err(Error::io("remove", &path))?;
        }
    }
    let folder = dir(output, number);
    let store = folder.join(STORE_DIR);
    std::fs::create_dir_all(&store).map_err(Error::io("create", &store))?;
    Ok(folder)
}

/// After generation `number` is committed: links its files into `output`
/// and removes the generations before the one before it.
pub fn publish(output: &Path, number: u32) -> Result<()> {
    let folder = dir(output, number);
    link_tree(&folder, output)?;
    for (old, path) in generations(output)? {
        if old + 1 < number {
            std::fs::remove_dir_all(&path).map_err(Error::io("remove", &path))?;
        }
    }
    Ok(())
}

/// The generation folders in `output`, with their numbers.
fn generations(output: &Path) -> Result<Vec<(u32, PathBuf)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(output).map_err(Error::io("list", output))? {
        let entry = entry.map_err(Error::io("list", output))?;
        let name = entry.file_name();
        let number = name.to_str().and_then(|n| n.strip_prefix("gen-")).and_then(|n| n.parse::<u32>().ok());
        if let Some(number) = number {
            found.push((number, entry.path()));
        }
    }
    found.sort();
    Ok(found)
}

/// Puts every file under `from` at the same place under `to`: a hard link
/// (a copy where the file system has none) made beside it, then renamed
/// over the old file, so each file is replaced whole.
fn link_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(Error::io("create", to))?;
    for entry in std::fs::read_dir(from).map_err(Error::io("list", from))? {
        let entry = entry.map_err(Error::io("list", from))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_name() == STORE_DIR {
            continue;
        }
        if entry.file_type().map_err(Error::io("list", from))?.is_dir() {
            link_tree(&source, &target)?;
            continue;
        }
        let staged = to.join(format!(".{}.new", entry.file_name().to_string_lossy()));
        let _ = std::fs::remove_file(&staged);
        if std::fs::hard_link(&source, &staged).is_err() {
            std::fs::copy(&source, &staged).map_err(Error::io("copy", &source))?;
        }
        std::fs::rename(&staged, &target).map_err(Error::io("replace", &target))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_clears_old_generations_and_publishing_keeps_the_one_before() {
        let out = tempfile::tempdir().unwrap();
        let out = out.path();
        for number in 1..=3 {
            let folder = begin(out, number).unwrap();
            std::fs::write(folder.join("entities.csv"), format!("generation {number}")).unwrap();
            std::fs::create_dir_all(folder.join("neo4j")).unwrap();
            std::fs::write(folder.join("neo4j/nodes.csv"), format!("nodes {number}")).unwrap();
            // Its store folder is there before anything is written into it.
            assert!(folder.join(STORE_DIR).is_dir());
            std::fs::write(folder.join(STORE_DIR).join("training.json"), "{}").unwrap();
            publish(out, number).unwrap();
        }
        assert_eq!(std::fs::read_to_string(out.join("entities.csv")).unwrap(), "generation 3");
        assert_eq!(std::fs::read_to_string(out.join("neo4j/nodes.csv")).unwrap(), "nodes 3");
        assert!(!out.join(STORE_DIR).exists(), "the store's own files stay in the generation");
        let kept: Vec<u32> = generations(out).unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(kept, [2, 3], "the generation before stays for readers that opened it");
        // A writer killed before its commit left gen-4 behind; the next one starts over.
        std::fs::create_dir_all(dir(out, 4)).unwrap();
        std::fs::write(dir(out, 4).join("half.csv"), "x").unwrap();
        begin(out, 4).unwrap();
        assert!(!dir(out, 4).join("half.csv").exists());
        begin(out, 1).unwrap();
        let kept: Vec<u32> = generations(out).unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(kept, [1], "a run starts the store again");
    }

    #[test]
    fn a_folder_without_a_store_is_read_as_it_is() {
        let out = tempfile::tempdir().unwrap();
        assert_eq!(current(out.path()).unwrap(), out.path());
    }
}
