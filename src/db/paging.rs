//! Pagination done in SQL: a page request parsed leniently from the URL (nonsense falls back to
//! the defaults, never an error) and a page of rows with its total.

use serde::Serialize;

pub const DEFAULT_PAGE_SIZE: i64 = 25;
pub const MAX_PAGE_SIZE: i64 = 500;

/// Pages that count with [`Counting::Capped`] count this many pages ahead and no further.
pub const PAGES_COUNTED_AHEAD: i64 = 10;

/// How a list counts its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    /// Every matching row: the JSON API promises an exact `count`.
    Exact,
    /// At most [`PageRequest::count_cap`] rows: enough for the pager, and cheap whatever the
    /// table's size, where counting every match of a broad search reads every match. The
    /// pager then says "more than …".
    Capped,
}

/// The [`Counting::Capped`] total of the rows that `$rows` selects in the list's order and
/// `$all` counts (two expressions building fresh boxed queries of the same filter): `$cap`
/// when a row lies at or beyond it, else the exact count. The probe steps over the rows inside
/// the database (`OFFSET`) instead of handing `$cap` ids over one by one to be counted, in the
/// list's own order so it walks the index the page will; only a short list is counted.
macro_rules! capped_total {
    ($conn:expr, $cap:expr, rows: $rows:expr, all: $all:expr, $id:expr) => {{
        let cap: i64 = $cap;
        let beyond: Vec<i32> = $rows.select($id).offset(cap - 1).limit(1).load($conn)?;
        if beyond.is_empty() {
            $all.count().get_result::<i64>($conn)?
        } else {
            cap
        }
    }};
}
pub(crate) use capped_total;

/// Which slice of a list to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub size: i64,
}

impl PageRequest {
    /// From `?page=` and `?page_size=` as typed; bad values become the defaults.
    pub fn parse(page: Option<&str>, size: Option<&str>) -> Self {
        let page = page
            .and_then(|p| p.trim().parse::<i64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1);
        let size = size
            .and_then(|s| s.trim().parse::<i64>().ok())
            .filter(|s| *s >= 1)
            .map(|s| s.min(MAX_PAGE_SIZE))
            .unwrap_or(DEFAULT_PAGE_SIZE);
        Self {
            page: page.min(1_000_000),
            size,
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.size
    }

    /// The rows a [`Counting::Capped`] count stops at: those up to [`PAGES_COUNTED_AHEAD`]
    /// pages after this one, plus one to tell that more follow.
    pub fn count_cap(&self) -> i64 {
        self.offset() + self.size * PAGES_COUNTED_AHEAD + 1
    }
}

/// A page of rows and where it sits in the whole list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub size: i64,
}

impl<T> Page<T> {
    /// The rows of `request`'s page, of `total` in all (as counted).
    pub fn new(request: PageRequest, items: Vec<T>, total: i64) -> Self {
        Self {
            items,
            total,
            page: request.page,
            size: request.size,
        }
    }

    /// No rows at all.
    pub fn empty(request: PageRequest) -> Self {
        Self::new(request, Vec::new(), 0)
    }

    /// Whether `total` is a [`Counting::Capped`] count that stopped at the cap: the list holds
    /// more than `total - 1` rows, how many more is unknown.
    pub fn total_is_capped(&self) -> bool {
        let request = PageRequest {
            page: self.page,
            size: self.size,
        };
        self.total >= request.count_cap()
    }

    pub fn pages(&self) -> i64 {
        ((self.total + self.size - 1) / self.size).max(1)
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    /// 1-based index of the first row shown (0 when empty).
    pub fn first_index(&self) -> i64 {
        if self.items.is_empty() {
            0
        } else {
            (self.page - 1) * self.size + 1
        }
    }

    pub fn last_index(&self) -> i64 {
        (self.page - 1) * self.size + self.items.len() as i64
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            size: self.size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonsense_page_parameters_fall_back_to_defaults() {
        assert_eq!(
            PageRequest::parse(Some("abc"), Some("-5")),
            PageRequest {
                page: 1,
                size: DEFAULT_PAGE_SIZE
            }
        );
        assert_eq!(
            PageRequest::parse(Some("3"), Some("9999")),
            PageRequest {
                page: 3,
                size: MAX_PAGE_SIZE
            }
        );
    }

    #[test]
    fn a_page_knows_its_neighbours() {
        let page = Page {
            items: vec![1, 2],
            total: 27,
            page: 2,
            size: 25,
        };
        assert_eq!(
            (page.pages(), page.has_previous(), page.has_next()),
            (2, true, false)
        );
        assert_eq!((page.first_index(), page.last_index()), (26, 27));
        assert!(!page.total_is_capped());
    }

    #[test]
    fn a_capped_count_still_leads_to_the_next_page() {
        let request = PageRequest { page: 2, size: 25 };
        assert_eq!(request.count_cap(), 25 + 250 + 1);
        let page = Page {
            items: vec![0; 25],
            total: request.count_cap(),
            page: 2,
            size: 25,
        };
        assert!(page.total_is_capped() && page.has_next());
    }
}
