use std::time::Duration;

use diesel::prelude::*;
use serde_json::{Value, json};
use workshop::db::schema::audit_log;
use workshop::domain::role::Role;

use crate::customers_api::client_as;
use crate::helpers::{Backend, TestApp, location, spawn_app};
use crate::on_both_databases;
use crate::products_api::{create_product, product_count};

on_both_databases!(
    a_preview_lists_creates_and_updates_and_writes_nothing,
    a_file_with_one_bad_row_imports_nothing,
    a_confirmed_import_creates_and_updates_in_one_go_with_audit_entries,
    the_originals_price_list_layout_imports,
    unreadable_and_oversized_files_get_a_clear_message,
    only_superusers_import_and_only_their_own_uploads,
);

/// Uploads `csv` as the multipart field `file`, the way htmx sends the form (CSRF header).
pub async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    csv: &[u8],
    htmx: bool,
) -> reqwest::Response {
    let token = app.csrf_token(client, "/account").await;
    let boundary = "----workshop-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"prices.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(csv);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut request = client
        .post(app.url("/products/import"))
        .header("X-CSRF-Token", token)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body);
    if htmx {
        request = request.header("HX-Request", "true");
    }
    request.send().await.unwrap()
}

async fn audit_count(app: &TestApp) -> i64 {
    app.db
        .read(|c| {
            Ok(audit_log::table
                .filter(audit_log::entity.eq("product"))
                .count()
                .get_result(c)?)
        })
        .await
        .unwrap()
}

async fn text(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Confirms the upload at `job` and waits for the progress fragment to say it finished.
async fn confirm_and_wait(app: &TestApp, client: &reqwest::Client, job: &str) -> String {
    let confirmed = app
        .post_form(client, job, &format!("{job}/confirm"), &[])
        .await;
    assert_eq!(confirmed.status(), 303);
    for _ in 0..200 {
        let html = text(app, client, &format!("{job}/progress")).await;
        if !html.contains("hx-trigger=\"every") {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

async fn a_preview_lists_creates_and_updates_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    create_product(
        &app,
        &owner,
        json!({"name": "Old pad", "sku": "BP-1", "unit_price": "10"}),
    )
    .await;
    let before = audit_count(&app).await;

    let csv = "Name , SKU,Unit Price,BRAND,Colour\nNew pad,bp-1,12.00,Bosch,red\nDisc,DS-9,30,ATE,\nOil,,5,,\n";
    let response = upload(&app, &owner, csv.as_bytes(), true).await;
    assert_eq!(response.status(), 200);
    let job = response.headers()["HX-Redirect"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = text(&app, &owner, &job).await;
    assert!(html.contains(r#"data-count="create">2<"#), "{html}");
    assert!(html.contains(r#"data-count="update">1<"#));
    assert!(html.contains(r#"data-count="problems">0<"#));
    assert!(html.contains("unit_price: 10.00 → 12.00"));
    assert!(html.contains("name: Old pad → New pad"));
    assert!(html.contains("Columns ignored: Colour."));
    assert!(html.contains("Import 3 rows"));

    assert_eq!(product_count(&app).await, 1, "the preview writes nothing");
    assert_eq!(audit_count(&app).await, before);
    let list: Value = owner
        .get(app.url("/api/v1/products/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["results"][0]["unit_price"], "10.00");
}

async fn a_file_with_one_bad_row_imports_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let csv = "name,sku,price,cost,category\nPad,P1,10,5,spare part\nDisc,P2,ten,5,spare part\nShoe,p1,3,1,other\nHose,P4,4,1,tyres\n";
    let response = upload(&app, &owner, csv.as_bytes(), false).await;
    assert_eq!(response.status(), 303, "without htmx the upload redirects");
    let job = location(&response);
    let html = text(&app, &owner, &job).await;
    assert!(html.contains(r#"data-count="problems">3<"#), "{html}");
    assert!(html.contains(
        "<td class=\"numeric\">3</td><td>price</td><td>Enter an amount in digits, like 12.50.</td>"
    ));
    assert!(html.contains("<td class=\"numeric\">4</td><td>sku</td><td>SKU “p1” is also on row 2; each SKU may appear once.</td>"));
    assert!(html.contains("<td class=\"numeric\">5</td><td>category</td>"));
    assert!(!html.contains("/confirm"), "no confirm button");

    let forced = app
        .post_form(&owner, &job, &format!("{job}/confirm"), &[])
        .await;
    assert_eq!(forced.status(), 400);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(product_count(&app).await, 0, "nothing was applied");
}

async fn a_confirmed_import_creates_and_updates_in_one_go_with_audit_entries(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let existing = create_product(
        &app,
        &owner,
        json!({"name": "Old", "sku": "A-1", "unit_price": "1", "cost_price": "0.5"}),
    )
    .await;
    create_product(
        &app,
        &owner,
        json!({"name": "Same", "sku": "S-1", "unit_price": "2"}),
    )
    .await;
    let before = audit_count(&app).await;
    let mut csv = String::from("sku;name;unit_price;active\na-1;Renamed;1,50;\nS-1;Same;2;\n");
    for i in 0..300 {
        csv.push_str(&format!("N-{i};New {i};{i}.25;no\n"));
    }
    let response = upload(&app, &owner, csv.as_bytes(), true).await;
    let job = response.headers()["HX-Redirect"]
        .to_str()
        .unwrap()
        .to_owned();
    let done = confirm_and_wait(&app, &owner, &job).await;
    assert!(
        done.contains("Import complete: 300 created, 1 updated, 1 unchanged."),
        "{done}"
    );

    assert_eq!(product_count(&app).await, 302);
    let updated: Value = owner
        .get(app.url(&format!("/api/v1/products/{}/", existing["id"])))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["name"], "Renamed");
    assert_eq!(updated["unit_price"], "1.50");
    assert_eq!(
        updated["cost_price"], "0.50",
        "columns not in the file are kept"
    );
    assert_eq!(
        updated["sku"], "A-1",
        "the SKU matched ignoring case and kept its spelling"
    );
    let new: Value = owner
        .get(app.url("/api/v1/products/?q=N-299"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(new["results"][0]["unit_price"], "299.25");
    assert_eq!(new["results"][0]["is_active"], false);
    assert_eq!(
        audit_count(&app).await,
        before + 301,
        "one entry per created or changed product"
    );

    let again = app
        .post_form(&owner, &job, &format!("{job}/confirm"), &[])
        .await;
    assert_eq!(
        again.status(),
        303,
        "confirming twice just shows the result"
    );
    assert_eq!(product_count(&app).await, 302, "and applies nothing again");
}

async fn the_originals_price_list_layout_imports(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let csv = "FEELING AUTOPART PRICE LIST,,,,,,\nNO.,MAKE,PRODUCT,FMSI,APPLICATION,POSITION,PRICE\n,TOYOTA,,,,,\n\
               1,Bosch,BRAKEPAD,D1234,\"Corolla 2010, Yaris\",FRONT,\"1,250.00\"\n2,Bosch,DISK,D99,Hilux,REAR,300\n";
    let response = upload(&app, &owner, csv.as_bytes(), true).await;
    let job = response.headers()["HX-Redirect"]
        .to_str()
        .unwrap()
        .to_owned();
    let preview = text(&app, &owner, &job).await;
    assert!(preview.contains("1 blank or heading rows skipped"));
    let done = confirm_and_wait(&app, &owner, &job).await;
    assert!(done.contains("2 created"), "{done}");
    let found: Value = owner
        .get(app.url("/api/v1/products/?q=D1234"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pad = &found["results"][0];
    assert_eq!(pad["name"], "D1234 - FRONT (Corolla 2010, Yaris)");
    assert_eq!(pad["brand"], "Bosch");
    assert_eq!(pad["product_type"], "BRAKEPAD");
    assert_eq!(pad["unit_price"], "1250.00");
}

async fn unreadable_and_oversized_files_get_a_clear_message(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let response = upload(&app, &owner, b"just,some\nwords,here\n", true).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("No header row found"), "{html}");
    assert!(!html.contains("<html"), "htmx gets the form back");

    let mut big = b"name,price\n".to_vec();
    while big.len() <= 5 * 1024 * 1024 {
        big.extend_from_slice(b"a product with a rather long name to fill the file,1.00\n");
    }
    let response = upload(&app, &owner, &big, false).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("The file is larger than 5 MB.")
    );

    let empty = upload(&app, &owner, b"", false).await;
    assert_eq!(empty.status(), 422);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains("Choose a CSV file to upload.")
    );

    let no_token = owner
        .post(app.url("/products/import"))
        .header("Content-Type", "multipart/form-data; boundary=x")
        .body("--x--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 403, "uploads are CSRF-protected too");
    assert_eq!(product_count(&app).await, 0);
}

async fn only_superusers_import_and_only_their_own_uploads(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let response = upload(&app, &owner, b"name,price\nPad,1\n", true).await;
    let job = response.headers()["HX-Redirect"]
        .to_str()
        .unwrap()
        .to_owned();

    let other_owner = client_as(&app, Role::Superuser).await;
    assert_eq!(
        other_owner
            .get(app.url(&job))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let hq = client_as(&app, Role::Hq).await;
    assert_eq!(hq.get(app.url(&job)).send().await.unwrap().status(), 403);
    let manager = client_as(&app, Role::Manager).await;
    let refused = upload(&app, &manager, b"name,price\nPad,1\n", true).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(product_count(&app).await, 0);
}
