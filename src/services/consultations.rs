//! Consultations as listed on the one-stop home page.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::models::consultations;
use crate::db::now;
use crate::domain::lang::Lang;
use crate::error::AppError;
use crate::state::AppState;

/// A published consultation as the home page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ConsultationCard {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub organisation: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub is_open: bool,
}

/// Open consultations first (soonest deadline first), then closed ones.
pub async fn home_listing(
    state: &AppState,
    lang: Lang,
) -> Result<(Vec<ConsultationCard>, Vec<ConsultationCard>), AppError> {
    let rows = state
        .db
        .read(|c| Ok(consultations::list_published(c)?))
        .await?;
    let at = now();
    let (mut open, mut closed) = (Vec::new(), Vec::new());
    for (c, org) in rows {
        let is_open = c.status == "open" && c.opens_at <= at && at < c.closes_at;
        let card = ConsultationCard {
            slug: c.slug,
            title: c.title,
            summary: c.summary,
            organisation: match lang {
                Lang::Ja => org.name_ja,
                Lang::En => org.name_en,
            },
            opens_at: c.opens_at,
            closes_at: c.closes_at,
            is_open,
        };
        if is_open {
            open.push(card)
        } else if c.status == "closed" || at >= c.closes_at {
            closed.push(card)
        }
    }
    closed.reverse();
    Ok((open, closed))
}
