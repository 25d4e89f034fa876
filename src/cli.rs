//! Command line: `serve` (default), `migrate`, `user create|set-role`, `demo`, `import`.

mod import;

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::{RawSettings, Settings};
use crate::dev::{demo, load_data};
use crate::domain::role::Role;
use crate::http::state::AppState;
use crate::services::users_admin;
use crate::startup::Application;

/// IdeaBox — public consultation on draft plans.
#[derive(Parser)]
#[command(name = "ideabox", version, about)]
struct Cli {
    /// Config file with KEY=value lines (same keys as the environment variables).
    #[arg(long, global = true, env = "IDEABOX_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web site and API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Load demo data (idempotent) and print the demo accounts created. With `--ideas`, also
    /// build the large `load-test` consultation used by the load benchmarks.
    Demo(DemoArgs),
    /// Import files of submissions (CSV, .eml, mbox) into a consultation, as one background
    /// job per file run by this command, and print each file's result: the count imported,
    /// or every bad record with its line, field and reason (then nothing of that file is
    /// imported and the exit status is 1).
    Import(import::ImportArgs),
}

#[derive(clap::Args)]
struct DemoArgs {
    /// Ideas in the load-test consultation (none unless given).
    #[arg(long)]
    ideas: Option<usize>,
    /// People taking part in the load-test consultation.
    #[arg(long, default_value_t = 5_000)]
    users: usize,
    /// Comments over all load-test ideas.
    #[arg(long, default_value_t = 50_000)]
    comments: usize,
    /// Votes over all load-test ideas.
    #[arg(long, default_value_t = 200_000)]
    votes: usize,
    /// Write one API token per load-test person to this file (one per line, mode 0600), for
    /// load generators that vote as many distinct people.
    #[arg(long, value_name = "FILE")]
    api_tokens: Option<PathBuf>,
    /// Write one signed-in session per load-test person to this file (the session cookie's
    /// value, one per line, mode 0600), for load generators that read as many distinct
    /// signed-in people.
    #[arg(long, value_name = "FILE")]
    sessions: Option<PathBuf>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account.
    Create {
        #[arg(long)]
        email: String,
        /// Public display name.
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role, default_value = "citizen")]
        role: Role,
        /// Mark the email as already verified.
        #[arg(long)]
        verified: bool,
        /// Read the password from the first line of standard input (otherwise one is generated
        /// and printed once).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change an account's role (its sessions end, so it applies at once).
    SetRole {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
}

fn parse_role(raw: &str) -> Result<Role, String> {
    Role::parse(raw).ok_or_else(|| "expected citizen, moderator, drafter or admin".to_owned())
}

fn load_settings(config: Option<&std::path::Path>) -> Result<Settings, String> {
    RawSettings::from_environment(config)
        .and_then(|raw| raw.validate())
        .map_err(|e| e.to_string())
}

/// Entry point used by `main.rs`.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match load_settings(cli.config.as_deref()) {
        Ok(s) => s,
        Err(line) => {
            eprintln!("ideabox: {line}");
            return ExitCode::from(2);
        }
    };
    let quiet_by_default = matches!(cli.command, Some(Command::Import(_)))
        && std::env::var_os("IDEABOX_LOG").is_none();
    // An import prints its own progress; info lines would break the progress line.
    let log_filter = if quiet_by_default {
        "warn"
    } else {
        settings.log_filter.as_str()
    };
    crate::telemetry::init(log_filter, settings.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => migrate(settings),
        Command::User(cmd) => {
            with_state(settings).and_then(|(rt, state)| rt.block_on(user(&state, cmd)))
        }
        Command::Demo(args) => {
            with_state(settings).and_then(|(rt, state)| rt.block_on(run_demo(&state, args)))
        }
        Command::Import(args) => {
            with_state(settings).and_then(|(rt, state)| rt.block_on(import::run(&state, args)))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ideabox: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings).await?;
        let state = app.state();
        tracing::info!(
            url = %state.settings.base_url,
            port = app.port(),
            database = ?state.db.backend(),
            "IdeaBox is listening"
        );
        app.run_until_stopped().await?;
        tracing::info!("stopped");
        Ok(())
    })
}

fn migrate(settings: Settings) -> anyhow::Result<()> {
    let db = crate::db::Db::connect(&settings)?;
    let applied = db.migrate()?;
    println!("{applied} migration(s) applied");
    Ok(())
}

/// A runtime and migrated state for the one-shot commands.
fn with_state(settings: Settings) -> anyhow::Result<(tokio::runtime::Runtime, AppState)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let state = AppState::build(settings)?;
    state.db.migrate()?;
    Ok((runtime, state))
}

async fn user(state: &AppState, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create {
            email,
            name,
            role,
            verified,
            password_stdin,
        } => {
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (
                    crate::auth::tokens::random_token().map_err(|e| anyhow::anyhow!("{e}"))?[..20]
                        .to_owned(),
                    true,
                )
            };
            let id = users_admin::create_user(state, &email, &name, role, verified, &password)
                .await
                .map_err(describe)?;
            let shown = email.trim().to_lowercase();
            println!(
                "created user {id} <{shown}> with role {role}{}",
                if verified { " (verified)" } else { "" }
            );
            if generated {
                println!("password (shown once): {password}");
            }
        }
        UserCommand::SetRole { email, role } => {
            let user = users_admin::find_by_email(state, &email)
                .await
                .map_err(describe)?
                .ok_or_else(|| anyhow::anyhow!("no account with email {email}"))?;
            let st = state.clone();
            let id = user.id();
            crate::db::run_blocking(move || users_admin::set_role_sync(&st, None, id, role))
                .await
                .map_err(describe)?;
            println!("{email} is now {role}; their sessions were ended");
        }
    }
    Ok(())
}

async fn run_demo(state: &AppState, args: DemoArgs) -> anyhow::Result<()> {
    let report = demo::load(state).await.map_err(describe)?;
    println!(
        "organisation {}: {}",
        demo::DEMO_ORGANISATION,
        if report.created_organisation {
            "created"
        } else {
            "already present"
        }
    );
    println!(
        "consultation {}: {}",
        demo::DEMO_CONSULTATION,
        if report.created_consultation {
            "created"
        } else {
            "already present"
        }
    );
    if report.created_ideas > 0 {
        println!(
            "demo discussion: {} ideas with comments and votes added",
            report.created_ideas
        );
    }
    if report.created_submissions > 0 {
        println!(
            "demo submissions: {} letters and mails by post, email and fax, grouped into {} campaign(s)",
            report.created_submissions, report.campaigns
        );
    }
    for (role, email, password) in &report.new_accounts {
        println!("{role:<9} {email}  password: {password}   (shown once)");
    }
    for (role, email) in &report.existing_accounts {
        println!(
            "{role:<9} {email}  (already present; use `ideabox user` or the reset link to get in)"
        );
    }
    if let Some(ideas) = args.ideas {
        let size = load_data::Size {
            users: args.users,
            ideas,
            comments: args.comments,
            votes: args.votes,
        };
        let credentials = load_data::Credentials {
            api_tokens: args.api_tokens.is_some(),
            sessions: args.sessions.is_some(),
        };
        let report = load_data::load(state, size, credentials)
            .await
            .map_err(describe)?;
        if let (Some(path), true) = (&args.api_tokens, report.created) {
            write_secret_lines(path, &report.api_tokens)?;
            println!(
                "  {} API tokens written to {}",
                report.api_tokens.len(),
                path.display()
            );
        }
        if let (Some(path), true) = (&args.sessions, report.created) {
            write_secret_lines(path, &report.sessions)?;
            println!(
                "  {} sessions written to {}",
                report.sessions.len(),
                path.display()
            );
        }
        if report.created {
            println!(
                "consultation {}: created with {} people, {ideas} ideas, {} comments, {} votes in {:.1} s",
                load_data::BULK_CONSULTATION,
                args.users,
                args.comments,
                args.votes,
                report.seconds
            );
            println!(
                "  busiest idea: {} comments, {} votes; median idea: {} comments, {} votes",
                report.top_idea_comments,
                report.top_idea_votes,
                report.median_idea_comments,
                report.median_idea_votes
            );
        } else {
            println!(
                "consultation {}: already present",
                load_data::BULK_CONSULTATION
            );
        }
    }
    Ok(())
}

/// Writes secrets one per line to a file only its owner can read.
fn write_secret_lines(path: &std::path::Path, lines: &[String]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    for line in lines {
        writeln!(file, "{line}")?;
    }
    Ok(())
}

/// Turns a service error into a readable command-line message.
fn describe(err: crate::error::AppError) -> anyhow::Error {
    match err {
        crate::error::AppError::Validation(fields) => {
            let text: Vec<String> = fields
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}",
                        f.field,
                        crate::i18n::text(crate::domain::lang::Lang::En, f.code)
                    )
                })
                .collect();
            anyhow::anyhow!("{}", text.join("; "))
        }
        other => anyhow::anyhow!(
            "{} ({})",
            crate::i18n::text(crate::domain::lang::Lang::En, other.message_key()),
            other
        ),
    }
}
