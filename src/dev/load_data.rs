//! A large, realistic consultation for load tests: thousands of people, ideas, comments and
//! votes in Japanese and English, with activity skewed as in real consultations (comments
//! follow a Zipf law with s≈0.8 and votes one with s≈0.6 over the same popularity ranking).
//! Rows are written in batches straight to the tables, with counters computed alongside, so
//! they equal a recount; it takes seconds, not hours.

use std::time::Instant;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::models::consultations::{self, NewOrganisation};
use crate::db::schema::{comments, idea_tags, ideas, tags, users, votes};
use crate::db::{AnyConnection, now};
use crate::domain::content::{VoteValue, receipt_number};
use crate::domain::markdown;
use crate::domain::policy::Actor;
use crate::domain::role::Role;
use crate::domain::tally::Tally;
use crate::error::AppError;
use crate::services::consultations::ConsultationInput;
use crate::services::context::ServiceContext;

pub const BULK_CONSULTATION: &str = "load-test";
const ROWS_PER_INSERT: usize = 500;
pub const COMMENT_ZIPF: f64 = 0.8;
pub const VOTE_ZIPF: f64 = 0.6;

/// How much to generate.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub users: usize,
    pub ideas: usize,
    pub comments: usize,
    pub votes: usize,
}

/// What was generated, and how long it took.
#[derive(Debug)]
pub struct BulkReport {
    pub created: bool,
    /// One personal API token per generated person (when asked for), for load generators.
    pub api_tokens: Vec<String>,
    /// One signed-in session (its cookie value) per generated person, when asked for.
    pub sessions: Vec<String>,
    pub seconds: f64,
    pub top_idea_comments: usize,
    pub top_idea_votes: usize,
    pub median_idea_comments: usize,
    pub median_idea_votes: usize,
}

/// A small, fast, deterministic random source (SplitMix64), so every run builds the same data.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Splits `total` over `n` ranks in proportion to 1/rank^s (largest first), summing exactly.
pub fn zipf_counts(total: usize, n: usize, s: f64, cap: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let weights: Vec<f64> = (1..=n).map(|k| 1.0 / (k as f64).powf(s)).collect();
    let sum: f64 = weights.iter().sum();
    let mut counts: Vec<usize> = weights
        .iter()
        .map(|w| ((w / sum) * total as f64).floor() as usize)
        .collect();
    for c in &mut counts {
        *c = (*c).min(cap);
    }
    // Hand out what rounding left over, from the top, within the cap.
    let mut missing = total.saturating_sub(counts.iter().sum());
    let mut i = 0;
    while missing > 0 && counts.iter().any(|c| *c < cap) {
        if counts[i % n] < cap {
            counts[i % n] += 1;
            missing -= 1;
        }
        i += 1;
    }
    counts
}

const JA_TOPICS: [&str; 16] = [
    "行政手続",
    "マイナンバーカード",
    "子育て支援の申請",
    "引っ越しの届出",
    "確定申告",
    "介護保険の手続",
    "年金の手続",
    "住民票の取得",
    "自治体の窓口",
    "災害時の情報提供",
    "学校の連絡",
    "医療費の助成",
    "中小企業の補助金",
    "行政データの公開",
    "電子署名",
    "オンライン診療",
];
const JA_ASKS: [&str; 10] = [
    "をオンラインで完結させてほしい",
    "の手続を簡素化してほしい",
    "を一か所で済ませたい",
    "でデジタル化を進める",
    "の情報を一度だけ提出すれば済むようにする",
    "をスマートフォンで使いやすくする",
    "の待ち時間をなくす",
    "で紙の書類をなくす",
    "の案内を分かりやすくする",
    "を高齢者にも使いやすくする",
];
const JA_SENTENCES: [&str; 12] = [
    "窓口に何度も足を運ぶのは大きな負担です。",
    "同じ内容を何度も書かされるのは無駄だと感じます。",
    "スマートフォンから申請できれば、仕事を休まずに済みます。",
    "高齢の家族も使えるように、サポート窓口も残してください。",
    "自治体によって手続が違うので、全国で統一してほしいです。",
    "個人情報の扱いについては、分かりやすく説明してください。",
    "デジタル化と同時に、誰一人取り残さない配慮をお願いします。",
    "申請の進み具合がオンラインで確認できると安心です。",
    "行政の各機関が情報を連携すれば、添付書類は不要になるはずです。",
    "実際に使う人の声を聞いて、使いやすさを検証してください。",
    "災害時にも使える仕組みにしてほしいです。",
    "費用対効果も公開してください。",
];
const EN_TOPICS: [&str; 12] = [
    "Moving house",
    "Birth registration",
    "Tax returns",
    "Business permits",
    "Health insurance",
    "Pension claims",
    "School enrolment",
    "Disaster alerts",
    "Residence certificates",
    "Elderly care applications",
    "Open data",
    "Digital ID",
];
const EN_ASKS: [&str; 8] = [
    " should be completed entirely online",
    ": ask for each document only once",
    " in one place for every ministry",
    " on a phone without special software",
    ": publish the processing times",
    ": keep an assisted option for people offline",
    " with plain-language forms",
    ": let agencies share data with consent",
];
const EN_SENTENCES: [&str; 10] = [
    "I had to visit three offices for one procedure last year.",
    "Filling in the same information twice wastes everyone's time.",
    "Please test the new services with real users, including screen-reader users.",
    "A clear status page would reduce phone calls to the office.",
    "Security matters, but so does being able to finish the form.",
    "Other countries already do this; we can learn from them.",
    "Keep paper as a fallback for people who need it.",
    "Make the data open so others can build useful tools.",
    "One login for every service would help a lot.",
    "Explain clearly who can see my data and why.",
];
const JA_COMMENTS: [&str; 10] = [
    "賛成です。",
    "とても良い案だと思います。",
    "同じことで困っていました。",
    "費用はどのくらいかかるのでしょうか。",
    "高齢者への配慮も必要だと思います。",
    "自治体ごとの違いが課題ですね。",
    "実現を期待しています。",
    "セキュリティ面が心配です。",
    "具体的なスケジュールを知りたいです。",
    "既に一部の市で始まっていますね。",
];
const EN_COMMENTS: [&str; 8] = [
    "Agreed, this would save a lot of time.",
    "How would this work for people without a smartphone?",
    "Strong support from me.",
    "What would it cost?",
    "Good idea, but privacy needs care.",
    "This already works well in some cities.",
    "Please add a timeline.",
    "I had the same problem.",
];
const JA_NAMES: [&str; 12] = [
    "さくら",
    "ひろし",
    "ゆうこ",
    "たかし",
    "みなみ",
    "けんた",
    "あおい",
    "しょうた",
    "はるか",
    "だいき",
    "まゆ",
    "りょう",
];
const EN_NAMES: [&str; 8] = ["Ken", "Mia", "Tom", "Aiko", "Leo", "Emma", "Sam", "Noah"];

fn idea_text(rng: &mut Random) -> (String, String) {
    if rng.unit() < 0.8 {
        let topic = rng.pick(&JA_TOPICS);
        let title = format!("{topic}{}", rng.pick(&JA_ASKS));
        let sentences = 2 + rng.below(3);
        let body = (0..sentences)
            .map(|_| *rng.pick(&JA_SENTENCES))
            .collect::<Vec<_>>()
            .join("");
        (title, format!("{topic}について。{body}"))
    } else {
        let topic = rng.pick(&EN_TOPICS);
        let title = format!("{topic}{}", rng.pick(&EN_ASKS));
        let sentences = 2 + rng.below(3);
        let body = (0..sentences)
            .map(|_| *rng.pick(&EN_SENTENCES))
            .collect::<Vec<_>>()
            .join(" ");
        (title, body)
    }
}

fn comment_text(rng: &mut Random) -> &'static str {
    let phrases: &[&'static str] = if rng.unit() < 0.8 {
        &JA_COMMENTS
    } else {
        &EN_COMMENTS
    };
    phrases[rng.below(phrases.len())]
}

/// Runs a batch insert on the concrete connection (the multi-backend wrapper inserts one row
/// at a time).
macro_rules! batch_insert {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(ROWS_PER_INSERT) {
            crate::per_backend!($conn, c => diesel::insert_into($table).values(chunk).execute(c))?;
        }
    };
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct UserRowNew {
    email: String,
    display_name: String,
    password_hash: String,
    role: &'static str,
    email_verified_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = ideas)]
struct IdeaRowNew {
    id: i64,
    consultation_id: i64,
    author_id: i64,
    section_key: Option<String>,
    receipt: String,
    title: String,
    body: String,
    body_html: String,
    /// The body's comparison key, as posting sets it: grouping and the campaign ledger
    /// count distinct texts by it.
    text_key: Option<i64>,
    support_count: i32,
    oppose_count: i32,
    comment_count: i32,
    trend_score: f64,
    controversy: f64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = comments)]
struct CommentRowNew {
    id: i64,
    idea_id: i64,
    parent_id: Option<i64>,
    author_id: i64,
    body: String,
    body_html: String,
    reply_count: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = votes)]
struct VoteRowNew {
    user_id: i64,
    idea_id: i64,
    value: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn max_id(conn: &mut AnyConnection, table: &str) -> Result<i64, AppError> {
    #[derive(QueryableByName)]
    struct Max {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS n FROM {table}");
    let rows: Vec<Max> = crate::per_backend!(conn, c => diesel::sql_query(&sql).load(c))?;
    Ok(rows.first().map_or(0, |r| r.n))
}

/// Issues one API token per person, stored hashed like any other; returns the secrets.
fn issue_tokens(conn: &mut AnyConnection, user_ids: &[i64]) -> Result<Vec<String>, AppError> {
    use crate::auth::tokens::{hash_token, random_token};
    use crate::db::schema::api_tokens;
    use crate::services::api_tokens::TOKEN_PREFIX;
    let mut secrets = Vec::with_capacity(user_ids.len());
    let mut rows = Vec::with_capacity(user_ids.len());
    for user in user_ids {
        let secret = format!("{TOKEN_PREFIX}{}", random_token()?);
        rows.push((
            api_tokens::user_id.eq(*user),
            api_tokens::name.eq("load test"),
            api_tokens::token_hash.eq(hash_token(&secret)),
            api_tokens::token_prefix.eq(secret
                .chars()
                .take(TOKEN_PREFIX.len() + 6)
                .collect::<String>()),
            api_tokens::created_at.eq(now()),
        ));
        secrets.push(secret);
    }
    batch_insert!(conn, api_tokens::table, rows);
    Ok(secrets)
}

/// Opens one sign-in session per person, stored like a login's; returns the cookie values.
fn issue_sessions(
    conn: &mut AnyConnection,
    user_ids: &[i64],
    lifetime: Duration,
) -> Result<Vec<String>, AppError> {
    use crate::auth::tokens::{hash_token, random_token};
    use crate::db::schema::sessions;
    let at = now();
    let mut secrets = Vec::with_capacity(user_ids.len());
    let mut rows = Vec::with_capacity(user_ids.len());
    for user in user_ids {
        let secret = random_token()?;
        rows.push((
            sessions::user_id.eq(*user),
            sessions::token_hash.eq(hash_token(&secret)),
            sessions::csrf_token.eq(random_token()?),
            sessions::user_agent.eq("load test"),
            sessions::created_at.eq(at),
            sessions::last_seen_at.eq(at),
            sessions::expires_at.eq(at + lifetime),
        ));
        secrets.push(secret);
    }
    batch_insert!(conn, sessions::table, rows);
    Ok(secrets)
}

/// PostgreSQL sequences do not see explicit ids; move them past what was inserted.
fn resync_sequences(conn: &mut AnyConnection) -> Result<(), AppError> {
    if let AnyConnection::Postgresql(c) = conn {
        use diesel::connection::SimpleConnection;
        for table in ["users", "ideas", "comments", "api_tokens", "sessions"] {
            c.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))?;
        }
    }
    Ok(())
}

/// PostgreSQL plans with table statistics that autovacuum gathers only later: after a bulk
/// load, queries would be planned for empty tables (seconds per search) until it does.
fn refresh_statistics(conn: &mut AnyConnection) -> Result<(), AppError> {
    if let AnyConnection::Postgresql(c) = conn {
        use diesel::connection::SimpleConnection;
        c.batch_execute("ANALYZE")?;
    }
    Ok(())
}

/// Credentials to hand out for the generated people, for load generators.
#[derive(Clone, Copy, Debug, Default)]
pub struct Credentials {
    pub api_tokens: bool,
    pub sessions: bool,
}

/// Generates the load-test consultation (once: a second run reports it exists).
pub async fn load(
    ctx: &ServiceContext,
    size: Size,
    credentials: Credentials,
) -> Result<BulkReport, AppError> {
    let started = Instant::now();
    let exists = ctx
        .db
        .read(|c| Ok(consultations::find_by_slug(c, BULK_CONSULTATION)?.is_some()))
        .await?;
    if exists {
        return Ok(BulkReport {
            created: false,
            api_tokens: Vec::new(),
            sessions: Vec::new(),
            seconds: 0.0,
            top_idea_comments: 0,
            top_idea_votes: 0,
            median_idea_comments: 0,
            median_idea_votes: 0,
        });
    }
    ctx.db
        .write(|c| {
            if consultations::find_organisation_by_slug(c, super::demo::DEMO_ORGANISATION)?
                .is_none()
            {
                consultations::insert_organisation(
                    c,
                    &NewOrganisation {
                        slug: super::demo::DEMO_ORGANISATION,
                        name_ja: "デジタル庁",
                        name_en: "Digital Agency",
                        created_at: now(),
                    },
                )?;
            }
            Ok(())
        })
        .await?;
    let admin = Actor {
        role: Role::Admin,
        verified: true,
        suspended: false,
    };
    let at = now();
    crate::services::consultations::create(
        ctx,
        &admin,
        ConsultationInput {
            slug: Some(BULK_CONSULTATION.to_owned()),
            organisation: Some(super::demo::DEMO_ORGANISATION.to_owned()),
            title: Some("行政サービス改善アイデア募集（大規模検証用）".to_owned()),
            summary: Some("大量の参加を想定した検証用の意見募集です。".to_owned()),
            body: Some(super::demo::plan_body().to_owned()),
            opens_at: Some((at - Duration::days(30)).and_utc().to_rfc3339()),
            closes_at: Some((at + Duration::days(30)).and_utc().to_rfc3339()),
            status: Some("open".to_owned()),
            premoderation: None,
        },
    )
    .await?;
    let password_hash = ctx
        .hasher
        .hash(&crate::auth::tokens::random_token()?)
        .await?;
    let session_lifetime = Duration::hours(ctx.settings.session_max_hours);
    let report = ctx
        .db
        .write(move |c| generate(c, size, &password_hash, credentials, session_lifetime))
        .await?;
    ctx.db.read(refresh_statistics).await?;
    Ok(BulkReport {
        seconds: started.elapsed().as_secs_f64(),
        ..report
    })
}

fn generate(
    conn: &mut AnyConnection,
    size: Size,
    password_hash: &str,
    credentials: Credentials,
    session_lifetime: Duration,
) -> Result<BulkReport, AppError> {
    let mut rng = Random(0x1DEA_B0C5);
    let consultation =
        consultations::find_by_slug(conn, BULK_CONSULTATION)?.ok_or(AppError::NotFound)?;
    let sections: Vec<String> = consultations::list_sections(conn, consultation.id)?
        .into_iter()
        .map(|s| s.key)
        .collect();
    let start = now() - Duration::days(29);
    let span_secs = Duration::days(29).num_seconds().max(1);
    let at = |rng: &mut Random| start + Duration::seconds((rng.unit() * span_secs as f64) as i64);

    // People.
    let first_user = max_id(conn, "users")? + 1;
    let people: Vec<UserRowNew> = (0..size.users)
        .map(|i| {
            let name = if i % 5 == 4 {
                rng.pick(&EN_NAMES).to_string()
            } else {
                rng.pick(&JA_NAMES).to_string()
            };
            UserRowNew {
                email: format!("load{i}@demo.ideabox.example"),
                display_name: format!("{name}{}", i % 1000),
                password_hash: password_hash.to_owned(),
                role: "citizen",
                email_verified_at: Some(start - Duration::days(1)),
                created_at: start - Duration::days(2),
                updated_at: start,
            }
        })
        .collect();
    batch_insert!(conn, users::table, people);
    let user_ids: Vec<i64> = users::table
        .filter(users::email.like("load%@demo.ideabox.example"))
        .select(users::id)
        .order(users::id.asc())
        .load(conn)?;
    debug_assert!(user_ids.first().is_some_and(|id| *id >= first_user));
    let api_tokens = if credentials.api_tokens {
        issue_tokens(conn, &user_ids)?
    } else {
        Vec::new()
    };
    let sessions = if credentials.sessions {
        issue_sessions(conn, &user_ids, session_lifetime)?
    } else {
        Vec::new()
    };

    // Popularity: rank r → idea index; comments and votes follow the same ranking.
    let mut order: Vec<usize> = (0..size.ideas).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let comment_counts = zipf_counts(size.comments, size.ideas, COMMENT_ZIPF, usize::MAX);
    let vote_counts = zipf_counts(
        size.votes,
        size.ideas,
        VOTE_ZIPF,
        size.users.saturating_sub(1),
    );
    let mut comments_of = vec![0usize; size.ideas];
    let mut votes_of = vec![0usize; size.ideas];
    for (rank, idea) in order.iter().enumerate() {
        comments_of[*idea] = comment_counts[rank];
        votes_of[*idea] = vote_counts[rank];
    }

    // Ideas, in time order so that ids follow time.
    let first_idea = max_id(conn, "ideas")? + 1;
    let mut times: Vec<NaiveDateTime> = (0..size.ideas).map(|_| at(&mut rng)).collect();
    times.sort();
    let mut pool: Vec<i64> = user_ids.clone();
    let mut idea_rows = Vec::with_capacity(size.ideas);
    let mut vote_rows = Vec::with_capacity(size.votes);
    for (i, created) in times.iter().enumerate() {
        let id = first_idea + i as i64;
        let author = user_ids[rng.below(user_ids.len())];
        let (title, body) = idea_text(&mut rng);
        // Votes: distinct people (never the author), mostly support; a few ideas divide opinion.
        let divisive = rng.unit() < 0.15;
        let mut tally = Tally::default();
        let wanted = votes_of[i].min(pool.len().saturating_sub(1));
        let mut taken = 0;
        let mut k = 0;
        while taken < wanted && k < pool.len() {
            let j = k + rng.below(pool.len() - k);
            pool.swap(k, j);
            let voter = pool[k];
            k += 1;
            if voter == author {
                continue;
            }
            let value = if rng.unit() < if divisive { 0.5 } else { 0.85 } {
                1
            } else {
                -1
            };
            let when = *created
                + Duration::seconds(
                    (rng.unit() * (now() - *created).num_seconds().max(1) as f64) as i64,
                );
            let vote = if value == 1 {
                VoteValue::Support
            } else {
                VoteValue::Oppose
            };
            tally = tally.with_vote(vote, when);
            vote_rows.push(VoteRowNew {
                user_id: voter,
                idea_id: id,
                value,
                created_at: when,
                updated_at: when,
            });
            taken += 1;
        }
        idea_rows.push(IdeaRowNew {
            id,
            consultation_id: consultation.id,
            author_id: author,
            section_key: (rng.unit() < 0.8 && !sections.is_empty())
                .then(|| rng.pick(&sections).clone()),
            receipt: receipt_number(id, *created),
            body_html: markdown::render_user(&body),
            text_key: Some(crate::analysis::campaigns::text_key(&body) as i64),
            title,
            body,
            support_count: tally.support,
            oppose_count: tally.oppose,
            comment_count: comments_of[i] as i32,
            trend_score: tally.trend,
            controversy: tally.controversy(),
            created_at: *created,
            updated_at: *created,
        });
    }
    batch_insert!(conn, ideas::table, idea_rows);
    batch_insert!(conn, votes::table, vote_rows);

    // Comments: about a third are replies to an earlier top-level comment of the same idea.
    let mut next_comment = max_id(conn, "comments")? + 1;
    let mut comment_rows: Vec<CommentRowNew> = Vec::with_capacity(size.comments);
    for (i, count) in comments_of.iter().enumerate() {
        let idea = first_idea + i as i64;
        let mut tops: Vec<usize> = Vec::new();
        for _ in 0..*count {
            let created = times[i]
                + Duration::seconds(
                    (rng.unit() * (now() - times[i]).num_seconds().max(1) as f64) as i64,
                );
            let parent = if !tops.is_empty() && rng.unit() < 0.33 {
                Some(tops[rng.below(tops.len())])
            } else {
                None
            };
            let body = comment_text(&mut rng).to_owned();
            if let Some(p) = parent {
                comment_rows[p].reply_count += 1;
            } else {
                tops.push(comment_rows.len());
            }
            comment_rows.push(CommentRowNew {
                id: next_comment,
                idea_id: idea,
                parent_id: parent.map(|p| comment_rows[p].id),
                author_id: user_ids[rng.below(user_ids.len())],
                body_html: format!("<p>{body}</p>\n"),
                body,
                reply_count: 0,
                created_at: created,
                updated_at: created,
            });
            next_comment += 1;
        }
    }
    batch_insert!(conn, comments::table, comment_rows);

    // A few tags over a third of the ideas.
    let tag_names = [
        ("online", "オンライン化", "Online"),
        ("once-only", "ワンスオンリー", "Once only"),
        ("support", "支援", "Support"),
        ("data", "データ", "Data"),
        ("access", "使いやすさ", "Usability"),
    ];
    let mut tag_ids = Vec::new();
    for (slug, ja, en) in tag_names {
        let id: i64 = diesel::insert_into(tags::table)
            .values((
                tags::consultation_id.eq(consultation.id),
                tags::slug.eq(slug),
                tags::name_ja.eq(ja),
                tags::name_en.eq(en),
                tags::created_at.eq(now()),
            ))
            .returning(tags::id)
            .get_result(conn)?;
        tag_ids.push(id);
    }
    let mut tagged: Vec<(i64, i64)> = Vec::new();
    for i in 0..size.ideas {
        if rng.unit() < 0.33 {
            tagged.push((first_idea + i as i64, *rng.pick(&tag_ids)));
        }
    }
    for chunk in tagged.chunks(ROWS_PER_INSERT) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(idea, tag)| (idea_tags::idea_id.eq(*idea), idea_tags::tag_id.eq(*tag)))
            .collect();
        crate::per_backend!(conn, c => diesel::insert_into(idea_tags::table).values(&values).execute(c))?;
    }
    resync_sequences(conn)?;

    let mut sorted_comments = comments_of.clone();
    sorted_comments.sort_unstable();
    let mut sorted_votes = votes_of.clone();
    sorted_votes.sort_unstable();
    Ok(BulkReport {
        created: true,
        api_tokens,
        sessions,
        seconds: 0.0,
        top_idea_comments: sorted_comments.last().copied().unwrap_or(0),
        top_idea_votes: sorted_votes.last().copied().unwrap_or(0),
        median_idea_comments: sorted_comments
            .get(sorted_comments.len() / 2)
            .copied()
            .unwrap_or(0),
        median_idea_votes: sorted_votes
            .get(sorted_votes.len() / 2)
            .copied()
            .unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_counts_sum_and_skew() {
        let counts = zipf_counts(200_000, 10_000, VOTE_ZIPF, 4_999);
        assert_eq!(counts.iter().sum::<usize>(), 200_000);
        assert!(
            counts[0] > 1_000,
            "the most popular idea has well over a thousand: {}",
            counts[0]
        );
        assert!(
            counts[5_000] < 20,
            "the median idea has a handful: {}",
            counts[5_000]
        );
        assert!(counts.windows(2).all(|w| w[0] >= w[1]));
        let comments = zipf_counts(50_000, 10_000, COMMENT_ZIPF, usize::MAX);
        assert!(comments[0] > 1_000, "{}", comments[0]);
        assert_eq!(comments.iter().sum::<usize>(), 50_000);
    }

    #[test]
    fn the_random_source_is_repeatable() {
        let (mut a, mut b) = (Random(7), Random(7));
        assert!((0..100).all(|_| a.next() == b.next()));
    }
}
