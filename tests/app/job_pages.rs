//! The service request pages over HTTP: the new-job form, the job page's htmx actions from the
//! first part to the paid invoice, who sees and changes what, CSRF on every write, the list's
//! filters, and nonsense input.

use workshop::domain::role::Role;

use crate::helpers::{Backend, location, spawn_app};
use crate::job_fixtures::{
    add_line, all_text_of, count_of, get, hx_post, insert, money_rows, on_hand, open_job, shop,
    status_of, text_of, user,
};
use crate::on_both_databases;

on_both_databases!(
    the_new_job_forms_pickers_answer_with_fragments_and_add_a_vehicle,
    the_new_job_form_keeps_what_was_typed_and_opens_the_job,
    a_job_goes_from_its_first_part_to_a_paid_invoice_in_fragments,
    line_refusals_are_shown_in_the_form_and_change_nothing,
    completion_refusals_come_back_in_the_panel_with_nothing_written,
    the_list_filters_by_status_mechanic_customer_dates_and_number,
    the_list_shows_the_running_total_through_every_line_change,
    cancel_needs_a_reason_and_delete_keeps_history,
);

async fn the_new_job_form_keeps_what_was_typed_and_opens_the_job(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;

    let (status, html) = get(
        &app,
        &desk,
        &format!("/service-requests/new?vehicle={}", s.vehicle),
        false,
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Owusu, Ama"), "the vehicle's owner is chosen");
    assert_eq!(
        text_of(&html, "#vehicle option[selected]").as_deref(),
        Some("GR 1001-24 · 2018 Toyota Corolla")
    );
    assert!(
        html.contains("Kwame Boateng") && !html.contains("Efua Sarpong"),
        "only the site's mechanics"
    );

    let owner = s.owner.to_string();
    let theirs = s.other_vehicle.to_string();
    let fields = [
        ("customer", owner.as_str()),
        ("vehicle", theirs.as_str()),
        ("category", "1"),
        ("service_type", "1"),
        ("description", "Grinding noise when braking"),
    ];
    let response = app
        .post_form(
            &desk,
            "/service-requests/new",
            "/service-requests/new",
            &fields,
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("This vehicle belongs to another customer."));
    assert!(
        html.contains("Grinding noise when braking"),
        "the description is kept"
    );
    assert!(html.contains("Owusu, Ama"), "the customer is kept");
    assert_eq!(
        text_of(&html, "#service_type option[selected]").as_deref(),
        Some("Brake repair")
    );

    // A site user cannot reach a vehicle registered at another site.
    let elsewhere = s.south_vehicle.to_string();
    let fields = [
        ("customer", owner.as_str()),
        ("vehicle", elsewhere.as_str()),
    ];
    let response = app
        .post_form(
            &desk,
            "/service-requests/new",
            "/service-requests/new",
            &fields,
        )
        .await;
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This vehicle does not exist.")
    );

    let mine = s.vehicle.to_string();
    let mechanic = s.mechanic.to_string();
    let fields = [
        ("customer", owner.as_str()),
        ("vehicle", mine.as_str()),
        ("service_type", "1"),
        ("description", "Grinding noise when braking"),
        ("assigned_mechanic", mechanic.as_str()),
    ];
    let response = app
        .post_form(
            &desk,
            "/service-requests/new",
            "/service-requests/new",
            &fields,
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = location(&response);
    assert!(page.starts_with("/service-requests/"));
    let (_, html) = get(&app, &desk, &page, false).await;
    assert!(
        html.contains("SR-") && html.contains("opened."),
        "flash with the number"
    );
    assert_eq!(text_of(&html, "#job-status").as_deref(), Some("Pending"));
    assert!(html.contains("Mechanical — Brake repair") && html.contains("Kwame Boateng"));

    let (_, list) = get(&app, &desk, "/service-requests", false).await;
    assert_eq!(count_of(&list, "#job-table tbody tr"), 1);
    assert!(list.contains("GR 1001-24") && list.contains("Ama Owusu"));
}

async fn a_job_goes_from_its_first_part_to_a_paid_invoice_in_fragments(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;
    let job = open_job(&app, &s, None).await;
    let at = |tail: &str| format!("/service-requests/{job}{tail}");

    let (status, hits) = get(&app, &desk, &at("/products?q=brake"), true).await;
    assert_eq!(status, 200);
    assert!(hits.contains("Brake pad") && hits.contains("10 available") && !hits.contains("<html"));

    // A scanner's SKU (any case) adds the product at once.
    let (status, body) = hx_post(
        &app,
        &desk,
        &at("/parts"),
        &[("q", "bp-1"), ("quantity", "2")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body.trim_start().starts_with("<div id=\"job-body\""),
        "a fragment"
    );
    assert!(!body.contains("<html"));
    assert_eq!(
        text_of(&body, "#job-notice").as_deref(),
        Some("Part added.")
    );
    assert_eq!(count_of(&body, "#part-lines tbody tr"), 1);
    let oil = s.oil.to_string();
    let (_, body) = hx_post(
        &app,
        &desk,
        &at("/parts"),
        &[
            ("product", oil.as_str()),
            ("quantity", "1"),
            ("unit_price", "8.00"),
        ],
    )
    .await;
    assert_eq!(count_of(&body, "#part-lines tbody tr"), 2);
    let (_, body) = hx_post(
        &app,
        &desk,
        &at("/labour"),
        &[
            ("description", "Brake work"),
            ("hours", "1.5"),
            ("hourly_rate", "40"),
        ],
    )
    .await;
    assert!(body.contains("1.5 h × 40.00") && body.contains("60.00"));
    // 2 × 20.00 + 8.00 + 60.00
    assert_eq!(
        text_of(&body, "#running-total").as_deref(),
        Some("USD 108.00")
    );

    let line = scraper_id(&body, "#part-lines tbody tr", "part-");
    let (_, editing) = get(&app, &desk, &at(&format!("/parts/{line}/edit")), true).await;
    assert_eq!(count_of(&editing, "tr.is-editing input[name=quantity]"), 1);
    let (_, body) = hx_post(
        &app,
        &desk,
        &at(&format!("/parts/{line}")),
        &[("quantity", "3"), ("unit_price", "20.00")],
    )
    .await;
    assert_eq!(
        text_of(&body, "#job-notice").as_deref(),
        Some("Part line saved.")
    );
    assert_eq!(
        text_of(&body, "#running-total").as_deref(),
        Some("USD 128.00")
    );

    let mechanic = s.mechanic.to_string();
    let (_, body) = hx_post(
        &app,
        &desk,
        &at("/mechanic"),
        &[("assigned_mechanic", mechanic.as_str())],
    )
    .await;
    assert_eq!(
        text_of(&body, "#mechanic-card strong").as_deref(),
        Some("Kwame Boateng")
    );
    let (_, body) = hx_post(&app, &desk, &at("/status"), &[("status", "In Progress")]).await;
    assert_eq!(
        text_of(&body, "#job-status").as_deref(),
        Some("In Progress")
    );

    let (_, panel) = get(&app, &desk, &at("/complete"), true).await;
    assert_eq!(
        text_of(&panel, "#complete-total").as_deref(),
        Some("USD 128.00")
    );
    let (_, summary) = get(
        &app,
        &desk,
        &at("/complete/preview?discount_amount=8&payment_method=cash&tendered=150"),
        true,
    )
    .await;
    assert_eq!(
        text_of(&summary, "#complete-total").as_deref(),
        Some("USD 120.00")
    );
    assert_eq!(
        text_of(&summary, "#complete-change").as_deref(),
        Some("30.00")
    );

    let fields = [
        ("discount_amount", "8"),
        ("odometer_km", "61000"),
        ("payment_method", "cash"),
        ("amount_paid", "100"),
        ("tendered", "100"),
    ];
    let (status, body) = hx_post(&app, &desk, &at("/complete"), &fields).await;
    assert_eq!(status, 200);
    let notice = text_of(&body, "#job-notice").unwrap();
    assert!(
        notice.starts_with("Completed. Invoice INV-") && notice.contains("for 120.00"),
        "{notice}"
    );
    assert_eq!(text_of(&body, "#job-status").as_deref(), Some("Completed"));
    assert_eq!(
        text_of(&body, "#invoice-status").as_deref(),
        Some("Part paid")
    );
    assert_eq!(text_of(&body, "#invoice-balance").as_deref(), Some("20.00"));
    assert_eq!(
        count_of(&body, "#add-part, #add-labour, #open-complete"),
        0,
        "a completed job is locked"
    );
    assert!(
        body.contains("/print\"") && body.contains("/receipt\""),
        "print links"
    );
    assert_eq!(on_hand(&app, s.pad, s.north).await, 7);

    let (_, body) = hx_post(
        &app,
        &desk,
        &at("/payments"),
        &[
            ("payment_method", "cash"),
            ("amount_paid", ""),
            ("tendered", "50"),
        ],
    )
    .await;
    assert_eq!(
        text_of(&body, "#job-notice").as_deref(),
        Some("Payment of 20.00 recorded. Paid in full. Change due: 30.00.")
    );
    assert_eq!(text_of(&body, "#invoice-status").as_deref(), Some("Paid"));
    assert_eq!(count_of(&body, "#payment-form"), 0, "nothing left to pay");
    assert_eq!(count_of(&body, "#payments tbody tr"), 2);
    let notes = all_text_of(&body, "#payments td[data-label=Note]");
    assert_eq!(
        notes,
        ["Tendered 100.00", "Tendered 50.00, change 30.00"],
        "the change is shown where cash was handed back"
    );
}

/// The id number in the `id` attribute (`prefix<n>`) of the first element matching `css`.
fn scraper_id(html: &str, css: &str, prefix: &str) -> i32 {
    let doc = scraper::Html::parse_fragment(html);
    let selector = scraper::Selector::parse(css).unwrap();
    doc.select(&selector)
        .next()
        .and_then(|e| e.value().attr("id"))
        .and_then(|id| id.strip_prefix(prefix))
        .and_then(|n| n.parse().ok())
        .unwrap()
}

async fn line_refusals_are_shown_in_the_form_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Manager, Some(s.north)).await;
    let job = open_job(&app, &s, None).await;
    let oil = s.oil.to_string();

    let (status, body) = hx_post(
        &app,
        &desk,
        &format!("/service-requests/{job}/parts"),
        &[("product", oil.as_str()), ("quantity", "4")],
    )
    .await;
    assert_eq!(status, 200, "htmx swaps the form with its errors");
    assert_eq!(
        text_of(&body, "#quantity-error").as_deref(),
        Some("Only 3 of Engine oil available at this site.")
    );
    assert_eq!(count_of(&body, "#part-lines tbody tr"), 0);
    assert!(body.contains(r#"value="4""#), "the quantity typed is kept");

    // The same post without JavaScript: the whole page, 422.
    let response = app
        .post_form(
            &desk,
            &format!("/service-requests/{job}"),
            &format!("/service-requests/{job}/parts"),
            &[("product", oil.as_str()), ("quantity", "4")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("<html"));

    let (_, body) = hx_post(
        &app,
        &desk,
        &format!("/service-requests/{job}/parts"),
        &[("q", "zzz"), ("quantity", "1")],
    )
    .await;
    assert!(body.contains("No product stocked at this site matches “zzz”."));
    let (_, body) = hx_post(
        &app,
        &desk,
        &format!("/service-requests/{job}/labour"),
        &[
            ("description", "Polish"),
            ("hours", "2"),
            ("hourly_rate", "10"),
            ("amount", "5"),
        ],
    )
    .await;
    assert!(body.contains("Give hours and a rate, or a fixed amount, not both."));
    assert_eq!(count_of(&body, "#labour-lines tbody tr"), 0);
    assert!(body.contains(r#"value="Polish""#));

    // The job of another site's mechanic cannot be assigned.
    let south = s.south_mechanic.to_string();
    let (_, body) = hx_post(
        &app,
        &desk,
        &format!("/service-requests/{job}/mechanic"),
        &[("assigned_mechanic", south.as_str())],
    )
    .await;
    assert!(body.contains("This mechanic works at another site"));
    let (_, body) = hx_post(
        &app,
        &desk,
        &format!("/service-requests/{job}/status"),
        &[("status", "Completed")],
    )
    .await;
    assert!(
        text_of(&body, "#job-refusal")
            .unwrap()
            .contains("completed with Complete")
    );
    assert_eq!(status_of(&app, job).await, "Pending");
}

async fn completion_refusals_come_back_in_the_panel_with_nothing_written(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;
    let job = open_job(&app, &s, None).await;
    add_line(&app, job, s.oil, 2, 750, s.root).await;
    let before = money_rows(&app).await;
    let at = format!("/service-requests/{job}/complete");

    let (_, body) = hx_post(
        &app,
        &desk,
        &at,
        &[("discount_amount", "99"), ("payment_method", "later")],
    )
    .await;
    assert!(body.contains("The discount cannot be more than the subtotal (15.00)."));
    assert_eq!(
        count_of(&body, "#complete-panel"),
        1,
        "the panel stays open"
    );
    assert!(body.contains(r#"value="99""#));
    let (_, body) = hx_post(&app, &desk, &at, &[("discount_amount", "abc")]).await;
    assert!(body.contains("Enter an amount in digits"));

    // Someone took the oil meanwhile: completion refuses with the rule's own words.
    let (oil, north) = (s.oil, s.north);
    app.db
        .write(move |c| {
            use diesel::prelude::*;
            use workshop::db::schema::inventory;
            diesel::update(
                inventory::table
                    .filter(inventory::product_id.eq(oil))
                    .filter(inventory::site_id.eq(north.0)),
            )
            .set(inventory::quantity_on_hand.eq(1))
            .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let (_, body) = hx_post(
        &app,
        &desk,
        &at,
        &[("payment_method", "cash"), ("tendered", "20")],
    )
    .await;
    assert_eq!(
        text_of(&body, "#complete-refusal").as_deref(),
        Some("Insufficient inventory for Engine oil (have 1, need 2).")
    );
    assert_eq!(money_rows(&app).await, before, "nothing written");
    assert_eq!(status_of(&app, job).await, "Pending");
}

async fn the_list_filters_by_status_mechanic_customer_dates_and_number(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;
    let first = open_job(&app, &s, Some(s.mechanic)).await;
    insert(
        &app,
        "service",
        s.other_owner,
        Some(s.other_vehicle),
        s.north.0,
        None,
        s.root,
        "In Progress",
    )
    .await;
    add_line(&app, first, s.pad, 2, 2_000, s.root).await;

    let rows = |html: &str| count_of(html, "#job-table tbody tr");
    let (_, all) = get(&app, &desk, "/service-requests", false).await;
    assert_eq!(rows(&all), 2);
    assert!(
        all.contains("40.00"),
        "the running total of parts and labour"
    );
    let (_, html) = get(&app, &desk, "/service-requests?status=in_progress", false).await;
    assert_eq!(rows(&html), 1);
    let (_, html) = get(&app, &desk, "/service-requests?status=open", false).await;
    assert_eq!(rows(&html), 2);
    let (_, html) = get(
        &app,
        &desk,
        &format!("/service-requests?mechanic={}", s.mechanic),
        false,
    )
    .await;
    assert_eq!(rows(&html), 1);
    let (_, html) = get(
        &app,
        &desk,
        &format!("/service-requests?customer={}", s.other_owner),
        false,
    )
    .await;
    assert_eq!(rows(&html), 1);
    assert!(html.contains("Customer: <strong>Kofi Mensah</strong>"));
    let (_, html) = get(
        &app,
        &desk,
        "/service-requests?from=2000-01-01&to=2000-12-31",
        false,
    )
    .await;
    assert_eq!(rows(&html), 0);
    assert!(html.contains("Nothing matches these filters"));
    assert_eq!(
        count_of(&html, "nav.pager"),
        0,
        "the empty state stands alone"
    );
    let (_, html) = get(&app, &desk, "/service-requests?q=sr-", true).await;
    assert_eq!(rows(&html), 2);
    assert!(
        !html.contains("<html"),
        "typing a number swaps just the results"
    );
    let (_, html) = get(
        &app,
        &desk,
        "/service-requests?page_size=1&status=open",
        false,
    )
    .await;
    assert!(
        html.contains("status=open") && html.contains("page=2"),
        "the pager keeps the filters"
    );
}

/// The list reads an open job's running total from the job itself (kept by every line change),
/// not from its lines: each change through the page must move it.
async fn the_list_shows_the_running_total_through_every_line_change(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;
    let job = open_job(&app, &s, None).await;
    let at = |tail: &str| format!("/service-requests/{job}{tail}");
    let listed = || async {
        let (_, html) = get(&app, &desk, "/service-requests", false).await;
        text_of(&html, "#job-table td.jc-total").unwrap_or_default()
    };
    assert_eq!(listed().await, "0.00 (running)");

    let (_, body) = hx_post(
        &app,
        &desk,
        &at("/parts"),
        &[("q", "BP-1"), ("quantity", "2")],
    )
    .await;
    let part = scraper_id(&body, "#part-lines tbody tr", "part-");
    assert_eq!(listed().await, "40.00 (running)", "2 × 20.00");
    let labour = [
        ("description", "Brakes"),
        ("hours", "1.5"),
        ("hourly_rate", "40"),
    ];
    let (_, body) = hx_post(&app, &desk, &at("/labour"), &labour).await;
    let work = scraper_id(&body, "#labour-lines tbody tr", "labour-");
    assert_eq!(listed().await, "100.00 (running)", "+ 1.5 h × 40.00");
    let edit = [("quantity", "3"), ("unit_price", "20.00")];
    hx_post(&app, &desk, &at(&format!("/parts/{part}")), &edit).await;
    assert_eq!(listed().await, "120.00 (running)", "3 × 20.00 + 60.00");
    let fixed = [("description", "Brakes"), ("amount", "25")];
    hx_post(&app, &desk, &at(&format!("/labour/{work}")), &fixed).await;
    assert_eq!(listed().await, "85.00 (running)", "60.00 + 25.00");
    hx_post(&app, &desk, &at(&format!("/parts/{part}/remove")), &[]).await;
    assert_eq!(listed().await, "25.00 (running)");
    hx_post(&app, &desk, &at(&format!("/labour/{work}/remove")), &[]).await;
    assert_eq!(listed().await, "0.00 (running)");
}

async fn cancel_needs_a_reason_and_delete_keeps_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;
    let job = open_job(&app, &s, None).await;
    let other = open_job(&app, &s, None).await;

    let (_, body) = hx_post(
        &app,
        &desk,
        &format!("/service-requests/{job}/cancel"),
        &[("reason", " ")],
    )
    .await;
    assert!(body.contains("This field is required."));
    assert_eq!(status_of(&app, job).await, "Pending");
    let (_, body) = hx_post(
        &app,
        &desk,
        &format!("/service-requests/{job}/cancel"),
        &[("reason", "Customer declined the quote")],
    )
    .await;
    assert_eq!(text_of(&body, "#job-status").as_deref(), Some("Cancelled"));
    assert!(body.contains("Customer declined the quote"));
    let (_, body) = hx_post(&app, &desk, &format!("/service-requests/{job}/delete"), &[]).await;
    assert!(
        text_of(&body, "#job-refusal")
            .unwrap()
            .contains("stays as history")
    );

    let token = app.csrf_token(&desk, "/account").await;
    let response = desk
        .post(app.url(&format!("/service-requests/{other}/delete")))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["HX-Redirect"], "/service-requests");
    assert_eq!(
        get(&app, &desk, &format!("/service-requests/{other}"), false)
            .await
            .0,
        404
    );
}

async fn the_new_job_forms_pickers_answer_with_fragments_and_add_a_vehicle(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;

    let (status, types) = get(
        &app,
        &desk,
        "/service-requests/options/types?category=2",
        true,
    )
    .await;
    assert_eq!(status, 200);
    assert!(types.contains("Battery replacement") && !types.contains("Brake repair"));
    let (_, mechanics) = get(
        &app,
        &desk,
        &format!("/service-requests/options/mechanics?site={}", s.south.0),
        true,
    )
    .await;
    assert!(
        mechanics.contains("Kwame Boateng") && !mechanics.contains("Efua Sarpong"),
        "a site user's own site"
    );
    let (_, field) = get(
        &app,
        &desk,
        &format!("/service-requests/options/vehicles?customer={}", s.owner),
        true,
    )
    .await;
    assert_eq!(
        count_of(&field, "#vehicle option[value]:not([value=''])"),
        1,
        "only this site's vehicles"
    );
    assert_eq!(
        text_of(&field, "#vehicle option[selected]").as_deref(),
        Some("GR 1001-24 · 2018 Toyota Corolla")
    );

    let owner = s.owner.to_string();
    let typed = [
        ("customer", owner.as_str()),
        ("license_plate", "GR 1001-24"),
        ("make", "Kia"),
        ("model", "Rio"),
        ("year", "2020"),
    ];
    let (status, field) = hx_post(&app, &desk, "/service-requests/options/vehicles", &typed).await;
    assert_eq!(status, 200);
    assert!(
        text_of(&field, "#license_plate-error").is_some(),
        "the plate is taken"
    );
    assert_eq!(count_of(&field, "details.inline-add[open]"), 1);
    assert!(field.contains(r#"value="Kia""#));
    let typed = [
        ("customer", owner.as_str()),
        ("license_plate", "GR 5555-24"),
        ("make", "Kia"),
        ("model", "Rio"),
        ("year", "2020"),
    ];
    let (_, field) = hx_post(&app, &desk, "/service-requests/options/vehicles", &typed).await;
    assert_eq!(
        text_of(&field, "#vehicle option[selected]").as_deref(),
        Some("GR 5555-24 · 2020 Kia Rio")
    );
    assert_eq!(
        count_of(&field, "#vehicle option[value]:not([value=''])"),
        2
    );

    let hq = user(&app, Role::Hq, None).await;
    assert_eq!(
        get(
            &app,
            &hq,
            "/service-requests/options/types?category=2",
            true
        )
        .await
        .0,
        403
    );
}
