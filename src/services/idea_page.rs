//! Everything an idea's page shows, read in one trip to the database: the idea (or its
//! tombstone), its consultation with totals, its earlier versions, one page of comments, and
//! for moderators the consultation's tags.

use crate::db::models::ideas::Revision;
use crate::domain::identity::Identity;
use crate::domain::ids::IdeaId;
use crate::domain::policy::{self, Actor};
use crate::error::AppError;
use crate::services::comments::{self, CommentPage, parse_cursor};
use crate::services::consultations::{self, ConsultationView};
use crate::services::context::ServiceContext;
use crate::services::ideas::{self, IdeaDetail};
use crate::services::tags::{self, TagInfo};

/// The read model of an idea's page.
pub struct IdeaPage {
    pub detail: IdeaDetail,
    pub consultation: ConsultationView,
    pub revisions: Vec<Revision>,
    pub comments: CommentPage,
    /// The consultation's tags, for a moderator's tag form (empty for everyone else).
    pub tags: Vec<TagInfo>,
}

/// Reads the page of idea `id` for `person` (`None`: read as nobody's, for anonymous and
/// shared pages) whose permissions are `actor`, with the comments after `comments_cursor`.
#[tracing::instrument(skip_all)]
pub async fn load(
    ctx: &ServiceContext,
    person: Option<&Identity>,
    actor: Option<Actor>,
    id: IdeaId,
    comments_cursor: Option<&str>,
) -> Result<IdeaPage, AppError> {
    let after = parse_cursor(comments_cursor)?;
    let person_actor = person.map(|p| p.user.actor());
    let person_id = person.map(|p| p.user.id.0);
    let ctx = ctx.clone();
    ctx.db
        .clone()
        .read(move |c| {
            let detail = ideas::get_in(c, person_actor, person_id, id)?;
            let consultation = consultations::get_in(c, &ctx, actor, &detail.summary.consultation)?;
            let revisions = if detail.revision_count > 0 {
                ideas::revisions_in(c, actor, id)?
            } else {
                Vec::new()
            };
            let comments = comments::page_in(
                c,
                person_actor,
                person_id,
                id,
                after,
                comments::COMMENTS_PER_PAGE,
            )?;
            let moderates = actor.is_some_and(|a| policy::can_moderate(&a).is_ok());
            let tags = if moderates && !detail.is_mine {
                tags::list_in(c, &ctx, actor, &detail.summary.consultation)?
            } else {
                Vec::new()
            };
            Ok(IdeaPage {
                detail,
                consultation,
                revisions,
                comments,
                tags,
            })
        })
        .await
}
