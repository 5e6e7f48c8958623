//! Part and labour lines on the job page: the product typeahead (stock at the job's site),
//! adding (a scanned or typed SKU that matches exactly is added at once), inline editing and
//! removing. Each answers with the job body.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::body::Forms;
use super::{Fields, field};
use crate::auth::current_user::CurrentUser;
use crate::db::products::{self, SearchHit, SearchRequest};
use crate::db::{job_lines, jobs};
use crate::domain::ids::SiteId;
use crate::error::AppError;
use crate::services::jobs::lines::{self as service, LabourInput, PartInput};
use crate::state::AppState;
use crate::web::shell::page;

/// How many products the typeahead offers.
const HITS: i64 = 10;

#[derive(Template)]
#[template(path = "jobs/hits.html")]
pub struct PartHits {
    pub hits: Vec<SearchHit>,
    pub q: String,
}

impl PartHits {
    pub fn m(&self, cents: impl crate::web::jobs::AsCents) -> String {
        super::money(cents.as_cents())
    }

    /// Nothing left to take at the site.
    pub fn out(&self, hit: &SearchHit) -> bool {
        hit.available.is_some_and(|a| a <= 0)
    }

    pub fn stock(&self, hit: &SearchHit) -> String {
        match hit.available {
            Some(a) if a <= 0 => "out of stock".into(),
            Some(a) => format!("{a} available"),
            None => String::new(),
        }
    }
}

type JobPath = web::Path<i32>;
type LinePath = web::Path<(i32, i32)>;

/// `GET …/{id}/products?q=`: products stocked at the job's site, with what is available.
pub async fn product_hits(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: JobPath,
    query: web::Query<Fields>,
) -> Result<HttpResponse, AppError> {
    let (id, scope) = (id.into_inner(), user.scope(None));
    let q = field(&query, "q").unwrap_or_default().trim().to_owned();
    let search = q.clone();
    let hits = state
        .db
        .read(move |c| {
            let Some(job) = jobs::find_job(c, &scope, id)? else {
                return Ok(None);
            };
            if search.is_empty() {
                return Ok(Some(Vec::new()));
            }
            let request = SearchRequest {
                q: search,
                site: Some(SiteId(job.job.site_id)),
                vehicle: job.vehicle_display().unwrap_or_default(),
                limit: HITS,
            };
            Ok(Some(products::search_products(c, &scope, &request)?))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    page(&PartHits { hits, q })
}

/// The product whose SKU is exactly `q` (ignoring case): what a barcode scanner types.
async fn exact_sku(state: &AppState, q: &str) -> Result<Option<i32>, AppError> {
    let sku = q.to_owned();
    Ok(state
        .db
        .read(move |c| products::product_with_sku(c, &sku, None))
        .await?)
}

fn part_input(form: &Fields) -> PartInput {
    PartInput {
        product: field(form, "product"),
        quantity: field(form, "quantity"),
        unit_price: field(form, "unit_price"),
    }
}

fn labour_input(form: &Fields) -> LabourInput {
    LabourInput {
        description: field(form, "description"),
        hours: field(form, "hours"),
        hourly_rate: field(form, "hourly_rate"),
        amount: field(form, "amount"),
    }
}

/// `POST …/{id}/parts`. Without a chosen product the typed text is a search (Enter in the
/// box), unless it is a SKU exactly, which adds that product.
pub async fn add_part(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: JobPath,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let (id, ctx) = (id.into_inner(), ctx!(req, state, session, user));
    let mut input = part_input(&form);
    let q = field(&form, "q").unwrap_or_default().trim().to_owned();
    let chosen = input
        .product
        .as_deref()
        .is_some_and(|p| !p.trim().is_empty());
    if !chosen && !q.is_empty() {
        match exact_sku(&state, &q).await? {
            Some(product) => input.product = Some(product.to_string()),
            None => {
                let f = Forms {
                    part: input,
                    part_q: q,
                    ..Forms::default()
                };
                return ctx.respond(id, f, StatusCode::OK).await;
            }
        }
    }
    let f = Forms {
        part: input.clone(),
        part_q: q,
        ..Forms::default()
    };
    let result = service::add_part(&state.db, user.scope(None), user.actor(), id, input)
        .await
        .map(|_| "Part added.".to_owned());
    ctx.answer(id, result, "part", f).await
}

/// 404 unless the part line belongs to job `id` (the path must not lie about the line).
async fn part_of_job(state: &AppState, id: i32, line: i32) -> Result<job_lines::PartRow, AppError> {
    state
        .db
        .read(move |c| job_lines::find_part(c, line))
        .await?
        .filter(|l| l.service_request_id == id)
        .ok_or(AppError::NotFound)
}

async fn labour_of_job(
    state: &AppState,
    id: i32,
    line: i32,
) -> Result<job_lines::LabourLine, AppError> {
    state
        .db
        .read(move |c| job_lines::find_labour(c, line))
        .await?
        .filter(|l| l.service_request_id == id)
        .ok_or(AppError::NotFound)
}

/// `GET …/{id}/parts/{line}/edit`: the line as a small form in its row.
pub async fn edit_part_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: LinePath,
) -> Result<HttpResponse, AppError> {
    let ((id, line), ctx) = (path.into_inner(), ctx!(req, state, session, user));
    let row = part_of_job(&state, id, line).await?;
    let input = PartInput {
        product: None,
        quantity: Some(row.quantity.to_string()),
        unit_price: Some(super::money(row.unit_price_cents)),
    };
    let f = Forms {
        edit_part: Some((line, input)),
        ..Forms::default()
    };
    ctx.respond(id, f, StatusCode::OK).await
}

/// `POST …/{id}/parts/{line}`: a new quantity (and, front desk, unit price).
pub async fn edit_part(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: LinePath,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let ((id, line), ctx) = (path.into_inner(), ctx!(req, state, session, user));
    part_of_job(&state, id, line).await?;
    let input = part_input(&form);
    let f = Forms {
        edit_part: Some((line, input.clone())),
        ..Forms::default()
    };
    let result = service::edit_part(&state.db, user.scope(None), user.actor(), line, input)
        .await
        .map(|_| "Part line saved.".to_owned());
    ctx.answer(id, result, "edit_part", f).await
}

/// `POST …/{id}/parts/{line}/remove`.
pub async fn remove_part(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: LinePath,
) -> Result<HttpResponse, AppError> {
    let ((id, line), ctx) = (path.into_inner(), ctx!(req, state, session, user));
    part_of_job(&state, id, line).await?;
    let result = service::remove_part(&state.db, user.scope(None), user.actor(), line)
        .await
        .map(|_| "Part removed.".to_owned());
    ctx.answer(id, result, "parts", Forms::default()).await
}

/// `POST …/{id}/labour`.
pub async fn add_labour(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: JobPath,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let (id, ctx) = (id.into_inner(), ctx!(req, state, session, user));
    let input = labour_input(&form);
    let f = Forms {
        labour: input.clone(),
        ..Forms::default()
    };
    let result = service::add_labour(&state.db, user.scope(None), user.actor(), id, input)
        .await
        .map(|_| "Labour added.".to_owned());
    ctx.answer(id, result, "labour", f).await
}

/// `GET …/{id}/labour/{line}/edit`.
pub async fn edit_labour_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: LinePath,
) -> Result<HttpResponse, AppError> {
    let ((id, line), ctx) = (path.into_inner(), ctx!(req, state, session, user));
    let row = labour_of_job(&state, id, line).await?;
    let by_hour = row.hours_hundredths.zip(row.hourly_rate_cents);
    let input = LabourInput {
        description: Some(row.description.clone()),
        hours: by_hour.map(|(h, _)| {
            rust_decimal::Decimal::new(i64::from(h), 2)
                .normalize()
                .to_string()
        }),
        hourly_rate: by_hour.map(|(_, r)| super::money(r)),
        amount: by_hour.is_none().then(|| super::money(row.amount_cents)),
    };
    let f = Forms {
        edit_labour: Some((line, input)),
        ..Forms::default()
    };
    ctx.respond(id, f, StatusCode::OK).await
}

/// `POST …/{id}/labour/{line}`.
pub async fn edit_labour(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: LinePath,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let ((id, line), ctx) = (path.into_inner(), ctx!(req, state, session, user));
    labour_of_job(&state, id, line).await?;
    let input = labour_input(&form);
    let f = Forms {
        edit_labour: Some((line, input.clone())),
        ..Forms::default()
    };
    let result = service::edit_labour(&state.db, user.scope(None), user.actor(), line, input)
        .await
        .map(|_| "Labour line saved.".to_owned());
    ctx.answer(id, result, "edit_labour", f).await
}

/// `POST …/{id}/labour/{line}/remove`.
pub async fn remove_labour(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: LinePath,
) -> Result<HttpResponse, AppError> {
    let ((id, line), ctx) = (path.into_inner(), ctx!(req, state, session, user));
    labour_of_job(&state, id, line).await?;
    let result = service::remove_labour(&state.db, user.scope(None), user.actor(), line)
        .await
        .map(|_| "Labour removed.".to_owned());
    ctx.answer(id, result, "labour_lines", Forms::default())
        .await
}
