//! The store: records and their blocking keys in a tantivy index on disk.
//!
//! One document per record holds its source, id, line, raw and normalized
//! values (stored: outputs and explanations show them, and an ingest reloads
//! the records from them) and its blocking keys' [`Term`]s, each key name's
//! values in a field of its own named after the name and its strength
//! (`weak:username.ngram`). A term's posting list is the block of records
//! sharing that key: [`Store::blocks`] reads them straight from the term
//! dictionaries, with no query per record. The schema is the store's list of
//! key names: a field per name rather than the name written before each
//! value, with which every term was hashed, copied and sorted with its name
//! (at a million records the run's CPU 53 -> 51 s, alternating runs).
//!
//! A commit may carry the store's generation ([`Store::generation`]): the
//! folder of outputs that goes with the records committed. Committing new
//! records and the generation that names their outputs is one tantivy
//! commit, the atomic point of an ingest.
//!
//! Term dictionaries are SSTables (tantivy's `quickwit` feature), not the
//! default FSTs: blocks read every term in order and an ingest looks up a
//! few, and neither needs an FST's compact automaton, while building FSTs
//! was a fifth of the index stage's CPU at a million records (3.5M distinct
//! terms). A store written with FSTs is refused when opened
//! ([`Store::open`]), with what to do.
//!
//! This is the only module that imports tantivy.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde_json::{Map, Value};
use tantivy::postings::{BlockSegmentPostings, TermInfo};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, Schema, TantivyDocument, TextFieldIndexing, TextOptions,
};
use tantivy::termdict::TermStreamer;
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexWriter, InvertedIndexReader, ReloadPolicy, TERMINATED, doc,
};

use crate::blocking::{self, BlockingKey, Strength, Term};
use crate::candidates;
use crate::config::Attribute;
use crate::error::{Error, Result};
use crate::handles::Handles;
use crate::record::{Record, RecordIndex, ValueList, Values};

/// Documents built at a time (in parallel) before they are added.
const DOCUMENT_CHUNK: usize = 4096;

/// The index folder's name inside an output folder.
pub const INDEX_DIR: &str = "index";

/// Records sharing blocking keys, read from the index: the blocks of at least
/// two and at most their key strength's size limit ([`candidates::block_limit`]),
/// strong keys' first, each in term order.
#[derive(Debug)]
pub struct Blocks {
    /// Distinct key values (terms) in the index.
    pub keys: u64,
    /// Every block's records, one block after the other, each sorted.
    members: Vec<RecordIndex>,
    /// Block `i` is `members[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    /// Blocks before this one are strong keys', the rest weak keys'.
    first_weak: usize,
    /// Blocks over their size limit, skipped: key and size, largest first.
    pub oversized: Vec<(String, u64)>,
}

impl Default for Blocks {
    fn default() -> Self {
        Blocks { keys: 0, members: Vec::new(), starts: vec![0], first_weak: 0, oversized: Vec::new() }
    }
}

impl Blocks {
    /// Adds a block (sorted records) after the others; strong blocks must
    /// all come before the first weak one.
    pub fn push(&mut self, records: &[RecordIndex], strength: Strength) {
        debug_assert!(records.is_sorted());
        if strength == Strength::Strong {
            assert_eq!(self.first_weak, self.len(), "strong blocks come first");
            self.first_weak += 1;
        }
        self.members.extend_from_slice(records);
        self.starts.push(self.members.len());
    }

    /// Adds `other`'s blocks after these (its strong ones, if any, must
    /// come before any weak one here).
    fn append(&mut self, other: Blocks) {
        if other.first_weak > 0 {
            assert_eq!(self.first_weak, self.len(), "strong blocks come first");
        }
        self.first_weak += other.first_weak;
        let offset = self.members.len();
        self.members.extend_from_slice(&other.members);
        self.starts.extend(other.starts[1..].iter().map(|s| s + offset));
        self.keys += other.keys;
        self.oversized.extend(other.oversized);
    }

    /// The number of blocks.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Whether there are no blocks.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Block `i`'s records, sorted.
    pub fn block(&self, i: usize) -> &[RecordIndex] {
        &self.members[self.starts[i]..self.starts[i + 1]]
    }

    /// Block `i`'s key strength.
    pub fn strength(&self, i: usize) -> Strength {
        if i < self.first_weak { Strength::Strong } else { Strength::Weak }
    }

    /// Asks the processor for what [`Self::block`] of block `i` reads
    /// first, for a loop that gets there a few steps later.
    pub(crate) fn prefetch(&self, i: usize) {
        crate::prefetch::line(&self.starts[i]);
    }

    /// Asks the processor for block `i`'s members from `from` on (its
    /// start, once [`Self::prefetch`] has brought it).
    pub(crate) fn prefetch_members(&self, i: usize, from: usize) {
        if let Some(member) = self.members.get(self.starts[i] + from) {
            crate::prefetch::line(member);
        }
    }

    /// Every block with its strength, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[RecordIndex], Strength)> {
        (0..self.len()).map(|i| (self.block(i), self.strength(i)))
    }
}

/// What records about to be added change in the blocks ([`Store::additions`]).
#[derive(Debug, Default)]
pub struct Additions {
    /// Every block holding a new record, with the store's records in it.
    pub blocks: Blocks,
    /// The store's records of each block that stops counting.
    pub weakened: Vec<Vec<RecordIndex>>,
    /// The new records per key term.
    pub added: BTreeMap<Term, u64>,
}

/// A tantivy index of one run's records.
pub struct Store {
    index: Index,
    path: PathBuf,
    fields: Fields,
    /// One reader for every lookup, opened at the first and reloaded after
    /// each write.
    reader: OnceLock<IndexReader>,
    /// Where each record's document is, for the reader's current state.
    addresses: Mutex<Option<Vec<Option<DocAddress>>>>,
}

struct Fields {
    record: Field,
    source: Field,
    record_id: Field,
    line: Field,
    values: Field,
    normalized: Field,
    /// One field per key name, strong keys' first, each strength's in name
    /// order: the order blocks are read in.
    keys: Vec<KeyField>,
}

/// A searcher's segments, with the record number of each segment's
/// documents (`records[segment][doc]`), read once for all of a field's parts.
struct Segments {
    searcher: tantivy::Searcher,
    records: Vec<Vec<RecordIndex>>,
}

/// The field of one key name's values.
struct KeyField {
    strength: Strength,
    name: String,
    field: Field,
}

impl Fields {
    /// The field of the key named `name` with this strength.
    fn key(&self, name: &str, strength: Strength) -> Option<&KeyField> {
        let at = self.keys.binary_search_by(|k| (k.strength, k.name.as_str()).cmp(&(strength, name))).ok()?;
        Some(&self.keys[at])
    }
}

/// The name of the field of key `name`'s values: `weak:username.ngram`.
fn key_field_name(name: &str, strength: Strength) -> String {
    match strength {
        Strength::Strong => format!("strong:{name}"),
        Strength::Weak => format!("weak:{name}"),
    }
}

/// The key name and strength of a field named by [`key_field_name`].
fn parse_key_field_name(field: &str) -> Option<(Strength, String)> {
    if let Some(name) = field.strip_prefix("strong:") {
        Some((Strength::Strong, name.to_string()))
    } else {
        field.strip_prefix("weak:").map(|name| (Strength::Weak, name.to_string()))
    }
}

/// The index's fields, with one per key name of `keys` (each with its
/// strength, in order). Only the keys are indexed (a record is found by its
/// number's column, never by a term): at a million records, terms for the
/// record numbers and ids were two million of the index's five. Keys have
/// no field norms: nothing is ranked.
fn schema(keys: &BTreeSet<(Strength, String)>) -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let key_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let fields = Fields {
        record: builder.add_u64_field("record", FAST | STORED),
        source: builder.add_text_field("source", STORED),
        record_id: builder.add_text_field("record_id", STORED),
        line: builder.add_u64_field("line", STORED),
        values: builder.add_text_field("values", STORED),
        normalized: builder.add_text_field("normalized", STORED),
        keys: keys
            .iter()
            .map(|(strength, name)| KeyField {
                strength: *strength,
                name: name.clone(),
                field: builder.add_text_field(&key_field_name(name, *strength), key_options.clone()),
            })
            .collect(),
    };
    (builder.build(), fields)
}

/// Every key name of `keys` with its strength, in the order of the store's
/// fields.
fn key_names(keys: &[BlockingKey]) -> BTreeSet<(Strength, String)> {
    keys.iter().flat_map(|key| key.names().map(|(name, strength)| (strength, name.to_string()))).collect()
}

/// The error for a store without the field of key `name` of this strength.
fn missing_key(path: &Path, name: &str, strength: Strength) -> Error {
    other_keys(path, format!("it keeps no {} key `{name}`", strength.as_str()))
}

/// The error for a store whose keys are not the job's.
fn other_keys(path: &Path, what: String) -> Error {
    Error::Index {
        path: path.to_path_buf(),
        message: format!(
            "{what}: the index was written for other blocking keys, or by another version of Sleuth; run the job \
             again to rebuild it"
        ),
    }
}

impl Store {
    /// Creates an empty store for the terms of `keys` in `output/index`,
    /// replacing any earlier one.
    pub fn create(output: &Path, keys: &[BlockingKey]) -> Result<Store> {
        let path = output.join(INDEX_DIR);
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(Error::io("remove", &path))?;
        }
        std::fs::create_dir_all(&path).map_err(Error::io("create", &path))?;
        let (schema, fields) = schema(&key_names(keys));
        // The stored fields are not compressed (no compression feature), so a
        // thread of their own per segment writer only hands blocks over: at a
        // million records the index stage 9.17 -> 7.6 s without it (medians
        // of four alternating runs, each pair in its favour).
        let settings = tantivy::IndexSettings { docstore_compress_dedicated_thread: false, ..Default::default() };
        let index =
            Index::builder().schema(schema).settings(settings).create_in_dir(&path).map_err(index_error(&path))?;
        Ok(Store { index, path, fields, reader: OnceLock::new(), addresses: Mutex::new(None) })
    }

    /// Opens the store of an earlier run's output folder.
    pub fn open(output: &Path) -> Result<Store> {
        let path = output.join(INDEX_DIR);
        if !path.join("meta.json").is_file() {
            return Err(Error::NotAnOutput { path: output.to_path_buf(), message: "it has no index/".into() });
        }
        let index = Index::open_in_dir(&path).map_err(index_error(&path))?;
        let names = index.schema().fields().filter_map(|(_, entry)| parse_key_field_name(entry.name())).collect();
        let (expected, fields) = schema(&names);
        if index.schema() != expected {
            return Err(Error::Index {
                path,
                message: "the index was written by another version of Sleuth; run the job again to rebuild it".into(),
            });
        }
        let store = Store { index, path, fields, reader: OnceLock::new(), addresses: Mutex::new(None) };
        store.check_term_dictionaries()?;
        Ok(store)
    }

    /// Opens every segment's key terms now, so that a store whose term
    /// dictionaries this build cannot read is refused when it is opened, not
    /// halfway through an ingest. Stores written before Sleuth's term
    /// dictionaries became SSTables (they were FSTs) are such stores.
    fn check_term_dictionaries(&self) -> Result<()> {
        let searcher = self.reader()?.searcher();
        for segment in searcher.segment_readers() {
            for key in &self.fields.keys {
                segment.inverted_index(key.field).map_err(|e| Error::Index {
                    path: self.path.clone(),
                    message: format!(
                        "its key terms cannot be read ({e}): the index was written by another version of \
                         Sleuth, or damaged; run the job again to rebuild it"
                    ),
                })?;
            }
        }
        Ok(())
    }

    /// Checks that the store keeps the terms of `keys` and no others: the
    /// job's blocking keys are the ones it was written with.
    pub fn check_keys(&self, keys: &[BlockingKey]) -> Result<()> {
        let stored: BTreeSet<(Strength, String)> =
            self.fields.keys.iter().map(|k| (k.strength, k.name.clone())).collect();
        let wanted = key_names(keys);
        if let Some((strength, name)) = wanted.difference(&stored).next() {
            return Err(missing_key(&self.path, name, *strength));
        }
        if let Some((strength, name)) = stored.difference(&wanted).next() {
            return Err(other_keys(
                &self.path,
                format!("it keeps a {} key `{name}` the job has not", strength.as_str()),
            ));
        }
        Ok(())
    }

    /// Adds `records`, numbered from `first` by position, with their keys,
    /// and commits them as new segments, with `generation` when given (see
    /// [`Store::set_generation`]): until that commit, readers see none of
    /// them. With `keep_raw`, each record's raw values of the attributes it
    /// marks `false` are freed once stored, a chunk at a time: the index
    /// holds them from then on, and freeing them as the writer's buffers
    /// grow keeps the run's peak memory down. Key terms read the records'
    /// handles from `handles` when given (made for these `records`), else
    /// make them.
    #[allow(clippy::too_many_arguments)]
    pub fn write(
        &self,
        records: &mut [Record],
        handles: Option<&Handles>,
        keep_raw: Option<&[bool]>,
        first: RecordIndex,
        sources: &[String],
        attributes: &[Attribute],
        keys: &[BlockingKey],
        threads: usize,
        generation: Option<u32>,
        progress: impl Fn(u64),
    ) -> Result<()> {
        if let Some(handles) = handles {
            assert_eq!(handles.len(), records.len(), "the handles are the records'");
        }
        let threads = threads.clamp(1, 4);
        // Up to 300 MB a thread before a segment is written (taken as the
        // documents come): a million records make three segments, not the
        // fourteen of 64 MB, and each segment's term dictionary costs.
        let writer = self.writer(threads, threads * 300_000_000)?;
        let f = &self.fields;
        // Each key's term names with their fields.
        let key_fields = keys
            .iter()
            .map(|key| {
                key.names()
                    .map(|(name, strength)| match f.key(name, strength) {
                        Some(k) => Ok((name, k.field)),
                        None => Err(missing_key(&self.path, name, strength)),
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        let document = |offset: usize, record: &Record| {
            let number = u64::from(first) + offset as u64;
            // Serialized borrowed, in name order (as a JSON object of serde_json's is).
            let raw: BTreeMap<&str, ValueList> = attributes
                .iter()
                .zip(record.values.iter())
                .filter(|(_, values)| !values.is_empty())
                .map(|(attribute, values)| (attribute.name.as_str(), values))
                .collect();
            let mut document = doc!(
                f.record => number,
                f.source => sources[record.source as usize].as_str(),
                f.record_id => record.id.as_str(),
                f.line => record.line,
                f.values => serde_json::to_string(&raw).expect("strings serialize"),
                f.normalized => serde_json::to_string(&record.normalized).expect("strings serialize"),
            );
            for (key, fields) in keys.iter().zip(&key_fields) {
                for (i, value) in record.normalized.of(key.attribute).iter().enumerate() {
                    let mut add = |name: &str, term: &str, _| {
                        let (_, field) = fields.iter().find(|(n, _)| *n == name).expect("a key's terms have its names");
                        document.add_text(*field, term);
                    };
                    match handles.and_then(|h| h.of(offset as RecordIndex, key.attribute, i)) {
                        Some(mut made) => key.terms_with(value, &mut made, &mut add),
                        None => key.terms(value, &mut add),
                    }
                }
            }
            document
        };
        // Documents are built in parallel a chunk at a time (their key terms
        // cost more than indexing them), then added in record order.
        for (chunk, part) in records.chunks_mut(DOCUMENT_CHUNK).enumerate() {
            let documents: Vec<TantivyDocument> =
                part.par_iter().enumerate().map(|(i, record)| document(chunk * DOCUMENT_CHUNK + i, record)).collect();
            for document in documents {
                writer.add_document(document).map_err(index_error(&self.path))?;
            }
            if let Some(keep) = keep_raw {
                for record in part.iter_mut() {
                    record.values.keep_only(keep);
                }
            }
            progress(part.len() as u64);
        }
        self.commit(writer, generation)
    }

    /// Commits nothing but `generation`: from this commit on, readers take
    /// the outputs of that generation as the store's.
    pub fn set_generation(&self, generation: u32) -> Result<()> {
        let writer = self.writer(1, 15_000_000)?;
        self.commit(writer, Some(generation))
    }

    /// A writer with `threads` indexing threads sharing `memory` bytes. Its
    /// commits never merge segments: blocks are read across them, and a
    /// merge would rewrite the whole index for nothing (at a million
    /// records, a commit of the generation alone merged for 14 s).
    fn writer(&self, threads: usize, memory: usize) -> Result<IndexWriter> {
        let writer: IndexWriter =
            self.index.writer_with_num_threads(threads, memory).map_err(index_error(&self.path))?;
        writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
        Ok(writer)
    }

    /// The generation of the last commit (`None` before the first run
    /// finished writing its outputs).
    pub fn generation(&self) -> Result<Option<u32>> {
        let metas = self.index.load_metas().map_err(index_error(&self.path))?;
        let Some(payload) = metas.payload else { return Ok(None) };
        let parsed: std::result::Result<Payload, _> = serde_json::from_str(&payload);
        parsed.map(|p| Some(p.generation)).map_err(|e| Error::Index {
            path: self.path.clone(),
            message: format!("the last commit's payload `{payload}` names no generation: {e}"),
        })
    }

    fn commit(&self, mut writer: IndexWriter, generation: Option<u32>) -> Result<()> {
        let mut commit = writer.prepare_commit().map_err(index_error(&self.path))?;
        if let Some(generation) = generation {
            commit.set_payload(&serde_json::to_string(&Payload { generation }).expect("a number serializes"));
        }
        commit.commit().map_err(index_error(&self.path))?;
        writer.wait_merging_threads().map_err(index_error(&self.path))?;
        if let Some(reader) = self.reader.get() {
            reader.reload().map_err(index_error(&self.path))?;
        }
        *self.addresses.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        Ok(())
    }

    /// Every block of the index: the records sharing each key term, key
    /// field after key field. A term's postings are gathered from every
    /// segment (their term streams merged in order), so the index needs no
    /// merge into one segment. The terms are read in parts of about equal
    /// size, in parallel (a large field read whole, alongside the others,
    /// kept one thread busy alone for a third of the stage), sixteen a
    /// thread (four left one thread reading a last part alone: at a million
    /// records 1.20 -> 1.12 s), and the parts joined in order. Blocks over
    /// their size limit ([`candidates::block_limit`] of `max_block_size`)
    /// are named, not read.
    pub fn blocks(&self, max_block_size: u64) -> Result<Blocks> {
        let parts = rayon::current_num_threads() * 16;
        let segments = self.segments()?;
        let largest =
            self.fields.keys.iter().map(|key| self.largest_terms(&segments, key)).collect::<Result<Vec<_>>>()?;
        let size = |index: &Option<Arc<InvertedIndexReader>>| index.as_ref().map_or(0, |i| i.terms().num_terms());
        let total = largest.iter().map(size).sum::<usize>().max(1);
        let mut ranges = Vec::new();
        for (key, index) in self.fields.keys.iter().zip(&largest) {
            let bounds = self.term_bounds(index.as_deref(), (size(index) * parts).div_ceil(total))?;
            let starts = std::iter::once(None).chain(bounds.iter().cloned().map(Some));
            let ends = bounds.iter().cloned().map(Some).chain(std::iter::once(None));
            ranges.extend(starts.zip(ends).map(|(from, to)| (key, from, to)));
        }
        let read: Vec<Result<Blocks>> = ranges
            .into_par_iter()
            .map(|(key, from, to)| self.field_blocks(&segments, key, from.as_deref(), to.as_deref(), max_block_size))
            .collect();
        let mut result = Blocks::default();
        for part in read {
            result.append(part?);
        }
        result.oversized.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(result)
    }

    /// The terms of `key` in the segment holding most of them.
    fn largest_terms(&self, segments: &Segments, key: &KeyField) -> Result<Option<Arc<InvertedIndexReader>>> {
        let inverted = self.inverted(segments, key)?;
        Ok(inverted.into_iter().max_by_key(|index| index.terms().num_terms()))
    }

    /// Each segment's terms of `key`, in segment order.
    fn inverted(&self, segments: &Segments, key: &KeyField) -> Result<Vec<Arc<InvertedIndexReader>>> {
        segments
            .searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.inverted_index(key.field))
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(index_error(&self.path))
    }

    /// Terms that cut a key's terms into about `parts` parts of equal size,
    /// by the terms of `largest`, the segment holding most ([`Self::largest_terms`]),
    /// in order.
    fn term_bounds(&self, largest: Option<&InvertedIndexReader>, parts: usize) -> Result<Vec<Vec<u8>>> {
        let Some(index) = largest else { return Ok(Vec::new()) };
        let terms = index.terms();
        let mut bounds: Vec<Vec<u8>> = Vec::new();
        for part in 1..parts {
            let mut term = Vec::new();
            let ord = (terms.num_terms() * part / parts) as u64;
            if terms.ord_to_term(ord, &mut term).map_err(io_index_error(&self.path))?
                && bounds.last().is_none_or(|last| *last < term)
            {
                bounds.push(term);
            }
        }
        Ok(bounds)
    }

    /// The segments readers see now, with each document's record number.
    fn segments(&self) -> Result<Segments> {
        let searcher = self.reader()?.searcher();
        let records = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                let column = segment.fast_fields().u64("record")?;
                Ok((0..segment.max_doc())
                    .map(|doc| column.first(doc).expect("every document has a record number") as RecordIndex)
                    .collect())
            })
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(index_error(&self.path))?;
        Ok(Segments { searcher, records })
    }

    /// The blocks of `key`'s terms from term `from` on and before `to`, in
    /// term order. Each segment's postings are read through one
    /// [`BlockSegmentPostings`], reset for each term: opened afresh for each
    /// (with the buffers of a block of 128 documents), they were a third of
    /// the candidates stage.
    fn field_blocks(
        &self,
        segments: &Segments,
        key: &KeyField,
        from: Option<&[u8]>,
        to: Option<&[u8]>,
        max_block_size: u64,
    ) -> Result<Blocks> {
        let limit = candidates::block_limit(key.strength, max_block_size);
        let records = &segments.records;
        let mut result = Blocks::default();
        let mut block = Vec::new();
        let inverted = self.inverted(segments, key)?;
        let streams = inverted
            .iter()
            .map(|index| {
                let mut range = index.terms().range();
                if let Some(from) = from {
                    range = range.ge(from);
                }
                if let Some(to) = to {
                    range = range.lt(to);
                }
                range.into_stream()
            })
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(io_index_error(&self.path))?;
        let mut postings: Vec<Option<BlockSegmentPostings>> = inverted.iter().map(|_| None).collect();
        let mut terms = SegmentTerms::new(streams);
        while terms.advance() {
            result.keys += 1;
            let parts = &terms.parts;
            let size: u64 = parts.iter().map(|(_, info)| u64::from(info.doc_freq)).sum();
            if size < 2 {
                continue;
            }
            if size > limit {
                result.oversized.push((format!("{}={}", key.name, String::from_utf8_lossy(terms.key())), size));
                continue;
            }
            block.clear();
            for (segment, info) in parts {
                let (index, records) = (&inverted[*segment], &records[*segment]);
                let postings = match &mut postings[*segment] {
                    Some(postings) => {
                        index.reset_block_postings_from_terminfo(info, postings).map_err(io_index_error(&self.path))?;
                        postings
                    }
                    unread @ None => unread.insert(
                        index
                            .read_block_postings_from_terminfo(info, IndexRecordOption::Basic)
                            .map_err(io_index_error(&self.path))?,
                    ),
                };
                // Block after block of up to 128 documents; an empty one ends them.
                while !postings.docs().is_empty() {
                    block.extend(postings.docs().iter().map(|&doc| records[doc as usize]));
                    postings.advance();
                }
            }
            block.sort_unstable();
            result.push(&block, key.strength);
        }
        Ok(result)
    }

    /// What records not yet written (`records`, numbered from `first`, all
    /// after the store's) change in the blocks: for each key term they have,
    /// the store's records with it and theirs, strong keys' first (every
    /// block holding one of them, so the candidates they reach are the ones a
    /// run over everything would find), and the blocks they make stop
    /// counting ([`candidates::weakens`]).
    pub fn additions(
        &self,
        records: &[Record],
        first: RecordIndex,
        keys: &[BlockingKey],
        max_block_size: u64,
    ) -> Result<Additions> {
        let mut terms: BTreeMap<Term, Vec<RecordIndex>> = BTreeMap::new();
        for (offset, record) in records.iter().enumerate() {
            let number = first + offset as RecordIndex;
            for term in blocking::record_terms(keys, record) {
                terms.entry(term).or_default().push(number);
            }
        }
        let mut additions = Additions::default();
        for (term, new) in terms {
            additions.blocks.keys += 1;
            let stored = self.block_size(&term)?;
            let size = stored + new.len() as u64;
            let weakens = candidates::weakens(stored, size, term.strength, max_block_size);
            let limit = candidates::block_limit(term.strength, max_block_size);
            let used = (2..=limit).contains(&size);
            // The store's records with the term, read once for both uses.
            let mut members = if (weakens || used) && stored > 0 {
                self.postings(&term, limit)?.unwrap_or_default()
            } else {
                Vec::new()
            };
            if size > limit {
                additions.blocks.oversized.push((term.to_string(), size));
            } else if used {
                let mut block = if weakens { members.clone() } else { std::mem::take(&mut members) };
                block.extend(new.iter().copied());
                additions.blocks.push(&block, term.strength);
            }
            if weakens {
                additions.weakened.push(members);
            }
            additions.added.insert(term, new.len() as u64);
        }
        additions.blocks.oversized.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(additions)
    }

    /// The store's reader, opened once; it sees what was committed before it
    /// opened or was last reloaded.
    fn reader(&self) -> Result<&IndexReader> {
        if let Some(reader) = self.reader.get() {
            return Ok(reader);
        }
        let reader = self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(index_error(&self.path))?;
        Ok(self.reader.get_or_init(|| reader))
    }

    /// A key term as the index has it: its value in its key's field.
    fn index_term(&self, term: &Term) -> Result<tantivy::Term> {
        let Some(key) = self.fields.key(&term.name, term.strength) else {
            return Err(missing_key(&self.path, &term.name, term.strength));
        };
        Ok(tantivy::Term::from_field_text(key.field, &term.value))
    }

    /// The number of records sharing a key term: its block's size.
    pub fn block_size(&self, term: &Term) -> Result<u64> {
        let reader = self.reader()?;
        let term = self.index_term(term)?;
        reader.searcher().doc_freq(&term).map_err(index_error(&self.path))
    }

    /// The records sharing a key term, when at most `limit` do (`None` when
    /// more do: a value that common says little about who is behind it).
    pub fn postings(&self, term: &Term, limit: u64) -> Result<Option<Vec<RecordIndex>>> {
        let reader = self.reader()?;
        let searcher = reader.searcher();
        let term = self.index_term(term)?;
        if searcher.doc_freq(&term).map_err(index_error(&self.path))? > limit {
            return Ok(None);
        }
        let mut records = Vec::new();
        for segment in searcher.segment_readers() {
            let numbers = segment.fast_fields().u64("record").map_err(index_error(&self.path))?;
            let inverted = segment.inverted_index(term.field()).map_err(index_error(&self.path))?;
            let Some(mut postings) =
                inverted.read_postings(&term, IndexRecordOption::Basic).map_err(io_index_error(&self.path))?
            else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                records.push(numbers.first(doc).expect("every document has a record number") as RecordIndex);
                doc = postings.advance();
            }
        }
        records.sort_unstable();
        Ok(Some(records))
    }

    /// The number of records in the store.
    pub fn len(&self) -> Result<u64> {
        let reader = self.reader()?;
        Ok(reader.searcher().num_docs())
    }

    /// Whether the store holds no records.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Every record of the store, in number order, with its normalized
    /// values and the raw values of the attributes `raw` marks (the others
    /// left empty: reading them costs); `sources` are the store's source
    /// names, `attributes` its job's attributes.
    pub fn records(&self, sources: &[String], attributes: &[Attribute], raw: &[bool]) -> Result<Vec<Record>> {
        let reader = self.reader()?;
        let searcher = reader.searcher();
        let f = &self.fields;
        let broken = |message: String| Error::Index { path: self.path.clone(), message };
        let segments = searcher
            .segment_readers()
            .par_iter()
            .map(|segment| {
                let numbers = segment.fast_fields().u64("record").map_err(index_error(&self.path))?;
                let documents = segment.get_store_reader(64).map_err(io_index_error(&self.path))?;
                let mut records = Vec::with_capacity(segment.num_docs() as usize);
                for (doc, document) in documents.iter::<TantivyDocument>(segment.alive_bitset()).enumerate() {
                    let document = document.map_err(index_error(&self.path))?;
                    let number = numbers.first(doc as u32).expect("every document has a record number");
                    let text = |field| {
                        document.get_first(field).and_then(|v| tantivy::schema::Value::as_str(&v)).unwrap_or_default()
                    };
                    let source = sources.iter().position(|s| s == text(f.source)).ok_or_else(|| {
                        broken(format!("record {number} is from an unknown source `{}`", text(f.source)))
                    })?;
                    let stored: Map<String, Value> = if raw.contains(&true) {
                        serde_json::from_str(text(f.values))
                            .map_err(|e| broken(format!("record {number}'s values: {e}")))?
                    } else {
                        Map::new()
                    };
                    let values = Values::from_lists(attributes.iter().zip(raw).map(|(a, &wanted)| {
                        let values = match stored.get(&a.name) {
                            Some(Value::Array(values)) if wanted => values.as_slice(),
                            _ => &[],
                        };
                        values.iter().filter_map(Value::as_str)
                    }));
                    let normalized: Values = serde_json::from_str(text(f.normalized))
                        .map_err(|e| broken(format!("record {number}'s normalized values: {e}")))?;
                    if normalized.attributes() != attributes.len() {
                        return Err(broken(format!(
                            "record {number} has {} attributes, the job {}",
                            normalized.attributes(),
                            attributes.len()
                        )));
                    }
                    let line =
                        document.get_first(f.line).and_then(|v| tantivy::schema::Value::as_u64(&v)).unwrap_or_default();
                    let record =
                        Record { source: source as u32, id: text(f.record_id).to_string(), line, values, normalized };
                    records.push((number, record));
                }
                Ok(records)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut numbered: Vec<(u64, Record)> = segments.into_iter().flatten().collect();
        numbered.par_sort_unstable_by_key(|(number, _)| *number);
        if let Some((i, (number, _))) = numbered.iter().enumerate().find(|(i, (n, _))| *n != *i as u64) {
            return Err(broken(format!("record numbers skip from {i} to {number}")));
        }
        Ok(numbered.into_iter().map(|(_, record)| record).collect())
    }

    /// Reads back the stored fields of one record: source, id, line, raw values.
    pub fn record(&self, number: RecordIndex) -> Result<Option<(String, String, u64, String)>> {
        let reader = self.reader()?;
        let searcher = reader.searcher();
        let mut addresses = self.addresses.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if addresses.is_none() {
            // Record number → document, from every segment's `record` column:
            // built once per reader state, then each lookup is one index.
            let mut map = vec![None; searcher.num_docs() as usize];
            for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
                let numbers = segment.fast_fields().u64("record").map_err(index_error(&self.path))?;
                for doc in 0..segment.max_doc() {
                    if let Some(number) = numbers.first(doc).map(|n| n as usize) {
                        if number >= map.len() {
                            map.resize(number + 1, None);
                        }
                        map[number] = Some(DocAddress::new(ordinal as u32, doc));
                    }
                }
            }
            *addresses = Some(map);
        }
        let address = addresses.as_ref().and_then(|map| map.get(number as usize).copied().flatten());
        drop(addresses);
        let Some(address) = address else { return Ok(None) };
        let document: TantivyDocument = searcher.doc(address).map_err(index_error(&self.path))?;
        let text = |field| {
            document.get_first(field).and_then(|v| tantivy::schema::Value::as_str(&v)).unwrap_or_default().to_string()
        };
        let line =
            document.get_first(self.fields.line).and_then(|v| tantivy::schema::Value::as_u64(&v)).unwrap_or_default();
        Ok(Some((text(self.fields.source), text(self.fields.record_id), line, text(self.fields.values))))
    }
}

/// What a commit carries.
#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    generation: u32,
}

/// Every segment's terms of one field in order, each once with the
/// segments holding it. tantivy's `TermMerger` does this through a binary
/// heap that moves each stream (a few hundred bytes) in and out for every
/// term: at a million records, moving them was most of reading the blocks'
/// terms. With a handful of segments, the least key is found by looking at
/// each stream's, and streams stay where they are.
struct SegmentTerms<'a> {
    /// The streams not yet ended, each with its segment, each on its next
    /// key (or on the current one).
    streams: Vec<(usize, TermStreamer<'a>)>,
    /// The current key.
    key: Vec<u8>,
    /// The segments holding the current key, in segment order, with its
    /// term info there; none before the first key.
    parts: Vec<(usize, TermInfo)>,
}

impl<'a> SegmentTerms<'a> {
    fn new(streams: Vec<TermStreamer<'a>>) -> SegmentTerms<'a> {
        let mut streams: Vec<_> = streams.into_iter().enumerate().collect();
        streams.retain_mut(|(_, stream)| stream.advance());
        SegmentTerms { streams, key: Vec::new(), parts: Vec::new() }
    }

    /// Moves to the next key; `false` when every stream has ended.
    fn advance(&mut self) -> bool {
        if !self.parts.is_empty() {
            // The streams on the current key move past it.
            let key = &self.key;
            self.streams.retain_mut(|(_, stream)| stream.key() != key.as_slice() || stream.advance());
        }
        let Some(least) = self.streams.iter().map(|(_, stream)| stream.key()).min() else { return false };
        self.key.clear();
        self.key.extend_from_slice(least);
        self.parts.clear();
        for (segment, stream) in &self.streams {
            if stream.key() == self.key.as_slice() {
                self.parts.push((*segment, stream.value().clone()));
            }
        }
        true
    }

    fn key(&self) -> &[u8] {
        &self.key
    }
}

fn index_error(path: &Path) -> impl Fn(tantivy::TantivyError) -> Error + '_ {
    move |e| Error::Index { path: path.to_path_buf(), message: e.to_string() }
}

fn io_index_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Index { path: path.to_path_buf(), message: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocking::KeyMethod;
    use crate::record::AttributeKind;

    fn person(id: &str, email: &str) -> Record {
        Record {
            source: 0,
            id: id.into(),
            line: 1,
            values: Values::from_lists([[email]]),
            normalized: Values::from_lists([[email]]),
        }
    }

    /// A job of one attribute keyed one way, over one source: its
    /// attributes, keys and sources.
    fn one_attribute(
        name: &str,
        kind: AttributeKind,
        method: KeyMethod,
    ) -> ([Attribute; 1], [BlockingKey; 1], [String; 1]) {
        ([Attribute { name: name.into(), kind }], [BlockingKey::new(name, 0, kind, method, 0)], ["people".to_string()])
    }

    #[test]
    fn blocks_gather_a_key_across_segments() {
        let dir = tempfile::tempdir().unwrap();
        let (attributes, keys, sources) = one_attribute("email", AttributeKind::Email, KeyMethod::Exact);
        let store = Store::create(dir.path(), &keys).unwrap();
        let first = [person("1", "a@x.org"), person("2", "b@x.org")];
        let second = [person("3", "a@x.org"), person("4", "c@x.org"), person("5", "b@x.org")];
        store.write(&mut first.clone(), None, None, 0, &sources, &attributes, &keys, 1, None, |_| {}).unwrap();
        let mut written = second.clone();
        store.write(&mut written, None, Some(&[false]), 2, &sources, &attributes, &keys, 1, Some(2), |_| {}).unwrap();
        let no_values = Values::from_lists([Vec::<&str>::new()]);
        assert!(written.iter().all(|r| r.values == no_values), "raw values freed once stored");
        let reader = store.index.reader().unwrap();
        assert_eq!(reader.searcher().segment_readers().len(), 2, "two commits, two segments");
        let blocks = store.blocks(500).unwrap();
        let all: Vec<Vec<RecordIndex>> = blocks.iter().map(|(records, _)| records.to_vec()).collect();
        assert_eq!(all, [vec![0, 2], vec![1, 4]]);
        assert_eq!(blocks.keys, 3, "distinct terms, not terms per segment");
        assert_eq!(store.record(4).unwrap().unwrap().1, "5");
        let back = store.records(&sources, &attributes, &[true]).unwrap();
        assert_eq!(back, first.iter().chain(&second).cloned().collect::<Vec<_>>(), "records come back in number order");
        let normalized_only = store.records(&sources, &attributes, &[false]).unwrap();
        assert!(normalized_only.iter().all(|r| r.values == no_values && r.normalized.attributes() == 1));
    }

    #[test]
    fn blocks_of_several_hundred_records_are_read_whole() {
        // Blocks past tantivy's 128 documents a postings block, across two
        // segments, between small ones (each term's postings read through
        // the one reader a segment keeps).
        let dir = tempfile::tempdir().unwrap();
        let (attributes, keys, sources) = one_attribute("email", AttributeKind::Email, KeyMethod::Exact);
        let store = Store::create(dir.path(), &keys).unwrap();
        let address = |i: u32| match i % 5 {
            0..=2 => "a@x.org".to_string(),
            3 => "b@x.org".to_string(),
            _ => format!("{}@y.org", i / 10),
        };
        let mut records: Vec<Record> = (0..1000).map(|i| person(&i.to_string(), &address(i))).collect();
        store.write(&mut records[..400], None, None, 0, &sources, &attributes, &keys, 1, None, |_| {}).unwrap();
        store.write(&mut records[400..], None, None, 400, &sources, &attributes, &keys, 1, None, |_| {}).unwrap();
        let blocks = store.blocks(1000).unwrap();
        let read: Vec<Vec<RecordIndex>> = blocks.iter().map(|(records, _)| records.to_vec()).collect();
        let mut expected: BTreeMap<String, Vec<RecordIndex>> = BTreeMap::new();
        for i in 0..1000 {
            expected.entry(address(i)).or_default().push(i);
        }
        let expected: Vec<Vec<RecordIndex>> = expected.into_values().filter(|block| block.len() >= 2).collect();
        assert_eq!(read.iter().map(Vec::len).max(), Some(600));
        assert_eq!(read, expected);
    }

    #[test]
    fn segment_terms_are_tantivys_merged_terms() {
        // Four commits, four segments, keys in some of them, some in all.
        let dir = tempfile::tempdir().unwrap();
        let (attributes, keys, sources) = one_attribute("username", AttributeKind::Username, KeyMethod::Kind);
        let store = Store::create(dir.path(), &keys).unwrap();
        let words = ["anna", "jester", "sarah", "okafor", "dark", "angel", "wei"];
        for commit in 0..4u32 {
            let mut records: Vec<Record> = (0..40u32)
                .map(|i| {
                    let n = commit * 40 + i;
                    let handle =
                        format!("{}_{}{}", words[(n % 7) as usize], words[(n / 7 % 7) as usize], n % (3 + commit));
                    let mut record = person(&n.to_string(), &handle);
                    record.normalized = Values::from_lists([[crate::normalize::username::normalize(&handle).unwrap()]]);
                    record
                })
                .collect();
            store.write(&mut records, None, None, commit * 40, &sources, &attributes, &keys, 1, None, |_| {}).unwrap();
        }
        let searcher = store.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 4);
        for key in &store.fields.keys {
            let inverted: Vec<_> =
                searcher.segment_readers().iter().map(|s| s.inverted_index(key.field).unwrap()).collect();
            let streams = || inverted.iter().map(|i| i.terms().stream().unwrap()).collect::<Vec<_>>();
            let mut theirs = tantivy::termdict::TermMerger::new(streams());
            let mut ours = SegmentTerms::new(streams());
            let mut terms = 0;
            while theirs.advance() {
                assert!(ours.advance(), "{}: ours ended first", key.name);
                assert_eq!(ours.key(), theirs.key(), "{}", key.name);
                let parts: Vec<(usize, TermInfo)> = theirs.current_segment_ords_and_term_infos().collect();
                assert_eq!(ours.parts, parts, "{}", key.name);
                terms += 1;
            }
            assert!(!ours.advance(), "{}: ours goes on", key.name);
            assert!(terms > 0, "{}", key.name);
        }
    }

    #[test]
    fn weak_blocks_are_skipped_at_their_own_limit() {
        let dir = tempfile::tempdir().unwrap();
        let (attributes, keys, sources) = one_attribute("username", AttributeKind::Username, KeyMethod::Kind);
        let store = Store::create(dir.path(), &keys).unwrap();
        // One more record than a weak block may hold, all with one handle:
        // its skeleton is a strong key, its n-grams weak ones.
        let size = candidates::MAX_WEAK_BLOCK + 1;
        let mut records: Vec<Record> = (0..size).map(|i| person(&i.to_string(), "darkangel")).collect();
        store.write(&mut records, None, None, 0, &sources, &attributes, &keys, 1, None, |_| {}).unwrap();
        let blocks = store.blocks(500).unwrap();
        let read: Vec<_> = blocks.iter().map(|(records, strength)| (records.len() as u64, strength)).collect();
        assert!(read.contains(&(size, Strength::Strong)), "{read:?}");
        assert!(read.iter().all(|&(_, strength)| strength == Strength::Strong), "{read:?}");
        assert!(blocks.oversized.contains(&("username.ngram=dark".to_string(), size)), "{:?}", blocks.oversized);
        // One record fewer, and they are read.
        let store = Store::create(dir.path(), &keys).unwrap();
        store.write(&mut records[1..], None, None, 0, &sources, &attributes, &keys, 1, None, |_| {}).unwrap();
        let blocks = store.blocks(500).unwrap();
        assert!(
            blocks.iter().any(|(records, strength)| strength == Strength::Weak && records.len() as u64 == size - 1)
        );
        assert!(blocks.oversized.is_empty(), "{:?}", blocks.oversized);
    }

    #[test]
    fn blocks_read_in_parts_are_the_blocks_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let (attributes, keys, sources) = one_attribute("username", AttributeKind::Username, KeyMethod::Kind);
        let store = Store::create(dir.path(), &keys).unwrap();
        let words = ["anna", "jester", "sarah", "okafor", "dark", "angel", "wei", "rivera", "sniper", "mike"];
        let mut records: Vec<Record> = (0..400)
            .map(|i| {
                let handle = format!("{}_{}{}", words[i % 10], words[(i / 10) % 10], i % 7);
                let mut record = person(&i.to_string(), &handle);
                record.normalized = Values::from_lists([[crate::normalize::username::normalize(&handle).unwrap()]]);
                record
            })
            .collect();
        store.write(&mut records, None, None, 0, &sources, &attributes, &keys, 1, None, |_| {}).unwrap();
        let parts = store.blocks(50).unwrap();
        let mut whole = Blocks::default();
        for key in &store.fields.keys {
            whole.append(store.field_blocks(&store.segments().unwrap(), key, None, None, 50).unwrap());
        }
        whole.oversized.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let ngrams = store.fields.key("username.ngram", Strength::Weak).unwrap();
        let largest = store.largest_terms(&store.segments().unwrap(), ngrams).unwrap();
        assert!(store.term_bounds(largest.as_deref(), 8).unwrap().len() > 2, "the n-grams are read in parts");
        assert!(whole.len() > 50 && !whole.oversized.is_empty());
        let described = |b: &Blocks| {
            let blocks: Vec<_> = (0..b.len()).map(|i| (b.block(i).to_vec(), b.strength(i))).collect();
            (blocks, b.keys, b.oversized.clone())
        };
        assert_eq!(described(&parts), described(&whole));
    }

    #[test]
    fn key_terms_of_handles_read_are_those_of_handles_made() {
        use crate::normalize::{email, name, username};
        let kinds = [AttributeKind::Username, AttributeKind::Email, AttributeKind::Name];
        let attributes: Vec<Attribute> = kinds.iter().map(|&kind| Attribute { name: kind.to_string(), kind }).collect();
        let keys: Vec<BlockingKey> = attributes
            .iter()
            .enumerate()
            .map(|(k, a)| BlockingKey::new(&a.name, k, a.kind, KeyMethod::Kind, 0))
            .collect();
        let sources = ["people".to_string()];
        let words = ["anna", "jester", "sarah", "okafor", "dark", "angel", "wei", "rivera", "sniper", "mike"];
        let records: Vec<Record> = (0..1500)
            .map(|i| {
                let (a, b) = (words[i % 10], words[(i / 10) % 10]);
                let handle = username::normalize(&format!("{a}_{b}{}", i % 7)).unwrap();
                let address = email::normalize(&format!("{b}.{a}+{i}@gmail.com")).unwrap();
                let person = name::normalize(&format!("{a} {b}")).unwrap();
                let values = match i % 3 {
                    0 => vec![vec![handle], vec![], vec![person]],
                    1 => vec![vec![], vec![address, "not an address".into()], vec![]],
                    _ => vec![vec![handle, "x".into()], vec![address], vec![person, a.into()]],
                };
                let values = Values::from_lists(values);
                Record { source: 0, id: i.to_string(), line: 1, values: values.clone(), normalized: values }
            })
            .collect();
        let handles = Handles::new(&records, &kinds);
        let blocks_of = |handles: Option<&Handles>| {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::create(dir.path(), &keys).unwrap();
            store.write(&mut records.clone(), handles, None, 0, &sources, &attributes, &keys, 1, None, |_| {}).unwrap();
            let blocks = store.blocks(50).unwrap();
            let all: Vec<_> = (0..blocks.len()).map(|i| (blocks.block(i).to_vec(), blocks.strength(i))).collect();
            (all, blocks.keys, blocks.oversized.clone())
        };
        let read = blocks_of(Some(&handles));
        assert!(read.0.len() > 100 && read.1 > 1000, "{} blocks, {} keys", read.0.len(), read.1);
        assert_eq!(read, blocks_of(None));
    }

    #[test]
    fn the_generation_is_the_last_commits() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), &[]).unwrap();
        assert_eq!(store.generation().unwrap(), None);
        let attributes = [Attribute { name: "email".into(), kind: AttributeKind::Email }];
        store
            .write(&mut [person("1", "a@x.org")], None, None, 0, &["people".into()], &attributes, &[], 1, None, |_| {})
            .unwrap();
        assert_eq!(store.generation().unwrap(), None, "a commit without a generation");
        store.set_generation(1).unwrap();
        assert_eq!(Store::open(dir.path()).unwrap().generation().unwrap(), Some(1));
        assert_eq!(store.len().unwrap(), 1, "setting the generation adds no record");
    }

    #[test]
    fn a_store_knows_its_key_names_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let (attributes, keys, sources) = one_attribute("username", AttributeKind::Username, KeyMethod::Kind);
        let store = Store::create(dir.path(), &keys).unwrap();
        let mut records = [person("1", "dark_angel99"), person("2", "darkangel")];
        store.write(&mut records, None, None, 0, &sources, &attributes, &keys, 1, Some(1), |_| {}).unwrap();
        // Skeletons: `darkangei99` and `darkangei`, one stem.
        let fields: Vec<String> = store.index.schema().fields().map(|(_, f)| f.name().to_string()).collect();
        assert!(fields.ends_with(&["strong:handle".into(), "weak:handle_stem".into(), "weak:username.ngram".into()]));

        let opened = Store::open(dir.path()).unwrap();
        opened.check_keys(&keys).unwrap();
        let term = |name: &str, value: &str, strength| Term::new(name, value, strength);
        assert_eq!(opened.block_size(&term("handle_stem", "darkangei", Strength::Weak)).unwrap(), 2);
        assert_eq!(opened.postings(&term("handle", "darkangei", Strength::Strong), 10).unwrap(), Some(vec![1]));

        // A job whose keys differ is told what the store lacks, or has more.
        let other = [BlockingKey::new("username", 0, AttributeKind::Username, KeyMethod::Exact, 0)];
        let error = opened.check_keys(&other).unwrap_err().to_string();
        assert!(error.contains("no strong key `username`") && error.contains("run the job again"), "{error}");
        let more = [keys[0].clone(), other[0].clone()];
        let error = opened.check_keys(&more).unwrap_err().to_string();
        assert!(error.contains("no strong key `username`"), "{error}");
        let error = opened.check_keys(&[]).unwrap_err().to_string();
        assert!(error.contains("a strong key `handle` the job has not"), "{error}");
        let error = opened.write(&mut records, None, None, 2, &sources, &attributes, &other, 1, None, |_| {});
        assert!(error.unwrap_err().to_string().contains("no strong key `username`"));
        let error = opened.block_size(&term("username", "darkangel", Strength::Strong)).unwrap_err();
        assert!(error.to_string().contains("no strong key `username`"), "{error}");
    }
}
