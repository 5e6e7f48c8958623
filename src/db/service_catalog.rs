//! The service catalogue (seeded by migration 3): categories and their service types, in the
//! order the front desk knows them.

use diesel::prelude::*;

use super::schema::{service_categories, service_types};
use super::{AnyConnection, DbError};

/// Every category, in order: (id, name).
pub fn categories(conn: &mut AnyConnection) -> Result<Vec<(i32, String)>, DbError> {
    Ok(service_categories::table
        .order((
            service_categories::position.asc(),
            service_categories::name.asc(),
        ))
        .select((service_categories::id, service_categories::name))
        .load(conn)?)
}

/// The service types of a category, in order: (id, name).
pub fn types_of(conn: &mut AnyConnection, category: i32) -> Result<Vec<(i32, String)>, DbError> {
    Ok(service_types::table
        .filter(service_types::category_id.eq(category))
        .order((service_types::position.asc(), service_types::name.asc()))
        .select((service_types::id, service_types::name))
        .load(conn)?)
}

/// The category of a service type, if the type exists.
pub fn category_of(conn: &mut AnyConnection, service_type: i32) -> Result<Option<i32>, DbError> {
    Ok(service_types::table
        .find(service_type)
        .select(service_types::category_id)
        .first(conn)
        .optional()?)
}
