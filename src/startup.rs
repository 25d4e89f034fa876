//! Builds the application: state, migrations, background workers, middleware and routes.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::error::{PathError, QueryPayloadError, UrlencodedError};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpRequest, HttpServer, web};
use lettre::message::Mailbox;
use tokio::sync::watch;

use crate::auth::csrf::{FORM_BODY_LIMIT, verify_csrf};
use crate::auth::identity::authenticate;
use crate::config::Settings;
use crate::db::models::{email_tokens, sessions};
use crate::db::now;
use crate::email::mailer::Mailer;
use crate::email::outbox;
use crate::error::AppError;
use crate::state::AppState;
use crate::telemetry::request_log;
use crate::web::anonymous_pages::serve_shared_pages;
use crate::web::body_deadline::{is_timeout, limit_body_time};
use crate::web::errors::{error_pages, security_headers};

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
        tokio::spawn(housekeeping(state.clone(), stopped));

        let data = web::Data::new(state.clone());
        let workers = state.settings.workers;
        let blocking_threads = state.settings.database_pool_size as usize + 4;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(form_config())
                .app_data(web::PayloadConfig::new(FORM_BODY_LIMIT))
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .wrap(from_fn(verify_csrf))
                // Inside `authenticate`: which readers share a page depends on who they are.
                .wrap(from_fn(serve_shared_pages))
                .wrap(from_fn(authenticate))
                .wrap(from_fn(error_pages))
                .wrap(Compress::default())
                .wrap(from_fn(security_headers))
                .wrap(from_fn(limit_body_time))
                .wrap(from_fn(request_log))
                .configure(crate::api::routes)
                .configure(crate::web::routes)
                .default_service(web::to(not_found))
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

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
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
            let swept = st.db.write_sync(|c| {
                let sessions = sessions::delete_stale(c, at, idle_since)?;
                let tokens = email_tokens::delete_expired(c, at - chrono::Duration::days(7))?;
                Ok(sessions + tokens)
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
