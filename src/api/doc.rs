//! The OpenAPI 3 document, generated from the handlers' annotations and the response types.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{
    consultations, drafting, ideas, me, moderation, search, submissions, tokens, users,
};

/// Declares bearer-token authentication.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal API token from POST /api/v1/tokens (starts with ibx_)",
                    ))
                    .build(),
            ),
        );
    }
}

/// Errors are served as `application/problem+json`: say so wherever a response is a Problem.
struct ProblemContentType;

impl Modify for ProblemContentType {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for response in operation.responses.responses.values_mut() {
                    let utoipa::openapi::RefOr::T(response) = response else {
                        continue;
                    };
                    let is_problem = response.content.get("application/json").is_some_and(|c| {
                        matches!(c, utoipa::openapi::RefOr::T(content)
                            if matches!(&content.schema, Some(utoipa::openapi::RefOr::Ref(r)) if r.ref_location.ends_with("/Problem")))
                    });
                    if is_problem
                        && let Some(content) = response.content.shift_remove("application/json")
                    {
                        response
                            .content
                            .insert("application/problem+json".to_owned(), content);
                    }
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "IdeaBox API",
        description = "Public consultation on draft plans: consultations, ideas, comments, votes and accounts. \
            Errors are application/problem+json (RFC 9457). Lists return {items, next_cursor}.",
        license(name = "MIT")
    ),
    paths(
        users::register,
        tokens::create,
        tokens::list,
        tokens::revoke_current,
        tokens::revoke,
        me::me,
        consultations::list_organisations,
        consultations::create_organisation,
        consultations::list,
        consultations::create,
        consultations::get,
        consultations::update,
        ideas::list,
        ideas::create,
        ideas::similar,
        ideas::get,
        ideas::update,
        ideas::withdraw,
        ideas::list_comments,
        ideas::create_comment,
        ideas::update_comment,
        ideas::delete_comment,
        ideas::vote,
        ideas::unvote,
        moderation::report_idea,
        moderation::report_comment,
        moderation::moderate_idea,
        moderation::moderate_comment,
        moderation::merge,
        moderation::queue,
        moderation::log,
        moderation::transparency,
        moderation::list_tags,
        moderation::create_tag,
        moderation::update_tag,
        moderation::delete_tag,
        moderation::merge_tag,
        moderation::set_idea_tags,
        moderation::bulk_tag,
        moderation::suspend,
        moderation::lift,
        moderation::hide_all,
        moderation::list_filters,
        moderation::add_filter,
        moderation::remove_filter,
        search::search,
        drafting::respond_to_idea,
        drafting::respond_to_group,
        drafting::publish_all,
        drafting::publish_one,
        drafting::drafts,
        drafting::get_disposition,
        drafting::put_disposition,
        drafting::get_report,
        drafting::export_file,
        drafting::open_data,
        submissions::record,
        submissions::import,
        submissions::job,
        submissions::campaign_list,
        submissions::regroup,
        submissions::decide,
    ),
    modifiers(&BearerAuth, &ProblemContentType),
    tags(
        (name = "accounts", description = "Registration, tokens, the caller"),
        (name = "consultations", description = "Organisations and consultations on draft plans"),
        (name = "ideas", description = "Ideas on a consultation"),
        (name = "comments", description = "Comments and replies on ideas"),
        (name = "votes", description = "Support and opposition"),
        (name = "moderation", description = "Reports, moderation actions, merges, suspensions, the queue and log"),
        (name = "tags", description = "Tags per consultation"),
        (name = "search", description = "Full-text search over ideas and comments"),
        (name = "submissions", description = "Submissions received by email, post, fax or at events; imports, jobs and the campaign ledger"),
        (name = "drafting", description = "Official responses, the disposition table, the report, exports and open data")
    )
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".to_owned()),
    )
}
