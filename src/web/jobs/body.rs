//! The job body: the part of a job's page that every action changes (header and moves, cards,
//! lines, totals, the complete panel, the invoice card). An htmx action gets it back alone
//! (`#job-body`, swapped whole, so totals and buttons can never disagree with the lines); see
//! [`super::ctx`] for how actions answer.

use askama::Template;

use super::base_for;
use super::complete::{CompleteSummary, summarise};
use super::lines::PartHits;
use crate::auth::current_user::CurrentUser;
use crate::db::job_lines::PartLine;
use crate::db::mechanics::mechanic_choices;
use crate::db::products::{SearchRequest, search_products};
use crate::domain::ids::SiteId;
use crate::domain::job_status::JobStatus;
use crate::domain::percent::BasisPoints;
use crate::domain::role::Role;
use crate::error::{AppError, FieldErrors};
use crate::services::jobs::complete::CompleteInput;
use crate::services::jobs::detail::{self, JobDetail};
use crate::services::jobs::lines::{LabourInput, PartInput};
use crate::services::jobs::{require_desk, require_line_writer, sets_prices};
use crate::services::payments::{METHODS, PaymentInput, method_label};
use crate::state::AppState;

/// What the user may do on this job.
#[derive(Clone, Copy, Debug, Default)]
pub struct Powers {
    /// The front desk of the job's site: assign, move, cancel, delete, complete, take payments.
    pub desk: bool,
    /// Adds and changes lines (front desk, or the assigned mechanic) while the job is open.
    pub lines: bool,
    /// A mechanic who can start this pending job.
    pub start: bool,
    /// Sees the invoice and its payments (everyone but mechanics).
    pub invoice: bool,
    /// Sets unit prices on part lines.
    pub prices: bool,
}

/// The state of the body's forms: what was typed, the errors, which panel is open, and the
/// message of the action just done.
#[derive(Default)]
pub struct Forms {
    pub notice: Option<String>,
    /// A refusal to show above the form it came from (`"complete"`, `"part"`, …).
    pub refusal: Option<(&'static str, String)>,
    /// The form the field errors belong to.
    pub errors_for: &'static str,
    pub errors: FieldErrors,
    pub part: PartInput,
    /// The product search typed in the add-part box.
    pub part_q: String,
    pub labour: LabourInput,
    pub edit_part: Option<(i32, PartInput)>,
    pub edit_labour: Option<(i32, LabourInput)>,
    /// The complete panel, open with what was typed.
    pub complete: Option<CompleteInput>,
    pub payment: PaymentInput,
    pub cancel_reason: String,
}

#[derive(Template)]
#[template(path = "jobs/body.html")]
pub struct JobBody {
    pub d: JobDetail,
    /// `/service-requests` or `/sales`, from the job's kind.
    pub base: &'static str,
    pub csrf: String,
    pub can: Powers,
    /// The site's active mechanics, when the user may assign one.
    pub mechanics: Vec<(i32, String)>,
    /// Products matching the add-part search (without JavaScript, or after Enter).
    pub hits: PartHits,
    pub f: Forms,
    pub summary: Option<CompleteSummary>,
    pub currency: String,
}

impl JobBody {
    pub fn id(&self) -> i32 {
        self.d.view.job.id
    }

    pub fn is_sale(&self) -> bool {
        self.d.view.job.is_sale()
    }

    pub fn status(&self) -> JobStatus {
        self.d.view.job.status()
    }

    pub fn is_open(&self) -> bool {
        !self.status().is_final()
    }

    /// This job's URL, followed by `tail`.
    pub fn path(&self, tail: &str) -> String {
        format!("{}/{}{tail}", self.base, self.id())
    }

    pub fn m(&self, cents: impl crate::web::jobs::AsCents) -> String {
        super::money(cents.as_cents())
    }

    pub fn when(&self, at: &chrono::NaiveDateTime) -> String {
        crate::web::dates::local_time(*at, &self.d.site.timezone)
    }

    pub fn status_badge(&self) -> &'static str {
        super::status_badge(&self.d.view.job.status)
    }

    /// The first error of `field` when it belongs to `form`.
    pub fn err(&self, form: &str, field: &str) -> Option<&str> {
        if self.f.errors_for != form {
            return None;
        }
        crate::web::forms::first_error(&self.f.errors, field)
    }

    /// Whether `form` came back with field errors.
    pub fn has_errors(&self, form: &str) -> bool {
        self.f.errors_for == form && !self.f.errors.is_empty()
    }

    /// A refusal of the action of `form`.
    pub fn refusal(&self, form: &str) -> Option<&str> {
        match &self.f.refusal {
            Some((at, message)) if *at == form => Some(message),
            _ => None,
        }
    }

    pub fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }

    /// The status moves the front desk may make by hand, with their button words.
    pub fn moves(&self) -> Vec<(&'static str, &'static str)> {
        if !self.can.desk {
            return Vec::new();
        }
        self.status()
            .next_steps()
            .iter()
            .map(|s| match s {
                JobStatus::Pending => (s.as_str(), "Mark pending"),
                _ => (s.as_str(), "Start work"),
            })
            .collect()
    }

    pub fn editing_part(&self, line: &i32) -> Option<&PartInput> {
        match &self.f.edit_part {
            Some((id, input)) if id == line => Some(input),
            _ => None,
        }
    }

    pub fn editing_labour(&self, line: &i32) -> Option<&LabourInput> {
        match &self.f.edit_labour {
            Some((id, input)) if id == line => Some(input),
            _ => None,
        }
    }

    /// "Tax 16%" (or "Tax" when the site charges none).
    pub fn tax_label(&self) -> String {
        match self.d.site.tax_rate_bp {
            0 => "Tax".into(),
            bp => format!("Tax {}%", BasisPoints::from_stored(bp).display()),
        }
    }

    pub fn methods(&self) -> &'static [(&'static str, &'static str)] {
        &METHODS
    }

    pub fn method_label(&self, method: &str) -> &'static str {
        method_label(method)
    }

    pub fn invoice_badge(&self, status: &str) -> (&'static str, &'static str) {
        super::invoice_badge(status)
    }

    /// What is owed on the invoice.
    pub fn balance(&self) -> i64 {
        self.d
            .invoice
            .as_ref()
            .map_or(0, crate::db::invoices::InvoiceRow::balance_cents)
    }

    pub fn has_lines(&self) -> bool {
        !self.d.parts.is_empty() || !self.d.labour.is_empty()
    }

    /// The payment form's amount: as typed, else the balance.
    pub fn payment_amount(&self) -> String {
        match self.f.payment.amount_paid.as_deref() {
            Some(typed) => typed.to_owned(),
            None => super::money(self.balance()),
        }
    }

    /// Whether `value` is the method typed into the payment form (cash when none).
    pub fn payment_method_is(&self, value: &str) -> bool {
        self.f.payment.payment_method.as_deref().unwrap_or("cash") == value
    }

    /// Whether the form `form` is on the body as rendered (a refusal shows above it).
    fn shows_form(&self, form: &str) -> bool {
        match form {
            "complete" => self.can.desk && self.is_open() && self.summary.is_some(),
            "payment" => self.can.desk && self.can.invoice && self.balance() > 0,
            "part" | "labour" => self.can.lines,
            "cancel" => self.can.desk && self.is_open(),
            "edit_part" => self.can.lines && self.f.edit_part.is_some(),
            "edit_labour" => self.can.lines && self.f.edit_labour.is_some(),
            _ => false,
        }
    }

    /// A refusal whose form is not on the page (or that has none), shown at the top.
    pub fn top_refusal(&self) -> Option<&str> {
        match &self.f.refusal {
            Some((at, message)) if !self.shows_form(at) => Some(message),
            _ => None,
        }
    }

    /// A field of the complete panel as typed.
    pub fn cv(&self, key: &str) -> &str {
        let Some(c) = &self.f.complete else {
            return "";
        };
        let value = match key {
            "promotion_id" => &c.promotion_id,
            "discount_amount" => &c.discount_amount,
            "odometer_km" => &c.odometer_km,
            "payment_method" => &c.payment_method,
            "amount_paid" => &c.amount_paid,
            "tendered" => &c.tendered,
            "payment_reference" => &c.payment_reference,
            _ => return "",
        };
        value.as_deref().unwrap_or("")
    }

    pub fn cv_is(&self, key: &str, value: &str) -> bool {
        self.cv(key) == value
    }

    /// A field of the payment form as typed.
    pub fn pv(&self, key: &str) -> &str {
        let p = &self.f.payment;
        let value = match key {
            "tendered" => &p.tendered,
            "payment_reference" => &p.payment_reference,
            _ => return "",
        };
        value.as_deref().unwrap_or("")
    }

    /// Hours in hundredths as typed: "1.5".
    pub fn hours(&self, hundredths: &i32) -> String {
        rust_decimal::Decimal::new(i64::from(*hundredths), 2)
            .normalize()
            .to_string()
    }

    /// What the site has of a line's product: (short or missing, words).
    pub fn availability(&self, p: &PartLine) -> (bool, String) {
        match p.available() {
            None => (true, "Not stocked".into()),
            Some(a) if a < p.line.quantity => (true, format!("{} · short", a.max(0))),
            Some(a) => (false, a.to_string()),
        }
    }

    pub fn promotion_is(&self, id: &i32) -> bool {
        self.cv("promotion_id") == id.to_string()
    }

    pub fn mechanic_is(&self, id: &i32) -> bool {
        self.d.view.job.assigned_mechanic_id == Some(*id)
    }
}

/// What `user` may do on the job in `d`.
fn powers(user: &CurrentUser, d: &JobDetail) -> Powers {
    let scope = user.scope(None);
    let job = &d.view.job;
    let open = !job.status().is_final();
    let mechanic = user.user.role == Role::Mechanic;
    Powers {
        desk: require_desk(&scope, job.site_id).is_ok(),
        lines: open && require_line_writer(&scope, job).is_ok(),
        start: mechanic && job.status() == JobStatus::Pending,
        invoice: !mechanic,
        prices: sets_prices(&scope),
    }
}

/// The body of job `id` as `user` sees it, with the forms in `f`; 404 when it does not exist
/// for them.
pub async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: i32,
    f: Forms,
    csrf: String,
) -> Result<JobBody, AppError> {
    let scope = user.scope(None);
    let q = f.part_q.trim().to_owned();
    let (d, mechanics, hits) = state
        .db
        .read(move |c| {
            let Some(d) = detail::load(c, &scope, id)? else {
                return Ok(None);
            };
            let job = &d.view.job;
            let assigns = !job.is_sale()
                && !job.status().is_final()
                && require_desk(&scope, job.site_id).is_ok();
            let mechanics = if assigns {
                mechanic_choices(c, Some(job.site_id), true)?
            } else {
                Vec::new()
            };
            let hits = if q.is_empty() {
                Vec::new()
            } else {
                let request = SearchRequest {
                    q,
                    site: Some(SiteId(job.site_id)),
                    vehicle: d.view.vehicle_display().unwrap_or_default(),
                    limit: 10,
                };
                search_products(c, &scope, &request)?
            };
            Ok(Some((d, mechanics, hits)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let base = base_for(d.view.job.is_sale());
    let hits = PartHits {
        hits,
        q: f.part_q.trim().to_owned(),
    };
    let summary = f
        .complete
        .as_ref()
        .map(|input| summarise(&d, input, base, &state.settings.currency));
    Ok(JobBody {
        can: powers(user, &d),
        d,
        base,
        csrf,
        mechanics,
        hits,
        f,
        summary,
        currency: state.settings.currency.clone(),
    })
}
