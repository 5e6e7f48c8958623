//! The public link: the invoice and its receipt for anyone holding a live token, signed out,
//! exposing nothing else; revoked or unknown tokens get a friendly 404 that leaks nothing.

use scraper::{Html, Selector};
use workshop::domain::role::Role;

use crate::helpers::{Backend, TestApp, client_at, new_client, spawn_app, spawn_app_with};
use crate::invoice_pages::{html, number_of};
use crate::invoicing::{Job, job_invoice, open_shop};
use crate::on_both_databases;

on_both_databases!(
    the_public_link_shows_the_invoice_signed_out_and_stops_when_revoked,
    only_the_front_desk_of_the_invoices_site_revokes_or_renews_its_link,
);

/// The public link shown on the invoice's page (None when revoked).
async fn share_url(app: &TestApp, client: &reqwest::Client, invoice: i32) -> Option<String> {
    let (_, page) = html(client, app, &format!("/invoices/{invoice}")).await;
    let doc = Html::parse_document(&page);
    let field = Selector::parse("#share-url").unwrap();
    doc.select(&field)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(|url| url.trim_start_matches(&app.address).to_owned())
}

fn assert_private(response: &reqwest::Response) {
    let h = response.headers();
    assert_eq!(h["x-robots-tag"], "noindex, nofollow");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
}

async fn the_public_link_shows_the_invoice_signed_out_and_stops_when_revoked(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.svg");
    std::fs::write(
        &logo,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#,
    )
    .unwrap();
    let logo = logo.display().to_string();
    let app = spawn_app_with(backend, &[("WORKSHOP_LOGO_PATH", logo.as_str())]).await;
    let shop = open_shop(&app, "North", "UTC", "0").await;
    let invoice = job_invoice(&app, &shop, Job::brakes(&shop)).await;
    let number = number_of(&app, &shop.boss, invoice).await;
    let link = share_url(&app, &shop.boss, invoice)
        .await
        .expect("a new invoice has a link");
    assert!(link.starts_with("/share/") && link.len() > 30, "{link}");

    let stranger = new_client();
    for path in [link.clone(), format!("{link}/receipt")] {
        let response = stranger.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_private(&response);
        let page = response.text().await.unwrap();
        assert!(page.contains(&number) && page.contains("Ama Mensah") && page.contains("131.00"));
        assert!(page.contains(r#"src="/logo""#), "the logo");
        for inside in [
            "/invoices",
            "/customers",
            "/service-requests",
            "/sales/",
            "Back to the invoice",
            "csrf",
        ] {
            assert!(!page.contains(inside), "{path} exposes {inside}");
        }
    }
    let logo = stranger.get(app.url("/logo")).send().await.unwrap();
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/svg+xml");
    assert_eq!(
        stranger
            .get(app.url(&format!("/invoices/{invoice}")))
            .send()
            .await
            .unwrap()
            .status(),
        303,
        "staff pages still need a sign-in"
    );

    let revoke = [("action", "revoke")];
    let path = format!("/invoices/{invoice}/link");
    assert_eq!(
        app.post_form(&shop.boss, "/invoices", &path, &revoke)
            .await
            .status(),
        303
    );
    assert_eq!(share_url(&app, &shop.boss, invoice).await, None);
    for path in [
        link.clone(),
        format!("{link}/receipt"),
        "/share/not-a-token".into(),
        "/share/".into(),
    ] {
        let response = stranger.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        if path != "/share/" {
            assert_private(&response);
            let page = response.text().await.unwrap();
            assert!(page.contains("This link is not available"));
            assert!(
                !page.contains(&number) && !page.contains("<a "),
                "{path} leaks nothing"
            );
        }
    }

    let renew = [("action", "renew")];
    assert_eq!(
        app.post_form(&shop.boss, "/invoices", &path, &renew)
            .await
            .status(),
        303
    );
    let fresh = share_url(&app, &shop.boss, invoice).await.unwrap();
    assert_ne!(fresh, link);
    assert_eq!(
        stranger.get(app.url(&fresh)).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        stranger.get(app.url(&link)).send().await.unwrap().status(),
        404,
        "the old link stays dead"
    );
}

async fn only_the_front_desk_of_the_invoices_site_revokes_or_renews_its_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let shop = open_shop(&app, "North", "UTC", "0").await;
    let other = open_shop(&app, "South", "UTC", "0").await;
    let invoice = job_invoice(&app, &shop, Job::brakes(&shop)).await;
    let link = share_url(&app, &shop.boss, invoice).await.unwrap();
    let path = format!("/invoices/{invoice}/link");
    let revoke = [("action", "revoke")];

    let hq = client_at(&app, Role::Hq, None).await;
    let (_, page) = html(&hq, &app, &format!("/invoices/{invoice}")).await;
    assert!(
        page.contains(&link) && !page.contains("Revoke link"),
        "head office sees the link, changes nothing"
    );
    assert_eq!(
        app.post_form(&hq, "/invoices", &path, &revoke)
            .await
            .status(),
        403
    );
    let stranger = client_at(&app, Role::Advisor, Some(other.site)).await;
    assert_eq!(
        app.post_form(&stranger, "/invoices", &path, &revoke)
            .await
            .status(),
        404
    );
    let mechanic = client_at(&app, Role::Mechanic, Some(shop.site)).await;
    assert_eq!(
        app.post_form(&mechanic, "/products", &path, &revoke)
            .await
            .status(),
        403
    );
    assert_eq!(
        new_client()
            .get(app.url(&link))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "still live"
    );

    let desk = client_at(&app, Role::Advisor, Some(shop.site)).await;
    let bogus = [("action", "delete")];
    assert_eq!(
        app.post_form(&desk, "/invoices", &path, &bogus)
            .await
            .status(),
        400
    );
    let response = crate::invoice_payments::htmx_post(&app, &desk, &path, &revoke).await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Link revoked"));
    assert_eq!(
        new_client()
            .get(app.url(&link))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
