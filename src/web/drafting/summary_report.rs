//! `/c/{slug}/report`: the summary report of a consultation — totals, daily activity, ideas by
//! section and by tag, rankings, ideas still owed an answer, the response statuses and the
//! disposition table. Charts are SVG drawn here, each followed by its numbers as a table; the
//! page prints to a tidy PDF from the browser. Who may see it is the report service's
//! decision (drafters and staff while the consultation runs, everyone after it closes).

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::domain::lang::Lang;
use crate::error::AppError;
use crate::http::identity::MaybeUser;
use crate::http::state::AppState;
use crate::i18n;
use crate::services::consultations;
use crate::services::summary_report::{self, Count, Report, STRONG_SUPPORT};
use crate::web::charts::{self, Caption, Series};
use crate::web::consultation_header::insert_consultation;
use crate::web::drafting::{group_table, insert_nav};
use crate::web::page::PageContext;

/// A labelled count, in the reader's language.
#[derive(Serialize)]
struct Bar {
    key: String,
    label: String,
    count: i64,
}

/// The charts of the report, as SVG markup built here (all text escaped).
#[derive(Serialize)]
struct Charts {
    daily: String,
    by_section: String,
    by_tag: String,
    statuses: String,
}

fn label(c: &Count, lang: Lang) -> String {
    match lang {
        Lang::Ja => c.label_ja.clone(),
        Lang::En => c.label_en.clone(),
    }
}

fn text(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    i18n::text_with(lang, key, args)
}

/// A one-sentence text alternative for a bar chart: how many bars, and the largest.
fn bars_description(lang: Lang, bars: &[Bar]) -> String {
    match bars.iter().max_by_key(|b| b.count) {
        Some(top) if top.count > 0 => text(
            lang,
            "report-bars-desc",
            &[
                ("count", bars.len().to_string()),
                ("top", top.label.clone()),
                ("value", top.count.to_string()),
            ],
        ),
        _ => text(lang, "report-chart-empty", &[]),
    }
}

fn bar_chart(lang: Lang, id: &str, title_key: &str, bars: &[Bar]) -> String {
    let title = text(lang, title_key, &[]);
    let description = bars_description(lang, bars);
    let rows: Vec<(String, i64)> = bars.iter().map(|b| (b.label.clone(), b.count)).collect();
    charts::bars(
        &Caption {
            id,
            title: &title,
            description: &description,
        },
        &rows,
    )
}

fn daily_chart(lang: Lang, r: &Report) -> String {
    let title = text(lang, "report-daily-title", &[]);
    let description = match (r.daily.first(), r.daily.last()) {
        (Some(first), Some(last)) => {
            let total = |d: &summary_report::Day| d.ideas + d.comments + d.votes;
            let peak = r.daily.iter().max_by_key(|d| total(d)).unwrap_or(first);
            text(
                lang,
                "report-daily-desc",
                &[
                    ("first", first.day.to_string()),
                    ("last", last.day.to_string()),
                    (
                        "ideas",
                        r.daily.iter().map(|d| d.ideas).sum::<i64>().to_string(),
                    ),
                    (
                        "comments",
                        r.daily.iter().map(|d| d.comments).sum::<i64>().to_string(),
                    ),
                    (
                        "votes",
                        r.daily.iter().map(|d| d.votes).sum::<i64>().to_string(),
                    ),
                    ("peak", peak.day.to_string()),
                    ("peak_count", total(peak).to_string()),
                ],
            )
        }
        _ => text(lang, "report-chart-empty", &[]),
    };
    let labels: Vec<String> = r
        .daily
        .iter()
        .map(|d| d.day.format("%-m/%-d").to_string())
        .collect();
    let names = [
        text(lang, "report-series-ideas", &[]),
        text(lang, "report-series-comments", &[]),
        text(lang, "report-series-votes", &[]),
    ];
    let series = [
        Series {
            name: &names[0],
            values: r.daily.iter().map(|d| d.ideas).collect(),
        },
        Series {
            name: &names[1],
            values: r.daily.iter().map(|d| d.comments).collect(),
        },
        Series {
            name: &names[2],
            values: r.daily.iter().map(|d| d.votes).collect(),
        },
    ];
    charts::columns(
        &Caption {
            id: "chart-daily",
            title: &title,
            description: &description,
        },
        &labels,
        &series,
    )
}

/// The report page.
#[tracing::instrument(skip_all)]
pub async fn show(
    state: web::Data<AppState>,
    page: PageContext,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = viewer.as_ref().map(|v| v.user.actor());
    let r = summary_report::report(&state, actor, &path).await?;
    let c = consultations::get(&state, actor, &r.consultation).await?;
    let lang = page.lang;

    let by_section: Vec<Bar> = r
        .by_section
        .iter()
        .map(|s| Bar {
            key: s.key.clone(),
            label: label(s, lang),
            count: s.count,
        })
        .collect();
    let by_tag: Vec<Bar> = r
        .by_tag
        .iter()
        .map(|t| Bar {
            key: t.key.clone(),
            label: label(t, lang),
            count: t.count,
        })
        .collect();
    let statuses: Vec<Bar> = r
        .response_statuses
        .iter()
        .map(|s| Bar {
            key: s.key.clone(),
            label: if s.key == "none" {
                text(lang, "report-status-none", &[])
            } else {
                text(lang, &format!("response-status-{}", s.key), &[])
            },
            count: s.count,
        })
        .collect();
    let charts = Charts {
        daily: daily_chart(lang, &r),
        by_section: bar_chart(
            lang,
            "chart-sections",
            "report-by-section-title",
            &by_section,
        ),
        by_tag: bar_chart(lang, "chart-tags", "report-by-tag-title", &by_tag),
        statuses: bar_chart(lang, "chart-statuses", "report-statuses-title", &statuses),
    };
    let tag_names: HashMap<String, (String, String)> = r
        .by_tag
        .iter()
        .map(|t| (t.key.clone(), (t.label_ja.clone(), t.label_en.clone())))
        .collect();
    let groups = r
        .disposition
        .as_ref()
        .map(|table| group_table(table, &c, &tag_names, lang));

    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, &state, &c);
    insert_nav(&mut ctx, "report", actor.as_ref());
    ctx.insert("report", &r);
    ctx.insert("counts", &r.counts);
    ctx.insert("counting_rule", &r.counts.rule_in(lang));
    ctx.insert("charts", &charts);
    ctx.insert("by_section", &by_section);
    ctx.insert("by_tag", &by_tag);
    ctx.insert("statuses", &statuses);
    ctx.insert("groups", &groups);
    ctx.insert("strong_support", &STRONG_SUPPORT);
    ctx.insert("generated_at", &chrono::Utc::now().naive_utc());
    page.ok(&state, "drafting/report.html", ctx)
}
