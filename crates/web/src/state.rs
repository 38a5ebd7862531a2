//! What every handler can reach: the store, the translations and the configuration.

use crate::i18n::I18n;
use passerelle_store::Store;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub i18n: Arc<I18n>,
    pub config: Arc<WebConfig>,
    /// The allowances of searches and exports (see [`crate::limits`]).
    pub limits: Arc<crate::limits::Limits>,
    /// The finder's prepared search documents (see [`crate::directory_index`]).
    pub directory_index: Arc<crate::directory_index::DirectoryIndex>,
    /// Recent reads of records, so a reader's repeated reads are recorded once (see
    /// [`crate::views`]).
    pub views: Arc<crate::views::RecentViews>,
    /// Indicator figures computed lately (see [`passerelle_store::indicators::Figures`]).
    pub figures: Arc<passerelle_store::indicators::Figures>,
    /// Supervisors' caseload counts counted lately (see [`passerelle_store::cases::Tallies`]).
    pub tallies: Arc<passerelle_store::cases::Tallies>,
}

impl AppState {
    /// The state of an application on `store` (translations loaded, nothing kept yet).
    pub fn new(store: Store, config: WebConfig) -> Result<AppState, crate::i18n::I18nError> {
        Ok(AppState {
            store,
            i18n: Arc::new(I18n::load()?),
            limits: Arc::new(crate::limits::Limits::new(config.searches_per_minute, config.exports_per_minute)),
            figures: Arc::new(passerelle_store::indicators::Figures::new(config.figures_max_age).waiting_at_most(config.figures_patience)),
            tallies: Arc::new(passerelle_store::cases::Tallies::new(config.counts_max_age)),
            config: Arc::new(config),
            directory_index: Default::default(),
            views: Default::default(),
        })
    }
}

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` and send HSTS: set when Passerelle is reached over HTTPS.
    pub secure: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// Sign-in failures from one address within [`Self::throttle_window_minutes`] before the
    /// address is refused for a while.
    pub throttle_failures_per_ip: i64,
    pub throttle_window_minutes: i64,
    /// Searches and exports each person (or address) may make per minute, in a burst.
    pub searches_per_minute: u32,
    pub exports_per_minute: u32,
    /// How long an export of personal data waits for download before it is deleted.
    pub export_ttl_hours: u32,
    /// How long a computed indicator figure is shown before it is computed again.
    pub figures_max_age: std::time::Duration,
    /// How long a page waits for figures being computed before asking the reader to come back.
    pub figures_patience: std::time::Duration,
    /// How long a supervisor's caseload counts are shown before they are counted again.
    pub counts_max_age: std::time::Duration,
    /// Compute the dashboards' usual figures in the background as the application starts
    /// (`pages::indicators::dashboard::warm`): on for a server, off for tests.
    pub warm: bool,
    /// Email notifications (a referral is waiting), when an SMTP relay is configured.
    pub mailer: Option<Arc<crate::notify::Mailer>>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure: false,
            max_body_bytes: 1024 * 1024,
            trust_forwarded_for: false,
            throttle_failures_per_ip: 30,
            throttle_window_minutes: 15,
            // A caseworker typing a search makes a few a minute; the finder's public users fewer.
            searches_per_minute: 60,
            exports_per_minute: 10,
            export_ttl_hours: passerelle_store::exports::DEFAULT_TTL_HOURS,
            figures_max_age: passerelle_store::indicators::DEFAULT_MAX_AGE,
            figures_patience: passerelle_store::indicators::PATIENCE,
            counts_max_age: passerelle_store::cases::TALLY_MAX_AGE,
            warm: false,
            mailer: None,
        }
    }
}
