//! Migrations: twin folders for the two backends, and up → down → up on the one under test.

use std::collections::BTreeSet;
use std::path::Path;

use diesel::connection::SimpleConnection;
use ideabox::config::DatabaseUrl;

use crate::support::*;

fn folder_names(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let path = e.path();
            assert!(
                path.join("up.sql").is_file() && path.join("down.sql").is_file(),
                "{path:?} needs up.sql and down.sql"
            );
            e.file_name().to_string_lossy().into_owned()
        })
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = folder_names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, folder_names("postgres"));
}

#[test]
fn migrations_run_up_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let pg = postgres_admin_url().map(|admin| PgDatabase::create(&admin));
    let url = match &pg {
        Some(db) => DatabaseUrl::parse(&db.url).unwrap(),
        None => {
            DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("m.db").display())).unwrap()
        }
    };
    let mut conn = ideabox::db::connect_single(&url).unwrap();
    let count = folder_names("sqlite").len();
    assert_eq!(ideabox::db::run_migrations(&mut conn).unwrap(), count);
    conn.batch_execute("INSERT INTO organisations (slug, name_ja, name_en, created_at) VALUES ('x', 'x', 'x', '2026-01-01 00:00:00')").unwrap();
    assert_eq!(
        ideabox::db::revert_all_migrations(&mut conn).unwrap(),
        count
    );
    assert!(
        conn.batch_execute("SELECT 1 FROM users").is_err(),
        "tables are gone after down"
    );
    assert_eq!(ideabox::db::run_migrations(&mut conn).unwrap(), count);
    conn.batch_execute("SELECT 1 FROM users").unwrap();
}

#[tokio::test]
async fn sqlite_enforces_foreign_keys_and_runs_in_wal_mode() {
    if postgres_admin_url().is_some() {
        return; // SQLite-specific pragmas.
    }
    let app = spawn_app().await;
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    let mut conn = ideabox::db::connect_single(&app.state.settings.database_url).unwrap();
    let ideabox::db::AnyConnection::Sqlite(c) = &mut conn else {
        unreachable!()
    };
    let mode: Vec<Mode> = diesel::sql_query("PRAGMA journal_mode").load(c).unwrap();
    assert_eq!(mode[0].journal_mode, "wal");
    // Through the application's own pool: a session for a missing user violates the key.
    let result = app
        .state
        .db
        .write(|c| {
            Ok(c.batch_execute(
                "INSERT INTO sessions (user_id, token_hash, csrf_token, user_agent, created_at, last_seen_at, expires_at) \
                 VALUES (424242, 'h', 'c', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            )?)
        })
        .await;
    assert!(result.is_err(), "foreign keys are on");
}
