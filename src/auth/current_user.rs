//! Who is making the request. One middleware resolves the user once per request — from a bearer
//! token or from the session — and everything that is not explicitly public requires one.
//! The session holds `"<user id>:<session version>"`; bumping the version in the database
//! ("sign out everywhere", deactivation, password change) ends every old session at once.

use actix_identity::{Identity, IdentityExt};
use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};

use crate::db::sites;
use crate::db::users::{self, AuthUser};
use crate::domain::ids::{SiteId, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::paths;

/// How the request proved who it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthVia {
    Session,
    Token,
}

/// The signed-in user of a request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: AuthUser,
    pub via: AuthVia,
    /// The active sites, by name, for a user who sees all of them and came with the session:
    /// the site switcher on every page. Read with the user, in the same trip to the database,
    /// so a page does not make one more trip for it. `None` for everyone else.
    pub site_choices: Option<Vec<(SiteId, String)>>,
}

impl CurrentUser {
    pub fn id(&self) -> UserId {
        self.user.id
    }

    /// What this user may see; `chosen` is the site switcher's choice of an all-sites user.
    pub fn scope(&self, chosen: Option<SiteId>) -> crate::db::scope::Scope {
        crate::db::scope::Scope::new(self.user.role, self.site_id(), chosen)
            .with_mechanic(self.user.mechanic_id)
    }

    /// Who is acting, for the audit trail.
    pub fn actor(&self) -> crate::db::audit::Actor {
        let via = match self.via {
            AuthVia::Session => "session",
            AuthVia::Token => "api",
        };
        crate::db::audit::Actor {
            user: self.user.id,
            via,
        }
    }

    /// The site a site-bound user belongs to.
    pub fn site_id(&self) -> Option<SiteId> {
        self.user.site.as_ref().map(|(id, _)| *id)
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<CurrentUser>()
                .cloned()
                .ok_or(AppError::Unauthenticated),
        )
    }
}

/// The value stored in the session for a signed-in user.
pub fn session_identity(user: UserId, session_version: i32) -> String {
    format!("{}:{}", user.0, session_version)
}

fn parse_identity(raw: &str) -> Option<(UserId, i32)> {
    let (id, version) = raw.split_once(':')?;
    Some((UserId(id.parse().ok()?), version.parse().ok()?))
}

/// Paths anyone may open: sign-in, first-run setup, health, static files, token endpoints,
/// public document links and staff invitations.
pub fn is_public(path: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "/static/",
        "/setup/",
        "/auth/",
        "/p/",
        paths::SHARE_PREFIX,
        paths::INVITE_PREFIX,
    ];
    const EXACT: &[&str] = &[
        paths::LOGO,
        paths::LOGIN,
        paths::LOGOUT,
        paths::HEALTH,
        "/favicon.ico",
        paths::KEEPALIVE,
        "/api/openapi.json",
        "/api/docs/",
    ];
    EXACT.contains(&path) || PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Middleware: attaches [`CurrentUser`] when there is one and turns anonymous requests to
/// private paths into a sign-in redirect (pages), 401 (API) or an htmx redirect.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        let error = AppError::Internal(anyhow::anyhow!("application state missing"));
        return Ok(req.error_response(error).map_into_right_body());
    };
    let bearer = bearer_token(&req);
    let user = match bearer {
        Some(token) => user_from_token(&state, &token).await,
        None => user_from_session(&state, &req).await,
    };
    let user = match user {
        Ok(user) => user,
        Err(e) => return Ok(req.error_response(e).map_into_right_body()),
    };
    match user {
        Some(user) => {
            req.extensions_mut().insert(user);
        }
        None if is_public(req.path()) => {}
        None => return Ok(refuse_anonymous(req)),
    }
    Ok(next.call(req).await?.map_into_left_body())
}

fn bearer_token(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

async fn user_from_token(state: &AppState, token: &str) -> Result<Option<CurrentUser>, AppError> {
    let user = crate::auth::api_tokens::user_of_access_token(&state.db, token).await?;
    Ok(user.map(|user| CurrentUser {
        user,
        via: AuthVia::Token,
        site_choices: None,
    }))
}

async fn user_from_session(
    state: &AppState,
    req: &ServiceRequest,
) -> Result<Option<CurrentUser>, AppError> {
    let Ok(identity) = req.get_identity() else {
        return Ok(None);
    };
    let Some((id, version)) = identity.id().ok().as_deref().and_then(parse_identity) else {
        identity.logout();
        return Ok(None);
    };
    let found = state
        .db
        .read(move |c| {
            let live = users::find_active(c, id)?.filter(|u| u.session_version == version);
            let Some(user) = live else {
                return Ok(None);
            };
            let site_choices = user
                .role
                .sees_all_sites()
                .then(|| sites::list_site_choices(c))
                .transpose()?;
            Ok(Some((user, site_choices)))
        })
        .await?;
    match found {
        Some((user, site_choices)) => Ok(Some(CurrentUser {
            user,
            via: AuthVia::Session,
            site_choices,
        })),
        None => {
            // Deactivated, deleted or signed out everywhere: this cookie is dead.
            end_session(identity, req);
            Ok(None)
        }
    }
}

fn end_session(identity: Identity, req: &ServiceRequest) {
    identity.logout();
    req.get_session().purge();
}

fn refuse_anonymous<B>(req: ServiceRequest) -> ServiceResponse<EitherBody<B>> {
    let path = req.path();
    let response = if path.starts_with("/api/") {
        return req
            .error_response(AppError::Unauthenticated)
            .map_into_right_body();
    } else {
        let target = req
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        let login = paths::login_with_next(target);
        if req.headers().contains_key("HX-Request") {
            HttpResponse::Unauthorized()
                .insert_header(("HX-Redirect", login))
                .finish()
        } else {
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, login))
                .finish()
        }
    };
    req.into_response(response).map_into_right_body()
}
