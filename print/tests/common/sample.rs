//! Realistic sample data (shared by the tests, the benchmark and the samples example).
#![allow(dead_code)]

use print::{
    Anchor, CertLayout, CertificateDesign, CertificateItem, Clinic, Colour, Column, Drawing,
    Figure, FormDesign, FormItem, FormLabels, PaperSize, Poster, Regulations, ReportChart,
    ReportDoc, Shape, Table,
};

pub fn clinic() -> Clinic {
    Clinic {
        name: "Стоматология «Улыбка»".into(),
        address: "Москва, ул. Тверская, 12".into(),
        phone: "+7 495 123-45-67".into(),
    }
}

pub fn certificate_design(layout: CertLayout) -> CertificateDesign {
    CertificateDesign {
        title: "Подарочный сертификат".into(),
        face_value: "500 ₽".into(),
        valid_until: "Действителен до 31.03.2027".into(),
        terms: "Сертификат даёт скидку 500 ₽ на первичный приём и лечение. \
                Не суммируется с другими акциями. Не обменивается на деньги."
            .into(),
        clinic: clinic(),
        layout,
    }
}

/// A code like "K7QD-M2XF-R9" derived from `i` (distinct for distinct `i`).
pub fn code(i: usize) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut n = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 14;
    let mut chars = Vec::new();
    for _ in 0..10 {
        chars.push(ALPHABET[(n % 32) as usize] as char);
        n /= 32;
    }
    let s: String = chars.into_iter().collect();
    format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..10])
}

pub fn certificate_items(n: usize) -> Vec<CertificateItem> {
    (0..n)
        .map(|i| {
            let code = code(i);
            CertificateItem {
                serial: format!("№ {:06}", i + 1),
                url: format!("https://clinic.example/c/{}", code.replace('-', "")),
                code,
                store: if i % 3 == 0 {
                    "Цветочный магазин «Флора»".into()
                } else {
                    "Кофейня «Зерно»".into()
                },
            }
        })
        .collect()
}

pub fn form_design() -> FormDesign {
    FormDesign {
        title: "Анкета участника акции".into(),
        clinic: clinic(),
        labels: FormLabels {
            full_name: "Фамилия, имя, отчество".into(),
            phone: "Телефон".into(),
            email: "Электронная почта".into(),
            birthday: "Дата рождения".into(),
            heard_from: "Как вы узнали о нас?".into(),
            cert_number: "№ сертификата (если выдан)".into(),
            signature: "Подпись".into(),
            date: "Дата".into(),
        },
        consent: "Я даю согласие ООО «Улыбка» (Москва, ул. Тверская, 12) на обработку моих \
                  персональных данных — фамилии, имени, отчества, номера телефона, адреса \
                  электронной почты и даты рождения — в соответствии с Федеральным законом \
                  от 27.07.2006 № 152-ФЗ «О персональных данных» в целях участия в акции, \
                  информирования об услугах клиники и направления напоминаний о приёме. \
                  Согласие действует до его отзыва; отозвать его можно письменным заявлением \
                  в регистратуре клиники или по электронной почте. Я подтверждаю, что \
                  ознакомлен(а) с правилами акции и политикой обработки персональных данных."
            .into(),
    }
}

pub fn form_items(n: usize) -> Vec<FormItem> {
    (0..n)
        .map(|i| FormItem {
            serial: format!("А-{:05}", i + 1),
            url: format!(
                "https://clinic.example/f/{}",
                code(1000 + i).replace('-', "")
            ),
            store: "Цветочный магазин «Флора»".into(),
        })
        .collect()
}

pub fn poster(size: PaperSize) -> Poster {
    Poster {
        size,
        headline: "Подарок от соседей — скидка у стоматолога".into(),
        text: "Зарегистрируйтесь за минуту и получите подарочный сертификат \
               на первичный приём и лечение в стоматологии «Улыбка»."
            .into(),
        face_value: "500 ₽".into(),
        url: "https://clinic.example/s/FLORA-12".into(),
        store: "Цветочный магазин «Флора»".into(),
        clinic: clinic(),
        qr_caption: "Наведите камеру телефона".into(),
    }
}

pub fn regulations_text(paragraphs: usize) -> String {
    let mut text = String::from(
        "Настоящие правила определяют порядок проведения акции «Подарок от соседей» \
         (далее — акция) стоматологической клиникой «Улыбка» совместно с магазинами-партнёрами.\n\n\
         Участники акции:\n\
         - совершеннолетние посетители магазинов-партнёров;\n\
         - лица, заполнившие анкету участника и давшие согласие на обработку персональных данных.\n\n\
         Порядок участия:\n\
         1. Получите подарочный сертификат в магазине-партнёре.\n\
         2. Запишитесь на приём по телефону клиники, назвав код сертификата.\n\
         3. Предъявите сертификат в регистратуре до начала приёма.\n\n",
    );
    for i in 0..paragraphs {
        text.push_str(&format!(
            "{}. Сертификат даёт скидку 500 ₽ на первичный приём и лечение. Скидка не \
             суммируется с другими акциями и не обменивается на деньги. Один сертификат \
             может быть использован одним участником один раз; срок действия указан на \
             сертификате. Клиника вправе отказать в предоставлении скидки при \
             предъявлении повреждённого сертификата, код которого невозможно прочитать.\n\n",
            i + 4
        ));
    }
    text.push_str("Организатор вправе изменить правила, опубликовав изменения на сайте клиники.");
    text
}

pub fn regulations(paragraphs: usize) -> Regulations {
    Regulations {
        title: "Правила проведения акции".into(),
        campaign: "«Подарок от соседей» — весна 2027".into(),
        text: regulations_text(paragraphs),
        clinic: clinic(),
    }
}

/// A bar chart of `bars` values with labels, a dashed zero line and a polyline through the tops.
pub fn chart(bars: &[(&str, f32)]) -> Drawing {
    let teal = Colour(0x0f, 0x76, 0x6e);
    let ink = Colour(0x1f, 0x29, 0x33);
    let max = bars.iter().map(|b| b.1).fold(1.0, f32::max);
    let mut shapes = Vec::new();
    let mut tops = Vec::new();
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = 4.0 + i as f32 * 34.0;
        let w = v / max * 380.0;
        shapes.push(Shape::Text {
            x: 0.0,
            y: y + 16.0,
            text: (*label).into(),
            size: 12.0,
            bold: false,
            anchor: Anchor::Start,
            fill: ink,
            max_width: Some(190.0),
        });
        shapes.push(Shape::Rect {
            x: 200.0,
            y,
            w,
            h: 24.0,
            radius: 3.0,
            fill: teal,
            opacity: 1.0 - i as f32 * 0.18,
        });
        shapes.push(Shape::Circle {
            cx: 200.0 + w,
            cy: y + 12.0,
            r: 3.5,
            fill: Colour(0xc2, 0x41, 0x0c),
        });
        tops.push((200.0 + w, y + 12.0));
    }
    let h = 8.0 + 34.0 * bars.len() as f32;
    shapes.push(Shape::Line {
        x1: 200.0,
        y1: 0.0,
        x2: 200.0,
        y2: h,
        stroke: Colour(0x6b, 0x72, 0x80),
        width: 1.0,
        dash: Some([4.0, 3.0]),
    });
    shapes.push(Shape::Polyline {
        points: tops,
        stroke: Colour(0xc2, 0x41, 0x0c),
        width: 1.5,
    });
    Drawing {
        width: 640.0,
        height: h,
        shapes,
    }
}

fn money_columns(first: &str) -> Vec<Column> {
    let mut cols = vec![Column {
        title: first.into(),
        width: 3.0,
        numeric: false,
    }];
    for title in [
        "Выдано сертификатов",
        "Пришли",
        "Выручка всего, ₽",
        "Расходы, ₽",
        "Прибыль, ₽",
    ] {
        cols.push(Column {
            title: title.into(),
            width: 1.3,
            numeric: true,
        });
    }
    cols
}

/// A final report with `employees` employees (and a store for every three of them).
pub fn report(employees: usize) -> ReportDoc {
    let stores = employees.div_ceil(3).max(1);
    let row = |name: String, i: usize| {
        vec![
            name,
            (i % 17 + 3).to_string(),
            (i % 5).to_string(),
            format!("{}\u{202f}{:03}", i % 40 + 1, i * 7 % 1000),
            "1\u{202f}500".into(),
            format!("−{}", i * 13 % 900),
        ]
    };
    ReportDoc {
        title: "Итоги акции".into(),
        clinic: "Стоматология «Улыбка»".into(),
        campaign: "«Подарок от соседей» — весна 2027".into(),
        period: "Сроки акции: 01.03.2027 – 31.05.2027".into(),
        generated: "Сформирован 30.11.2026 10:00".into(),
        figures_title: "Главные цифры".into(),
        figures: [
            ("Выдано сертификатов", "412"),
            ("Контакты", "398"),
            ("Пришли", "97"),
            ("Купили другие услуги", "41"),
            ("Выручка: визит по сертификату, ₽", "388\u{202f}000"),
            ("Выручка: повторные визиты, ₽", "1\u{202f}204\u{202f}500"),
            ("Скидка по сертификатам, ₽", "48\u{202f}500"),
            ("Расходы, ₽", "120\u{202f}000"),
            ("Прибыль, ₽", "517\u{202f}000"),
            ("ROI, %", "430%"),
            ("Окупилась", "14.03.2027"),
        ]
        .into_iter()
        .map(|(label, value)| Figure {
            label: label.into(),
            value: value.into(),
        })
        .collect(),
        note: "Контакты — разные участники с согласием; прибыль = выручка × маржа − расходы."
            .into(),
        charts: vec![
            ReportChart {
                title: "Воронка акции".into(),
                drawing: chart(&[
                    ("Напечатано", 1000.0),
                    ("Выдано", 412.0),
                    ("Пришли по сертификату", 97.0),
                    ("Купили другие услуги", 41.0),
                ]),
            },
            ReportChart {
                title: "Выдачи и визиты по неделям".into(),
                drawing: chart(&[
                    ("01.03", 12.0),
                    ("08.03", 30.0),
                    ("15.03", 41.0),
                    ("22.03", 38.0),
                    ("29.03", 44.0),
                ]),
            },
            ReportChart {
                title: "Выручка и прибыль по магазинам".into(),
                drawing: chart(
                    &(1..=12)
                        .map(|i| ("Магазин", 1000.0 + i as f32 * 250.0))
                        .collect::<Vec<_>>(),
                ),
            },
            ReportChart {
                title: "Прибыль нарастающим итогом".into(),
                drawing: chart(&[("Март", 10.0), ("Апрель", 30.0), ("Май", 45.0)]),
            },
        ],
        tables: vec![
            Table {
                title: "По магазинам".into(),
                note: String::new(),
                columns: money_columns("Магазин"),
                rows: (0..stores)
                    .map(|i| row(format!("Магазин № {}\nПартнёр {}", i + 1, i / 10 + 1), i))
                    .collect(),
                total: Some(row("Итого".into(), 0)),
            },
            Table {
                title: "По сотрудникам".into(),
                note: "Мотивация — в расходах сотрудника.".into(),
                columns: money_columns("Сотрудник"),
                rows: (0..employees)
                    .map(|i| row(format!("Сотрудник {:03} Иванова-Петрова", i + 1), i))
                    .collect(),
                total: None,
            },
            Table {
                title: "Расходы".into(),
                note: String::new(),
                columns: vec![
                    Column {
                        title: "Статья".into(),
                        width: 3.0,
                        numeric: false,
                    },
                    Column {
                        title: "Расходы, ₽".into(),
                        width: 1.0,
                        numeric: true,
                    },
                ],
                rows: vec![vec!["Печать".into(), "120\u{202f}000".into()]],
                total: Some(vec!["Итого затрат".into(), "120\u{202f}000".into()]),
            },
        ],
        continued: "продолжение".into(),
    }
}
