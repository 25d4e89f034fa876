//! Typed settings, read once at start from `IDEABOX_*` environment variables and an optional
//! config file, validated, then passed explicitly to whoever needs them.

use std::collections::BTreeMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ipnet::IpNet;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::domain::lang::Lang;

/// Every setting the application reads, with its default (if any). The example file
/// `docs/ideabox.env.example` documents exactly these keys; a test keeps the two in sync.
pub const SETTING_KEYS: &[&str] = &[
    "IDEABOX_DATABASE_URL",
    "IDEABOX_DATABASE_POOL_SIZE",
    "IDEABOX_SQLITE_SYNCHRONOUS",
    "IDEABOX_BIND",
    "IDEABOX_BASE_URL",
    "IDEABOX_WORKERS",
    "IDEABOX_SMTP_URL",
    "IDEABOX_OUTBOX_DIR",
    "IDEABOX_MAIL_FROM",
    "IDEABOX_TRUSTED_PROXIES",
    "IDEABOX_SESSION_IDLE_MINUTES",
    "IDEABOX_SESSION_MAX_HOURS",
    "IDEABOX_BODY_TIMEOUT_SECS",
    "IDEABOX_IMPORT_MAX_MB",
    "IDEABOX_IMPORT_TIMEOUT_SECS",
    "IDEABOX_MAX_CONCURRENT_HASHES",
    "IDEABOX_DEFAULT_LANGUAGE",
    "IDEABOX_TIMEZONE",
    "IDEABOX_LOG",
    "IDEABOX_LOG_FORMAT",
    "IDEABOX_REPORT_HIDE_THRESHOLD",
];

/// The environment variable that names an optional config file (same `KEY=value` format).
pub const CONFIG_FILE_VAR: &str = "IDEABOX_CONFIG";

/// A setting that failed validation; the message names the setting and fits on one line.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {key}: {reason}")]
pub struct SettingError {
    pub key: String,
    pub reason: String,
}

fn bad(key: &str, reason: impl Into<String>) -> SettingError {
    SettingError {
        key: key.to_owned(),
        reason: reason.into(),
    }
}

/// Where the data lives: an embedded SQLite file or a PostgreSQL server.
#[derive(Clone)]
pub enum DatabaseUrl {
    Sqlite { path: PathBuf },
    Postgres { url: SecretString },
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite { path } => write!(f, "sqlite://{}", path.display()),
            Self::Postgres { .. } => f.write_str("postgres://[redacted]"),
        }
    }
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if let Some(path) = raw.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://data/ideabox.db".into());
            }
            return Ok(Self::Sqlite {
                path: PathBuf::from(path),
            });
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Url::parse(raw).map_err(|e| format!("not a valid PostgreSQL URL ({e})"))?;
            return Ok(Self::Postgres {
                url: SecretString::from(raw.to_owned()),
            });
        }
        Err("must start with sqlite:// or postgres://".into())
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres { .. })
    }
}

/// SQLite's durability level. FULL (the default) makes an acknowledged write survive power loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteSynchronous {
    Off,
    Normal,
    Full,
    Extra,
}

impl SqliteSynchronous {
    pub fn as_pragma(self) -> &'static str {
        match self {
            Self::Off => "OFF",
            Self::Normal => "NORMAL",
            Self::Full => "FULL",
            Self::Extra => "EXTRA",
        }
    }
}

impl FromStr for SqliteSynchronous {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_uppercase().as_str() {
            "OFF" => Ok(Self::Off),
            "NORMAL" => Ok(Self::Normal),
            "FULL" => Ok(Self::Full),
            "EXTRA" => Ok(Self::Extra),
            _ => Err("expected one of OFF, NORMAL, FULL, EXTRA".into()),
        }
    }
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// How mail leaves the application.
#[derive(Clone, Debug)]
pub enum MailTransport {
    /// Over SMTP; the URL may carry credentials, hence the secret.
    Smtp(SecretStringDebug),
    /// Written as `.eml` files to a folder (development and tests).
    Outbox(PathBuf),
}

/// A secret that prints as `[redacted]`.
#[derive(Clone)]
pub struct SecretStringDebug(pub SecretString);

impl std::fmt::Debug for SecretStringDebug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl SecretStringDebug {
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// All settings, validated.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub database_pool_size: u32,
    pub sqlite_synchronous: SqliteSynchronous,
    pub bind: SocketAddr,
    pub base_url: Url,
    pub workers: usize,
    pub mail: MailTransport,
    pub mail_from: String,
    pub trusted_proxies: Vec<IpNet>,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    /// A request's body must arrive within this time of the request's start (408 otherwise),
    /// so that a client trickling a body cannot hold a connection for as long as it likes.
    pub body_timeout: std::time::Duration,
    /// The largest file of submissions an import takes.
    pub import_max_bytes: u64,
    /// An import's upload must have arrived within this time (a large file takes longer
    /// than any other body).
    pub import_timeout: std::time::Duration,
    pub max_concurrent_hashes: usize,
    pub default_language: Lang,
    pub timezone: chrono_tz::Tz,
    pub log_filter: String,
    pub log_format: LogFormat,
    /// Distinct reporters after which an item is hidden pending review.
    pub report_hide_threshold: i64,
}

/// Raw key/value pairs from the config file overlaid by the environment.
#[derive(Default, Clone, Debug)]
pub struct RawSettings {
    values: BTreeMap<String, String>,
}

impl RawSettings {
    /// Reads the config file named by `IDEABOX_CONFIG` (or `file`), then the environment on top.
    pub fn from_environment(file: Option<&Path>) -> Result<Self, SettingError> {
        let mut raw = Self::default();
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os(CONFIG_FILE_VAR).map(PathBuf::from));
        if let Some(path) = file {
            raw.merge_file(&path)?;
        }
        for (key, value) in std::env::vars() {
            if SETTING_KEYS.contains(&key.as_str()) {
                raw.values.insert(key, value);
            }
        }
        Ok(raw)
    }

    fn merge_file(&mut self, path: &Path) -> Result<(), SettingError> {
        let iter = dotenvy::from_path_iter(path).map_err(|e| {
            bad(
                CONFIG_FILE_VAR,
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        for item in iter {
            let (key, value) =
                item.map_err(|e| bad(CONFIG_FILE_VAR, format!("{}: {e}", path.display())))?;
            if !SETTING_KEYS.contains(&key.as_str()) {
                return Err(bad(&key, format!("unknown setting in {}", path.display())));
            }
            self.values.insert(key, value);
        }
        Ok(())
    }

    /// Builds raw settings from explicit pairs (tests, embedding).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        Self {
            values: pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        }
    }

    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        debug_assert!(SETTING_KEYS.contains(&key), "unknown setting {key}");
        self.values.insert(key.to_owned(), value.into());
    }

    fn get(&self, key: &str) -> Option<&str> {
        debug_assert!(SETTING_KEYS.contains(&key), "unknown setting {key}");
        self.values
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn parse_or<T: FromStr>(
        &self,
        key: &str,
        default: T,
        expected: &str,
    ) -> Result<T, SettingError> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| bad(key, format!("{v:?} is not {expected}"))),
        }
    }

    fn ranged(&self, key: &str, default: i64, min: i64, max: i64) -> Result<i64, SettingError> {
        let value: i64 = self.parse_or(key, default, "a whole number")?;
        if !(min..=max).contains(&value) {
            return Err(bad(key, format!("{value} is outside {min}..={max}")));
        }
        Ok(value)
    }

    /// Validates everything, returning the first problem as a one-line error.
    pub fn validate(&self) -> Result<Settings, SettingError> {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());

        let database_url = DatabaseUrl::parse(
            self.get("IDEABOX_DATABASE_URL")
                .unwrap_or("sqlite://data/ideabox.db"),
        )
        .map_err(|e| bad("IDEABOX_DATABASE_URL", e))?;
        let database_pool_size = self.ranged("IDEABOX_DATABASE_POOL_SIZE", 8, 1, 256)? as u32;
        let sqlite_synchronous = match self.get("IDEABOX_SQLITE_SYNCHRONOUS") {
            None => SqliteSynchronous::Full,
            Some(v) => v
                .parse()
                .map_err(|e| bad("IDEABOX_SQLITE_SYNCHRONOUS", e))?,
        };

        let bind_raw = self.get("IDEABOX_BIND").unwrap_or("127.0.0.1:8080");
        let bind = bind_raw
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| bad("IDEABOX_BIND", format!("{bind_raw:?} is not host:port")))?;

        let base_url = match self.get("IDEABOX_BASE_URL") {
            Some(raw) => {
                let url = Url::parse(raw)
                    .map_err(|e| bad("IDEABOX_BASE_URL", format!("{raw:?}: {e}")))?;
                if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                    return Err(bad(
                        "IDEABOX_BASE_URL",
                        "must be an http:// or https:// URL",
                    ));
                }
                if url.path() != "/" || url.query().is_some() {
                    return Err(bad(
                        "IDEABOX_BASE_URL",
                        "must be an origin without path, e.g. https://ideas.example.go.jp",
                    ));
                }
                url
            }
            None => default_base_url(bind),
        };

        let workers = self.ranged("IDEABOX_WORKERS", cpus as i64, 1, 256)? as usize;

        let mail = match self.get("IDEABOX_SMTP_URL") {
            Some(raw) => {
                let url = Url::parse(raw).map_err(|_| {
                    bad(
                        "IDEABOX_SMTP_URL",
                        "not a URL (smtp://host:port or smtps://)",
                    )
                })?;
                if !matches!(url.scheme(), "smtp" | "smtps") {
                    return Err(bad("IDEABOX_SMTP_URL", "scheme must be smtp or smtps"));
                }
                MailTransport::Smtp(SecretStringDebug(SecretString::from(raw.to_owned())))
            }
            None => MailTransport::Outbox(PathBuf::from(
                self.get("IDEABOX_OUTBOX_DIR").unwrap_or("data/outbox"),
            )),
        };
        let mail_from = self
            .get("IDEABOX_MAIL_FROM")
            .unwrap_or("IdeaBox <no-reply@ideabox.invalid>")
            .to_owned();
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(bad(
                "IDEABOX_MAIL_FROM",
                "not a mailbox like \"IdeaBox <no-reply@example.jp>\"",
            ));
        }

        let trusted_proxies = match self.get("IDEABOX_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|item| {
                    item.parse::<IpNet>()
                        .or_else(|_| item.parse::<std::net::IpAddr>().map(IpNet::from))
                        .map_err(|_| {
                            bad(
                                "IDEABOX_TRUSTED_PROXIES",
                                format!("{item:?} is not an IP or CIDR"),
                            )
                        })
                })
                .collect::<Result<_, _>>()?,
        };

        let session_idle_minutes =
            self.ranged("IDEABOX_SESSION_IDLE_MINUTES", 12 * 60, 5, 60 * 24 * 30)?;
        let session_max_hours = self.ranged("IDEABOX_SESSION_MAX_HOURS", 24 * 7, 1, 24 * 90)?;
        let body_timeout =
            std::time::Duration::from_secs(
                self.ranged("IDEABOX_BODY_TIMEOUT_SECS", 30, 1, 600)? as u64
            );
        let import_max_bytes =
            self.ranged("IDEABOX_IMPORT_MAX_MB", 128, 1, 2048)? as u64 * 1024 * 1024;
        let import_timeout = std::time::Duration::from_secs(self.ranged(
            "IDEABOX_IMPORT_TIMEOUT_SECS",
            900,
            30,
            7200,
        )? as u64);
        let max_concurrent_hashes =
            self.ranged("IDEABOX_MAX_CONCURRENT_HASHES", cpus as i64, 1, 64)? as usize;
        let default_language = match self.get("IDEABOX_DEFAULT_LANGUAGE") {
            None => Lang::Ja,
            Some(v) => Lang::parse(v)
                .ok_or_else(|| bad("IDEABOX_DEFAULT_LANGUAGE", "expected ja or en"))?,
        };
        let timezone = match self.get("IDEABOX_TIMEZONE") {
            None => chrono_tz::Asia::Tokyo,
            Some(v) => v.parse().map_err(|_| {
                bad(
                    "IDEABOX_TIMEZONE",
                    format!("{v:?} is not an IANA time zone"),
                )
            })?,
        };
        let log_filter = self.get("IDEABOX_LOG").unwrap_or("info").to_owned();
        if tracing_subscriber::EnvFilter::try_new(&log_filter).is_err() {
            return Err(bad(
                "IDEABOX_LOG",
                format!("{log_filter:?} is not a log filter"),
            ));
        }
        let log_format = match self.get("IDEABOX_LOG_FORMAT").unwrap_or("text") {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            _ => return Err(bad("IDEABOX_LOG_FORMAT", "expected text or json")),
        };

        let report_hide_threshold = self.ranged("IDEABOX_REPORT_HIDE_THRESHOLD", 3, 1, 1000)?;

        Ok(Settings {
            report_hide_threshold,
            database_url,
            database_pool_size,
            sqlite_synchronous,
            bind,
            base_url,
            workers,
            mail,
            mail_from,
            trusted_proxies,
            session_idle_minutes,
            session_max_hours,
            body_timeout,
            import_max_bytes,
            import_timeout,
            max_concurrent_hashes,
            default_language,
            timezone,
            log_filter,
            log_format,
        })
    }
}

fn default_base_url(bind: SocketAddr) -> Url {
    let host = if bind.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else if bind.is_ipv6() {
        format!("[{}]", bind.ip())
    } else {
        bind.ip().to_string()
    };
    // Built from a parsed socket address, so it is always a valid URL.
    Url::parse(&format!("http://{host}:{}", bind.port()))
        .unwrap_or_else(|_| Url::parse("http://127.0.0.1:8080").expect("literal URL parses"))
}

impl Settings {
    /// Cookies get `Secure` and the `__Host-` prefix when the site is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// The site's origin as browsers send it in `Origin` (`scheme://host[:port]`).
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }

    /// An absolute link for emails.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.origin(), path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&'static str, &str)]) -> RawSettings {
        RawSettings::from_pairs(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())))
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let s = raw(&[]).validate().expect("defaults validate");
        assert!(
            matches!(s.database_url, DatabaseUrl::Sqlite { ref path } if path == Path::new("data/ideabox.db"))
        );
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.base_url.as_str(), "http://127.0.0.1:8080/");
        assert!(matches!(s.mail, MailTransport::Outbox(ref p) if p == Path::new("data/outbox")));
        assert!(!s.secure_cookies());
        assert!(s.trusted_proxies.is_empty());
        assert_eq!(s.sqlite_synchronous, SqliteSynchronous::Full);
    }

    #[test]
    fn https_base_url_means_secure_cookies() {
        let s = raw(&[("IDEABOX_BASE_URL", "https://ideas.example.jp")])
            .validate()
            .unwrap();
        assert!(s.secure_cookies());
        assert_eq!(s.origin(), "https://ideas.example.jp");
    }

    #[test]
    fn bad_values_name_the_setting() {
        for (key, value) in [
            ("IDEABOX_BIND", "nonsense"),
            ("IDEABOX_DATABASE_URL", "mysql://x"),
            ("IDEABOX_TRUSTED_PROXIES", "10.0.0.0/8, banana"),
            ("IDEABOX_SESSION_IDLE_MINUTES", "-3"),
            ("IDEABOX_BASE_URL", "ftp://x"),
            ("IDEABOX_SMTP_URL", "http://mail"),
            ("IDEABOX_TIMEZONE", "Mars/Olympus"),
        ] {
            let err = raw(&[(key, value)]).validate().unwrap_err();
            let line = err.to_string();
            assert!(line.contains(key), "{line}");
            assert!(!line.contains('\n'));
        }
    }

    #[test]
    fn trusted_proxies_accept_ips_and_cidrs() {
        let s = raw(&[("IDEABOX_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1,::1")])
            .validate()
            .unwrap();
        assert_eq!(s.trusted_proxies.len(), 3);
    }

    #[test]
    fn example_file_documents_exactly_the_settings() {
        let example = include_str!("../docs/ideabox.env.example");
        let mut documented: Vec<&str> = example
            .lines()
            .map(|l| l.trim_start_matches('#').trim())
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim()))
            .filter(|k| k.starts_with("IDEABOX_") && !k.contains(' '))
            .collect();
        documented.sort_unstable();
        documented.dedup();
        let mut known: Vec<&str> = SETTING_KEYS.to_vec();
        known.sort_unstable();
        assert_eq!(
            documented, known,
            "docs/ideabox.env.example and SETTING_KEYS differ"
        );
    }

    #[test]
    fn config_file_rejects_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ideabox.env");
        std::fs::write(&path, "IDEABOX_BIND=127.0.0.1:9000\nIDEABOX_TYPO=1\n").unwrap();
        let mut raw = RawSettings::default();
        let err = raw.merge_file(&path).unwrap_err();
        assert_eq!(err.key, "IDEABOX_TYPO");
    }
}
