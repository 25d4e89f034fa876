//! Message catalogs (Fluent, `assets/locales/{ja,en}`) and the language of each request.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::HttpRequest;
use actix_web::http::header::ACCEPT_LANGUAGE;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

use crate::domain::lang::Lang;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./assets/locales",
        fallback_language: "ja",
        // Isolation marks (U+2068/U+2069) around arguments break plain-text mail and tests.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "ideabox_lang";

static IDENTIFIERS: LazyLock<HashMap<Lang, LanguageIdentifier>> = LazyLock::new(|| {
    Lang::ALL
        .into_iter()
        .filter_map(|lang| lang.as_str().parse().ok().map(|id| (lang, id)))
        .collect()
});

fn identifier(lang: Lang) -> &'static LanguageIdentifier {
    // Both codes are valid language identifiers; `ALL` is fully populated at first use.
    &IDENTIFIERS[&lang]
}

/// The message for `key`, or the key itself when missing (a test checks none is missing).
pub fn text(lang: Lang, key: &str) -> String {
    LOCALES
        .try_lookup(identifier(lang), key)
        .unwrap_or_else(|| key.to_owned())
}

/// The message for `key` with named arguments.
pub fn text_with(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| (Cow::Owned((*k).to_owned()), FluentValue::from(v.clone())))
        .collect();
    LOCALES
        .try_lookup_with_args(identifier(lang), key, &args)
        .unwrap_or_else(|| key.to_owned())
}

/// Registers `t(k="key", name=value…)` for templates; the language comes from the `lang`
/// variable of the page being rendered.
pub fn register_template_function(tera: &mut tera::Tera) {
    tera.register_function(
        "t",
        |kwargs: tera::Kwargs, state: &tera::State| -> tera::TeraResult<String> {
            let key: String = kwargs.must_get::<&str>("k")?.to_owned();
            let lang = state
                .get::<String>("lang")?
                .and_then(|l| Lang::parse(&l))
                .unwrap_or(Lang::Ja);
            let mut args: Vec<(String, String)> = Vec::new();
            for (name, value) in kwargs.iter() {
                let Some(name) = name.as_str() else { continue };
                if name == "k" {
                    continue;
                }
                let text = match (value.as_str(), value.as_i64()) {
                    (Some(s), _) => s.to_owned(),
                    (None, Some(n)) => n.to_string(),
                    _ => value.to_string(),
                };
                args.push((name.to_owned(), text));
            }
            if args.is_empty() {
                Ok(text(lang, &key))
            } else {
                let borrowed: Vec<(&str, String)> =
                    args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                Ok(text_with(lang, &key, &borrowed))
            }
        },
    );
}

/// The request's language: the remembered choice, then the browser's preference, then the
/// site default. (A signed-in user's stored choice is applied by the caller.)
pub fn request_lang(req: &HttpRequest, user_choice: Option<Lang>, default: Lang) -> Lang {
    if let Some(lang) = req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
        return lang;
    }
    if let Some(lang) = user_choice {
        return lang;
    }
    req.headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::negotiate)
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogs_answer() {
        assert_eq!(text(Lang::En, "site-name"), "IdeaBox");
        assert_eq!(text(Lang::Ja, "nav-login"), "ログイン");
        assert_eq!(text(Lang::En, "nav-login"), "Log in");
    }

    #[test]
    fn arguments_are_substituted_without_isolation_marks() {
        let s = text_with(
            Lang::En,
            "account-signed-in-as",
            &[("name", "Hanako".into())],
        );
        assert!(s.contains("Hanako") && !s.contains('\u{2068}'), "{s}");
    }

    fn catalog(lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => include_str!("../assets/locales/ja/main.ftl"),
            Lang::En => include_str!("../assets/locales/en/main.ftl"),
        }
    }

    fn defines(lang: Lang, key: &str) -> bool {
        catalog(lang).lines().any(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(" ="))
        })
    }

    /// Every `t(k="…")` used by a template and every key used in code exists in both catalogs,
    /// including the keys built at run time.
    #[test]
    fn every_key_used_exists_in_both_languages() {
        let mut keys = crate::templates::used_message_keys();
        keys.extend(crate::domain::role::Role::ALL.map(|r| format!("role-{}", r.as_str())));
        keys.extend(
            ["denied", "not-found", "slow-down", "server", "request"]
                .map(|g| format!("error-title-{g}")),
        );
        keys.extend(crate::services::export::IDEA_COLUMNS.map(|c| format!("export-col-{c}")));
        keys.extend(
            crate::domain::response_status::ResponseStatus::NAMES
                .map(|s| format!("response-status-{s}")),
        );
        let mut missing = Vec::new();
        for key in keys {
            for lang in Lang::ALL {
                if !defines(lang, &key) {
                    missing.push(format!("{}:{key}", lang.as_str()));
                }
            }
        }
        assert!(missing.is_empty(), "missing messages: {missing:?}");
    }

    #[test]
    fn catalogs_have_the_same_keys() {
        let keys = |src: &str| -> Vec<String> {
            let mut v: Vec<String> = src
                .lines()
                .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && l.contains(" ="))
                .filter_map(|l| l.split(" =").next().map(str::to_owned))
                .collect();
            v.sort();
            v
        };
        let ja = keys(include_str!("../assets/locales/ja/main.ftl"));
        let en = keys(include_str!("../assets/locales/en/main.ftl"));
        let only_ja: Vec<_> = ja.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !ja.contains(k)).collect();
        assert!(
            only_ja.is_empty() && only_en.is_empty(),
            "only ja: {only_ja:?}, only en: {only_en:?}"
        );
    }
}
