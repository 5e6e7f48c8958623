use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::outbox_list::{self, CHANNELS, KINDS, MessageLine, STATUSES};
use crate::db::paging::{Counting, Page, PageRequest};
use crate::error::AppError;
use crate::services::messages::{can_retry, filter_of, require_reader};
use crate::state::AppState;
use crate::web::pager::Pager;
use crate::web::shell::{Crumb, Shell, page};

/// The table and pagination, swapped in place when a filter changes.
#[derive(Template)]
#[template(path = "messages/results.html")]
pub struct Results {
    page: Page<MessageLine>,
    pager: Pager,
    filtered: bool,
    can_retry: bool,
    csrf: String,
}

impl Results {
    fn when(&self, at: &chrono::NaiveDateTime) -> String {
        super::utc(at)
    }
}

#[derive(Template)]
#[template(path = "messages/list.html")]
struct ListPage {
    shell: Shell,
    results: Results,
    status: String,
    channel: String,
    kind: String,
    from: String,
    to: String,
    statuses: &'static [&'static str],
    channels: &'static [&'static str],
    kinds: &'static [(&'static str, &'static str)],
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope(crate::web::shell::selected_site(&session));
    require_reader(&scope)?;
    let params = params.into_inner();
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let filter = filter_of(&params);
    let filtered = filter.status.is_some()
        || filter.channel.is_some()
        || filter.kind.is_some()
        || filter.from.is_some()
        || filter.to.is_some()
        || filter.customer.is_some();
    let request = PageRequest::parse(
        params.get("page").map(String::as_str),
        params.get("page_size").map(String::as_str),
    );
    let rows = state
        .db
        .read(move |c| outbox_list::list_messages(c, &scope, &filter, request, Counting::Capped))
        .await?;
    let (status, channel, kind, from, to) = (
        get("status"),
        get("channel"),
        get("kind"),
        get("from"),
        get("to"),
    );
    let customer = get("customer_id");
    let pager_params = [
        ("status", status.as_str()),
        ("channel", channel.as_str()),
        ("kind", kind.as_str()),
        ("from", from.as_str()),
        ("to", to.as_str()),
        ("customer_id", customer.as_str()),
    ];
    let pager = Pager::new("/messages", &pager_params, &rows, "messages");
    let results = Results {
        page: rows,
        pager,
        filtered,
        can_retry: can_retry(&scope),
        csrf: crate::auth::csrf::token(&session),
    };
    if req.headers().contains_key("HX-Request") && !req.headers().contains_key("HX-Boosted") {
        return page(&results);
    }
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Messages")];
    let shell = Shell::build(&req, &session, &state, &user, "Messages", crumbs).await?;
    page(&ListPage {
        shell,
        results,
        status,
        channel,
        kind,
        from,
        to,
        statuses: STATUSES,
        channels: CHANNELS,
        kinds: KINDS,
    })
}
