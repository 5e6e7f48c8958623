//! Everything the job page shows: the job with its names, its lines, the running totals as
//! they would be invoiced today, and the invoice once completed. The API's job JSON needs only
//! the first part ([`load_lines`]), and a completion answers with it.

use crate::db::invoices::{self, InvoiceRow, PaymentLine};
use crate::db::job_lines::{self, LabourLine, PartLine};
use crate::db::jobs::{self, JobView};
use crate::db::promotions::{self, PromotionRow};
use crate::db::scope::Scope;
use crate::db::sites::SiteRow;
use crate::db::{AnyConnection, DbError};
use crate::domain::ids::SiteId;
use crate::domain::totals::{self, Tax, TaxBase, Totals};

/// A job with its lines and running totals: what the API's job JSON shows.
#[derive(Clone, Debug)]
pub struct JobLines {
    pub view: JobView,
    pub parts: Vec<PartLine>,
    pub labour: Vec<LabourLine>,
    /// The totals before any discount, with the site's tax.
    pub totals: Totals,
    pub site: SiteRow,
}

/// A job and what hangs off it: what its page shows. Its lines and totals are read through
/// [`JobLines`] (`d.view`, `d.parts`, … by `Deref`).
pub struct JobDetail {
    pub lines: JobLines,
    pub invoice: Option<InvoiceRow>,
    pub payments: Vec<PaymentLine>,
    /// Promotions running today at the site (for the complete dialog).
    pub promotions: Vec<PromotionRow>,
}

impl std::ops::Deref for JobDetail {
    type Target = JobLines;

    fn deref(&self) -> &JobLines {
        &self.lines
    }
}

/// The job with its lines in four queries; `None` when the job does not exist for this user.
pub fn load_lines(
    c: &mut AnyConnection,
    scope: &Scope,
    id: i32,
) -> Result<Option<JobLines>, DbError> {
    let Some(view) = jobs::find_job(c, scope, id)? else {
        return Ok(None);
    };
    let site_id = SiteId(view.job.site_id);
    let parts = job_lines::parts_of(c, id, site_id)?;
    let labour = job_lines::labour_of(c, id)?;
    let Some(site) = crate::db::sites::find_site(c, &Scope::everything(), site_id)? else {
        return Ok(None);
    };
    Ok(Some(JobLines::new(view, parts, labour, site)))
}

impl JobLines {
    /// The job with the lines it was read with, totalled at the site's tax.
    pub fn new(
        view: JobView,
        parts: Vec<PartLine>,
        labour: Vec<LabourLine>,
        site: SiteRow,
    ) -> Self {
        let tax = Tax {
            rate_bp: site.tax_rate_bp,
            base: TaxBase::parse(&site.tax_applies_to),
        };
        let part_totals: Vec<i64> = parts.iter().map(PartLine::total_cents).collect();
        let labour_totals: Vec<i64> = labour.iter().map(|l| l.amount_cents).collect();
        let totals = totals::compute(&part_totals, &labour_totals, 0, tax);
        JobLines {
            view,
            parts,
            labour,
            totals,
            site,
        }
    }
}

/// The job page's data in a constant number of queries; `None` when the job does not exist
/// for this user.
pub fn load(c: &mut AnyConnection, scope: &Scope, id: i32) -> Result<Option<JobDetail>, DbError> {
    let Some(lines) = load_lines(c, scope, id)? else {
        return Ok(None);
    };
    let (invoice, payments) = match lines.view.invoice_id {
        Some(invoice_id) => (
            invoices::invoice_of_job(c, id)?,
            invoices::payments_of(c, invoice_id)?,
        ),
        None => (None, Vec::new()),
    };
    let promotions = if lines.view.job.status().is_final() {
        Vec::new()
    } else {
        promotions::running_on(c, super::site_today(&lines.site.timezone))?
    };
    Ok(Some(JobDetail {
        lines,
        invoice,
        payments,
        promotions,
    }))
}
