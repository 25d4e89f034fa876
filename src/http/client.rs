//! The caller's address and browser, read from the request: the peer, or the address a
//! trusted proxy put in `X-Forwarded-For`.

use crate::domain::client::{ClientInfo, DeviceToken, client_ip};

/// Longest user-agent string kept for the session list.
const USER_AGENT_MAX: usize = 200;

impl actix_web::FromRequest for ClientInfo {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let settings = req
            .app_data::<actix_web::web::Data<crate::http::state::AppState>>()
            .map(|s| &s.settings);
        let trusted = settings
            .map(|s| s.trusted_proxies.clone())
            .unwrap_or_default();
        let device = settings
            .and_then(|s| req.cookie(crate::http::cookies::device_cookie_name(s)))
            .and_then(|c| DeviceToken::parse(c.value()));
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let ip = client_ip(req.peer_addr().map(|a| a.ip()), forwarded, &trusted);
        let user_agent: String = req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .take(USER_AGENT_MAX)
            .collect();
        std::future::ready(Ok(ClientInfo {
            ip,
            user_agent,
            device,
        }))
    }
}
