//! The language a request is answered in: the language switch's cookie, then the signed-in
//! account's choice, then `Accept-Language`, then the configured default.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::domain::lang::Lang;
use crate::error::AppError;
use crate::http::identity::RequestAuth;
use crate::http::state::AppState;
use crate::i18n;

/// The language of this request's answer.
pub fn of_request(req: &HttpRequest) -> Lang {
    let account_choice = req
        .extensions()
        .get::<RequestAuth>()
        .and_then(|auth| auth.identity.as_ref().and_then(|i| i.user.language));
    let default = req
        .app_data::<web::Data<AppState>>()
        .map_or(Lang::Ja, |state| state.settings.default_language);
    i18n::request_lang(req, account_choice, default)
}

/// Extractor: the language to answer in (API errors and messages, mail sent by the request).
pub struct RequestLang(pub Lang);

impl FromRequest for RequestLang {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(RequestLang(of_request(req))))
    }
}
