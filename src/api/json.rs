//! How API responses present service views: stable field names, RFC 3339 UTC times.

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use crate::services::comments::CommentView;
use crate::services::consultations::{ConsultationCard, ConsultationView, OrganisationView};
use crate::services::ideas::{IdeaDetail, IdeaSummary};

pub fn time(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn organisation(o: &OrganisationView) -> Value {
    json!({ "slug": o.slug, "name_ja": o.name_ja, "name_en": o.name_en })
}

pub fn consultation(c: &ConsultationView) -> Value {
    json!({
        "slug": c.slug,
        "organisation": c.organisation.slug,
        "organisation_name": { "ja": c.organisation.name_ja, "en": c.organisation.name_en },
        "title": c.title,
        "summary": c.summary,
        "body": c.body,
        "body_html": c.body_html,
        "status": c.status,
        "phase": c.phase,
        "opens_at": time(c.opens_at),
        "closes_at": time(c.closes_at),
        "sections": c.sections.iter().map(|s| json!({
            "key": s.key, "heading": s.heading, "level": s.level, "idea_count": s.idea_count,
        })).collect::<Vec<_>>(),
        "idea_count": c.idea_count,
        "vote_count": c.vote_count,
    })
}

pub fn consultation_card(c: &ConsultationCard) -> Value {
    json!({
        "slug": c.slug,
        "organisation": c.organisation.slug,
        "organisation_name": { "ja": c.organisation.name_ja, "en": c.organisation.name_en },
        "title": c.title,
        "summary": c.summary,
        "status": c.status,
        "phase": c.phase,
        "opens_at": time(c.opens_at),
        "closes_at": time(c.closes_at),
        "idea_count": c.idea_count,
        "vote_count": c.vote_count,
    })
}

pub fn idea_summary(i: &IdeaSummary) -> Value {
    json!({
        "id": i.id,
        "receipt": i.receipt,
        "consultation": i.consultation,
        "section": i.section,
        "title": i.title,
        "excerpt": i.excerpt,
        "status": i.status,
        "response_status": i.response_status,
        "support_count": i.support_count,
        "oppose_count": i.oppose_count,
        "comment_count": i.comment_count,
        "created_at": time(i.created_at),
        "edited": i.edited,
        "author": { "display_name": i.author.display_name },
        "tags": i.tags.iter().map(|t| t.slug.clone()).collect::<Vec<_>>(),
        "my_vote": i.my_vote,
        "url": format!("/ideas/{}", i.id),
    })
}

pub fn idea_detail(d: &IdeaDetail) -> Value {
    let mut v = idea_summary(&d.summary);
    v["body"] = json!(d.body);
    v["body_html"] = json!(d.body_html);
    v["phase"] = json!(d.phase);
    v["edited_at"] = json!(d.edited_at.map(time));
    v["withdrawn_at"] = json!(d.withdrawn_at.map(time));
    v["editable_until"] = json!(d.editable_until.map(time));
    v["revision_count"] = json!(d.revision_count);
    v
}

pub fn comment(c: &CommentView) -> Value {
    json!({
        "id": c.id,
        "idea_id": c.idea_id,
        "parent_id": c.parent_id,
        "author": c.author.as_ref().map(|a| json!({ "display_name": a.display_name })),
        "body": c.body,
        "body_html": c.body_html,
        "deleted": c.deleted,
        "edited": c.edited,
        "created_at": time(c.created_at),
        "reply_count": c.reply_count,
        "editable_until": c.editable_until.map(time),
        "replies": c.replies.iter().map(comment).collect::<Vec<_>>(),
    })
}
