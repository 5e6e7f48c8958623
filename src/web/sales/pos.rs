//! The POS screen. `static/pos.js` keeps the cart on the page (scan or search adds, quantities,
//! line totals, total, change); "Complete sale" and "Save draft" post the whole sale in ONE
//! request to `services::jobs::sale::ring_up`, which writes it in one transaction or not at
//! all. After an error the cart comes back as it was, with the problem above it.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::products::{self, SearchHit, SearchRequest};
use crate::db::scope::Scope;
use crate::db::sites::{self, SiteRow};
use crate::domain::ids::SiteId;
use crate::error::{AppError, FieldErrors};
use crate::services::fields::WriteError;
use crate::services::jobs::complete::CompleteInput;
use crate::services::jobs::sale::{self, SaleInput, SaleLine};
use crate::services::notify::Notify;
use crate::services::payments::METHODS;
use crate::state::AppState;
use crate::web::flash;
use crate::web::forms::first_error;
use crate::web::jobs::money;
use crate::web::shell::{Crumb, Shell, page, render, see_other, selected_site};

/// How many products a search offers.
const HITS: i64 = 12;

/// A line of the cart as shown again after an error.
pub struct CartLine {
    pub product: i32,
    pub name: String,
    pub sku: String,
    pub price_cents: i64,
    pub quantity: String,
}

#[derive(Template)]
#[template(path = "sales/pos.html")]
struct PosPage {
    shell: Shell,
    /// The site sold from; `None` until a superuser chooses one.
    site: Option<SiteRow>,
    sites: Vec<(SiteId, String)>,
    lines: Vec<CartLine>,
    v: HashMap<String, String>,
    customer_label: String,
    errors: FieldErrors,
    refusal: Option<String>,
    currency: String,
}

impl PosPage {
    fn v(&self, key: &str) -> &str {
        self.v.get(key).map_or("", String::as_str)
    }

    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }

    fn m(&self, cents: impl crate::web::jobs::AsCents) -> String {
        money(cents.as_cents())
    }

    fn methods(&self) -> &'static [(&'static str, &'static str)] {
        &METHODS
    }

    fn method_is(&self, value: &str) -> bool {
        match self.v("payment_method") {
            "" => value == "cash",
            chosen => chosen == value,
        }
    }

    fn registered(&self) -> bool {
        self.v("customer_mode") == "customer"
    }

    /// Whether the site's tax applies to parts (what a sale sells).
    fn taxes_parts(&self) -> bool {
        self.site
            .as_ref()
            .is_some_and(|s| s.tax_applies_to != "labour")
    }
}

/// The results of a product search at the till.
#[derive(Template)]
#[template(path = "sales/hits.html")]
struct PosHits {
    hits: Vec<SearchHit>,
    q: String,
}

impl PosHits {
    fn m(&self, cents: impl crate::web::jobs::AsCents) -> String {
        money(cents.as_cents())
    }

    fn out(&self, hit: &SearchHit) -> bool {
        hit.available.is_some_and(|a| a <= 0)
    }

    fn stock(&self, hit: &SearchHit) -> String {
        match hit.available {
            Some(a) if a <= 0 => "out of stock".into(),
            Some(a) => format!("{a} available"),
            None => String::new(),
        }
    }

    /// The hit whose SKU is exactly what was typed: a scanner's code.
    fn exact(&self, hit: &SearchHit) -> bool {
        hit.product
            .sku
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(self.q.trim()))
    }
}

/// The site the till sells from: a site user's own; a superuser's choice (`?site=`, the form,
/// or the site switcher). 403 for those who do not sell (HQ, mechanics).
fn till_site(
    user: &CurrentUser,
    session: &Session,
    asked: Option<&str>,
) -> Result<Option<SiteId>, AppError> {
    let scope = user.scope(None);
    scope.require_write()?;
    if let Some(own) = scope.bound_site() {
        return Ok(Some(own));
    }
    let asked = asked.and_then(|s| s.trim().parse::<i32>().ok()).map(SiteId);
    Ok(asked.or_else(|| selected_site(session)))
}

async fn load_site(state: &AppState, site: Option<SiteId>) -> Result<Option<SiteRow>, AppError> {
    let Some(site) = site else {
        return Ok(None);
    };
    Ok(state
        .db
        .read(move |c| sites::find_site(c, &Scope::everything(), site))
        .await?)
}

struct Shown {
    lines: Vec<CartLine>,
    v: HashMap<String, String>,
    errors: FieldErrors,
    refusal: Option<String>,
}

async fn pos_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    site: Option<SiteId>,
    shown: Shown,
) -> Result<PosPage, AppError> {
    let site = load_site(state, site).await?;
    let sites = if user.user.role.sees_all_sites() {
        crate::web::shell::site_choices(state, user).await?
    } else {
        Vec::new()
    };
    let customer = shown
        .v
        .get("customer")
        .and_then(|c| c.trim().parse::<i32>().ok());
    let customer_label = match customer {
        Some(id) => state
            .db
            .read(move |c| crate::db::customers::find_customer(c, id))
            .await?
            .filter(|r| !r.is_walk_in)
            .map(|r| format!("{}, {}", r.last_name, r.first_name))
            .unwrap_or_default(),
        None => String::new(),
    };
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Sales", "/sales"),
        Crumb::here("New sale"),
    ];
    let shell = Shell::build(req, session, state, user, "New sale", crumbs).await?;
    Ok(PosPage {
        shell,
        site,
        sites,
        lines: shown.lines,
        v: shown.v,
        customer_label,
        errors: shown.errors,
        refusal: shown.refusal,
        currency: state.settings.currency.clone(),
    })
}

/// `GET /sales/new`
pub async fn pos(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let site = till_site(&user, &session, query.get("site").map(String::as_str))?;
    let shown = Shown {
        lines: Vec::new(),
        v: HashMap::new(),
        errors: FieldErrors::new(),
        refusal: None,
    };
    page(&pos_page(&req, &state, &session, &user, site, shown).await?)
}

/// `GET /sales/products?site=&q=`: what the till's site has, for the search box.
pub async fn hits(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let site = till_site(&user, &session, query.get("site").map(String::as_str))?;
    let q = query
        .get("q")
        .map(|q| q.trim().to_owned())
        .unwrap_or_default();
    let (Some(site), false) = (site, q.is_empty()) else {
        return page(&PosHits {
            hits: Vec::new(),
            q,
        });
    };
    let scope = user.scope(None);
    let request = SearchRequest {
        q: q.clone(),
        site: Some(site),
        vehicle: String::new(),
        limit: HITS,
    };
    let hits = state
        .db
        .read(move |c| products::search_products(c, &scope, &request))
        .await?;
    page(&PosHits { hits, q })
}

/// The sale as posted: repeated `line_product` / `line_quantity` pairs in order, then the
/// customer and the payment.
fn sale_input(pairs: &[(String, String)]) -> (SaleInput, HashMap<String, String>) {
    let mut products = Vec::new();
    let mut quantities = Vec::new();
    let mut v = HashMap::new();
    for (key, value) in pairs {
        match key.as_str() {
            "line_product" => products.push(value.clone()),
            "line_quantity" => quantities.push(value.clone()),
            _ => {
                v.insert(key.clone(), value.clone());
            }
        }
    }
    let lines = products
        .into_iter()
        .enumerate()
        .map(|(i, product)| SaleLine {
            product: Some(product),
            quantity: Some(quantities.get(i).cloned().unwrap_or_else(|| "1".into())),
        })
        .collect();
    let get = |k: &str| v.get(k).cloned().filter(|s| !s.trim().is_empty());
    let customer = match v.get("customer_mode").map(String::as_str) {
        Some("customer") => Some(get("customer").unwrap_or_else(|| "0".into())),
        _ => None,
    };
    let input = SaleInput {
        customer,
        site: get("site"),
        lines,
        complete: CompleteInput {
            payment_method: get("payment_method"),
            tendered: get("tendered").filter(|_| get("payment_method").as_deref() == Some("cash")),
            payment_reference: get("payment_reference"),
            ..CompleteInput::default()
        },
    };
    (input, v)
}

/// The cart's lines again, named, for the page after an error (one query).
async fn cart_lines(state: &AppState, input: &SaleInput) -> Result<Vec<CartLine>, AppError> {
    let wanted: Vec<(i32, String)> = input
        .lines
        .iter()
        .filter_map(|l| {
            let id = l.product.as_deref()?.trim().parse::<i32>().ok()?;
            Some((id, l.quantity.clone().unwrap_or_default()))
        })
        .collect();
    let ids: Vec<i32> = wanted.iter().map(|(id, _)| *id).collect();
    let found = state
        .db
        .read(move |c| products::products_by_ids(c, &ids))
        .await?;
    Ok(wanted
        .into_iter()
        .filter_map(|(id, quantity)| {
            let p = found.iter().find(|p| p.id == id)?;
            Some(CartLine {
                product: id,
                name: p.name.clone(),
                sku: p.sku.clone().unwrap_or_default(),
                price_cents: p.unit_price_cents,
                quantity,
            })
        })
        .collect())
}

/// `POST /sales/new`: the whole sale. `action=draft` saves it as a Draft; anything else
/// completes it with its payment.
pub async fn ring_up(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let (input, v) = sale_input(&form);
    let complete_now = v.get("action").map(String::as_str) != Some("draft");
    let site = till_site(&user, &session, v.get("site").map(String::as_str))?;
    let notify = Notify::of(&state);
    let result = sale::ring_up(
        &state.db,
        user.scope(None),
        user.actor(),
        input.clone(),
        complete_now,
        notify,
    )
    .await;
    let (status, errors, refusal) = match result {
        Ok(rung) => {
            let message = match &rung.completed {
                Some(done) => {
                    let mut m = format!(
                        "Sale completed. Invoice {} for {}.",
                        done.invoice_number,
                        money(done.total_cents)
                    );
                    if let Some(change) = done.change_cents {
                        m.push_str(&format!(" Change due: {}.", money(change)));
                    }
                    m
                }
                None => "Sale saved as a draft.".to_owned(),
            };
            flash::push(&session, "success", message);
            return Ok(see_other(&format!("/sales/{}", rung.job_id)));
        }
        Err(WriteError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        Err(WriteError::Refused(AppError::BadRequest(m))) => {
            (StatusCode::BAD_REQUEST, FieldErrors::new(), Some(m))
        }
        Err(WriteError::Refused(e)) => return Err(e),
    };
    let shown = Shown {
        lines: cart_lines(&state, &input).await?,
        v,
        errors,
        refusal,
    };
    render(
        status,
        &pos_page(&req, &state, &session, &user, site, shown).await?,
    )
}
