//! What happens to new contributions before they are published: pre-moderation, the filter
//! list, and the first-day rule against links.

use crate::db::AnyConnection;
use crate::db::models::{moderation, users};
use crate::domain::ids::UserId;
use crate::domain::moderation::{FilterPattern, NEW_ACCOUNT_LINK_BAN, Visibility, contains_link};
use crate::error::AppError;

/// `Pending` when the consultation holds contributions for approval or the text matches a
/// configured word or pattern; otherwise `Visible`.
pub fn visibility_for(
    conn: &mut AnyConnection,
    premoderation: bool,
    text: &str,
) -> Result<Visibility, AppError> {
    Ok(Screen::load(conn, premoderation)?.visibility(text))
}

/// The screening rules of one consultation, read once for many submissions (an import).
pub struct Screen {
    premoderation: bool,
    filters: Vec<FilterPattern>,
}

impl Screen {
    pub fn load(conn: &mut AnyConnection, premoderation: bool) -> Result<Screen, AppError> {
        let filters = if premoderation {
            Vec::new()
        } else {
            moderation::filters(conn)?
                .iter()
                // A pattern that no longer compiles is skipped rather than blocking every post.
                .filter_map(|row| FilterPattern::parse(&row.pattern, row.is_regex).ok())
                .collect()
        };
        Ok(Screen {
            premoderation,
            filters,
        })
    }

    /// Whether a new submission shows at once or waits for approval.
    pub fn visibility(&self, text: &str) -> Visibility {
        if self.premoderation || self.filters.iter().any(|p| p.matches(text)) {
            Visibility::Pending
        } else {
            Visibility::Visible
        }
    }
}

/// Accounts younger than a day may not post links (422 on `field`).
pub fn refuse_links_from_new_accounts(
    conn: &mut AnyConnection,
    user: UserId,
    text: &str,
    field: &'static str,
) -> Result<(), AppError> {
    if !contains_link(text) {
        return Ok(());
    }
    let row = users::find(conn, user)?.ok_or(AppError::Unauthorized)?;
    if crate::db::now() - row.created_at < NEW_ACCOUNT_LINK_BAN {
        return Err(AppError::validation(field, "error-links-new-account"));
    }
    Ok(())
}
