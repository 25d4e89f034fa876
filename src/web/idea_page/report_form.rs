//! A citizen's report of an idea, from the idea page's form.

use crate::domain::ids::IdeaId;
use crate::error::AppError;
use crate::http::identity::{SignedIn, Viewer};
use crate::http::state::AppState;
use crate::services::moderation::{self, Target};
use crate::web::idea_page::{ActiveForm, render_idea};
use crate::web::moderation::{ReportForm, report_flash};
use crate::web::page::{PageContext, see_other_with_flash};
use actix_web::{HttpResponse, web};

#[tracing::instrument(skip_all)]
pub async fn report_idea(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let note = Some(form.note.as_str());
    match moderation::report(
        &state,
        &identity,
        Target::Idea(IdeaId(id)),
        &form.reason,
        note,
    )
    .await
    {
        Ok(outcome) => Ok(see_other_with_flash(
            &format!("/ideas/{id}"),
            report_flash(outcome.hidden),
        )),
        Err(AppError::Validation(errors)) => {
            let active = ActiveForm {
                name: "report-idea".to_owned(),
                body: form.note.clone(),
                errors,
            };
            render_idea(
                &state,
                &page,
                &Viewer::Person(identity.clone()),
                id,
                false,
                None,
                Some(active),
            )
            .await
        }
        Err(err) => Err(err),
    }
}
