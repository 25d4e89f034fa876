//! The summary report of a consultation: totals, daily activity, ideas by section and tag,
//! rankings, answers still owed, and the disposition table. Drafters see it while the
//! consultation runs, everyone after it closes. Only visible content counts.

use crate::services::campaigns::{Ledger, ledger_in};
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde::Serialize;

use crate::db::models::consultations::{self, ConsultationRow};
use crate::db::models::ideas::{self, IdeaFilter};
use crate::db::models::tags;
use crate::db::{AnyConnection, now, sql_for};
use crate::domain::listing::Sort;
use crate::domain::policy::{self, Actor};
use crate::domain::response_status::ResponseStatus;
use crate::error::AppError;
use crate::services::consultations::{load_visible, phase_of};
use crate::services::context::ServiceContext;
use crate::services::responses::{self, Disposition};

/// Ideas with at least this much support and no published answer are flagged as owed one.
pub const STRONG_SUPPORT: i32 = 3;
const RANKING: usize = 10;

#[derive(Clone, Debug, Serialize)]
pub struct Totals {
    /// Distinct people who posted, commented or voted.
    pub participants: i64,
    pub ideas: i64,
    pub comments: i64,
    pub supports: i64,
    pub opposes: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Day {
    pub day: NaiveDate,
    pub ideas: i64,
    pub comments: i64,
    pub votes: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Count {
    pub key: String,
    pub label_ja: String,
    pub label_en: String,
    pub count: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Ranked {
    pub id: i64,
    pub receipt: String,
    pub title: String,
    pub support_count: i32,
    pub oppose_count: i32,
    pub comment_count: i32,
    pub response_status: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub consultation: String,
    pub title: String,
    pub phase: crate::domain::consultation::Phase,
    pub totals: Totals,
    pub daily: Vec<Day>,
    pub by_section: Vec<Count>,
    pub by_tag: Vec<Count>,
    pub most_supported: Vec<Ranked>,
    pub most_controversial: Vec<Ranked>,
    /// Strongly supported ideas still without a published answer.
    pub awaiting_response: Vec<Ranked>,
    /// Ideas per official response status (`none` for those without one).
    pub response_statuses: Vec<Count>,
    /// Published, or (for drafters) as it stands.
    pub disposition: Option<Disposition>,
    /// Submissions, distinct texts, campaigns and copies in them, with the rule.
    pub counts: Ledger,
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct DayCount {
    #[diesel(sql_type = Text)]
    day: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn scalar(
    conn: &mut AnyConnection,
    sql: &str,
    consultation: i64,
    repeats: usize,
) -> Result<i64, AppError> {
    let sql = sql_for(conn, sql);
    let rows: Vec<Number> = crate::per_backend!(conn, c => {
        let mut query = diesel::sql_query(&sql).into_boxed();
        for _ in 0..repeats {
            query = query.bind::<BigInt, _>(consultation);
        }
        query.load(c)
    })?;
    Ok(rows.first().map_or(0, |r| r.n))
}

const VISIBLE_IDEAS: &str =
    "SELECT id FROM ideas WHERE consultation_id = ? AND visibility = 'visible'";

fn totals(conn: &mut AnyConnection, consultation: i64) -> Result<Totals, AppError> {
    let participants = scalar(
        conn,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (\
               SELECT author_id AS person FROM ideas WHERE consultation_id = ? AND visibility = 'visible' \
               UNION SELECT author_id FROM comments WHERE idea_id IN ({VISIBLE_IDEAS}) AND visibility = 'visible' AND deleted_at IS NULL \
               UNION SELECT user_id FROM votes WHERE idea_id IN ({VISIBLE_IDEAS})) people"
        ),
        consultation,
        3,
    )?;
    let sums = |conn: &mut AnyConnection, column: &str| {
        scalar(
            conn,
            &format!(
                "SELECT CAST(COALESCE(SUM({column}), 0) AS BIGINT) AS n FROM ideas WHERE consultation_id = ? AND visibility = 'visible'"
            ),
            consultation,
            1,
        )
    };
    Ok(Totals {
        participants,
        ideas: scalar(
            conn,
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM ideas WHERE consultation_id = ? AND visibility = 'visible'",
            consultation,
            1,
        )?,
        comments: sums(conn, "comment_count")?,
        supports: sums(conn, "support_count")?,
        opposes: sums(conn, "oppose_count")?,
    })
}

/// Per local day (site time zone, offset at the consultation's opening).
fn daily(
    conn: &mut AnyConnection,
    consultation: &ConsultationRow,
    offset_minutes: i32,
) -> Result<Vec<Day>, AppError> {
    let day_of = |column: &str, conn: &AnyConnection| match conn {
        AnyConnection::Sqlite(_) => {
            format!("substr(datetime({column}, '{offset_minutes:+} minutes'), 1, 10)")
        }
        AnyConnection::Postgresql(_) => {
            format!("to_char({column} + interval '{offset_minutes} minutes', 'YYYY-MM-DD')")
        }
    };
    let queries = [
        format!(
            "SELECT {} AS day, CAST(COUNT(*) AS BIGINT) AS n FROM ideas WHERE consultation_id = ? AND visibility = 'visible' GROUP BY 1",
            day_of("created_at", conn)
        ),
        format!(
            "SELECT {} AS day, CAST(COUNT(*) AS BIGINT) AS n FROM comments WHERE idea_id IN ({VISIBLE_IDEAS}) \
             AND visibility = 'visible' AND deleted_at IS NULL GROUP BY 1",
            day_of("created_at", conn)
        ),
        format!(
            "SELECT {} AS day, CAST(COUNT(*) AS BIGINT) AS n FROM votes WHERE idea_id IN ({VISIBLE_IDEAS}) GROUP BY 1",
            day_of("created_at", conn)
        ),
    ];
    let mut days: std::collections::BTreeMap<NaiveDate, [i64; 3]> =
        std::collections::BTreeMap::new();
    for (i, sql) in queries.iter().enumerate() {
        let sql = sql_for(conn, sql);
        let rows: Vec<DayCount> = crate::per_backend!(conn, c => diesel::sql_query(&sql).bind::<BigInt, _>(consultation.id).load(c))?;
        for row in rows {
            if let Ok(day) = NaiveDate::parse_from_str(&row.day, "%Y-%m-%d") {
                days.entry(day).or_default()[i] += row.n;
            }
        }
    }
    // Every day of the consultation so far appears, even quiet ones, so the chart is honest.
    if let (Some(first), Some(last)) = (days.keys().next().copied(), days.keys().last().copied()) {
        let mut day = first;
        while day < last {
            days.entry(day).or_default();
            day = day.succ_opt().unwrap_or(last);
        }
    }
    Ok(days
        .into_iter()
        .map(|(day, [ideas, comments, votes])| Day {
            day,
            ideas,
            comments,
            votes,
        })
        .collect())
}

fn ranked(rows: Vec<(crate::db::models::ideas::IdeaRow, Option<String>)>) -> Vec<Ranked> {
    rows.into_iter()
        .map(|(r, _)| Ranked {
            id: r.id,
            receipt: r.receipt,
            title: r.title,
            support_count: r.support_count,
            oppose_count: r.oppose_count,
            comment_count: r.comment_count,
            response_status: r.response_status,
        })
        .collect()
}

fn build(
    conn: &mut AnyConnection,
    consultation: &ConsultationRow,
    viewer: Option<&Actor>,
    tz: chrono_tz::Tz,
) -> Result<Report, AppError> {
    use chrono::Offset;
    let offset = chrono::TimeZone::offset_from_utc_datetime(&tz, &consultation.opens_at)
        .fix()
        .local_minus_utc()
        / 60;
    let counts = consultations::idea_counts_by_section(conn, consultation.id)?;
    let by_section = consultations::list_sections(conn, consultation.id)?
        .into_iter()
        .map(|s| Count {
            count: counts
                .iter()
                .find(|(k, _)| k.as_deref() == Some(s.key.as_str()))
                .map_or(0, |(_, n)| *n),
            label_ja: s.heading.clone(),
            label_en: s.heading,
            key: s.key,
        })
        .collect();
    let by_tag = tags::list_with_counts(conn, consultation.id)?
        .into_iter()
        .map(|(t, n)| Count {
            key: t.slug,
            label_ja: t.name_ja,
            label_en: t.name_en,
            count: n,
        })
        .collect();
    let all = IdeaFilter::default();
    let most_supported = ranked(ideas::list(
        conn,
        consultation.id,
        &all,
        Sort::Top,
        None,
        RANKING as i64,
    )?);
    let most_controversial = ranked(
        ideas::list(
            conn,
            consultation.id,
            &all,
            Sort::Controversial,
            None,
            RANKING as i64,
        )?
        .into_iter()
        .filter(|(r, _)| r.controversy > 0.0)
        .collect(),
    );
    let awaiting_response = ranked(
        ideas::list(conn, consultation.id, &all, Sort::Top, None, 500)?
            .into_iter()
            .filter(|(r, _)| r.response_status.is_none() && r.support_count >= STRONG_SUPPORT)
            .take(RANKING)
            .collect(),
    );
    let mut response_statuses = Vec::new();
    for status in ResponseStatus::NAMES
        .iter()
        .copied()
        .chain(std::iter::once("none"))
    {
        let sql = if status == "none" {
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM ideas WHERE consultation_id = ? AND visibility = 'visible' AND response_status IS NULL".to_owned()
        } else {
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM ideas WHERE consultation_id = ? AND visibility = 'visible' AND response_status = '{status}'"
            )
        };
        let count = scalar(conn, &sql, consultation.id, 1)?;
        response_statuses.push(Count {
            key: status.to_owned(),
            label_ja: String::new(),
            label_en: String::new(),
            count,
        });
    }
    let drafter = viewer.is_some_and(|a: &Actor| policy::can_draft(a).is_ok());
    let disposition = match responses::disposition_sync(conn, consultation, drafter) {
        Ok(table) => Some(table),
        Err(AppError::NotFound) => None,
        Err(other) => return Err(other),
    };
    Ok(Report {
        consultation: consultation.slug.clone(),
        title: consultation.title.clone(),
        phase: phase_of(consultation, crate::db::now()),
        totals: totals(conn, consultation.id)?,
        daily: daily(conn, consultation, offset)?,
        by_section,
        by_tag,
        most_supported,
        most_controversial,
        awaiting_response,
        response_statuses,
        disposition,
        counts: ledger_in(conn, consultation, crate::domain::lang::Lang::Ja)?,
    })
}

/// The report, if the viewer may see it (staff always; everyone after the close).
#[tracing::instrument(skip_all)]
pub async fn report(
    ctx: &ServiceContext,
    viewer: Option<Actor>,
    slug: &str,
) -> Result<Report, AppError> {
    let slug = slug.to_owned();
    let tz = ctx.settings.timezone;
    ctx.db
        .read(move |c| {
            let consultation = load_visible(c, &slug, viewer.as_ref())?;
            if !policy::can_see_report(viewer.as_ref(), phase_of(&consultation, now())) {
                return Err(if viewer.is_some() {
                    AppError::Forbidden("error-report-not-yet")
                } else {
                    AppError::Unauthorized
                });
            }
            build(c, &consultation, viewer.as_ref(), tz)
        })
        .await
}
