//! The API's response bodies as typed structures: what handlers serialise and what the
//! OpenAPI document describes are the same types, so the two cannot drift apart.

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::consultation::{ConsultationStatus, Phase};
use crate::domain::content::VoteValue;
use crate::domain::submission::Channel;
use crate::services::comments::CommentView;
use crate::services::consultations::{ConsultationCard, ConsultationView, OrganisationView};
use crate::services::ideas::{IdeaDetail, IdeaSummary};
use crate::services::votes::VoteOutcome;

/// RFC 3339 in UTC, to the second.
pub fn time(t: NaiveDateTime) -> String {
    crate::domain::time::rfc3339(t)
}

/// An error (RFC 9457 problem details).
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// A sentence for people, in the request's language.
    pub detail: String,
    /// A stable code for programs, e.g. `error-consultation-closed`.
    pub code: String,
    pub request_id: String,
    /// Present for invalid input: one entry per problem.
    pub errors: Option<Vec<FieldProblem>>,
}

/// One invalid field.
#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub detail: String,
}

#[derive(Serialize, ToSchema)]
pub struct Organisation {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
}

impl From<&OrganisationView> for Organisation {
    fn from(o: &OrganisationView) -> Self {
        Self {
            slug: o.slug.clone(),
            name_ja: o.name_ja.clone(),
            name_en: o.name_en.clone(),
        }
    }
}

/// An organisation's name in both languages.
#[derive(Serialize, ToSchema)]
pub struct Names {
    pub ja: String,
    pub en: String,
}

/// A numbered part of a consultation's plan.
#[derive(Serialize, ToSchema)]
pub struct Section {
    /// Stable key, e.g. `s2` or `s2-1`.
    pub key: String,
    pub heading: String,
    /// 1 for a section, 2 for a sub-section.
    pub level: i32,
    pub idea_count: i64,
}

/// A consultation with its plan and sections.
#[derive(Serialize, ToSchema)]
pub struct Consultation {
    pub slug: String,
    /// The organisation's slug.
    pub organisation: String,
    pub organisation_name: Names,
    pub title: String,
    pub summary: String,
    /// The plan in Markdown.
    pub body: String,
    /// The plan rendered and sanitised, with an `id` on each section heading.
    pub body_html: String,
    #[schema(value_type = String, example = "open")]
    pub status: ConsultationStatus,
    /// `draft`, `upcoming`, `open` or `closed`: the status combined with the dates.
    #[schema(value_type = String, example = "open")]
    pub phase: Phase,
    #[schema(format = DateTime)]
    pub opens_at: String,
    #[schema(format = DateTime)]
    pub closes_at: String,
    pub sections: Vec<Section>,
    pub idea_count: i64,
    pub vote_count: i64,
    /// New ideas and comments wait for a moderator's approval.
    pub premoderation: bool,
}

impl From<&ConsultationView> for Consultation {
    fn from(c: &ConsultationView) -> Self {
        Self {
            slug: c.slug.clone(),
            organisation: c.organisation.slug.clone(),
            organisation_name: Names {
                ja: c.organisation.name_ja.clone(),
                en: c.organisation.name_en.clone(),
            },
            title: c.title.clone(),
            summary: c.summary.clone(),
            body: c.body.clone(),
            body_html: c.body_html.clone(),
            status: c.status,
            phase: c.phase,
            opens_at: time(c.opens_at),
            closes_at: time(c.closes_at),
            sections: c
                .sections
                .iter()
                .map(|s| Section {
                    key: s.key.clone(),
                    heading: s.heading.clone(),
                    level: s.level,
                    idea_count: s.idea_count,
                })
                .collect(),
            idea_count: c.idea_count,
            vote_count: c.vote_count,
            premoderation: c.premoderation,
        }
    }
}

/// A consultation in a list (without its plan).
#[derive(Serialize, ToSchema)]
pub struct ConsultationItem {
    pub slug: String,
    pub organisation: String,
    pub organisation_name: Names,
    pub title: String,
    pub summary: String,
    #[schema(value_type = String)]
    pub status: ConsultationStatus,
    #[schema(value_type = String)]
    pub phase: Phase,
    #[schema(format = DateTime)]
    pub opens_at: String,
    #[schema(format = DateTime)]
    pub closes_at: String,
    pub idea_count: i64,
    pub vote_count: i64,
}

impl From<&ConsultationCard> for ConsultationItem {
    fn from(c: &ConsultationCard) -> Self {
        Self {
            slug: c.slug.clone(),
            organisation: c.organisation.slug.clone(),
            organisation_name: Names {
                ja: c.organisation.name_ja.clone(),
                en: c.organisation.name_en.clone(),
            },
            title: c.title.clone(),
            summary: c.summary.clone(),
            status: c.status,
            phase: c.phase,
            opens_at: time(c.opens_at),
            closes_at: time(c.closes_at),
            idea_count: c.idea_count,
            vote_count: c.vote_count,
        }
    }
}

/// The public face of an author; `display_name` is null for a deleted participant.
#[derive(Serialize, ToSchema)]
pub struct Author {
    pub display_name: Option<String>,
}

/// An idea as lists show it.
#[derive(Serialize, ToSchema)]
pub struct Idea {
    pub id: i64,
    /// The receipt number, e.g. `IB-2026-000123`.
    pub receipt: String,
    /// The consultation's slug.
    pub consultation: String,
    /// The plan section it comments on, e.g. `s2`.
    pub section: Option<String>,
    pub title: String,
    pub excerpt: String,
    /// `published` or `withdrawn`.
    pub status: String,
    /// The official response status, once drafters give one.
    pub response_status: Option<String>,
    pub support_count: i32,
    pub oppose_count: i32,
    pub comment_count: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub edited: bool,
    pub author: Author,
    /// Tag slugs.
    pub tags: Vec<String>,
    /// The caller's vote, if signed in and voted.
    #[schema(value_type = Option<String>, example = "support")]
    pub my_vote: Option<VoteValue>,
    /// How it arrived: `web`, `email`, `post`, `fax` or `event`. Submissions received
    /// outside the site have no author (`author.display_name` is null).
    #[schema(value_type = String, example = "post")]
    pub channel: Channel,
    /// When it was received.
    #[schema(format = DateTime)]
    pub received_at: String,
    /// The campaign of copies of the same letter it is in, or null for a text that
    /// stands alone.
    pub campaign: Option<CampaignRefBody>,
    pub url: String,
}

/// A campaign as an idea names it.
#[derive(Serialize, ToSchema)]
pub struct CampaignRefBody {
    pub id: i64,
    /// Submissions in the campaign.
    pub size: i64,
}

impl From<&IdeaSummary> for Idea {
    fn from(i: &IdeaSummary) -> Self {
        Self {
            id: i.id,
            receipt: i.receipt.clone(),
            consultation: i.consultation.clone(),
            section: i.section.clone(),
            title: i.title.clone(),
            excerpt: i.excerpt.clone(),
            status: i.status.clone(),
            response_status: i.response_status.clone(),
            support_count: i.support_count,
            oppose_count: i.oppose_count,
            comment_count: i.comment_count,
            created_at: time(i.created_at),
            edited: i.edited,
            author: Author {
                display_name: i.author.display_name.clone(),
            },
            tags: i.tags.iter().map(|t| t.slug.clone()).collect(),
            my_vote: i.my_vote,
            channel: i.channel,
            received_at: time(i.received_at),
            campaign: i.campaign.map(|c| CampaignRefBody {
                id: c.id,
                size: c.size,
            }),
            url: format!("/ideas/{}", i.id),
        }
    }
}

/// An idea with its text and first page of comments.
#[derive(Serialize, ToSchema)]
pub struct IdeaFull {
    #[serde(flatten)]
    pub idea: Idea,
    /// Markdown as written.
    pub body: String,
    /// Rendered and sanitised.
    pub body_html: String,
    #[schema(value_type = String)]
    pub phase: Phase,
    #[schema(format = DateTime)]
    pub edited_at: Option<String>,
    #[schema(format = DateTime)]
    pub withdrawn_at: Option<String>,
    /// For the author while the 30-minute edit window is open.
    #[schema(format = DateTime)]
    pub editable_until: Option<String>,
    pub revision_count: usize,
    /// The first page of comments, as a tree (replies under their comment). Present on
    /// `GET /ideas/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<Vec<Comment>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments_next_cursor: Option<Option<String>>,
    /// The official answer, once published.
    pub response: Option<Response>,
    /// Drafters only: an answer not yet published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_draft: Option<Response>,
}

/// An official answer from the drafters.
#[derive(Serialize, ToSchema)]
pub struct Response {
    pub id: i64,
    /// received, under_review, adopted, partly_adopted, not_adopted, already_in_plan or out_of_scope.
    pub status: String,
    pub body: String,
    pub body_html: String,
    /// The plan section the answer changed.
    pub section: Option<String>,
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
    /// How many ideas share this answer.
    pub idea_count: usize,
}

impl From<&crate::services::responses::ResponseView> for Response {
    fn from(r: &crate::services::responses::ResponseView) -> Self {
        Self {
            id: r.id,
            status: r.status.clone(),
            body: r.body.clone(),
            body_html: r.body_html.clone(),
            section: r.section.clone(),
            published_at: r.published_at.map(time),
            idea_count: r.idea_count,
        }
    }
}

impl From<&IdeaDetail> for IdeaFull {
    fn from(d: &IdeaDetail) -> Self {
        Self {
            idea: Idea::from(&d.summary),
            body: d.body.clone(),
            body_html: d.body_html.clone(),
            phase: d.phase,
            edited_at: d.edited_at.map(time),
            withdrawn_at: d.withdrawn_at.map(time),
            editable_until: d.editable_until.map(time),
            revision_count: d.revision_count,
            comments: None,
            comments_next_cursor: None,
            response: d.response.as_ref().map(Response::from),
            response_draft: d.response_draft.as_ref().map(Response::from),
        }
    }
}

/// A comment; a deleted one keeps its place with null author and text.
#[derive(Serialize, ToSchema)]
pub struct Comment {
    pub id: i64,
    pub idea_id: i64,
    pub parent_id: Option<i64>,
    pub author: Option<Author>,
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub deleted: bool,
    pub edited: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub reply_count: i32,
    #[schema(format = DateTime)]
    pub editable_until: Option<String>,
    /// Replies (one level only; replies have none).
    #[schema(no_recursion)]
    pub replies: Vec<Comment>,
    /// Hidden by the moderators: a tombstone with the public reason.
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    /// Waiting for a moderator's approval (only its author and moderators see it).
    pub pending: bool,
    /// Set when the comment moved here from a merged idea.
    pub moved_from_idea_id: Option<i64>,
}

impl From<&CommentView> for Comment {
    fn from(c: &CommentView) -> Self {
        Self {
            id: c.id,
            idea_id: c.idea_id,
            parent_id: c.parent_id,
            author: c.author.as_ref().map(|a| Author {
                display_name: a.display_name.clone(),
            }),
            body: c.body.clone(),
            body_html: c.body_html.clone(),
            deleted: c.deleted,
            edited: c.edited,
            created_at: time(c.created_at),
            reply_count: c.reply_count,
            editable_until: c.editable_until.map(time),
            replies: c.replies.iter().map(Comment::from).collect(),
            hidden: c.hidden,
            hidden_reason: c.hidden_reason.clone(),
            pending: c.pending,
            moved_from_idea_id: c.moved_from_idea_id,
        }
    }
}

/// An idea's counts after a vote, and the caller's vote.
#[derive(Serialize, ToSchema)]
pub struct Vote {
    pub idea_id: i64,
    pub support_count: i32,
    pub oppose_count: i32,
    #[schema(value_type = Option<String>, example = "support")]
    pub my_vote: Option<VoteValue>,
}

impl From<&VoteOutcome> for Vote {
    fn from(v: &VoteOutcome) -> Self {
        Self {
            idea_id: v.idea_id,
            support_count: v.support_count,
            oppose_count: v.oppose_count,
            my_vote: v.my_vote,
        }
    }
}

/// A similar idea with its score (0 to 1).
#[derive(Serialize, ToSchema)]
pub struct SimilarIdea {
    #[serde(flatten)]
    pub idea: Idea,
    pub score: f64,
}

/// One page of a list; pass `next_cursor` as `cursor` for the next page (null at the end).
#[derive(Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Page<T> {
    pub fn new(items: Vec<T>, next_cursor: Option<String>) -> Self {
        Self { items, next_cursor }
    }
}

/// A personal API token, returned once at creation.
#[derive(Serialize, ToSchema)]
pub struct TokenCreated {
    pub token: String,
    /// Always `Bearer`.
    pub token_type: String,
}

/// A token as listed (never the secret).
#[derive(Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    /// The first characters, to recognise it.
    pub prefix: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub last_used_at: Option<String>,
}

/// The caller.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub display_name: String,
    /// `citizen`, `moderator`, `drafter` or `admin`.
    pub role: String,
    /// Whether the email address is confirmed (needed to take part).
    pub verified: bool,
    pub language: Option<String>,
}

/// The answer to a registration, the same whether or not the address was known.
#[derive(Serialize, ToSchema)]
pub struct Registered {
    /// Always `verification_sent`.
    pub status: String,
    pub detail: String,
}
