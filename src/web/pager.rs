//! Previous/next links for a list page that keep the other query parameters (filters, sort),
//! so every list view is bookmarkable.

use crate::db::paging::Page;

/// What the pagination bar shows.
pub struct Pager {
    pub summary: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// Nothing to count and nowhere to go: the list's empty state says it all.
    pub hidden: bool,
}

impl Pager {
    /// For `page` of the list at `path` filtered by `params` (without `page`).
    pub fn new<T>(path: &str, params: &[(&str, &str)], page: &Page<T>, noun: &str) -> Self {
        let link = |target: i64| {
            let mut pairs: Vec<(&str, String)> = params
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (*k, (*v).to_owned()))
                .collect();
            pairs.push(("page", target.to_string()));
            format!(
                "{path}?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        };
        let summary = if page.total == 0 {
            format!("No {noun}")
        } else if page.total_is_capped() {
            format!(
                "Showing {}–{} of more than {} {noun}",
                page.first_index(),
                page.last_index(),
                page.total - 1
            )
        } else {
            format!(
                "Showing {}–{} of {} {noun}",
                page.first_index(),
                page.last_index(),
                page.total
            )
        };
        Self {
            summary,
            hidden: page.total == 0 && !page.has_previous(),
            previous: page.has_previous().then(|| link(page.page - 1)),
            next: page.has_next().then(|| link(page.page + 1)),
        }
    }
}
