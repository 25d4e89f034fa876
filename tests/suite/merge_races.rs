//! Merging an idea while people vote on it: every acknowledged vote ends up counted once on
//! the surviving idea, counters equal a recount, and neither votes nor the merge answer 5xx.

use std::collections::{HashMap, HashSet};

use ideabox::domain::ids::UserId;
use ideabox::domain::role::Role;
use serde_json::json;

use crate::support::fixtures::{open_consultation, post_idea, put_vote};
use crate::support::{TestApp, spawn_app};

const VOTERS: usize = 32;
const ROUNDS: usize = 5;

/// Verified citizens with API tokens issued directly (the token endpoint's per-address limit
/// would refuse this many from one test).
async fn voters(app: &TestApp, n: usize) -> Vec<(i64, String)> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let email = format!("voter{i}@example.jp");
        let id = app
            .create_user(&email, &format!("Voter {i}"), Role::Citizen, true)
            .await;
        let token = ideabox::services::api_tokens::issue(&app.state, UserId(id), "race".into())
            .await
            .expect("token issued");
        out.push((id, token));
    }
    out
}

fn value_for(i: usize) -> &'static str {
    if i.is_multiple_of(3) {
        "oppose"
    } else {
        "support"
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn votes_racing_a_merge_all_land_once_on_the_surviving_idea() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    app.create_user("mod@example.jp", "Moderator", Role::Moderator, true)
        .await;
    let moderator = app.api().token("mod@example.jp").await;
    let author = crate::support::fixtures::citizen(&app, "author@example.jp").await;
    let people = voters(&app, VOTERS).await;

    for round in 0..ROUNDS {
        let source = post_idea(
            &app,
            &author,
            &c.slug,
            &format!("重複した意見 {round}"),
            "同じ",
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let target =
            post_idea(&app, &author, &c.slug, &format!("元の意見 {round}"), "元").await["id"]
                .as_i64()
                .unwrap();
        // Every fourth person already voted on the target: they must count once, not twice.
        let mut voted_on_target: HashSet<i64> = HashSet::new();
        for (i, (id, token)) in people.iter().enumerate().filter(|(i, _)| i % 4 == 0) {
            let (status, body) = put_vote(&app, token, target, value_for(i + 1)).await;
            assert_eq!(status, 200, "{body}");
            voted_on_target.insert(*id);
        }

        // Everyone votes on the source while a moderator merges it into the target; a few also
        // vote on the target itself during the merge.
        let mut votes = Vec::new();
        let mut merge = None;
        for (i, (id, token)) in people.iter().cloned().enumerate() {
            if i == VOTERS / 3 {
                let app_url = app.url(&format!("/api/v1/ideas/{source}/merge"));
                let moderator = moderator.clone();
                merge = Some(tokio::spawn(async move {
                    let res = reqwest::Client::new()
                        .post(app_url)
                        .bearer_auth(moderator)
                        .json(&json!({"into": target}))
                        .send()
                        .await
                        .expect("merge request");
                    let status = res.status().as_u16();
                    (status, res.text().await.unwrap_or_default())
                }));
            }
            let idea = if i % 7 == 5 { target } else { source };
            let url = app.url(&format!("/api/v1/ideas/{idea}/vote"));
            votes.push(tokio::spawn(async move {
                let res = reqwest::Client::new()
                    .put(url)
                    .bearer_auth(token)
                    .json(&json!({"value": value_for(i)}))
                    .send()
                    .await
                    .expect("vote request");
                let status = res.status().as_u16();
                let body: serde_json::Value = res.json().await.unwrap_or_default();
                (id, i, status, body)
            }));
        }
        let (merge_status, merge_body) = merge.expect("merge sent").await.unwrap();
        assert_eq!(
            merge_status, 200,
            "round {round}: merge answered {merge_body}"
        );

        let mut landed_after_merge = 0;
        let mut expected: HashMap<i64, Option<&str>> = HashMap::new();
        for vote in votes {
            let (id, i, status, body) = vote.await.unwrap();
            assert_eq!(status, 200, "round {round}: voter {i} got {status} {body}");
            let held_by = body["idea_id"].as_i64().unwrap();
            assert!(
                held_by == source || held_by == target,
                "round {round}: {body}"
            );
            if held_by == target {
                landed_after_merge += 1;
            }
            // A vote cast on the target, or redirected to it after the merge, is the person's
            // vote there; one cast on the source before the merge yields to an existing vote
            // on the target.
            let stands = held_by == target || !voted_on_target.contains(&id);
            expected.insert(id, stands.then(|| value_for(i)));
        }
        eprintln!(
            "{}: round {round}: {landed_after_merge} of {VOTERS} votes answered for the target",
            crate::support::backend_name()
        );

        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM votes WHERE idea_id = {source}"
            )),
            0,
            "round {round}: votes left on the merged idea"
        );
        for (id, value) in &expected {
            let rows = app.count(&format!(
                "SELECT COUNT(*) FROM votes WHERE idea_id = {target} AND user_id = {id}"
            ));
            assert_eq!(
                rows, 1,
                "round {round}: user {id} has {rows} votes on the target"
            );
            if let Some(value) = value {
                let number = if *value == "support" { 1 } else { -1 };
                assert_eq!(
                    app.count(&format!(
                        "SELECT COUNT(*) FROM votes WHERE idea_id = {target} AND user_id = {id} AND value = {number}"
                    )),
                    1,
                    "round {round}: user {id}'s acknowledged {value} is not on the target"
                );
            }
        }
        let recount_support = app.count(&format!(
            "SELECT COUNT(*) FROM votes WHERE idea_id = {target} AND value = 1"
        ));
        let recount_oppose = app.count(&format!(
            "SELECT COUNT(*) FROM votes WHERE idea_id = {target} AND value = -1"
        ));
        assert_eq!(
            recount_support + recount_oppose,
            VOTERS as i64,
            "round {round}: one vote per person on the target"
        );
        let (_, _, survivor) = app
            .api()
            .get(&format!("/api/v1/ideas/{target}"), None)
            .await;
        assert_eq!(
            (
                survivor["support_count"].as_i64(),
                survivor["oppose_count"].as_i64()
            ),
            (Some(recount_support), Some(recount_oppose)),
            "round {round}: counters differ from a recount"
        );
        assert_eq!(
            app.count(&format!(
                "SELECT support_count + oppose_count FROM ideas WHERE id = {source}"
            )),
            0,
            "round {round}: the merged idea still counts votes"
        );
    }
}

#[tokio::test]
async fn a_vote_on_a_merged_idea_counts_for_the_idea_it_went_into() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    app.create_user("mod@example.jp", "Moderator", Role::Moderator, true)
        .await;
    let moderator = app.api().token("mod@example.jp").await;
    let author = crate::support::fixtures::citizen(&app, "author@example.jp").await;
    let voter = crate::support::fixtures::citizen(&app, "voter@example.jp").await;
    let first = post_idea(&app, &author, &c.slug, "一つ目", "本文").await["id"]
        .as_i64()
        .unwrap();
    let second = post_idea(&app, &author, &c.slug, "二つ目", "本文").await["id"]
        .as_i64()
        .unwrap();
    let third = post_idea(&app, &author, &c.slug, "三つ目", "本文").await["id"]
        .as_i64()
        .unwrap();
    for (from, into) in [(first, second), (second, third)] {
        let (status, _, body) = app
            .api()
            .post(
                &format!("/api/v1/ideas/{from}/merge"),
                &json!({"into": into}),
                Some(&moderator),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    // The first idea went into the second, which went into the third.
    let (status, body) = put_vote(&app, &voter, first, "support").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["idea_id"], third);
    assert_eq!(body["support_count"], 1);
    let (_, _, idea) = app.api().get(&format!("/api/v1/ideas/{third}"), None).await;
    assert_eq!(idea["support_count"], 1);

    // Withdrawing it through the old address withdraws it where it is.
    let (status, _, body) = app
        .api()
        .delete(&format!("/api/v1/ideas/{first}/vote"), Some(&voter))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["idea_id"], third);
    assert_eq!(body["support_count"], 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM votes"), 0);

    // The page's buttons send the person back to the idea that holds their vote.
    let browser = app.signed_in("page-voter@example.jp", Role::Citizen).await;
    let res = browser
        .submit(
            &format!("/ideas/{third}"),
            &format!("/ideas/{first}/vote"),
            &[("value", "oppose")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with(&format!("/ideas/{third}")),
        "{:?}",
        res.headers()["location"]
    );
    let (_, _, idea) = app.api().get(&format!("/api/v1/ideas/{third}"), None).await;
    assert_eq!(idea["oppose_count"], 1);
}
