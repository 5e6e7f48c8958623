//! Money on the invoice page: payments (the balance by default, never more, change for cash),
//! reversals by a manager with a reason, voiding by a superuser with a reason.

use workshop::domain::role::Role;

use crate::helpers::{Backend, TestApp, client_at, spawn_app};
use crate::invoice_pages::html;
use crate::invoicing::{Job, job_invoice, open_shop};
use crate::on_both_databases;

on_both_databases!(
    a_payment_defaults_to_the_balance_never_exceeds_it_and_shows_the_change,
    only_a_manager_or_a_superuser_reverses_a_payment_and_says_why,
    only_a_superuser_voids_an_invoice_with_a_reason_and_it_then_takes_no_payment,
    no_role_reads_or_changes_another_sites_invoice,
);

/// Every invoice route, as a manager, an advisor and a mechanic of another site and as head
/// office: the status each must get.
#[rustfmt::skip]
const ROUTES: &[(&str, &str, Option<&str>, [u16; 4])] = &[
    ("GET", "/invoices/{i}", None, [404, 404, 403, 200]),
    ("GET", "/invoices/{i}/print", None, [404, 404, 403, 200]),
    ("GET", "/invoices/{i}/receipt", None, [404, 404, 403, 200]),
    ("POST", "/invoices/{i}/payments", Some("payment_method=cash&amount_paid=1"), [404, 404, 403, 403]),
    ("POST", "/invoices/{i}/reverse", Some("amount=1&reason=spy"), [404, 404, 403, 403]),
    ("POST", "/invoices/{i}/void", Some("reason=spy"), [404, 404, 403, 403]),
    ("POST", "/invoices/{i}/link", Some("action=revoke"), [404, 404, 403, 403]),
    ("POST", "/invoices/{i}/link", Some("action=renew"), [404, 404, 403, 403]),
];

/// What must not change: status, paid, the link, and how many payments.
async fn state_of(app: &TestApp, invoice: i32) -> (String, i64, Option<String>, bool, i64) {
    use diesel::prelude::*;
    use workshop::db::schema::invoices;
    let row: (String, i64, Option<String>, Option<chrono::NaiveDateTime>) = app
        .db
        .read(move |c| {
            Ok(invoices::table
                .find(invoice)
                .select((
                    invoices::status,
                    invoices::paid_cents,
                    invoices::public_token,
                    invoices::public_token_revoked_at,
                ))
                .first(c)?)
        })
        .await
        .unwrap();
    (
        row.0,
        row.1,
        row.2,
        row.3.is_some(),
        payment_rows(app, invoice).await,
    )
}

async fn no_role_reads_or_changes_another_sites_invoice(backend: Backend) {
    let app = spawn_app(backend).await;
    let north = open_shop(&app, "North", "UTC", "0").await;
    let south = open_shop(&app, "South", "UTC", "0").await;
    let invoice = job_invoice(&app, &south, Job::brakes(&south)).await;
    let pay = [("payment_method", "cash"), ("amount_paid", "30")];
    let paid = app
        .post_form(
            &south.boss,
            "/invoices",
            &format!("/invoices/{invoice}/payments"),
            &pay,
        )
        .await;
    assert_eq!(paid.status(), 303);
    let before = state_of(&app, invoice).await;

    let mut failures = Vec::new();
    let roles = [Role::Manager, Role::Advisor, Role::Mechanic, Role::Hq];
    for (column, role) in roles.into_iter().enumerate() {
        let client = client_at(&app, role, Some(north.site)).await;
        let token = app.csrf_token(&client, "/account").await;
        for (method, path, body, expect) in ROUTES {
            let path = path.replace("{i}", &invoice.to_string());
            let request = match body {
                None => client.get(app.url(&path)),
                Some(body) => client
                    .post(app.url(&path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(format!("{body}&csrf_token={token}")),
            };
            let status = request.send().await.unwrap().status().as_u16();
            if status != expect[column] {
                failures.push(format!(
                    "{role:?} {method} {path}: {status}, expected {}",
                    expect[column]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(state_of(&app, invoice).await, before, "nothing changed");
}

/// Posts an htmx form (the CSRF token in the header, as app.js sends it).
pub async fn htmx_post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.csrf_token(client, "/invoices").await;
    client
        .post(app.url(path))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", token)
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn payment_rows(app: &TestApp, invoice: i32) -> i64 {
    use diesel::prelude::*;
    use workshop::db::schema::payments;
    app.db
        .read(move |c| {
            Ok(payments::table
                .filter(payments::invoice_id.eq(invoice))
                .count()
                .get_result(c)?)
        })
        .await
        .unwrap()
}

fn balance(page: &str) -> String {
    let doc = scraper::Html::parse_document(page);
    let sel = scraper::Selector::parse("[data-balance]").unwrap();
    doc.select(&sel).next().unwrap().text().collect()
}

async fn a_payment_defaults_to_the_balance_never_exceeds_it_and_shows_the_change(backend: Backend) {
    let app = spawn_app(backend).await;
    let shop = open_shop(&app, "North", "UTC", "0").await;
    let invoice = job_invoice(&app, &shop, Job::brakes(&shop)).await; // 131.00
    let desk = client_at(&app, Role::Advisor, Some(shop.site)).await;
    let page_path = format!("/invoices/{invoice}");
    let pay_path = format!("/invoices/{invoice}/payments");

    let (_, page) = html(&desk, &app, &page_path).await;
    assert!(
        page.contains(r#"name="amount_paid" type="text" inputmode="decimal" value="131.00""#),
        "the amount starts at the balance"
    );

    let too_much = [("payment_method", "cash"), ("amount_paid", "131.01")];
    let response = app.post_form(&desk, &page_path, &pay_path, &too_much).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("That is more than the balance of 131.00."),
        "a clear message"
    );
    assert!(page.contains(r#"value="131.01""#), "what was typed is kept");
    assert_eq!(payment_rows(&app, invoice).await, 0, "nothing written");
    let cheque = [("payment_method", "cheque")];
    let response = app.post_form(&desk, &page_path, &pay_path, &cheque).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Choose cash, mobile money, card or bank transfer.")
    );
    let short = [
        ("payment_method", "cash"),
        ("amount_paid", "50"),
        ("tendered", "20"),
    ];
    let response = htmx_post(&app, &desk, &pay_path, &short).await;
    assert_eq!(response.status(), 200, "htmx shows the errors in place");
    let region = response.text().await.unwrap();
    assert!(
        region.contains("is less than the amount paid")
            && region.trim_start().starts_with("<div id=\"invoice\"")
    );
    assert_eq!(payment_rows(&app, invoice).await, 0);

    let cash = [
        ("payment_method", "cash"),
        ("amount_paid", "50"),
        ("tendered", "100"),
        ("payment_reference", "till 2"),
    ];
    let response = htmx_post(&app, &desk, &pay_path, &cash).await;
    assert_eq!(response.status(), 200);
    let region = response.text().await.unwrap();
    assert!(
        region.contains("Payment of 50.00 recorded. Change to give: 50.00."),
        "{region}"
    );
    assert_eq!(balance(&region), "81.00");
    assert!(region.contains("Partially paid") && region.contains("till 2"));

    let rest = [
        ("payment_method", "mobile_money"),
        ("payment_reference", "MM-778"),
    ];
    let response = app.post_form(&desk, &page_path, &pay_path, &rest).await;
    assert_eq!(response.status(), 303, "no amount: the whole balance");
    let (_, page) = html(&desk, &app, &page_path).await;
    assert!(
        page.contains("Payment of 81.00 recorded.") && page.contains("paid in full"),
        "the flash"
    );
    assert_eq!(balance(&page), "0.00");
    assert!(page.contains("badge-success") && !page.contains("id=\"pay-form\""));

    let again = [("payment_method", "cash"), ("amount_paid", "1")];
    let response = app.post_form(&desk, &page_path, &pay_path, &again).await;
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("already paid in full")
    );
    assert_eq!(payment_rows(&app, invoice).await, 2);
}

async fn only_a_manager_or_a_superuser_reverses_a_payment_and_says_why(backend: Backend) {
    let app = spawn_app(backend).await;
    let shop = open_shop(&app, "North", "UTC", "0").await;
    let other = open_shop(&app, "South", "UTC", "0").await;
    let invoice = job_invoice(&app, &shop, Job::brakes(&shop)).await;
    let page_path = format!("/invoices/{invoice}");
    let path = format!("/invoices/{invoice}/reverse");
    let pay = [("payment_method", "cash"), ("amount_paid", "100")];
    let paid = app
        .post_form(
            &shop.boss,
            &page_path,
            &format!("/invoices/{invoice}/payments"),
            &pay,
        )
        .await;
    assert_eq!(paid.status(), 303);

    let desk = client_at(&app, Role::Advisor, Some(shop.site)).await;
    let reverse = [("amount", "30"), ("reason", "Wrong amount keyed")];
    assert_eq!(
        app.post_form(&desk, &page_path, &path, &reverse)
            .await
            .status(),
        403
    );
    let hq = client_at(&app, Role::Hq, None).await;
    assert_eq!(
        app.post_form(&hq, &page_path, &path, &reverse)
            .await
            .status(),
        403
    );
    let stranger = client_at(&app, Role::Manager, Some(other.site)).await;
    assert_eq!(
        app.post_form(&stranger, "/invoices", &path, &reverse)
            .await
            .status(),
        404
    );

    let manager = client_at(&app, Role::Manager, Some(shop.site)).await;
    let (_, page) = html(&manager, &app, &page_path).await;
    assert!(page.contains("reverse-form"));
    let no_reason = [("amount", "30"), ("reason", "  ")];
    let response = app.post_form(&manager, &page_path, &path, &no_reason).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This field is required.")
    );
    let too_much = [("amount", "100.01"), ("reason", "x")];
    let response = app.post_form(&manager, &page_path, &path, &too_much).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Only 100.00 has been paid.")
    );

    let response = app.post_form(&manager, &page_path, &path, &reverse).await;
    assert_eq!(response.status(), 303);
    let (_, page) = html(&manager, &app, &page_path).await;
    assert_eq!(balance(&page), "61.00", "131.00 − 100.00 + 30.00");
    assert!(
        page.contains("Reversal") && page.contains("Wrong amount keyed") && page.contains("-30.00")
    );
    let print = html(&manager, &app, &format!("/invoices/{invoice}/print"))
        .await
        .1;
    assert!(print.contains("Reversed: Wrong amount keyed"));
}

async fn only_a_superuser_voids_an_invoice_with_a_reason_and_it_then_takes_no_payment(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let shop = open_shop(&app, "North", "UTC", "0").await;
    let invoice = job_invoice(&app, &shop, Job::brakes(&shop)).await;
    let page_path = format!("/invoices/{invoice}");
    let path = format!("/invoices/{invoice}/void");
    let pay_path = format!("/invoices/{invoice}/payments");
    let pay = [("payment_method", "cash"), ("amount_paid", "20")];
    assert_eq!(
        app.post_form(&shop.boss, &page_path, &pay_path, &pay)
            .await
            .status(),
        303
    );

    let manager = client_at(&app, Role::Manager, Some(shop.site)).await;
    let (_, page) = html(&manager, &app, &page_path).await;
    assert!(!page.contains("void-form"));
    let reason = [("reason", "Entered on the wrong customer")];
    assert_eq!(
        app.post_form(&manager, &page_path, &path, &reason)
            .await
            .status(),
        403
    );

    let (_, page) = html(&shop.boss, &app, &page_path).await;
    assert!(
        page.contains("void-form") && page.contains("data-confirm=\"Void"),
        "a confirmation"
    );
    let response = app
        .post_form(&shop.boss, &page_path, &path, &[("reason", "")])
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This field is required.")
    );
    let response = crate::invoice_payments::htmx_post(&app, &shop.boss, &path, &reason).await;
    assert_eq!(response.status(), 200);
    let region = response.text().await.unwrap();
    assert!(
        region.contains("Invoice voided.")
            && region.contains("This invoice is void: Entered on the wrong customer")
    );
    assert!(!region.contains("pay-form") && !region.contains("void-form"));

    let response = app.post_form(&shop.boss, &page_path, &pay_path, &pay).await;
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("is void; it takes no payments")
    );
    assert_eq!(
        app.post_form(&shop.boss, &page_path, &path, &reason)
            .await
            .status(),
        400,
        "already void"
    );

    // Handing the 20.00 back is a reversal; the invoice stays void.
    let back = [("amount", "20"), ("reason", "Refunded at the counter")];
    let response = app
        .post_form(
            &manager,
            &page_path,
            &format!("/invoices/{invoice}/reverse"),
            &back,
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, page) = html(&manager, &app, &page_path).await;
    assert!(page.contains(">Void</span>") && page.contains("Refunded at the counter"));
    for doc in ["print", "receipt"] {
        let printed = html(&manager, &app, &format!("/invoices/{invoice}/{doc}"))
            .await
            .1;
        assert!(
            printed.contains("VOID") && printed.contains("Entered on the wrong customer"),
            "{doc}"
        );
    }
}
