//! Sites as the shell needs them; the full site pages come with the master-data area.

use diesel::prelude::*;

use super::schema::sites;
use super::{AnyConnection, DbError};
use crate::domain::ids::SiteId;

/// Id and name of every active site, by name, for the site switcher.
pub fn list_site_choices(conn: &mut AnyConnection) -> Result<Vec<(SiteId, String)>, DbError> {
    let rows: Vec<(i32, String)> = sites::table
        .filter(sites::is_active.eq(true))
        .order(sites::name.asc())
        .select((sites::id, sites::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| (SiteId(id), name))
        .collect())
}
