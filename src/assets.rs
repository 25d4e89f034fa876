//! Static files embedded in the binary and served under content-hashed names, so they can be
//! cached for a year and still change the moment a new version ships.

use std::collections::HashMap;
use std::sync::Arc;

use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

#[derive(RustEmbed)]
#[folder = "assets/"]
#[include = "css/*"]
#[include = "js/*"]
#[include = "img/*"]
struct Embedded;

/// One servable file.
#[derive(Clone)]
pub struct Asset {
    pub bytes: Arc<[u8]>,
    pub content_type: &'static str,
}

/// Logical names (`css/app.css`) to hashed URLs (`/assets/css/app.1a2b3c4d5e.css`) and back.
#[derive(Clone, Default)]
pub struct Assets {
    urls: HashMap<String, String>,
    by_url: HashMap<String, Asset>,
}

impl Assets {
    pub fn load() -> Self {
        let mut assets = Self::default();
        for name in Embedded::iter() {
            let Some(file) = Embedded::get(&name) else {
                continue;
            };
            let digest = Sha256::digest(&file.data);
            let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
            let hashed = match name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                None => format!("{name}.{hash}"),
            };
            let url = format!("/assets/{hashed}");
            assets.by_url.insert(
                hashed,
                Asset {
                    bytes: Arc::from(file.data.into_owned()),
                    content_type: content_type(&name),
                },
            );
            assets.urls.insert(name.into_owned(), url);
        }
        assets
    }

    /// The cache-busting URL of a logical asset name.
    pub fn url(&self, name: &str) -> Option<&str> {
        self.urls.get(name).map(String::as_str)
    }

    /// The file behind a hashed path (the part after `/assets/`).
    pub fn get(&self, hashed_path: &str) -> Option<&Asset> {
        self.by_url.get(hashed_path)
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheet_has_a_hashed_url_that_resolves() {
        let assets = Assets::load();
        let url = assets.url("css/app.css").expect("app.css embedded");
        assert!(url.starts_with("/assets/css/app.") && url.ends_with(".css"));
        let file = assets.get(url.trim_start_matches("/assets/")).unwrap();
        assert_eq!(file.content_type, "text/css; charset=utf-8");
        assert!(
            assets.get("css/app.css").is_none(),
            "unhashed names are not served"
        );
    }
}
