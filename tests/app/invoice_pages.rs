//! The invoice list, its CSV export, who may open invoices, and the printed documents.

use chrono::NaiveDate;
use scraper::{Html, Selector};
use workshop::domain::role::Role;

use crate::customers_api::call;
use crate::helpers::{Backend, TestApp, client_at, spawn_app, spawn_app_with};
use crate::invoicing::{Job, add_customer, job_invoice, open_shop, sale_invoice, set_created_at};
use crate::on_both_databases;

on_both_databases!(
    the_list_filters_and_sorts_by_what_the_url_says,
    the_days_of_the_filter_are_the_sites_local_days,
    the_csv_export_lists_the_filtered_invoices_with_decimal_money_and_no_formulas,
    the_export_reads_batch_after_batch_in_every_order,
    mechanics_get_403_and_another_sites_invoice_does_not_exist,
    the_print_pages_show_the_business_the_site_the_lines_the_tax_and_the_totals,
    an_old_invoice_prints_the_prices_of_its_day,
);

pub async fn html(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The invoice numbers of the list page, in order.
fn numbers(page: &str) -> Vec<String> {
    let doc = Html::parse_document(page);
    let cells = Selector::parse("#invoice-table tbody tr td:first-child > a").unwrap();
    doc.select(&cells)
        .map(|a| a.text().collect::<String>())
        .collect()
}

/// The invoice numbers `client` sees at `path`.
async fn listed(app: &TestApp, client: &reqwest::Client, path: String) -> Vec<String> {
    let (status, page) = html(client, app, &path).await;
    assert_eq!(status, 200, "{path}");
    numbers(&page)
}

/// The display number of an invoice, read from its page.
pub async fn number_of(app: &TestApp, client: &reqwest::Client, invoice: i32) -> String {
    let (status, page) = html(client, app, &format!("/invoices/{invoice}")).await;
    assert_eq!(status, 200);
    let doc = Html::parse_document(&page);
    let title = Selector::parse("h1.page-title .mono").unwrap();
    doc.select(&title).next().unwrap().text().collect()
}

fn day(y: i32, m: u32, d: u32, h: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

async fn the_list_filters_and_sorts_by_what_the_url_says(backend: Backend) {
    let app = spawn_app(backend).await;
    let shop = open_shop(&app, "North", "UTC", "0").await;
    let other = open_shop(&app, "South", "UTC", "0").await;
    let kofi = add_customer(&app, &shop, "Kofi", "Boateng").await;
    let big = job_invoice(&app, &shop, Job::brakes(&shop)).await; // 131.00
    let sale = sale_invoice(&app, &shop, 1).await; // 45.50
    let mut kofis = Job::brakes(&shop);
    kofis.customer = kofi;
    kofis.vehicle = crate::invoicing::add_vehicle(&app, &shop, kofi).await;
    kofis.parts = vec![(shop.product, 1)];
    kofis.labour = "0";
    let small = job_invoice(&app, &shop, kofis).await; // 45.50 too
    let south = sale_invoice(&app, &other, 2).await;
    set_created_at(&app, big, day(2026, 3, 1, 10)).await;
    set_created_at(&app, sale, day(2026, 3, 2, 10)).await;
    set_created_at(&app, small, day(2026, 3, 3, 10)).await;
    set_created_at(&app, south, day(2026, 3, 4, 10)).await;
    let boss = &shop.boss;
    let n = |id| number_of(&app, boss, id);
    let (big_n, sale_n, small_n, south_n) =
        (n(big).await, n(sale).await, n(small).await, n(south).await);
    let pay = [("payment_method", "card")];
    let paid = app
        .post_form(
            boss,
            "/invoices",
            &format!("/invoices/{sale}/payments"),
            &pay,
        )
        .await;
    assert_eq!(paid.status(), 303);
    let part = [("payment_method", "cash"), ("amount_paid", "10")];
    let paid = app
        .post_form(
            boss,
            "/invoices",
            &format!("/invoices/{big}/payments"),
            &part,
        )
        .await;
    assert_eq!(paid.status(), 303);

    let list = |q: &str| listed(&app, boss, format!("/invoices{q}"));
    assert_eq!(
        list("").await,
        [
            south_n.as_str(),
            small_n.as_str(),
            sale_n.as_str(),
            big_n.as_str()
        ],
        "newest first"
    );
    assert_eq!(
        list("?sort=oldest").await,
        [
            big_n.as_str(),
            sale_n.as_str(),
            small_n.as_str(),
            south_n.as_str()
        ]
    );
    let by_total = list("?sort=total_high").await;
    assert_eq!(by_total[0], big_n, "131.00 is the highest total");
    assert_eq!(list("?status=paid").await, [sale_n.as_str()]);
    assert_eq!(list("?status=partially_paid").await, [big_n.as_str()]);
    assert_eq!(
        list("?status=unpaid").await,
        [south_n.as_str(), small_n.as_str()]
    );
    assert_eq!(
        list("?status=owing").await,
        [south_n.as_str(), small_n.as_str(), big_n.as_str()]
    );
    assert_eq!(
        list(&format!("?site={}", other.site.0)).await,
        [south_n.as_str()]
    );
    assert_eq!(list(&format!("?customer={kofi}")).await, [small_n.as_str()]);
    assert_eq!(
        list("?from=2026-03-02&to=2026-03-03").await,
        [small_n.as_str(), sale_n.as_str()]
    );
    assert_eq!(
        list(&format!("?q={}", small_n.to_lowercase())).await,
        [small_n.as_str()]
    );
    let (_, page) = html(boss, &app, &format!("/invoices?customer={kofi}")).await;
    assert!(page.contains("Invoices of <strong>Kofi Boateng</strong>"));
    let (_, page) = html(boss, &app, "/invoices?q=INV-1999").await;
    assert!(page.contains("No invoice matches these filters"));
    assert_eq!(
        list("?status=nonsense&from=yesterday&sort=x&page=abc")
            .await
            .len(),
        4
    );
    let odd = list("?from=%2B262142-12-31&to=-4000-01-01&customer=x&site=y").await;
    assert_eq!(odd.len(), 4, "days no invoice can have are ignored");
    assert!(list("?page=999999&page_size=-3").await.is_empty());

    // A site user sees their own site's invoices only, whatever the URL asks for.
    let desk = client_at(&app, Role::Advisor, Some(other.site)).await;
    let (_, page) = html(&desk, &app, &format!("/invoices?site={}", shop.site.0)).await;
    assert_eq!(numbers(&page), [south_n.as_str()]);
    let row = Html::parse_document(&page);
    let cells: Vec<String> = row
        .select(&Selector::parse("#invoice-table tbody tr td").unwrap())
        .map(|c| c.text().collect::<String>().trim().to_owned())
        .collect();
    assert!(
        cells.contains(&"Sales".to_owned()),
        "a counter sale has no vehicle: {cells:?}"
    );
    assert!(cells.contains(&"91.00".to_owned()), "its total: {cells:?}");
    assert!(cells.contains(&"Unpaid".to_owned()));
    let job_link = Selector::parse("#invoice-table tbody tr td a.muted").unwrap();
    let href = row
        .select(&job_link)
        .next()
        .and_then(|a| a.value().attr("href"));
    assert!(
        href.is_some_and(|h| h.starts_with("/sales/")),
        "a sale's invoice links to the sale: {href:?}"
    );
}

async fn the_days_of_the_filter_are_the_sites_local_days(backend: Backend) {
    let app = spawn_app(backend).await;
    let shop = open_shop(&app, "Boston", "America/New_York", "0").await;
    let invoice = job_invoice(&app, &shop, Job::brakes(&shop)).await;
    // 03:00 UTC on 10 March is still the evening of 9 March in Boston.
    set_created_at(&app, invoice, day(2026, 3, 10, 3)).await;
    let number = number_of(&app, &shop.boss, invoice).await;
    let (_, page) = html(&shop.boss, &app, "/invoices?from=2026-03-09&to=2026-03-09").await;
    assert_eq!(numbers(&page), [number.as_str()]);
    assert!(page.contains("9 Mar 2026"), "the date shown is Boston's");
    let (_, page) = html(&shop.boss, &app, "/invoices?from=2026-03-10").await;
    assert!(numbers(&page).is_empty());
}

async fn the_csv_export_lists_the_filtered_invoices_with_decimal_money_and_no_formulas(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let shop = open_shop(&app, "North", "UTC", "10").await;
    let other = open_shop(&app, "South", "UTC", "0").await;
    let evil = add_customer(&app, &shop, "=HYPERLINK(\"http://x\")", "@Mensah").await;
    let mut job = Job::brakes(&shop);
    job.customer = evil;
    job.vehicle = crate::invoicing::add_vehicle(&app, &shop, evil).await;
    let invoice = job_invoice(&app, &shop, job).await;
    sale_invoice(&app, &shop, 1).await;
    sale_invoice(&app, &other, 1).await;
    let number = number_of(&app, &shop.boss, invoice).await;

    let desk = client_at(&app, Role::Advisor, Some(shop.site)).await;
    let response = desk
        .get(app.url("/invoices/export.csv?sort=oldest"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("invoices.csv")
    );
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(&header[..4], ["invoice", "job", "type", "date"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "the advisor's site only: {body}");
    let first = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&first[col("invoice")], number);
    assert_eq!(&first[col("customer")], "'=HYPERLINK(\"http://x\") @Mensah");
    assert_eq!(&first[col("subtotal")], "131.00");
    assert_eq!(&first[col("tax")], "13.10");
    assert_eq!(&first[col("total")], "144.10");
    assert_eq!(&first[col("balance")], "144.10");
    assert_eq!(&first[col("status")], "unpaid");
    assert_eq!(&rows[1][col("vehicle")], "Sales");

    let paid_only = desk
        .get(app.url("/invoices/export.csv?status=paid"))
        .send()
        .await
        .unwrap();
    let body = paid_only.text().await.unwrap();
    assert_eq!(body.lines().count(), 1, "the header only: {body}");
}

async fn the_export_reads_batch_after_batch_in_every_order(backend: Backend) {
    use workshop::db::invoice_list::{self, After, InvoiceFilter, InvoiceSort};
    use workshop::db::paging::{Counting, PageRequest};
    use workshop::db::scope::Scope;
    let app = spawn_app(backend).await;
    let shop = open_shop(&app, "North", "UTC", "0").await;
    for (i, quantity) in [1, 3, 2, 1, 2].into_iter().enumerate() {
        let id = sale_invoice(&app, &shop, quantity).await;
        // Two invoices share a time: the id breaks the tie.
        set_created_at(&app, id, day(2026, 1, 1 + (i as u32).min(3), 9)).await;
    }
    for sort in [
        InvoiceSort::Newest,
        InvoiceSort::Oldest,
        InvoiceSort::TotalHigh,
        InvoiceSort::TotalLow,
    ] {
        let (ids_in_batches, ids_listed) = app
            .db
            .read(move |c| {
                let (scope, filter) = (Scope::everything(), InvoiceFilter::default());
                let mut all = Vec::new();
                let mut after = None;
                loop {
                    let batch = invoice_list::export_batch(c, &scope, &filter, sort, after, 2)?;
                    all.extend(batch.iter().map(|v| v.invoice.id));
                    after = batch.last().map(|v| After::row(v, sort));
                    if batch.len() < 2 {
                        break;
                    }
                }
                let page = PageRequest { page: 1, size: 50 };
                let list =
                    invoice_list::list_invoices(c, &scope, &filter, sort, page, Counting::Exact)?;
                Ok((
                    all,
                    list.items.iter().map(|v| v.invoice.id).collect::<Vec<_>>(),
                ))
            })
            .await
            .unwrap();
        assert_eq!(ids_in_batches, ids_listed, "{sort:?}");
        assert_eq!(ids_listed.len(), 5);
    }
}

async fn mechanics_get_403_and_another_sites_invoice_does_not_exist(backend: Backend) {
    let app = spawn_app(backend).await;
    let shop = open_shop(&app, "North", "UTC", "0").await;
    let other = open_shop(&app, "South", "UTC", "0").await;
    let invoice = job_invoice(&app, &shop, Job::brakes(&shop)).await;
    let number = number_of(&app, &shop.boss, invoice).await;
    let pages = [
        format!("/invoices/{invoice}"),
        format!("/invoices/{invoice}/print"),
        format!("/invoices/{invoice}/receipt"),
    ];

    let mechanic = client_at(&app, Role::Mechanic, Some(shop.site)).await;
    for path in pages
        .iter()
        .chain([&"/invoices".to_owned(), &"/invoices/export.csv".to_owned()])
    {
        assert_eq!(html(&mechanic, &app, path).await.0, 403, "{path}");
    }
    let nav = html(&mechanic, &app, "/products").await.1;
    assert!(
        !nav.contains(r#"href="/invoices""#),
        "no Invoices in a mechanic's sidebar"
    );

    let stranger = client_at(&app, Role::Manager, Some(other.site)).await;
    for path in &pages {
        assert_eq!(html(&stranger, &app, path).await.0, 404, "{path}");
    }
    let pay = app
        .post_form(
            &stranger,
            "/invoices",
            &format!("/invoices/{invoice}/payments"),
            &[("payment_method", "cash")],
        )
        .await;
    assert_eq!(pay.status(), 404);
    let list = html(&stranger, &app, "/invoices").await.1;
    assert!(!list.contains(&number));
    let csv = html(&stranger, &app, "/invoices/export.csv").await.1;
    assert!(!csv.contains(&number), "{csv}");

    let hq = client_at(&app, Role::Hq, None).await;
    let (status, page) = html(&hq, &app, &pages[0]).await;
    assert_eq!(status, 200);
    assert!(
        !page.contains("pay-form") && !page.contains("void-form") && !page.contains("Revoke link")
    );
    let pay = app
        .post_form(
            &hq,
            "/invoices",
            &format!("/invoices/{invoice}/payments"),
            &[("payment_method", "cash")],
        )
        .await;
    assert_eq!(pay.status(), 403, "head office reads only");
    let desk = client_at(&app, Role::Advisor, Some(shop.site)).await;
    let (status, page) = html(&desk, &app, &pages[0]).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("pay-form") && !page.contains("void-form") && !page.contains("reverse-form")
    );
    let _ = call; // the API helper is used by the fixtures
}

async fn the_print_pages_show_the_business_the_site_the_lines_the_tax_and_the_totals(
    backend: Backend,
) {
    let app = spawn_app_with(
        backend,
        &[
            ("WORKSHOP_BUSINESS_NAME", "Feeling <Autopart> & Co"),
            ("WORKSHOP_TAX_ID", "C0012345678"),
        ],
    )
    .await;
    let shop = open_shop(&app, "North", "Africa/Accra", "15").await;
    let tricky = add_customer(&app, &shop, "<script>alert(1)</script>", "O'Neil & Sons").await;
    let mut job = Job::brakes(&shop);
    job.customer = tricky;
    job.vehicle = crate::invoicing::add_vehicle(&app, &shop, tricky).await;
    job.discount = "11";
    let invoice = job_invoice(&app, &shop, job).await;
    let pay = [
        ("payment_method", "cash"),
        ("amount_paid", "100"),
        ("tendered", "120"),
    ];
    let path = format!("/invoices/{invoice}/payments");
    assert_eq!(
        app.post_form(&shop.boss, "/invoices", &path, &pay)
            .await
            .status(),
        303
    );

    for doc in ["print", "receipt"] {
        let (status, page) = html(&shop.boss, &app, &format!("/invoices/{invoice}/{doc}")).await;
        assert_eq!(status, 200, "{doc}");
        assert!(
            page.contains("Feeling &#60;Autopart&#62; &#38; Co")
                || page.contains("Feeling &lt;Autopart&gt; &amp; Co"),
            "{doc}: the business name, escaped"
        );
        assert!(
            !page.contains("<script>alert(1)"),
            "{doc}: customer text is escaped"
        );
        for text in [
            "North",
            "12 Ring Road",
            "+233 30 200 1000",
            "C0012345678",
            "Front brake pads",
            "Tax 15%",
            "120.00",
            "Parts carry the maker",
        ] {
            assert!(page.contains(text), "{doc} lacks {text}");
        }
        // 2 × 45.50 + 40.00 labour = 131.00; discount 11.00; tax 15% of 120.00 = 18.00; 138.00.
        for amount in [
            "91.00", "131.00", "-11.00", "18.00", "138.00", "100.00", "38.00",
        ] {
            assert!(page.contains(amount), "{doc} lacks {amount}");
        }
        assert!(page.contains("BALANCE DUE"), "{doc}: partly paid");
        assert!(page.contains("20.00"), "{doc}: the change from 120.00 cash");
        assert!(!page.contains("class=\"sidebar\""), "{doc}: no app chrome");
        assert!(page.contains("@page") || page.contains("documents.css"));
    }
    let css = html(&shop.boss, &app, "/static/documents.css").await.1;
    assert!(
        css.contains("size: A4") && css.contains("size: 80mm"),
        "page sizes for print"
    );
    assert!(
        css.contains("@media print") && css.contains(".no-print { display: none !important; }")
    );
}

async fn an_old_invoice_prints_the_prices_of_its_day(backend: Backend) {
    let app = spawn_app(backend).await;
    let shop = open_shop(&app, "North", "UTC", "0").await;
    let old = sale_invoice(&app, &shop, 2).await;
    let response = call(
        &app,
        &shop.boss,
        reqwest::Method::PATCH,
        &format!("/api/v1/products/{}/", shop.product),
        Some(serde_json::json!({"unit_price": "99.00", "name": "Brake pads (new range)"})),
    )
    .await;
    assert_eq!(response.status(), 200);
    let new = sale_invoice(&app, &shop, 2).await;

    let old_print = html(&shop.boss, &app, &format!("/invoices/{old}/print"))
        .await
        .1;
    assert!(old_print.contains("45.50") && old_print.contains("91.00"));
    assert!(old_print.contains("Front brake pads") && !old_print.contains("99.00"));
    let new_print = html(&shop.boss, &app, &format!("/invoices/{new}/receipt"))
        .await
        .1;
    assert!(new_print.contains("99.00") && new_print.contains("198.00"));
}
