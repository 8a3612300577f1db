//! The week's messages, queued on the clinic's Monday (once its sending window opens, so late
//! uploads of Sunday's hand-outs are in) for the week just finished:
//!
//! - each partner employee's result by SMS — hand-outs, visits, the bonus, their place and
//!   their store's (checklist item 17г);
//! - each store's standings to its administrator by e-mail;
//! - the marketer's digest by e-mail: each running campaign's week (hand-outs, contacts,
//!   visits, revenue), stock alerts, overdue tasks.
//!
//! Written through the outbox like every message: one key per week and recipient, so several
//! instances (or a restart) never queue the same one twice.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Mutex;

use chrono::{Datelike, Duration, NaiveDate, Timelike};

use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::DomainError;
use crate::format;
use crate::i18n::Lang;
use crate::ids::CampaignId;
use crate::messages::{Channel, EmailMode, MessageSettings, Purpose, SmsMode, rubles};
use crate::motivation::{self, WeekStanding};
use crate::types::Money;

/// `23.11–29.11`.
pub fn week_label(monday: NaiveDate) -> String {
    let sunday = monday + Duration::days(6);
    format!("{}–{}", monday.format("%d.%m"), sunday.format("%d.%m"))
}

/// The Monday of the week just finished, while its messages may be queued: on Monday from the
/// sending window's opening (clinic time), and on Tuesday to catch up after a stopped server —
/// never later in the week (a week's result told on Friday is no longer news).
pub fn week_due(db: &Db, s: &MessageSettings) -> Option<NaiveDate> {
    let local = db.clock.local(db.clock.now());
    let today = local.date_naive();
    let day = today.weekday().num_days_from_monday();
    let monday = today - Duration::days(i64::from(day));
    let minute = i64::from(local.hour() * 60 + local.minute());
    match day {
        0 if minute < s.window_from_minute => None,
        0 | 1 => Some(monday - Duration::days(7)),
        _ => None,
    }
}

fn first_time(done: &Mutex<HashSet<String>>, key: &str) -> bool {
    done.lock().map_or(true, |d| !d.contains(key))
}

fn remember(done: &Mutex<HashSet<String>>, key: String) {
    if let Ok(mut d) = done.lock() {
        d.insert(key);
    }
}

/// Queues what is due this week and not yet queued; `done` remembers what this instance has
/// already queued. Returns how many messages were newly queued.
pub async fn queue(db: &Db, done: &Mutex<HashSet<String>>) -> Result<usize, DomainError> {
    let (s, _) = db::messages::settings(&db.pool).await?;
    let sms = s.sms_mode != SmsMode::Off;
    let email = s.email_mode != EmailMode::Off;
    let standings_on = s.weekly_standings && (sms || email);
    let digest_on = s.weekly_digest && email;
    if !standings_on && !digest_on {
        return Ok(0);
    }
    let Some(week) = week_due(db, &s) else {
        return Ok(0);
    };
    let sunday = week + Duration::days(6);
    let campaigns =
        db::messages::campaigns_of_week(&db.pool, &db::date_str(week), &db::date_str(sunday))
            .await?;
    let mut queued = 0;
    if standings_on {
        for &id in &campaigns {
            let key = format!("standings:{id}:{week}");
            if first_time(done, &key) {
                queued += standings(db, CampaignId(id), week, sms, email).await?;
                remember(done, key);
            }
        }
    }
    let key = format!("digest:{week}");
    if digest_on && !campaigns.is_empty() && first_time(done, &key) {
        queued += digest(db, &campaigns, week).await?;
        remember(done, key);
    }
    Ok(queued)
}

/// One message to queue.
struct Out {
    key: String,
    campaign: Option<i64>,
    purpose: Purpose,
    channel: Channel,
    to: String,
    subject: Option<String>,
    text: String,
}

/// Queues messages in one transaction; returns how many were new.
async fn enqueue_all(db: &Db, out: &[Out], audit: serde_json::Value) -> Result<usize, DomainError> {
    if out.is_empty() {
        return Ok(0);
    }
    let mut w = db.write(&Actor::system()).await?;
    let mut new = 0;
    for o in out {
        let m = db::messages::NewMessage {
            campaign_id: o.campaign,
            patient_id: None,
            purpose: o.purpose.as_str(),
            dedup_key: &o.key,
            channel: o.channel.as_str(),
            recipient: &o.to,
            subject: o.subject.as_deref(),
            body: &o.text,
        };
        if db::messages::enqueue(&mut *w.tx, &m, w.at).await?.is_some() {
            new += 1;
        }
    }
    if new == 0 {
        w.rollback().await?;
        return Ok(0);
    }
    let mut details = audit;
    details["queued"] = serde_json::json!(new);
    w.audit("queue_weekly", "message", None, details).await?;
    w.commit().await?;
    Ok(new)
}

fn money(kopecks: i64) -> String {
    format::money(Money(kopecks), Lang::Ru)
}

/// A partner employee's SMS: the week's result, their place and their store's.
pub fn staff_text(clinic: &str, week: &WeekStanding, employee: i64) -> Option<String> {
    let me = week.employees.iter().find(|e| e.employee_id == employee)?;
    let store = week.stores.iter().find(|s| Some(s.store_id) == me.store_id);
    let bonus = if me.held != 0 {
        "бонус на проверке".to_owned()
    } else {
        format!("бонус {}", rubles(me.earned))
    };
    let mut text = format!(
        "{}: итоги недели {}. Вы выдали {}, пришли в клинику {}; {}. Место {} из {}",
        clinic,
        week_label(week.monday),
        me.handouts,
        me.redemptions,
        bonus,
        me.rank,
        week.employees.len()
    );
    if let Some(s) = store {
        let _ = write!(text, ", магазин — {} из {}", s.rank, week.stores.len());
    }
    text.push_str(". Спасибо!");
    Some(text)
}

/// A store administrator's e-mail: the store's line and each employee's.
pub fn store_text(clinic: &str, campaign: &str, week: &WeekStanding, store: i64) -> Option<String> {
    let s = week.stores.iter().find(|s| s.store_id == store)?;
    let mut text = format!(
        "Итоги недели {} в акции «{}» клиники «{}».\n\n{}: выдано сертификатов {}, пришли в клинику {}, купили другие услуги {}. Место магазина — {} из {}.\n\nСотрудники:\n",
        week_label(week.monday),
        campaign,
        clinic,
        s.store_name,
        s.handouts,
        s.redemptions,
        s.buyers,
        s.rank,
        week.stores.len()
    );
    let mut staff: Vec<_> = week
        .employees
        .iter()
        .filter(|e| e.store_id == Some(store))
        .collect();
    staff.sort_by_key(|e| e.rank);
    for e in &staff {
        let bonus = if e.held != 0 {
            "бонус на проверке".to_owned()
        } else {
            format!("бонус {}", money(e.earned))
        };
        let _ = writeln!(
            text,
            "- {}: выдано {}, пришли {}, купили {}; {} (место {})",
            e.employee_name, e.handouts, e.redemptions, e.buyers, bonus, e.rank
        );
    }
    if staff.is_empty() {
        text.push_str("- за неделю нет выдач\n");
    }
    text.push_str("\nСпасибо за работу! Это письмо отправлено автоматически.");
    Some(text)
}

/// Queues a campaign's standings of `week`: an SMS to each employee with a phone (when SMS are
/// on), an e-mail to each store administrator with an address (when e-mail is on).
async fn standings(
    db: &Db,
    campaign: CampaignId,
    week: NaiveDate,
    sms: bool,
    email: bool,
) -> Result<usize, DomainError> {
    let c = super::campaign(db, campaign).await?;
    let input = super::motivation::load(db, &c).await?;
    let weeks = motivation::compute(&input);
    let Some(w) = weeks.iter().find(|w| w.monday == week && w.finished) else {
        return Ok(0);
    };
    let clinic = db::settings::get(&db.pool).await?.name;
    let mut out = Vec::new();
    if sms {
        for p in db::messages::staff_contacts(&db.pool).await? {
            let (Some(phone), Some(text)) = (p.phone, staff_text(&clinic, w, p.id)) else {
                continue;
            };
            out.push(Out {
                key: format!(
                    "{}:{}:{week}:{}",
                    Purpose::WeeklyStandings.as_str(),
                    c.id,
                    p.id
                ),
                campaign: Some(c.id),
                purpose: Purpose::WeeklyStandings,
                channel: Channel::Sms,
                to: phone,
                subject: None,
                text,
            });
        }
    }
    if email {
        for s in db::messages::store_contacts(&db.pool).await? {
            let (Some(to), Some(text)) = (s.email, store_text(&clinic, &c.name, w, s.id)) else {
                continue;
            };
            let store_name = w
                .stores
                .iter()
                .find(|x| x.store_id == s.id)
                .map(|x| x.store_name.clone())
                .unwrap_or_default();
            out.push(Out {
                key: format!(
                    "{}:{}:{week}:{}",
                    Purpose::StoreStandings.as_str(),
                    c.id,
                    s.id
                ),
                campaign: Some(c.id),
                purpose: Purpose::StoreStandings,
                channel: Channel::Email,
                to,
                subject: Some(format!("Итоги недели {}: {}", week_label(week), store_name)),
                text,
            });
        }
    }
    enqueue_all(
        db,
        &out,
        serde_json::json!({ "kind": "standings", "campaign_id": c.id, "week": week }),
    )
    .await
}

/// The digest's text: each campaign's week, stock alerts, overdue tasks.
async fn digest_text(db: &Db, campaigns: &[i64], week: NaiveDate) -> Result<String, DomainError> {
    let sys = Actor::system();
    let clinic = db::settings::get(&db.pool).await?;
    let mut text = format!("Неделя {} в клинике «{}».\n", week_label(week), clinic.name);
    for &id in campaigns {
        let summary = super::results::weekly_summary(db, &sys, CampaignId(id)).await?;
        let Some(i) = summary.weeks.iter().position(|m| *m == week) else {
            continue;
        };
        let f = summary.total.weeks.get(i).cloned().unwrap_or_default();
        let _ = write!(
            text,
            "\nАкция «{}»: выдано сертификатов {}, контактов {}, пришли в клинику {}, купили другие услуги {}, визитов {}, выручка {}.\n",
            summary.campaign_name,
            f.handed_out,
            f.contacts,
            f.came,
            f.bought,
            f.visits,
            money(f.revenue())
        );
        let mut best: Vec<_> = summary
            .stores
            .iter()
            .filter_map(|s| Some((s.store_name.clone(), s.weeks.get(i)?.handed_out)))
            .filter(|s| s.1 > 0)
            .collect();
        best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if !best.is_empty() {
            let list: Vec<String> = best
                .iter()
                .take(3)
                .map(|(n, k)| format!("{n} ({k})"))
                .collect();
            let _ = writeln!(text, "Больше всех выдали: {}.", list.join(", "));
        }
    }
    let a = super::checklist::attention(db, &sys).await?;
    if !a.stock_alerts.is_empty() {
        text.push_str("\nЗапасы на исходе:\n");
        for s in a.stock_alerts.iter().take(20) {
            let what = s.material.as_deref().unwrap_or("сертификаты");
            let _ = write!(
                text,
                "- {}: {} — осталось {}",
                s.store_name, what, s.on_hand
            );
            if let Some(d) = s.days_of_cover_x10 {
                let _ = write!(text, ", на {},{} дн.", d / 10, d % 10);
            }
            if let Some(d) = &s.deliver {
                let _ = write!(
                    text,
                    "; привезти {} до {}",
                    d.count,
                    d.by.format("%d.%m.%Y")
                );
            }
            text.push('\n');
        }
    }
    if a.overdue_total > 0 {
        let _ = writeln!(text, "\nПросроченные задачи: {}.", a.overdue_total);
        for t in a.overdue.iter().take(10) {
            let _ = writeln!(
                text,
                "- {} {} ({}), срок {}",
                t.code,
                t.title,
                t.campaign_name,
                t.due_on.format("%d.%m.%Y")
            );
        }
    } else {
        text.push_str("\nПросроченных задач нет.\n");
    }
    if !clinic.public_url.is_empty() {
        let _ = write!(
            text,
            "\nОткрыть Сарафан: {}/\n",
            clinic.public_url.trim_end_matches('/')
        );
    }
    Ok(text)
}

/// Queues the digest of `week` to every marketer with an e-mail.
async fn digest(db: &Db, campaigns: &[i64], week: NaiveDate) -> Result<usize, DomainError> {
    let marketers = db::messages::marketer_contacts(&db.pool).await?;
    if marketers.is_empty() {
        return Ok(0);
    }
    let text = digest_text(db, campaigns, week).await?;
    let subject = format!("Сарафан: итоги недели {}", week_label(week));
    let out: Vec<Out> = marketers
        .into_iter()
        .filter_map(|m| {
            Some(Out {
                key: format!("{}:{week}:{}", Purpose::WeeklyDigest.as_str(), m.id),
                campaign: None,
                purpose: Purpose::WeeklyDigest,
                channel: Channel::Email,
                to: m.email?,
                subject: Some(subject.clone()),
                text: text.clone(),
            })
        })
        .collect();
    enqueue_all(
        db,
        &out,
        serde_json::json!({ "kind": "digest", "week": week }),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_is_labelled_monday_to_sunday() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        assert_eq!(week_label(monday), "23.11–29.11");
    }
}
