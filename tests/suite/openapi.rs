//! The OpenAPI document describes the API as built.

use crate::support::*;

#[tokio::test]
async fn the_openapi_document_lists_every_contract_path() {
    let app = spawn_app().await;
    let (status, headers, doc) = app.api().get("/api/v1/openapi.json", None).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let contract = [
        ("/api/v1/users", "post"),
        ("/api/v1/tokens", "post"),
        ("/api/v1/tokens/current", "delete"),
        ("/api/v1/me", "get"),
        ("/api/v1/organisations", "get"),
        ("/api/v1/organisations", "post"),
        ("/api/v1/consultations", "get"),
        ("/api/v1/consultations", "post"),
        ("/api/v1/consultations/{slug}", "get"),
        ("/api/v1/consultations/{slug}", "patch"),
        ("/api/v1/consultations/{slug}/ideas", "get"),
        ("/api/v1/consultations/{slug}/ideas", "post"),
        ("/api/v1/consultations/{slug}/similar", "get"),
        ("/api/v1/ideas/{id}", "get"),
        ("/api/v1/ideas/{id}", "patch"),
        ("/api/v1/ideas/{id}/withdraw", "post"),
        ("/api/v1/ideas/{id}/comments", "post"),
        ("/api/v1/comments/{id}", "patch"),
        ("/api/v1/comments/{id}", "delete"),
        ("/api/v1/ideas/{id}/vote", "put"),
        ("/api/v1/ideas/{id}/vote", "delete"),
        ("/api/v1/search", "get"),
        ("/api/v1/ideas/{id}/reports", "post"),
        ("/api/v1/comments/{id}/reports", "post"),
        ("/api/v1/moderation/queue", "get"),
        ("/api/v1/ideas/{id}/moderation", "post"),
        ("/api/v1/comments/{id}/moderation", "post"),
        ("/api/v1/ideas/{id}/merge", "post"),
        ("/api/v1/consultations/{slug}/tags", "get"),
        ("/api/v1/consultations/{slug}/tags", "post"),
        ("/api/v1/consultations/{slug}/tags/{tag}", "patch"),
        ("/api/v1/consultations/{slug}/tags/{tag}", "delete"),
        ("/api/v1/ideas/{id}/tags", "put"),
        ("/api/v1/consultations/{slug}/tags/{tag}/ideas", "post"),
        ("/api/v1/users/{id}/suspension", "post"),
        ("/api/v1/users/{id}/suspension", "delete"),
        ("/api/v1/moderation/log", "get"),
    ];
    for (path, method) in contract {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from the document"
        );
    }
    // Every referenced schema exists, and errors are declared as problem+json.
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling reference to {name}"
        );
    }
    let not_found = &doc["paths"]["/api/v1/ideas/{id}"]["get"]["responses"]["404"]["content"];
    assert!(
        not_found["application/problem+json"].is_object(),
        "{not_found}"
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn documented_fields_are_the_ones_served() {
    use crate::support::fixtures::*;
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let token = citizen(&app, "doc@example.jp").await;
    let idea = post_idea(&app, &token, &c.slug, "題", "本文").await;
    let (_, _, doc) = app.api().get("/api/v1/openapi.json", None).await;
    let documented: std::collections::BTreeSet<String> =
        doc["components"]["schemas"]["IdeaFull"]["allOf"]
            .as_array()
            .map(|parts| {
                parts
                    .iter()
                    .flat_map(|p| {
                        let schema = match p["$ref"].as_str() {
                            Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
                            None => p,
                        };
                        schema["properties"]
                            .as_object()
                            .map(|o| o.keys().cloned().collect::<Vec<_>>())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default();
    let served: std::collections::BTreeSet<String> =
        idea.as_object().unwrap().keys().cloned().collect();
    for key in &served {
        assert!(
            documented.contains(key),
            "served field {key} is not documented (documented: {documented:?})"
        );
    }
}
