//! One table walks every read and write route of the site-owned areas as each role of a first
//! site (and head office) against a second site's records: reads of another site answer 404,
//! writes a role may not do answer 403, and nothing of the second site ever changes.

use reqwest::Method;
use serde_json::{Value, json};
use workshop::domain::role::Role;

use crate::customers_api::call;
use crate::helpers::{Backend, TestApp, client_at, spawn_app};
use crate::on_both_databases;

on_both_databases!(no_role_reads_or_writes_another_sites_records);

/// How a route is called.
#[derive(Clone, Copy)]
enum Via {
    Get,
    Json(&'static str),
    Form,
}

/// A route with `{v}` (vehicle), `{m}` (mechanic), `{u}` (user), `{i}` (stock row), `{p}`
/// (product), `{s}` (site), `{j}` (open job), `{l}` (its part line) or `{n}` (an invoice,
/// partly paid) filled in, and
/// the status each role must get: manager, advisor, mechanic, head office.
struct Route {
    via: Via,
    path: &'static str,
    body: Option<&'static str>,
    expect: [u16; 4],
}

const ROLES: [Role; 4] = [Role::Manager, Role::Advisor, Role::Mechanic, Role::Hq];

#[rustfmt::skip]
const ROUTES: &[Route] = &[
    // Vehicles
    Route { via: Via::Get, path: "/vehicles/{v}", body: None, expect: [404, 404, 403, 200] },
    Route { via: Via::Get, path: "/vehicles/{v}/edit", body: None, expect: [404, 404, 403, 403] },
    Route { via: Via::Get, path: "/api/v1/vehicles/{v}/", body: None, expect: [404, 404, 403, 200] },
    Route { via: Via::Json("PATCH"), path: "/api/v1/vehicles/{v}/", body: Some(r#"{"make":"Hacked"}"#), expect: [404, 404, 403, 403] },
    Route { via: Via::Json("DELETE"), path: "/api/v1/vehicles/{v}/", body: None, expect: [404, 404, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/vehicles/", body: Some(r#"{"customer":{c},"site":{s},"make":"X","model":"Y","year":2019,"license_plate":"SPY1"}"#), expect: [403, 403, 403, 403] },
    Route { via: Via::Form, path: "/vehicles/{v}/edit", body: Some("make=Hacked"), expect: [404, 404, 403, 403] },
    Route { via: Via::Form, path: "/vehicles/{v}/delete", body: None, expect: [404, 404, 403, 403] },
    // Mechanics
    Route { via: Via::Get, path: "/mechanics/{m}", body: None, expect: [404, 404, 403, 200] },
    Route { via: Via::Get, path: "/mechanics/{m}/edit", body: None, expect: [404, 403, 403, 403] },
    Route { via: Via::Get, path: "/api/v1/mechanics/{m}/", body: None, expect: [404, 404, 403, 200] },
    Route { via: Via::Json("PATCH"), path: "/api/v1/mechanics/{m}/", body: Some(r#"{"name":"Hacked"}"#), expect: [404, 403, 403, 403] },
    Route { via: Via::Json("DELETE"), path: "/api/v1/mechanics/{m}/", body: None, expect: [404, 403, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/mechanics/", body: Some(r#"{"name":"Spy","site":{s}}"#), expect: [403, 403, 403, 403] },
    Route { via: Via::Form, path: "/mechanics/{m}/edit", body: Some("name=Hacked"), expect: [404, 403, 403, 403] },
    Route { via: Via::Form, path: "/mechanics/{m}/delete", body: None, expect: [404, 403, 403, 403] },
    // Staff accounts
    Route { via: Via::Get, path: "/staff/{u}", body: None, expect: [404, 403, 403, 403] },
    Route { via: Via::Get, path: "/staff/{u}/edit", body: None, expect: [404, 403, 403, 403] },
    Route { via: Via::Get, path: "/api/v1/users/{u}/", body: None, expect: [404, 403, 403, 403] },
    Route { via: Via::Json("PATCH"), path: "/api/v1/users/{u}/", body: Some(r#"{"is_active":false}"#), expect: [404, 403, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/users/{u}/reset-password/", body: Some(r#"{"password":"Correct horse 42 battery"}"#), expect: [404, 403, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/users/{u}/sign-out-everywhere/", body: None, expect: [404, 403, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/users/", body: Some(r#"{"email":"spy@example.com","name":"Spy","role":"advisor","site":{s},"password":"Correct horse 42 battery"}"#), expect: [403, 403, 403, 403] },
    Route { via: Via::Form, path: "/staff/{u}/edit", body: Some("name=Hacked&role=advisor&email=x@example.com"), expect: [404, 403, 403, 403] },
    Route { via: Via::Form, path: "/staff/{u}/password", body: Some("password=Correct+horse+42+battery"), expect: [404, 403, 403, 403] },
    Route { via: Via::Form, path: "/staff/{u}/sign-out", body: None, expect: [404, 403, 403, 403] },
    // Stock
    Route { via: Via::Get, path: "/inventory/{i}", body: None, expect: [404, 404, 403, 200] },
    Route { via: Via::Get, path: "/api/v1/inventory/{i}/", body: None, expect: [404, 404, 403, 200] },
    Route { via: Via::Get, path: "/api/v1/inventory/{i}/transactions/", body: None, expect: [404, 404, 403, 200] },
    Route { via: Via::Json("PATCH"), path: "/api/v1/inventory/{i}/", body: Some(r#"{"bin_location":"X9"}"#), expect: [404, 404, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/inventory/{i}/receive/", body: Some(r#"{"quantity":5}"#), expect: [404, 404, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/inventory/{i}/count/", body: Some(r#"{"quantity":1}"#), expect: [404, 404, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/inventory/{i}/adjust/", body: Some(r#"{"quantity":-1,"reason":"x"}"#), expect: [404, 404, 403, 403] },
    Route { via: Via::Json("DELETE"), path: "/api/v1/inventory/{i}/", body: None, expect: [404, 404, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/inventory/", body: Some(r#"{"product":{p},"site":{s}}"#), expect: [403, 403, 403, 403] },
    // Jobs and their lines
    Route { via: Via::Get, path: "/api/v1/service-requests/{j}/", body: None, expect: [404, 404, 404, 200] },
    Route { via: Via::Get, path: "/api/v1/product-usage/{j}/", body: None, expect: [404, 404, 404, 200] },
    Route { via: Via::Get, path: "/api/v1/product-usage-item/{l}/", body: None, expect: [404, 404, 404, 200] },
    Route { via: Via::Json("PATCH"), path: "/api/v1/service-requests/{j}/", body: Some(r#"{"description":"Hacked"}"#), expect: [404, 404, 404, 403] },
    Route { via: Via::Json("DELETE"), path: "/api/v1/service-requests/{j}/", body: None, expect: [404, 404, 404, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/service-requests/{j}/assign-mechanic/", body: Some(r#"{"mechanic_id":{m}}"#), expect: [404, 404, 404, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/service-requests/{j}/complete/", body: Some("{}"), expect: [404, 404, 404, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/service-requests/{j}/cancel/", body: Some(r#"{"reason":"x"}"#), expect: [404, 404, 404, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/product-usage/", body: Some(r#"{"service_request":{j},"product":{p},"quantity_used":1}"#), expect: [404, 404, 404, 403] },
    Route { via: Via::Json("PATCH"), path: "/api/v1/product-usage-item/{l}/", body: Some(r#"{"quantity_used":2}"#), expect: [404, 404, 404, 403] },
    Route { via: Via::Json("DELETE"), path: "/api/v1/product-usage-item/{l}/", body: None, expect: [404, 404, 404, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/service-requests/", body: Some(r#"{"customer":{c},"vehicle":{v},"site":{s}}"#), expect: [403, 403, 403, 403] },
    // Invoices and payments
    Route { via: Via::Get, path: "/api/v1/invoices/{n}/", body: None, expect: [404, 404, 403, 200] },
    Route { via: Via::Get, path: "/api/v1/invoices/{n}/payments/", body: None, expect: [404, 404, 403, 200] },
    Route { via: Via::Json("PATCH"), path: "/api/v1/invoices/{n}/", body: Some(r#"{"paid":true,"payment_method":"cash"}"#), expect: [404, 404, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/invoices/{n}/payments/", body: Some(r#"{"method":"cash","amount":"1"}"#), expect: [404, 404, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/invoices/{n}/reverse-payment/", body: Some(r#"{"amount":"1","reason":"x"}"#), expect: [404, 404, 403, 403] },
    Route { via: Via::Json("POST"), path: "/api/v1/invoices/{n}/void/", body: Some(r#"{"reason":"x"}"#), expect: [404, 404, 403, 403] },
    // Sites
    Route { via: Via::Get, path: "/api/v1/sites/{s}/", body: None, expect: [404, 404, 404, 200] },
    Route { via: Via::Json("PATCH"), path: "/api/v1/sites/{s}/", body: Some(r#"{"name":"Hacked"}"#), expect: [404, 404, 404, 403] },
];

/// The second site's records, as the superuser sees them, to prove nothing changed.
async fn snapshot(app: &TestApp, boss: &reqwest::Client, ids: &[(char, i64)]) -> Vec<Value> {
    let mut all = Vec::new();
    for (kind, id) in ids {
        let path = match kind {
            'v' => format!("/api/v1/vehicles/{id}/"),
            'm' => format!("/api/v1/mechanics/{id}/"),
            'u' => format!("/api/v1/users/{id}/"),
            'i' => format!("/api/v1/inventory/{id}/"),
            'j' => format!("/api/v1/service-requests/{id}/"),
            'n' => format!("/api/v1/invoices/{id}/"),
            _ => format!("/api/v1/sites/{id}/"),
        };
        let mut body: Value = boss
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body.as_object_mut().unwrap().remove("last_login_at");
        all.push(body);
    }
    all
}

async fn no_role_reads_or_writes_another_sites_records(backend: Backend) {
    let app = spawn_app(backend).await;
    let (north, south) = (
        app.create_site("North").await,
        app.create_site("South").await,
    );
    let boss = client_at(&app, Role::Superuser, None).await;
    let created = |path: &'static str, body: Value| {
        let (app, boss) = (&app, &boss);
        async move {
            let response = call(app, boss, Method::POST, path, Some(body)).await;
            assert_eq!(response.status(), 201, "{path}");
            response.json::<Value>().await.unwrap()["id"]
                .as_i64()
                .unwrap()
        }
    };
    let c = created(
        "/api/v1/customers/",
        json!({"first_name": "Ama", "last_name": "Mensah", "phone": "5550102030"}),
    )
    .await;
    let v = created("/api/v1/vehicles/", json!({"customer": c, "site": south.0, "make": "Toyota", "model": "Corolla", "year": 2019, "license_plate": "SOUTH 1"})).await;
    let m = created(
        "/api/v1/mechanics/",
        json!({"name": "Kwame", "site": south.0}),
    )
    .await;
    let u = created("/api/v1/users/", json!({"email": "south@example.com", "name": "South desk", "role": "advisor", "site": south.0, "password": "Correct horse 42 battery"})).await;
    let p = created(
        "/api/v1/products/",
        json!({"name": "Oil filter", "sku": "OF-1", "unit_price": "4.50"}),
    )
    .await;
    let i = created(
        "/api/v1/inventory/",
        json!({"product": p, "site": south.0, "quantity_on_hand": 10}),
    )
    .await;
    let job = |body: Value| created("/api/v1/service-requests/", body);
    let j = job(json!({"customer": c, "vehicle": v, "site": south.0})).await;
    let line = json!({"service_request": j, "product": p, "quantity_used": 1});
    let l = created("/api/v1/product-usage/", line).await;
    let done = job(json!({"customer": c, "vehicle": v, "site": south.0})).await;
    created(
        "/api/v1/product-usage/",
        json!({"service_request": done, "product": p, "quantity_used": 2}),
    )
    .await;
    let path = format!("/api/v1/service-requests/{done}/complete/");
    let body = json!({"payment_method": "cash", "amount_paid": "2.00"});
    let completed = call(&app, &boss, Method::POST, &path, Some(body)).await;
    assert_eq!(completed.status(), 200);
    let n = completed.json::<Value>().await.unwrap()["invoice"]["id"]
        .as_i64()
        .unwrap();
    let s = i64::from(south.0);
    let ids = [
        ('v', v),
        ('m', m),
        ('u', u),
        ('i', i),
        ('s', s),
        ('j', j),
        ('n', n),
    ];
    let before = snapshot(&app, &boss, &ids).await;

    let fill = |text: &str| {
        text.replace("{v}", &v.to_string())
            .replace("{m}", &m.to_string())
            .replace("{u}", &u.to_string())
            .replace("{s}", &s.to_string())
            .replace("{c}", &c.to_string())
            .replace("{i}", &i.to_string())
            .replace("{p}", &p.to_string())
            .replace("{j}", &j.to_string())
            .replace("{l}", &l.to_string())
            .replace("{n}", &n.to_string())
    };
    let mut failures = Vec::new();
    for (column, role) in ROLES.into_iter().enumerate() {
        let client = client_at(&app, role, Some(north)).await;
        let token = app.csrf_token(&client, "/account").await;
        for route in ROUTES {
            let path = fill(route.path);
            let request = match route.via {
                Via::Get => client.get(app.url(&path)),
                Via::Json(method) => {
                    let request = client
                        .request(
                            Method::from_bytes(method.as_bytes()).unwrap(),
                            app.url(&path),
                        )
                        .header("X-CSRF-Token", &token);
                    match route.body {
                        Some(body) => request
                            .header("Content-Type", "application/json")
                            .body(fill(body)),
                        None => request,
                    }
                }
                Via::Form => {
                    let body = match route.body {
                        Some(body) => format!("{}&csrf_token={token}", fill(body)),
                        None => format!("csrf_token={token}"),
                    };
                    client
                        .post(app.url(&path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .body(body)
                }
            };
            let status = request.send().await.unwrap().status().as_u16();
            if status != route.expect[column] {
                failures.push(format!(
                    "{role:?} {} {path}: {status}, expected {}",
                    route.path, route.expect[column]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} routes answered wrongly:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        snapshot(&app, &boss, &ids).await,
        before,
        "nothing of the second site changed"
    );
}
