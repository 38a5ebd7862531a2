//! `/feedback`: the person referred tells, without an account and without giving their name,
//! whether they received the service, how it was and what got in the way. The code on their
//! referral slip admits one answer; the answer is kept against the service only.

use crate::ctx::Page;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pages::{render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use axum_extra::extract::Query;
use passerelle_core::validate::Problems;
use passerelle_store::referrals::{self, Feedback, DIFFICULTIES};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct FeedbackForm {
    pub code: String,
    pub received: String,
    pub quality: String,
    pub waiting_days: String,
    pub difficulty: String,
}

#[derive(Template)]
#[template(path = "referral_feedback.html")]
struct FeedbackPage {
    page: Page,
    form: FeedbackForm,
    errors: FormErrors,
    thanks: bool,
}

impl FeedbackPage {
    fn difficulties(&self) -> &'static [&'static str] {
        DIFFICULTIES
    }
    fn qualities(&self) -> [&'static str; 5] {
        ["1", "2", "3", "4", "5"]
    }
}

pub async fn form(page: Page, Query(q): Query<FeedbackForm>) -> Response {
    render(&FeedbackPage { page, form: FeedbackForm { code: q.code, ..Default::default() }, errors: FormErrors::default(), thanks: false })
}

pub async fn submit(State(state): State<AppState>, page: Page, Form(f): Form<FeedbackForm>) -> Result<Response, AppError> {
    let mut p = Problems::default();
    let code = p.text("code", &f.code, true, 20);
    let received = match f.received.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            p.add("received", "required");
            false
        }
    };
    let quality = match f.quality.trim() {
        "" => None,
        q => match q.parse::<i64>() {
            Ok(n) if (1..=5).contains(&n) => Some(n),
            _ => {
                p.add("quality", "out-of-range");
                None
            }
        },
    };
    let waiting_days = match f.waiting_days.trim() {
        "" => None,
        w => match w.parse::<i64>() {
            Ok(n) if (0..=3650).contains(&n) => Some(n),
            _ => {
                p.add("waiting_days", "out-of-range");
                None
            }
        },
    };
    let difficulty = if f.difficulty.is_empty() { "none".to_string() } else { f.difficulty.clone() };
    if !DIFFICULTIES.contains(&difficulty.as_str()) {
        p.add("difficulty", "unknown-choice");
    }
    if p.is_empty() {
        let mut tx = state.store.write().await?;
        if referrals::give_feedback(&mut tx, &code, &Feedback { received, quality, waiting_days, difficulty }).await? {
            tx.commit().await?;
            return Ok(render(&FeedbackPage { page, form: FeedbackForm::default(), errors: FormErrors::default(), thanks: true }));
        }
        p.add("code", "referral-feedback-code");
    }
    let errors = FormErrors::from_problems(&page.tr, &p);
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &FeedbackPage { page, form: f, errors, thanks: false }))
}
