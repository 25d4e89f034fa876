//! The moderation part of an idea's page: report and action forms, tag editing. Whether a
//! form shows is decided by the policy the services apply.

use crate::domain::moderation::{ACTION_REASONS, Visibility};
use crate::domain::policy::{self, Actor};
use crate::services::ideas::IdeaDetail;
use crate::services::tags::TagInfo;
use crate::web::moderation::report_reasons;
use serde::Serialize;

/// A tag of the consultation as the idea page's tag form shows it.
#[derive(Serialize)]
struct TagChoice {
    slug: String,
    name_ja: String,
    name_en: String,
    checked: bool,
}

/// The moderation state of the idea, as the action forms need it.
#[derive(Serialize)]
pub struct ItemState {
    pub kind: &'static str,
    pub id: i64,
    pub hidden: bool,
    pub pending: bool,
    pub locked: bool,
    pub pinned: bool,
    pub reported: bool,
}

/// What the idea page needs for reports, moderator controls and tag editing (`tags`: the
/// consultation's, read for moderators). Whether a form
/// shows is decided with the same policy the services apply; the services still decide.
pub fn insert_idea_page(
    ctx: &mut tera::Context,
    actor: Option<Actor>,
    detail: &IdeaDetail,
    tags: Vec<TagInfo>,
) {
    let moderates = actor
        .as_ref()
        .is_some_and(|a| policy::can_moderate(a).is_ok());
    let shown = !detail.tombstone && detail.visibility == Visibility::Visible;
    let can_report = |visible: bool, own: bool| {
        actor
            .as_ref()
            .is_some_and(|a| policy::can_report(a, visible, own).is_ok())
    };
    ctx.insert("report_reasons", &report_reasons());
    ctx.insert("action_reasons", &ACTION_REASONS);
    ctx.insert("can_report", &can_report(shown, detail.is_mine));
    // Each comment's own link decides on the comment; this says whether any may be reported.
    ctx.insert("can_report_comments", &can_report(!detail.tombstone, false));
    ctx.insert("can_moderate", &moderates);
    ctx.insert("value_reason", "");
    ctx.insert(
        "moderated_idea",
        &ItemState {
            kind: "idea",
            id: detail.summary.id,
            hidden: detail.visibility == Visibility::Hidden,
            pending: detail.visibility == Visibility::Pending,
            locked: detail.summary.locked,
            pinned: detail.summary.pinned,
            reported: false,
        },
    );
    // The tags come only for moderators, never for their own idea.
    let current: Vec<&str> = detail
        .summary
        .tags
        .iter()
        .map(|t| t.slug.as_str())
        .collect();
    let choices: Vec<TagChoice> = tags
        .into_iter()
        .map(|tag| TagChoice {
            checked: current.contains(&tag.slug.as_str()),
            slug: tag.slug,
            name_ja: tag.name_ja,
            name_en: tag.name_en,
        })
        .collect();
    ctx.insert("tag_choices", &choices);
}
