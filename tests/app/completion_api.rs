//! Completion (SPEC §3) and payment through the JSON API: totals, stock, the invoice and its
//! frozen lines, the exact refusals, and what happens when people click at once.

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};
use workshop::domain::role::Role;

use crate::helpers::{Backend, client_at, spawn_app_with};
use crate::jobs_api::{Shop, post, send, shop, shop_of};
use crate::on_both_databases;
use crate::products_api::{create_product, stock_row};

on_both_databases!(
    completion_takes_the_stock_and_writes_a_frozen_invoice,
    tax_and_discount_make_the_total,
    refusals_name_the_problem_and_change_nothing,
    payments_never_exceed_the_balance_and_nothing_unpays,
    reversal_and_void_are_for_managers_and_superusers,
    the_invoice_prints_the_prices_of_its_day,
    twenty_simultaneous_completions_make_one_invoice_and_one_deduction,
    completions_racing_for_the_last_units_never_go_below_zero,
    two_payments_racing_never_overpay,
    display_numbers_have_no_gaps_or_duplicates_under_concurrency,
    invoice_numbers_outgrow_their_padding,
    a_site_user_never_sees_another_sites_invoices,
    messages_are_queued_with_their_event_and_only_then,
    paid_at_completion_every_row_names_the_invoice_number,
    a_completion_costs_the_same_statements_whatever_its_lines,
    a_payment_at_completion_costs_only_its_rows,
);

/// The outbox rows about jobs, as (kind, service request or invoice id).
async fn outbox(s: &Shop) -> Vec<(String, Option<i32>, Option<i32>)> {
    s.app
        .db
        .read(|c| {
            use workshop::db::schema::outbox_messages as o;
            Ok(o::table
                .filter(o::kind.ne("welcome"))
                .order(o::id.asc())
                .select((o::kind, o::service_request_id, o::invoice_id))
                .load(c)?)
        })
        .await
        .unwrap()
}

async fn messages_are_queued_with_their_event_and_only_then(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(0).await;
    post(
        &s.app,
        &s.desk,
        "/api/v1/product-usage/",
        json!({"service_request": job, "product": s.product, "quantity_used": 2}),
    )
    .await;
    let stock = s.stock;
    s.app
        .db
        .write(move |c| {
            use workshop::db::schema::inventory;
            diesel::update(inventory::table.find(stock))
                .set(inventory::quantity_on_hand.eq(1))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    // A refused completion (not enough stock) leaves no message behind.
    let (status, _) = complete(&s, job, json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(outbox(&s).await, vec![]);
    s.app
        .db
        .write(move |c| {
            use workshop::db::schema::inventory;
            diesel::update(inventory::table.find(stock))
                .set(inventory::quantity_on_hand.eq(10))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();

    let job = s.job_with_parts(2).await;
    let assign = format!("/api/v1/service-requests/{job}/assign-mechanic/");
    send(
        &s.app,
        &s.desk,
        Method::POST,
        &assign,
        Some(json!({"mechanic_id": s.mechanic})),
    )
    .await;
    send(
        &s.app,
        &s.desk,
        Method::POST,
        &assign,
        Some(json!({"mechanic_id": s.mechanic})),
    )
    .await;
    let (status, _) = complete(&s, job, json!({})).await;
    assert_eq!(status, 200);
    let invoice = invoice_of(&s, job).await["id"].as_i64().unwrap() as i32;
    let job = job as i32;
    assert_eq!(
        outbox(&s).await,
        vec![
            ("mechanic_assigned".into(), Some(job), None),
            ("invoice".into(), Some(job), Some(invoice)),
            ("ready_for_pickup".into(), Some(job), Some(invoice)),
        ],
        "assigning the same mechanic again sends nothing"
    );
    let pay = format!("/api/v1/invoices/{invoice}/payments/");
    send(
        &s.app,
        &s.desk,
        Method::POST,
        &pay,
        Some(json!({"method": "card", "amount": "10"})),
    )
    .await;
    assert_eq!(outbox(&s).await.len(), 3, "a part payment sends no receipt");
    send(
        &s.app,
        &s.desk,
        Method::POST,
        &pay,
        Some(json!({"method": "card"})),
    )
    .await;
    let kinds: Vec<String> = outbox(&s).await.into_iter().map(|m| m.0).collect();
    assert_eq!(kinds.last().map(String::as_str), Some("receipt"));

    let sale = s.job_with_parts(1).await;
    complete(&s, sale, json!({"payment_method": "cash"})).await;
    let kinds: Vec<String> = outbox(&s).await.into_iter().skip(4).map(|m| m.0).collect();
    assert_eq!(
        kinds,
        vec!["invoice", "ready_for_pickup", "receipt"],
        "paid at the counter: a receipt too"
    );
}

/// Statements a completion costs, with the delivery of the messages it wakes (the count is the
/// pool's: it waits until the pool has been quiet for a moment).
async fn statements_to_complete(s: &Shop, job: i64) -> u64 {
    statements_to_complete_with(s, job, json!({"labor_cost": "10"})).await
}

async fn statements_to_complete_with(s: &Shop, job: i64, body: Value) -> u64 {
    let before = s.app.queries_run();
    let (status, body) = complete(s, job, body).await;
    assert_eq!(status, 200, "{body}");
    let mut seen = s.app.queries_run();
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let now = s.app.queries_run();
        if now == seen {
            return now - before;
        }
        seen = now;
    }
}

/// Parts are locked, moved and frozen onto the invoice in set-based statements, never a round
/// trip per line: on PostgreSQL a job with three part lines costs what a job with one costs.
/// (SQLite, in process, sets each stock row's quantity with a statement of its own.)
async fn a_completion_costs_the_same_statements_whatever_its_lines(backend: Backend) {
    let s = shop(backend).await;
    let one_line = s.job_with_parts(1).await;
    let three_lines = s.job_with_parts(1).await;
    for (name, sku) in [("Oil filter", "OF-1"), ("Wiper blade", "WB-1")] {
        let product = create_product(
            &s.app,
            &s.owner,
            json!({"name": name, "sku": sku, "unit_price": "5.00"}),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        stock_row(&s.app, product, s.a, 10, 0, false).await;
        let line = json!({"service_request": three_lines, "product": product, "quantity_used": 2});
        post(&s.app, &s.desk, "/api/v1/product-usage/", line).await;
    }
    let one = statements_to_complete(&s, one_line).await;
    let three = statements_to_complete(&s, three_lines).await;
    let per_extra_line = match backend {
        Backend::Postgres => 0,
        Backend::Sqlite => 1,
    };
    assert!(
        three <= one + 2 * per_extra_line,
        "{backend:?}: one line {one} statements, three lines {three}"
    );
    assert!(one > 5, "the count covers the completion: {one}");
}

/// A payment taken at completion is written with the invoice (its paid amount and status) and
/// costs only the payment's row: the invoice just written is neither read back nor updated.
/// (On SQLite its audit row and the receipt message are a statement each; on PostgreSQL they
/// travel in the number statement, `db::invoice_number`.)
async fn a_payment_at_completion_costs_only_its_rows(backend: Backend) {
    // Without the outbox worker, whose rounds would add their statements to either count.
    let app = spawn_app_with(backend, &[("WORKSHOP_OUTBOX_WORKER", "false")]).await;
    let s = shop_of(app).await;
    let unpaid = s.job_with_parts(1).await;
    let paid = s.job_with_parts(1).await;
    let without = statements_to_complete(&s, unpaid).await;
    let cash = json!({"labor_cost": "10", "payment_method": "cash", "tendered": "1000"});
    let with = statements_to_complete_with(&s, paid, cash).await;
    let payment = match backend {
        Backend::Postgres => 1,
        Backend::Sqlite => 3,
    };
    assert_eq!(
        with,
        without + payment,
        "{backend:?}: unpaid {without}, paid {with}"
    );
    let (status, invoice) = send(&s.app, &s.desk, Method::GET, "/api/v1/invoices/", None).await;
    assert_eq!(status, 200, "{invoice}");
    let rows = invoice["results"].as_array().expect("a page of invoices");
    let by_job = |job: i64| {
        rows.iter()
            .find(|r| r["service_request"] == json!(job))
            .unwrap_or_else(|| panic!("the invoice of job {job}: {invoice}"))
    };
    assert_eq!(by_job(paid)["status"], "paid", "{invoice}");
    assert_eq!(
        by_job(paid)["amount_paid"],
        by_job(paid)["total_cost"],
        "{invoice}"
    );
    assert_eq!(by_job(paid)["balance"], "0.00", "{invoice}");
    assert_eq!(by_job(unpaid)["status"], "unpaid", "{invoice}");
}

fn complete_path(job: i64) -> String {
    format!("/api/v1/service-requests/{job}/complete/")
}

async fn complete(s: &Shop, job: i64, body: Value) -> (u16, Value) {
    send(
        &s.app,
        &s.desk,
        Method::POST,
        &complete_path(job),
        Some(body),
    )
    .await
}

/// Past 99,999 invoices in a year the number grows a digit (never cut to five), and the
/// customer's message names the same number as the invoice.
async fn invoice_numbers_outgrow_their_padding(backend: Backend) {
    use chrono::Datelike;
    use workshop::db::schema::{display_number_sequences as seq, outbox_messages as o};
    let s = shop(backend).await;
    let year = chrono::Utc::now().year();
    s.app
        .db
        .write(move |c| {
            diesel::insert_into(seq::table)
                .values((
                    seq::prefix.eq("INV"),
                    seq::year.eq(year),
                    seq::last_value.eq(99_999),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let mut numbers = Vec::new();
    for _ in 0..2 {
        let job = s.job_with_parts(1).await;
        let (status, body) = complete(&s, job, json!({})).await;
        assert_eq!(status, 200, "{body}");
        numbers.push(invoice_of(&s, job).await["display_number"].clone());
    }
    assert_eq!(
        numbers,
        [
            json!(format!("INV-{year}-100000")),
            json!(format!("INV-{year}-100001"))
        ]
    );
    let texts: Vec<String> = s
        .app
        .db
        .read(|c| {
            Ok(o::table
                .filter(o::kind.eq("invoice"))
                .order(o::id.asc())
                .select(o::body_text)
                .load(c)?)
        })
        .await
        .unwrap();
    assert_eq!(texts.len(), 2);
    assert!(
        texts[1].contains(&format!("INV-{year}-100001")),
        "{}",
        texts[1]
    );
}

/// Completion writes its audit rows and messages in the statement that takes the invoice
/// number (`db::invoice_number`): each of them names the number, none keeps the stand-in.
async fn paid_at_completion_every_row_names_the_invoice_number(backend: Backend) {
    use workshop::db::schema::{audit_log as a, outbox_messages as o};
    let s = shop(backend).await;
    let job = s.job_with_parts(2).await;
    // Refused at the payment, the last check before the number: nothing is taken.
    let (status, body) = complete(
        &s,
        job,
        json!({"payment_method": "cash", "tendered": "0.01"}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = complete(
        &s,
        job,
        json!({"payment_method": "cash", "tendered": "1000"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    answer_is_the_job_as_read_afterwards(&s, job, &body).await;
    let invoice = invoice_of(&s, job).await;
    let number = invoice["display_number"].as_str().unwrap().to_owned();
    assert_eq!(body["invoice"]["display_number"], number.as_str(), "{body}");
    assert_eq!(body["invoice"]["status"], "paid", "{body}");
    assert!(
        number.ends_with("-00001"),
        "the refusal took no number: {number}"
    );
    type Audit = (String, String, String);
    type Message = (String, String, String, Option<String>);
    let (audit, messages): (Vec<Audit>, Vec<Message>) = s
        .app
        .db
        .read(|c| {
            let audit = a::table
                .filter(a::entity.eq_any(["service_request", "invoice", "payment"]))
                .filter(a::action.ne("delete"))
                .order(a::id.asc())
                .select((a::entity, a::entity_repr, a::changes))
                .load(c)?;
            let messages = o::table
                .filter(o::kind.ne("welcome"))
                .order(o::id.asc())
                .select((o::kind, o::subject, o::body_text, o::body_html))
                .load(c)?;
            Ok((audit, messages))
        })
        .await
        .unwrap();
    let completion: Vec<&Audit> = audit.iter().rev().take(3).rev().collect();
    let payment_id = invoice["payments"][0]["id"].as_i64().unwrap();
    assert_eq!(completion[0].0, "service_request");
    assert!(
        completion[0]
            .2
            .contains(&format!("\"invoice\":\"{number}\"")),
        "{:?}",
        completion[0]
    );
    assert_eq!(
        (completion[1].0.as_str(), completion[1].1.as_str()),
        ("invoice", number.as_str())
    );
    assert_eq!(completion[2].1, format!("Payment {payment_id} on {number}"));
    let kinds: Vec<&str> = messages.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(kinds, ["invoice", "ready_for_pickup", "receipt"]);
    for kind in ["invoice", "receipt"] {
        let message = messages.iter().find(|m| m.0 == kind).unwrap();
        assert!(message.2.contains(&number), "{kind}: {}", message.2);
    }
    let stand_in = '\u{E000}';
    for row in &audit {
        assert!(
            !row.1.contains(stand_in) && !row.2.contains(stand_in),
            "{row:?}"
        );
    }
    for message in &messages {
        let html = message.3.as_deref().unwrap_or_default();
        let texts = [&message.1, &message.2, html];
        assert!(texts.iter().all(|t| !t.contains(stand_in)), "{message:?}");
    }
}

/// Completion answers with the job JSON it builds inside its transaction: apart from the cash
/// change it must be exactly what a read after the commit shows (names, stock, invoice number).
async fn answer_is_the_job_as_read_afterwards(s: &Shop, job: i64, answer: &Value) {
    let (status, read) = s
        .get(&s.desk, &format!("/api/v1/service-requests/{job}/"))
        .await;
    assert_eq!(status, 200, "{read}");
    let mut answer = answer.clone();
    answer.as_object_mut().unwrap().remove("change");
    assert_eq!(answer, read);
}

async fn invoice_of(s: &Shop, job: i64) -> Value {
    let (_, job) = s
        .get(&s.desk, &format!("/api/v1/service-requests/{job}/"))
        .await;
    let id = job["invoice"]["id"]
        .as_i64()
        .expect("the job has an invoice");
    s.get(&s.desk, &format!("/api/v1/invoices/{id}/")).await.1
}

/// What the audit trail calls the invoice it recorded being created.
async fn audited_invoice_repr(s: &Shop) -> String {
    s.app
        .db
        .read(|c| {
            use workshop::db::schema::audit_log;
            Ok(audit_log::table
                .filter(audit_log::entity.eq("invoice"))
                .filter(audit_log::action.eq("create"))
                .select(audit_log::entity_repr)
                .first(c)?)
        })
        .await
        .unwrap()
}

async fn count(s: &Shop, table: &'static str) -> i64 {
    s.app
        .db
        .read(move |c| {
            use workshop::db::schema::{inventory_transactions, invoices, payments};
            Ok(match table {
                "invoices" => invoices::table.count().get_result(c)?,
                "payments" => payments::table.count().get_result(c)?,
                _ => inventory_transactions::table
                    .filter(inventory_transactions::kind.eq("out"))
                    .count()
                    .get_result(c)?,
            })
        })
        .await
        .unwrap()
}

async fn completion_takes_the_stock_and_writes_a_frozen_invoice(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(3).await;
    let (status, body) = complete(
        &s,
        job,
        json!({"labor_cost": "45.50", "odometer_km": 81234}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "Completed");
    assert_eq!(body["parts"][0]["available"], 7, "{body}");
    answer_is_the_job_as_read_afterwards(&s, job, &body).await;
    assert_eq!(s.on_hand().await, 7);
    assert_eq!(count(&s, "out").await, 1);
    let invoice = invoice_of(&s, job).await;
    use chrono::Datelike;
    assert_eq!(
        invoice["display_number"],
        format!("INV-{}-00001", chrono::Utc::now().year())
    );
    assert_eq!(invoice["subtotal"], "105.50");
    assert_eq!(invoice["total_cost"], "105.50");
    // The number is taken last in the transaction; the audit trail names the real one.
    assert_eq!(
        audited_invoice_repr(&s).await,
        invoice["display_number"].as_str().unwrap()
    );
    assert_eq!(
        (invoice["paid"].clone(), invoice["status"].clone()),
        (json!(false), json!("unpaid"))
    );
    assert_eq!(invoice["balance"], "105.50");
    let lines = invoice["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (
            lines[0]["description"].clone(),
            lines[0]["quantity"].clone(),
            lines[0]["line_total"].clone()
        ),
        (json!("Brake pad"), json!(3), json!("60.00"))
    );
    assert_eq!(
        (lines[1]["kind"].clone(), lines[1]["line_total"].clone()),
        (json!("labour"), json!("45.50"))
    );
    let (_, vehicle) = s
        .get(&s.desk, &format!("/api/v1/vehicles/{}/", s.vehicle))
        .await;
    assert_eq!(vehicle["odometer_km"], 81234);
    assert!(vehicle["last_serviced"].is_string());
    assert_eq!(vehicle["reminders_sent_in_cycle"], 0);

    let (status, body) = complete(&s, job, json!({})).await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("Already completed"),
        "{body}"
    );
    let item = s
        .get(&s.desk, &format!("/api/v1/product-usage/{job}/"))
        .await
        .1["results"][0]["id"]
        .clone();
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &format!("/api/v1/product-usage-item/{item}/"),
        Some(json!({"quantity_used": 1})),
    )
    .await;
    assert_eq!(status, 400, "a completed job's lines are locked");
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &format!("/api/v1/service-requests/{job}/"),
        Some(json!({"description": "changed"})),
    )
    .await;
    assert_eq!(status, 400, "a completed job is locked");
    assert_eq!((s.on_hand().await, count(&s, "invoices").await), (7, 1));
}

async fn tax_and_discount_make_the_total(backend: Backend) {
    let s = shop(backend).await;
    // 15 % tax on parts only.
    let (status, _) = send(
        &s.app,
        &s.owner,
        Method::PATCH,
        &format!("/api/v1/sites/{}/", s.a.0),
        Some(json!({"tax_rate": "15", "tax_applies_to": "parts"})),
    )
    .await;
    assert_eq!(status, 200);
    let job = s.job_with_parts(2).await; // parts 40.00
    let (status, body) = complete(
        &s,
        job,
        json!({"labor_cost": "60", "discount_amount": "10.00"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let invoice = invoice_of(&s, job).await;
    // Subtotal 100; discount 10 takes 4 off the parts → taxed 36 → tax 5.40.
    assert_eq!(invoice["subtotal"], "100.00");
    assert_eq!(invoice["discount_amount"], "10.00");
    assert_eq!(invoice["tax_amount"], "5.40");
    assert_eq!(invoice["total_cost"], "95.40");

    let promo = s
        .app
        .db
        .write(|c| {
            use workshop::db::schema::promotions;
            let today = chrono::Utc::now().date_naive();
            let at = workshop::db::now();
            Ok(diesel::insert_into(promotions::table)
                .values((
                    promotions::title.eq("Brake week"),
                    promotions::start_date.eq(today - chrono::Days::new(1)),
                    promotions::end_date.eq(today + chrono::Days::new(1)),
                    promotions::discount_percent_bp.eq(Some(1250)),
                    promotions::created_at.eq(at),
                    promotions::updated_at.eq(at),
                ))
                .returning(promotions::id)
                .get_result::<i32>(c)?)
        })
        .await
        .unwrap();
    let job = s.job_with_parts(1).await; // 20.00
    let (status, body) = complete(
        &s,
        job,
        json!({"promotion_id": promo, "discount_amount": "1"}),
    )
    .await;
    assert_eq!(status, 400, "a promotion or a discount, not both: {body}");
    let (status, body) = complete(
        &s,
        job,
        json!({"promotion_id": promo, "payment_method": "cash", "tendered": "50"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let invoice = invoice_of(&s, job).await;
    // 12.5 % of 20.00 = 2.50; taxed 17.50 → 2.625 → 2.63 (half away from zero).
    assert_eq!(invoice["discount_amount"], "2.50");
    assert_eq!(invoice["tax_amount"], "2.63");
    assert_eq!(invoice["total_cost"], "20.13");
    assert_eq!(invoice["promotion_title"], "Brake week");
    assert_eq!(invoice["paid"], true);
    assert_eq!(invoice["payment_method"], "cash");
    assert_eq!(body["change"], "29.87");
}

async fn refusals_name_the_problem_and_change_nothing(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(2).await;
    for (body, field) in [
        (json!({"labor_cost": "-5"}), "labor_cost"),
        (json!({"labor_cost": "lots"}), "labor_cost"),
        (json!({"discount_amount": "-1"}), "discount_amount"),
        (json!({"discount_amount": "41"}), "discount_amount"),
        (json!({"promotion_id": 999}), "promotion_id"),
        (json!({"odometer_km": "-3"}), "odometer_km"),
        (json!({"payment_method": "gold"}), "payment_method"),
        (
            json!({"payment_method": "cash", "tendered": "10"}),
            "tendered",
        ),
    ] {
        let (status, answer) = complete(&s, job, body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(answer[field].is_array(), "{body} names {field}: {answer}");
    }
    // Stock is short at completion time (someone else took it meanwhile).
    let stock = s.stock;
    s.app
        .db
        .write(move |c| {
            use workshop::db::schema::inventory;
            diesel::update(inventory::table.find(stock))
                .set(inventory::quantity_on_hand.eq(1))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let (status, answer) = complete(&s, job, json!({"labor_cost": "30"})).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["detail"],
        "Insufficient inventory for Brake pad (have 1, need 2)."
    );
    let (_, after) = s
        .get(&s.desk, &format!("/api/v1/service-requests/{job}/"))
        .await;
    assert_eq!(
        (after["status"].clone(), after["labor_cost"].clone()),
        (json!("Pending"), json!("0.00")),
        "the labour of a refused completion is not kept"
    );

    let other = create_product(
        &s.app,
        &s.owner,
        json!({"name": "Filter", "sku": "F-1", "unit_price": "8"}),
    )
    .await;
    let other = other["id"].as_i64().unwrap();
    crate::products_api::stock_row(&s.app, other, s.a, 5, 0, false).await;
    let job = s.job_with_parts(0).await;
    post(
        &s.app,
        &s.desk,
        "/api/v1/product-usage/",
        json!({"service_request": job, "product": other, "quantity_used": 1}),
    )
    .await;
    s.app
        .db
        .write(move |c| {
            use workshop::db::schema::inventory;
            diesel::delete(inventory::table.filter(inventory::product_id.eq(other as i32)))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let (status, answer) = complete(&s, job, json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["detail"],
        "No inventory record for Filter at North. Receive stock there first."
    );
    assert_eq!(
        (
            count(&s, "invoices").await,
            count(&s, "out").await,
            s.on_hand().await
        ),
        (0, 0, 1)
    );
}

async fn payments_never_exceed_the_balance_and_nothing_unpays(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(5).await; // 100.00
    complete(&s, job, json!({})).await;
    let id = invoice_of(&s, job).await["id"].as_i64().unwrap();
    let pay = format!("/api/v1/invoices/{id}/payments/");
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &pay,
        Some(json!({"method": "card", "amount": "100.01"})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["amount_paid"][0]
            .as_str()
            .unwrap()
            .contains("balance of 100.00"),
        "{body}"
    );
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &pay,
        Some(json!({"method": "mobile_money", "amount": "30", "reference": "MM-1"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (body["status"].clone(), body["balance"].clone()),
        (json!("partially_paid"), json!("70.00"))
    );
    let detail = format!("/api/v1/invoices/{id}/");
    for refused in [
        json!({"total_cost": "1.00"}),
        json!({"paid": false}),
        json!({"discount_amount": "5"}),
        json!({"paid": "yes"}),
    ] {
        let (status, _) = send(
            &s.app,
            &s.desk,
            Method::PATCH,
            &detail,
            Some(refused.clone()),
        )
        .await;
        assert_eq!(status, 400, "{refused}");
    }
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &detail,
        Some(json!({"paid": true, "payment_method": "cash"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            body["paid"].clone(),
            body["balance"].clone(),
            body["amount_paid"].clone()
        ),
        (json!(true), json!("0.00"), json!("100.00"))
    );
    assert_eq!(body["payments"].as_array().unwrap().len(), 2);
    assert_eq!(body["payments"][1]["amount"], "70.00");
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &detail,
        Some(json!({"paid": true, "payment_method": "cash"})),
    )
    .await;
    assert_eq!(status, 200, "paid stays paid");
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &pay,
        Some(json!({"method": "cash"})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("already paid in full")
    );
    assert_eq!(count(&s, "payments").await, 2);
}

async fn reversal_and_void_are_for_managers_and_superusers(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(1).await;
    complete(&s, job, json!({"payment_method": "cash"})).await;
    let id = invoice_of(&s, job).await["id"].as_i64().unwrap();
    let reverse = format!("/api/v1/invoices/{id}/reverse-payment/");
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &reverse,
        Some(json!({"amount": "5", "reason": "x"})),
    )
    .await;
    assert_eq!(status, 403, "an advisor cannot reverse");
    let manager = client_at(&s.app, Role::Manager, Some(s.a)).await;
    let (status, body) = send(
        &s.app,
        &manager,
        Method::POST,
        &reverse,
        Some(json!({"amount": "5"})),
    )
    .await;
    assert_eq!(status, 400, "a reversal needs a reason: {body}");
    let (status, body) = send(
        &s.app,
        &manager,
        Method::POST,
        &reverse,
        Some(json!({"amount": "25", "reason": "typo"})),
    )
    .await;
    assert_eq!(status, 400, "not more than was paid: {body}");
    let (status, body) = send(
        &s.app,
        &manager,
        Method::POST,
        &reverse,
        Some(json!({"amount": "5", "reason": "Charged twice for a pad"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["status"].clone(), body["balance"].clone()),
        (json!("partially_paid"), json!("5.00"))
    );
    assert_eq!(body["payments"][1]["is_reversal"], true);

    let void = format!("/api/v1/invoices/{id}/void/");
    let (status, _) = send(
        &s.app,
        &manager,
        Method::POST,
        &void,
        Some(json!({"reason": "x"})),
    )
    .await;
    assert_eq!(status, 403, "only a superuser voids");
    let (status, _) = send(
        &s.app,
        &s.owner,
        Method::POST,
        &void,
        Some(json!({"reason": ""})),
    )
    .await;
    assert_eq!(status, 400);
    let (status, body) = send(
        &s.app,
        &s.owner,
        Method::POST,
        &void,
        Some(json!({"reason": "Wrong customer"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["status"].clone(), body["display_number"].clone()),
        (
            json!("void"),
            invoice_of(&s, job).await["display_number"].clone()
        )
    );
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &format!("/api/v1/invoices/{id}/payments/"),
        Some(json!({"method": "cash"})),
    )
    .await;
    assert_eq!(status, 400, "a void invoice takes no payments");
    let (status, _) = send(
        &s.app,
        &s.owner,
        Method::DELETE,
        &format!("/api/v1/invoices/{id}/"),
        None,
    )
    .await;
    assert_eq!(status, 405);
}

async fn the_invoice_prints_the_prices_of_its_day(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(2).await;
    complete(&s, job, json!({})).await;
    let before = invoice_of(&s, job).await;
    send(
        &s.app,
        &s.owner,
        Method::PATCH,
        &format!("/api/v1/products/{}/", s.product),
        Some(json!({"unit_price": "99.00", "name": "Renamed pad"})),
    )
    .await;
    let after = invoice_of(&s, job).await;
    assert_eq!(before["lines"], after["lines"]);
    assert_eq!(after["lines"][0]["unit_price"], "20.00");
    assert_eq!(after["total_cost"], "40.00");
}

async fn twenty_simultaneous_completions_make_one_invoice_and_one_deduction(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(4).await;
    let token = s.app.csrf_token(&s.desk, "/account").await;
    let url = s.app.url(&complete_path(job));
    let requests = (0..20).map(|_| {
        let request = s
            .desk
            .post(&url)
            .header("X-CSRF-Token", &token)
            .json(&json!({}));
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    });
    let answers = futures_util::future::join_all(requests).await;
    assert_eq!(
        answers.iter().filter(|(s, _)| *s == 200).count(),
        1,
        "{answers:?}"
    );
    let refused: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == 400)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(refused.len(), 19, "{answers:?}");
    assert!(refused.iter().all(|b| {
        b["detail"]
            .as_str()
            .unwrap()
            .starts_with("Already completed")
    }));
    assert_eq!(
        (
            count(&s, "invoices").await,
            count(&s, "out").await,
            s.on_hand().await
        ),
        (1, 1, 6)
    );
}

async fn completions_racing_for_the_last_units_never_go_below_zero(backend: Backend) {
    let s = shop(backend).await;
    // 20 jobs of one unit each, and only 10 units: exactly ten complete.
    let mut jobs = Vec::new();
    for _ in 0..20 {
        jobs.push(s.job_with_parts(1).await);
    }
    let token = s.app.csrf_token(&s.desk, "/account").await;
    let requests = jobs.iter().map(|job| {
        let request = s
            .desk
            .post(s.app.url(&complete_path(*job)))
            .header("X-CSRF-Token", &token)
            .json(&json!({}));
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let statuses = futures_util::future::join_all(requests).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 400).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(s.on_hand().await, 0);
    assert_eq!(
        (count(&s, "out").await, count(&s, "invoices").await),
        (10, 10)
    );
}

async fn two_payments_racing_never_overpay(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(5).await;
    complete(&s, job, json!({})).await;
    let id = invoice_of(&s, job).await["id"].as_i64().unwrap();
    let token = s.app.csrf_token(&s.desk, "/account").await;
    let url = s.app.url(&format!("/api/v1/invoices/{id}/payments/"));
    let requests = (0..10).map(|_| {
        let request = s
            .desk
            .post(&url)
            .header("X-CSRF-Token", &token)
            .json(&json!({"method": "cash", "amount": "60"}));
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let statuses = futures_util::future::join_all(requests).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    let invoice = invoice_of(&s, job).await;
    assert_eq!(
        (invoice["amount_paid"].clone(), invoice["balance"].clone()),
        (json!("60.00"), json!("40.00"))
    );
    assert_eq!(count(&s, "payments").await, 1);
}

async fn display_numbers_have_no_gaps_or_duplicates_under_concurrency(backend: Backend) {
    let s = shop(backend).await;
    let token = s.app.csrf_token(&s.desk, "/account").await;
    let url = s.app.url("/api/v1/service-requests/");
    let requests = (0..20).map(|i| {
        // Every fourth one is refused (unknown vehicle): a rollback must not use up a number.
        let vehicle = if i % 4 == 0 { 999_999 } else { s.vehicle };
        let request = s
            .desk
            .post(&url)
            .header("X-CSRF-Token", &token)
            .json(&json!({"customer": s.customer, "vehicle": vehicle}));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    });
    let created = futures_util::future::join_all(requests).await;
    let mut numbers: Vec<String> = created
        .iter()
        .filter_map(|b| b["display_number"].as_str().map(str::to_owned))
        .collect();
    numbers.sort();
    use chrono::Datelike;
    let year = chrono::Utc::now().year();
    let expected: Vec<String> = (1..=15).map(|n| format!("SR-{year}-{n:04}")).collect();
    assert_eq!(numbers, expected);
}

async fn a_site_user_never_sees_another_sites_invoices(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(1).await;
    complete(&s, job, json!({})).await;
    let id = invoice_of(&s, job).await["id"].as_i64().unwrap();
    let other = client_at(&s.app, Role::Manager, Some(s.b)).await;
    assert_eq!(s.get(&other, "/api/v1/invoices/").await.1["count"], 0);
    for path in [
        format!("/api/v1/invoices/{id}/"),
        format!("/api/v1/invoices/{id}/payments/"),
    ] {
        assert_eq!(s.get(&other, &path).await.0, 404, "{path}");
    }
    for (path, body) in [
        (
            format!("/api/v1/invoices/{id}/payments/"),
            json!({"method": "cash"}),
        ),
        (
            format!("/api/v1/invoices/{id}/reverse-payment/"),
            json!({"amount": "1", "reason": "x"}),
        ),
    ] {
        let (status, _) = send(&s.app, &other, Method::POST, &path, Some(body)).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = send(
        &s.app,
        &other,
        Method::PATCH,
        &format!("/api/v1/invoices/{id}/"),
        Some(json!({"paid": true, "payment_method": "cash"})),
    )
    .await;
    assert_eq!(status, 404);
    let hq = client_at(&s.app, Role::Hq, None).await;
    assert_eq!(s.get(&hq, &format!("/api/v1/invoices/{id}/")).await.0, 200);
    let (status, _) = send(
        &s.app,
        &hq,
        Method::POST,
        &format!("/api/v1/invoices/{id}/payments/"),
        Some(json!({"method": "cash"})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(count(&s, "payments").await, 0);
}
