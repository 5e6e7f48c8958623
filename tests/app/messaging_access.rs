//! Who may open the messaging pages and APIs: superusers everything; head office promotions,
//! blasts and the outbox (read); site managers their site's outbox; the front desk and
//! mechanics none of it.

use workshop::domain::role::Role;

use crate::helpers::{Backend, TestApp, client_at, spawn_app_with};
use crate::on_both_databases;

on_both_databases!(each_role_opens_exactly_the_messaging_pages_it_should);

/// (path, roles that get 200; everyone else gets 403).
const ROUTES: &[(&str, &[Role])] = &[
    ("/messages", &[Role::Superuser, Role::Hq, Role::Manager]),
    (
        "/api/v1/messages/",
        &[Role::Superuser, Role::Hq, Role::Manager],
    ),
    ("/settings", &[Role::Superuser]),
    ("/jobs", &[Role::Superuser]),
    ("/promotions", &[Role::Superuser, Role::Hq]),
    ("/promotions/new", &[Role::Superuser, Role::Hq]),
    ("/promotions/blasts", &[Role::Superuser, Role::Hq]),
    ("/api/v1/promotions/", &[Role::Superuser, Role::Hq]),
    (
        "/api/v1/promotions/sms-history/",
        &[Role::Superuser, Role::Hq],
    ),
    (
        "/api/v1/promotions/active/",
        &[
            Role::Superuser,
            Role::Hq,
            Role::Manager,
            Role::Advisor,
            Role::Mechanic,
        ],
    ),
];

async fn status(app: &TestApp, client: &reqwest::Client, path: &str) -> u16 {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn each_role_opens_exactly_the_messaging_pages_it_should(backend: Backend) {
    let app = spawn_app_with(backend, &[("WORKSHOP_OUTBOX_WORKER", "false")]).await;
    for role in Role::ALL {
        let client = client_at(&app, role, None).await;
        for (path, allowed) in ROUTES {
            let expected = if allowed.contains(&role) { 200 } else { 403 };
            assert_eq!(
                status(&app, &client, path).await,
                expected,
                "{role:?} {path}"
            );
        }
        let writes = [
            ("/jobs/promotions/run", Role::Superuser),
            ("/settings/test-send", Role::Superuser),
        ];
        for (path, only) in writes {
            if role != only {
                let refused = app
                    .post_form(
                        &client,
                        "/account",
                        path,
                        &[("channel", "sms"), ("to", "+15550100001")],
                    )
                    .await;
                assert_eq!(refused.status(), 403, "{role:?} {path}");
            }
        }
    }
}
