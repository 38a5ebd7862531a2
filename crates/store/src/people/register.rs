//! The register held in memory for matching: a spreadsheet import's check of its rows
//! ([`Register`]) and the register-wide duplicate scan ([`all_duplicates`]).
//!
//! Both compare people who share a blocking key, from people prepared once and grouped by key
//! ([`Blocks`]), rather than querying and opening each person's blocks again per person (a
//! 10,000-row import into a register of 100,000 people checked 32 rows a second that way; the
//! scan checked 10,000 people in 54 s, growing with the square of the register).

use super::{also_counting, get_many, name_frequencies, people_of, tables, Candidate, Person, Row, Sight, BLOCK_MAX, CANDIDATES_MAX, COLUMNS, VISIBLE};
use crate::db::Tx;
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use passerelle_core::matching::{self, keys, MatchScore, NameFrequencies, PreparedPerson, Probe, Thresholds};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// People prepared for matching, numbered in the order they were added (registration order),
/// and grouped into blocks by duplicate key. Each key is held once, as a block number: a
/// million people have about ten million keys, and holding them as text for every person
/// (with every person's opened record) took more than 3.5 GB at a million people.
#[derive(Default)]
struct Blocks {
    prepared: Vec<PreparedPerson>,
    /// Each person's blocks.
    blocks_of: Vec<Vec<u32>>,
    /// Each key's block.
    numbers: HashMap<String, u32>,
    /// Each block's people, its earliest-added [`BLOCK_MAX`].
    members: Vec<Vec<u32>>,
}

impl Blocks {
    /// Adds the next person, prepared here.
    fn add_person(&mut self, person: &Person) {
        let prepared = PreparedPerson::new(&person.record(), tables());
        let keys = keys::duplicate_keys(&prepared);
        self.add(prepared, keys);
    }

    /// Adds the next person with their duplicate keys; a full block keeps the people added
    /// before.
    fn add(&mut self, prepared: PreparedPerson, keys: Vec<String>) {
        // A register holds far fewer than 2^32 people or keys.
        let i = self.prepared.len() as u32;
        let mut numbers = Vec::with_capacity(keys.len());
        for key in keys {
            let next = self.members.len() as u32;
            let n = *self.numbers.entry(key).or_insert(next);
            if n == next {
                self.members.push(Vec::new());
            }
            let block = &mut self.members[n as usize];
            if block.len() < BLOCK_MAX {
                block.push(i);
            }
            numbers.push(n);
        }
        self.prepared.push(prepared);
        self.blocks_of.push(numbers);
    }

    /// The blocks of `keys` that hold someone.
    fn numbers_of<'k>(&self, keys: impl IntoIterator<Item = &'k String>) -> Vec<u32> {
        keys.into_iter().filter_map(|k| self.numbers.get(k).copied()).collect()
    }

    /// The people of `blocks`, once each however many of them they share, in order.
    fn sharing(&self, blocks: &[u32]) -> Vec<usize> {
        let mut seen: Vec<usize> = blocks.iter().flat_map(|b| &self.members[*b as usize]).map(|j| *j as usize).collect();
        seen.sort_unstable();
        seen.dedup();
        seen
    }

    /// The people sharing one of `blocks` with `probe`, but `except`, scored, best first, at
    /// most [`CANDIDATES_MAX`]. Pairs that cannot reach `floor` are left out unscored.
    fn scored(&self, probe: &Probe<'_>, blocks: &[u32], except: Option<usize>, floor: f64) -> Vec<(usize, MatchScore)> {
        let mut found: Vec<(usize, MatchScore)> = self
            .sharing(blocks)
            .into_iter()
            .filter(|j| Some(*j) != except)
            .filter_map(|j| probe.score_reaching(&self.prepared[j], floor).map(|s| (j, s)))
            .collect();
        found.sort_by(|x, y| y.1.score.total_cmp(&x.1.score));
        found.truncate(CANDIDATES_MAX);
        found
    }
}

/// Pairs someone judged to be two people, smaller id first.
struct Distinct(HashSet<(Uuid, Uuid)>);

impl Distinct {
    async fn read(tx: &mut Tx) -> StoreResult<Distinct> {
        let pairs: Vec<(Uuid, Uuid)> = on_tx!(tx, c => sqlx::query_as("SELECT a, b FROM person_distinct").fetch_all(c).await)?;
        Ok(Distinct(pairs.into_iter().collect()))
    }

    fn judged(&self, x: Uuid, y: Uuid) -> bool {
        self.0.contains(&if x < y { (x, y) } else { (y, x) })
    }
}

/// Someone to check against the register, prepared for matching once: an import's row is
/// checked, joins the register and is written from the same preparation and keys (each used to
/// be prepared five times and its keys computed seven: a tenth of the import's CPU).
pub struct Prepared {
    pub person: Person,
    matching: PreparedPerson,
    /// Every match key of the person ([`keys::person_keys`]): what registering writes.
    keys: Vec<String>,
}

impl Prepared {
    pub fn new(person: Person) -> Prepared {
        let matching = PreparedPerson::new(&person.record(), tables());
        let keys = keys::person_keys(&matching);
        Prepared { person, matching, keys }
    }

    /// The keys whose blocks a duplicate check compares, read from the keys held (not copied:
    /// each row looks them up several times).
    fn duplicate_keys(&self) -> impl Iterator<Item = &String> {
        self.keys.iter().filter(|k| keys::is_duplicate_key(k))
    }

    /// Every match key, as [`keys::person_keys`] computes them.
    pub(crate) fn keys(&self) -> &[String] {
        &self.keys
    }
}

/// The part of the register a spreadsheet import's rows are checked against, held in memory,
/// opened and prepared once; each accepted row joins it, so that the next rows are checked
/// against it too. For the command line's import, not for a page.
pub struct Register {
    people: Vec<Person>,
    blocks: Blocks,
    distinct: Distinct,
    /// The register's name frequencies for the people held and the rows to check, counting
    /// each accepted row as it joins, as the register will once it is written.
    freq: NameFrequencies,
}

impl Register {
    /// The people `sight` sees and the pairs judged distinct.
    async fn read(tx: &mut Tx, sight: &Sight, probes: &[Prepared]) -> StoreResult<Register> {
        let (a, t, o, sup, me) = sight.binds();
        let (people, narrow) = sight.in_registration_order(tx);
        let sql = format!("SELECT {COLUMNS} FROM {people} WHERE {narrow}{VISIBLE} AND p.merged_into IS NULL ORDER BY p.created_at, p.id");
        let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(a).bind(t).bind(o).bind(sup).bind(me).fetch_all(c).await)?;
        let people = people_of(tx, rows)?;
        Self::of(tx, people, probes).await
    }

    /// The part of the register that checking `probes` needs: the people `sight` sees in the
    /// blocks of the probes' duplicate keys, each block's earliest-registered [`BLOCK_MAX`] as
    /// the whole register keeps them, and the pairs judged distinct. A probe checked against
    /// it finds what it would find against the whole register: an import reads the blocks its
    /// rows touch instead of reading and opening a register of a million people (26 s of
    /// reading and two more minutes of opening, 2.5 GB, for a 10,000-row sheet).
    ///
    /// A viewer who sees only their own registrations has them read whole instead: a
    /// caseworker's thousand people are read in milliseconds, where the blocks of a sheet's
    /// keys hold tens of thousands of the country's people, each tested against the sight.
    pub async fn read_around(tx: &mut Tx, sight: &Sight, probes: &[Prepared]) -> StoreResult<Register> {
        if sight.own_only() {
            return Register::read(tx, sight, probes).await;
        }
        // The blind index of each key under every data key, back to the key it stands for.
        let mut key_of: HashMap<String, String> = HashMap::new();
        let mut seen = HashSet::new();
        for probe in probes {
            for key in probe.duplicate_keys().cloned() {
                if !seen.insert(key.clone()) {
                    continue;
                }
                for blind in tx.keyring().blind_all(&key)? {
                    key_of.insert(blind, key.clone());
                }
            }
        }
        let blinds: Vec<&String> = key_of.keys().collect();
        let (a, t, o, sup, me) = sight.binds();
        let mut blocks: HashMap<&str, Vec<(DateTime<Utc>, Uuid)>> = HashMap::new();
        for batch in blinds.chunks(crate::db::BATCH) {
            // Each block's earliest cut in the database: a common name's block holds thousands.
            let sql = format!(
                "SELECT key, created_at, id FROM (
                     SELECT k.key, p.created_at, p.id, ROW_NUMBER() OVER (PARTITION BY k.key ORDER BY p.created_at, p.id) AS n
                     FROM person_match_keys k JOIN people p ON p.id = k.person_id
                     WHERE {VISIBLE} AND p.merged_into IS NULL AND k.key IN ({})) ranked
                 WHERE n <= {BLOCK_MAX}", crate::db::placeholders(6, batch.len()));
            let rows: Vec<(String, DateTime<Utc>, Uuid)> = on_tx!(tx, c => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(a).bind(t).bind(o).bind(sup).bind(me);
                for blind in batch {
                    q = q.bind(*blind);
                }
                q.fetch_all(c).await
            })?;
            for (blind, at, id) in rows {
                if let Some(key) = key_of.get(&blind) {
                    blocks.entry(key.as_str()).or_default().push((at, id));
                }
            }
        }
        let mut wanted = std::collections::BTreeSet::new();
        for block in blocks.values_mut() {
            block.sort();
            wanted.extend(block.iter().take(BLOCK_MAX).copied());
        }
        let ids: Vec<Uuid> = wanted.iter().map(|(_, id)| *id).collect();
        let mut people = get_many(tx, sight, &ids).await?;
        people.sort_by_key(|p| (p.created_at, p.id));
        Self::of(tx, people, probes).await
    }

    /// A register of `people`, in registration order, with the pairs judged distinct and the
    /// name frequencies of them and of `probes`.
    async fn of(tx: &mut Tx, people: Vec<Person>, probes: &[Prepared]) -> StoreResult<Register> {
        let mut blocks = Blocks::default();
        // People in registration order, so a full block keeps its earliest-registered people.
        for person in &people {
            blocks.add_person(person);
        }
        // The rows' names counted first; the people held have theirs counted only where they
        // may be very likely one of the rows (as a duplicate check does for its candidates):
        // around a sheet of 10,000 rows a national register holds hundreds of thousands.
        let probes_only = name_frequencies(tx, probes.iter().map(|p| &p.matching)).await?;
        let floor = Thresholds::DEFAULT.likely;
        let mut reachable: HashSet<usize> = HashSet::new();
        for probe in probes {
            let bound = Probe::new(&probe.matching, Some(&probes_only));
            let shared = blocks.numbers_of(probe.duplicate_keys());
            // Each person tested once for the row, and not again once a row may reach them.
            let newly: Vec<usize> =
                blocks.sharing(&shared).into_iter().filter(|j| !reachable.contains(j) && bound.can_reach(&blocks.prepared[*j], floor)).collect();
            reachable.extend(newly);
        }
        let freq = also_counting(tx, probes_only, reachable.iter().map(|j| &blocks.prepared[*j])).await?;
        Ok(Register { people, blocks, distinct: Distinct::read(tx).await?, freq })
    }

    /// Adds someone just registered (an import's accepted row), so that the next rows are
    /// checked against them too.
    pub fn add(&mut self, p: &Prepared) {
        self.freq.add_keys(&p.keys);
        self.blocks.add(p.matching.clone(), p.duplicate_keys().cloned().collect());
        self.people.push(p.person.clone());
    }

    /// The people of the register held who are very likely `person` (the "likely" band), as
    /// [`super::possible_duplicates`] would find them: what an import refuses. Fewer pairs can
    /// reach that band, so fewer names are compared.
    pub fn likely_duplicates(&self, probe: &Prepared) -> Vec<Candidate> {
        let floor = Thresholds::DEFAULT.likely;
        let person = &probe.person;
        let blocks = self.blocks.numbers_of(probe.duplicate_keys());
        self.blocks
            .scored(&Probe::new(&probe.matching, Some(&self.freq)), &blocks, None, floor)
            .into_iter()
            .map(|(j, score)| (&self.people[j], score))
            .filter(|(other, score)| other.id != person.id && score.score >= floor && !self.distinct.judged(person.id, other.id))
            .map(|(other, score)| Candidate { person: other.clone(), score })
            .collect()
    }
}

/// Two registered people who may be the same person, as the register-wide scan finds them:
/// `a` registered first. Without the score's reasons: a million people make millions of
/// pairs in the possible band, and each person's page shows the reasons of theirs.
#[derive(Debug, Clone, Copy)]
pub struct DuplicatePair {
    pub a: Uuid,
    pub b: Uuid,
    /// 0..=1; higher is more likely the same person.
    pub score: f64,
    pub band: matching::MatchBand,
}

/// How far the register-wide scan is, for a progress bar: people read and opened of all, then
/// people checked of all (a million people take minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanProgress {
    Read { done: usize, of: usize },
    Checked { done: usize, of: usize },
}

/// People checked between two reports of [`ScanProgress::Checked`].
const CHECKED_REPORT: usize = 1_000;

/// People read and opened together by the register-wide scan: enough for few statements,
/// few enough that only one batch of opened records is held at a time.
const SCAN_BATCH: usize = 2_000;

/// Every pair of registered people the viewer may see whose score reaches the "possible" band,
/// each pair once, best first: `passerelle people duplicates`. The same pairs as checking each
/// person with [`super::possible_duplicates`], computed in one pass.
///
/// The register is read a batch at a time and each record kept only in its prepared form, its
/// keys as block numbers; the opened records are dropped, and the pairs name people by id
/// ([`super::get_many`] reads the people of a few pairs at a time). The scoring, the bulk of the
/// work, runs on every core.
pub async fn all_duplicates(tx: &mut Tx, sight: &Sight, progress: &(dyn Fn(ScanProgress) + Sync)) -> StoreResult<Vec<DuplicatePair>> {
    let (a, t, o, sup, me) = sight.binds();
    let (people, narrow) = sight.in_registration_order(tx);
    let sql = format!("SELECT p.created_at, p.id FROM {people} WHERE {narrow}{VISIBLE} AND p.merged_into IS NULL");
    let mut order: Vec<(DateTime<Utc>, Uuid)> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(a).bind(t).bind(o).bind(sup).bind(me).fetch_all(c).await)?;
    // Registration order, so that a full block keeps its earliest-registered people.
    order.sort_unstable();
    let ids: Vec<Uuid> = order.into_iter().map(|(_, id)| id).collect();
    let mut blocks = Blocks::default();
    for batch in ids.chunks(SCAN_BATCH) {
        let mut people = get_many(tx, sight, batch).await?;
        people.sort_by_key(|p| (p.created_at, p.id));
        for person in &people {
            blocks.add_person(person);
        }
        progress(ScanProgress::Read { done: blocks.prepared.len(), of: ids.len() });
    }
    // The keys' text is no longer needed: people and blocks are numbers from here on.
    blocks.numbers = HashMap::new();
    let distinct = Distinct::read(tx).await?;
    let freq = name_frequencies(tx, blocks.prepared.iter()).await?;
    let floor = Thresholds::DEFAULT.possible;
    let n = ids.len();
    let checked = std::sync::atomic::AtomicUsize::new(0);
    let pairs_from = |probes: std::ops::Range<usize>| -> Vec<DuplicatePair> {
        let mut out = Vec::new();
        for i in probes {
            if (i + 1) % CHECKED_REPORT == 0 {
                let done = checked.fetch_add(CHECKED_REPORT, std::sync::atomic::Ordering::Relaxed) + CHECKED_REPORT;
                progress(ScanProgress::Checked { done, of: n });
            }
            for (j, score) in blocks.scored(&Probe::new(&blocks.prepared[i], Some(&freq)), &blocks.blocks_of[i], Some(i), floor) {
                // Each pair once, from the earlier-registered side; never a pair judged distinct.
                if i < j && score.band != matching::MatchBand::Unlikely && !distinct.judged(ids[i], ids[j]) {
                    out.push(DuplicatePair { a: ids[i], b: ids[j], score: score.score, band: score.band });
                }
            }
        }
        out
    };
    let workers = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8);
    let share = n.div_ceil(workers).max(1);
    let mut pairs: Vec<DuplicatePair> = std::thread::scope(|s| {
        let running: Vec<_> = (0..n).step_by(share).map(|start| s.spawn(move || pairs_from(start..(start + share).min(n)))).collect();
        running.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    progress(ScanProgress::Checked { done: n, of: n });
    pairs.sort_by(|x, y| y.score.total_cmp(&x.score));
    Ok(pairs)
}
