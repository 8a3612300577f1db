//! `sarafan demo`: a believable clinic for a newcomer to look around in.

use chrono::{Duration, Utc};

use crate::auth::Actor;
use crate::db::Db;
use crate::error::DomainError;
use crate::model::{
    CampaignInput, ClinicSettings, CostInput, PartnerInput, PersonInput, StoreInput,
};
use crate::ops::{campaigns, partners, people, settings};

pub const DEMO_MARKETER_EMAIL: &str = "marketer@demo.sarafan";
pub const DEMO_MARKETER_PASSWORD: &str = "sarafan-demo-2026";

/// What the demo created, for the console.
pub struct DemoSummary {
    pub created: bool,
    pub marketer_email: &'static str,
    pub marketer_password: &'static str,
}

/// Fills an empty database; does nothing if campaigns already exist.
pub async fn load(db: &Db, public_url: &str) -> Result<DemoSummary, DomainError> {
    let summary = DemoSummary {
        created: false,
        marketer_email: DEMO_MARKETER_EMAIL,
        marketer_password: DEMO_MARKETER_PASSWORD,
    };
    let sys = Actor::system();
    if !campaigns::list(db, &sys).await?.is_empty() {
        return Ok(summary);
    }
    settings::update(
        db,
        &sys,
        &ClinicSettings {
            name: "Стоматология «Белая улыбка»".into(),
            address: "Москва, ул. Садовая-Кудринская, 12".into(),
            phone: "+7 495 123-45-67".into(),
            public_url: public_url.into(),
            time_zone: "Europe/Moscow".into(),
            currency: "RUB".into(),
        },
    )
    .await?;

    let marketer = people::create_person(
        db,
        &sys,
        &PersonInput {
            name: "Анна Маркетова".into(),
            phone: "+7 916 000-00-01".into(),
            email: DEMO_MARKETER_EMAIL.into(),
            role: "marketer".into(),
            store_id: None,
        },
    )
    .await?;
    people::set_password(db, &sys, marketer.id, DEMO_MARKETER_PASSWORD).await?;

    let partner_data = [
        (
            "Фитнес-клуб «Атлет»",
            "Игорь Силин",
            "+7 916 100-10-10",
            &[
                (
                    "Атлет на Тверской",
                    "Тверская ул., 15",
                    "07:00–23:00",
                    "Марина Орлова",
                    "+7 916 101-01-01",
                ),
                (
                    "Атлет в Сокольниках",
                    "Сокольническая пл., 4",
                    "07:00–23:00",
                    "Денис Круглов",
                    "+7 916 101-01-02",
                ),
            ],
        ),
        (
            "Магазин косметики «Лепесток»",
            "Ольга Цветкова",
            "+7 916 200-20-20",
            &[
                (
                    "Лепесток — ТЦ «Европейский»",
                    "пл. Киевского Вокзала, 2",
                    "10:00–22:00",
                    "Светлана Ким",
                    "+7 916 202-02-01",
                ),
                (
                    "Лепесток — Арбат",
                    "ул. Арбат, 24",
                    "10:00–21:00",
                    "Алина Гусева",
                    "+7 916 202-02-02",
                ),
            ],
        ),
        (
            "СПА-салон «Лотос»",
            "Наталья Белова",
            "+7 916 300-30-30",
            &[
                (
                    "Лотос на Пресне",
                    "Пресненская наб., 8",
                    "09:00–21:00",
                    "Екатерина Лис",
                    "+7 916 303-03-01",
                ),
                (
                    "Лотос в Хамовниках",
                    "Комсомольский пр-т, 30",
                    "09:00–21:00",
                    "Ирина Волкова",
                    "+7 916 303-03-02",
                ),
            ],
        ),
    ];
    let mut partner_ids = Vec::new();
    let mut store_ids = Vec::new();
    for (name, contact, phone, stores) in partner_data {
        let p = partners::create_partner(
            db,
            &sys,
            &PartnerInput {
                name: name.into(),
                contact_person: contact.into(),
                phone: phone.into(),
                ..Default::default()
            },
        )
        .await?;
        partner_ids.push(p.id);
        for (sname, addr, hours, admin, admin_phone) in stores {
            let s = partners::create_store(
                db,
                &sys,
                &StoreInput {
                    partner_id: p.id,
                    name: (*sname).into(),
                    address: (*addr).into(),
                    opening_hours: (*hours).into(),
                    admin_name: (*admin).into(),
                    admin_phone: (*admin_phone).into(),
                },
            )
            .await?;
            store_ids.push((s.id, *admin, *admin_phone));
        }
    }

    let today = Utc::now().date_naive();
    let campaign = campaigns::create(
        db,
        &sys,
        &CampaignInput {
            name: "Сарафанное радио: зима".into(),
            start_date: (today - Duration::days(14)).format("%Y-%m-%d").to_string(),
            end_date: (today + Duration::days(46)).format("%Y-%m-%d").to_string(),
            face_value: "500".into(),
            valid_until: (today + Duration::days(90)).format("%Y-%m-%d").to_string(),
            terms: "Сертификат на 500 ₽ на любые услуги клиники при первом визите. Не суммируется с другими скидками. \
                    Один сертификат на человека."
                .into(),
            status: "active".into(),
            partner_ids: partner_ids.clone(),
            ..Default::default()
        },
    )
    .await?;
    for (category, amount, note) in [
        ("printing", "12 000", "Сертификаты и анкеты, 1 200 шт."),
        ("motivation", "6 000", "Призы персоналу за первую неделю"),
    ] {
        campaigns::add_cost(
            db,
            &sys,
            campaign.id,
            &CostInput {
                category: category.into(),
                amount: amount.into(),
                spent_on: (today - Duration::days(10)).format("%Y-%m-%d").to_string(),
                note: note.into(),
                ..Default::default()
            },
        )
        .await?;
    }

    // 1 200 certificates, 200 to each store, ready to print and scan.
    crate::ops::certificates::create_batch(
        db,
        &sys,
        campaign.id,
        &crate::model::BatchInput {
            count: "1200".into(),
            store_ids: store_ids.iter().map(|(id, _, _)| *id).collect(),
        },
    )
    .await?;

    let staff = [
        "Мария Соколова",
        "Павел Егоров",
        "Юлия Смирнова",
        "Артём Белов",
        "Ксения Новикова",
        "Олег Фролов",
    ];
    for ((store_id, _, _), name) in store_ids.iter().zip(staff) {
        people::create_person(
            db,
            &sys,
            &PersonInput {
                name: name.into(),
                role: "store_staff".into(),
                store_id: Some(*store_id),
                ..Default::default()
            },
        )
        .await?;
    }
    people::create_person(
        db,
        &sys,
        &PersonInput {
            name: "Елена Регистратурова".into(),
            phone: "+7 916 000-00-02".into(),
            role: "reception".into(),
            ..Default::default()
        },
    )
    .await?;
    Ok(DemoSummary {
        created: true,
        ..summary
    })
}
