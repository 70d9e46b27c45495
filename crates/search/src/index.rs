//! The index folder: opening (or recreating) it, searching it, and updating it.

use crate::SearchError;
use crate::cache::{SegmentCache, str_terms};
use crate::collect::CatalogCollector;
use crate::model::{Facets, SearchDoc, SearchQuery, SearchResult};
use crate::pool::SearchPool;
use crate::query::{Plan, base_query, free_text, tag_terms};
use crate::results::{self, ResultCache};
use crate::schema::{self, Fields, SCHEMA_VERSION, VERSION_FILE, col};
use crate::stored::Stored;
use crate::text::{TextQuery, collect_segment};
use crate::tokenizer::{TOKENIZER_NAME, analyzer};
use gureum_domain::{ServiceKind, ServiceStatus};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use tantivy::collector::{Collector, DocSetCollector};
use tantivy::directory::error::LockError;
use tantivy::index::SegmentId;
use tantivy::indexer::NoMergePolicy;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, SegmentReader, TantivyDocument, TantivyError, Term};

/// The writer's memory budget (one indexing thread).
const WRITER_MEMORY_BYTES: usize = 64 * 1024 * 1024;

/// How [`CatalogIndex::open_or_create`] found the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// A readable index of the current schema version.
    Existing,
    /// The folder was missing, empty, unreadable, damaged or of another schema version, and now
    /// holds a fresh empty index (the caller rebuilds it).
    Created,
}

/// How free-text words are matched and scored. Every engine gives the same answers; the choice
/// exists to compare them (tests, `gureum bench`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEngine {
    /// Bitsets and bounded relevance ([`crate::text`]); the default.
    #[default]
    Bitsets,
    /// The same, scoring every match without bounds.
    Exhaustive,
    /// tantivy's own boolean/disjunction query and scorers.
    Tantivy,
}

/// The catalog's search index. Cheap to share (`Arc`); searches run concurrently.
pub struct CatalogIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    applied_seq: Arc<RwLock<Option<i64>>>,
    cache: Arc<SegmentCache>,
    results: ResultCache,
    engine: TextEngine,
    /// The threads searches run on, first come first served (see [`Self::search_then`]); none
    /// (searches on the caller's thread) until [`Self::set_search_threads`].
    pool: Arc<SearchPool>,
}

fn parse_seq(payload: Option<&str>) -> Option<i64> {
    payload.and_then(|p| p.trim().parse().ok())
}

/// Best effort: a failure here only means the next search builds the arrays itself.
fn warm(cache: &SegmentCache, reader: &IndexReader) {
    if let Err(e) = cache.warm(&reader.searcher()) {
        tracing::warn!(error = %e, "warming the search caches failed");
    }
}

fn is_empty_dir(dir: &Path) -> std::io::Result<bool> {
    Ok(std::fs::read_dir(dir)?.next().is_none())
}

fn wipe(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

impl CatalogIndex {
    /// Opens the index in `dir`, creating the folder and a fresh empty index when there is none
    /// or when the one there cannot be used (its contents are then deleted).
    pub fn open_or_create(dir: &Path) -> Result<(Self, Opened), SearchError> {
        std::fs::create_dir_all(dir)?;
        if !is_empty_dir(dir)? {
            match Self::open_existing(dir) {
                Ok(index) => return Ok((index, Opened::Existing)),
                Err(e) => tracing::warn!(dir = %dir.display(), error = %e, "search index unusable; recreating it empty"),
            }
            wipe(dir)?;
        }
        let (schema, _) = schema::build();
        let index = Index::create_in_dir(dir, schema)?;
        let tmp = dir.join(format!("{VERSION_FILE}.tmp"));
        std::fs::write(&tmp, SCHEMA_VERSION)?;
        std::fs::rename(&tmp, dir.join(VERSION_FILE))?;
        Ok((Self::wrap(dir, index, None)?, Opened::Created))
    }

    fn open_existing(dir: &Path) -> Result<Self, SearchError> {
        let version = std::fs::read_to_string(dir.join(VERSION_FILE))?;
        if version.trim() != SCHEMA_VERSION {
            return Err(SearchError::Version(version.trim().to_owned()));
        }
        let index = Index::open_in_dir(dir)?;
        let (schema, _) = schema::build();
        if index.schema() != schema {
            return Err(SearchError::Version(format!("{SCHEMA_VERSION} with another schema")));
        }
        let seq = parse_seq(index.load_metas()?.payload.as_deref());
        let opened = Self::wrap(dir, index, seq)?;
        // Open every stored document's block index too: a damaged segment fails here, not later.
        for segment in opened.reader.searcher().segment_readers() {
            segment.get_store_reader(1)?;
        }
        Ok(opened)
    }

    fn wrap(dir: &Path, index: Index, seq: Option<i64>) -> Result<Self, SearchError> {
        index.tokenizers().register(TOKENIZER_NAME, analyzer());
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let (_, fields) = schema::build();
        Ok(Self {
            dir: dir.to_owned(),
            index,
            reader,
            fields,
            applied_seq: Arc::new(RwLock::new(seq)),
            cache: Arc::new(SegmentCache::default()),
            results: ResultCache::default(),
            engine: TextEngine::default(),
            pool: SearchPool::new(0)?,
        })
    }

    /// Searches on `threads` threads shared by every search, in the order searches arrive (see
    /// [`SearchPool`]): an idle index searches one search's segments side by side, a busy one
    /// keeps the latency of many even. Until this is called, a search runs on the caller's thread.
    pub fn set_search_threads(&mut self, threads: usize) -> Result<(), SearchError> {
        // tantivy's own query (one-syllable words, code lookups; rare) still splits a search's
        // segments on tantivy's pool, from the search thread that runs it.
        if threads > 1 {
            self.index.set_multithread_executor(threads)?;
        } else {
            self.index.set_executor(tantivy::Executor::SingleThread);
        }
        self.pool = SearchPool::new(threads.max(1))?;
        // A reader's searchers take the executor of the index it was built from.
        self.reader = self.index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(())
    }

    /// Turns the cache of repeated searches on the same index generation on (the default) or off
    /// (to measure the search itself).
    pub fn set_result_cache(&mut self, on: bool) {
        self.results.set_enabled(on);
    }

    /// Chooses how free text is matched and scored (see [`TextEngine`]).
    pub fn set_text_engine(&mut self, engine: TextEngine) {
        self.engine = engine;
    }

    /// The number of segments searched (for diagnostics).
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// The change-feed sequence recorded by the last commit (`None` for a fresh index).
    pub fn applied_seq(&self) -> Option<i64> {
        *self.applied_seq.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the index writer: one per folder across processes ([`SearchError::Locked`]).
    pub fn updater(&self) -> Result<IndexUpdater, SearchError> {
        self.updater_with(1, WRITER_MEMORY_BYTES)
    }

    /// A writer for filling the index from scratch: `threads` indexing threads sharing
    /// `memory_bytes`, no merges while it fills; [`IndexUpdater::finish_bulk`] then merges the
    /// segments into a few of equal size (one per search thread).
    pub fn bulk_updater(&self, threads: usize, memory_bytes: usize) -> Result<IndexUpdater, SearchError> {
        let updater = self.updater_with(threads.max(1), memory_bytes)?;
        updater.writer.set_merge_policy(Box::new(NoMergePolicy));
        Ok(updater)
    }

    fn updater_with(&self, threads: usize, memory_bytes: usize) -> Result<IndexUpdater, SearchError> {
        let writer = match self.index.writer_with_num_threads(threads, memory_bytes) {
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => return Err(SearchError::Locked),
            other => other?,
        };
        Ok(IndexUpdater {
            writer,
            reader: self.reader.clone(),
            fields: self.fields,
            applied_seq: self.applied_seq.clone(),
            cache: self.cache.clone(),
        })
    }

    /// [`Self::search`] on the index's search threads, after the searches handed over before
    /// it; `done` takes the answer there (a server hands over every search this way, so that the
    /// cores are shared first come first served instead of between every search in flight).
    pub fn search_then(self: Arc<Self>, q: SearchQuery, done: impl FnOnce(Result<SearchResult, SearchError>) + Send + 'static) {
        let pool = self.pool.clone();
        pool.spawn(move || done(self.search(&q)));
    }

    /// A catalog search (`GET /api/v1/services`, docs/RULES.md#search).
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResult, SearchError> {
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        let page = q.page.max(1);
        let per_page = q.per_page.max(1);
        let wanted = (page as usize).saturating_mul(per_page as usize);
        let key = results::key(q);
        let fruit = match self.results.get(generation, &key, wanted) {
            Some(fruit) => fruit,
            None => {
                let (query, has_text) = base_query(q, &self.fields)?;
                let mut plan = Plan::new(q, has_text);
                plan.keep = self.results.keep_for(wanted);
                let keep = plan.keep;
                let alive: HashSet<_> = searcher.segment_readers().iter().map(|r| r.segment_id()).collect();
                self.cache.prune(&alive, plan.day);
                let collector = CatalogCollector { plan: Arc::new(plan), cache: self.cache.clone() };
                let text = match (free_text(q), self.engine) {
                    (Some(t), TextEngine::Bitsets) => TextQuery::new(t, &self.fields, &searcher)?,
                    (Some(t), TextEngine::Exhaustive) => TextQuery::new(t, &self.fields, &searcher)?.map(TextQuery::exhaustive),
                    _ => None,
                };
                // Bitsets (crate::text) for whole-term words and for no text at all; tantivy's
                // query for one-syllable words and code or business-number lookups (and when
                // asked to compare).
                let bitsets = text.is_some() || (!has_text && self.engine != TextEngine::Tantivy);
                let fruit = Arc::new(if bitsets {
                    let tags = tag_terms(q, &self.fields);
                    let segments: Vec<(u32, SegmentReader)> =
                        searcher.segment_readers().iter().enumerate().map(|(ord, r)| (ord as u32, r.clone())).collect();
                    let (text, c) = (text.map(Arc::new), collector.clone());
                    let answers =
                        self.pool.fork_join(segments, move |(ord, reader)| collect_segment(text.as_deref(), &c, ord, &reader, &tags));
                    let answers: Option<Vec<_>> = answers.into_iter().collect();
                    let answers = answers.ok_or_else(|| TantivyError::InternalError("a segment's search panicked".into()))?;
                    let fruits = answers.into_iter().collect::<tantivy::Result<Vec<_>>>()?;
                    collector.merge_fruits(fruits)?
                } else {
                    searcher.search(&*query, &collector)?
                });
                self.results.put(generation, key, keep, fruit.clone());
                fruit
            }
        };

        let start = (page as usize - 1).saturating_mul(per_page as usize);
        let mut items = Vec::with_capacity(per_page as usize);
        for key in fruit.top.iter().skip(start).take(per_page as usize) {
            let doc: TantivyDocument = searcher.doc(key.address())?;
            let json = doc
                .get_first(self.fields.payload)
                .and_then(|v| v.as_str())
                .ok_or_else(|| SearchError::Stored("a document has no stored payload".into()))?;
            let stored: Stored = serde_json::from_str(json).map_err(|e| SearchError::Stored(e.to_string()))?;
            items.push(stored.into_hit(q.today));
        }

        let mut facets = Facets::default();
        for (code, n) in fruit.kinds.iter().enumerate() {
            if let (Some(kind), true) = (schema::kind_from_code(code as u64), *n > 0) {
                facets.kind.insert(kind.as_str().to_owned(), *n);
            }
        }
        for (code, n) in fruit.grades.iter().enumerate() {
            if let (Some(grade), true) = (schema::grade_from_code(code as u8), *n > 0) {
                facets.csap_grade.insert(grade.as_str().to_owned(), *n);
            }
        }
        facets.category = fruit.categories.clone();
        Ok(SearchResult { total: fruit.total, page, per_page, items, facets })
    }

    /// Live documents (every status).
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// `(id, status)` of every live document, sorted by id.
    pub fn all_ids(&self) -> Result<Vec<(String, String)>, SearchError> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for segment in searcher.segment_readers() {
            let Some((ids, ords)) = str_terms(segment, col::ID)? else {
                continue;
            };
            let status = segment.fast_fields().u64(col::STATUS)?;
            for doc in segment.doc_ids_alive() {
                let id = ords.first(doc).and_then(|o| ids.get(o as usize));
                let st = status.first(doc).and_then(schema::status_from_code);
                if let (Some(id), Some(st)) = (id, st) {
                    out.push((id.clone(), st.as_str().to_owned()));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Listed services counted by kind (the order of `ServiceKind::ALL`) and by when they were
    /// first listed: bucket `i` holds those listed before `bounds[i]` and on or after
    /// `bounds[i - 1]`; the last bucket those on or after the last bound (or never stamped). One
    /// pass over two fast columns, so the public statistics cost the same at a million services
    /// as a search does.
    pub fn listing_histogram(&self, bounds: &[i64]) -> Result<Vec<[u64; ServiceKind::ALL.len()]>, SearchError> {
        let listed = schema::status_code(ServiceStatus::Listed);
        let mut out = vec![[0u64; ServiceKind::ALL.len()]; bounds.len() + 1];
        let searcher = self.reader.searcher();
        for segment in searcher.segment_readers() {
            let ff = segment.fast_fields();
            let status = ff.u64(col::STATUS)?;
            let kind = ff.u64(col::KIND)?;
            let at = ff.i64(col::LISTED_AT)?;
            for doc in segment.doc_ids_alive() {
                if status.first(doc) != Some(listed) {
                    continue;
                }
                let Some(k) = kind.first(doc).and_then(|c| usize::try_from(c).ok()).filter(|k| *k < ServiceKind::ALL.len()) else {
                    continue;
                };
                let bucket = at.first(doc).map_or(bounds.len(), |t| bounds.partition_point(|b| *b <= t));
                out[bucket][k] += 1;
            }
        }
        Ok(out)
    }

    /// The kind of each of these services the index holds (any status), by id.
    pub fn kinds_of(&self, ids: &[String]) -> Result<std::collections::HashMap<String, ServiceKind>, SearchError> {
        let searcher = self.reader.searcher();
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for id in ids {
            let query = TermQuery::new(Term::from_field_text(self.fields.id, id), IndexRecordOption::Basic);
            for address in searcher.search(&query, &DocSetCollector)? {
                let segment = searcher.segment_reader(address.segment_ord);
                let kind = segment.fast_fields().u64(col::KIND)?;
                if let Some(k) = kind.first(address.doc_id).and_then(schema::kind_from_code) {
                    out.insert(id.clone(), k);
                }
            }
        }
        Ok(out)
    }

    /// Ids of the documents whose host infrastructure is the service `host_code`, sorted.
    pub fn ids_with_host(&self, host_code: &str) -> Result<Vec<String>, SearchError> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(Term::from_field_text(self.fields.host_code, host_code), IndexRecordOption::Basic);
        let addresses = searcher.search(&query, &DocSetCollector)?;
        let mut out = Vec::with_capacity(addresses.len());
        let mut buf = String::new();
        for address in addresses {
            let segment = searcher.segment_reader(address.segment_ord);
            let Some(ids) = segment.fast_fields().str(col::ID)? else {
                continue;
            };
            if let Some(ord) = ids.ords().first(address.doc_id) {
                buf.clear();
                if ids.ord_to_str(ord, &mut buf)? {
                    out.push(buf.clone());
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// The dense posting lists held as bitsets ([`crate::dense`]): terms and heap bytes, over
    /// the segments searched so far (every segment once the index is warm).
    pub fn dense_terms(&self) -> (usize, usize) {
        let searcher = self.reader.searcher();
        let mut total = (0, 0);
        for reader in searcher.segment_readers() {
            if let Ok(statics) = self.cache.statics(reader) {
                let (terms, bytes) = statics.dense.size();
                total = (total.0 + terms, total.1 + bytes);
            }
        }
        total
    }

    /// Total bytes of the index folder.
    pub fn size_bytes(&self) -> u64 {
        dir_size(&self.dir)
    }

    /// Sees commits made by another process (or another handle on the folder).
    pub fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload()?;
        let seq = parse_seq(self.index.load_metas()?.payload.as_deref());
        *self.applied_seq.write().unwrap_or_else(PoisonError::into_inner) = seq;
        warm(&self.cache, &self.reader);
        Ok(())
    }
}

/// The one writer of an index folder. Changes become visible at [`IndexUpdater::commit`].
pub struct IndexUpdater {
    writer: IndexWriter<TantivyDocument>,
    reader: IndexReader,
    fields: Fields,
    applied_seq: Arc<RwLock<Option<i64>>>,
    cache: Arc<SegmentCache>,
}

impl IndexUpdater {
    /// Adds the service, replacing any document with the same id.
    pub fn upsert(&mut self, doc: &SearchDoc) -> Result<(), SearchError> {
        let document = schema::to_document(doc, &self.fields)?;
        self.writer.delete_term(Term::from_field_text(self.fields.id, &doc.id));
        self.writer.add_document(document)?;
        Ok(())
    }

    /// Adds a document known not to be in the index (a fill after [`IndexUpdater::clear`]): no
    /// delete of an older copy for the writer to resolve when it flushes.
    pub fn add(&mut self, doc: &SearchDoc) -> Result<(), SearchError> {
        self.writer.add_document(schema::to_document(doc, &self.fields)?)?;
        Ok(())
    }

    pub fn delete(&mut self, id: &str) -> Result<(), SearchError> {
        self.writer.delete_term(Term::from_field_text(self.fields.id, id));
        Ok(())
    }

    /// Deletes every document (for a rebuild).
    pub fn clear(&mut self) -> Result<(), SearchError> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Commits with `applied_seq` as the commit's payload; searches see it at once.
    pub fn commit(&mut self, applied_seq: i64) -> Result<(), SearchError> {
        self.commit_unwarmed(applied_seq)?;
        warm(&self.cache, &self.reader);
        Ok(())
    }

    /// Commits without building the new segments' caches (a bulk fill merges them next).
    fn commit_unwarmed(&mut self, applied_seq: i64) -> Result<(), SearchError> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&applied_seq.to_string());
        prepared.commit()?;
        self.reader.reload()?;
        *self.applied_seq.write().unwrap_or_else(PoisonError::into_inner) = Some(applied_seq);
        Ok(())
    }

    /// Ends a bulk fill: commits with `applied_seq`, merges the segments into `parts` groups of
    /// about equal size (so that the search threads share the work evenly), waits for the merges
    /// and releases the writer.
    pub fn finish_bulk(mut self, applied_seq: i64, parts: usize) -> Result<(), SearchError> {
        self.commit_unwarmed(applied_seq)?;
        let mut segments: Vec<(u32, SegmentId)> =
            self.reader.searcher().segment_readers().iter().map(|r| (r.num_docs(), r.segment_id())).collect();
        segments.sort_unstable_by(|a, b| b.cmp(a));
        let parts = parts.clamp(1, segments.len().max(1));
        let mut bins: Vec<(u64, Vec<SegmentId>)> = vec![(0, Vec::new()); parts];
        for (docs, id) in segments {
            if let Some(bin) = bins.iter_mut().min_by_key(|b| b.0) {
                bin.0 += u64::from(docs);
                bin.1.push(id);
            }
        }
        let merges: Vec<_> = bins.iter().filter(|b| b.1.len() > 1).map(|b| self.writer.merge(&b.1)).collect();
        for m in merges {
            m.wait()?;
        }
        self.writer.wait_merging_threads()?;
        self.reader.reload()?;
        warm(&self.cache, &self.reader);
        Ok(())
    }

    /// Waits for background merges and releases the writer.
    pub fn finish(self) -> Result<(), SearchError> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}
