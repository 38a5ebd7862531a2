//! Roles, permissions and record scopes: the one table that says who may do what.
//!
//! Every route of the web layer names the [`Permission`] it needs; the web layer asks
//! [`scope_for`] and nothing else. Changing what a role may do is a change to [`GRANTS`] alone.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The roles of the people who work in Passerelle. A user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Caseworker,
    Supervisor,
    ServiceFocalPoint,
    CommunityAgent,
    Trainer,
    QualityOfficer,
    MeOfficer,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Caseworker,
        Role::Supervisor,
        Role::ServiceFocalPoint,
        Role::CommunityAgent,
        Role::Trainer,
        Role::QualityOfficer,
        Role::MeOfficer,
        Role::Administrator,
    ];

    /// The code name, the same in database, API and translation keys (`role-<code>`).
    pub fn code(self) -> &'static str {
        match self {
            Role::Caseworker => "caseworker",
            Role::Supervisor => "supervisor",
            Role::ServiceFocalPoint => "service_focal_point",
            Role::CommunityAgent => "community_agent",
            Role::Trainer => "trainer",
            Role::QualityOfficer => "quality_officer",
            Role::MeOfficer => "me_officer",
            Role::Administrator => "administrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role: {0}")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// How far a grant reaches over records: the user's own, their team's, their agency's, or all.
/// Ordered from narrowest to widest so that the widest of several grants wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Own,
    Team,
    Agency,
    All,
}

/// What a route or an action needs. Modules add their permissions here, and their grants below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See the list of agencies and admin areas (needed to refer and to assign).
    ViewAgencies,
    /// Create and edit agencies, teams and admin areas.
    ManageAgencies,
    /// See staff accounts (name, agency, team, roles).
    ViewUsers,
    /// Create users, change roles and teams, deactivate, reset passwords, unlock.
    ManageUsers,
    /// Browse the audit log.
    ViewAudit,
    /// Change instance-wide security policy (mandatory second factor per role).
    ManageSecurityPolicy,
    /// Create personal API tokens for other users (the `token create` command).
    IssueTokensForOthers,
    /// Read the SOPs and their handbooks.
    ViewSops,
    /// Publish new SOP versions and new versions of their forms.
    ManageSops,
    /// Fill in forms, and read the responses within one's scope. Responses hold personal data
    /// about the people served, so administrators, who run the system, are not given it.
    FillForms,
    /// See people and their cases within one's scope (restricted cases need more: see the store).
    ViewCases,
    /// Register people, open cases, fill their forms, complete steps, write notes, close.
    ManageCases,
    /// Grant or refuse the approvals an SOP asks of a supervisor.
    ApproveCases,
    /// Keep services in the directory: a focal point those of the organisations their agency
    /// keeps (`Agency`), an administrator every one (`All`).
    ManageDirectory,
    /// Mark directory entries as checked (who and when), which clears the stale flag.
    VerifyDirectory,
    /// Import an HSDS dataset or a service spreadsheet, export the whole directory, and say
    /// which agency keeps an organisation.
    ImportDirectory,
    /// See the communities mapped.
    ViewCommunities,
    /// Record and edit communities.
    ManageCommunities,
    /// The coverage view (needs x areas, gaps), the mapping assessment report and list exports.
    ViewCoverage,
    /// See curricula, sessions, who is trained on which SOP, and the training figures.
    /// Supervisors see their own agency's staff only.
    ViewTraining,
    /// Run the training programme: curricula, modules, costs, sessions, attendance, tests,
    /// certificates.
    ManageTraining,
    /// Put staff forward for a session (an employer nominating its people). Supervisors
    /// nominate staff of their own agency only.
    NominateForTraining,
    /// Work the referrals sent to one's agency: answer, assign, record the service given, and
    /// say whether its services take referrals. Sees only what the referrer chose to share.
    ReceiveReferrals,
    /// Referral figures (sent, received, rates, delays), published with small-cell suppression.
    ViewReferralFigures,
    /// Keep the agreed referral pathways (which service first, which next, per need and area).
    ManagePathways,
    /// See the indicator catalogue, dashboards, donor reports and their exports, and the
    /// quality referential: aggregates only, every figure through small-cell suppression, so
    /// it reaches those who steer the work (M&E, quality, supervisors, administrators).
    ViewIndicators,
    /// Record a quality assessment: the quality officer of any member (`All`); a focal point or
    /// supervisor their own agency's self-assessment (`Agency`).
    AssessQuality,
    /// Validate a submitted assessment or return it: the quality officer (`All`), a supervisor
    /// their own agency's (`Agency`); never the person who submitted it (checked in the store).
    ValidateAssessment,
    /// The counter-trafficking task force's figures (small cells suppressed) and the
    /// k-anonymised CTDC export: aggregates of the trafficking cases, never a record.
    ViewTraffickingFigures,
    /// Record outreach activities, the people they reached and individual follow-ups, and
    /// import them from a spreadsheet. A community agent their own; a supervisor their team's;
    /// an M&E officer, who types in paper forms, everyone's.
    RecordOutreach,
    /// The outreach figures (counts, never names): agents their own, supervisors their
    /// agency's, quality and M&E officers everyone's.
    ViewOutreach,
    /// Create awareness campaigns and attach their materials.
    ManageCampaigns,
    /// Answer a person's rights: produce everything held about them (subject access), put or
    /// lift a legal hold on a case, erase or anonymise them. Across every scope, audited.
    ManagePersonalData,
}

impl Permission {
    pub const ALL: [Permission; 33] = [
        Permission::ViewAgencies,
        Permission::ManageAgencies,
        Permission::ViewUsers,
        Permission::ManageUsers,
        Permission::ViewAudit,
        Permission::ManageSecurityPolicy,
        Permission::IssueTokensForOthers,
        Permission::ViewSops,
        Permission::ManageSops,
        Permission::FillForms,
        Permission::ViewCases,
        Permission::ManageCases,
        Permission::ApproveCases,
        Permission::ManageDirectory,
        Permission::VerifyDirectory,
        Permission::ImportDirectory,
        Permission::ViewCommunities,
        Permission::ManageCommunities,
        Permission::ViewCoverage,
        Permission::ViewTraining,
        Permission::ManageTraining,
        Permission::NominateForTraining,
        Permission::ReceiveReferrals,
        Permission::ViewReferralFigures,
        Permission::ManagePathways,
        Permission::ViewIndicators,
        Permission::AssessQuality,
        Permission::ValidateAssessment,
        Permission::ViewTraffickingFigures,
        Permission::RecordOutreach,
        Permission::ViewOutreach,
        Permission::ManageCampaigns,
        Permission::ManagePersonalData,
    ];
}

use Permission as P;
use Role as R;
use Scope as S;

/// The permission table. A (role, permission) pair absent from it is refused.
pub const GRANTS: &[(Role, Permission, Scope)] = &[
    // Everyone who works in Passerelle needs to know which agencies and areas exist.
    (R::Caseworker, P::ViewAgencies, S::All),
    (R::Supervisor, P::ViewAgencies, S::All),
    (R::ServiceFocalPoint, P::ViewAgencies, S::All),
    (R::CommunityAgent, P::ViewAgencies, S::All),
    (R::Trainer, P::ViewAgencies, S::All),
    (R::QualityOfficer, P::ViewAgencies, S::All),
    (R::MeOfficer, P::ViewAgencies, S::All),
    (R::Administrator, P::ViewAgencies, S::All),
    // A supervisor sees the staff of their team; trainers see staff to enrol them.
    (R::Supervisor, P::ViewUsers, S::Team),
    (R::Trainer, P::ViewUsers, S::All),
    (R::Administrator, P::ViewUsers, S::All),
    (R::Administrator, P::ManageAgencies, S::All),
    (R::Administrator, P::ManageUsers, S::All),
    (R::Administrator, P::ViewAudit, S::All),
    (R::Administrator, P::ManageSecurityPolicy, S::All),
    (R::Administrator, P::IssueTokensForOthers, S::All),
    // Everyone who applies, supervises, trains on or assesses procedures reads them.
    (R::Caseworker, P::ViewSops, S::All),
    (R::Supervisor, P::ViewSops, S::All),
    (R::ServiceFocalPoint, P::ViewSops, S::All),
    (R::CommunityAgent, P::ViewSops, S::All),
    (R::Trainer, P::ViewSops, S::All),
    (R::QualityOfficer, P::ViewSops, S::All),
    (R::MeOfficer, P::ViewSops, S::All),
    (R::Administrator, P::ViewSops, S::All),
    (R::Administrator, P::ManageSops, S::All),
    // Front-line staff fill forms and read their own; a supervisor reads the team's.
    (R::Caseworker, P::FillForms, S::Own),
    (R::CommunityAgent, P::FillForms, S::Own),
    (R::Supervisor, P::FillForms, S::Team),
    // Cases: a caseworker works their own, a supervisor oversees and approves the team's.
    // Administrators run the system; they do not read case files.
    (R::Caseworker, P::ViewCases, S::Own),
    (R::Caseworker, P::ManageCases, S::Own),
    (R::Supervisor, P::ViewCases, S::Team),
    (R::Supervisor, P::ManageCases, S::Team),
    (R::Supervisor, P::ApproveCases, S::Team),
    // The directory: each agency's focal point keeps its own organisation's entries; the
    // administrator keeps, verifies, imports and exports them all.
    (R::ServiceFocalPoint, P::ManageDirectory, S::Agency),
    (R::Administrator, P::ManageDirectory, S::All),
    (R::Administrator, P::VerifyDirectory, S::All),
    (R::Administrator, P::ImportDirectory, S::All),
    // Communities are mapped by the people who work with them and read by those who plan.
    (R::Caseworker, P::ViewCommunities, S::All),
    (R::Supervisor, P::ViewCommunities, S::All),
    (R::CommunityAgent, P::ViewCommunities, S::All),
    (R::QualityOfficer, P::ViewCommunities, S::All),
    (R::MeOfficer, P::ViewCommunities, S::All),
    (R::Administrator, P::ViewCommunities, S::All),
    (R::CommunityAgent, P::ManageCommunities, S::All),
    (R::MeOfficer, P::ManageCommunities, S::All),
    (R::Administrator, P::ManageCommunities, S::All),
    // Gaps and the assessment report are for those who plan and assess.
    (R::Supervisor, P::ViewCoverage, S::All),
    (R::QualityOfficer, P::ViewCoverage, S::All),
    (R::MeOfficer, P::ViewCoverage, S::All),
    (R::Administrator, P::ViewCoverage, S::All),
    // Trainers run the programme; supervisors follow and nominate their agency's staff;
    // quality and M&E officers read the figures.
    (R::Trainer, P::ViewTraining, S::All),
    (R::Trainer, P::ManageTraining, S::All),
    (R::Trainer, P::NominateForTraining, S::All),
    (R::Administrator, P::ViewTraining, S::All),
    (R::Administrator, P::ManageTraining, S::All),
    (R::Administrator, P::NominateForTraining, S::All),
    (R::Supervisor, P::ViewTraining, S::Agency),
    (R::Supervisor, P::NominateForTraining, S::Agency),
    (R::QualityOfficer, P::ViewTraining, S::All),
    (R::MeOfficer, P::ViewTraining, S::All),
    // Referrals are sent from a case (ManageCases); the receiving agency's case staff and its
    // focal point answer them. Figures go to those who supervise and measure; pathways are
    // agreed between agencies and kept by the administrator.
    (R::Caseworker, P::ReceiveReferrals, S::Agency),
    (R::Supervisor, P::ReceiveReferrals, S::Agency),
    (R::ServiceFocalPoint, P::ReceiveReferrals, S::Agency),
    (R::Supervisor, P::ViewReferralFigures, S::All),
    (R::QualityOfficer, P::ViewReferralFigures, S::All),
    (R::MeOfficer, P::ViewReferralFigures, S::All),
    (R::Administrator, P::ViewReferralFigures, S::All),
    (R::Administrator, P::ManagePathways, S::All),
    // Indicators and quality (issue 11).
    (R::MeOfficer, P::ViewIndicators, S::All),
    (R::QualityOfficer, P::ViewIndicators, S::All),
    (R::Supervisor, P::ViewIndicators, S::All),
    (R::Administrator, P::ViewIndicators, S::All),
    (R::QualityOfficer, P::AssessQuality, S::All),
    (R::ServiceFocalPoint, P::AssessQuality, S::Agency),
    (R::Supervisor, P::AssessQuality, S::Agency),
    (R::QualityOfficer, P::ValidateAssessment, S::All),
    (R::Supervisor, P::ValidateAssessment, S::Agency),
    // Counter-trafficking figures: M&E and quality officers report on the phenomenon and
    // supervisors coordinate with the task force. Published tables are suppressed and the CTDC
    // rows k-anonymised, but both come from victims' case files, so administrators (who run
    // the system and do not read case files) and caseworkers (who need no statistics) are not
    // given them.
    (R::MeOfficer, P::ViewTraffickingFigures, S::All),
    (R::QualityOfficer, P::ViewTraffickingFigures, S::All),
    (R::Supervisor, P::ViewTraffickingFigures, S::All),
    // Outreach: agents record and read their own work; supervisors their team's records and
    // their agency's figures; M&E officers enter paper forms and read every figure; quality
    // officers read figures. Administrators run the system and are not given outreach records.
    (R::CommunityAgent, P::RecordOutreach, S::Own),
    (R::Supervisor, P::RecordOutreach, S::Team),
    (R::MeOfficer, P::RecordOutreach, S::All),
    (R::CommunityAgent, P::ViewOutreach, S::Own),
    (R::Supervisor, P::ViewOutreach, S::Agency),
    (R::QualityOfficer, P::ViewOutreach, S::All),
    (R::MeOfficer, P::ViewOutreach, S::All),
    (R::Supervisor, P::ManageCampaigns, S::Agency),
    (R::MeOfficer, P::ManageCampaigns, S::All),
    // A person's rights are answered by the administrator, whoever registered the person.
    (R::Administrator, P::ManagePersonalData, S::All),
];

/// The widest scope any of `roles` grants for `permission`, or `None` when it is refused.
pub fn scope_for(roles: &[Role], permission: Permission) -> Option<Scope> {
    GRANTS
        .iter()
        .filter(|(role, p, _)| *p == permission && roles.contains(role))
        .map(|(_, _, scope)| *scope)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.code().parse::<Role>().unwrap(), role);
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn refused_when_no_grant() {
        assert_eq!(scope_for(&[Role::Caseworker], Permission::ManageUsers), None);
        assert_eq!(scope_for(&[], Permission::ViewAgencies), None);
    }

    #[test]
    fn widest_scope_of_several_roles_wins() {
        assert_eq!(scope_for(&[Role::Supervisor], Permission::ViewUsers), Some(Scope::Team));
        assert_eq!(
            scope_for(&[Role::Supervisor, Role::Administrator], Permission::ViewUsers),
            Some(Scope::All)
        );
    }

    #[test]
    fn every_permission_is_granted_to_someone() {
        for p in Permission::ALL {
            assert!(GRANTS.iter().any(|(_, g, _)| *g == p), "{p:?} is granted to nobody");
        }
    }

    #[test]
    fn grants_have_no_duplicate_pairs() {
        for (i, (r, p, _)) in GRANTS.iter().enumerate() {
            assert!(
                !GRANTS[i + 1..].iter().any(|(r2, p2, _)| r2 == r && p2 == p),
                "({r:?}, {p:?}) appears twice"
            );
        }
    }
}
