//! Who sees and changes what on the job pages, over HTTP: mechanics, another site, HQ, CSRF on
//! every write, the two addresses of jobs and sales, nonsense input, and the page's query cost.

use workshop::domain::role::Role;

use crate::helpers::{Backend, location, spawn_app};
use crate::job_fixtures::{
    add_line, count_of, get, hx_post, insert, mechanic_user, money_rows, open_job, shop, status_of,
    text_of, user,
};
use crate::on_both_databases;

on_both_databases!(
    mechanics_see_only_their_jobs_start_them_and_add_lines,
    another_sites_job_does_not_exist_and_hq_only_reads,
    every_write_on_a_job_needs_the_csrf_token,
    sales_and_jobs_each_live_at_their_own_address,
    nonsense_input_never_fails,
    the_job_page_costs_the_same_queries_whatever_its_lines,
);

async fn mechanics_see_only_their_jobs_start_them_and_add_lines(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let mine = open_job(&app, &s, Some(s.mechanic)).await;
    let theirs = open_job(&app, &s, Some(s.other_mechanic)).await;
    let mechanic = mechanic_user(&app, s.north, s.mechanic).await;

    let (status, list) = get(&app, &mechanic, "/my-jobs", false).await;
    assert_eq!(status, 200);
    assert_eq!(count_of(&list, "#job-table tbody tr"), 1);
    assert!(list.contains(&format!("/service-requests/{mine}\"")));
    assert!(
        list.contains("href=\"/my-jobs\""),
        "My jobs is in the sidebar"
    );
    let (_, all) = get(&app, &mechanic, "/service-requests", false).await;
    assert_eq!(
        count_of(&all, "#job-table tbody tr"),
        1,
        "the scope keeps others' jobs out"
    );
    assert_eq!(
        get(
            &app,
            &mechanic,
            &format!("/service-requests/{theirs}"),
            false
        )
        .await
        .0,
        404
    );
    assert_eq!(get(&app, &mechanic, "/sales", false).await.0, 403);
    assert_eq!(
        get(&app, &mechanic, "/service-requests/new", false).await.0,
        403
    );

    let (_, page) = get(&app, &mechanic, &format!("/service-requests/{mine}"), false).await;
    assert_eq!(
        count_of(
            &page,
            "#open-complete, #invoice-card, #assigned_mechanic, .cancel-box"
        ),
        0
    );
    assert_eq!(count_of(&page, "#add-part, #add-labour"), 2);
    assert_eq!(count_of(&page, "#part-price"), 0, "mechanics set no prices");
    let (_, body) = hx_post(
        &app,
        &mechanic,
        &format!("/service-requests/{mine}/status"),
        &[("status", "In Progress")],
    )
    .await;
    assert_eq!(
        text_of(&body, "#job-status").as_deref(),
        Some("In Progress")
    );
    let pad = s.pad.to_string();
    let (_, body) = hx_post(
        &app,
        &mechanic,
        &format!("/service-requests/{mine}/parts"),
        &[("product", pad.as_str()), ("quantity", "1")],
    )
    .await;
    assert_eq!(count_of(&body, "#part-lines tbody tr"), 1);

    assert_eq!(
        hx_post(
            &app,
            &mechanic,
            &format!("/service-requests/{mine}/complete"),
            &[]
        )
        .await
        .0,
        403
    );
    assert_eq!(
        hx_post(
            &app,
            &mechanic,
            &format!("/service-requests/{theirs}/parts"),
            &[("product", pad.as_str()), ("quantity", "1")]
        )
        .await
        .0,
        404
    );
    assert_eq!(
        hx_post(
            &app,
            &mechanic,
            &format!("/service-requests/{mine}/cancel"),
            &[("reason", "no")]
        )
        .await
        .0,
        403
    );
}

async fn another_sites_job_does_not_exist_and_hq_only_reads(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let job = open_job(&app, &s, None).await;
    add_line(&app, job, s.pad, 1, 2_000, s.root).await;
    let south = user(&app, Role::Advisor, Some(s.south)).await;
    let hq = user(&app, Role::Hq, None).await;

    for path in ["", "/complete", "/products?q=b"] {
        assert_eq!(
            get(
                &app,
                &south,
                &format!("/service-requests/{job}{path}"),
                false
            )
            .await
            .0,
            404,
            "{path}"
        );
    }
    assert_eq!(
        hx_post(
            &app,
            &south,
            &format!("/service-requests/{job}/parts"),
            &[("q", "BP-1")]
        )
        .await
        .0,
        404
    );
    let (_, list) = get(&app, &south, "/service-requests", false).await;
    assert_eq!(count_of(&list, "#job-table tbody tr"), 0);

    let (status, page) = get(&app, &hq, &format!("/service-requests/{job}"), false).await;
    assert_eq!(status, 200);
    assert_eq!(
        count_of(&page, "#job-body [hx-post], #job-body form"),
        0,
        "no write controls"
    );
    assert!(page.contains("Brake pad"));
    let (_, list) = get(&app, &hq, "/service-requests", false).await;
    assert!(!list.contains("New service request"));
    for (path, fields) in [
        ("/parts", vec![("q", "BP-1")]),
        ("/status", vec![("status", "In Progress")]),
        ("/complete", vec![]),
        ("/cancel", vec![("reason", "x")]),
        ("/delete", vec![]),
    ] {
        let (status, _) = hx_post(
            &app,
            &hq,
            &format!("/service-requests/{job}{path}"),
            &fields,
        )
        .await;
        assert_eq!(status, 403, "{path}");
    }
    assert_eq!(status_of(&app, job).await, "Pending");
}

async fn every_write_on_a_job_needs_the_csrf_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;
    let job = open_job(&app, &s, None).await;
    add_line(&app, job, s.pad, 1, 2_000, s.root).await;
    let before = money_rows(&app).await;
    let pad = s.pad.to_string();
    let paths = [
        "/service-requests/new".to_owned(),
        "/service-requests/options/vehicles".to_owned(),
        format!("/service-requests/{job}/parts"),
        format!("/service-requests/{job}/parts/1"),
        format!("/service-requests/{job}/parts/1/remove"),
        format!("/service-requests/{job}/labour"),
        format!("/service-requests/{job}/mechanic"),
        format!("/service-requests/{job}/status"),
        format!("/service-requests/{job}/cancel"),
        format!("/service-requests/{job}/delete"),
        format!("/service-requests/{job}/complete"),
        format!("/service-requests/{job}/payments"),
        "/sales/new".to_owned(),
    ];
    for path in paths {
        for htmx in [false, true] {
            let mut request = desk.post(app.url(&path)).form(&[
                ("product", pad.as_str()),
                ("quantity", "1"),
                ("status", "In Progress"),
                ("reason", "x"),
            ]);
            if htmx {
                request = request.header("HX-Request", "true");
            }
            let status = request.send().await.unwrap().status().as_u16();
            assert_eq!(status, 403, "{path} without a token");
        }
    }
    assert_eq!(money_rows(&app).await, before);
    assert_eq!(status_of(&app, job).await, "Pending");
}

async fn sales_and_jobs_each_live_at_their_own_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;
    let job = open_job(&app, &s, None).await;
    let sale = insert(
        &app, "sale", s.owner, None, s.north.0, None, s.root, "Draft",
    )
    .await;

    let response = desk
        .get(app.url(&format!("/service-requests/{sale}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, format!("/sales/{sale}"))
    );
    let response = desk
        .get(app.url(&format!("/sales/{job}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, format!("/service-requests/{job}"))
    );

    let (_, page) = get(&app, &desk, &format!("/sales/{sale}"), false).await;
    assert_eq!(
        count_of(&page, "#labour, #mechanic-card"),
        0,
        "a sale has no labour or mechanic"
    );
    assert!(page.contains("Counter sale") && page.contains("Items"));
    let (_, jobs) = get(&app, &desk, "/service-requests", false).await;
    let (_, sales) = get(&app, &desk, "/sales", false).await;
    assert_eq!(
        (
            count_of(&jobs, "#job-table tbody tr"),
            count_of(&sales, "#job-table tbody tr")
        ),
        (1, 1)
    );
    assert!(sales.contains(&format!("/sales/{sale}\"")));
}

async fn nonsense_input_never_fails(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    let desk = user(&app, Role::Advisor, Some(s.north)).await;
    let job = open_job(&app, &s, None).await;
    for path in [
        "/service-requests?status=%00&mechanic=x&customer=-1&from=31/12/2020&to=tomorrow&page=-4&page_size=abc&q=%25",
        "/sales?site=abc&from=2026-02-30",
        "/service-requests/new?customer=abc&vehicle=999999",
        "/service-requests/options/vehicles?customer=x",
        "/service-requests/options/types?category=99",
        "/service-requests/options/mechanics?site=x",
        "/service-requests/99999",
        "/service-requests/abc",
    ] {
        let (status, _) = get(&app, &desk, path, false).await;
        assert!(status == 200 || status == 404, "{path}: {status}");
    }
    let pad = s.pad.to_string();
    for fields in [
        vec![("product", "abc"), ("quantity", "1e9")],
        vec![("product", pad.as_str()), ("quantity", "99999999999999")],
        vec![
            ("product", pad.as_str()),
            ("quantity", "1"),
            ("unit_price", "-3"),
        ],
    ] {
        let (status, body) = hx_post(
            &app,
            &desk,
            &format!("/service-requests/{job}/parts"),
            &fields,
        )
        .await;
        assert_eq!(status, 200);
        assert!(body.contains("field-error"), "{fields:?}");
    }
    for fields in [
        vec![
            ("discount_amount", "1e3"),
            ("odometer_km", "-5"),
            ("payment_method", "bitcoin"),
        ],
        vec![
            ("promotion_id", "abc"),
            ("tendered", "NaN"),
            ("payment_method", "cash"),
        ],
    ] {
        let (status, body) = hx_post(
            &app,
            &desk,
            &format!("/service-requests/{job}/complete"),
            &fields,
        )
        .await;
        assert_eq!(status, 200, "{fields:?}");
        assert!(body.contains("Nothing was completed"), "{fields:?}");
    }
    let (status, _) = get(
        &app,
        &desk,
        &format!(
            "/service-requests/{job}/complete/preview?discount_amount=x&promotion_id=7&tendered=%%"
        ),
        true,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(status_of(&app, job).await, "Pending");
}

async fn the_job_page_costs_the_same_queries_whatever_its_lines(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = shop(&app).await;
    app.sign_in("root@example.com").await;
    let job = open_job(&app, &s, Some(s.mechanic)).await;
    let page = format!("/service-requests/{job}");
    add_line(&app, job, s.pad, 1, 2_000, s.root).await;
    app.queries_for(&page).await;
    let few = app.queries_for(&page).await;
    for _ in 0..20 {
        add_line(&app, job, s.oil, 1, 750, s.root).await;
    }
    let many = app.queries_for(&page).await;
    assert_eq!((few.0, many.0), (200, 200));
    assert_eq!(few.1, many.1, "no query per line");
}
