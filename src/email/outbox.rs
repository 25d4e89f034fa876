//! The outbox: mail is stored in the database with the change that causes it, and a worker
//! sends it with retries. A crash or restart loses nothing; with several instances on one
//! PostgreSQL database each message is claimed by exactly one of them.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use tokio::sync::Notify;

use crate::config::Settings;
use crate::db::models::outbox::{self, NewOutboxMail};
use crate::db::{AnyConnection, Db, now};
use crate::domain::ids::UserId;
use crate::domain::lang::Lang;
use crate::email::compose::{self, MailKind, RenderedMail};
use crate::email::mailer::Mailer;
use crate::error::AppError;
use crate::templates::Templates;

/// After this many failed attempts a message is parked as failed.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed message is reserved for the instance sending it.
const LEASE: chrono::Duration = chrono::Duration::seconds(120);
const BATCH: i64 = 20;
/// How often the worker looks for due mail when nobody wakes it.
const POLL: Duration = Duration::from_secs(5);

/// Composes messages, stores them and wakes the worker.
#[derive(Clone)]
pub struct MailQueue {
    templates: Templates,
    settings: Arc<Settings>,
    wake: Arc<Notify>,
}

impl MailQueue {
    pub fn new(templates: Templates, settings: Arc<Settings>) -> Self {
        Self {
            templates,
            settings,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Renders a message (before the transaction: rendering needs no database).
    pub fn compose<T: serde::Serialize>(
        &self,
        lang: Lang,
        kind: MailKind,
        data: &T,
    ) -> Result<RenderedMail, AppError> {
        compose::render(&self.templates, lang, kind, &self.settings.origin(), data)
    }

    /// Tells the worker there is new mail (call after the transaction commits).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn absolute(&self, path: &str) -> String {
        self.settings.absolute(path)
    }
}

/// Stores a rendered message inside the caller's transaction.
pub fn enqueue(
    conn: &mut AnyConnection,
    user: Option<UserId>,
    recipient: &str,
    mail: &RenderedMail,
) -> Result<(), AppError> {
    let at = now();
    outbox::enqueue(
        conn,
        &NewOutboxMail {
            user_id: user.map(|u| u.0),
            recipient,
            subject: &mail.subject,
            body_text: &mail.text,
            body_html: &mail.html,
            next_attempt_at: at,
            created_at: at,
        },
    )?;
    Ok(())
}

/// Waits between attempts grow quadratically: 30 s, 2 min, 4.5 min, 8 min…
fn backoff(attempts: i32) -> chrono::Duration {
    chrono::Duration::seconds(30 * i64::from(attempts.max(1)).pow(2))
}

/// Sends due mail until `shutdown` fires.
pub async fn run_worker(
    db: Db,
    mailer: Mailer,
    from: Mailbox,
    queue: MailQueue,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        match deliver_due(&db, &mailer, &from).await {
            Ok(sent) if sent >= BATCH as usize => continue,
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "outbox pass failed"),
        }
        tokio::select! {
            _ = queue.wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stopped.changed() => break,
        }
    }
}

/// One pass: claim due messages, send them, record the outcome. Returns how many were claimed.
pub async fn deliver_due(db: &Db, mailer: &Mailer, from: &Mailbox) -> Result<usize, AppError> {
    // The queue is shown nowhere: its writes leave kept values fresh.
    let claimed = db
        .write_bookkeeping(|c| {
            let at = now();
            Ok(outbox::claim_due(c, at, at + LEASE, BATCH)?)
        })
        .await?;
    let count = claimed.len();
    for mail in claimed {
        let result = mailer.send(from, &mail).await;
        let id = mail.id;
        let attempts = mail.attempts;
        db.write_bookkeeping(move |c| {
            match &result {
                Ok(()) => {
                    outbox::delete(c, id)?;
                }
                Err(error) if attempts >= MAX_ATTEMPTS => {
                    tracing::error!(mail_id = id, %error, "giving up on mail");
                    outbox::mark_failed(c, id, now(), error)?;
                }
                Err(error) => {
                    tracing::warn!(mail_id = id, attempts, %error, "mail not sent, will retry");
                    outbox::reschedule(c, id, now() + backoff(attempts), error)?;
                }
            }
            Ok(())
        })
        .await?;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_grows() {
        assert_eq!(backoff(1).num_seconds(), 30);
        assert_eq!(backoff(3).num_seconds(), 270);
    }
}
