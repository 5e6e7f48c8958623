//! Small htmx fragments for the vehicle form: owners matching what is typed, and the models of
//! the chosen make.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::customers::{self, CustomerRow, CustomerSort};
use crate::db::paging::{Counting, PageRequest};
use crate::domain::vehicle_catalog;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::shell::page;

/// How many owners the picker offers at once.
const OWNER_CHOICES: i64 = 20;

#[derive(Template)]
#[template(path = "vehicles/customer_options.html")]
struct CustomerOptions {
    customers: Vec<CustomerRow>,
    q: String,
}

#[derive(Template)]
#[template(path = "vehicles/model_options.html")]
struct ModelOptions {
    models: &'static [&'static str],
}

pub async fn customers(
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let q = params
        .get("customer_q")
        .map(|v| v.trim().to_owned())
        .unwrap_or_default();
    let search = q.clone();
    let request = PageRequest {
        page: 1,
        size: OWNER_CHOICES,
    };
    let rows = state
        .db
        .read(move |c| {
            customers::list_customers(c, &search, CustomerSort::Name, request, Counting::Capped)
        })
        .await?;
    page(&CustomerOptions {
        customers: rows.items,
        q,
    })
}

pub async fn models(
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let make = params.get("make").map(String::as_str).unwrap_or_default();
    page(&ModelOptions {
        models: vehicle_catalog::models_of(make),
    })
}
