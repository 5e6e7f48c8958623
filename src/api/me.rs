//! `GET /api/v1/me/`: who the token or session belongs to and what they may do.

use actix_web::HttpResponse;
use serde::Serialize;

use crate::auth::current_user::CurrentUser;
use crate::domain::role::Role;

#[derive(Serialize)]
struct SiteRef<'a> {
    id: i32,
    name: &'a str,
}

#[derive(Serialize)]
struct Me<'a> {
    id: i32,
    email: &'a str,
    name: &'a str,
    role: Role,
    site: Option<SiteRef<'a>>,
    site_id: Option<i32>,
    can_write: bool,
    can_see_all_sites: bool,
    is_superuser: bool,
}

pub async fn me(user: CurrentUser) -> HttpResponse {
    let u = &user.user;
    HttpResponse::Ok().json(Me {
        id: u.id.0,
        email: &u.email,
        name: &u.name,
        role: u.role,
        site: u.site.as_ref().map(|(id, name)| SiteRef { id: id.0, name }),
        site_id: u.site.as_ref().map(|(id, _)| id.0),
        can_write: u.role.can_write(),
        can_see_all_sites: u.role.sees_all_sites(),
        is_superuser: u.role == Role::Superuser,
    })
}
