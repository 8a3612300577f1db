//! The one translation mechanism: every user-facing text is a [`Msg`] with a Russian and an
//! English text. Russian is the default. A missing translation is a compile error.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
    pub fn from_code(s: &str) -> Option<Lang> {
        match s.trim().get(..2).map(|s| s.to_ascii_lowercase()).as_deref() {
            Some("ru") => Some(Lang::Ru),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }
    /// Picks the language from a `lang` cookie value, else from `Accept-Language`, else Russian.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(l) = cookie.and_then(Lang::from_code) {
            return l;
        }
        if let Some(al) = accept_language {
            for part in al.split(',') {
                if let Some(l) = Lang::from_code(part.split(';').next().unwrap_or("")) {
                    return l;
                }
            }
        }
        Lang::Ru
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::Ru => Lang::En,
            Lang::En => Lang::Ru,
        }
    }
}

macro_rules! messages {
    ($($key:ident => $ru:expr, $en:expr;)*) => {
        /// Every user-facing text of Sarafan.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub enum Msg { $($key),* }
        impl Msg {
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::Ru) => $ru, (Msg::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

messages! {
    AppName => "Сарафан", "Sarafan";
    AppTagline => "Совместные акции клиники с магазинами-партнёрами", "Joint promotions of the clinic with partner stores";
    // navigation
    NavHome => "Главная", "Home";
    NavCampaigns => "Акции", "Campaigns";
    NavPartners => "Партнёры", "Partners";
    NavPeople => "Люди", "People";
    NavSettings => "Настройки", "Settings";
    SignOut => "Выйти", "Sign out";
    SwitchLang => "English", "Русский";
    // sign-in and setup
    SignIn => "Вход", "Sign in";
    SignInButton => "Войти", "Sign in";
    Email => "Эл. почта", "E-mail";
    Password => "Пароль", "Password";
    SetupTitle => "Первый запуск: создайте маркетолога", "First start: create the marketer";
    SetupIntro => "Эта ссылка одноразовая. Создайте учётную запись маркетолога клиники — у неё полный доступ.", "This link works once. Create the clinic marketer's account — it has full access.";
    SetupButton => "Создать и войти", "Create and sign in";
    InviteTitle => "Приглашение в «Сарафан»", "Invitation to Sarafan";
    InviteIntro => "Вас пригласили как", "You are invited as";
    InviteAccept => "Войти", "Sign in";
    InviteFor => "Магазин", "Store";
    // roles
    RoleMarketer => "Маркетолог", "Marketer";
    RoleReception => "Администратор клиники (ресепшн)", "Reception";
    RoleStoreStaff => "Сотрудник магазина", "Store staff";
    RoleMysteryShopper => "Тайный покупатель", "Mystery shopper";
    // home
    HomeTitle => "Обзор акций", "Campaigns overview";
    HomeNoCampaigns => "Акций пока нет. Создайте первую.", "No campaigns yet. Create the first one.";
    StaffHomeTitle => "Ваш магазин", "Your store";
    ReceptionHomeTitle => "Ресепшн", "Reception";
    ShopperHomeTitle => "Тайный покупатель", "Mystery shopper";
    ShopperIntro => "Раз в неделю вы проверяете один магазин-партнёр: рассказывают ли сотрудники об акции сами, предлагают ли сертификат, объясняют ли условия, просят ли контакты и согласие, видны ли плакаты, есть ли сертификаты и анкеты. Ваши проверки — первым списком; ниже — магазины, участвующие в акциях, с адресами и часами работы.", "Once a week you check one partner store: do the staff mention the promotion unprompted, offer a certificate, explain the terms, ask for contacts and consent, are the posters visible, are certificates and forms in stock. Your visits come first; below are the stores taking part, with addresses and opening hours.";
    ShopperNoCampaigns => "Сейчас нет идущих акций.", "No campaign is running now.";
    ComingSoon => "Этот раздел появится в следующих версиях.", "This section comes in a later version.";
    // campaigns
    Campaigns => "Акции", "Campaigns";
    NewCampaign => "Новая акция", "New campaign";
    CampaignName => "Название", "Name";
    StartDate => "Начало", "Start";
    EndDate => "Окончание", "End";
    FaceValue => "Номинал сертификата, ₽", "Certificate face value, ₽";
    FaceValueShort => "Номинал сертификата", "Certificate face value";
    ValidUntil => "Сертификат действует до", "Certificate valid until";
    Terms => "Условия", "Terms";
    Status => "Статус", "Status";
    StatusDraft => "Черновик", "Draft";
    StatusActive => "Идёт", "Active";
    StatusFinished => "Завершена", "Finished";
    PartnersOfCampaign => "Партнёры акции", "Partners in the campaign";
    Save => "Сохранить", "Save";
    Saved => "Сохранено", "Saved";
    Create => "Создать", "Create";
    Edit => "Изменить", "Edit";
    Delete => "Удалить", "Delete";
    Add => "Добавить", "Add";
    Costs => "Затраты", "Costs";
    CostTotal => "Итого затрат", "Total costs";
    AddCost => "Добавить затрату", "Add a cost";
    CostCategory => "Статья", "Category";
    CostPrinting => "Печать", "Printing";
    CostMotivation => "Мотивация партнёров", "Partner motivation";
    CostSms => "SMS", "SMS";
    CostOther => "Прочее", "Other";
    Amount => "Сумма, ₽", "Amount, ₽";
    Date => "Дата", "Date";
    Note => "Примечание", "Note";
    // partners and stores
    Partners => "Партнёры", "Partners";
    NewPartner => "Новый партнёр", "New partner";
    PartnerName => "Организация", "Organisation";
    ContactPerson => "Контактное лицо", "Contact person";
    Phone => "Телефон", "Phone";
    Notes => "Заметки", "Notes";
    Stores => "Магазины", "Stores";
    NewStore => "Новый магазин", "New store";
    StoreName => "Название магазина", "Store name";
    Address => "Адрес", "Address";
    OpeningHours => "Часы работы", "Opening hours";
    AdminName => "Администратор", "Administrator";
    AdminPhone => "Мобильный администратора", "Administrator's mobile";
    AdminEmail => "Эл. почта администратора (итоги недели)", "Administrator's e-mail (weekly standings)";
    Partner => "Партнёр", "Partner";
    Call => "Позвонить", "Call";
    // people
    People => "Люди", "People";
    PersonName => "Имя", "Name";
    Role => "Роль", "Role";
    Store => "Магазин", "Store";
    NoStore => "— без магазина —", "— no store —";
    Invite => "Пригласить", "Invite";
    Invites => "Приглашения", "Invites";
    InviteLink => "Ссылка-приглашение", "Invite link";
    Deactivate => "Отключить", "Deactivate";
    MinDaysCover => "Запас в магазине, дней (не меньше)", "Stock per store, days (at least)";
    StockForecastTitle => "Запасы в магазинах", "Stock in the stores";
    StockForecastHint => "Сколько сертификатов и анкет осталось, на сколько дней их хватит при темпе последней недели и что довезти, чтобы в магазине был запас на неделю вперёд.", "How many certificates and forms are left, how many days they last at last week's pace, and what to deliver so that each store holds a week ahead.";
    OnHand => "Осталось", "On hand";
    PerDay => "В день", "Per day";
    DaysOfCover => "Хватит на, дней", "Days of cover";
    RunsOut => "Закончатся", "Runs out";
    DeliverBy => "Довезти", "Deliver";
    NotUsedYet => "не расходуются", "not used yet";
    FormsShort => "Анкеты", "Forms";
    SortUrgent => "Сначала срочные", "Most urgent first";
    SortByStore => "По магазинам", "By store";
    LastsToEnd => "до конца акции", "to the end of the campaign";
    NavParticipants => "Участники", "Participants";
    ParticipantsTitle => "Участники акций", "Participants";
    ParticipantsHint => "Найдите человека по имени, телефону или коду сертификата: что о нём хранится, выгрузка по запросу, отзыв согласия, удаление (152-ФЗ).", "Find a person by name, phone or certificate code: what is kept about them, an export on request, consent withdrawal, erasure (152-FZ).";
    SearchParticipants => "Имя, телефон или код", "Name, phone or code";
    Search => "Найти", "Search";
    NoParticipants => "Никого не нашлось.", "Nobody found.";
    HandoutsCount => "Выдано", "Handed out";
    VisitsCount => "Визиты", "Visits";
    ParticipantCard => "Участник", "Participant";
    ConsentWithdrawn => "Согласие отозвано", "Consent withdrawn";
    Anonymised => "Данные удалены", "Data erased";
    ExportJson => "Выгрузить (JSON)", "Export (JSON)";
    PrintPage => "Распечатать", "Print";
    WithdrawConsent => "Отметить отзыв согласия", "Record consent withdrawal";
    AnonymiseButton => "Удалить персональные данные", "Erase personal data";
    AnonymiseHint => "Имя, телефон, эл. почта и дата рождения будут стёрты безвозвратно; сертификаты, визиты и выручка останутся в отчётах без привязки к человеку.", "The name, phone, e-mail and birthday are erased for good; certificates, visits and revenue stay in the reports, no longer tied to the person.";
    ConsentGiven => "Согласие", "Consent";
    PhoneUnconfirmed => "телефон не подтверждён", "phone not confirmed";
    Certificates => "Сертификаты", "Certificates";
    Reactivate => "Вернуть доступ", "Reactivate";
    Inactive => "отключён", "deactivated";
    InviteSendHint => "Отправьте ссылку по SMS или в мессенджере, или покажите QR-код. Ссылка одноразовая.", "Send the link by SMS or messenger, or show the QR code. The link works once.";
    InviteExpires => "Действует до", "Valid until";
    Revoke => "Отозвать", "Revoke";
    Revoked => "Отозвано", "Revoked";
    Used => "Использовано", "Used";
    Pending => "Ожидает", "Pending";
    Expired => "Истекло", "Expired";
    Sessions => "Сеансы", "Sessions";
    EndSession => "Завершить", "End";
    // settings
    Settings => "Настройки", "Settings";
    ClinicName => "Название клиники", "Clinic name";
    PublicUrl => "Адрес сайта для QR-кодов", "Public URL for QR codes";
    TimeZone => "Часовой пояс", "Time zone";
    Currency => "Валюта", "Currency";
    ApiTokens => "API-токены", "API tokens";
    NewToken => "Новый токен", "New token";
    TokenShownOnce => "Скопируйте токен сейчас: он показывается один раз.", "Copy the token now: it is shown only once.";
    // misc
    Loading => "Загрузка…", "Loading…";
    NotFoundPage => "Страница не найдена", "Page not found";
    Offline => "Нет связи. Показана сохранённая версия.", "Offline. Showing the saved version.";
    Back => "Назад", "Back";
    Actions => "Действия", "Actions";
    // errors
    ErrRequired => "заполните поле", "this field is required";
    ErrTooLong => "слишком длинно", "too long";
    ErrInvalidPhone => "неверный номер телефона, нужен российский номер вида +7 900 123-45-67", "invalid phone number, expected a Russian number like +7 900 123-45-67";
    ErrInvalidEmail => "неверный адрес эл. почты", "invalid e-mail address";
    ErrInvalidDate => "неверная дата, нужен формат дд.мм.гггг", "invalid date, expected dd.mm.yyyy";
    ErrInvalidMoney => "неверная сумма, например 1 500 или 1500,50", "invalid amount, e.g. 1 500 or 1500.50";
    ErrNegativeMoney => "сумма не может быть отрицательной", "the amount cannot be negative";
    ErrEndBeforeStart => "окончание раньше начала", "the end is before the start";
    ErrValidUntilBeforeEnd => "сертификат должен действовать не меньше, чем идёт акция", "certificates must stay valid at least until the campaign ends";
    ErrDuplicateStoreName => "у этого партнёра уже есть магазин с таким названием", "this partner already has a store with this name";
    ErrDuplicateEmail => "этот адрес уже занят", "this address is already taken";
    ErrInvalidChoice => "выберите значение из списка", "choose a value from the list";
    ErrPasswordTooShort => "пароль должен быть не короче 10 символов", "the password must be at least 10 characters";
    ErrStoreRequired => "для сотрудника магазина выберите магазин", "choose the store for store staff";
    ErrInviteInvalid => "приглашение не найдено", "the invite was not found";
    ErrInviteExpired => "срок приглашения истёк — попросите маркетолога прислать новое", "the invite has expired — ask the marketer for a new one";
    ErrInviteUsed => "приглашение уже использовано — попросите маркетолога прислать новое", "the invite has already been used — ask the marketer for a new one";
    ErrInviteRevoked => "приглашение отозвано", "the invite was revoked";
    ErrBadCredentials => "неверная эл. почта или пароль", "wrong e-mail or password";
    ErrNotFound => "не найдено", "not found";
    ErrForbidden => "недостаточно прав", "you do not have access to this";
    ErrUnauthorized => "войдите в систему", "please sign in";
    ErrRateLimited => "слишком много попыток, подождите минуту", "too many attempts, wait a minute";
    ErrBadOrigin => "запрос отклонён: чужой источник", "request refused: foreign origin";
    ErrSetupDone => "первоначальная настройка уже выполнена", "first setup is already done";
    Count => "Количество", "Count";
    NoCertificates => "Сертификатов пока нет: создайте первую партию.", "No certificates yet: create the first batch.";
    CertificatesTitle => "Сертификаты и печать", "Certificates and printing";
    NewBatch => "Напечатать сертификаты", "Print certificates";
    BatchHint => "Коды создаются случайно и не угадываются; номера идут подряд. Количество делится поровну между отмеченными магазинами.", "Codes are random and cannot be guessed; serial numbers run on. The count is split evenly between the ticked stores.";
    CreateBatch => "Создать сертификаты", "Create certificates";
    BatchCreated => "Сертификаты созданы", "Certificates created";
    Batches => "Партии", "Batches";
    StockTitle => "Где сертификаты", "Where the certificates are";
    Unallocated => "Не распределены", "Not allocated";
    Serials => "Номера", "Serial numbers";
    StatePrinted => "В магазине", "In store";
    StateHandedOut => "Выданы", "Handed out";
    StateRedeemed => "Использованы", "Redeemed";
    StateVoided => "Аннулированы", "Voided";
    DownloadSheets => "PDF, 8 на листе", "PDF, 8 per sheet";
    DownloadSingles => "PDF, по одному", "PDF, one per page";
    PosterA4 => "Афишка A4", "Poster A4";
    PosterA3 => "Афишка A3", "Poster A3";
    Regulations => "Регламент для сотрудников (PDF)", "Regulations for staff (PDF)";
    FormsTitle => "Анкеты участников", "Participant forms";
    FormsHint => "Бумажные анкеты с номером и QR-кодом электронной анкеты магазина.", "Paper forms with a serial number and the QR code of the store's digital form.";
    CreateForms => "Подготовить анкеты", "Prepare forms";
    Download => "Скачать PDF", "Download PDF";
    MoveTitle => "Передать диапазон в другой магазин", "Move a range to another store";
    MoveHint => "Переносятся только ещё не выданные сертификаты; перенос записывается.", "Only certificates not yet handed out move; the move is recorded.";
    MoveButton => "Передать", "Move";
    Moved => "Передано", "Moved";
    Skipped => "не передано (уже выданы или аннулированы)", "not moved (already handed out or voided)";
    VoidTitle => "Аннулировать сертификат", "Void a certificate";
    VoidButton => "Аннулировать", "Void";
    Voided => "Аннулирован", "Voided";
    TextsTitle => "Тексты материалов", "Texts of the materials";
    TextsHint => "Пустое поле — текст по умолчанию. Подстановки: {value} номинал, {until} срок, {clinic}, {phone}, {address}, {campaign}.", "An empty field uses the default text. Placeholders: {value} face value, {until} valid until, {clinic}, {phone}, {address}, {campaign}.";
    PublicValid => "Сертификат действителен", "The certificate is valid";
    YourCertificate => "Ваш сертификат готов. Сохраните эту страницу в закладки или сделайте снимок экрана.", "Your certificate is ready. Bookmark this page or take a screenshot.";
    ShowAtReception => "Покажите этот QR-код на ресепшене клиники.", "Show this QR code at the clinic's reception.";
    PublicNotYet => "Акция ещё не началась", "The campaign has not started yet";
    PublicExpired => "Срок действия сертификата истёк", "The certificate has expired";
    PublicRedeemed => "Сертификат уже использован", "The certificate has been used";
    PublicVoided => "Сертификат аннулирован", "The certificate has been voided";
    PublicBook => "Запишитесь на приём:", "Book a visit:";
    ValidUntilShort => "Действителен до", "Valid until";
    PrintValidUntil => "Действителен до {date}", "Valid until {date}";
    FormTitle => "Анкета участника акции «{campaign}»", "Participant form: {campaign}";
    FormFullName => "Фамилия, имя", "Full name";
    FormMobile => "Мобильный телефон", "Mobile phone";
    FormHeardFrom => "Как вы узнали о нашей клинике?", "How did you hear of our clinic?";
    FormSignature => "Подпись", "Signature";
    RegulationsTitle => "Регламент акции", "Campaign regulations";
    PosterQrCaption => "Наведите камеру телефона на QR-код", "Point your phone camera at the QR code";
    CertNumber => "Номер", "Number";
    CertCode => "Код сертификата", "Certificate code";
    Reason => "Причина", "Reason";
    FirstSerial => "С номера", "From serial";
    LastSerial => "По номер", "To serial";
    CertTitle => "Заголовок сертификата", "Certificate title";
    CertText => "Условия на сертификате", "Terms printed on the certificate";
    RegulationsText => "Регламент для сотрудников", "Regulations for staff";
    ConsentText => "Текст согласия на обработку персональных данных", "Consent to personal data processing";
    PosterHeadline => "Заголовок афишки", "Poster headline";
    PosterText => "Текст афишки", "Poster text";
    ErrCountOutOfRange => "укажите число от 1 до 100 000", "enter a number from 1 to 100,000";
    ErrCampaignFinished => "акция завершена — новые сертификаты не выдаются и не печатаются", "the campaign has finished: no new certificates are handed out or printed";
    ErrStoreNotInCampaign => "этот магазин не участвует в акции: добавьте его партнёра в акцию", "this store is not in the campaign: add its partner to the campaign";
    ErrCodeMistyped => "в коде опечатка: проверьте символы", "the code has a typo: check the characters";
    ErrCodeInvalid => "это не код сертификата", "this is not a certificate code";
    ErrCodeUnknown => "сертификат с таким кодом не найден", "no certificate has this code";
    ErrAlreadyRedeemed => "сертификат уже использован", "the certificate has already been used";
    ErrAlreadyVoided => "сертификат уже аннулирован", "the certificate has already been voided";
    ErrSerialRange => "неверный диапазон номеров", "wrong range of serial numbers";
    ErrTextDoesNotFit => "текст не помещается на макете — сократите его", "the text does not fit the layout — shorten it";
    ErrMissingGlyph => "в тексте есть символ, которого нет в шрифте (например, эмодзи) — уберите его", "the text has a character the font lacks (an emoji, say) — remove it";
    ErrInternal => "внутренняя ошибка, попробуйте ещё раз", "internal error, please try again";
    ErrConsentRequired => "нужно согласие участника на обработку персональных данных", "the participant's consent to personal data processing is required";
    ErrAlreadyHandedOut => "этот сертификат уже выдан", "this certificate has already been handed out";
    ErrDuplicateParticipant => "с этим телефоном уже получен сертификат в этой акции", "a certificate has already been given to this phone in this campaign";
    ErrNotRedeemed => "сертификат не погашен", "the certificate has not been redeemed";
    ErrUndoTooLate => "отменить погашение прошлого дня может только маркетолог", "only the marketer can undo a redemption of an earlier day";
    ErrNotParticipant => "нет участника акции с таким телефоном и погашенным сертификатом", "no participant with this phone has a redeemed certificate";
    ErrInFuture => "дата в будущем", "the date is in the future";
    ErrFaceValueLocked => "номинал уже напечатан на сертификатах — его нельзя изменить", "the face value is already printed on certificates and cannot change";
    ErrNoReturnToDraft => "сертификаты уже выпущены — акцию нельзя вернуть в черновик", "certificates are already issued: the campaign cannot return to draft";
    ErrBodyTooLarge => "запрос слишком большой", "the request is too large";
    ErrKeyReused => "этот ключ повтора уже использован для другой операции — обновите страницу и повторите", "this retry key was already used for another operation: reload and try again";
    ErrDatesOnlyWiden => "сертификаты уже выпущены — срок можно только расширить", "certificates are already issued: the dates may only widen";
    // hand-out, check-in and visits
    Birthday => "Дата рождения", "Birthday";
    HeardFrom => "Откуда узнали о клинике", "How they heard of the clinic";
    Consent => "Согласие на обработку персональных данных", "Consent to personal data processing";
    PatientName => "Имя пациента", "Patient's name";
    PatientPhone => "Телефон пациента", "Patient's phone";
    Services => "Услуги", "Services";
    Doctor => "Врач", "Doctor";
    VisitDate => "Дата визита", "Visit date";
    AmountPaid => "Оплачено, ₽", "Paid, ₽";
    IdempotencyKey => "Ключ повтора", "Idempotency key";
    HappenedAt => "Время выдачи", "Time of hand-out";
    FormSerial => "Номер анкеты", "Form number";
    NavCheckin => "Приём", "Check-in";
    CheckinTitle => "Приём сертификата", "Certificate check-in";
    CheckinHint => "Отсканируйте QR-код сканером или камерой, или введите код и нажмите Enter", "Scan the QR code with a scanner or the camera, or type the code and press Enter";
    CheckButton => "Проверить", "Check";
    ScanCamera => "Камера", "Camera";
    RedeemButton => "Погасить сертификат", "Redeem the certificate";
    UndoButton => "Отменить погашение", "Undo the redemption";
    VerdictValid => "Сертификат действителен", "The certificate is valid";
    VerdictRedeemed => "Сертификат погашен", "The certificate has been redeemed";
    VerdictUnknown => "Код не найден", "Unknown code";
    VerdictMistyped => "Опечатка в коде", "The code has a typo";
    VerdictInvalid => "Это не код сертификата", "Not a certificate code";
    VerdictNotYetValid => "Акция ещё не началась", "The campaign has not started yet";
    VerdictExpired => "Срок действия истёк", "The certificate has expired";
    VerdictAlreadyRedeemed => "Уже использован", "Already redeemed";
    VerdictVoided => "Сертификат аннулирован", "The certificate has been voided";
    ReasonMistyped => "Контрольный символ не сходится: проверьте код, символы могли быть перепутаны", "The check character does not match: check the code, characters may be swapped";
    ReasonUnknown => "Такого кода нет ни в одной партии сертификатов", "No certificate batch has this code";
    ReasonInvalid => "Код состоит из 11 символов: цифры и латинские буквы", "A code has 11 characters: digits and Latin letters";
    ReasonNotYetValid => "Сертификат действует с", "The certificate is valid from";
    ReasonExpired => "Срок действия истёк", "Expired on";
    ReasonRedeemedAt => "Погашен", "Redeemed on";
    ReasonVoided => "Аннулирован", "Voided";
    By => "кем", "by";
    HandedOutBy => "Выдал", "Handed out by";
    NotHandedOut => "Выдача не отмечена — погашение будет засчитано магазину, за которым закреплён сертификат", "No hand-out was recorded — the redemption is credited to the store the certificate was allocated to";
    Participant => "Участник", "Participant";
    VisitsTitle => "Визиты", "Visits";
    RecordVisit => "Записать визит", "Record the visit";
    NoVisits => "Визитов пока нет", "No visits yet";
    UndoReason => "Причина отмены", "Reason for undoing";
    ResultsAttribution => "Выдачи, визиты и выручка по магазинам и сотрудникам", "Hand-outs, visits and revenue per store and employee";
    HandedOutCount => "Выдано", "Handed out";
    RedeemedCount => "Пришли", "Came";
    BoughtCount => "Купили услуги", "Bought services";
    Revenue => "Выручка", "Revenue";
    Employee => "Сотрудник", "Employee";
    Total => "Итого", "Total";
    NoEmployee => "без сотрудника", "no employee";
    // store staff on the phone
    HandoutTitle => "Выдать сертификат", "Hand out a certificate";
    HandoutHint => "Отсканируйте QR-код сертификата или введите код, затем данные участника", "Scan the certificate's QR code or type the code, then the participant's details";
    ParticipantName => "Имя и фамилия участника", "Participant's name";
    ConsentTick => "Участник согласен на обработку персональных данных", "The participant consents to the processing of personal data";
    ConsentReadText => "Текст согласия", "Consent text";
    SaveButton => "Сохранить", "Save";
    PaperForm => "Анкета с бумаги", "From a paper form";
    TodayOwn => "Сегодня: вы", "Today: you";
    TodayStore => "Сегодня: магазин", "Today: store";
    WeekOwn => "Неделя: вы", "This week: you";
    WeekStore => "Неделя: магазин", "This week: store";
    CertsLeft => "Сертификатов осталось", "Certificates left";
    FormsLeft => "Анкет осталось", "Forms left";
    ReadRegulations => "Я прочитал(а) регламент", "I have read the regulations";
    RegulationsReadOn => "Регламент прочитан", "Regulations read on";
    OpenRegulations => "Регламент акции (PDF)", "Campaign regulations (PDF)";
    RecentHandouts => "Последние выдачи", "Recent hand-outs";
    NoActiveCampaign => "Для вашего магазина сейчас нет активной акции", "Your store has no active campaign now";
    ConflictsTitle => "Записи с телефонов, требующие решения", "Records from phones that need a decision";
    NoConflicts => "Нет записей, требующих решения", "Nothing needs a decision";
    Resolution => "Что сделано", "What was done";
    ResolveButton => "Решено", "Resolved";
    RegulationsRead => "Регламент", "Regulations";
    // self-registration
    JoinTitle => "Получите подарочный сертификат", "Get a gift certificate";
    JoinButton => "Получить сертификат", "Get the certificate";
    JoinDone => "Ваш сертификат", "Your certificate";
    JoinShow => "Покажите этот QR-код или назовите код в регистратуре клиники", "Show this QR code or tell the code at the clinic's reception";
    JoinClosed => "Выдача электронных сертификатов по этой акции сейчас закрыта", "Electronic certificates of this campaign are not available now";
    // the checklist
    NavTasks => "Задачи", "Tasks";
    TasksTitle => "Задачи чек-листа", "Checklist tasks";
    ChecklistTitle => "Шаблон чек-листа", "Checklist template";
    ChecklistHint => "21 пункт чек-листа партнёрской акции и недельная рутина (п. 17). Задачи создаются для каждой акции сами: разовые — сразу, недельные — каждую неделю, по магазинам — для каждого магазина. Пункты с автопроверкой Сарафан закрывает сам, когда данные это подтверждают.", "The partner campaign checklist's 21 points and the weekly routine (item 17). Each campaign gets its tasks by itself: one-off points at once, weekly points every week, per-store points for every store. Sarafan closes points with an automatic check when its data confirms them.";
    ScheduleBeforeStart => "до начала акции", "before the start";
    ScheduleAtStart => "в начале акции", "at the start";
    SchedulePerStore => "по каждому магазину", "for each store";
    SchedulePerPartner => "по каждому партнёру", "for each partner";
    ScheduleWeekly => "каждую неделю", "every week";
    ScheduleWeeklyPerStore => "каждую неделю по каждому магазину", "every week for each store";
    ScheduleAfterEnd => "после окончания", "after the end";
    ScheduleBeforeExpiry => "до конца срока сертификатов", "before the certificates expire";
    TaskOpen => "открыта", "open";
    TaskDone => "выполнена", "done";
    TaskNotApplicable => "не требуется", "not applicable";
    CheckRegulationsWritten => "регламент акции написан", "the regulations are written";
    CheckRegulationsInStore => "магазинов с регламентом (экземпляр или открыт PDF)", "stores with the regulations (a copy, or the PDF opened)";
    CheckStaffRead => "магазинов, где все сотрудники прочли регламент", "stores whose staff have all read the regulations";
    CheckStoreAdmins => "магазинов с администратором и его телефоном", "stores with an administrator and phone";
    CheckClinicBriefed => "инструктажей клиники (администраторы подтвердили, врачи записаны)", "clinic briefings (reception confirmed, doctors recorded)";
    CheckCertificatesCover => "магазинов с сертификатами не меньше минимума дней", "stores with certificates for the minimum days";
    CheckPosters => "магазинов с афишками", "stores with posters up";
    CheckFormsCover => "магазинов с анкетами не меньше минимума дней", "stores with forms for the minimum days";
    CheckContacts => "магазинов с выдачами и контактами за 7 дней", "stores with hand-outs and contacts in the last 7 days";
    CheckCertificatesWeek => "магазинов с сертификатами на неделю вперёд", "stores with certificates for a week ahead";
    CheckFormsWeek => "магазинов с анкетами на неделю вперёд", "stores with forms for a week ahead";
    CheckFormsCollected => "магазинов, где анкеты собраны после окончания", "stores whose forms were collected after the end";
    CheckFormsEntered => "магазинов, где все использованные анкеты внесены", "stores whose used forms are all typed in";
    OfTotal => "из", "of";
    Doctors => "Врачи", "Doctors";
    AttentionTitle => "Что требует внимания сегодня", "What needs attention today";
    Overdue => "Просрочено", "Overdue";
    DueThisWeek => "На этой неделе", "This week";
    StockAlerts => "Запасы в магазинах", "Stock in the stores";
    StoreRequests => "Запросы магазинов", "Requests from stores";
    WeekRoutine => "Недельная рутина", "The week's routine";
    ConflictsToResolve => "Записи с телефонов на решение", "Records from phones to decide";
    AllClear => "Срочных дел нет — всё идёт по плану", "Nothing urgent: all on track";
    AndMore => "и ещё", "and more";
    AllTasks => "Все задачи", "All tasks";
    Due => "Срок", "Due";
    Task => "Задача", "Task";
    Assignee => "Исполнитель", "Assignee";
    Nobody => "не назначен", "nobody";
    DoneBy => "Выполнил(а)", "Done by";
    AutoCheck => "Автопроверка", "Automatic check";
    AutoDone => "закрыта автопроверкой Сарафана", "closed by Sarafan's automatic check";
    CheckNow => "Сейчас", "Now";
    Photos => "Фото", "Photos";
    Comments => "Комментарии", "Comments";
    Comment => "Комментарий", "Comment";
    AddComment => "Добавить комментарий", "Add a comment";
    Photo => "Фото", "Photo";
    AddPhoto => "Добавить фото", "Add a photo";
    PhotoHint => "Снимок с телефона: JPEG, PNG или WebP до 10 МБ; хранится уменьшенным до ~300 КБ с отметкой времени сервера.", "A phone photo: JPEG, PNG or WebP up to 10 MB; kept shrunk to about 300 KB with the server's time.";
    Upload => "Загрузить", "Upload";
    Link => "Ссылка", "Link";
    Reach => "Охват", "Reach";
    MarkDone => "Выполнено", "Done";
    MarkNa => "Не требуется", "Not applicable";
    Reopen => "Открыть снова", "Reopen";
    Week => "Неделя", "Week";
    StateFilter => "Показать", "Show";
    FilterOpen => "открытые", "open";
    FilterDone => "выполненные", "done";
    FilterAll => "все", "all";
    RequestFor => "Запрос ещё", "Request for more";
    NoTasks => "Задач нет", "No tasks";
    Code => "№", "No.";
    Title => "Пункт", "Point";
    TitleEn => "Пункт по-английски", "Point in English";
    Schedule => "Когда", "When";
    OffsetDays => "Сдвиг, дней", "Offset, days";
    Proof => "Подтверждение", "Proof";
    ProofNone => "не нужно", "none";
    ProofLinkOrPhoto => "ссылка или фото", "a link or a photo";
    ProofPhoto => "фото", "a photo";
    Manual => "вручную", "by hand";
    Active => "Включён", "On";
    Position => "Порядок", "Order";
    AddItem => "Добавить пункт", "Add a point";
    EditTemplate => "Шаблон чек-листа", "Checklist template";
    Checklist => "Чек-лист", "Checklist";
    // materials
    Materials => "Материалы", "Materials";
    Material => "Материал", "Material";
    MaterialNameEn => "Название по-английски", "Name in English";
    PerStoreMin => "Минимум на магазин", "Minimum per store";
    AddMaterial => "Добавить вид материала", "Add a kind of material";
    Archived => "В архиве", "Archived";
    Movement => "Что произошло", "What happened";
    Quantity => "Количество", "Quantity";
    ToStore => "В магазин", "To store";
    RecordMovement => "Записать", "Record";
    Ledger => "Журнал материалов", "Materials ledger";
    Level => "Остаток", "Level";
    CountedAt => "Пересчёт", "Counted";
    BelowMin => "меньше минимума", "below the minimum";
    MoveDelivered => "Доставлено", "Delivered";
    MoveCounted => "Пересчитано на месте", "Counted on site";
    MoveReturned => "Возвращено", "Returned";
    MoveMovedOut => "Передано в другой магазин", "Moved to another store";
    MoveMovedIn => "Получено из другого магазина", "Received from another store";
    Difference => "Разница", "Difference";
    Who => "Кто", "Who";
    LeftShort => "осталось", "left";
    DaysShort => "дн.", "days";
    EnoughFor => "хватит на", "enough for";
    DeliverShort => "довезти", "deliver";
    ByDate => "до", "by";
    MinimumShort => "минимум", "minimum";
    NoMovements => "Движений пока нет", "No movements yet";
    StoreAtGlance => "Магазин", "Store";
    StaffRead => "Прочли регламент", "Read the regulations";
    HandoutsThisWeek => "Выдач за 7 дней", "Hand-outs in 7 days";
    StaffStockTitle => "Остатки в магазине", "Stock in the store";
    StaffStockHint => "Пересчитайте, что лежит в магазине, — маркетолог увидит остаток. Если чего-то мало, попросите ещё.", "Count what is in the store: the marketer sees the level. If something runs low, ask for more.";
    CountNow => "Сколько сейчас", "How many now";
    SaveCount => "Сохранить пересчёт", "Save the count";
    CountSaved => "Пересчёт сохранён", "Count saved";
    AskForMore => "Попросить ещё", "Ask for more";
    RequestSent => "Запрос отправлен маркетологу", "Request sent to the marketer";
    YourRequests => "Запросы магазина", "The store's requests";
    Waiting => "ждёт", "waiting";
    Delivered => "выполнен", "done";
    HowMany => "Сколько нужно (необязательно)", "How many (optional)";
    NavStock => "Остатки", "Stock";
    // briefings (items 7–8)
    BriefingTitle => "Памятка по акции для администраторов клиники", "The campaign briefing for the clinic's reception";
    BriefingPoint1 => "Участник приносит подарочный сертификат (бумажный или на телефоне). Сканируйте или введите код на странице «Приём» — ответ появится сразу.", "A participant brings a gift certificate (paper or on the phone). Scan or type the code on the Check-in page: the answer is instant.";
    BriefingPoint2 => "Если сертификат действителен — погасите его и запишите визит: услуги, врача и сумму. Так выручка засчитается магазину и сотруднику, которые его выдали.", "If the certificate is valid, redeem it and record the visit: services, doctor and amount. The revenue is then credited to the store and employee who handed it out.";
    BriefingPoint3 => "Предложите участнику осмотр и лечение: задача акции — новые постоянные пациенты, а не разовая скидка.", "Offer the participant a check-up and treatment: the campaign aims at new regular patients, not a one-off discount.";
    ConfirmBriefing => "Я ознакомлен(а)", "I have read it";
    BriefingConfirmed => "Ознакомлен(а)", "Read";
    DoctorBriefings => "Инструктаж врачей", "Doctors' briefings";
    DoctorBriefingsHint => "У врачей нет учётных записей: отметьте, кого и когда познакомили с акцией (пп. 7–8).", "Doctors have no accounts: record who was briefed on the campaign and when (items 7–8).";
    BriefedOn => "Дата инструктажа", "Briefed on";
    ReceptionBriefed => "Администраторы ознакомлены", "Reception briefed";
    // importing paper forms (items 18–19)
    // PDF report
    ReportPdf => "PDF для печати", "Printable PDF";
    ReportGenerated => "Сформирован", "Generated";
    ReportPeriod => "Сроки акции", "Campaign dates";
    ReportKeyFigures => "Главные цифры", "Key figures";
    ReportContinued => "продолжение", "continued";
    ColDiscountShort => "Скидка, ₽", "Discount, ₽";
    ImportTitle => "Ввод бумажных анкет", "Typing in paper forms";
    ImportButton => "Ввод анкет", "Paper forms";
    ImportHint => "Загрузите таблицу, в которую перепечатаны бумажные анкеты магазинов (XLSX или CSV, до 5 МБ и 5 000 строк, первая строка — заголовки). Сарафан покажет, что сделает каждая строка; ничего не сохраняется, пока вы не подтвердите.", "Upload the spreadsheet the stores' paper forms were typed into (XLSX or CSV, up to 5 MB and 5,000 rows, headers in the first row). Sarafan shows what each row will do; nothing is saved until you confirm.";
    ImportFile => "Файл XLSX или CSV", "XLSX or CSV file";
    ImportUpload => "Загрузить и проверить", "Upload and check";
    ImportMappingTitle => "Столбцы файла", "The file's columns";
    ImportMappingHint => "Сарафан угадал столбцы по заголовкам — поправьте, если нужно, и пересчитайте.", "Sarafan guessed the columns from the headers: correct them if needed and recalculate.";
    ImportColumn => "Столбец в файле", "Column in the file";
    ImportReadAs => "Что в нём", "What it holds";
    ImportIgnore => "— не загружать —", "— ignore —";
    ImportSample => "Пример", "Example";
    ImportDefaultStore => "Магазин для строк, где он не указан", "Store of rows that name none";
    ImportNoStore => "— не выбран —", "— none —";
    ImportRecalculate => "Пересчитать", "Recalculate";
    ImportPreviewTitle => "Что будет сохранено", "What will be saved";
    ImportResultTitle => "Что сохранено", "What was saved";
    ImportRowsTotal => "Строк в файле", "Rows in the file";
    ImportRowsGood => "Хороших строк", "Good rows";
    ImportRowsRefused => "Строк с ошибками", "Rows with errors";
    ImportNewPeople => "Новых участников", "New participants";
    ImportMergedPeople => "Уже известны (по телефону)", "Already known (by phone)";
    ImportHandouts => "Выдач сертификатов", "Certificate hand-outs";
    ImportContacts => "Контактов без сертификата", "Contacts without a certificate";
    ImportLine => "Строка", "Row";
    ImportOutcome => "Что будет", "What happens";
    ImportOutcomeDone => "Что сделано", "What was done";
    RowNewPerson => "новый участник", "new participant";
    RowMerged => "объединён с участником по телефону", "merged with the participant by phone";
    RowHandOut => "выдача сертификата", "hand-out of certificate";
    RowContact => "контакт без сертификата", "contact without a certificate";
    RowRefused => "не сохраняется", "not saved";
    ImportConfirm => "Подтвердить и сохранить хорошие строки", "Confirm and save the good rows";
    ImportConfirmHint => "Хорошие строки сохраняются все вместе, одной операцией. Строки с ошибками пропускаются: исправьте их в файле и загрузите его снова — уже сохранённые строки тогда покажутся как уже внесённые.", "The good rows are saved all together, in one go. Rows with errors are skipped: fix them in the file and upload it again; rows already saved then show as already typed in.";
    ImportConfirmed => "Сохранено", "Saved";
    ImportSameFile => "Этот файл уже загружали и сохраняли", "This file was already uploaded and saved";
    ImportRowsCut => "Показаны не все строки: сначала строки с ошибками.", "Not every row is shown: rows with errors come first.";
    ImportHistory => "Загруженные файлы", "Uploaded files";
    ImportWaiting => "ждёт подтверждения", "waiting for confirmation";
    ImportUploadedBy => "Загрузил(а)", "Uploaded by";
    ImportSavedRows => "Сохранено строк", "Rows saved";
    ImportRefusedRows => "Не сохранено", "Rows refused";
    ImportNoHistory => "Файлов пока не загружали.", "No files uploaded yet.";
    ImportCertificate => "Номер сертификата", "Certificate number";
    ImportFormDate => "Дата анкеты", "Form date";
    ImportOpen => "Открыть", "Open";
    FormCertNumber => "№ сертификата (если выдан)", "Certificate № (if given)";
    FormContacts => "Анкеты без сертификата", "Forms without a certificate";
    FromPaperForm => "бумажная анкета", "paper form";
    ErrUnreadableFile => "не удалось прочитать файл: нужен XLSX или CSV", "the file could not be read: an XLSX or CSV is needed";
    ErrNotUtf8 => "CSV не в кодировке UTF-8: сохраните его в Excel как «CSV UTF-8»", "the CSV is not UTF-8: save it from Excel as \"CSV UTF-8\"";
    ErrNoHeaderRow => "в файле нет строки заголовков", "the file has no header row";
    ErrTooManyRows => "больше 5 000 строк: разделите файл на части", "more than 5,000 rows: split the file";
    ErrDuplicateInFile => "повторяется в файле выше", "repeats an earlier row of the file";
    ErrUnknownStore => "такого магазина нет в акции", "no store of the campaign has this name";
    ErrOtherCampaign => "сертификат другой акции", "the certificate belongs to another campaign";
    ErrAlreadyImported => "уже внесено в Сарафан", "already in Sarafan";
    ErrSmsCodeWrong => "неверный код из SMS", "wrong code from the SMS";
    ErrSmsCodeExpired => "код из SMS больше не действует: покажите сертификат в магазине или на ресепшене", "the SMS code no longer works: show the certificate at the store or at reception";
    ErrColumnMissing => "нужны столбцы с именем и телефоном", "columns with the name and the phone are needed";
    // settings
    WeeklyCheckDay => "День недельной проверки", "Weekly check day";
    Monday => "понедельник", "Monday";
    Tuesday => "вторник", "Tuesday";
    Wednesday => "среда", "Wednesday";
    Thursday => "четверг", "Thursday";
    Friday => "пятница", "Friday";
    Saturday => "суббота", "Saturday";
    Sunday => "воскресенье", "Sunday";
    // errors
    ErrNotAnImage => "это не фотография — нужен JPEG, PNG или WebP", "this is not a photo: send a JPEG, PNG or WebP";
    ErrPhotoTooLarge => "файл больше 10 МБ", "the file is larger than 10 MB";
    ErrNotEnoughStock => "по учёту в магазине меньше — сначала пересчитайте на месте", "the store holds fewer by the ledger: count on site first";
    ErrTooMany => "слишком много записей — это предел", "too many entries: that is the limit";
    ErrProofRequired => "нужно подтверждение: ссылка или фото/скриншот", "proof is needed: a link or a photo/screenshot";
    ColWeek => "Неделя (с понедельника)", "Week (from Monday)";
    ColHandedOut => "Выдано сертификатов", "Certificates handed out";
    ColContacts => "Контакты", "Contacts";
    ColCame => "Пришли", "Came";
    ColBought => "Купили другие услуги", "Bought other services";
    ColVisits => "Визиты", "Visits";
    ColRevenueFirst => "Выручка: визит по сертификату, ₽", "Revenue: the certificate visit, ₽";
    ColRevenueLater => "Выручка: повторные визиты, ₽", "Revenue: later visits, ₽";
    ColRevenue => "Выручка всего, ₽", "Revenue in total, ₽";
    SheetStores => "По магазинам", "By store";
    SheetEmployees => "По сотрудникам", "By employee";
    SheetTotal => "Итого по акции", "Campaign total";
    CampaignCol => "Акция", "Campaign";
    ErrVisitLocked => "проверка уже подписана — исправить её может только маркетолог", "the visit is signed off: only the marketer can correct it";
    ErrLinkExpired => "ссылка больше не действует: проверка подписана или срок ссылки истёк", "the link no longer works: the visit is signed off or the link expired";
    CheckShopperVisit => "проверок тайного покупателя этой недели подписано", "of this week's mystery-shopper visits signed off";
    NavShopperVisits => "Проверки", "Visits";
    Question => "Вопрос", "Question";
    KindYesNo => "да / нет", "yes / no";
    KindScore5 => "оценка 1–5", "score 1–5";
    KindScore10 => "оценка 1–10", "score 1–10";
    KindChoice => "выбор варианта", "choice";
    KindText => "текст", "text";
    KindPhoto => "фото", "photo";
    VisitPlanned => "запланирована", "planned";
    VisitSignedOff => "подписана", "signed off";
    VisitCancelled => "отменена", "cancelled";
    // mystery-shopper pages
    ShopperVisitsTitle => "Проверки тайного покупателя", "Mystery-shopper visits";
    ShopperVisitTitle => "Проверка магазина", "Store visit";
    ShopperQuestionsTitle => "Вопросы тайного покупателя", "Mystery-shopper questions";
    ThisWeekVisits => "Проверки этой недели", "This week's visits";
    AllVisits => "Все проверки", "All visits";
    StoreTrends => "Магазины: оценки по неделям", "Stores: scores week by week";
    NoShopperVisits => "Проверок пока нет.", "No visits yet.";
    WhyChosen => "Почему выбран", "Why chosen";
    NeverChecked => "не проверялся", "never checked";
    CheckedOn => "проверялся", "checked";
    LastChecked => "Последняя проверка", "Last checked";
    PerDayShort => "в день", "a day";
    ChosenByMarketer => "выбран маркетологом", "chosen by the marketer";
    VisitWindow => "Когда прийти", "When to visit";
    WindowFrom => "С", "From";
    WindowTo => "По", "To";
    AnnouncedToStore => "Магазин предупреждён", "The store is told";
    Unannounced => "без предупреждения", "unannounced";
    Score => "Оценка", "Score";
    OutOf100 => "из 100", "of 100";
    VisitPassed => "пройдена", "passed";
    VisitFailed => "не пройдена", "failed";
    CriticalFailed => "провален критичный вопрос", "a critical question failed";
    CancelVisit => "Отменить проверку", "Cancel the visit";
    RestoreVisit => "Вернуть проверку", "Restore the visit";
    OutsideShopperLink => "Ссылка для внешнего покупателя", "A link for an outside shopper";
    OutsideShopperName => "Имя покупателя", "Shopper's name";
    MakeLink => "Создать ссылку", "Make a link";
    LinkShownOnce => "Ссылка показана один раз — отправьте её покупателю. Новая ссылка заменяет старую.", "The link is shown once: send it to the shopper. A new link replaces the old one.";
    LinkWorksUntil => "Ссылка действует до", "The link works until";
    EditQuestions => "Вопросы и число проверок в неделю", "Questions and visits per week";
    QuestionsVersion => "Версия", "Version";
    PassMark => "Проходной балл", "Pass mark";
    VisitsPerWeek => "Проверок в неделю", "Visits per week";
    QuestionText => "Вопрос", "Question";
    QuestionTextEn => "Вопрос по-английски", "Question in English";
    AnswerKind => "Как отвечать", "Answer kind";
    Weight => "Вес (1–10)", "Weight (1–10)";
    Critical => "Критичный: провал этого вопроса проваливает всю проверку", "Critical: failing it fails the whole visit";
    ChoicesHint => "Варианты, по одному в строке: текст = баллы (0–100)", "Options, one a line: label = points (0–100)";
    AddQuestion => "Добавить вопрос", "Add a question";
    RemoveQuestion => "Убрать вопрос", "Remove the question";
    SaveNewVersion => "Сохранить новой версией", "Save as a new version";
    QuestionsHint => "Сохранение делает новую версию списка: проверки, которые уже начаты, остаются со своей версией, ещё не начатые переходят на новую.", "Saving makes a new version of the list: visits already started keep theirs, the ones not started move to the new one.";
    Answers => "Ответы", "Answers";
    Points => "Баллы", "Points";
    AnswerFailed => "не выполнено", "failed";
    NoAnswer => "нет ответа", "no answer";
    CorrectiveTasks => "Корректирующие задачи", "Corrective tasks";
    SignedOffBy => "Подписал(а)", "Signed off by";
    CorrectedBy => "Исправил(а)", "Corrected by";
    CorrectAnswers => "Исправить ответы", "Correct the answers";
    CorrectionHint => "Исправление пересчитывает оценку и записывается в журнал: кто, когда, ответы до и после.", "A correction rescores the visit and is recorded: who, when, the answers before and after.";
    SaveCorrection => "Сохранить исправление", "Save the correction";
    Yes => "да", "yes";
    No => "нет", "no";
    SignOffVisit => "Подписать и отправить", "Sign off and send";
    ScoreSoFar => "Оценка по ответам сейчас", "Score of the answers so far";
    ShopperFormHint => "Ответы и фото сохраняются на телефоне сразу и отправляются, когда есть связь. После подписи изменить их нельзя.", "Answers and photos are kept on the phone at once and sent when there is a connection. Once signed off they cannot be changed.";
    ShopperOffline => "Нет связи: ответы и фото сохранены на телефоне и отправятся сами", "No connection: the answers and photos are kept on the phone and will be sent by themselves";
    ShopperSending => "Отправляем…", "Sending…";
    ShopperSynced => "Ответы и фото сохранены на сервере", "The answers and photos are saved on the server";
    ShopperSignedOff => "Проверка подписана и отправлена", "The visit is signed off and sent";
    ShopperFixErrors => "Проверьте отмеченные вопросы", "Check the marked questions";
    PhotoWaiting => "ждёт отправки", "waiting to be sent";
    PhotoUploaded => "отправлено", "sent";
    TakePhoto => "Сфотографировать", "Take a photo";
    MyVisits => "Мои проверки", "My visits";
    OpenVisit => "Открыть проверку", "Open the visit";
    ShopperWillCome => "Тайный покупатель придёт", "A mystery shopper will come";
    DateFrom => "с", "from";
    DateTo => "по", "to";
    ShopperLastScore => "Тайный покупатель", "Mystery shopper";
    HandoutsPerDay => "Выдач в день", "Hand-outs a day";
    RedemptionPct => "Дошли до клиники", "Came to the clinic";
    Trend => "По неделям", "Week by week";
    Latest => "Последняя", "Latest";
    ShopperAccount => "Тайный покупатель (учётная запись)", "Mystery shopper (account)";
    VisitDay => "День визита", "Day of the visit";
    // motivation and results
    AttributionDays => "Окно учёта выручки, дней после визита по сертификату", "Revenue window, days after the certificate visit";
    MarginPercent => "Маржа клиники, %", "Clinic's margin, %";
    PerHandout => "За выдачу сертификата с контактами, ₽", "Per hand-out with contacts, ₽";
    HandoutWhenRedeemed => "Считать выдачу только после визита по сертификату", "Count a hand-out only once its certificate is redeemed";
    PerRedemption => "За визит по сертификату, ₽", "Per certificate redeemed, ₽";
    PerBuyer => "За участника, купившего другие услуги, ₽", "Per participant who bought other services, ₽";
    WeeklyCap => "Не больше за неделю на сотрудника, ₽", "At most per employee and week, ₽";
    Decision => "Решение", "Decision";
    ColName => "Название", "Name";
    ColPrinted => "Напечатано сертификатов", "Certificates printed";
    ColDiscount => "Скидка по сертификатам, ₽", "Discount given, ₽";
    ColCosts => "Расходы, ₽", "Costs, ₽";
    ColProfit => "Прибыль, ₽", "Profit, ₽";
    ColRoi => "ROI, %", "ROI, %";
    ColShopperScore => "Оценка тайного покупателя", "Mystery-shopper score";
    ColCumulativeProfit => "Прибыль нарастающим итогом, ₽", "Cumulative profit, ₽";
    SheetPartners => "По партнёрам", "By partner";
    SheetCosts => "Расходы", "Costs";
    SheetProfit => "Прибыль по дням", "Profit by day";
    ReportTitle => "Итоги акции", "Campaign results";
    MotivationTitle => "Мотивация персонала", "Staff motivation";
    FunnelPrinted => "Напечатано", "Printed";
    FunnelHandedOut => "Выдано", "Handed out";
    FunnelRedeemed => "Пришли по сертификату", "Redeemed";
    FunnelBought => "Купили другие услуги", "Bought other services";
    ChartFunnel => "Воронка акции", "The campaign's funnel";
    ChartWeekly => "Выдачи и визиты по неделям", "Hand-outs and redemptions by week";
    ChartRevenueProfit => "Выручка и прибыль по магазинам", "Revenue and profit by store";
    ChartCumulative => "Прибыль нарастающим итогом", "Cumulative profit";
    PaybackOn => "Окупилась", "Paid back on";
    NotYetPaidBack => "ещё не окупилась", "not paid back yet";
    DownloadXlsx => "Скачать Excel", "Download Excel";
    WeeklySummaryXlsx => "Итоги недель, Excel", "Weekly summary, Excel";
    ReportDefinitions => "Контакты — разные участники с согласием; пришли — погашенные сертификаты; выручка — оплаты участников в окне учёта после визита по сертификату (уже за вычетом скидки); прибыль = выручка × маржа − расходы.", "Contacts: distinct participants with consent; came: certificates redeemed; revenue: what participants paid within the window after the certificate visit (net of the discount); profit = revenue × margin − costs.";
    PartnerComparisonHint => "Партнёры по прибыли, лучшие сверху: с кем повторить акцию.", "Partners by profit, best first: whom to repeat the promotion with.";
    PaidOut => "Выплачено", "Paid";
    DueNow => "К выплате", "Due";
    WeekRunning => "неделя идёт", "the week is running";
    ToReview => "на проверке", "to review";
    Rank => "Место", "Rank";
    Earned => "Заработано", "Earned";
    Adjustment => "Корректировка", "Adjustment";
    Release => "Выплатить", "Release";
    Withhold => "Не выплачивать", "Withhold";
    Capped => "(предел недели)", "(weekly cap)";
    Held => "задержано до проверки", "held for review";
    PayWeek => "Отметить неделю выплаченной", "Mark the week as paid";
    MotivationRules => "Правила мотивации", "Motivation rules";
    MotivationHint => "Суммы за каждое событие недели (пн–вс); пусто — не платим. Выплата недели записывается в расходы акции один раз.", "Amounts per event of the week (Mon–Sun); empty means not paid for. A week's payout is written into the campaign's costs once.";
    PaidTotal => "Выплачено за акцию", "Paid in this campaign";
    DecisionRelease => "выплатить", "released";
    DecisionWithhold => "не выплачивать", "withheld";
    MyWeek => "Ваша неделя", "Your week";
    YourRank => "Ваше место", "Your rank";
    StoreRank => "Место магазина", "Your store's rank";
    LastWeek => "Прошлая неделя", "Last week";
    OutOf => "из", "of";
    ErrAmountTooLarge => "не больше 100 000 ₽", "at most 100,000 ₽";
    ErrWeekNotFinished => "неделя ещё не закончилась — выплата после воскресенья", "the week has not ended: pay it after Sunday";
    ErrWeekAlreadyPaid => "эта неделя уже выплачена", "this week is already paid";
    ErrCostOfPayout => "это выплата мотивации — она записана один раз и не удаляется из расходов", "this is a motivation payout: it is recorded once and not deleted from the costs";
    SignalOwnPhone => "телефон участника совпадает с телефоном сотрудника", "a participant's phone is an employee's";
    SignalNearPhones => "несколько телефонов отличаются одной цифрой", "several phones differ in one digit";
    SignalBurst => "почти все выдачи — в последние часы недели", "most hand-outs in the week's last hours";
    SignalNeverRedeemed => "много выдач давностью больше двух недель — ни одна не погашена", "many hand-outs over two weeks old, none redeemed";
    // exports
    ExportsTitle => "Выгрузки", "Exports";
    ExportsHint => "Данные акции построчно: Excel (числа, даты и рубли — настоящие значения, шапка закреплена, фильтры включены) и CSV (UTF-8, «;» между полями). Время — по часовому поясу клиники. В файле не больше 200 000 строк. Участники — с полными телефонами (каждая выгрузка записывается в журнал), в выдачах телефоны скрыты.", "The campaign's data row by row: Excel (numbers, dates and roubles as real values, the header frozen, filters on) and CSV (UTF-8, \";\" between fields). Times are the clinic's. At most 200,000 rows a file. Participants come with full phones (every export is logged); hand-outs show phones masked.";
    ExportParticipants => "Участники", "Participants";
    ExportHandouts => "Выдачи", "Hand-outs";
    ExportRedemptions => "Погашения", "Redemptions";
    ExportVisits => "Визиты", "Visits";
    ExportRowsCut => "Показаны первые 200 000 строк: больше в один файл не выгружается.", "Only the first 200,000 rows are shown: a file holds no more.";
    ColParticipant => "Участник", "Participant";
    ColSource => "Источник", "Source";
    ColConsentOn => "Дата согласия", "Consent given on";
    ColConsentVersion => "Версия текста согласия", "Consent text version";
    ColFirstStore => "Магазин первой выдачи", "Store of the first hand-out";
    ColFirstEmployee => "Сотрудник первой выдачи", "Employee of the first hand-out";
    ColCertificates => "Сертификатов", "Certificates";
    ColRedeemed => "Погашено", "Redeemed";
    ColRevenueInWindow => "Выручка в окне учёта, ₽", "Revenue within the window, ₽";
    ColSerial => "№ сертификата", "Certificate №";
    ColHandedOutAt => "Выдан", "Handed out at";
    ColPhoneMasked => "Телефон (скрыт)", "Phone (masked)";
    ColRedeemedAt => "Погашен", "Redeemed at";
    ColFaceValueGiven => "Скидка (номинал), ₽", "Discount (face value), ₽";
    ColReceptionist => "Погасил(а)", "Redeemed by";
    ColUndoneAt => "Погашение отменено", "Undone at";
    ColInWindow => "В окне учёта выручки", "Within the revenue window";
    ColVisitOrder => "Визит", "Visit";
    ColDaysAfterRedemption => "Дней после погашения", "Days after the redemption";
    SourceStaff => "выдача в магазине", "handed out in a store";
    SourceSelf => "саморегистрация", "self-registration";
    SourceFormContact => "анкета без сертификата", "paper form without a certificate";
    SourceRedeemedOnly => "погашение без выдачи", "redeemed without a hand-out";
    CertNotRedeemed => "не погашен", "not redeemed";
    CertRedeemed => "погашен", "redeemed";
    CertUndone => "погашение отменено", "redemption undone";
    CertVoided => "аннулирован", "voided";
    ConsentStands => "есть", "given";
    ConsentWithdrawnShort => "отозвано", "withdrawn";
    VisitFirst => "первый (по сертификату)", "first (the certificate visit)";
    VisitLater => "повторный", "later";
    NavMessages => "Сообщения", "Messages";
    AllMessages => "Все", "All";
    MessagesTitle => "Сообщения участникам", "Messages to participants";
    MsgQueued => "в очереди", "queued";
    MsgSending => "отправляется", "sending";
    MsgSent => "отправлено", "sent";
    MsgFailed => "не отправлено", "failed";
    MsgUnknown => "неизвестно, дошло ли", "unknown";
    Resend => "Отправить снова", "Send again";
    Recipient => "Получатель", "Recipient";
    MessageText => "Текст", "Text";
    Attempts => "Попыток", "Attempts";
    SentAt => "Отправлено", "Sent at";
    QueuedAt => "Поставлено в очередь", "Queued at";
    NoMessages => "Сообщений пока нет", "No messages yet";
    SmsOffNotice => "SMS выключены в настройках: напоминания не ставятся в очередь и не отправляются.", "SMS are off in the settings: reminders are neither queued nor sent.";
    PurposeExpiryReminder => "напоминание об окончании срока", "expiry reminder";
    PurposeTest => "проверка шлюза", "gateway test";
    SendTestSms => "Отправить пробное SMS", "Send a test SMS";
    MessageSettingsTitle => "SMS-рассылки", "SMS messages";
    SmsMode => "Способ отправки SMS", "How SMS are sent";
    SmsModeOff => "выключено", "off";
    SmsModeLog => "только запись в журнал (пробный режим)", "written to the log only (trial)";
    SmsModeHttp => "через HTTP-шлюз провайдера", "through the provider's HTTP gateway";
    HttpMethodLabel => "Метод запроса", "Request method";
    UrlTemplate => "Адрес запроса (шаблон)", "Request URL (template)";
    BodyTemplate => "Тело запроса для POST (шаблон)", "POST body (template)";
    AuthHeader => "Заголовок авторизации", "Authorisation header";
    GatewaySecret => "Секрет шлюза (токен или пароль)", "Gateway secret (token or password)";
    SecretIsSet => "Секрет сохранён и не показывается. Оставьте поле пустым, чтобы не менять его.", "A secret is stored and never shown. Leave the field empty to keep it.";
    ClearSecret => "Удалить сохранённый секрет", "Remove the stored secret";
    SuccessPattern => "Признак успеха в ответе шлюза", "Text of a successful gateway answer";
    TimeoutMs => "Ожидание ответа, мс", "Answer timeout, ms";
    SendFrom => "Отправлять с", "Send from";
    SendTo => "Отправлять до", "Send until";
    SmsPerMinute => "Не больше SMS в минуту", "At most SMS per minute";
    ReminderDays => "Напоминание об окончании срока за, дней", "Expiry reminder, days before";
    ReminderText => "Текст напоминания", "Reminder text";
    GatewayPlaceholders => "В шаблонах шлюза: {phone}, {phone_digits}, {text}, {secret}. В тексте: {clinic}, {value}, {date}, {phone}, {code}.", "Gateway templates: {phone}, {phone_digits}, {text}, {secret}. The text: {clinic}, {value}, {date}, {phone}, {code}.";
    SmsChars => "символов", "characters";
    SmsParts => "SMS", "SMS";
    EmailOffNotice => "Эл. почта выключена в настройках: итоги недели магазинам и сводка маркетологу не отправляются.", "E-mail is off in the settings: stores' weekly standings and the marketer's digest are not sent.";
    PurposeWeeklyStandings => "итоги недели сотруднику", "an employee's week";
    PurposeStoreStandings => "итоги недели магазину", "a store's week";
    PurposeWeeklyDigest => "сводка недели маркетологу", "the marketer's weekly digest";
    SendTestEmail => "Отправить пробное письмо", "Send a test e-mail";
    EmailSettingsTitle => "Эл. почта", "E-mail";
    EmailMode => "Способ отправки писем", "How e-mail is sent";
    EmailModeOff => "выключено", "off";
    EmailModeLog => "только запись в журнал (пробный режим)", "written to the log only (trial)";
    EmailModeSmtp => "через SMTP-сервер", "through an SMTP server";
    SmtpHost => "SMTP-сервер", "SMTP server";
    SmtpPort => "Порт", "Port";
    SmtpSecurity => "Защита соединения", "Connection security";
    SmtpSecurityNone => "без шифрования (только локальный сервер)", "none (a local server only)";
    SmtpSecurityStartTls => "STARTTLS (порт 587)", "STARTTLS (port 587)";
    SmtpSecurityTls => "TLS (порт 465)", "TLS (port 465)";
    SmtpUser => "Имя пользователя SMTP", "SMTP user name";
    SmtpPassword => "Пароль SMTP", "SMTP password";
    SmtpPasswordIsSet => "Пароль сохранён и не показывается. Оставьте поле пустым, чтобы не менять его.", "A password is stored and never shown. Leave the field empty to keep it.";
    ClearSmtpPassword => "Удалить сохранённый пароль", "Remove the stored password";
    EmailFrom => "Отправитель", "Sender";
    EmailsPerMinute => "Не больше писем в минуту", "At most e-mails per minute";
    WeeklyStandings => "По понедельникам: итоги недели каждому сотруднику магазина (SMS) и администратору магазина (письмо)", "On Mondays: each store employee's week (SMS) and the store's standings to its administrator (e-mail)";
    WeeklyDigest => "По понедельникам: сводка недели маркетологу (письмо)", "On Mondays: the week's digest to the marketer (e-mail)";
    SmsLengthFilled => "с подставленными данными", "with the placeholders filled in";
    SelfRegistrationOpen => "Участники могут сами получить электронный сертификат по QR-коду на плакате или анкете", "Participants may take an electronic certificate themselves from the QR code on a poster or form";
    SendECertificates => "Отправлять участнику сертификат по SMS (и на эл. почту, если указана); при самостоятельной регистрации — с кодом подтверждения телефона", "Send each participant their certificate by SMS (and e-mail when given); on self-registration with a code that confirms the phone";
    SmsCode => "Код из SMS", "Code from the SMS";
    ConfirmPhone => "Подтвердить телефон", "Confirm the phone";
    ConfirmPhoneHint => "Мы отправили SMS с сертификатом и кодом подтверждения. Введите код, чтобы подтвердить телефон.", "We have sent an SMS with the certificate and a confirmation code. Type the code to confirm your phone.";
    PhoneConfirmed => "Телефон подтверждён. Спасибо!", "Phone confirmed. Thank you!";
    PurposeECertificate => "электронный сертификат", "e-certificate";
    PurposeWebhook => "вебхук интеграции", "integration webhook";
    WebhookUrl => "Адрес вебхука", "Webhook URL";
    WebhookEvents => "События вебхука", "Webhook events";
    WebhooksTitle => "Вебхуки для интеграций", "Webhooks for integrations";
    WebhooksHint => "Система клиники или CRM получает POST-запрос о каждой выдаче, погашении и визите. Запрос подписан (заголовок X-Sarafan-Signature, HMAC-SHA256 тела с секретом) и повторяется при сбое; доставки видны в журнале сообщений.", "The clinic's system or a CRM gets a POST about each hand-out, redemption and visit. Each is signed (the X-Sarafan-Signature header, HMAC-SHA256 of the body with the secret) and retried on failure; deliveries show in the outbox.";
    WebhookSecretShownOnce => "Скопируйте секрет подписи сейчас: он показывается один раз.", "Copy the signing secret now: it is shown only once.";
    AddWebhook => "Добавить вебхук", "Add a webhook";
    NoWebhooks => "Вебхуков нет.", "No webhooks.";
    EventHandout => "выдача", "hand-out";
    EventRedemption => "погашение", "redemption";
    EventVisit => "визит", "visit";
    SmsPreset => "Провайдер: заполнить настройки шлюза", "Provider: fill in the gateway's settings";
    SmsPresetNone => "— свои настройки (ниже) —", "— my own settings (below) —";
}

/// The label of a form field or JSON property, for messages like "Телефон: неверный номер".
pub fn field_label(field: &str, lang: Lang) -> &str {
    let msg = match field {
        "name" => Msg::PersonName,
        "campaign_name" => Msg::CampaignName,
        "partner_name" => Msg::PartnerName,
        "store_name" => Msg::StoreName,
        "phone" => Msg::Phone,
        "email" => Msg::Email,
        "password" => Msg::Password,
        "start_date" => Msg::StartDate,
        "end_date" => Msg::EndDate,
        "face_value" => Msg::FaceValue,
        "valid_until" => Msg::ValidUntil,
        "terms" => Msg::Terms,
        "status" => Msg::Status,
        "contact_person" => Msg::ContactPerson,
        "notes" | "note" => Msg::Notes,
        "address" => Msg::Address,
        "opening_hours" => Msg::OpeningHours,
        "admin_name" => Msg::AdminName,
        "admin_phone" => Msg::AdminPhone,
        "admin_email" => Msg::AdminEmail,
        "partner_id" | "partner_ids" => Msg::Partner,
        "store_id" => Msg::Store,
        "role" => Msg::Role,
        "amount" => Msg::Amount,
        "category" => Msg::CostCategory,
        "date" | "spent_on" => Msg::Date,
        "clinic_name" => Msg::ClinicName,
        "public_url" => Msg::PublicUrl,
        "time_zone" => Msg::TimeZone,
        "count" => Msg::Count,
        "min_days_cover" => Msg::MinDaysCover,
        "attribution_days" => Msg::AttributionDays,
        "margin_percent" => Msg::MarginPercent,
        "per_handout" => Msg::PerHandout,
        "per_redemption" => Msg::PerRedemption,
        "per_buyer" => Msg::PerBuyer,
        "weekly_cap" => Msg::WeeklyCap,
        "decision" => Msg::Decision,
        "store_ids" => Msg::Stores,
        "code" => Msg::CertCode,
        "reason" => Msg::Reason,
        "first_serial" => Msg::FirstSerial,
        "last_serial" => Msg::LastSerial,
        "cert_title" => Msg::CertTitle,
        "cert_text" => Msg::CertText,
        "regulations" => Msg::RegulationsText,
        "consent_text" => Msg::ConsentText,
        "poster_headline" => Msg::PosterHeadline,
        "poster_text" => Msg::PosterText,
        "clinic_address" => Msg::Address,
        "clinic_phone" => Msg::Phone,
        "birthday" => Msg::Birthday,
        "heard_from" => Msg::HeardFrom,
        "consent" => Msg::Consent,
        "patient_name" => Msg::PatientName,
        "patient_phone" => Msg::PatientPhone,
        "services" => Msg::Services,
        "doctor" => Msg::Doctor,
        "visited_on" => Msg::VisitDate,
        "idempotency_key" => Msg::IdempotencyKey,
        "happened_at" => Msg::HappenedAt,
        "form_serial" => Msg::FormSerial,
        "certificate" => Msg::ImportCertificate,
        "form_date" => Msg::ImportFormDate,
        "store" => Msg::Store,
        "file" => Msg::ImportFile,
        "columns" => Msg::ImportMappingTitle,
        "default_store_id" => Msg::ImportDefaultStore,
        "resolution" => Msg::Resolution,
        "weekly_check_day" => Msg::WeeklyCheckDay,
        "material_name" | "kind_id" => Msg::Material,
        "material_name_en" => Msg::MaterialNameEn,
        "per_store_min" => Msg::PerStoreMin,
        "quantity" => Msg::Quantity,
        "movement" => Msg::Movement,
        "to_store_id" => Msg::ToStore,
        "title" => Msg::Title,
        "title_en" => Msg::TitleEn,
        "schedule" => Msg::Schedule,
        "offset_days" => Msg::OffsetDays,
        "proof" => Msg::Proof,
        "position" => Msg::Position,
        "link" => Msg::Link,
        "reach" => Msg::Reach,
        "assignee_id" => Msg::Assignee,
        "comment" => Msg::Comment,
        "photo" => Msg::Photo,
        "briefed_on" => Msg::BriefedOn,
        "archived" => Msg::Archived,
        "state" => Msg::Status,
        "pass_mark" => Msg::PassMark,
        "visits_per_week" => Msg::VisitsPerWeek,
        "questions" => Msg::ShopperQuestionsTitle,
        "shopper_id" => Msg::ShopperAccount,
        "shopper_name" => Msg::OutsideShopperName,
        "window_from" => Msg::WindowFrom,
        "window_to" => Msg::WindowTo,
        "sms_mode" => Msg::SmsMode,
        "http_method" => Msg::HttpMethodLabel,
        "url_template" => Msg::UrlTemplate,
        "body_template" => Msg::BodyTemplate,
        "auth_header" => Msg::AuthHeader,
        "secret" => Msg::GatewaySecret,
        "success_pattern" => Msg::SuccessPattern,
        "timeout_ms" => Msg::TimeoutMs,
        "sms_per_minute" => Msg::SmsPerMinute,
        "reminder_days" => Msg::ReminderDays,
        "reminder_text" => Msg::ReminderText,
        "email_mode" => Msg::EmailMode,
        "sms_code" => Msg::SmsCode,
        "preset" => Msg::SmsPreset,
        "url" => Msg::WebhookUrl,
        "events" => Msg::WebhookEvents,
        "smtp_host" => Msg::SmtpHost,
        "smtp_port" => Msg::SmtpPort,
        "smtp_security" => Msg::SmtpSecurity,
        "smtp_user" => Msg::SmtpUser,
        "smtp_password" => Msg::SmtpPassword,
        "email_from" => Msg::EmailFrom,
        "emails_per_minute" => Msg::EmailsPerMinute,
        "send_from" => Msg::SendFrom,
        "send_to" => Msg::SendTo,
        _ => return field_fallback(field),
    };
    msg.text(lang)
}

fn field_fallback(field: &str) -> &str {
    field
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_is_the_default_language() {
        assert_eq!(Lang::negotiate(None, None), Lang::Ru);
    }

    #[test]
    fn the_cookie_wins_over_the_browser_language() {
        assert_eq!(
            Lang::negotiate(Some("en"), Some("ru-RU,ru;q=0.9")),
            Lang::En
        );
        assert_eq!(Lang::negotiate(None, Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(None, Some("de-DE")), Lang::Ru);
    }
}
