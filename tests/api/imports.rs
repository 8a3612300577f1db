//! Typing in paper forms (checklist items 18–19): the marketer uploads the spreadsheet the
//! stores' forms were typed into, sees what every row would do and why a row is refused, and
//! confirms — only then is anything saved, all good rows at once, and a second confirmation
//! doubles nothing. A form with a certificate becomes that certificate's hand-out from a paper
//! form; one without is a contact kept with its consent, which the participant's export and
//! erasure cover.

use domain::types::Role;
use reqwest::StatusCode;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{Value, json};

use crate::helpers::{Api, TestApp, spawn_app};

struct Clinic {
    token: String,
    marketer: Api,
    campaign: i64,
    /// Certificates of the campaign in serial order (all in «Атлет на Тверской»).
    codes: Vec<String>,
    /// A certificate of another campaign.
    other_code: String,
    other_campaign: i64,
}

async fn certificates(marketer: &Api, campaign: i64) -> Vec<String> {
    let (_, list) = marketer
        .get(&format!("/campaigns/{campaign}/certificates"))
        .await;
    let mut list: Vec<(i64, String)> = list
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
    list.into_iter().map(|(_, c)| c).collect()
}

async fn clinic(app: &TestApp) -> Clinic {
    let token = app.token(Role::Marketer, None).await;
    let marketer = app.api(&token);
    let (_, partner) = marketer
        .post("/partners", json!({"name": "Фитнес «Атлет»"}))
        .await;
    let mut stores = Vec::new();
    for name in ["Атлет на Тверской", "Атлет на Арбате"] {
        let (_, s) = marketer
            .post(
                "/stores",
                json!({"partner_id": partner["id"], "name": name}),
            )
            .await;
        stores.push(s["id"].as_i64().expect("store"));
    }
    let mut campaigns = Vec::new();
    for name in ["Зимняя улыбка", "Весна"] {
        let (s, c) = marketer
            .post(
                "/campaigns",
                json!({"name": name, "start_date": "2026-11-16", "end_date": "2027-01-31",
                       "face_value": "500", "valid_until": "2027-02-28", "status": "active",
                       "partner_ids": [partner["id"]]}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let id = c["id"].as_i64().expect("campaign");
        marketer
            .post(
                &format!("/campaigns/{id}/batches"),
                json!({"count": 6, "store_ids": [stores[0]]}),
            )
            .await;
        campaigns.push(id);
    }
    let (s, f) = marketer
        .post(
            &format!("/campaigns/{}/form-batches", campaigns[0]),
            json!({"store_id": stores[1], "count": "20"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let codes = certificates(&marketer, campaigns[0]).await;
    let other = certificates(&marketer, campaigns[1]).await;
    Clinic {
        token,
        marketer,
        campaign: campaigns[0],
        codes,
        other_code: other[0].clone(),
        other_campaign: campaigns[1],
    }
}

/// Uploads a file as its body, as a script would.
async fn upload(
    app: &TestApp,
    token: &str,
    campaign: i64,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .post(app.url(&format!(
            "/api/v1/campaigns/{campaign}/imports?file_name={name}"
        )))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .expect("upload");
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

/// A row's refusals as `field:code`.
fn errors_of(preview: &Value, line: i64) -> Vec<String> {
    let row = preview["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["line"] == line)
        .unwrap_or_else(|| panic!("row {line} in {preview}"));
    row["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["field"].as_str().unwrap_or(""),
                e["code"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn row_of(preview: &Value, line: i64) -> Value {
    preview["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["line"] == line)
        .cloned()
        .unwrap_or_else(|| panic!("row {line} in {preview}"))
}

async fn counts(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("handouts").await,
        app.count("patients").await,
        app.count("form_contacts").await,
    )
}

#[tokio::test]
async fn a_file_with_broken_rows_shows_each_rows_fate_saves_nothing_before_confirm_and_once_after()
{
    let app = spawn_app().await;
    let c = clinic(&app).await;
    // Анна is already a participant (a hand-out in the other campaign), with no e-mail.
    let (s, h) = c
        .marketer
        .post(
            "/handouts",
            json!({"code": c.other_code, "name": "Анна Иванова", "phone": "+7 916 111-22-33",
                   "consent": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    let other_campaign_code = certificates(&c.marketer, c.other_campaign).await[1].clone();
    let long_name = "Я".repeat(201);
    let csv = format!(
        "ФИО,Телефон,E-mail,Номер сертификата,Номер анкеты,Магазин,Согласие\n\
         Пётр Сидоров,8 903 100-00-01,,№ 000001,3,Атлет на Тверской,да\n\
         Плохой Телефон,12345,,2,,Атлет на Тверской,да\n\
         Неизвестный Магазин,8 903 100-00-03,,3,,Луна,да\n\
         Пётр Сидоров снова,+7 (903) 100-00-01,,4,,Атлет на Тверской,да\n\
         Иванова Анна Петровна,89161112233,anna@mail.test,5,,«Атлет на Тверской»,+\n\
         Чужой Сертификат,8 903 100-00-06,,{other_campaign_code},,Атлет на Тверской,да\n\
         Ольга Без Сертификата,8 903 100-00-07,olga@mail.test,,7,,да\n\
         Без Согласия,8 903 100-00-08,,,,Атлет на Тверской,\n\
         {long_name},8 903 100-00-09,,,,Атлет на Тверской,да\n"
    );
    let before = counts(&app).await;
    let (s, p) = upload(&app, &c.token, c.campaign, "forms.csv", csv.into_bytes()).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["id"].as_i64().expect("import id");
    assert_eq!(p["total_rows"], 9);
    assert_eq!(p["good_rows"], 3, "{p}");
    assert_eq!(p["refused_rows"], 6);
    assert_eq!(errors_of(&p, 3), ["phone:invalid_phone"]);
    assert_eq!(errors_of(&p, 4), ["store:unknown_store"]);
    assert_eq!(errors_of(&p, 5), ["phone:duplicate_in_file"]);
    assert_eq!(errors_of(&p, 7), ["certificate:other_campaign"]);
    assert_eq!(errors_of(&p, 9), ["consent:consent_required"]);
    assert_eq!(errors_of(&p, 10), ["name:too_long"]);
    let first = row_of(&p, 2);
    assert_eq!(first["person"], "new");
    assert_eq!(first["action"], "hand_out");
    assert!(
        first["certificate"]
            .as_str()
            .is_some_and(|t| t.starts_with("№ 000001")),
        "{first}"
    );
    let anna = row_of(&p, 6);
    assert_eq!(
        (anna["person"].as_str(), anna["action"].as_str()),
        (Some("merged"), Some("hand_out"))
    );
    // Form 7 was printed for «Атлет на Арбате»: the row names no store, the form tells.
    let olga = row_of(&p, 8);
    assert_eq!(olga["action"], "contact");
    assert_eq!(olga["store_name"], "Атлет на Арбате");
    // The preview saved nothing; reading it again says the same.
    assert_eq!(counts(&app).await, before, "nothing saved before confirm");
    let (_, again) = c.marketer.get(&format!("/imports/{id}")).await;
    assert_eq!(again["good_rows"], 3);
    // The refusals read as sentences naming the field.
    let (s, _) = c.marketer.get(&format!("/imports/{id}?rows=2")).await;
    assert_eq!(s, StatusCode::OK);

    let (s, done) = c
        .marketer
        .post(&format!("/imports/{id}/confirm"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["confirmed"], true);
    assert_eq!(done["good_rows"], 3);
    let after = counts(&app).await;
    assert_eq!(
        after,
        (before.0 + 2, before.1 + 2, before.2 + 1),
        "two hand-outs, two new people (Анна merged), one contact"
    );
    // Confirming again (a double click, a retry) changes nothing.
    let (s, twice) = c
        .marketer
        .post(&format!("/imports/{id}/confirm"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(twice["confirmed_at"], done["confirmed_at"]);
    assert_eq!(counts(&app).await, after, "confirmed twice, saved once");
    // The confirmed import keeps outcomes, not the typed names and phones.
    assert_eq!(row_of(&twice, 2)["name"], "");

    // The hand-outs are from paper forms, with the form's number and the import.
    let rows: Vec<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT source, form_serial, import_id FROM handouts WHERE import_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("hand-outs");
    assert_eq!(
        rows,
        [
            ("paper_form".to_owned(), Some(3), Some(id)),
            ("paper_form".to_owned(), None, Some(id))
        ]
    );
    // Анна keeps her name; her empty e-mail is filled in; the typed spelling is on the hand-out.
    let (_, found) = c.marketer.get("/participants?q=%2B79161112233").await;
    assert_eq!(found.as_array().map(Vec::len), Some(1), "never doubled");
    assert_eq!(found[0]["name"], "Анна Иванова");
    assert_eq!(found[0]["email"], "anna@mail.test");
    let (_, history) = c
        .marketer
        .get(&format!("/campaigns/{}/imports", c.campaign))
        .await;
    assert_eq!(history[0]["id"], id);
    assert_eq!(
        (&history[0]["saved_rows"], &history[0]["refused_rows"]),
        (&json!(3), &json!(6))
    );

    // The same file again: every row is now already in Sarafan, and the page says so.
    let csv2 = "ФИО,Телефон,Номер сертификата,Номер анкеты,Магазин,Согласие\n\
         Пётр Сидоров,8 903 100-00-01,1,3,Атлет на Тверской,да\n"
        .to_owned();
    let (_, p2) = upload(&app, &c.token, c.campaign, "again.csv", csv2.into_bytes()).await;
    assert_eq!(p2["good_rows"], 0, "{p2}");
    let errs = errors_of(&p2, 2);
    assert!(
        errs.contains(&"certificate:already_handed_out".to_owned())
            || errs.contains(&"form_serial:already_imported".to_owned()),
        "{errs:?}"
    );
}

#[tokio::test]
async fn an_excel_file_and_a_csv_with_a_bom_and_semicolons_round_trip() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    // An XLSX as the assistant makes it: a phone typed as a number, dates as Excel dates.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for (col, h) in [
        "Фамилия, имя",
        "Мобильный телефон",
        "Дата рождения",
        "Сертификат",
        "Серийный номер",
        "Магазин",
        "Откуда узнали",
        "Согласие на обработку ПД",
        "Дата анкеты",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, col as u16, *h).expect("header");
    }
    ws.write_string(1, 0, "Мария Петрова").expect("cell");
    ws.write_number(1, 1, 79031112201.0).expect("cell");
    ws.write_datetime_with_format(
        1,
        2,
        ExcelDateTime::from_ymd(1990, 5, 17).expect("date"),
        &date,
    )
    .expect("cell");
    ws.write_string(1, 3, &c.codes[2]).expect("cell");
    ws.write_number(1, 4, 11.0).expect("cell");
    ws.write_string(1, 5, "Атлет на Арбате").expect("cell");
    ws.write_string(1, 6, "Плакат в зале").expect("cell");
    ws.write_string(1, 7, "Да").expect("cell");
    ws.write_datetime_with_format(
        1,
        8,
        ExcelDateTime::from_ymd(2026, 11, 28).expect("date"),
        &date,
    )
    .expect("cell");
    ws.write_string(2, 0, "Игорь Контактов").expect("cell");
    ws.write_string(2, 1, "8 903 111-22-02").expect("cell");
    ws.write_string(2, 5, "Атлет на Тверской").expect("cell");
    ws.write_string(2, 7, "да").expect("cell");
    let xlsx = wb.save_to_buffer().expect("xlsx");

    let (s, p) = upload(&app, &c.token, c.campaign, "анкеты.xlsx", xlsx).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let fields: Vec<&str> = p["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["field"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        fields,
        [
            "name",
            "phone",
            "birthday",
            "certificate",
            "form_serial",
            "store",
            "heard_from",
            "consent",
            "form_date"
        ],
        "guessed from the Russian headers"
    );
    assert_eq!(p["good_rows"], 2, "{p}");
    assert_eq!((&p["handouts"], &p["contacts"]), (&json!(1), &json!(1)));
    let (s, done) = c
        .marketer
        .post(&format!("/imports/{}/confirm", p["id"]), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");

    // Мария's hand-out: a paper form of 28 November, her birthday from the Excel date.
    let (_, found) = c.marketer.get("/participants?q=89031112201").await;
    let maria = found[0]["id"].as_i64().expect("Мария");
    let (_, record) = c.marketer.get(&format!("/participants/{maria}")).await;
    assert_eq!(record["birthday"], "1990-05-17");
    assert_eq!(record["handouts"][0]["source"], "paper_form");
    assert_eq!(record["handouts"][0]["store_name"], "Атлет на Арбате");
    assert!(
        record["handouts"][0]["happened_at"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-11-27T21:00")),
        "the form's day at the clinic: {record}"
    );

    // Игорь has no certificate: his contact and consent are kept, and his export has them.
    let (_, found) = c.marketer.get("/participants?q=89031112202").await;
    let igor = found[0]["id"].as_i64().expect("Игорь");
    let (s, export) = c
        .marketer
        .get(&format!("/participants/{igor}/export"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let contact = &export["form_contacts"][0];
    assert_eq!(contact["store_name"], "Атлет на Тверской");
    assert_eq!(contact["typed_name"], "Игорь Контактов");
    assert!(
        contact["consent_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("sha256:")),
        "{contact}"
    );
    assert_eq!(contact["import_id"], p["id"]);
    assert_eq!(export["handouts"].as_array().map(Vec::len), Some(0));
    // Erasure covers the contact too.
    let (s, erased) = c
        .marketer
        .post(&format!("/participants/{igor}/anonymise"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{erased}");
    assert_eq!(erased["form_contacts"][0]["typed_name"], Value::Null);

    // A CSV saved by Excel as "CSV UTF-8": a BOM, `;` between fields, quoted cells.
    let csv = format!(
        "\u{feff}Имя;Телефон;Номер сертификата;Магазин;Согласие;Дата анкеты\n\
         \"Светлана; с точкой с запятой\";+7 903 333-44-05;{};Атлет на Тверской;+;29.11.2026\n",
        c.codes[3]
    );
    let (s, p) = upload(&app, &c.token, c.campaign, "forms.csv", csv.into_bytes()).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["good_rows"], 1, "{p}");
    assert_eq!(row_of(&p, 2)["name"], "Светлана; с точкой с запятой");
    let (s, _) = c
        .marketer
        .post(&format!("/imports/{}/confirm", p["id"]), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, found) = c.marketer.get("/participants?q=89033334405").await;
    assert_eq!(found[0]["name"], "Светлана; с точкой с запятой");
}

#[tokio::test]
async fn the_marketer_corrects_the_guessed_columns_and_gets_a_new_preview() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let csv = "Колонка 1;Колонка 2;Колонка 3\nЕлена Новая;8 903 555-00-01;да\n";
    let (s, p) = upload(&app, &c.token, c.campaign, "odd.csv", csv.into()).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(errors_of(&p, 2), ["columns:column_missing"]);
    let id = p["id"].as_i64().expect("id");
    // A field for two columns is refused, naming the columns.
    let (s, e) = c
        .marketer
        .put(
            &format!("/imports/{id}/mapping"),
            json!({"columns": ["name", "name", "consent"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(crate::helpers::error_field(&e), Some("columns"));
    // Without a store column, the row needs the import's store.
    let (s, p) = c
        .marketer
        .put(
            &format!("/imports/{id}/mapping"),
            json!({"columns": ["name", "phone", "consent"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(errors_of(&p, 2), ["store:required"]);
    let (_, stores) = c.marketer.get("/stores").await;
    let store = stores[0]["id"].as_i64().expect("store");
    let (s, p) = c
        .marketer
        .put(
            &format!("/imports/{id}/mapping"),
            json!({"columns": ["name", "phone", "consent"], "default_store_id": store}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["good_rows"], 1, "{p}");
    assert_eq!(p["columns"][1]["field"], "phone");
    assert_eq!(app.count("form_contacts").await, 0, "still nothing saved");
    c.marketer
        .post(&format!("/imports/{id}/confirm"), json!({}))
        .await;
    assert_eq!(app.count("form_contacts").await, 1);
    // A confirmed import's mapping no longer changes.
    let (s, _) = c
        .marketer
        .put(
            &format!("/imports/{id}/mapping"),
            json!({"columns": ["name", "phone", "consent"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_file_too_long_unreadable_or_from_the_wrong_person_is_refused() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let mut many = String::from("ФИО;Телефон\n");
    for i in 0..5_001 {
        many.push_str(&format!("Участник {i};8 903 {:07}\n", i));
    }
    let (s, e) = upload(&app, &c.token, c.campaign, "big.csv", many.into_bytes()).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
    assert_eq!(crate::helpers::error_field(&e), Some("file"));
    assert_eq!(e["error"]["fields"][0]["code"], "too_many_rows");
    let (s, e) = upload(
        &app,
        &c.token,
        c.campaign,
        "forms.xlsx",
        b"PK\x03\x04 not really a spreadsheet".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{e}");
    assert_eq!(crate::helpers::error_field(&e), Some("file"));
    // A CSV from Excel's plain "CSV" in a Russian Windows is CP1251: asked to save it as UTF-8.
    let (s, e) = upload(
        &app,
        &c.token,
        c.campaign,
        "cp1251.csv",
        vec![0xd4, 0xc8, 0xce, b';', 0xd2, b'\n'],
    )
    .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(e["error"]["fields"][0]["code"], "not_utf8");
    // More than 5 MB is refused before it is read.
    let (s, _) = upload(
        &app,
        &c.token,
        c.campaign,
        "huge.csv",
        vec![b'a'; 5 * 1024 * 1024 + 1],
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("form_imports").await, 0);
    // Store staff and reception may not import.
    let (_, stores) = c.marketer.get("/stores").await;
    let (s, _) = upload(
        &app,
        &app.token(Role::StoreStaff, stores[0]["id"].as_i64()).await,
        c.campaign,
        "forms.csv",
        b"name;phone\n".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = upload(
        &app,
        &app.token(Role::Reception, None).await,
        c.campaign,
        "forms.csv",
        b"name;phone\n".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
