//! The demo's outreach: the community agent of the employment agency's migrant integration
//! desk, a campaign on rights at work, and a few activities with their counts. Invented.

use crate::db::Tx;
use crate::error::StoreResult;
use crate::outreach::activities::{self, count_name, ActivityInput};
use crate::outreach::campaigns::{self, CampaignInput};
use crate::users::{self, Viewer};
use chrono::{Duration, NaiveDate};
use passerelle_core::access::Scope;

/// Loads the outreach demo for the agent `agent_email`; does nothing if that account is missing.
pub async fn load(tx: &mut Tx, agent_email: &str, today: NaiveDate) -> StoreResult<()> {
    let Some(agent) = users::find_by_email(tx, agent_email).await? else { return Ok(()) };
    // The agent's sex is recorded so that the figures can show female agents.
    exec!(tx, c => sqlx::query("UPDATE users SET sex = 'female' WHERE id = $1").bind(agent.id))?;
    let campaign = campaigns::create(tx, agent.id, agent.agency_id, &CampaignInput {
        name: "Know your rights at work (demo)".into(),
        objectives: "Migrant workers know the employment agency's services and their rights at work.".into(),
        audiences: "Migrant workers, employers of the fishing and farming sectors".into(),
        channels: vec!["information_session".into(), "media".into(), "home_visit".into()],
        starts_on: (today - Duration::days(60)).to_string(),
        ends_on: (today + Duration::days(60)).to_string(),
    }).await?;
    let viewer = Viewer { id: agent.id, agency_id: agent.agency_id, team_id: agent.team_id, scope: Scope::Own };
    // (days ago, kind, setting, women only, counts by sex × age band, topics)
    let plan: &[(i64, &str, &str, bool, &[(&str, &str, u32)], &str)] = &[
        (40, "information_session", "agency", false, &[("female", "25_59", 9), ("male", "25_59", 11), ("male", "18_24", 4)], "employment vocational_training"),
        (21, "home_visit", "community", true, &[("female", "18_24", 3), ("female", "25_59", 5)], "employment child_protection"),
        (7, "media", "remote", false, &[("unknown", "unknown", 350)], "employment"),
    ];
    for (ago, kind, setting, women_only, counts, topics) in plan {
        let total: u32 = counts.iter().map(|c| c.2).sum();
        let input = ActivityInput {
            kind: kind.to_string(),
            setting: setting.to_string(),
            held_on: (today - Duration::days(*ago)).to_string(),
            campaign_id: Some(campaign),
            agents: vec![agent.id],
            topics: topics.split_whitespace().map(str::to_string).collect(),
            language: "Kreyòl, français".into(),
            women_only: *women_only,
            people_reached: total.to_string(),
            counts: counts.iter().map(|(s, b, n)| (count_name("sex_age", s, b), n.to_string())).collect(),
            ..Default::default()
        };
        if let Ok(checked) = activities::check(&input, today, passerelle_core::outreach::DEFAULT_REQUIRED) {
            activities::create(tx, &viewer, &checked, "demo").await?;
        }
    }
    Ok(())
}
