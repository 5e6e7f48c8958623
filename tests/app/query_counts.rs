//! A list costs a constant number of queries, whatever its length (no N+1): every list page and
//! list API is asked for with 3 rows and with 30, and must cost the same.

use workshop::db::customers::{CustomerFields, insert_customer};
use workshop::domain::ids::UserId;
use workshop::domain::role::Role;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_databases;

on_both_databases!(list_pages_cost_constant_queries);

/// What a list shows, so the test can add rows to it.
#[derive(Clone, Copy, Debug)]
enum Rows {
    Customers,
    Sites,
}

/// Every list page and list API route, with the rows it lists. Add each new list here.
const LISTS: &[(&str, Rows)] = &[
    ("/customers?page_size=50", Rows::Customers),
    ("/customers?page_size=50&sort=newest", Rows::Customers),
    ("/customers?page_size=50&q=a", Rows::Customers),
    ("/sites?page_size=50", Rows::Sites),
    ("/api/v1/customers/?page_size=50", Rows::Customers),
    ("/api/v1/sites/?page_size=50", Rows::Sites),
];

/// Adds `n` rows of a kind, numbered from `from`.
async fn add_rows(app: &TestApp, kind: Rows, from: usize, n: usize, by: UserId) {
    for i in from..from + n {
        match kind {
            Rows::Sites => {
                app.create_site(&format!("Site {i:03}")).await;
            }
            Rows::Customers => {
                let fields = CustomerFields {
                    first_name: format!("Ada{i}"),
                    last_name: "Mensah".into(),
                    phone: format!("+1555010{i:04}"),
                    email: Some(format!("ada{i}@example.com")),
                    preferred_channel: "sms".into(),
                    receive_service_reminders: true,
                    receive_marketing: false,
                    notes: String::new(),
                };
                app.db
                    .write(move |c| insert_customer(c, &fields, by))
                    .await
                    .unwrap();
            }
        }
    }
}

const KINDS: [Rows; 2] = [Rows::Customers, Rows::Sites];

async fn list_pages_cost_constant_queries(backend: Backend) {
    let app = spawn_app(backend).await;
    let root = app
        .create_user("root@example.com", Role::Superuser, None)
        .await;
    app.sign_in("root@example.com").await;
    for kind in KINDS {
        add_rows(&app, kind, 0, 3, root).await;
    }
    for (path, _) in LISTS {
        app.queries_for(path).await; // warm up: first use of a connection, the session, …
    }

    let mut few = Vec::new();
    for (path, _) in LISTS {
        few.push(app.queries_for(path).await);
    }
    for kind in KINDS {
        add_rows(&app, kind, 3, 27, root).await;
    }
    let mut many = Vec::new();
    for (path, _) in LISTS {
        many.push(app.queries_for(path).await);
    }

    for (((path, kind), few), many) in LISTS.iter().zip(&few).zip(&many) {
        eprintln!(
            "{backend:?} {path} ({kind:?}): 3 rows {} queries, 30 rows {} queries",
            few.1, many.1
        );
        assert_eq!((few.0, many.0), (200, 200), "{path}");
        assert_eq!(few.1, many.1, "{path} costs more queries with more rows");
        assert!(few.1 > 0, "{path}: the counter counts");
    }
}
