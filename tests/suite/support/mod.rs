//! Test harness: the real application on a random port with a fresh database (a temporary
//! SQLite file, or a fresh PostgreSQL database when `IDEABOX_TEST_DATABASE_URL` is set),
//! driven over HTTP by cookie-keeping clients. Mail goes to a temporary outbox folder.

#![allow(dead_code)]

pub mod fixtures;

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use ideabox::config::RawSettings;
use ideabox::domain::role::Role;
use ideabox::http::state::AppState;
use ideabox::startup::Application;
use reqwest::header::HeaderMap;
use serde_json::Value;
use tempfile::TempDir;

pub const PASSWORD: &str = "correct horse battery staple";

/// One running application and its private database and outbox.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub state: AppState,
    pub outbox: PathBuf,
    pub database_url: String,
    dir: TempDir,
    handle: actix_web::dev::ServerHandle,
    pg: Option<PgDatabase>,
}

/// A throwaway PostgreSQL database, dropped with the test.
pub struct PgDatabase {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create(admin_url: &str) -> PgDatabase {
        let name = format!("ideabox_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin =
            PgConnection::establish(admin_url).expect("connect to IDEABOX_TEST_DATABASE_URL");
        // A UTF-8 ctype, so that pg_trgm extracts trigrams from Japanese text.
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            ))
            .expect("create test database");
        let mut url = url::Url::parse(admin_url).expect("admin URL parses");
        url.set_path(&format!("/{name}"));
        PgDatabase {
            admin_url: admin_url.to_owned(),
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The backend under test, from the environment.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("IDEABOX_TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
}

/// Settings for a test instance (defaults are a fresh database and file outbox).
#[derive(Default)]
pub struct TestOptions {
    pub pairs: Vec<(&'static str, String)>,
    /// Reuse another instance's database (several instances, one database).
    pub database_url: Option<String>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestOptions::default()).await
}

pub async fn spawn_app_with(options: TestOptions) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        ideabox::telemetry::init("debug", ideabox::config::LogFormat::Text);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let outbox = dir.path().join("outbox");
    let (database_url, pg) = match (&options.database_url, postgres_admin_url()) {
        (Some(url), _) => (url.clone(), None),
        (None, Some(admin)) => {
            let db = PgDatabase::create(&admin);
            (db.url.clone(), Some(db))
        }
        (None, None) => (
            format!("sqlite://{}", dir.path().join("test.db").display()),
            None,
        ),
    };
    let mut raw = RawSettings::from_pairs([
        ("IDEABOX_DATABASE_URL", database_url.clone()),
        ("IDEABOX_BIND", "127.0.0.1:0".to_owned()),
        ("IDEABOX_OUTBOX_DIR", outbox.display().to_string()),
        ("IDEABOX_WORKERS", "1".to_owned()),
        ("IDEABOX_DATABASE_POOL_SIZE", "4".to_owned()),
        ("IDEABOX_MAX_CONCURRENT_HASHES", "4".to_owned()),
    ]);
    for (k, v) in options.pairs {
        raw.set(k, v);
    }
    let settings = raw.validate().expect("test settings are valid");
    let app = Application::build(settings)
        .await
        .expect("application builds");
    let port = app.port();
    let state = app.state().clone();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        state,
        outbox,
        database_url,
        dir,
        handle,
        pg,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // The stop command is sent at once; the server then signals its workers to end.
        drop(self.handle.stop(false));
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A browser-like client with its own cookie jar.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    pub fn api(&self) -> Api {
        Api {
            base: self.address.clone(),
            client: plain_client(),
        }
    }

    pub fn temp_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Stops the HTTP server and its workers now (the database stays).
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }

    /// Creates an account directly through the service layer. It counts as an established
    /// account (two days old), so first-day restrictions do not apply unless a test asks.
    pub async fn create_user(&self, email: &str, name: &str, role: Role, verified: bool) -> i64 {
        let id = ideabox::services::users_admin::create_user(
            &self.state,
            email,
            name,
            role,
            verified,
            PASSWORD,
        )
        .await
        .expect("user created")
        .0;
        self.execute_sql(&format!(
            "UPDATE users SET created_at = '{}' WHERE id = {id}",
            hours_ago(48)
        ));
        id
    }
    /// A signed-in browser for a new verified account.
    pub async fn signed_in(&self, email: &str, role: Role) -> Browser {
        self.create_user(email, "Test person", role, true).await;
        let browser = self.browser();
        let res = browser.login(email, PASSWORD).await;
        assert_eq!(res.status(), 303, "login of {email} failed");
        browser
    }

    /// Runs SQL on the test database (arranging expired tokens, reading rows).
    pub fn execute_sql(&self, sql: &str) {
        let mut conn =
            ideabox::db::connect_single(&self.state.settings.database_url).expect("connect");
        conn.batch_execute(sql).expect("SQL runs");
        self.state.db.note_external_write();
    }

    /// One number from a `SELECT COUNT(*)`-style query.
    pub fn count(&self, sql: &str) -> i64 {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn =
            ideabox::db::connect_single(&self.state.settings.database_url).expect("connect");
        let wrapped = format!("SELECT CAST(({sql}) AS BIGINT) AS n");
        let rows: Vec<Row> =
            ideabox::per_backend!(&mut conn, c => diesel::sql_query(&wrapped).load(c))
                .expect("count query");
        rows[0].n
    }

    /// Every message written to the outbox so far.
    pub fn emails(&self) -> Vec<Email> {
        read_outbox(&self.outbox)
    }

    /// Waits (up to 15 s) until `count` messages to `to` have arrived, and returns them.
    pub async fn wait_for_emails(&self, to: &str, count: usize) -> Vec<Email> {
        for _ in 0..300 {
            let mails: Vec<Email> = self.emails().into_iter().filter(|m| m.to == to).collect();
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "expected {count} email(s) to {to}; outbox has {:?}",
            self.emails()
                .iter()
                .map(|m| (&m.to, &m.subject))
                .collect::<Vec<_>>()
        );
    }

    /// The first message to `to` whose text contains `needle`, waiting (up to 15 s) for it:
    /// for people who get other mail too (a receipt is sent in the background and may arrive
    /// after a later message).
    pub async fn email_containing(&self, to: &str, needle: &str) -> Email {
        for _ in 0..300 {
            if let Some(mail) = self
                .emails()
                .into_iter()
                .find(|m| m.to == to && m.text.contains(needle))
            {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no email to {to} containing {needle:?}; outbox has {:?}",
            self.emails()
                .iter()
                .map(|m| (&m.to, &m.subject))
                .collect::<Vec<_>>()
        );
    }

    /// The last message to `to`, waiting for it if needed.
    pub async fn last_email(&self, to: &str) -> Email {
        let mails = self.wait_for_emails(to, 1).await;
        mails.into_iter().last().expect("at least one")
    }

    /// Asks for a password reset for `email` in `browser`; the emailed link and its token.
    pub async fn password_reset_link(&self, browser: &Browser, email: &str) -> (String, String) {
        browser
            .submit("/password/forgot", "/password/forgot", &[("email", email)])
            .await;
        let link = self
            .last_email(email)
            .await
            .link_containing("/password/reset?token=");
        let token = link.split("token=").nth(1).unwrap().to_owned();
        (link, token)
    }

    /// Registers through the form and follows the verification link: a verified, signed-in browser.
    pub async fn register_and_verify(&self, email: &str, name: &str) -> Browser {
        let browser = self.browser();
        let res = browser
            .submit(
                "/register",
                "/register",
                &[
                    ("email", email),
                    ("display_name", name),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        let mail = self.last_email(email).await;
        let link = mail.link_containing("/verify?token=");
        let res = browser.get(&link).await;
        assert_eq!(res.status(), 200);
        assert_eq!(browser.login(email, PASSWORD).await.status(), 303);
        browser
    }
}

/// A received message.
#[derive(Clone, Debug)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub raw: String,
    pub modified: std::time::SystemTime,
}

impl Email {
    pub fn links(&self) -> Vec<String> {
        self.text
            .split_whitespace()
            .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
            .map(str::to_owned)
            .collect()
    }

    pub fn link_containing(&self, fragment: &str) -> String {
        self.links()
            .into_iter()
            .find(|l| l.contains(fragment))
            .unwrap_or_else(|| panic!("no link with {fragment} in: {}", self.text))
    }
}

pub fn parse_email(raw: &[u8]) -> Email {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("parsable message");
    let to = message
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_owned();
    Email {
        to,
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        raw: String::from_utf8_lossy(raw).into_owned(),
        modified: std::time::SystemTime::now(),
    }
}

pub fn read_outbox(dir: &Path) -> Vec<Email> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut mails: Vec<Email> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .filter_map(|e| {
            let modified = e.metadata().and_then(|m| m.modified()).ok()?;
            let bytes = std::fs::read(e.path()).ok()?;
            let mut mail = parse_email(&bytes);
            mail.modified = modified;
            Some(mail)
        })
        .collect();
    mails.sort_by_key(|m| m.modified);
    mails
}

fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A browser: keeps cookies, sends `Origin` on form posts like real browsers do.
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_provider(jar.clone())
            .build()
            .expect("client");
        Browser {
            base: base.to_owned(),
            client,
            jar,
        }
    }

    fn absolute(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.absolute(path))
            .send()
            .await
            .expect("GET")
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self.client.get(self.absolute(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.expect("GET")
    }

    /// GET a page and return (status, body).
    pub async fn page(&self, path: &str) -> (u16, String) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// The CSRF token embedded in a page.
    pub async fn csrf_token(&self, page: &str) -> String {
        let (_, body) = self.page(page).await;
        extract_csrf(&body).unwrap_or_else(|| panic!("no CSRF token on {page}"))
    }

    /// Fills in a form as a person would: loads `page` for its token, then posts to `action`.
    pub async fn submit(
        &self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf_token(page).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_form_raw(action, &all).await
    }

    /// Posts a form with exactly these fields and a same-origin `Origin`.
    pub async fn post_form_raw(&self, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.absolute(action))
            .header("Origin", self.base.clone())
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    pub async fn post_form_with_headers(
        &self,
        action: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut req = self.client.post(self.absolute(action)).form(fields);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.expect("POST")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.submit(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub async fn logout(&self) -> reqwest::Response {
        self.submit("/account", "/logout", &[]).await
    }

    /// Whether the account page opens (a signed-in session) or redirects to login.
    pub async fn is_signed_in(&self) -> bool {
        self.get("/account").await.status() == 200
    }

    /// The value of a cookie as the browser would send it to the site.
    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = reqwest::Url::parse(&self.base).ok()?;
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }
}

pub fn extract_csrf(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_owned())
}

/// A JSON API client without cookies.
pub struct Api {
    pub base: String,
    pub client: reqwest::Client,
}

impl Api {
    pub async fn post(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> (u16, HeaderMap, Value) {
        let mut req = self
            .client
            .post(format!("{}{}", self.base, path))
            .json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        split(req.send().await.expect("POST")).await
    }

    pub async fn patch(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> (u16, HeaderMap, Value) {
        let mut req = self
            .client
            .patch(format!("{}{}", self.base, path))
            .json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        split(req.send().await.expect("PATCH")).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, HeaderMap, Value) {
        let mut req = self.client.get(format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        split(req.send().await.expect("GET")).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> (u16, HeaderMap, Value) {
        let mut req = self.client.delete(format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        split(req.send().await.expect("DELETE")).await
    }

    /// A token for an existing account with the test password.
    pub async fn token(&self, email: &str) -> String {
        self.token_with(email, PASSWORD).await
    }

    pub async fn token_with(&self, email: &str, password: &str) -> String {
        let (status, _, body) = self
            .post(
                "/api/v1/tokens",
                &serde_json::json!({ "email": email, "password": password }),
                None,
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["token"].as_str().expect("token").to_owned()
    }
}

async fn split(res: reqwest::Response) -> (u16, HeaderMap, Value) {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, headers, json)
}

/// Removes parts of a page that differ on every request (tokens, request IDs).
pub fn normalise(body: &str) -> String {
    let mut out = body.to_owned();
    for marker in [
        "name=\"csrf_token\" value=\"",
        "\"request_id\":\"",
        "<code>",
    ] {
        let mut result = String::new();
        let mut rest = out.as_str();
        while let Some(pos) = rest.find(marker) {
            result.push_str(&rest[..pos + marker.len()]);
            rest = &rest[pos + marker.len()..];
            let end = rest.find(['"', '<']).unwrap_or(rest.len());
            rest = &rest[end..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// Which backend this run uses, for messages.
pub fn backend_name() -> &'static str {
    if postgres_admin_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// Pretends time has passed for rows, since tests cannot wait hours.
pub fn hours_ago(hours: i64) -> String {
    let t = chrono::Utc::now().naive_utc() - chrono::Duration::hours(hours);
    t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

/// Waits, when a 15-minute rate-limit window (the shortest; longer ones align with it) ends
/// within the next 30 seconds, until the next one starts, so that a test counting up to a
/// limit is not cut in two by the fixed windows of `rate_limit.rs`.
pub async fn clear_of_limit_window_edge() {
    const WINDOW: i64 = 900;
    const NEEDED: i64 = 30;
    let left = WINDOW - chrono::Utc::now().timestamp().rem_euclid(WINDOW);
    if left < NEEDED {
        tokio::time::sleep(std::time::Duration::from_secs(left as u64 + 1)).await;
    }
}
