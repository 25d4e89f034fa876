//! The language switch: remembered in a cookie, and on the account when signed in.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::http::cookies::base_cookie;

use crate::domain::lang::Lang;
use crate::error::AppError;
use crate::http::identity::MaybeUser;
use crate::http::state::AppState;
use crate::i18n::LANG_COOKIE;
use crate::services::accounts;
use crate::web::page::{safe_next, see_other};

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    next: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn switch(
    state: web::Data<AppState>,
    MaybeUser(current): MaybeUser,
    form: web::Form<LanguageForm>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::parse(&form.lang).ok_or(AppError::BadRequest("error-language-invalid"))?;
    if let Some(identity) = &current {
        accounts::set_language(&state, identity.user.id, lang).await?;
    }
    let mut response = see_other(&safe_next(form.next.as_deref()));
    let mut cookie = base_cookie(&state.settings, LANG_COOKIE, lang.as_str().to_owned());
    cookie.set_max_age(actix_web::cookie::time::Duration::days(365));
    let _ = response.add_cookie(&cookie);
    Ok(response)
}
