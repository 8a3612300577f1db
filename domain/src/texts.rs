//! Default wording of the printed materials, used where a campaign leaves a text empty.
//! Placeholders: `{value}` (face value, "500 ₽"), `{until}` (valid-until date), `{clinic}`,
//! `{phone}`, `{address}`, `{campaign}`.

use crate::i18n::Lang;
use crate::model::CampaignTexts;

/// The values the placeholders stand for.
pub struct Fill<'a> {
    pub value: &'a str,
    pub until: &'a str,
    pub clinic: &'a str,
    pub phone: &'a str,
    pub address: &'a str,
    pub campaign: &'a str,
}

impl Fill<'_> {
    pub fn apply(&self, text: &str) -> String {
        text.replace("{value}", self.value)
            .replace("{until}", self.until)
            .replace("{clinic}", self.clinic)
            .replace("{phone}", self.phone)
            .replace("{address}", self.address)
            .replace("{campaign}", self.campaign)
    }
}

pub fn cert_title(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "Подарочный сертификат",
        Lang::En => "Gift certificate",
    }
}

pub fn cert_text(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => {
            "Скидка {value} на приём и лечение. {clinic}, запись по телефону {phone}. Не суммируется с другими акциями, не обменивается на деньги."
        }
        Lang::En => {
            "{value} off a visit and treatment at {clinic}. Book on {phone}. Not combinable with other offers; no cash value."
        }
    }
}

pub fn consent_text(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => {
            "Я даю согласие на обработку моих персональных данных оператору — {clinic} ({address}): (фамилия, имя, телефон, адрес эл. почты, дата рождения) в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных» для участия в акции «{campaign}», записи на приём и информирования об акции, в том числе по SMS и электронной почте. Согласие действует до его отзыва; отозвать его можно письменным заявлением или по телефону {phone}."
        }
        Lang::En => {
            "I consent to {clinic} ({address}) processing my personal data (name, phone, e-mail, date of birth) under Russian Federal Law No. 152-FZ \"On Personal Data\" to take part in the campaign \"{campaign}\", to book visits and to be informed about the campaign, including by SMS and e-mail. The consent stands until withdrawn in writing or by phone on {phone}."
        }
    }
}

pub fn poster_headline(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "Подарок от стоматологии: {value}",
        Lang::En => "A gift from the dentist: {value}",
    }
}

pub fn poster_text(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => {
            "Спросите у сотрудника подарочный сертификат на {value} — или наведите камеру телефона на QR-код и получите его сразу. {clinic}. Сертификат действует до {until}."
        }
        Lang::En => {
            "Ask the staff for a {value} gift certificate from {clinic} — or point your phone camera at the QR code to get it at once. Valid until {until}."
        }
    }
}

pub fn regulations(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "{clinic} дарит покупателям вашего магазина подарочные сертификаты на {value}. Сертификат действует до {until}.

Что делать:
- Предлагайте сертификат каждому покупателю при расчёте: «{clinic} дарит вам сертификат на {value} на лечение зубов».
- Попросите покупателя заполнить анкету (имя, телефон, согласие на обработку данных) — на бумаге или в приложении «Сарафан» на вашем телефоне.
- В приложении отсканируйте QR-код сертификата, введите имя и телефон участника, отметьте согласие и нажмите «Сохранить».
- Один сертификат — одному человеку. Не выдавайте сертификат без согласия на обработку персональных данных.
- Если сертификаты или анкеты заканчиваются (осталось меньше чем на 5 дней), сообщите администратору магазина.

Вопросы об акции: {clinic}, {phone}, {address}.",
        Lang::En => "{clinic} gives your store's customers gift certificates worth {value}. Certificates are valid until {until}.

What to do:
- Offer a certificate to every customer at the till: \"{clinic} gives you a {value} certificate for dental care\".
- Ask the customer to fill in the form (name, phone, consent to data processing) — on paper or in the Sarafan app on your phone.
- In the app, scan the certificate's QR code, enter the participant's name and phone, tick the consent and press Save.
- One certificate per person. Never hand one out without consent to the processing of personal data.
- When certificates or forms run low (less than 5 days' worth), tell the store administrator.

Questions about the campaign: {clinic}, {phone}, {address}.",
    }
}

/// The campaign's texts with every empty one replaced by the default wording, placeholders filled.
pub fn effective(texts: &CampaignTexts, fill: &Fill<'_>, lang: Lang) -> CampaignTexts {
    let pick =
        |own: &str, default: &str| fill.apply(if own.trim().is_empty() { default } else { own });
    CampaignTexts {
        cert_title: pick(&texts.cert_title, cert_title(lang)),
        cert_text: pick(&texts.cert_text, cert_text(lang)),
        regulations: pick(&texts.regulations, regulations(lang)),
        consent_text: pick(&texts.consent_text, consent_text(lang)),
        poster_headline: pick(&texts.poster_headline, poster_headline(lang)),
        poster_text: pick(&texts.poster_text, poster_text(lang)),
    }
}

/// What a campaign's texts need to know to fill their placeholders.
pub struct CampaignFacts<'a> {
    pub campaign_name: &'a str,
    pub face_value: crate::types::Money,
    pub valid_until: chrono::NaiveDate,
    pub settings: &'a crate::model::ClinicSettings,
}

/// The campaign's texts as printed: defaults for empty ones, placeholders filled.
pub fn printed(own: &CampaignTexts, facts: &CampaignFacts<'_>, lang: Lang) -> CampaignTexts {
    let value = crate::format::money(facts.face_value, lang);
    let until = crate::format::date(facts.valid_until, lang);
    let phone = crate::format::phone(&facts.settings.phone);
    let fill = Fill {
        value: &value,
        until: &until,
        clinic: &facts.settings.name,
        phone: &phone,
        address: &facts.settings.address,
        campaign: facts.campaign_name,
    };
    effective(own, &fill, lang)
}
