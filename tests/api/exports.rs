//! The campaign's data as spreadsheets (issue #14): participants, hand-outs, redemptions and
//! visits downloaded as XLSX and read back by calamine column by column — names as text,
//! counts as numbers, dates and times as real date cells on the clinic's clock, roubles as
//! numbers — and as CSV for Excel with Russian settings. The hand-outs mask phones, the
//! participants (the marketer's contact list) do not and are logged; nobody else may export.

use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::checklist::{Setup, setup};
use crate::helpers::{Api, TestApp, spawn_app};
use crate::motivation::{moscow, visit};

/// A small running campaign, every kind of record in it:
/// - Анна (Пресня) hands out to Ирина on Friday 20 November at noon and to Пётр on Saturday;
///   Борис (Сокольники) to Ольга on Sunday 22 November at 23:30 Moscow time (20:30 UTC: still
///   Sunday at the clinic);
/// - Ирина's certificate is redeemed on 24 November and she pays 1 500 ₽ that day and 3 500 ₽
///   a week later — outside the campaign's 5-day window;
/// - Ольга's is redeemed by mistake and undone; she then withdraws her consent;
/// - Мария's paper form, without a certificate, is typed in;
/// - Пётр asks to be erased.
struct Fixture {
    s: Setup,
    anna: Api,
    reception: Api,
    /// Certificate serials: Ирина's, Пётр's, Ольга's.
    serials: [i64; 3],
}

async fn hand(staff: &Api, code: &str, name: &str, phone: &str) {
    let (st, b) = staff
        .post(
            "/handouts",
            json!({"code": code, "name": name, "phone": phone, "consent": true}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
}

/// The (serial, code) of the campaign's certificates allocated to a store.
async fn store_certificates(s: &Setup, store: i64) -> Vec<(i64, String)> {
    let (_, certs) = s
        .marketer
        .get(&format!(
            "/campaigns/{}/certificates?store_id={store}",
            s.campaign
        ))
        .await;
    let mut list: Vec<(i64, String)> = certs
        .as_array()
        .expect("certificates")
        .iter()
        .map(|c| {
            (
                c["serial"].as_i64().unwrap_or(0),
                c["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    list.sort();
    list
}

async fn participant_id(s: &Setup, phone: &str) -> i64 {
    let (_, found) = s.marketer.get(&format!("/participants?q={phone}")).await;
    found[0]["id"].as_i64().expect("participant")
}

async fn fixture(app: &TestApp) -> Fixture {
    let s = setup(app).await;
    let (st, c) = s
        .marketer
        .put(
            &format!("/campaigns/{}", s.campaign),
            json!({"name": "Зима", "start_date": "2026-11-16", "end_date": "2027-01-31",
                   "face_value": "500", "valid_until": "2027-02-28", "status": "active",
                   "partner_ids": [s.partner], "attribution_days": 5}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    let (st, b) = s
        .marketer
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 4, "store_ids": [s.stores[0], s.stores[1]]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let presnya = store_certificates(&s, s.stores[0]).await;
    let sokol = store_certificates(&s, s.stores[1]).await;
    let (_, anna) = app
        .person(Role::StoreStaff, Some(s.stores[0]), "Анна Пресненская")
        .await;
    let (_, boris) = app
        .person(Role::StoreStaff, Some(s.stores[1]), "Борис Сокольников")
        .await;
    app.clock().set(moscow("2026-11-20T12:00:00+03:00"));
    hand(&anna, &presnya[0].1, "Ирина Смирнова", "+7 916 111-22-33").await;
    app.clock().set(moscow("2026-11-21T18:30:00+03:00"));
    hand(&anna, &presnya[1].1, "Пётр Иванов", "8 916 444-55-66").await;
    app.clock().set(moscow("2026-11-22T23:30:00+03:00"));
    hand(&boris, &sokol[0].1, "Ольга Кузнецова", "+7 916 777-88-99").await;

    app.clock().set(moscow("2026-11-24T10:15:00+03:00"));
    let (_, reception) = app.person(Role::Reception, None, "Елена Регистратор").await;
    for (code, key) in [(&presnya[0].1, "r-1"), (&sokol[0].1, "r-2")] {
        let (st, r) = reception
            .post(
                "/redemptions",
                json!({"code": code, "idempotency_key": key}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    visit(&reception, &presnya[0].1, "1 500", "2026-11-24").await;
    let (st, u) = reception
        .post(
            "/redemptions/undo",
            json!({"code": sokol[0].1, "reason": "Отсканировали не тот"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{u}");

    // Мария's paper form, typed in without a certificate.
    app.clock().set(moscow("2026-11-26T12:00:00+03:00"));
    let token = app.token(Role::Marketer, None).await;
    let csv = "Имя;Телефон;Магазин;Согласие;Дата анкеты\n\
               Мария Лесная;+7 903 222-33-44;Лотос в Сокольниках;да;25.11.2026\n";
    let r = reqwest::Client::new()
        .post(app.url(&format!(
            "/api/v1/campaigns/{}/imports?file_name=forms.csv",
            s.campaign
        )))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::CREATED);
    let preview: serde_json::Value = r.json().await.expect("preview");
    assert_eq!(preview["good_rows"], 1, "{preview}");
    let (st, _) = s
        .marketer
        .post(&format!("/imports/{}/confirm", preview["id"]), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);

    app.clock().set(moscow("2026-12-01T11:00:00+03:00"));
    let (_, reception) = app
        .person(Role::Reception, None, "Ксения Регистратор")
        .await;
    visit(&reception, &presnya[0].1, "3 500", "2026-12-01").await;
    let olga = participant_id(&s, "89167778899").await;
    let (st, _) = s
        .marketer
        .post(&format!("/participants/{olga}/withdraw-consent"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let petr = participant_id(&s, "89164445566").await;
    let (st, _) = s
        .marketer
        .post(&format!("/participants/{petr}/anonymise"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);
    Fixture {
        serials: [presnya[0].0, presnya[1].0, sokol[0].0],
        s,
        anna,
        reception,
    }
}

/// The export's only sheet, header row first.
async fn sheet(f: &Fixture, kind: &str) -> (String, Vec<Vec<Data>>) {
    let (st, content_type, bytes) =
        f.s.marketer
            .get_bytes(&format!("/campaigns/{}/exports/{kind}/xlsx", f.s.campaign))
            .await;
    assert_eq!(st, StatusCode::OK, "{kind}");
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an XLSX file");
    let names = book.sheet_names();
    assert_eq!(names.len(), 1, "{names:?}");
    let range = book.worksheet_range(&names[0]).expect("sheet");
    (names[0].clone(), range.rows().map(|r| r.to_vec()).collect())
}

async fn csv(f: &Fixture, kind: &str) -> String {
    let (st, content_type, bytes) =
        f.s.marketer
            .get_bytes(&format!("/campaigns/{}/exports/{kind}/csv", f.s.campaign))
            .await;
    assert_eq!(
        (st, content_type.as_str()),
        (StatusCode::OK, "text/csv; charset=utf-8"),
        "{kind}"
    );
    String::from_utf8(bytes).expect("UTF-8")
}

fn header(rows: &[Vec<Data>]) -> Vec<String> {
    rows[0].iter().map(|c| c.to_string()).collect()
}

fn text(d: &Data) -> &str {
    d.get_string()
        .unwrap_or_else(|| panic!("a text cell: {d:?}"))
}

/// A real date cell (not text), as the clinic's wall clock shows it.
fn moment(d: &Data) -> String {
    assert!(d.is_datetime(), "a date cell: {d:?}");
    d.as_datetime()
        .expect("date")
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn day(d: &Data) -> NaiveDate {
    assert!(d.is_datetime(), "a date cell: {d:?}");
    d.as_date().expect("date")
}

fn row_of<'a>(rows: &'a [Vec<Data>], col: usize, value: &Data) -> &'a [Data] {
    rows.iter()
        .find(|r| r[col] == *value)
        .unwrap_or_else(|| panic!("a row with {value:?} in column {col}"))
}

fn txt(s: &str) -> Data {
    Data::String(s.to_owned())
}

#[tokio::test]
async fn the_participants_export_lists_everyone_with_full_phones_and_is_logged() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (name, rows) = sheet(&f, "participants").await;
    assert_eq!(name, "Участники");
    assert_eq!(
        header(&rows),
        [
            "Участник",
            "Телефон",
            "Источник",
            "Дата согласия",
            "Версия текста согласия",
            "Согласие отозвано",
            "Магазин первой выдачи",
            "Партнёр",
            "Сотрудник первой выдачи",
            "Сертификатов",
            "Погашено",
            "Визиты",
            "Выручка в окне учёта, ₽",
        ]
    );
    assert_eq!(rows.len(), 1 + 4, "three hand-outs and one paper form");
    let irina = &rows[1];
    assert_eq!(
        text(&irina[0]),
        "Ирина Смирнова",
        "the first to take part comes first"
    );
    assert_eq!(
        text(&irina[1]),
        "+79161112233",
        "the full phone, normalised"
    );
    assert_eq!(text(&irina[2]), "выдача в магазине");
    assert_eq!(
        day(&irina[3]),
        NaiveDate::from_ymd_opt(2026, 11, 20).expect("day")
    );
    assert!(!text(&irina[4]).is_empty(), "the consent text's version");
    assert_eq!(text(&irina[5]), "нет");
    assert_eq!(
        (text(&irina[6]), text(&irina[7]), text(&irina[8])),
        ("Лотос на Пресне", "Лотос", "Анна Пресненская")
    );
    assert_eq!(
        irina[9..13],
        [
            Data::Float(1.0),
            Data::Float(1.0),
            Data::Float(1.0),
            Data::Float(1500.0)
        ],
        "counts as numbers; the visit after the 5-day window is not the campaign's"
    );
    let petr = &rows[2];
    assert_eq!(
        text(&petr[0]),
        "Данные удалены",
        "an erased participant stays, without the person"
    );
    assert_eq!(petr[1], Data::Empty);
    assert_eq!(text(&petr[5]), "да", "erasure withdraws the consent");
    let olga = row_of(&rows, 1, &txt("+79167778899"));
    assert_eq!(text(&olga[5]), "да");
    assert_eq!(
        olga[10],
        Data::Float(0.0),
        "an undone redemption does not count"
    );
    assert_eq!(
        day(&olga[3]),
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("day"),
        "the clinic's day"
    );
    let maria = row_of(&rows, 0, &txt("Мария Лесная"));
    assert_eq!(text(&maria[1]), "+79032223344");
    assert_eq!(text(&maria[2]), "анкета без сертификата");
    assert_eq!(text(&maria[6]), "Лотос в Сокольниках");
    assert_eq!(maria[8], Data::Empty, "a paper form names no employee");
    assert_eq!(maria[9], Data::Float(0.0));

    let text_csv = csv(&f, "participants").await;
    assert!(
        text_csv
            .starts_with("\u{feff}Участник;Телефон;Источник;Дата согласия;Версия текста согласия;"),
        "{text_csv}"
    );
    assert!(
        text_csv.contains(";нет;Лотос на Пресне;Лотос;Анна Пресненская;1;1;1;1500,00\r\n"),
        "{text_csv}"
    );
    assert!(text_csv.contains("Ирина Смирнова;+79161112233;выдача в магазине;20.11.2026;"));

    // Full phones leave Sarafan: each export is on the record.
    let logged = app
        .count("audit_log WHERE action = 'export' AND entity = 'campaign'")
        .await;
    assert_eq!(logged, 2, "the XLSX and the CSV");

    // The file is named for people (Russian) and for every client (ASCII).
    let r =
        f.s.marketer
            .raw()
            .get(app.url(&format!(
                "/api/v1/campaigns/{}/exports/participants/xlsx",
                f.s.campaign
            )))
            .header(
                "authorization",
                format!("Bearer {}", app.token(Role::Marketer, None).await),
            )
            .send()
            .await
            .expect("download");
    let disposition = r.headers()["content-disposition"].to_str().expect("ascii");
    assert!(
        disposition.starts_with(&format!(
            "attachment; filename=\"participants-{}.xlsx\"; filename*=UTF-8''",
            f.s.campaign
        )),
        "{disposition}"
    );
    assert!(
        // «Участники — Зима.xlsx»
        disposition.ends_with("%D0%97%D0%B8%D0%BC%D0%B0.xlsx")
            && disposition.contains("%D0%A3%D1%87%D0%B0%D1%81%D1%82%D0%BD%D0%B8%D0%BA%D0%B8"),
        "{disposition}"
    );
}

#[tokio::test]
async fn the_handouts_export_masks_phones_and_shows_each_certificates_fate() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (name, rows) = sheet(&f, "handouts").await;
    assert_eq!(name, "Выдачи");
    assert_eq!(
        header(&rows),
        [
            "№ сертификата",
            "Код сертификата",
            "Выдан",
            "Магазин",
            "Партнёр",
            "Сотрудник",
            "Источник",
            "Участник",
            "Телефон (скрыт)",
            "Согласие",
            "Статус",
        ]
    );
    assert_eq!(rows.len(), 1 + 3);
    let irina = &rows[1];
    assert_eq!(irina[0], Data::Float(f.serials[0] as f64));
    assert_eq!(
        text(&irina[1]).len(),
        13,
        "the code as printed: XXXX-XXXX-XXX"
    );
    assert_eq!(moment(&irina[2]), "2026-11-20 12:00");
    assert_eq!(
        (
            text(&irina[3]),
            text(&irina[4]),
            text(&irina[5]),
            text(&irina[6])
        ),
        (
            "Лотос на Пресне",
            "Лотос",
            "Анна Пресненская",
            "выдача в магазине"
        )
    );
    assert_eq!(text(&irina[7]), "Ирина Смирнова");
    assert_eq!(text(&irina[8]), "+7 *** ***-22-33", "the phone masked");
    assert_eq!((text(&irina[9]), text(&irina[10])), ("есть", "погашен"));
    let petr = &rows[2];
    assert_eq!(text(&petr[7]), "Данные удалены");
    assert_eq!(petr[8], Data::Empty);
    assert_eq!(text(&petr[10]), "не погашен");
    let olga = &rows[3];
    assert_eq!(olga[0], Data::Float(f.serials[2] as f64));
    assert_eq!(
        moment(&olga[2]),
        "2026-11-22 23:30",
        "the clinic's wall clock, not UTC"
    );
    assert_eq!(
        (text(&olga[9]), text(&olga[10])),
        ("отозвано", "погашение отменено")
    );
    for row in &rows {
        for cell in row {
            let s = cell.to_string();
            assert!(
                !s.contains("1112233") && !s.contains("7778899"),
                "no full phone in the hand-outs: {s}"
            );
        }
    }

    let text_csv = csv(&f, "handouts").await;
    assert!(
        text_csv.starts_with("\u{feff}№ сертификата;Код сертификата;Выдан;Магазин;"),
        "{text_csv}"
    );
    assert!(
        text_csv.contains(";22.11.2026 23:30;Лотос в Сокольниках;Лотос;Борис Сокольников;выдача в магазине;Ольга Кузнецова;+7 *** ***-88-99;отозвано;погашение отменено\r\n"),
        "{text_csv}"
    );
    assert!(!text_csv.contains("9161112233"));
}

#[tokio::test]
async fn the_redemptions_export_gives_the_discount_of_live_redemptions_and_when_others_were_undone()
{
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (name, rows) = sheet(&f, "redemptions").await;
    assert_eq!(name, "Погашения");
    assert_eq!(
        header(&rows),
        [
            "№ сертификата",
            "Код сертификата",
            "Погашен",
            "Магазин",
            "Сотрудник",
            "Скидка (номинал), ₽",
            "Погасил(а)",
            "Погашение отменено",
            "Причина отмены",
        ]
    );
    assert_eq!(rows.len(), 1 + 2, "the undone redemption too");
    let irina = row_of(&rows, 0, &Data::Float(f.serials[0] as f64));
    assert_eq!(moment(&irina[2]), "2026-11-24 10:15");
    assert_eq!(
        (text(&irina[3]), text(&irina[4])),
        ("Лотос на Пресне", "Анна Пресненская")
    );
    assert_eq!(irina[5], Data::Float(500.0), "roubles, as a number");
    assert_eq!(text(&irina[6]), "Елена Регистратор");
    assert_eq!((&irina[7], &irina[8]), (&Data::Empty, &Data::Empty));
    let olga = row_of(&rows, 0, &Data::Float(f.serials[2] as f64));
    assert_eq!(olga[5], Data::Empty, "no discount was given");
    assert_eq!(moment(&olga[7]), "2026-11-24 10:15");
    assert_eq!(text(&olga[8]), "Отсканировали не тот");

    let text_csv = csv(&f, "redemptions").await;
    assert!(
        text_csv.contains(
            ";24.11.2026 10:15;Лотос на Пресне;Анна Пресненская;500,00;Елена Регистратор;;\r\n"
        ),
        "{text_csv}"
    );
    assert!(text_csv.contains(";;Елена Регистратор;24.11.2026 10:15;Отсканировали не тот\r\n"));
}

#[tokio::test]
async fn the_visits_export_tells_the_certificate_visit_from_later_ones_and_the_window() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (name, rows) = sheet(&f, "visits").await;
    assert_eq!(name, "Визиты");
    assert_eq!(
        header(&rows),
        [
            "Дата визита",
            "№ сертификата",
            "Код сертификата",
            "Магазин",
            "Сотрудник",
            "Оплачено, ₽",
            "Услуги",
            "Врач",
            "В окне учёта выручки",
            "Визит",
            "Дней после погашения",
        ]
    );
    assert_eq!(rows.len(), 1 + 2);
    let (first, later) = (&rows[1], &rows[2]);
    assert_eq!(
        day(&first[0]),
        NaiveDate::from_ymd_opt(2026, 11, 24).expect("day")
    );
    assert_eq!(first[1], Data::Float(f.serials[0] as f64));
    assert_eq!(
        (text(&first[3]), text(&first[4])),
        ("Лотос на Пресне", "Анна Пресненская")
    );
    assert_eq!(first[5], Data::Float(1500.0));
    assert_eq!(text(&first[6]), "Терапия");
    assert_eq!(
        (text(&first[8]), text(&first[9]), &first[10]),
        ("да", "первый (по сертификату)", &Data::Float(0.0))
    );
    assert_eq!(
        day(&later[0]),
        NaiveDate::from_ymd_opt(2026, 12, 1).expect("day")
    );
    assert_eq!(later[5], Data::Float(3500.0));
    assert_eq!(
        (text(&later[8]), text(&later[9]), &later[10]),
        ("нет", "повторный", &Data::Float(7.0)),
        "a week after the redemption, past the 5-day window"
    );

    let text_csv = csv(&f, "visits").await;
    assert!(
        text_csv.starts_with("\u{feff}Дата визита;№ сертификата;Код сертификата;Магазин;"),
        "{text_csv}"
    );
    assert!(
        text_csv.contains(";Лотос на Пресне;Анна Пресненская;3500,00;Терапия;;нет;повторный;7\r\n"),
        "{text_csv}"
    );
    assert!(
        text_csv.starts_with("\u{feff}")
            && text_csv
                .lines()
                .nth(1)
                .is_some_and(|l| l.starts_with("24.11.2026;"))
    );

    // In English on request.
    let r = reqwest::Client::new()
        .get(app.url(&format!(
            "/api/v1/campaigns/{}/exports/visits/csv",
            f.s.campaign
        )))
        .bearer_auth(app.token(Role::Marketer, None).await)
        .header("accept-language", "en")
        .send()
        .await
        .expect("download");
    let english = r.text().await.expect("csv");
    assert!(
        english.starts_with("\u{feff}Visit date;Certificate №;Certificate code;"),
        "{english}"
    );
    assert!(english.contains(";no;later;7\r\n"), "{english}");
}

#[tokio::test]
async fn store_staff_and_reception_may_not_export_and_unknown_exports_are_not_found() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    for kind in ["participants", "handouts", "redemptions", "visits"] {
        for format in ["xlsx", "csv"] {
            let path = format!("/campaigns/{}/exports/{kind}/{format}", f.s.campaign);
            for (who, api) in [("store staff", &f.anna), ("reception", &f.reception)] {
                let (st, body) = api.get(&path).await;
                assert_eq!(st, StatusCode::FORBIDDEN, "{who}: {path}");
                assert_eq!(body["error"]["code"], "forbidden");
            }
        }
    }
    for path in [
        format!("/campaigns/{}/exports/patients/xlsx", f.s.campaign),
        format!("/campaigns/{}/exports/visits/pdf", f.s.campaign),
        "/campaigns/999999/exports/visits/csv".to_owned(),
    ] {
        let (st, body) = f.s.marketer.get(&path).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    assert_eq!(
        app.count("audit_log WHERE action = 'export'").await,
        0,
        "a refused export is not an export"
    );
}
