//! SQL written out as fixed text, for what the query builder cannot say or must not bind.
//!
//! A partial index is only used when the query repeats its condition literally: a bound
//! value never proves it. Diesel's `sql()` literal would do, but it marks the whole statement
//! as not cacheable (its text could change from call to call), so the list that uses it would
//! be prepared again on every request. A `FixedSql` is a `&'static str`: the same text every
//! time, safe to cache.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, TypedExpressionType, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{Bool, SqlType};

/// An expression of SQL type `ST` given as text that never changes.
#[derive(Debug)]
pub struct FixedSql<ST>(&'static str, PhantomData<ST>);

impl<ST> FixedSql<ST> {
    pub const fn new(sql: &'static str) -> Self {
        Self(sql, PhantomData)
    }
}

impl<ST> Clone for FixedSql<ST> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<ST> Copy for FixedSql<ST> {}

/// A condition given as fixed text.
pub type FixedCondition = FixedSql<Bool>;

impl<ST: SqlType + TypedExpressionType> Expression for FixedSql<ST> {
    type SqlType = ST;
}

impl<ST, DB: Backend> QueryFragment<DB> for FixedSql<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.0);
        Ok(())
    }
}

/// Its type does not tell its text apart, so statements are cached by their text.
impl<ST> QueryId for FixedSql<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST, QS> AppearsOnTable<QS> for FixedSql<ST> where FixedSql<ST>: Expression {}

impl<ST, QS> SelectableExpression<QS> for FixedSql<ST> where FixedSql<ST>: Expression {}

impl<ST, GB> ValidGrouping<GB> for FixedSql<ST> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
