//! The week's results (item 17д) on a hand-computed fixture: a week boundary at midnight in the
//! clinic's time zone, an undone redemption that does not count, revenue split into the
//! certificate visit and later visits; the same figures read back from the XLSX by calamine and
//! from the CSV.

use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::checklist::setup;
use crate::helpers::spawn_app;

fn moscow(at: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(at)
        .expect("time")
        .with_timezone(&chrono::Utc)
}

#[tokio::test]
async fn the_weekly_summary_counts_each_event_in_its_clinic_week_per_store_and_employee() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (st, b) = s
        .marketer
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 3, "store_ids": [s.stores[0], s.stores[1]]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let codes = |store: i64| {
        let m = &s.marketer;
        let c = s.campaign;
        async move {
            let (_, certs) = m
                .get(&format!("/campaigns/{c}/certificates?store_id={store}"))
                .await;
            certs
                .as_array()
                .expect("certs")
                .iter()
                .map(|x| x["code"].as_str().unwrap_or("").to_owned())
                .collect::<Vec<_>>()
        }
    };
    let (presnya, sokol) = (codes(s.stores[0]).await, codes(s.stores[1]).await);
    let (_, anna) = app
        .person(Role::StoreStaff, Some(s.stores[0]), "Анна Пресненская")
        .await;
    let (_, boris) = app
        .person(Role::StoreStaff, Some(s.stores[1]), "Борис Сокольников")
        .await;
    let hand = |api: &crate::helpers::Api, code: &str, phone: &str| {
        let body = json!({"code": code, "name": "Участник", "phone": phone, "consent": true});
        let api = api.raw().clone();
        let url = app.url("/api/v1/handouts");
        async move {
            let r = api.post(url).json(&body).send().await.expect("handout");
            assert_eq!(r.status(), StatusCode::CREATED);
        }
    };
    // Sunday 29 November, 23:50 in Moscow: the week of 23 November.
    app.clock().set(moscow("2026-11-29T23:50:00+03:00"));
    hand(&anna, &presnya[0], "+7 916 500-00-01").await;
    // Monday 30 November, 00:10: the next week.
    app.clock().set(moscow("2026-11-30T00:10:00+03:00"));
    hand(&anna, &presnya[1], "+7 916 500-00-02").await;
    hand(&boris, &sokol[0], "+7 916 500-00-03").await;
    // Reception: the first comes on Monday (a free consultation, then 3 500 ₽ of treatment on
    // Wednesday); Сокольники's is redeemed by mistake and undone.
    app.clock().set(moscow("2026-11-30T10:00:00+03:00"));
    let (_, elena) = app.person(Role::Reception, None, "Елена").await;
    for code in [&presnya[0], &sokol[0]] {
        let (st, r) = elena
            .post(
                "/redemptions",
                json!({"code": code, "idempotency_key": format!("k-{code}")}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    let (st, u) = elena
        .post(
            "/redemptions/undo",
            json!({"code": sokol[0], "reason": "Отсканировали не тот"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{u}");
    let visit = |amount: &str, day: &str| json!({"code": presnya[0], "amount": amount, "services": ["Консультация"], "visited_on": day});
    let (st, v) = elena.post("/visits", visit("0", "2026-11-30")).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    app.clock().set(moscow("2026-12-02T12:00:00+03:00"));
    let (_, elena) = app.person(Role::Reception, None, "Елена 2").await;
    let (st, v) = elena.post("/visits", visit("3 500", "2026-12-02")).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");

    let (st, sum) = s
        .marketer
        .get(&format!("/campaigns/{}/weekly-summary", s.campaign))
        .await;
    assert_eq!(st, StatusCode::OK, "{sum}");
    assert_eq!(
        sum["weeks"],
        json!(["2026-11-16", "2026-11-23", "2026-11-30"])
    );
    let line = |list: &Value, key: &str, id: i64| -> Value {
        list.as_array()
            .expect("lines")
            .iter()
            .find(|l| l[key] == id)
            .cloned()
            .expect("line")
    };
    let p = line(&sum["stores"], "store_id", s.stores[0]);
    let week = |l: &Value, i: usize, f: &str| l["weeks"][i][f].as_i64().unwrap_or(-1);
    assert_eq!(
        (week(&p, 1, "handed_out"), week(&p, 2, "handed_out")),
        (1, 1),
        "midnight splits the weeks"
    );
    assert_eq!(
        (
            week(&p, 2, "came"),
            week(&p, 2, "bought"),
            week(&p, 2, "visits")
        ),
        (1, 1, 2)
    );
    assert_eq!(
        (week(&p, 2, "revenue_first"), week(&p, 2, "revenue_later")),
        (0, 350_000)
    );
    assert_eq!(
        (
            p["total"]["handed_out"].as_i64(),
            p["total"]["contacts"].as_i64()
        ),
        (Some(2), Some(2))
    );
    let k = line(&sum["stores"], "store_id", s.stores[1]);
    assert_eq!(
        (week(&k, 2, "handed_out"), week(&k, 2, "came")),
        (1, 0),
        "an undone redemption does not count"
    );
    let total = &sum["total"];
    assert_eq!(
        (0..3)
            .map(|i| week(total, i, "handed_out"))
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );
    let employees = sum["employees"].as_array().expect("employees");
    let a = employees
        .iter()
        .find(|e| e["employee_name"] == "Анна Пресненская")
        .expect("Анна");
    assert_eq!(
        (
            a["total"]["handed_out"].as_i64(),
            a["total"]["came"].as_i64()
        ),
        (Some(2), Some(1))
    );

    // The workbook: the same figures, typed, read back by a real reader.
    let (st, kind, bytes) = s
        .marketer
        .get_bytes(&format!("/campaigns/{}/weekly-summary/xlsx", s.campaign))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        kind,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an XLSX file");
    assert_eq!(
        book.sheet_names(),
        ["По магазинам", "По сотрудникам", "Итого по акции"]
    );
    let stores = book.worksheet_range("По магазинам").expect("sheet");
    let rows: Vec<&[Data]> = stores.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header[0], "Магазин");
    assert_eq!(header[1], "Неделя (с понедельника)");
    assert_eq!(header[2], "Выдано сертификатов");
    assert_eq!(header[9], "Выручка всего, ₽");
    assert_eq!(rows.len(), 1 + 2 * 3, "a row per store and week");
    let presnya_this_week = rows
        .iter()
        .find(|r| {
            r[0] == "Лотос на Пресне"
                && r[1].is_datetime()
                && r[1].as_date().map(|d| d.to_string()) == Some("2026-11-30".into())
        })
        .expect("Пресня, the week of 30 November (a real date cell)");
    assert_eq!(presnya_this_week[2], Data::Float(1.0));
    assert_eq!(presnya_this_week[4], Data::Float(1.0));
    assert_eq!(
        presnya_this_week[9],
        Data::Float(3500.0),
        "roubles, as a number"
    );
    let people = book.worksheet_range("По сотрудникам").expect("sheet");
    assert!(
        people
            .rows()
            .any(|r| r[0] == "Борис Сокольников" && r[1] == "Лотос в Сокольниках")
    );

    // CSV for Excel with Russian settings.
    let (st, kind, csv) = s
        .marketer
        .get_bytes(&format!("/campaigns/{}/weekly-summary/csv", s.campaign))
        .await;
    assert_eq!(
        (st, kind.as_str()),
        (StatusCode::OK, "text/csv; charset=utf-8")
    );
    let text = String::from_utf8(csv).expect("UTF-8");
    assert!(
        text.starts_with("\u{feff}Магазин;Неделя (с понедельника);Выдано сертификатов;"),
        "{text}"
    );
    assert!(
        text.contains("Лотос на Пресне;30.11.2026;1;1;1;1;2;0,00;3500,00;3500,00\r\n"),
        "{text}"
    );

    // The clinic's own figures: not for store staff or reception.
    for api in [&anna, &elena] {
        let (st, _) = api
            .get(&format!("/campaigns/{}/weekly-summary", s.campaign))
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    }
}

/// Every run of whitespace (the narrow no-break spaces of "4 500" too) made one space.
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_final_report_downloads_as_a_printable_pdf_with_the_hand_computed_results() {
    let app = spawn_app().await;
    let s = crate::motivation::final_report_fixture(&app).await;
    let mut settings = domain::ops::settings::get(&app.db).await.expect("settings");
    settings.name = "Стоматология «Улыбка»".into();
    domain::ops::settings::update(&app.db, &domain::auth::Actor::system(), &settings)
        .await
        .expect("clinic name");

    let (st, headers, bytes) = s
        .marketer
        .get_download(&format!("/campaigns/{}/report/pdf", s.campaign))
        .await;
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"report-{}.pdf\"", s.campaign).as_str()
    );
    assert!(bytes.starts_with(b"%PDF-"));

    let (text, pages) = crate::helpers::pdf_text_and_pages(&bytes, false);
    assert!(pages >= 1);
    let text = squeezed(&text);
    for needle in [
        "Итоги акции",
        "Стоматология «Улыбка»",
        "Зима",
        "Сроки акции: 16.11.2026 – 31.01.2027",
        "Сформирован 25.12.2026 11:00",
        "Главные цифры",
        "Воронка акции",
        "Выдачи и визиты по неделям",
        "Выручка и прибыль по магазинам",
        "Прибыль нарастающим итогом",
        "Окупилась 18.11.2026",
        "По партнёрам",
        "По магазинам",
        "По сотрудникам",
        "Анна Пресненская",
        "Итого затрат",
    ] {
        assert!(
            text.contains(needle),
            "{needle:?} is not in the PDF:\n{text}"
        );
    }
    // A table row reads across its line: Лотос на Пресне printed 3, handed out 2, came 1,
    // 1 bought more, revenue 15 000 ₽, discount 500 ₽, costs 1 500 ₽, profit 4 500 ₽, ROI 300 %.
    let (layout, _) = crate::helpers::pdf_text_and_pages(&bytes, true);
    let lines: Vec<String> = layout.lines().map(squeezed).collect();
    for row in [
        "Лотос на Пресне 3 2 1 1 15 000 500 1 500 4 500 300%",
        "Лотос в Сокольниках 3 1 1 0 0 500 1 500 -1 500 -100%",
        "Итого по акции 6 3 2 1 15 000 1 000 3 000 3 000 100%",
        "Печать 3 000",
    ] {
        assert!(
            lines.iter().any(|l| l == row),
            "no line reads {row:?}:\n{layout}"
        );
    }
    assert!(
        lines.iter().any(|l| l.contains("18.11.2026")),
        "the payback day"
    );

    // In English on request.
    let token = app.token(Role::Marketer, None).await;
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/campaigns/{}/report/pdf", s.campaign)))
        .bearer_auth(token)
        .header("Accept-Language", "en")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.expect("bytes");
    let (text, _) = crate::helpers::pdf_text_and_pages(&bytes, false);
    let text = squeezed(&text);
    assert!(
        text.contains("Campaign results") && text.contains("Key figures"),
        "{text}"
    );
}
