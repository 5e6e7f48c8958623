use workshop::domain::role::Role;

use crate::customers_api::client_as;
use crate::helpers::{Backend, location, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    a_new_customer_form_with_errors_keeps_what_was_typed,
    a_customer_added_through_the_form_is_found_by_search,
    search_as_you_type_answers_with_just_the_results,
    unticking_reminders_in_the_edit_form_turns_them_off,
    a_customer_with_history_cannot_be_deleted,
    hq_sees_no_write_buttons,
);

async fn a_new_customer_form_with_errors_keeps_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;

    let response = app
        .post_form(
            &desk,
            "/customers/new",
            "/customers/new",
            &[
                ("first_name", "Yaw"),
                ("last_name", ""),
                ("phone", "12"),
                ("email", "yaw@"),
            ],
        )
        .await;

    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Nothing was saved."));
    assert!(html.contains(r#"value="Yaw""#));
    assert!(html.contains(r#"value="yaw@""#));
    assert!(html.contains("This does not look like a complete phone number."));
    assert!(html.contains("This field is required."));
    let list = desk
        .get(app.url("/customers"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("No customers yet"));
}

async fn a_customer_added_through_the_form_is_found_by_search(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;

    let fields = [
        ("first_name", "Abena"),
        ("last_name", "Owusu"),
        ("phone", "555 777 8888"),
        ("receive_service_reminders", "true"),
    ];
    let response = app
        .post_form(&desk, "/customers/new", "/customers/new", &fields)
        .await;
    assert_eq!(response.status(), 303);
    let page = desk
        .get(app.url(&location(&response)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Abena Owusu added."));
    assert!(page.contains("+15557778888"));

    for query in ["owusu", "ABENA", "7778888", "abena owu"] {
        let html = desk
            .get(app.url(&format!("/customers?q={query}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Owusu, Abena"), "search {query:?}");
    }
    let none = desk
        .get(app.url("/customers?q=nobody"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(none.contains("No customer matches"));
}

async fn search_as_you_type_answers_with_just_the_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;
    app.post_form(
        &desk,
        "/customers/new",
        "/customers/new",
        &[
            ("first_name", "Kwame"),
            ("last_name", "Asante"),
            ("phone", "5551110000"),
        ],
    )
    .await;

    let html = desk
        .get(app.url("/customers?q=kwa"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert!(html.contains("Asante, Kwame"));
    assert!(!html.contains("<aside"), "only the results, not the page");
}

async fn unticking_reminders_in_the_edit_form_turns_them_off(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;
    let created = app
        .post_form(
            &desk,
            "/customers/new",
            "/customers/new",
            &[
                ("first_name", "Efua"),
                ("last_name", "Boateng"),
                ("phone", "5552223333"),
                ("receive_service_reminders", "true"),
            ],
        )
        .await;
    let path = location(&created);

    let edit = format!("{path}/edit");
    let response = app
        .post_form(
            &desk,
            &edit,
            &edit,
            &[
                ("first_name", "Efua"),
                ("last_name", "Boateng"),
                ("phone", "5552223333"),
            ],
        )
        .await;

    assert_eq!(response.status(), 303);
    let api: serde_json::Value = desk
        .get(app.url(&format!("/api/v1{path}/")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["receive_service_reminders"], false);
}

async fn a_customer_with_history_cannot_be_deleted(backend: Backend) {
    use diesel::prelude::*;
    use workshop::db::schema::vehicles;
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let other_site = app.create_site("South").await;
    let desk = client_as(&app, Role::Advisor).await;
    let created = app
        .post_form(
            &desk,
            "/customers/new",
            "/customers/new",
            &[
                ("first_name", "Kojo"),
                ("last_name", "Mensah"),
                ("phone", "5553334444"),
            ],
        )
        .await;
    let path = location(&created);
    let id: i32 = path.rsplit('/').next().unwrap().parse().unwrap();
    app.db
        .write(move |c| {
            let at = workshop::db::now();
            diesel::insert_into(vehicles::table)
                .values((
                    vehicles::customer_id.eq(id),
                    vehicles::site_id.eq(other_site.0),
                    vehicles::make.eq("Toyota"),
                    vehicles::model.eq("Corolla"),
                    vehicles::year.eq(2015),
                    vehicles::license_plate.eq("GR 1234-20"),
                    vehicles::plate_key.eq("GR123420"),
                    vehicles::created_at.eq(at),
                    vehicles::updated_at.eq(at),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let _ = site;

    let response = app
        .post_form(&desk, &path, &format!("{path}/delete"), &[])
        .await;

    assert_eq!(
        response.status(),
        403,
        "forbidden for this user, as SPEC §1 says"
    );
    assert!(
        response.text().await.unwrap().contains("at another site"),
        "the 403 page says why"
    );
    let page = desk
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("GR 1234-20"),
        "another site's vehicle is not shown to a site user"
    );
}

async fn hq_sees_no_write_buttons(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;
    let created = app
        .post_form(
            &desk,
            "/customers/new",
            "/customers/new",
            &[
                ("first_name", "Adjoa"),
                ("last_name", "Ansah"),
                ("phone", "5554445555"),
            ],
        )
        .await;
    let path = location(&created);
    let hq = client_as(&app, Role::Hq).await;

    let list = hq
        .get(app.url("/customers"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let detail = hq
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = hq.get(app.url("/customers/new")).send().await.unwrap();

    assert!(!list.contains("New customer"));
    assert!(detail.contains("Adjoa Ansah") && !detail.contains(">Delete<"));
    assert_eq!(form.status(), 403);
}
