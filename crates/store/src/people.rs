//! The people Passerelle serves. A person is registered with the minimum the procedure needs;
//! duplicates are looked for before registering, through the blocking keys of
//! `passerelle_core::matching` kept in `person_match_keys`, so a check compares a handful of
//! candidates instead of the whole register. Who may see a person follows who registered them
//! (own, team, agency) and, for a restricted person, only the registering caseworker and their
//! team's supervisor.
//!
//! Names, other names, birth date, phone and address are kept *sealed* (`sealed`, see
//! `passerelle_core::privacy::seal`); the blocking keys are kept as keyed blind indexes, so the
//! database alone gives neither names nor the sound of names. A look-up computes the blind
//! indexes of the query's keys, reads the matching rows, opens them in memory and scores them
//! with `passerelle_core::matching` exactly as before.

use crate::audit::{self, Event};
use crate::db::{now, Tx};
use crate::error::{StoreError, StoreResult};
use crate::users::Viewer;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use passerelle_core::privacy::seal;
use passerelle_core::matching::{self, keys, BirthDate, MatchScore, MatchTables, NameFrequencies, PersonRecord, PreparedPerson, Probe, Sex, Thresholds};
use passerelle_core::validate::Problems;
use serde_json::json;
use uuid::Uuid;

pub const SEXES: &[&str] = &["female", "male", "other"];
pub const MIGRATION_STATUSES: &[&str] =
    &["national", "regular_migrant", "irregular_migrant", "asylum_seeker", "refugee", "stateless", "unknown"];

/// What a registration form sends, before checking.
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    pub given_names: String,
    pub family_names: String,
    /// One name per line.
    pub other_names: String,
    pub sex: String,
    pub birth_date: String,
    pub age_estimate: String,
    pub nationality: String,
    pub migration_status: String,
    pub languages: String,
    pub phone: String,
    pub area_id: Option<Uuid>,
    pub community: String,
    pub address: String,
    pub external_id: String,
    pub restricted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: Uuid,
    pub given_names: String,
    pub family_names: String,
    pub other_names: String,
    pub sex: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub birth_year_estimated: Option<i64>,
    pub nationality: Option<String>,
    pub migration_status: String,
    pub languages: String,
    pub phone: Option<String>,
    pub area_id: Option<Uuid>,
    pub community: Option<String>,
    pub address: Option<String>,
    pub external_id: Option<String>,
    pub restricted: bool,
    pub registered_by: Uuid,
    pub team_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
    /// Set when this record was merged into another: the other is the person's record now.
    pub merged_into: Option<Uuid>,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_names, self.family_names).trim().to_string()
    }

    /// The record matching reads.
    pub fn record(&self) -> PersonRecord {
        PersonRecord {
            given_names: self.given_names.clone(),
            family_names: self.family_names.clone(),
            other_names: self.other_names.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect(),
            sex: self.sex.as_deref().and_then(sex_of),
            birth: match (self.birth_date, self.birth_year_estimated) {
                (Some(d), _) => Some(BirthDate::Exact(d)),
                (None, Some(y)) => i32::try_from(y).ok().map(BirthDate::EstimatedYear),
                _ => None,
            },
            nationality: self.nationality.clone(),
            phone: self.phone.clone(),
            external_id: self.external_id.clone(),
        }
    }

    /// Age in whole years on `on`: exact from the birth date, else from the estimated year.
    pub fn age_on(&self, on: NaiveDate) -> Option<u32> {
        match (self.birth_date, self.birth_year_estimated) {
            (Some(b), _) => on.years_since(b),
            (None, Some(y)) => u32::try_from(i64::from(on.year()) - y).ok(),
            _ => None,
        }
    }
}

fn sex_of(code: &str) -> Option<Sex> {
    match code {
        "female" => Some(Sex::Female),
        "male" => Some(Sex::Male),
        "other" => Some(Sex::Other),
        _ => None,
    }
}

/// Checks a registration; every problem at once.
pub fn check(input: &PersonInput, today: NaiveDate) -> Result<Person, Problems> {
    let mut p = Problems::default();
    let given_names = p.text("given_names", &input.given_names, true, 200);
    let family_names = p.text("family_names", &input.family_names, false, 200);
    let other_names = p.text("other_names", &input.other_names, false, 1000);
    let sex = p.text("sex", &input.sex, false, 20);
    if !sex.is_empty() && !SEXES.contains(&sex.as_str()) {
        p.add("sex", "unknown-choice");
    }
    let birth = p.text("birth_date", &input.birth_date, false, 10);
    let birth_date = if birth.is_empty() {
        None
    } else {
        match NaiveDate::parse_from_str(&birth, "%Y-%m-%d") {
            Ok(d) if d <= today && d.year() >= 1900 => Some(d),
            Ok(_) => {
                p.add("birth_date", "out-of-range");
                None
            }
            Err(_) => {
                p.add("birth_date", "not-a-date");
                None
            }
        }
    };
    let age = p.text("age_estimate", &input.age_estimate, false, 3);
    let birth_year_estimated = if age.is_empty() || birth_date.is_some() {
        None
    } else {
        match age.parse::<u32>() {
            Ok(a) if a <= 120 => Some(i64::from(today.year()) - i64::from(a)),
            Ok(_) => {
                p.add("age_estimate", "out-of-range");
                None
            }
            Err(_) => {
                p.add("age_estimate", "not-a-number");
                None
            }
        }
    };
    let migration_status = match p.text("migration_status", &input.migration_status, false, 30) {
        s if s.is_empty() => "unknown".to_string(),
        s if MIGRATION_STATUSES.contains(&s.as_str()) => s,
        s => {
            p.add("migration_status", "unknown-choice");
            s
        }
    };
    let nationality = p.text("nationality", &input.nationality, false, 60);
    let languages = p.text("languages", &input.languages, false, 200);
    let phone = p.text("phone", &input.phone, false, 40);
    let community = p.text("community", &input.community, false, 200);
    let address = p.text("address", &input.address, false, 300);
    let external_id = p.text("external_id", &input.external_id, false, 100);
    if !p.is_empty() {
        return Err(p);
    }
    let some = |s: String| (!s.is_empty()).then_some(s);
    Ok(Person {
        id: Uuid::nil(),
        given_names,
        family_names,
        other_names,
        sex: some(sex),
        birth_date,
        birth_year_estimated,
        nationality: some(nationality),
        migration_status,
        languages,
        phone: some(phone),
        area_id: input.area_id,
        community: some(community),
        address: some(address),
        external_id: some(external_id),
        restricted: input.restricted,
        registered_by: Uuid::nil(),
        team_id: None,
        created_at: now(),
        version: 1,
        merged_into: None,
    })
}

fn tables() -> &'static MatchTables {
    MatchTables::builtin()
}

/// Replaces a person's blocking keys with blind indexes under the current data key (a new
/// registration writes its keys with [`register_all`]).
async fn rewrite_keys(tx: &mut Tx, person: &Person) -> StoreResult<()> {
    exec!(tx, c => sqlx::query("DELETE FROM person_match_keys WHERE person_id = $1").bind(person.id))?;
    let pairs = blind_keys(tx, person)?.into_iter().map(|k| (k, person.id)).collect::<Vec<_>>();
    insert_keys(tx, &pairs).await
}

/// The blind indexes of `person`'s blocking keys (about ten), each once.
fn blind_keys(tx: &Tx, person: &Person) -> StoreResult<std::collections::BTreeSet<String>> {
    blind(tx, &keys::person_keys(&PreparedPerson::new(&person.record(), tables())))
}

/// The blind indexes of `keys` under the current data key, each once.
fn blind(tx: &Tx, keys: &[String]) -> StoreResult<std::collections::BTreeSet<String>> {
    Ok(keys.iter().map(|k| tx.keyring().blind(k)).collect::<Result<_, _>>()?)
}

/// Blocking keys written together per statement (two values each).
const KEYS_BATCH: usize = 2000;

/// Writes (blind key, person) pairs, [`KEYS_BATCH`] a statement.
async fn insert_keys(tx: &mut Tx, pairs: &[(String, Uuid)]) -> StoreResult<()> {
    for batch in pairs.chunks(KEYS_BATCH) {
        let sql = format!("INSERT INTO person_match_keys (key, person_id) VALUES {}", crate::db::values_rows(tx.backend(), "(?, ?)", batch.len()));
        exec!(tx, c => batch.iter().fold(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), |q, (key, id)| q.bind(key).bind(*id)))?;
    }
    Ok(())
}

/// The fields kept sealed, together in one value per person.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Secret {
    #[serde(rename = "g")]
    given_names: String,
    #[serde(rename = "f")]
    family_names: String,
    #[serde(rename = "o", default)]
    other_names: String,
    #[serde(rename = "b", default)]
    birth_date: Option<NaiveDate>,
    #[serde(rename = "t", default)]
    phone: Option<String>,
    #[serde(rename = "a", default)]
    address: Option<String>,
}

fn place(id: Uuid) -> Vec<u8> {
    seal::aad("people", "sealed", id.as_bytes())
}

/// The sealed value of a person's sensitive fields, bound to their row.
fn seal_person(tx: &Tx, person: &Person) -> StoreResult<Vec<u8>> {
    let secret = Secret {
        given_names: person.given_names.clone(),
        family_names: person.family_names.clone(),
        other_names: person.other_names.clone(),
        birth_date: person.birth_date,
        phone: person.phone.clone(),
        address: person.address.clone(),
    };
    let json = serde_json::to_vec(&secret).map_err(|e| StoreError::Config(e.to_string()))?;
    Ok(tx.keyring().seal(&json, &place(person.id))?)
}

/// Opens what [`seal_person`] sealed.
fn open_secret(tx: &Tx, id: Uuid, sealed: &[u8]) -> StoreResult<Secret> {
    let json = tx.keyring().open(sealed, &place(id))?;
    serde_json::from_slice(&json).map_err(|_| StoreError::Sealed(seal::SealError::Format))
}

/// "Given Family" of a row that may be sealed (`sealed`) or, before sealing, in the clear.
pub(crate) fn name_of(tx: &Tx, id: Uuid, sealed: Option<&[u8]>, given: &str, family: &str) -> StoreResult<String> {
    let (g, f) = match sealed {
        Some(b) => {
            let s = open_secret(tx, id, b)?;
            (s.given_names, s.family_names)
        }
        None => (given.to_string(), family.to_string()),
    };
    Ok(format!("{g} {f}").trim().to_string())
}

/// The birth date of a row that may be sealed (for the age bands of figures).
pub(crate) fn birth_date_of(tx: &Tx, id: Uuid, sealed: Option<&[u8]>, clear: Option<&str>) -> StoreResult<Option<NaiveDate>> {
    Ok(match sealed {
        Some(b) => open_secret(tx, id, b)?.birth_date,
        None => clear.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
    })
}

/// Writes a person's sealed value and blind indexes under the current key and empties the
/// clear columns: the start-up sealing of older rows and key rotation (`crate::sealing`).
pub(crate) async fn reseal(tx: &mut Tx, id: Uuid) -> StoreResult<()> {
    let sql = format!("SELECT {COLUMNS} FROM people p WHERE p.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)?;
    let Some(row) = row else { return Ok(()) };
    let person = person_of(tx, row)?;
    write_sealed(tx, &person).await?;
    rewrite_keys(tx, &person).await
}

async fn write_sealed(tx: &mut Tx, person: &Person) -> StoreResult<()> {
    let sealed = seal_person(tx, person)?;
    let key = tx.keyring().current().map(i64::from);
    exec!(tx, c => sqlx::query(
        "UPDATE people SET sealed = $1, seal_key = $2, given_names = '', family_names = '', other_names = '',
             birth_date = NULL, phone = NULL, address = NULL WHERE id = $3")
        .bind(&sealed).bind(key).bind(person.id))?;
    Ok(())
}

/// A person by id whatever the scope: only for the administrator's subject access and erasure
/// (`crate::rights`), whose routes are guarded by `ManagePersonalData`.
pub(crate) async fn get_any(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Person>> {
    let sql = format!("SELECT {COLUMNS} FROM people p WHERE p.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)?;
    row.map(|r| person_of(tx, r)).transpose()
}

/// Anonymises a person's row: names, other names, birth date, phone and address are replaced
/// by an empty sealed value (the clear columns were already empty), and the external id,
/// community and languages are removed; sex, birth year, nationality, migration status and
/// area stay, so the figures still count the person. Blind indexes go too, so no search or
/// duplicate check can find the row again.
pub(crate) async fn anonymise(tx: &mut Tx, person: &Person) -> StoreResult<()> {
    let blank = Person {
        given_names: String::new(),
        family_names: String::new(),
        other_names: String::new(),
        birth_date: None,
        phone: None,
        address: None,
        ..person.clone()
    };
    let birth_year = person.birth_date.map(|d| i64::from(d.year())).or(person.birth_year_estimated);
    write_sealed(tx, &blank).await?;
    exec!(tx, c => sqlx::query(
        "UPDATE people SET birth_year_estimated = $1, external_id = NULL, community = NULL, languages = '',
             anonymised_at = $2, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(birth_year).bind(now()).bind(person.id))?;
    exec!(tx, c => sqlx::query("DELETE FROM person_match_keys WHERE person_id = $1").bind(person.id))?;
    Ok(())
}

/// Registers a checked person for `viewer` (their agency and team are kept with the record).
pub async fn register(tx: &mut Tx, viewer: &Viewer, person: Person) -> StoreResult<Person> {
    register_all(tx, viewer, vec![person]).await?.pop().ok_or(StoreError::NotFound)
}

/// People registered together per statement (sixteen values each).
const REGISTER_BATCH: usize = 500;

/// Registers `people` for `viewer`, in their order (an import's accepted rows): each is
/// registered as [`register`] registers one — new id, sealed fields, blocking keys, an audit
/// entry — but [`REGISTER_BATCH`] people a statement, and the keys of all of them sorted
/// before they are written: a person's ten keys land anywhere in an index of the whole
/// register, and written in order each page of the index is written once for the lot instead
/// of once for each key (an import of 10,000 people into a million spent 1.4 s there).
pub async fn register_all(tx: &mut Tx, viewer: &Viewer, people: Vec<Person>) -> StoreResult<Vec<Person>> {
    register_prepared(tx, viewer, people.into_iter().map(Prepared::new).collect()).await
}

/// [`register_all`] for people already prepared for matching (an import's checked rows): their
/// match keys are the ones computed for the check.
pub async fn register_prepared(tx: &mut Tx, viewer: &Viewer, people: Vec<Prepared>) -> StoreResult<Vec<Person>> {
    let key = tx.keyring().current().map(i64::from);
    let mut registered = Vec::with_capacity(people.len());
    let mut sealed = Vec::with_capacity(people.len());
    let mut pairs = Vec::new();
    for prepared in people {
        let keys = blind(tx, prepared.keys())?;
        let mut person = prepared.person;
        person.id = Uuid::now_v7();
        person.registered_by = viewer.id;
        person.team_id = viewer.team_id;
        person.created_at = now();
        person.version = 1;
        person.merged_into = None;
        // Names, birth date, phone and address go only into `sealed`; their clear columns stay empty.
        sealed.push(seal_person(tx, &person)?);
        pairs.extend(keys.into_iter().map(|k| (k, person.id)));
        registered.push(person);
    }
    for (batch, sealed) in registered.chunks(REGISTER_BATCH).zip(sealed.chunks(REGISTER_BATCH)) {
        let sql = format!(
            "INSERT INTO people (id, given_names, family_names, other_names, sex, birth_date, birth_year_estimated,
                 nationality, migration_status, languages, phone, area_id, community, external_id, restricted,
                 registered_by, agency_id, team_id, created_at, updated_at, version, address, sealed, seal_key)
             VALUES {}",
            crate::db::values_rows(tx.backend(), "(?, '', '', '', ?, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, ?, ?)", batch.len()));
        exec!(tx, c => batch.iter().zip(sealed).fold(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), |q, (person, sealed)| q
            .bind(person.id).bind(person.sex.as_deref()).bind(person.birth_year_estimated)
            .bind(person.nationality.as_deref()).bind(&person.migration_status).bind(&person.languages)
            .bind(person.area_id).bind(person.community.as_deref())
            .bind(person.external_id.as_deref()).bind(person.restricted).bind(viewer.id).bind(viewer.agency_id)
            .bind(viewer.team_id).bind(person.created_at).bind(person.created_at).bind(sealed).bind(key)))?;
    }
    pairs.sort_unstable();
    insert_keys(tx, &pairs).await?;
    for person in &registered {
        // Names are personal data: the audit log records that a person was registered, not who.
        audit::append(tx, Event::new(Some(viewer.id), "person.register", "person").entity(person.id)
            .detail(json!({"restricted": person.restricted}))).await?;
    }
    Ok(registered)
}

const COLUMNS: &str = "p.id, p.given_names, p.family_names, p.other_names, p.sex, p.birth_date, p.birth_year_estimated,
     p.nationality, p.migration_status, p.languages, p.phone, p.area_id, p.community, p.external_id, p.restricted,
     p.registered_by, p.team_id, p.created_at, p.version, p.merged_into, p.address, p.sealed";

/// A narrow sight's people, read through their index ([`Sight::narrow`]).
#[derive(Clone, Copy)]
struct Narrow {
    index: &'static str,
    clause: &'static str,
}

impl Narrow {
    /// `people p`, told its index on SQLite (PostgreSQL chooses it itself).
    fn people(&self, backend: crate::db::Backend) -> String {
        match backend {
            crate::db::Backend::Sqlite => format!("people p INDEXED BY {}", self.index),
            crate::db::Backend::Postgres => "people p".into(),
        }
    }
}

/// Who may see a person: the scope of whoever registered them, and for a restricted person only
/// the registering caseworker and a supervisor of their team (`$4`, nil when the viewer is not a
/// supervisor). `$1..$3` are the viewer's scope binds, `$5` the viewer.
// A restricted person is seen by whoever registered them and their team's supervisor; `$4 = $5`
// (the "supervised team" bound to the viewer's own id, see `Sight::data_protection`) lets the
// person who answers data-protection requests find them too: ids of users and teams never meet.
const VISIBLE: &str = "($1 IS NULL OR p.agency_id = $1) AND ($2 IS NULL OR p.team_id = $2) AND ($3 IS NULL OR p.registered_by = $3)
     AND (p.restricted = FALSE OR p.registered_by = $5 OR p.team_id = $4 OR $4 = $5)";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    given_names: String,
    family_names: String,
    other_names: String,
    sex: Option<String>,
    birth_date: Option<String>,
    birth_year_estimated: Option<i64>,
    nationality: Option<String>,
    migration_status: String,
    languages: String,
    phone: Option<String>,
    area_id: Option<Uuid>,
    community: Option<String>,
    external_id: Option<String>,
    restricted: bool,
    registered_by: Uuid,
    team_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    version: i64,
    merged_into: Option<Uuid>,
    address: Option<String>,
    sealed: Option<Vec<u8>>,
}

/// A person from their row, the sealed fields opened (rows not sealed yet are read as they are).
fn person_of(tx: &Tx, r: Row) -> StoreResult<Person> {
    let secret = match &r.sealed {
        Some(b) => open_secret(tx, r.id, b)?,
        None => Secret {
            given_names: r.given_names,
            family_names: r.family_names,
            other_names: r.other_names,
            birth_date: r.birth_date.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            phone: r.phone,
            address: r.address,
        },
    };
    Ok(Person {
        id: r.id,
        given_names: secret.given_names,
        family_names: secret.family_names,
        other_names: secret.other_names,
        sex: r.sex,
        birth_date: secret.birth_date,
        birth_year_estimated: r.birth_year_estimated,
        nationality: r.nationality,
        migration_status: r.migration_status,
        languages: r.languages,
        phone: secret.phone,
        area_id: r.area_id,
        community: r.community,
        address: secret.address,
        external_id: r.external_id,
        restricted: r.restricted,
        registered_by: r.registered_by,
        team_id: r.team_id,
        created_at: r.created_at,
        version: r.version,
        merged_into: r.merged_into,
    })
}

fn people_of(tx: &Tx, rows: Vec<Row>) -> StoreResult<Vec<Person>> {
    rows.into_iter().map(|r| person_of(tx, r)).collect()
}

/// The viewer's binds for [`VISIBLE`]: scope, supervising team, self.
pub struct Sight {
    pub viewer: Viewer,
    /// The team the viewer supervises (may read its restricted records), if any.
    pub supervises: Option<Uuid>,
}

impl Sight {
    /// What the person answering subject access and erasure requests sees: everyone in
    /// `viewer`'s scope, restricted people included (a request about a restricted person must be
    /// answerable; every such read is audited by the rights pages).
    pub fn data_protection(viewer: Viewer) -> Sight {
        Sight { supervises: Some(viewer.id), viewer }
    }

    /// Whether the viewer sees only the people they registered: a thousandth of a national
    /// register for a caseworker (their import's duplicate check reads them whole).
    fn own_only(&self) -> bool {
        self.viewer.scope == passerelle_core::access::Scope::Own
    }

    /// For a viewer whose sight is narrow, the index that holds their people with the sight's
    /// columns, and the clause on it: their own registrations (a caseworker: a thousandth of a
    /// national register) or their team's (a supervisor: a hundredth). The sight's
    /// `($n IS NULL OR …)` form cannot be served by an index, so the clause repeats it as an
    /// equality. None for an agency's or everyone's sight.
    fn narrow(&self) -> Option<Narrow> {
        match self.viewer.scope {
            passerelle_core::access::Scope::Own => Some(Narrow { index: "people_registered", clause: "p.registered_by = $3" }),
            passerelle_core::access::Scope::Team => Some(Narrow { index: "people_team_sight", clause: "p.team_id = $2" }),
            _ => None,
        }
    }

    /// The people table for a query that lists the viewer's people in registration order, and
    /// the clause (with its `AND`) that lets a narrow sight's list be read through its index:
    /// the newest fifty of a caseworker's thousand were otherwise found by walking the
    /// register's newest people.
    fn in_registration_order(&self, tx: &Tx) -> (String, String) {
        match self.narrow() {
            Some(n) => (n.people(tx.backend()), format!("{} AND ", n.clause)),
            None => ("people p".into(), String::new()),
        }
    }

    pub(crate) fn binds(&self) -> (Option<Uuid>, Option<Uuid>, Option<Uuid>, Uuid, Uuid) {
        let (a, t, o) = self.viewer.scope_binds();
        (a, t, o, self.supervises.unwrap_or(Uuid::nil()), self.viewer.id)
    }
}

pub async fn get(tx: &mut Tx, sight: &Sight, id: Uuid) -> StoreResult<Option<Person>> {
    let (a, t, o, sup, me) = sight.binds();
    let sql = format!("SELECT {COLUMNS} FROM people p WHERE {VISIBLE} AND p.id = $6");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(a).bind(t).bind(o).bind(sup).bind(me).bind(id).fetch_optional(c).await)?;
    row.map(|r| person_of(tx, r)).transpose()
}

/// A candidate of a search or duplicate check, with its score and why.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub person: Person,
    pub score: MatchScore,
}

/// People the viewer may see who share a blocking key with `keys`, scored against `probe`,
/// best first, at most `limit`.
///
/// A duplicate check (`floor` given) opens every visible person of every block, scores with
/// the register's name frequencies ([`name_frequencies`]: its bands decide what a caseworker
/// is shown and what an import refuses) and leaves out the pairs that cannot reach `floor`.
/// A search (no `floor`) only ranks, with the default weights; it opens only the `2 × limit` people
/// sharing the most keys with the query (the first met among equals) and ranks them by score:
/// a query's blocks hold up to [`BLOCK_MAX`] people per key, and opening, preparing and scoring
/// each of them took nine tenths of a search's time, for a page that shows fifty.
async fn candidates(tx: &mut Tx, sight: &Sight, key_list: &[String], probe: &PreparedPerson, limit: usize, floor: Option<f64>) -> StoreResult<Vec<Candidate>> {
    if key_list.is_empty() {
        return Ok(vec![]);
    }
    // The keys of one name token alone (`n:`, the free-text search's) come last, and only when
    // the others found fewer than twice the candidates wanted: their blocks are the register's
    // largest ("every Mohamed": tens of thousands of people at national scale, read row by row
    // for the viewer's sight), while people sharing two tokens, a phone or an id with the query
    // are the ones it ranks first.
    let (single, specific): (Vec<&String>, Vec<&String>) = key_list.iter().partition(|k| k.starts_with("n:"));
    let mut shared = SharedKeys::default();
    for group in [specific, single] {
        if shared.len() >= limit.saturating_mul(2) {
            break;
        }
        // The blind index of each key under every data key (one key outside a rotation).
        let mut blinds = std::collections::BTreeSet::new();
        for key in group {
            blinds.extend(tx.keyring().blind_all(key)?);
        }
        read_blocks(tx, sight, &blinds, &mut shared).await?;
    }
    let ids = match floor {
        Some(_) => shared.ids(usize::MAX),
        None => shared.ids(limit.saturating_mul(2)),
    };
    let rows: Vec<Row> = crate::db::rows_for_ids(tx, |list| format!("SELECT {COLUMNS} FROM people p WHERE p.id IN ({list})"), &ids).await?;
    let mut people: Vec<(Person, PreparedPerson)> =
        people_of(tx, rows)?.into_iter().map(|p| { let prepared = PreparedPerson::new(&p.record(), tables()); (p, prepared) }).collect();
    let freq = match floor {
        Some(floor) => {
            // The probe's own names counted first: they tell which candidates may reach the
            // floor (`Probe::can_reach`), and only those candidates' names are counted too (a
            // common name's count reads thousands of index entries).
            let probe_only = name_frequencies(tx, std::iter::once(probe)).await?;
            let bound = Probe::new(probe, Some(&probe_only));
            people.retain(|(_, other)| bound.can_reach(other, floor));
            Some(also_counting(tx, probe_only, people.iter().map(|(_, p)| p)).await?)
        }
        None => None,
    };
    let probe = Probe::new(probe, freq.as_ref());
    let mut out: Vec<Candidate> = people
        .into_iter()
        .filter_map(|(person, other)| {
            let score = match floor {
                Some(floor) => probe.score_reaching(&other, floor)?,
                None => probe.score(&other),
            };
            Some(Candidate { person, score })
        })
        .collect();
    // Ties keep the order of the keys shared (the database returns the ids in no order).
    let rank: std::collections::HashMap<Uuid, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    out.sort_by(|x, y| y.score.score.total_cmp(&x.score.score).then_with(|| rank[&x.person.id].cmp(&rank[&y.person.id])));
    out.truncate(limit);
    Ok(out)
}

/// The register's name frequencies for scoring `people` ([`NameFrequencies`]): how many people
/// carry each sound of their names and how many people are registered. Counted over the whole
/// register, whatever the viewer sees: how common a name is does not depend on who asks
/// (counts too small to tell apart are taken as none, see [`matching::score::COUNT_FLOOR`]).
pub(crate) async fn name_frequencies<'p>(tx: &mut Tx, people: impl IntoIterator<Item = &'p PreparedPerson>) -> StoreResult<NameFrequencies> {
    let registered = register_size(tx).await?;
    also_counting(tx, NameFrequencies::from_counts(registered, []), people).await
}

/// `freq` holding the counts of `people`'s names too (those it does not hold yet).
pub(crate) async fn also_counting<'p>(tx: &mut Tx, mut freq: NameFrequencies, people: impl IntoIterator<Item = &'p PreparedPerson>) -> StoreResult<NameFrequencies> {
    let wanted: std::collections::BTreeSet<String> = people.into_iter().flat_map(NameFrequencies::sounds).filter(|s| !freq.holds(s)).collect();
    freq.extend(count_names(tx, wanted).await?);
    Ok(freq)
}

/// How many people carry each of `sounds` (a name token's sound key): the rows of its `n:` key,
/// under every data key; 0 for a sound nobody carries.
async fn count_names(tx: &mut Tx, sounds: impl IntoIterator<Item = String>) -> StoreResult<std::collections::HashMap<String, u64>> {
    let mut sound_of: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut counts: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for sound in sounds {
        for blind in tx.keyring().blind_all(&format!("n:{sound}"))? {
            sound_of.insert(blind, sound.clone());
        }
        counts.insert(sound, 0);
    }
    let blinds: Vec<&str> = sound_of.keys().map(String::as_str).collect();
    let rows: Vec<(String, i64)> =
        crate::db::rows_for_ids(tx, |list| format!("SELECT key, COUNT(*) FROM person_match_keys WHERE key IN ({list}) GROUP BY key"), &blinds).await?;
    for (blind, n) in rows {
        if let Some(sound) = sound_of.get(&blind) {
            *counts.entry(sound.clone()).or_default() += u64::try_from(n).unwrap_or(0);
        }
    }
    Ok(counts)
}

/// How many people are registered, merged records included (they are few): only its logarithm
/// enters a score, so it is read the cheap way. Counting a million rows takes tens of
/// milliseconds on either backend, for every duplicate check. SQLite: the largest rowid, one
/// look at the table's last page (the records ever written: an erasure that deletes a person
/// leaves a gap, and such erasures are few).
/// PostgreSQL: the planner's estimate once the table is large (it is kept by autovacuum and
/// ANALYZE), an exact count while it is small or never analysed.
async fn register_size(tx: &mut Tx) -> StoreResult<u64> {
    let sql = match tx.backend() {
        crate::db::Backend::Sqlite => "SELECT COALESCE(MAX(rowid), 0) FROM people",
        crate::db::Backend::Postgres => {
            "SELECT CASE WHEN reltuples >= 100000 THEN reltuples::BIGINT ELSE (SELECT COUNT(*) FROM people) END
             FROM pg_class WHERE oid = 'people'::regclass"
        }
    };
    let (registered,): (i64,) = on_tx!(tx, c => sqlx::query_as(sql).fetch_one(c).await)?;
    Ok(u64::try_from(registered).unwrap_or(0))
}

/// The people met in the blocks read so far, with how many of the query's keys each shares.
#[derive(Default)]
struct SharedKeys {
    /// Per person: keys shared, and the order in which they were first met.
    met: std::collections::HashMap<Uuid, (usize, usize)>,
}

impl SharedKeys {
    fn len(&self) -> usize {
        self.met.len()
    }

    fn meet(&mut self, id: Uuid) {
        let next = self.met.len();
        self.met.entry(id).or_insert((0, next)).0 += 1;
    }

    /// At most `n` people, those sharing the most keys first, then the first met.
    fn ids(&self, n: usize) -> Vec<Uuid> {
        let mut all: Vec<(&Uuid, &(usize, usize))> = self.met.iter().collect();
        all.sort_by(|(_, (kx, fx)), (_, (ky, fy))| ky.cmp(kx).then(fx.cmp(fy)));
        all.into_iter().take(n).map(|(id, _)| *id).collect()
    }
}

/// Meets the people the viewer may see in the blocks of `blinds`, each block's first
/// [`BLOCK_MAX`]. Only ids are read: the rows are read, and opened, for the people kept.
async fn read_blocks(tx: &mut Tx, sight: &Sight, blinds: &std::collections::BTreeSet<String>, shared: &mut SharedKeys) -> StoreResult<()> {
    if let Some(narrow) = sight.narrow() {
        return read_narrow_blocks(tx, sight, narrow, blinds, shared).await;
    }
    let (a, t, o, sup, me) = sight.binds();
    // One query per key keeps the SQL portable (no array binds). The sight is tested on the
    // `people_sight` index, without reading the people's rows: PostgreSQL chooses it itself,
    // SQLite prefers the primary key's index for `p.id = …` and would read every row (twice
    // the time of a 500-person block at a million people).
    let people = match tx.backend() {
        crate::db::Backend::Sqlite => "people p INDEXED BY people_sight",
        crate::db::Backend::Postgres => "people p",
    };
    let sql = format!("SELECT p.id FROM {people} JOIN person_match_keys k ON k.person_id = p.id WHERE {VISIBLE} AND p.merged_into IS NULL AND k.key = $6 LIMIT {BLOCK_MAX}");
    for key in blinds {
        let ids: Vec<(Uuid,)> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(a).bind(t).bind(o).bind(sup).bind(me).bind(key).fetch_all(c).await)?;
        for (id,) in ids {
            shared.meet(id);
        }
    }
    Ok(())
}

/// [`read_blocks`] for a viewer whose sight is narrow (their own registrations, their team's):
/// each of the query's keys is looked up for each of their people. Walking the blocks instead
/// read every visible-or-not member of each (a common family name's block holds thousands at a
/// million people, of whom a caseworker registered a handful): 77 ms a block, where looking up
/// each of a caseworker's thousand people under each key of a query takes about a millisecond.
async fn read_narrow_blocks(tx: &mut Tx, sight: &Sight, narrow: Narrow, blinds: &std::collections::BTreeSet<String>, shared: &mut SharedKeys) -> StoreResult<()> {
    let (a, t, o, sup, me) = sight.binds();
    let blinds: Vec<&String> = blinds.iter().collect();
    let mut met: Vec<(String, Uuid)> = Vec::new();
    for batch in blinds.chunks(crate::db::BATCH) {
        let sql = narrow_blocks_sql(tx.backend(), narrow, batch.len());
        let rows: Vec<(String, Uuid)> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(a).bind(t).bind(o).bind(sup).bind(me);
            for blind in batch {
                q = q.bind(*blind);
            }
            q.fetch_all(c).await
        })?;
        met.extend(rows);
    }
    // Met as the blocks would meet them: key by key, each block in id order, its first
    // BLOCK_MAX.
    met.sort();
    let mut block: Option<(&str, usize)> = None;
    for (key, id) in &met {
        let n = match block {
            Some((k, n)) if k == key => n + 1,
            _ => 1,
        };
        block = Some((key, n));
        if n <= BLOCK_MAX {
            shared.meet(*id);
        }
    }
    Ok(())
}

/// The keys among `n` blinds (`$6…`) of a narrow sight's people, for [`read_narrow_blocks`]:
/// each (key, person) pair is looked up in the keys' primary index, the viewer's people read
/// from the sight's index alone (it holds their ids and the sight's columns).
fn narrow_blocks_sql(backend: crate::db::Backend, narrow: Narrow, n: usize) -> String {
    format!(
        "SELECT k.key, k.person_id FROM person_match_keys k
         WHERE k.key IN ({}) AND k.person_id IN (SELECT p.id FROM {} WHERE {} AND {VISIBLE} AND p.merged_into IS NULL)",
        crate::db::placeholders(6, n),
        narrow.people(backend),
        narrow.clause
    )
}

/// Registered people who may be the same as `person`: those in the "possible" band or above.
pub async fn possible_duplicates(tx: &mut Tx, sight: &Sight, person: &Person) -> StoreResult<Vec<Candidate>> {
    let probe = PreparedPerson::new(&person.record(), tables());
    let found = candidates(tx, sight, &keys::duplicate_keys(&probe), &probe, CANDIDATES_MAX, Some(Thresholds::DEFAULT.possible)).await?;
    // Pairs someone already judged to be two people are not proposed again.
    let distinct: Vec<(Uuid, Uuid)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT a, b FROM person_distinct WHERE a = $1 OR b = $1").bind(person.id).fetch_all(c).await)?;
    let judged = |other: Uuid| distinct.iter().any(|(a, b)| *a == other || *b == other);
    Ok(found
        .into_iter()
        .filter(|c| c.person.id != person.id && c.score.band != matching::MatchBand::Unlikely && !judged(c.person.id))
        .collect())
}

/// Records that two registered people are not the same person.
pub async fn mark_distinct(tx: &mut Tx, actor: Uuid, a: Uuid, b: Uuid) -> StoreResult<()> {
    let (a, b) = if a < b { (a, b) } else { (b, a) };
    exec!(tx, c => sqlx::query(
        "INSERT INTO person_distinct (a, b, decided_by, decided_at) VALUES ($1, $2, $3, $4) ON CONFLICT (a, b) DO NOTHING")
        .bind(a).bind(b).bind(actor).bind(now()))?;
    audit::append(tx, Event::new(Some(actor), "person.distinct", "person").entity(a).detail(json!({"other": b}))).await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Merge {
    pub id: Uuid,
    pub kept_id: Uuid,
    pub merged_id: Uuid,
    pub merged_name: String,
    pub moved_cases: usize,
    pub merged_by: String,
    pub merged_at: DateTime<Utc>,
    pub undone_at: Option<DateTime<Utc>>,
}

/// Merges `duplicate` into `kept`: its cases move to `kept`, and the duplicate record stays,
/// marked as merged, so the history is whole and the merge can be undone.
pub async fn merge(tx: &mut Tx, actor: Uuid, kept: &Person, duplicate: &Person) -> StoreResult<Uuid> {
    if kept.id == duplicate.id || kept.merged_into.is_some() || duplicate.merged_into.is_some() {
        return Err(StoreError::Conflict("merge"));
    }
    let moved: Vec<(Uuid,)> = on_tx!(tx, c => sqlx::query_as("SELECT id FROM cases WHERE person_id = $1").bind(duplicate.id).fetch_all(c).await)?;
    let moved: Vec<String> = moved.into_iter().map(|(id,)| id.to_string()).collect();
    touch(tx, duplicate.id, duplicate.version).await?;
    exec!(tx, c => sqlx::query("UPDATE cases SET person_id = $1 WHERE person_id = $2").bind(kept.id).bind(duplicate.id))?;
    exec!(tx, c => sqlx::query("UPDATE people SET merged_into = $1 WHERE id = $2").bind(kept.id).bind(duplicate.id))?;
    let id = Uuid::now_v7();
    exec!(tx, c => sqlx::query(
        "INSERT INTO person_merges (id, kept_id, merged_id, moved_cases, merged_by, merged_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id).bind(kept.id).bind(duplicate.id).bind(moved.join(" ")).bind(actor).bind(now()))?;
    audit::append(tx, Event::new(Some(actor), "person.merge", "person").entity(kept.id)
        .detail(json!({"merged": duplicate.id, "moved_cases": moved.len()}))).await?;
    Ok(id)
}

/// Undoes a merge: the cases it moved go back and the merged record is a person again.
pub async fn undo_merge(tx: &mut Tx, actor: Uuid, merge_id: Uuid) -> StoreResult<bool> {
    let row: Option<(Uuid, Uuid, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT kept_id, merged_id, moved_cases FROM person_merges WHERE id = $1 AND undone_at IS NULL").bind(merge_id).fetch_optional(c).await)?;
    let Some((kept, merged, moved)) = row else { return Ok(false) };
    for case in moved.split_whitespace().filter_map(|s| s.parse::<Uuid>().ok()) {
        exec!(tx, c => sqlx::query("UPDATE cases SET person_id = $1 WHERE id = $2 AND person_id = $3").bind(merged).bind(case).bind(kept))?;
    }
    exec!(tx, c => sqlx::query("UPDATE people SET merged_into = NULL, version = version + 1 WHERE id = $1").bind(merged))?;
    exec!(tx, c => sqlx::query("UPDATE person_merges SET undone_at = $1, undone_by = $2 WHERE id = $3").bind(now()).bind(actor).bind(merge_id))?;
    audit::append(tx, Event::new(Some(actor), "person.merge.undo", "person").entity(kept).detail(json!({"merged": merged}))).await?;
    Ok(true)
}

/// One merge (undone or not) by its id.
pub async fn merges_by_id(tx: &mut Tx, id: Uuid) -> StoreResult<Option<Merge>> {
    let row: Option<(Uuid,)> = on_tx!(tx, c => sqlx::query_as("SELECT kept_id FROM person_merges WHERE id = $1").bind(id).fetch_optional(c).await)?;
    let Some((kept,)) = row else { return Ok(None) };
    Ok(merges_of(tx, kept).await?.into_iter().find(|m| m.id == id))
}

/// The merges into (or of) a person, newest first.
pub async fn merges_of(tx: &mut Tx, person: Uuid) -> StoreResult<Vec<Merge>> {
    type Row = (Uuid, Uuid, Uuid, String, String, String, String, DateTime<Utc>, Option<DateTime<Utc>>, Option<Vec<u8>>);
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(
        "SELECT m.id, m.kept_id, m.merged_id, p.given_names, p.family_names, m.moved_cases, u.display_name, m.merged_at, m.undone_at, p.sealed
         FROM person_merges m JOIN people p ON p.id = m.merged_id JOIN users u ON u.id = m.merged_by
         WHERE m.kept_id = $1 OR m.merged_id = $1 ORDER BY m.merged_at DESC").bind(person).fetch_all(c).await)?;
    rows.into_iter()
        .map(|r| {
            Ok(Merge {
                id: r.0,
                kept_id: r.1,
                merged_id: r.2,
                merged_name: name_of(tx, r.2, r.9.as_deref(), &r.3, &r.4)?,
                moved_cases: r.5.split_whitespace().count(),
                merged_by: r.6,
                merged_at: r.7,
                undone_at: r.8,
            })
        })
        .collect()
}

/// The most people one blocking key brings to a comparison, in one person's check
/// (`candidates`) as in the register-wide scan: blocks are small by design, and a key shared
/// by more people says little.
const BLOCK_MAX: usize = 500;

/// The most candidates kept for one person, best first, in one person's check as in the
/// register-wide scan.
const CANDIDATES_MAX: usize = 20;

mod register;
pub use register::{all_duplicates, DuplicatePair, Prepared, Register, ScanProgress};

/// The people of `ids` that `sight` sees, in no particular order: the people of a list of
/// duplicate pairs, the register read by blocks for the duplicate checks.
pub async fn get_many(tx: &mut Tx, sight: &Sight, ids: &[Uuid]) -> StoreResult<Vec<Person>> {
    let (a, t, o, sup, me) = sight.binds();
    let mut rows: Vec<Row> = Vec::with_capacity(ids.len());
    for batch in ids.chunks(crate::db::BATCH) {
        let sql = format!("SELECT {COLUMNS} FROM people p WHERE {VISIBLE} AND p.id IN ({})", crate::db::placeholders(6, batch.len()));
        let found: Vec<Row> = on_tx!(tx, c => {
            let q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(a).bind(t).bind(o).bind(sup).bind(me);
            batch.iter().fold(q, |q, id| q.bind(*id)).fetch_all(c).await
        })?;
        rows.extend(found);
    }
    people_of(tx, rows)
}

/// Finds people by name (typos, accents, order, transliteration), phone or external id.
pub async fn search(tx: &mut Tx, sight: &Sight, query: &str, limit: usize) -> StoreResult<Vec<Person>> {
    let q = query.trim();
    if q.is_empty() {
        let (a, t, o, sup, me) = sight.binds();
        let (people, narrow) = sight.in_registration_order(tx);
        let sql = format!("SELECT {COLUMNS} FROM {people} WHERE {narrow}{VISIBLE} AND p.merged_into IS NULL ORDER BY p.created_at DESC LIMIT $6");
        let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(a).bind(t).bind(o).bind(sup).bind(me).bind(limit as i64).fetch_all(c).await)?;
        return people_of(tx, rows);
    }
    let probe_record = PersonRecord {
        given_names: q.to_string(),
        phone: Some(q.to_string()),
        external_id: Some(q.to_string()),
        ..Default::default()
    };
    let probe = PreparedPerson::new(&probe_record, tables());
    let found = candidates(tx, sight, &keys::query_keys(q, tables()), &probe, limit, None).await?;
    Ok(found.into_iter().map(|c| c.person).collect())
}

/// [`search`] among the people living in `area` or any area under it (all areas when None).
pub async fn search_in_area(tx: &mut Tx, sight: &Sight, query: &str, area: Option<Uuid>, limit: usize) -> StoreResult<Vec<Person>> {
    let Some(area) = area else { return search(tx, sight, query, limit).await };
    let under: Vec<(Uuid,)> = on_tx!(tx, c => sqlx::query_as(
        "WITH RECURSIVE under(id) AS (SELECT id FROM areas WHERE id = $1 UNION ALL SELECT a.id FROM areas a JOIN under ON a.parent_id = under.id)
         SELECT id FROM under").bind(area).fetch_all(c).await)?;
    let under: std::collections::HashSet<Uuid> = under.into_iter().map(|(id,)| id).collect();
    if query.trim().is_empty() {
        let (a, t, o, sup, me) = sight.binds();
        let (people, narrow) = sight.in_registration_order(tx);
        let sql = format!(
            "SELECT {COLUMNS} FROM {people} WHERE {narrow}{VISIBLE} AND p.merged_into IS NULL
               AND p.area_id IN (WITH RECURSIVE under(id) AS (SELECT id FROM areas WHERE id = $7
                   UNION ALL SELECT a.id FROM areas a JOIN under ON a.parent_id = under.id) SELECT id FROM under)
             ORDER BY p.created_at DESC LIMIT $6");
        let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(a).bind(t).bind(o).bind(sup).bind(me).bind(limit as i64).bind(area).fetch_all(c).await)?;
        return people_of(tx, rows);
    }
    // Name matching is done on opened names, so the area is applied to the ranked candidates;
    // a wider first pass keeps the area's matches from being crowded out by others.
    let mut found = search(tx, sight, query, limit.saturating_mul(5)).await?;
    found.retain(|p| p.area_id.is_some_and(|a| under.contains(&a)));
    found.truncate(limit);
    Ok(found)
}

/// Fails with [`StoreError::Stale`] when `version` is not the person's current one.
pub async fn touch(tx: &mut Tx, id: Uuid, version: i64) -> StoreResult<()> {
    let n = exec!(tx, c => sqlx::query("UPDATE people SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3")
        .bind(now()).bind(id).bind(version))?;
    if n == 0 {
        return Err(StoreError::Stale("person"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A viewer who sees only their own registrations, or their team's, reads those people and
    /// their keys through indexes: no walk of a name's block (every bearer of the name in the
    /// country) nor of the register. SQLite's plans, read back.
    #[tokio::test]
    async fn a_narrow_sight_is_read_through_its_index() {
        let (_dir, store) = crate::db::migrated_sqlite().await;
        let mut tx = store.read().await.unwrap();
        for scope in [passerelle_core::access::Scope::Own, passerelle_core::access::Scope::Team] {
            let viewer = Viewer { id: Uuid::now_v7(), agency_id: Some(Uuid::now_v7()), team_id: Some(Uuid::now_v7()), scope };
            let sight = Sight { viewer, supervises: None };
            let narrow = sight.narrow().unwrap();
            let (a, t, o, sup, me) = sight.binds();
            let sql = format!("EXPLAIN QUERY PLAN {}", narrow_blocks_sql(crate::db::Backend::Sqlite, narrow, 2));
            let plan: Vec<(i64, i64, i64, String)> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(a).bind(t).bind(o).bind(sup).bind(me).bind("a").bind("b").fetch_all(c).await).unwrap();
            let steps: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
            assert!(steps.iter().any(|s| s.contains(&format!("COVERING INDEX {} (", narrow.index))), "{scope:?}: no person's row read: {steps:?}");
            assert!(steps.iter().any(|s| s.contains("COVERING INDEX sqlite_autoindex_person_match_keys_1 (key=? AND person_id=?)")), "{steps:?}");
            assert!(!steps.iter().any(|s| s.starts_with("SCAN")), "{scope:?}: no walk: {steps:?}");
        }
        let everyone = Sight { viewer: Viewer { id: Uuid::now_v7(), agency_id: None, team_id: None, scope: passerelle_core::access::Scope::All }, supervises: None };
        assert!(everyone.narrow().is_none());
    }
}
