//! Page and email templates (tera), embedded in the binary, with IdeaBox's helper functions.

use std::sync::{Arc, LazyLock};

use chrono::NaiveDateTime;
use chrono::format::{Item, StrftimeItems};
use rust_embed::RustEmbed;

use crate::assets::Assets;
use crate::domain::lang::Lang;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct Embedded;

/// The compiled templates.
#[derive(Clone)]
pub struct Templates {
    tera: Arc<tera::Tera>,
}

impl Templates {
    /// Compiles every template; a syntax error stops the start-up with the file named.
    pub fn load(assets: &Assets, timezone: chrono_tz::Tz) -> anyhow::Result<Self> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html"]);
        crate::i18n::register_template_function(&mut tera);

        let urls = assets.clone();
        tera.register_function(
            "asset",
            move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
                let name = kwargs.must_get::<&str>("path")?;
                urls.url(name)
                    .map(str::to_owned)
                    .ok_or_else(|| tera::Error::message(format!("unknown asset {name}")))
            },
        );

        tera.register_filter(
            "datetime",
            move |value: &str, _: tera::Kwargs, state: &tera::State| -> tera::TeraResult<String> {
                let lang = state
                    .get::<String>("lang")?
                    .and_then(|l| Lang::parse(&l))
                    .unwrap_or(Lang::Ja);
                Ok(format_datetime(value, lang, timezone))
            },
        );

        let mut sources = Vec::new();
        for name in Embedded::iter() {
            let file =
                Embedded::get(&name).ok_or_else(|| anyhow::anyhow!("template {name} vanished"))?;
            let text = String::from_utf8(file.data.into_owned())
                .map_err(|_| anyhow::anyhow!("template {name} is not UTF-8"))?;
            sources.push((name.into_owned(), text));
        }
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| anyhow::anyhow!("template error: {e}"))?;
        Ok(Self {
            tera: Arc::new(tera),
        })
    }

    pub fn render(&self, name: &str, context: &tera::Context) -> anyhow::Result<String> {
        self.tera
            .render(name, context)
            .map_err(|e| anyhow::anyhow!("rendering {name}: {e:?}"))
    }
}

/// Formats a stored UTC timestamp (`%Y-%m-%dT%H:%M:%S%.f` as serialised by chrono) for people.
pub fn format_datetime(value: &str, lang: Lang, tz: chrono_tz::Tz) -> String {
    // A page shows a date per comment: the formats are parsed once, not at every use.
    static JA: LazyLock<Vec<Item<'static>>> = LazyLock::new(|| {
        StrftimeItems::new("%Y年%-m月%-d日 %H:%M")
            .parse_to_owned()
            .unwrap_or_default()
    });
    static EN: LazyLock<Vec<Item<'static>>> = LazyLock::new(|| {
        StrftimeItems::new("%-d %b %Y, %H:%M")
            .parse_to_owned()
            .unwrap_or_default()
    });
    // `FromStr` reads chrono's own serialisation (`T` between date and time) directly.
    let parsed = value
        .parse::<NaiveDateTime>()
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S%.f"));
    let Ok(utc) = parsed else {
        return value.to_owned();
    };
    let local = utc.and_utc().with_timezone(&tz);
    let items = match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    };
    local.format_with_items(items.iter()).to_string()
}

/// Message keys used by templates (`t(k="…")`) and by code (string literals such as
/// `"error-…"`), for the catalog completeness test.
#[cfg(test)]
pub fn used_message_keys() -> Vec<String> {
    let mut keys = std::collections::BTreeSet::new();
    let mut scan = |text: &str, marker: &str| {
        let mut rest = text;
        while let Some(pos) = rest.find(marker) {
            rest = &rest[pos + marker.len()..];
            // Keys completed at run time (`"role-" ~ role`) end with '-'; the test adds them.
            if let Some(end) = rest.find('"').filter(|&end| !rest[..end].ends_with('-')) {
                keys.insert(rest[..end].to_owned());
            }
        }
    };
    for name in Embedded::iter() {
        if let Some(file) = Embedded::get(&name) {
            scan(&String::from_utf8_lossy(&file.data), "t(k=\"");
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for prefix in ["\"error-", "\"flash-", "\"mail-"] {
                    let mut rest = text.as_str();
                    while let Some(pos) = rest.find(prefix) {
                        rest = &rest[pos + 1..];
                        let end = rest
                            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                            .unwrap_or(rest.len());
                        let key = &rest[..end];
                        if rest[end..].starts_with('"') && !key.ends_with('-') {
                            keys.insert(key.to_owned());
                        }
                    }
                }
            }
        }
    }
    keys.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_language_and_zone() {
        let tz = chrono_tz::Asia::Tokyo;
        assert_eq!(
            format_datetime("2026-11-27T03:40:00", Lang::Ja, tz),
            "2026年11月27日 12:40"
        );
        assert_eq!(
            format_datetime("2026-11-27T03:40:00.123", Lang::En, tz),
            "27 Nov 2026, 12:40"
        );
        assert_eq!(
            format_datetime("2026-11-27 03:40:00", Lang::En, tz),
            "27 Nov 2026, 12:40",
            "SQL's own timestamp text too"
        );
        assert_eq!(format_datetime("garbage", Lang::En, tz), "garbage");
    }

    #[test]
    fn user_text_is_escaped() {
        let templates = Templates::load(&Assets::load(), chrono_tz::Asia::Tokyo).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("lang", "en");
        ctx.insert("status", &404);
        ctx.insert("message", "<b>x</b>");
        ctx.insert("request_id", "<script>");
        ctx.insert("title_key", "error-title-not-found");
        ctx.insert("csrf_token", "x");
        ctx.insert("other_lang", "ja");
        ctx.insert("current_path", "/\"><script>");
        let html = templates.render("error.html", &ctx).unwrap();
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
        assert!(!html.contains("<b>x</b>"));
    }
}
