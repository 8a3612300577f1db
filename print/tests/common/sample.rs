//! Realistic sample data (shared by the tests, the benchmark and the samples example).
#![allow(dead_code)]

use print::{
    CertLayout, CertificateDesign, CertificateItem, Clinic, FormDesign, FormItem, FormLabels,
    PaperSize, Poster, Regulations,
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
