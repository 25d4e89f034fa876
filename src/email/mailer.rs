//! The transports mail leaves by: SMTP, or `.eml` files in an outbox folder.

use std::path::PathBuf;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailTransport, Settings};
use crate::db::models::outbox::ClaimedMail;
use crate::domain::email::mask_email;

/// Sends one message.
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        Ok(match &settings.mail {
            MailTransport::Smtp(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map_err(|e| anyhow::anyhow!("invalid setting IDEABOX_SMTP_URL: {e}"))?
                    .build();
                Self::Smtp(transport)
            }
            MailTransport::Outbox(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    anyhow::anyhow!("cannot create outbox folder {}: {e}", dir.display())
                })?;
                Self::Files {
                    transport: AsyncFileTransport::<Tokio1Executor>::new(dir),
                    dir: dir.clone(),
                }
            }
        })
    }

    /// Builds and sends the message. The error text is logged and stored for the retry, so
    /// the recipient's address is masked in it (servers often quote it back).
    pub async fn send(&self, from: &Mailbox, mail: &ClaimedMail) -> Result<(), String> {
        self.deliver(from, mail)
            .await
            .map_err(|e| e.replace(&mail.recipient, &mask_email(&mail.recipient)))
    }

    async fn deliver(&self, from: &Mailbox, mail: &ClaimedMail) -> Result<(), String> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| format!("bad recipient: {e}"))?;
        // lettre encodes non-ASCII subjects (RFC 2047); the subject is catalog text, not user text.
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(None)
            .multipart(MultiPart::alternative_plain_html(
                mail.body_text.clone(),
                mail.body_html.clone(),
            ))
            .map_err(|e| format!("cannot build message: {e}"))?;
        match self {
            Self::Smtp(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| format!("smtp: {e}")),
            Self::Files { transport, dir } => {
                let id = transport
                    .send(message)
                    .await
                    .map_err(|e| format!("outbox: {e}"))?;
                // Development convenience: the links are also logged. Only the file outbox does
                // this; over SMTP no link (and so no token) is ever logged.
                let links: Vec<&str> = mail
                    .body_text
                    .split_whitespace()
                    .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
                    .collect();
                tracing::info!(
                    to = %mask_email(&mail.recipient),
                    file = %dir.join(format!("{id}.eml")).display(),
                    links = ?links,
                    "mail written to the outbox folder"
                );
                Ok(())
            }
        }
    }
}
