//! Renders a message from `templates/email/<name>.{txt,html}` in the recipient's language.
//! Subjects come from the catalog, never from user text.

use serde::Serialize;

use crate::domain::lang::Lang;
use crate::error::AppError;
use crate::i18n;
use crate::templates::Templates;

/// The kinds of mail IdeaBox sends.
#[derive(Clone, Copy, Debug)]
pub enum MailKind {
    VerifyEmail,
    AlreadyRegistered,
    PasswordReset,
    PasswordChanged,
    ConfirmEmailChange,
    EmailChangeTaken,
    EmailChangedNotice,
    IdeaReceipt,
    IdeaMerged,
    ResponsePublished,
}

impl MailKind {
    fn template(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::AlreadyRegistered => "already_registered",
            Self::PasswordReset => "password_reset",
            Self::PasswordChanged => "password_changed",
            Self::ConfirmEmailChange => "confirm_email_change",
            Self::EmailChangeTaken => "email_change_taken",
            Self::EmailChangedNotice => "email_changed_notice",
            Self::IdeaReceipt => "idea_receipt",
            Self::IdeaMerged => "idea_merged",
            Self::ResponsePublished => "response_published",
        }
    }

    fn subject_key(self) -> &'static str {
        match self {
            Self::VerifyEmail => "mail-verify-email-subject",
            Self::AlreadyRegistered => "mail-already-registered-subject",
            Self::PasswordReset => "mail-password-reset-subject",
            Self::PasswordChanged => "mail-password-changed-subject",
            Self::ConfirmEmailChange => "mail-confirm-email-change-subject",
            Self::EmailChangeTaken => "mail-email-change-taken-subject",
            Self::EmailChangedNotice => "mail-email-changed-notice-subject",
            Self::IdeaReceipt => "mail-idea-receipt-subject",
            Self::IdeaMerged => "mail-idea-merged-subject",
            Self::ResponsePublished => "mail-response-published-subject",
        }
    }
}

/// A rendered message, ready for the outbox.
#[derive(Clone, Debug)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders `kind` with `data` (serialised into the template context beside `lang`).
pub fn render<T: Serialize>(
    templates: &Templates,
    lang: Lang,
    kind: MailKind,
    site_url: &str,
    data: &T,
) -> Result<RenderedMail, AppError> {
    let mut ctx = tera::Context::from_serialize(data).map_err(AppError::internal)?;
    ctx.insert("lang", lang.as_str());
    ctx.insert("site_url", site_url);
    let name = kind.template();
    let text = templates
        .render(&format!("email/{name}.txt"), &ctx)
        .map_err(AppError::Internal)?;
    let html = templates
        .render(&format!("email/{name}.html"), &ctx)
        .map_err(AppError::Internal)?;
    Ok(RenderedMail {
        subject: i18n::text(lang, kind.subject_key()),
        text,
        html,
    })
}
