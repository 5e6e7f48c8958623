//! The search box in the top bar: customers, vehicles, jobs and invoices, each within the
//! user's scope; an exact display number jumps to its page.

use reqwest::Method;
use serde_json::json;
use workshop::domain::role::Role;

use crate::helpers::{Backend, client_at, location};
use crate::jobs_api::{send, shop};
use crate::on_both_databases;

on_both_databases!(the_search_box_finds_people_vehicles_and_numbers_in_scope);

async fn the_search_box_finds_people_vehicles_and_numbers_in_scope(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(1).await;
    let path = format!("/api/v1/service-requests/{job}/complete/");
    let (status, done) = send(&s.app, &s.desk, Method::POST, &path, Some(json!({}))).await;
    assert_eq!(status, 200);
    let (number, invoice) = (
        done["display_number"].as_str().unwrap().to_owned(),
        done["invoice"]["display_number"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    let page = |client: &reqwest::Client, q: &str| {
        let request = client.get(s.app.url("/search")).query(&[("q", q)]);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let target = location(&response);
            (status, target, response.text().await.unwrap())
        }
    };
    let (status, _, html) = page(&s.desk, "Mensah").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("/customers/{}", s.customer)),
        "customer found"
    );
    let (_, _, html) = page(&s.desk, "gr 1").await;
    assert!(
        html.contains(&format!("/vehicles/{}", s.vehicle)),
        "vehicle found by plate"
    );
    let (status, target, _) = page(&s.desk, &number.to_lowercase()).await;
    assert_eq!((status, target), (303, format!("/service-requests/{job}")));
    let (status, target, _) = page(&s.desk, &invoice).await;
    assert_eq!(status, 303);
    assert!(target.starts_with("/invoices/"), "{target}");
    let (status, _, html) = page(&s.desk, "SR-").await;
    assert_eq!(status, 200);
    assert!(html.contains(&number), "a number prefix lists jobs");

    let other = client_at(&s.app, Role::Advisor, Some(s.b)).await;
    let (status, _, html) = page(&other, &number).await;
    assert_eq!(status, 200, "another site's job is not found, not opened");
    assert!(html.contains("Nothing matches"), "{html}");
    let (_, _, html) = page(&other, "gr 1").await;
    assert!(
        !html.contains(&format!("/vehicles/{}", s.vehicle)),
        "another site's vehicle"
    );

    let (status, _, html) = page(&s.desk, "<script>alert(1)</script>").await;
    assert_eq!(status, 200);
    assert!(!html.contains("<script>alert(1)"), "the query is escaped");
    let (status, _, html) = page(&s.desk, "").await;
    assert_eq!(status, 200);
    assert!(html.contains("Type a name"));
}
