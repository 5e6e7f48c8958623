//! `/invoices/{id}`: the invoice's page. Everything below the breadcrumbs is one region
//! ([`InvoiceBody`]) that the payment, reversal, void and link forms replace in place with
//! htmx; without JavaScript the same forms post and come back here.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::document::{Branding, Document, job_path};
use crate::auth::current_user::CurrentUser;
use crate::db::invoices::{self, InvoiceView};
use crate::domain::ids::SiteId;
use crate::domain::role::Role;
use crate::error::{AppError, FieldErrors};
use crate::services::payments::{METHODS, PaymentInput};
use crate::state::AppState;
use crate::web::forms::first_error;
use crate::web::shell::{Crumb, Shell, page};

/// What the user may do on this invoice.
#[derive(Clone, Copy, Debug, Default)]
pub struct Allowed {
    pub pay: bool,
    pub reverse: bool,
    pub void: bool,
    pub link: bool,
}

impl Allowed {
    fn of(user: &CurrentUser, view: &InvoiceView) -> Self {
        let scope = user.scope(None);
        let desk = scope
            .require_site_for_write(SiteId(view.invoice.site_id))
            .is_ok();
        let role = user.user.role;
        let i = &view.invoice;
        let live = i.status != "void";
        Self {
            pay: desk && live && i.balance_cents() > 0,
            reverse: desk && matches!(role, Role::Manager | Role::Superuser) && i.paid_cents > 0,
            void: role == Role::Superuser && live,
            link: desk,
        }
    }
}

/// The forms' typed values and errors, kept when a form comes back refused.
#[derive(Default)]
pub struct Forms {
    pub pay: PaymentInput,
    pub pay_errors: FieldErrors,
    pub reverse_amount: String,
    pub reverse_reason: String,
    pub reverse_errors: FieldErrors,
    pub void_reason: String,
    pub void_errors: FieldErrors,
    /// What the last action did ("Payment recorded. Change to give: 10.00.").
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "invoices/body.html")]
pub struct InvoiceBody {
    id: i32,
    doc: Document,
    job_path: String,
    customer_id: i32,
    share_url: Option<String>,
    receipt_share_url: Option<String>,
    allowed: Allowed,
    forms: Forms,
    csrf: String,
    methods: &'static [(&'static str, &'static str)],
}

impl InvoiceBody {
    fn pay_error(&self, field: &str) -> Option<&str> {
        first_error(&self.forms.pay_errors, field)
    }

    fn reverse_error(&self, field: &str) -> Option<&str> {
        first_error(&self.forms.reverse_errors, field)
    }

    fn void_error(&self, field: &str) -> Option<&str> {
        first_error(&self.forms.void_errors, field)
    }

    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }

    /// The amount field starts at the balance (SPEC §3).
    fn pay_amount(&self) -> String {
        match self.forms.pay.amount_paid.as_deref() {
            Some(typed) => typed.to_owned(),
            None => crate::domain::money::Money::from_cents(self.doc.balance_cents).to_string(),
        }
    }

    fn method_is(&self, method: &str) -> bool {
        self.forms.pay.payment_method.as_deref().unwrap_or("cash") == method
    }
}

#[derive(Template)]
#[template(path = "invoices/detail.html")]
struct DetailPage {
    shell: Shell,
    body: InvoiceBody,
}

/// Reads the invoice, its lines and payments (three queries); 404 outside the user's scope.
pub async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: i32,
) -> Result<(InvoiceView, Document), AppError> {
    super::require_reader(user)?;
    let scope = user.scope(None);
    let (view, lines, payments) = state
        .db
        .read(move |c| {
            let Some(view) = invoices::find_invoice(c, &scope, id)? else {
                return Ok(None);
            };
            let lines = invoices::lines_of(c, id)?;
            let payments = invoices::payments_of(c, id)?;
            Ok(Some((view, lines, payments)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let doc = Document::build(&view, &lines, &payments, Branding::of(&state.settings));
    Ok((view, doc))
}

/// The region for `id` as it is now, with `forms` filled in.
pub async fn body(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    id: i32,
    forms: Forms,
) -> Result<InvoiceBody, AppError> {
    let (view, doc) = load(state, user, id).await?;
    let base = state.settings.base_url.as_str();
    let token = view.invoice.live_token();
    Ok(InvoiceBody {
        id,
        job_path: job_path(&view),
        customer_id: view.invoice.customer_id,
        share_url: token.map(|t| crate::web::paths::share(base, t)),
        receipt_share_url: token.map(|t| crate::web::paths::share_receipt(base, t)),
        allowed: Allowed::of(user, &view),
        doc,
        forms,
        csrf: crate::auth::csrf::token(session),
        methods: &METHODS,
    })
}

/// The whole page around `body`.
pub async fn full_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    body: InvoiceBody,
) -> Result<impl Template, AppError> {
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Invoices", "/invoices"),
        Crumb::here(body.doc.number.clone()),
    ];
    let title = body.doc.number.clone();
    let shell = Shell::build(req, session, state, user, &title, crumbs).await?;
    Ok(DetailPage { shell, body })
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let body = body(&state, &session, &user, id.into_inner(), Forms::default()).await?;
    page(&full_page(&req, &state, &session, &user, body).await?)
}
