//! Builds the application: state, migrations, background workers, middleware and routes.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::error::{PathError, QueryPayloadError, UrlencodedError};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpRequest, HttpServer, web};
use lettre::message::Mailbox;
use tokio::sync::watch;

use crate::config::Settings;
use crate::db::models::{email_tokens, sessions};
use crate::db::now;
use crate::email::mailer::Mailer;
use crate::email::outbox;
use crate::error::AppError;
use crate::http::body_deadline::{is_timeout, limit_body_time};
use crate::http::csrf::FORM_BODY_LIMIT;
use crate::http::page_cache::SharedPages;
use crate::http::security_headers::security_headers;
use crate::http::state::AppState;
use crate::services::jobs;
use crate::telemetry::request_log;

/// How often expired sessions, tokens and rate-limit windows are swept.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    shutdown: watch::Sender<bool>,
}

impl Application {
    /// Opens the database, applies migrations, binds the port and starts the mail worker.
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        raise_open_file_limit();
        let listener = TcpListener::bind(settings.bind).map_err(|e| {
            anyhow::anyhow!("cannot listen on {} (IDEABOX_BIND): {e}", settings.bind)
        })?;
        let port = listener.local_addr()?.port();
        // With port 0 (tests), the real port is only known now.
        if settings.base_url.port() == Some(0) {
            let _ = settings.base_url.set_port(Some(port));
        }
        let mailer = Mailer::from_settings(&settings)?;
        let from: Mailbox = settings
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("invalid setting IDEABOX_MAIL_FROM: {e}"))?;
        let state = crate::db::run_blocking(move || {
            let state = AppState::build(settings).map_err(AppError::Internal)?;
            state.db.migrate().map_err(AppError::Internal)?;
            Ok(state)
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;

        let (shutdown, stopped) = watch::channel(false);
        tokio::spawn(outbox::run_worker(
            state.db.clone(),
            mailer,
            from,
            state.mail.clone(),
            stopped.clone(),
        ));
        tokio::spawn(jobs::run_worker(
            state.services.clone(),
            crate::services::job_handlers::all(),
            state.jobs.clone(),
            stopped.clone(),
        ));
        tokio::spawn(housekeeping(state.clone(), stopped));

        let data = web::Data::new(state.clone());
        let shared_pages = web::Data::new(SharedPages::new(&state)?);
        let workers = state.settings.workers;
        let blocking_threads = state.settings.database_pool_size as usize + 4;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(shared_pages.clone())
                .app_data(form_config())
                .app_data(web::PayloadConfig::new(FORM_BODY_LIMIT))
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                // The API and the HTML site bring their own authentication, CSRF and error
                // bodies (`api::scope`, `web::scope`); these layers serve both.
                .wrap(Compress::default())
                .wrap(from_fn(security_headers))
                .wrap(from_fn(limit_body_time))
                .wrap(from_fn(request_log))
                .service(crate::api::scope())
                .service(crate::web::scope())
        })
        .workers(workers)
        // Blocking work is database work (bounded by the pool), password hashing (bounded by
        // its permits) and exports: more threads than that only wait, each with its own
        // stack and heap (tokio's default allows 512 per worker; 118 were seen under load).
        .worker_max_blocking_threads(blocking_threads)
        .shutdown_timeout(20)
        .listen(listener)?
        .run();
        Ok(Self {
            port,
            server,
            state,
            shutdown,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A handle to stop the server (tests, embedding).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Stops the background workers (the server itself is stopped through its handle).
    pub fn stop_workers(&self) {
        let _ = self.shutdown.send(true);
    }

    /// Serves until SIGTERM/SIGINT (graceful: in-flight requests finish), then stops workers.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        let _ = self.shutdown.send(true);
        result
    }
}

fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(FORM_BODY_LIMIT)
        .error_handler(|err: UrlencodedError, _: &HttpRequest| {
            let app = match err {
                UrlencodedError::Payload(ref e) if is_timeout(e) => AppError::RequestTimeout,
                UrlencodedError::Overflow { .. } => AppError::PayloadTooLarge,
                UrlencodedError::ContentType => AppError::UnsupportedMediaType,
                _ => AppError::BadRequest("error-400"),
            };
            app.into()
        })
}

fn query_error(_: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest("error-query-invalid").into()
}

fn path_error(_: PathError, _: &HttpRequest) -> actix_web::Error {
    AppError::NotFound.into()
}

/// Deletes what has expired, so tables do not grow without bound.
async fn housekeeping(state: AppState, mut stopped: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(HOUSEKEEPING_EVERY) => {}
            _ = stopped.changed() => break,
        }
        let st = state.clone();
        let result = crate::db::run_blocking(move || {
            let at = now();
            let idle_since = at - chrono::Duration::minutes(st.settings.session_idle_minutes);
            // Expired rows are shown nowhere: their removal leaves kept values fresh.
            let swept = st.db.write_bookkeeping_sync(|c| {
                let sessions = sessions::delete_stale(c, at, idle_since)?;
                let tokens = email_tokens::delete_expired(c, at - chrono::Duration::days(7))?;
                let devices = crate::db::models::known_devices::purge_before(
                    c,
                    at - chrono::Duration::days(crate::services::credentials::KNOWN_DEVICE_DAYS),
                )?;
                Ok(sessions + tokens + devices)
            })?;
            Ok(swept + crate::rate_limit::purge_old(&st.db)?)
        })
        .await;
        if let Err(err) = result {
            tracing::warn!(error = %err, "housekeeping failed");
        }
    }
}

/// Lifts the soft limit on open files to the hard limit. Every connection holds a descriptor, and
/// with the common soft default of 1024 a thousand slow clients leave none for anyone else:
/// accepting fails with "too many open files" and actix pauses accepting for half a second.
#[cfg(unix)]
fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct they are given.
    let raised = unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 || limit.rlim_cur >= limit.rlim_max
        {
            return;
        }
        let wanted = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        libc::setrlimit(libc::RLIMIT_NOFILE, &wanted) == 0
    };
    if raised {
        tracing::debug!(
            from = limit.rlim_cur,
            to = limit.rlim_max,
            "raised the open-file limit"
        );
    } else {
        tracing::warn!(
            limit = limit.rlim_cur,
            "could not raise the open-file limit"
        );
    }
}

#[cfg(not(unix))]
fn raise_open_file_limit() {}
