//! Pages of the drafting committee: official responses (on the idea page, and for groups of
//! ideas), the disposition table (意見の概要と意見に対する考え方), the summary report, and
//! exports. Every rule and check is the services'; these handlers show and route.

pub mod answers;
pub mod disposition;
pub mod export;
pub mod summary_report;

use std::collections::{BTreeMap, HashMap};

use actix_web::web;
use serde::Serialize;

use crate::domain::consultation::Phase;
use crate::domain::fields::FieldErrors;
use crate::domain::lang::Lang;
use crate::domain::moderation::Visibility;
use crate::domain::policy::{self, Actor};
use crate::domain::response_status::ResponseStatus;
use crate::services::consultations::ConsultationView;
use crate::services::ideas::IdeaDetail;
use crate::services::responses::{Disposition, ResponseView};

/// Registers the drafting pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/ideas/{id}/response")
            .route(web::get().to(answers::answer_page))
            .route(web::post().to(answers::answer_idea)),
    )
    .service(
        web::resource("/c/{slug}/responses")
            .route(web::get().to(answers::page))
            .route(web::post().to(answers::answer_group)),
    )
    .service(
        web::resource("/c/{slug}/responses/publish").route(web::post().to(answers::publish_all)),
    )
    .service(
        web::resource("/c/{slug}/responses/{id}/publish")
            .route(web::post().to(answers::publish_one)),
    )
    .service(
        web::resource("/c/{slug}/disposition")
            .route(web::get().to(disposition::show))
            .route(web::post().to(disposition::save)),
    )
    .service(web::resource("/c/{slug}/report").route(web::get().to(summary_report::show)))
    .service(web::resource("/c/{slug}/export").route(web::get().to(export::form)))
    .service(web::resource("/c/{slug}/export/download").route(web::get().to(export::download)));
}

/// Whether the viewer answers ideas (drafters and admins), as the services decide it.
pub fn is_drafter(viewer: Option<&Actor>) -> bool {
    viewer.is_some_and(|a| policy::can_draft(a).is_ok())
}

/// Whether the viewer receives submissions and keeps the campaign ledger (moderators,
/// drafters and admins), as the services decide it.
pub fn is_staff(viewer: Option<&Actor>) -> bool {
    viewer.is_some_and(|a| policy::can_record_submissions(a).is_ok())
}

/// The values of an answer form (status, Markdown text, the plan section it changed) and its
/// field errors. `prefix` keeps field ids unique when a page has several answer forms.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AnswerForm {
    pub prefix: String,
    pub status: String,
    pub body: String,
    pub section: String,
    pub errors: BTreeMap<&'static str, &'static str>,
}

impl AnswerForm {
    pub fn empty(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
            ..Self::default()
        }
    }

    /// A form filled in from an existing answer.
    pub fn from_response(prefix: &str, r: &ResponseView) -> Self {
        Self {
            prefix: prefix.to_owned(),
            status: r.status.clone(),
            body: r.body.clone(),
            section: r.section.clone().unwrap_or_default(),
            errors: BTreeMap::new(),
        }
    }
}

/// Field errors as a map (field → message key, the first per field).
pub fn error_map(errors: &FieldErrors) -> BTreeMap<&'static str, &'static str> {
    let mut map = BTreeMap::new();
    for e in errors.iter() {
        map.entry(e.field).or_insert(e.code);
    }
    map
}

/// One entry of the error summary at the top of a page (`#field-{field}` is the link).
#[derive(Clone, Debug, Serialize)]
pub struct SummaryError {
    pub field: String,
    pub code: &'static str,
}

/// The heading of a plan section, by key.
pub fn section_heading<'a>(c: &'a ConsultationView, key: Option<&str>) -> Option<&'a str> {
    key.and_then(|k| c.sections.iter().find(|s| s.key == k))
        .map(|s| s.heading.as_str())
}

/// The answer panel of the idea page, for drafters.
#[derive(Serialize)]
struct IdeaAnswer<'a> {
    action: String,
    form: AnswerForm,
    statuses: &'static [&'static str],
    draft: Option<&'a ResponseView>,
    draft_section_heading: Option<&'a str>,
}

/// What the idea page needs to show the official response, and for drafters the form to
/// write one (only on ideas that can be answered: visible ones).
pub fn insert_idea_context(
    ctx: &mut tera::Context,
    viewer: Option<&Actor>,
    idea: &IdeaDetail,
    c: &ConsultationView,
) {
    ctx.insert(
        "response_section_heading",
        &section_heading(c, idea.response.as_ref().and_then(|r| r.section.as_deref())),
    );
    let answerable =
        is_drafter(viewer) && !idea.tombstone && idea.visibility == Visibility::Visible;
    let answer = answerable.then(|| {
        let draft = idea.response_draft.as_ref();
        let form = match draft.or(idea.response.as_ref()) {
            Some(r) => AnswerForm::from_response("answer-", r),
            None => AnswerForm::empty("answer-"),
        };
        IdeaAnswer {
            action: format!("/ideas/{}/response", idea.summary.id),
            form,
            statuses: &ResponseStatus::NAMES,
            draft,
            draft_section_heading: section_heading(c, draft.and_then(|d| d.section.as_deref())),
        }
    });
    ctx.insert("answer", &answer);
}

/// Links from a consultation's page to its drafting pages, its report and its open data.
#[derive(Serialize)]
struct DraftingLinks {
    drafter: bool,
    /// Staff record and import submissions and keep the campaign ledger.
    staff: bool,
    report: bool,
    open_data: bool,
}

/// Adds `drafting_links` for the consultation page: drafters get their pages at any time,
/// everyone gets the report and the open data once the consultation has closed.
pub fn insert_consultation_links(
    ctx: &mut tera::Context,
    viewer: Option<&Actor>,
    c: &ConsultationView,
) {
    let closed = c.phase == Phase::Closed;
    let drafter = is_drafter(viewer);
    ctx.insert(
        "drafting_links",
        &DraftingLinks {
            drafter,
            staff: is_staff(viewer),
            report: drafter || closed,
            open_data: closed,
        },
    );
}

/// Receipt numbers and ids of a consultation's ideas, as far as the drafters' view of the
/// disposition table knows them (every visible idea, and hidden ones a row still cites).
#[derive(Default)]
pub struct IdeaIndex {
    receipts: HashMap<i64, String>,
    ids: HashMap<String, i64>,
}

impl IdeaIndex {
    pub fn from_disposition(table: &Disposition) -> Self {
        let mut index = Self::default();
        for row in &table.rows {
            for (id, receipt) in row.idea_ids.iter().zip(&row.receipts) {
                index.add(*id, receipt);
            }
        }
        for (id, receipt, _) in &table.uncovered {
            index.add(*id, receipt);
        }
        index
    }

    fn add(&mut self, id: i64, receipt: &str) {
        self.receipts.insert(id, receipt.to_owned());
        self.ids.insert(receipt.to_ascii_uppercase(), id);
    }

    pub fn receipt(&self, id: i64) -> Option<&str> {
        self.receipts.get(&id).map(String::as_str)
    }

    /// An idea named by its receipt number (any case) or by its id.
    pub fn resolve(&self, token: &str) -> Option<i64> {
        let token = token.trim();
        if let Some(id) = self.ids.get(&token.to_ascii_uppercase()) {
            return Some(*id);
        }
        token
            .parse::<i64>()
            .ok()
            .filter(|id| self.receipts.contains_key(id))
    }
}

/// An idea cited by a row or a response: its id (for the link) and receipt number.
#[derive(Clone, Debug, Serialize)]
pub struct CitedIdea {
    pub id: i64,
    pub receipt: String,
}

/// One row of the disposition table as pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct TableRow {
    pub number: usize,
    pub tag: Option<String>,
    pub tag_name: Option<String>,
    pub summary: String,
    pub view: String,
    pub idea_count: usize,
    pub supporter_count: i64,
    pub ideas: Vec<CitedIdea>,
}

/// The rows of one plan section (or of none), in tag order.
#[derive(Clone, Debug, Serialize)]
pub struct TableGroup {
    pub section: Option<String>,
    pub heading: Option<String>,
    pub rows: Vec<TableRow>,
}

/// Groups the table's rows by section (in the plan's order, rows without a section last),
/// then by tag; rows are numbered in that order. `tag_names` maps a tag's slug to its
/// name in each language.
pub fn group_table(
    table: &Disposition,
    c: &ConsultationView,
    tag_names: &HashMap<String, (String, String)>,
    lang: Lang,
) -> Vec<TableGroup> {
    let order = |key: Option<&str>| -> usize {
        key.and_then(|k| c.sections.iter().position(|s| s.key == k))
            .unwrap_or(usize::MAX)
    };
    let tag_name = |slug: &str| -> String {
        match tag_names.get(slug) {
            Some((ja, en)) => match lang {
                Lang::Ja => ja.clone(),
                Lang::En => en.clone(),
            },
            None => slug.to_owned(),
        }
    };
    let mut rows: Vec<_> = table.rows.iter().collect();
    rows.sort_by_key(|r| {
        (
            order(r.section.as_deref()),
            r.tag.as_deref().map(tag_name),
            r.position,
        )
    });
    let mut groups: Vec<TableGroup> = Vec::new();
    for (n, r) in rows.into_iter().enumerate() {
        let row = TableRow {
            number: n + 1,
            tag: r.tag.clone(),
            tag_name: r.tag.as_deref().map(tag_name),
            summary: r.summary.clone(),
            view: r.view.clone(),
            idea_count: r.idea_count,
            supporter_count: r.supporter_count,
            ideas: r
                .idea_ids
                .iter()
                .zip(&r.receipts)
                .map(|(id, receipt)| CitedIdea {
                    id: *id,
                    receipt: receipt.clone(),
                })
                .collect(),
        };
        match groups.last_mut() {
            Some(g) if g.section == r.section => g.rows.push(row),
            _ => groups.push(TableGroup {
                section: r.section.clone(),
                heading: section_heading(c, r.section.as_deref())
                    .map(str::to_owned)
                    .or_else(|| r.section_heading.clone()),
                rows: vec![row],
            }),
        }
    }
    groups
}

/// Links between the drafting pages of one consultation.
#[derive(Serialize)]
struct DraftingNav {
    current: &'static str,
    drafter: bool,
    staff: bool,
}

/// Adds the navigation between the drafting pages (`current` names this page).
pub fn insert_nav(ctx: &mut tera::Context, current: &'static str, viewer: Option<&Actor>) {
    ctx.insert(
        "drafting_nav",
        &DraftingNav {
            current,
            drafter: is_drafter(viewer),
            staff: is_staff(viewer),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::responses::DispositionRowView;

    fn row(
        position: i32,
        section: Option<&str>,
        tag: Option<&str>,
        ids: &[i64],
    ) -> DispositionRowView {
        DispositionRowView {
            position,
            section: section.map(str::to_owned),
            section_heading: None,
            tag: tag.map(str::to_owned),
            summary: format!("summary {position}"),
            view: format!("view {position}"),
            idea_ids: ids.to_vec(),
            receipts: ids.iter().map(|i| format!("IB-2026-{i:06}")).collect(),
            idea_count: ids.len(),
            supporter_count: 0,
        }
    }

    fn table(rows: Vec<DispositionRowView>) -> Disposition {
        Disposition {
            consultation: "plan".to_owned(),
            title: "Plan".to_owned(),
            published: true,
            published_at: None,
            rows,
            uncovered: vec![(9, "IB-2026-000009".to_owned(), "Nine".to_owned())],
            counts: Default::default(),
        }
    }

    fn consultation() -> ConsultationView {
        let section = |key: &str, heading: &str| crate::services::consultations::SectionView {
            key: key.to_owned(),
            heading: heading.to_owned(),
            level: 2,
            idea_count: 0,
        };
        ConsultationView {
            id: 1,
            slug: "plan".to_owned(),
            title: "Plan".to_owned(),
            summary: String::new(),
            body: String::new(),
            body_html: String::new(),
            status: crate::domain::consultation::ConsultationStatus::Open,
            phase: Phase::Open,
            opens_at: chrono::NaiveDateTime::default(),
            closes_at: chrono::NaiveDateTime::default(),
            organisation: crate::services::consultations::OrganisationView {
                slug: "o".to_owned(),
                name_ja: "o".to_owned(),
                name_en: "o".to_owned(),
            },
            sections: vec![section("s1", "One"), section("s2", "Two")],
            idea_count: 0,
            vote_count: 0,
            counts_approximate: false,
            premoderation: false,
        }
    }

    #[test]
    fn rows_are_grouped_by_section_in_plan_order_then_by_tag() {
        let t = table(vec![
            row(1, None, None, &[1]),
            row(2, Some("s2"), Some("b"), &[2]),
            row(3, Some("s1"), None, &[3]),
            row(4, Some("s2"), Some("a"), &[4, 5]),
        ]);
        let names = HashMap::from([
            ("a".to_owned(), ("あ".to_owned(), "Alpha".to_owned())),
            ("b".to_owned(), ("い".to_owned(), "Beta".to_owned())),
        ]);
        let groups = group_table(&t, &consultation(), &names, Lang::En);
        type Shape<'a> = Vec<(Option<&'a str>, Vec<(usize, &'a str)>)>;
        let shape: Shape = groups
            .iter()
            .map(|g| {
                (
                    g.heading.as_deref(),
                    g.rows
                        .iter()
                        .map(|r| (r.number, r.summary.as_str()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (Some("One"), vec![(1, "summary 3")]),
                (Some("Two"), vec![(2, "summary 4"), (3, "summary 2")]),
                (None, vec![(4, "summary 1")]),
            ]
        );
        assert_eq!(groups[1].rows[0].tag_name.as_deref(), Some("Alpha"));
        assert_eq!(groups[1].rows[0].ideas[1].receipt, "IB-2026-000005");
        let ja = group_table(&t, &consultation(), &names, Lang::Ja);
        assert_eq!(ja[1].rows[0].tag_name.as_deref(), Some("あ"));
    }

    #[test]
    fn ideas_are_found_by_receipt_or_id_but_only_in_this_consultation() {
        let index = IdeaIndex::from_disposition(&table(vec![row(1, None, None, &[3, 4])]));
        assert_eq!(index.resolve("IB-2026-000003"), Some(3));
        assert_eq!(index.resolve("ib-2026-000004"), Some(4));
        assert_eq!(index.resolve(" 9 "), Some(9), "uncovered ideas count");
        assert_eq!(index.resolve("IB-2026-000009"), Some(9));
        assert_eq!(index.resolve("5"), None, "not an idea of this table");
        assert_eq!(index.resolve("IB-2025-000003"), None, "wrong year");
        assert_eq!(index.resolve("nonsense"), None);
        assert_eq!(index.receipt(4), Some("IB-2026-000004"));
    }
}
