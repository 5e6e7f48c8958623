//! The POS screen and sale pages over HTTP: a whole sale in one request, nothing left behind when
//! it fails, drafts finished on their page, the till's search, and who may sell where.

use diesel::prelude::*;
use workshop::db::schema::{customers, payments, service_requests};
use workshop::domain::role::Role;

use crate::helpers::{Backend, location, spawn_app};
use crate::job_fixtures::{count_of, get, hx_post, money_rows, on_hand, shop, text_of, user};
use crate::on_both_databases;

on_both_databases!(
    a_walk_in_sale_is_completed_and_paid_in_one_request,
    a_sale_the_stock_cannot_cover_leaves_nothing_behind,
    a_draft_sale_is_finished_on_its_page,
    the_till_finds_its_sites_stock_and_marks_the_exact_sku,
    only_the_front_desk_sells_and_only_at_its_site,
    sales_of_the_same_products_in_opposite_orders_all_go_through,
);

/// The POS form for `lines` (product, quantity) and extra fields.
fn sale_form<'a>(
    site: &'a str,
    lines: &'a [(String, &'a str)],
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![("site", site)];
    for (product, quantity) in lines {
        form.push(("line_product", product.as_str()));
        form.push(("line_quantity", quantity));
    }
    form.extend_from_slice(extra);
    form
}

async fn a_walk_in_sale_is_completed_and_paid_in_one_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;
    let site = s.north.0.to_string();

    let (status, pos) = get(&app, &desk, "/sales/new", false).await;
    assert_eq!(status, 200);
    assert_eq!(
        count_of(&pos, "#pos-scan[autofocus]"),
        1,
        "the scan box has the focus"
    );
    assert_eq!(count_of(&pos, "script[src='/static/pos.js']"), 1);

    // Scanning twice and a second product: 2 × 20.00 + 1 × 7.50.
    let lines = [
        (s.pad.to_string(), "1"),
        (s.oil.to_string(), "1"),
        (s.pad.to_string(), "1"),
    ];
    let form = sale_form(
        &site,
        &lines,
        &[
            ("customer_mode", "walkin"),
            ("payment_method", "cash"),
            ("tendered", "50"),
            ("action", "complete"),
        ],
    );
    let response = app
        .post_form(&desk, "/sales/new", "/sales/new", &form)
        .await;
    assert_eq!(response.status(), 303);
    let page = location(&response);
    assert!(page.starts_with("/sales/"));

    let (jobs, invoices, paid, movements) = money_rows(&app).await;
    assert_eq!(
        (jobs, invoices, paid, movements),
        (1, 1, 1, 2),
        "one sale, one invoice, one payment, two stock moves"
    );
    assert_eq!(on_hand(&app, s.pad, s.north).await, 8);
    assert_eq!(on_hand(&app, s.oil, s.north).await, 2);
    let (tendered, walk_in) = app
        .db
        .read(|c| {
            let tendered: Option<i64> =
                payments::table.select(payments::tendered_cents).first(c)?;
            let walk_in: bool = service_requests::table
                .inner_join(customers::table)
                .select(customers::is_walk_in)
                .first(c)?;
            Ok((tendered, walk_in))
        })
        .await
        .unwrap();
    assert_eq!((tendered, walk_in), (Some(5_000), true));

    let (_, html) = get(&app, &desk, &page, false).await;
    assert!(
        html.contains("Sale completed. Invoice INV-")
            && html.contains("for 47.50. Change due: 2.50.")
    );
    assert_eq!(text_of(&html, "#job-status").as_deref(), Some("Completed"));
    assert_eq!(text_of(&html, "#invoice-status").as_deref(), Some("Paid"));
    assert_eq!(
        count_of(&html, "#part-lines tbody tr"),
        2,
        "the scans merged into one line"
    );
    let (_, list) = get(&app, &desk, "/sales", false).await;
    assert!(list.contains("Walk-in") && list.contains("47.50"));
}

async fn a_sale_the_stock_cannot_cover_leaves_nothing_behind(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;
    let site = s.north.0.to_string();
    let before = money_rows(&app).await;

    let lines = [(s.pad.to_string(), "2"), (s.oil.to_string(), "4")];
    let form = sale_form(
        &site,
        &lines,
        &[
            ("customer_mode", "walkin"),
            ("payment_method", "cash"),
            ("tendered", "80"),
            ("action", "complete"),
        ],
    );
    let response = app
        .post_form(&desk, "/sales/new", "/sales/new", &form)
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        text_of(&html, "#pos-errors")
            .unwrap()
            .contains("Only 3 of Engine oil available.")
    );
    assert_eq!(
        count_of(&html, "#pos-lines tr.pos-line"),
        2,
        "the cart is kept"
    );
    assert!(html.contains(r#"value="4""#) && html.contains(r#"value="80""#));
    assert_eq!(
        money_rows(&app).await,
        before,
        "no sale, invoice, payment or movement"
    );
    assert_eq!(on_hand(&app, s.oil, s.north).await, 3);

    // Not enough cash: refused as a whole as well.
    let lines = [(s.pad.to_string(), "1")];
    let form = sale_form(
        &site,
        &lines,
        &[
            ("customer_mode", "walkin"),
            ("payment_method", "cash"),
            ("tendered", "5"),
            ("action", "complete"),
        ],
    );
    let response = app
        .post_form(&desk, "/sales/new", "/sales/new", &form)
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        text_of(&html, "#pos-tendered-error")
            .unwrap()
            .contains("less than the amount paid")
    );
    assert_eq!(money_rows(&app).await, before);

    // An empty cart and a registered customer who does not exist.
    let form = sale_form(
        &site,
        &[],
        &[
            ("customer_mode", "customer"),
            ("customer", "999999"),
            ("action", "complete"),
        ],
    );
    let response = app
        .post_form(&desk, "/sales/new", "/sales/new", &form)
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Add at least one product.")
            && html.contains("This customer does not exist.")
    );
    assert_eq!(money_rows(&app).await, before);
}

async fn a_draft_sale_is_finished_on_its_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Manager, Some(s.north)).await;
    let (site, owner) = (s.north.0.to_string(), s.owner.to_string());

    let lines = [(s.oil.to_string(), "2")];
    let form = sale_form(
        &site,
        &lines,
        &[
            ("customer_mode", "customer"),
            ("customer", owner.as_str()),
            ("payment_method", "cash"),
            ("action", "draft"),
        ],
    );
    let response = app
        .post_form(&desk, "/sales/new", "/sales/new", &form)
        .await;
    assert_eq!(response.status(), 303);
    let page = location(&response);
    let (_, html) = get(&app, &desk, &page, false).await;
    assert!(html.contains("Sale saved as a draft."));
    assert_eq!(text_of(&html, "#job-status").as_deref(), Some("Draft"));
    assert!(html.contains("Ama Owusu"));
    assert_eq!(count_of(&html, "#open-complete, #add-part"), 2);
    assert_eq!(
        on_hand(&app, s.oil, s.north).await,
        3,
        "a draft takes no stock"
    );
    let (_, list) = get(&app, &desk, "/sales", false).await;
    assert_eq!(
        text_of(&list, "#job-table td.jc-total").as_deref(),
        Some("15.00 (running)"),
        "the sales list shows the draft's lines"
    );

    let pad = s.pad.to_string();
    let (_, body) = hx_post(
        &app,
        &desk,
        &format!("{page}/parts"),
        &[("product", pad.as_str()), ("quantity", "1")],
    )
    .await;
    assert_eq!(count_of(&body, "#part-lines tbody tr"), 2);
    assert_eq!(count_of(&body, "#labour"), 0);
    let (_, body) = hx_post(
        &app,
        &desk,
        &format!("{page}/complete"),
        &[
            ("payment_method", "card"),
            ("payment_reference", "POS 4411"),
        ],
    )
    .await;
    assert!(
        text_of(&body, "#job-notice")
            .unwrap()
            .contains("for 35.00. Paid in full.")
    );
    assert_eq!(text_of(&body, "#invoice-status").as_deref(), Some("Paid"));
    assert!(body.contains("POS 4411"));
    assert_eq!(on_hand(&app, s.oil, s.north).await, 1);
}

async fn the_till_finds_its_sites_stock_and_marks_the_exact_sku(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let north = user(&app, Role::Advisor, Some(s.north)).await;
    let south = user(&app, Role::Advisor, Some(s.south)).await;

    let (_, html) = get(&app, &north, "/sales/products?q=oil-5", true).await;
    assert_eq!(
        count_of(
            &html,
            ".pos-hit[data-exact='true'][data-price='750'][data-available='3']"
        ),
        1
    );
    let (_, html) = get(&app, &north, "/sales/products?q=brake", true).await;
    assert_eq!(count_of(&html, ".pos-hit"), 1);
    assert_eq!(
        count_of(&html, ".pos-hit[data-exact]"),
        0,
        "a name is not a scan"
    );
    // South stocks nothing, whatever site it asks for.
    let asked = format!("/sales/products?q=oil&site={}", s.north.0);
    let (_, html) = get(&app, &south, &asked, true).await;
    assert_eq!(count_of(&html, ".pos-hit"), 0);
    assert!(html.contains("Nothing stocked here matches"));
}

async fn only_the_front_desk_sells_and_only_at_its_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let hq = user(&app, Role::Hq, None).await;
    let root = user(&app, Role::Superuser, None).await;
    let south = user(&app, Role::Advisor, Some(s.south)).await;

    assert_eq!(get(&app, &hq, "/sales/new", false).await.0, 403);
    assert_eq!(
        get(&app, &hq, "/sales", false).await.0,
        200,
        "HQ reads the sales"
    );
    let (_, html) = get(&app, &root, "/sales/new", false).await;
    assert!(html.contains("Which site are you selling from?") && count_of(&html, "#pos") == 0);
    let (_, html) = get(
        &app,
        &root,
        &format!("/sales/new?site={}", s.north.0),
        false,
    )
    .await;
    assert_eq!(count_of(&html, "#pos"), 1);

    let site = s.north.0.to_string();
    let lines = [(s.pad.to_string(), "1")];
    let form = sale_form(
        &site,
        &lines,
        &[
            ("customer_mode", "walkin"),
            ("payment_method", "cash"),
            ("action", "complete"),
        ],
    );
    let response = app
        .post_form(&south, "/sales/new", "/sales/new", &form)
        .await;
    assert_eq!(response.status(), 403, "another site's till");
    let response = app.post_form(&hq, "/sales", "/sales/new", &form).await;
    assert_eq!(response.status(), 403);
    assert_eq!(money_rows(&app).await.0, 0);
    let response = app
        .post_form(&root, "/sales/new", "/sales/new", &form)
        .await;
    assert_eq!(
        response.status(),
        303,
        "a superuser sells at the site chosen"
    );
}

/// Two tills ringing up the same two products at once, listed in opposite orders: each sale
/// locks its stock rows in one order (product id), so none waits on another crosswise until
/// PostgreSQL aborts it as a deadlock; every sale goes through and the stock drops by exactly
/// what was sold.
async fn sales_of_the_same_products_in_opposite_orders_all_go_through(backend: Backend) {
    use workshop::db::schema::inventory;
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;
    let site = s.north.0.to_string();
    let north = s.north.0;
    app.db
        .write(move |c| {
            diesel::update(inventory::table.filter(inventory::site_id.eq(north)))
                .set(inventory::quantity_on_hand.eq(100))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let before = money_rows(&app).await;
    let (pad, oil) = (s.pad.to_string(), s.oil.to_string());
    let forward = [(pad.clone(), "1"), (oil.clone(), "1")];
    let backward = [(oil, "1"), (pad, "1")];
    let extra = [
        ("customer_mode", "walkin"),
        ("payment_method", "card"),
        ("action", "complete"),
    ];
    let sales = 16;
    // The session gets its CSRF token now, not in sixteen racing responses.
    assert_eq!(get(&app, &desk, "/sales/new", false).await.0, 200);
    let forms: Vec<_> = (0..sales)
        .map(|i| sale_form(&site, if i % 2 == 0 { &forward } else { &backward }, &extra))
        .collect();
    let answers = futures_util::future::join_all(
        forms
            .iter()
            .map(|form| app.post_form(&desk, "/sales/new", "/sales/new", form)),
    )
    .await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses, vec![303; sales], "every sale went through");
    let (jobs, invoices, paid, movements) = money_rows(&app).await;
    assert_eq!(
        (
            jobs - before.0,
            invoices - before.1,
            paid - before.2,
            movements - before.3
        ),
        (16, 16, 16, 32)
    );
    assert_eq!(on_hand(&app, s.pad, s.north).await, 84);
    assert_eq!(on_hand(&app, s.oil, s.north).await, 84);
}
