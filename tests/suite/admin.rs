//! Admin user management: list, search, change roles; role checks on the server.

use ideabox::domain::role::Role;

use crate::support::*;

#[tokio::test]
async fn only_admins_reach_the_user_list() {
    let app = spawn_app().await;
    for role in [Role::Citizen, Role::Moderator, Role::Drafter] {
        let browser = app
            .signed_in(&format!("{}@example.jp", role.as_str()), role)
            .await;
        assert_eq!(browser.get("/admin/users").await.status(), 403, "{role}");
    }
    assert_eq!(
        app.browser().get("/admin/users").await.status(),
        303,
        "anonymous → login"
    );
    let admin = app.signed_in("admin@example.jp", Role::Admin).await;
    let (status, body) = admin.page("/admin/users").await;
    assert_eq!(status, 200);
    assert!(body.contains("citizen@example.jp") && body.contains("drafter@example.jp"));
}

#[tokio::test]
async fn search_matches_email_or_name_literally() {
    let app = spawn_app().await;
    app.create_user("hanako@example.jp", "山田花子", Role::Citizen, true)
        .await;
    app.create_user("taro@example.jp", "100%_taro", Role::Citizen, true)
        .await;
    let admin = app.signed_in("admin@example.jp", Role::Admin).await;
    let (_, body) = admin.page("/admin/users?q=%E8%8A%B1%E5%AD%90").await;
    assert!(body.contains("hanako@example.jp") && !body.contains("taro@example.jp"));
    let (_, body) = admin.page("/admin/users?q=100%25_").await;
    assert!(body.contains("taro@example.jp") && !body.contains("hanako@example.jp"));
    let (_, body) = admin.page("/admin/users?q=%25").await;
    assert!(!body.contains("hanako@example.jp"), "% matches literally");
}

#[tokio::test]
async fn an_admin_changes_a_role_and_it_applies_at_the_next_request() {
    let app = spawn_app().await;
    let person = app.signed_in("promote@example.jp", Role::Citizen).await;
    let admin = app.signed_in("admin@example.jp", Role::Admin).await;
    let id = app.count("SELECT id FROM users WHERE email = 'promote@example.jp'");
    let res = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{id}/role"),
            &[("role", "admin")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        !person.is_signed_in().await,
        "sessions end on a role change"
    );
    person.login("promote@example.jp", PASSWORD).await;
    assert_eq!(person.get("/admin/users").await.status(), 200);

    // Demote again: the power goes at once.
    let res = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{id}/role"),
            &[("role", "citizen")],
        )
        .await;
    assert_eq!(res.status(), 303);
    person.login("promote@example.jp", PASSWORD).await;
    assert_eq!(person.get("/admin/users").await.status(), 403);
}

#[tokio::test]
async fn role_changes_are_refused_to_non_admins_and_for_the_last_admin() {
    let app = spawn_app().await;
    let moderator = app.signed_in("mod@example.jp", Role::Moderator).await;
    let admin = app.signed_in("admin@example.jp", Role::Admin).await;
    let mod_id = app.count("SELECT id FROM users WHERE email = 'mod@example.jp'");
    let admin_id = app.count("SELECT id FROM users WHERE email = 'admin@example.jp'");

    let res = moderator
        .submit(
            "/account",
            &format!("/admin/users/{mod_id}/role"),
            &[("role", "admin")],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE role = 'admin'"),
        1
    );

    let res = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{admin_id}/role"),
            &[("role", "citizen")],
        )
        .await;
    assert_eq!(res.status(), 409, "the last admin stays admin");
    let res = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{mod_id}/role"),
            &[("role", "emperor")],
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = admin
        .submit(
            "/admin/users",
            "/admin/users/999999/role",
            &[("role", "admin")],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE role = 'moderator'"),
        1
    );
}
