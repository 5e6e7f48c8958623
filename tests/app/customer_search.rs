use serde_json::Value;
use workshop::db::customers::{CustomerFields, delete_customer, insert_customer, update_customer};
use workshop::domain::ids::UserId;
use workshop::domain::role::Role;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    search_finds_names_in_any_case_email_substrings_and_phone_digits,
    a_one_word_search_lists_surname_matches_first_then_the_others_by_name,
    a_long_list_page_counts_ten_pages_ahead_while_the_api_counts_all,
    search_follows_renamed_and_deleted_customers,
);

/// Adds customers `(first, last, phone, email)` straight to the database.
async fn add(app: &TestApp, by: UserId, people: &[(&str, &str, &str, Option<&str>)]) {
    for (first, last, phone, email) in people {
        let fields = CustomerFields {
            first_name: (*first).into(),
            last_name: (*last).into(),
            phone: (*phone).into(),
            email: email.map(Into::into),
            preferred_channel: "sms".into(),
            receive_service_reminders: true,
            receive_marketing: false,
            notes: String::new(),
        };
        app.db
            .write(move |c| insert_customer(c, &fields, by))
            .await
            .unwrap();
    }
}

async fn signed_in_superuser(app: &TestApp) -> UserId {
    let id = app
        .create_user("root@example.com", Role::Superuser, None)
        .await;
    app.sign_in("root@example.com").await;
    id
}

/// `count` and "First Last" of each result of an API search, in order.
async fn api_search(app: &TestApp, query: &str, extra: &str) -> (i64, Vec<String>) {
    let url = format!(
        "/api/v1/customers/?search={}{extra}",
        url::form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
    );
    let response = app.get(&url).await;
    assert_eq!(response.status(), 200, "{url}");
    let body: Value = response.json().await.unwrap();
    let names = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["first_name"].as_str().unwrap(),
                c["last_name"].as_str().unwrap()
            )
        })
        .collect();
    (body["count"].as_i64().unwrap(), names)
}

async fn search_finds_names_in_any_case_email_substrings_and_phone_digits(backend: Backend) {
    let app = spawn_app(backend).await;
    let root = signed_in_superuser(&app).await;
    add(
        &app,
        root,
        &[
            ("Abena", "Owusu", "+15550134999", None),
            (
                "Kofi",
                "Mensah",
                "+12025550199",
                Some("kofi.mensah@garage.test"),
            ),
            ("Ama", "Lee", "+233244123456", Some("ama_lee@example.com")),
        ],
    )
    .await;

    let cases: &[(&str, &[&str])] = &[
        ("owusu", &["Abena Owusu"]),
        ("OWUSU", &["Abena Owusu"]),
        ("bEnA", &["Abena Owusu"]),
        ("555 0134", &["Abena Owusu"]),
        ("(555) 013-4", &["Abena Owusu"]),
        ("202 555 0199", &["Kofi Mensah"]),
        ("0244 123 456", &["Ama Lee"]),
        ("mensah@gar", &["Kofi Mensah"]),
        ("GARAGE.test", &["Kofi Mensah"]),
        ("kofi mensah", &["Kofi Mensah"]),
        ("kofi owusu", &[]),
        ("ab", &["Abena Owusu"]),
        ("ama_", &["Ama Lee"]),
        ("a_e", &[]),
        ("%", &[]),
        ("\"", &[]),
        ("nobody", &[]),
    ];
    for (query, expected) in cases {
        let (count, names) = api_search(&app, query, "").await;
        assert_eq!(names, *expected, "search {query:?}");
        assert_eq!(count, expected.len() as i64, "count of {query:?}");
    }
    let html = app.get("/customers?q=555+0134").await.text().await.unwrap();
    assert!(html.contains("Owusu, Abena") && !html.contains("Mensah, Kofi"));
}

async fn a_one_word_search_lists_surname_matches_first_then_the_others_by_name(backend: Backend) {
    let app = spawn_app(backend).await;
    let root = signed_in_superuser(&app).await;
    add(
        &app,
        root,
        &[
            ("Bob", "Goldsmith", "+15550000001", None),
            ("Zed", "Smith", "+15550000002", None),
            ("Smithy", "Jones", "+15550000003", None),
            ("Amy", "smith", "+15550000004", None),
            ("Carl", "Smithers", "+15550000005", None),
            (
                "Dan",
                "Brown",
                "+15550000006",
                Some("dan.smith@example.com"),
            ),
            ("Eve", "Stone", "+15550000007", None),
        ],
    )
    .await;
    let all = [
        "Amy smith",
        "Zed Smith",
        "Carl Smithers",
        "Dan Brown",
        "Bob Goldsmith",
        "Smithy Jones",
    ];

    let (count, names) = api_search(&app, "SMITH", "&ordering=name").await;
    assert_eq!((count, names), (6, all.map(String::from).to_vec()));
    for page in 1..=4 {
        let (count, names) = api_search(
            &app,
            "smith",
            &format!("&ordering=name&page_size=2&page={page}"),
        )
        .await;
        assert_eq!(count, 6);
        let from = ((page - 1) * 2).min(6);
        assert_eq!(names, all[from..(from + 2).min(6)], "page {page}");
    }
    let html = app
        .get("/customers?q=smith&page_size=2&page=2")
        .await
        .text()
        .await
        .unwrap();
    let (carl, dan) = (html.find("Smithers, Carl"), html.find("Brown, Dan"));
    assert!(
        carl.is_some() && dan.is_some() && carl < dan,
        "the page orders as the API"
    );
    assert!(!html.contains("Smith, Zed") && html.contains("Showing 3–4 of 6 customers"));
    let (_, two_words) = api_search(&app, "smith a", "&ordering=name").await;
    assert_eq!(
        two_words,
        ["Dan Brown", "Amy smith", "Carl Smithers"],
        "two words: by name only"
    );
}

async fn a_long_list_page_counts_ten_pages_ahead_while_the_api_counts_all(backend: Backend) {
    let app = spawn_app(backend).await;
    let root = signed_in_superuser(&app).await;
    let people: Vec<(String, String)> = (0..30)
        .map(|i| (format!("Person{i:02}"), format!("+1555000{i:04}")))
        .collect();
    let rows: Vec<(&str, &str, &str, Option<&str>)> = people
        .iter()
        .map(|(name, phone)| (name.as_str(), "Walker", phone.as_str(), None))
        .collect();
    add(&app, root, &rows).await;

    let first = app
        .get("/customers?page_size=2")
        .await
        .text()
        .await
        .unwrap();
    let twelfth = app
        .get("/customers?page_size=2&page=12")
        .await
        .text()
        .await
        .unwrap();
    let last = app
        .get("/customers?page_size=2&page=15")
        .await
        .text()
        .await
        .unwrap();
    let (count, _) = api_search(&app, "", "&page_size=2").await;

    assert!(
        first.contains("Showing 1–2 of more than 20 customers"),
        "{first}"
    );
    assert!(first.contains("rel=\"next\""));
    assert!(
        twelfth.contains("Showing 23–24 of 30 customers"),
        "{twelfth}"
    );
    assert!(last.contains("Showing 29–30 of 30 customers") && !last.contains("rel=\"next\""));
    assert_eq!(count, 30);
}

async fn search_follows_renamed_and_deleted_customers(backend: Backend) {
    let app = spawn_app(backend).await;
    let root = signed_in_superuser(&app).await;
    add(&app, root, &[("Yaw", "Boateng", "+15550101010", None)]).await;
    let (_, found) = api_search(&app, "boateng", "").await;
    assert_eq!(found, ["Yaw Boateng"]);

    app.db
        .write(|c| {
            let id = workshop::db::customers::list_customers(
                c,
                "boateng",
                workshop::db::customers::CustomerSort::Name,
                workshop::db::paging::PageRequest::parse(None, None),
                workshop::db::paging::Counting::Exact,
            )?
            .items[0]
                .id;
            let fields = CustomerFields {
                first_name: "Yaw".into(),
                last_name: "Asante".into(),
                phone: "+15550202020".into(),
                email: None,
                preferred_channel: "sms".into(),
                receive_service_reminders: true,
                receive_marketing: false,
                notes: String::new(),
            };
            update_customer(c, id, &fields)
        })
        .await
        .unwrap();
    let (_, old_name) = api_search(&app, "boateng", "").await;
    let (_, old_phone) = api_search(&app, "5550101010", "").await;
    let (_, new_name) = api_search(&app, "asante", "").await;
    let (_, new_phone) = api_search(&app, "555 020 2020", "").await;
    assert!(old_name.is_empty() && old_phone.is_empty());
    assert_eq!(
        (new_name, new_phone),
        (vec!["Yaw Asante".to_owned()], vec!["Yaw Asante".to_owned()])
    );

    app.db
        .write(|c| {
            let id = workshop::db::customers::list_customers(
                c,
                "asante",
                workshop::db::customers::CustomerSort::Name,
                workshop::db::paging::PageRequest::parse(None, None),
                workshop::db::paging::Counting::Exact,
            )?
            .items[0]
                .id;
            delete_customer(c, id)
        })
        .await
        .unwrap();
    let (count, _) = api_search(&app, "asante", "").await;
    assert_eq!(count, 0);
}
