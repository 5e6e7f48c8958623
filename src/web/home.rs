//! The home page: a greeting and the quick actions the user's role can take.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::nav::area;
use super::shell::{Crumb, Shell, page};
use crate::auth::current_user::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;

/// A big link on the home page.
pub struct QuickAction {
    pub title: &'static str,
    pub text: &'static str,
    pub href: &'static str,
    pub icon: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    first_name: String,
    actions: Vec<QuickAction>,
}

const ACTIONS: &[(&str, &str, &str)] = &[
    (
        "service-requests",
        "New service request",
        "Book a vehicle in and track the job to the invoice.",
    ),
    (
        "sales",
        "New sale",
        "Sell parts over the counter: scan, pay, print.",
    ),
    (
        "my-jobs",
        "My jobs",
        "See what is assigned to you and start the next job.",
    ),
    (
        "dashboard",
        "Dashboard",
        "Today's revenue, jobs by status and stock alerts.",
    ),
    (
        "customers",
        "Customers",
        "Find a customer by name, phone or plate.",
    ),
    (
        "inventory",
        "Inventory",
        "Check stock, receive deliveries, count shelves.",
    ),
    ("sites", "Sites", "Add and edit your workshop locations."),
    ("staff", "Staff", "Invite colleagues and give them a role."),
];

/// `GET /`
pub async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let role = user.user.role;
    let actions = ACTIONS
        .iter()
        .filter_map(|(key, title, text)| {
            let area = area(key)?;
            area.allows(role).then_some(QuickAction {
                title,
                text,
                href: area.path,
                icon: area.icon,
            })
        })
        .collect();
    let shell = Shell::build(
        &req,
        &session,
        &state,
        &user,
        "Home",
        vec![Crumb::here("Home")],
    )
    .await?;
    let first_name = user
        .user
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    page(&HomePage {
        shell,
        first_name,
        actions,
    })
}
