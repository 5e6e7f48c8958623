use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use crate::auth::current_user::CurrentUser;
use crate::db::customers::HistoryLine;
use crate::db::vehicles::{self, VehicleView};
use crate::error::AppError;
use crate::services::vehicles::delete_vehicle;
use crate::state::AppState;
use crate::web::forms::{Saved, answer_delete};
use crate::web::shell::{Crumb, Shell, page};

#[derive(Template)]
#[template(path = "vehicles/detail.html")]
struct DetailPage {
    shell: Shell,
    v: VehicleView,
    history: Vec<HistoryLine>,
    can_write: bool,
}

impl DetailPage {
    /// When the next service is due by date, if the vehicle was ever serviced.
    fn next_due(&self) -> Option<NaiveDate> {
        let days = u64::try_from(self.v.vehicle.service_interval_days).ok()?;
        self.v
            .vehicle
            .last_serviced?
            .checked_add_days(chrono::Days::new(days))
    }
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let (id, scope) = (id.into_inner(), user.scope(None));
    let (v, history) = state
        .db
        .read(move |c| {
            let Some(v) = vehicles::find_vehicle(c, &scope, id)? else {
                return Ok(None);
            };
            Ok(Some((v, vehicles::history_of(c, &scope, id, 50)?)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Vehicles", "/vehicles"),
        Crumb::here(v.vehicle.license_plate.clone()),
    ];
    let title = format!("{} · {}", v.vehicle.license_plate, v.vehicle.title());
    let shell = Shell::build(&req, &session, &state, &user, &title, crumbs).await?;
    page(&DetailPage {
        shell,
        v,
        history,
        can_write: scope.require_write().is_ok(),
    })
}

pub async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let id = id.into_inner();
    let result = delete_vehicle(&state.db, user.scope(None), user.actor(), id).await;
    let deleted = Saved {
        message: "Vehicle deleted.".into(),
        location: "/vehicles".into(),
    };
    answer_delete(&session, result, deleted, &format!("/vehicles/{id}"))
}
