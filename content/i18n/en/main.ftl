# Passerelle — English. One file per language; ids are the same in fr, en and es.
# Words follow the glossary (shared/GLOSSARY.md).

## Layout
skip-to-content = Skip to content
nav-label = Main menu
nav-dashboard = Dashboard
nav-users = Users
nav-agencies = Agencies
nav-areas = Areas
nav-audit = Audit log
nav-security-policy = Security policy
nav-account = My account
sign-in = Sign in
sign-out = Sign out
language = Language
language-browser = The browser's language
footer-api = API for developers

## Home and sign-in
home-title = Passerelle
home-intro = Passerelle helps social services protect people: it maps services, follows cases under agreed procedures and closes the loop on referrals between agencies.
home-staff-sign-in = Staff sign-in
login-title = Sign in
login-failed = The email or the password is wrong.
login-locked = This account is locked for 15 minutes after too many failed attempts. Try again later or ask an administrator to unlock it.
login-throttled = Too many failed sign-ins from your network. Wait 15 minutes and try again.
totp-login-title = Two-step verification
totp-code-hint = Enter the 6-digit code shown by your authenticator app.
totp-verify = Verify
totp-wrong = The code is wrong or has expired.

## Dashboard
dashboard-greeting = Welcome, { $name }
dashboard-roles = Your roles:
dashboard-agency = Agency: { $agency }

## Account
account-second-factor = Two-step verification
account-password-title = Change my password
account-password-forced = Choose a new password before you continue.
account-password-submit = Change the password
account-security-title = Two-step verification
account-tokens-title = API tokens
password-hint = At least 12 characters. A sentence of several words is easy to remember and hard to guess.
totp-required-notice = Your role requires two-step verification. Set it up to continue.
totp-enabled = Two-step verification is on for your account.
totp-disable = Turn off two-step verification
totp-enable = Turn on two-step verification
totp-setup-title = Set up two-step verification
totp-setup-step1 = Open an authenticator app on your phone and scan this code, or type the key below.
totp-setup-step2 = Enter the 6-digit code the app shows to confirm.
totp-secret-label = Key:
tokens-intro = A personal API token lets a script or another system use Passerelle in your name, with your permissions. Keep it secret; revoke it when it is no longer needed.
tokens-shown-once = Copy this token now: it will not be shown again.
tokens-create = Create a token
tokens-none = You have no API tokens.
tokens-caption = Your API tokens
tokens-prefix = Starts with
tokens-created = Created
tokens-last-used = Last used
tokens-status = Status
tokens-revoke = Revoke
tokens-revoked = Revoked

## Statuses and actions
status-on = On
status-off = Off
status-yes = Yes
status-no = No
action-create = Create
action-save = Save
action-filter = Filter
filter-all = All
pager-next = Next page
pager-previous = Previous page
pager-first = First page
pager-label = Pages
pager-older = Older entries

## Fields
field-email = Email
field-password = Password
field-current-password = Current password
field-new-password = New password
field-confirm-password = New password again
field-temporary-password = Temporary password
field-display-name = Name
field-name = Name
field-kind = Kind
field-sector = Sector
field-area-id = Area
field-parent-id = Part of
field-agency-id = Agency
field-team-id = Team
field-team-name = Team name
field-roles = Roles
field-role = Role
field-language = Language
field-lang = Language
field-code = Code
field-level = Level
field-active = Active
field-token-name = Token name
field-totp-code = Code
field-action = Action
field-totp-required = Roles that must use two-step verification

## Roles
role-caseworker = Caseworker
role-supervisor = Supervisor
role-service-focal-point = Service focal point
role-community-agent = Community agent
role-trainer = Trainer
role-quality-officer = Quality officer
role-me-officer = M&E officer
role-administrator = Administrator

## Agencies, teams, areas
agency-kind-ministry = Ministry or government department
agency-kind-child-protection-unit = Child protection unit
agency-kind-police = Police
agency-kind-health = Health service
agency-kind-ngo = Non-governmental organisation
agency-kind-employment-agency = Public employment agency
agency-kind-international-organisation = International organisation
agency-kind-other = Other
sector-public = Public
sector-civil-society = Civil society
sector-private = Private
sector-international = International
agencies-count = { $count ->
    [one] One agency
   *[other] { $count } agencies
}
agencies-new = New agency
teams-title = Teams
teams-none = This agency has no teams yet.
teams-add = Add the team
areas-count = { $count ->
    [one] One area
   *[other] { $count } areas
}
areas-new = New area
areas-level-hint = 0 for the country, 1 for its first divisions (regions, parishes), 2 for the next, and so on.

## Users
users-new = New user
users-filter = Filter users
users-search = Name or email
users-include-inactive = Include deactivated accounts
users-caption = Staff accounts
users-status = Status
users-active = Active
users-inactive = Deactivated
users-locked = Locked
users-none = No account matches.
users-temporary-password-hint = At least 12 characters. Give it to the person by a safe channel; they must change it when they first sign in.
users-account-actions = Account
users-last-sign-in = Last sign-in
users-deactivate = Deactivate the account
users-reactivate = Reactivate the account
users-unlock = Unlock the account
users-reset-hint = The person's sessions end and they must choose a new password at their next sign-in.
users-reset-password = Reset the password
users-audit-link = This account's history in the audit log
user-done-saved = Changes saved.
user-done-deactivated = The account is deactivated. Its history is kept.
user-done-reactivated = The account is active again.
user-done-password-reset = The password is reset.
user-done-unlocked = The account is unlocked.

## Audit log
audit-verify = Check the whole chain now
audit-verified = { $count ->
    [one] The audit chain is intact (one entry checked).
   *[other] The audit chain is intact ({ $count } entries checked).
}
audit-broken-altered = The audit chain is broken: entry { $seq } was altered.
audit-broken-gap = The audit chain is broken: entries are missing before entry { $seq }.
audit-broken-unlinked = The audit chain is broken at entry { $seq }: an entry before it was removed or changed.
audit-filter = Filter the audit log
audit-caption = Entries, newest first
audit-at = When (UTC)
audit-actor = Who
audit-actor-id = Who (user id)
audit-action = Action
audit-entity = Record
audit-entity-type = Kind of record
audit-entity-id = Record id
audit-detail = Detail
audit-from = From
audit-until = Until
audit-none = No entry matches.

## Security policy
policy-totp-legend = Two-step verification is mandatory for
policy-totp-hint = People with these roles must set up two-step verification before they can use Passerelle.

## API
api-title = Passerelle API
api-intro = Scripts and other systems use Passerelle through this JSON API, with a personal API token sent as "Authorization: Bearer …". Each token has its owner's permissions.
api-openapi-link = The OpenAPI document (JSON)
api-operations = Operations
api-method = Method
api-path = Path
api-summary = What it does
api-parameters = Parameters
api-body = Body
api-responses = Answers

## Errors
error-status = Error { $status }
error-home = Back to the home page
error-summary-title = Please correct the following
error-bad-request = The request could not be understood.
error-unauthorized = Please sign in.
error-forbidden = You do not have permission to do this.
error-not-found = This page does not exist, or you may not see it.
error-method = This action is not possible here.
error-timeout = The server took too long to answer. Try again.
error-stale = Someone else changed this record since you opened it. Your change was not saved: open it again, check what changed, then redo your change.
error-conflict = This value is already used.
error-too-large = What you sent is too large.
error-media-type = This kind of content is not accepted here.
error-invalid = Some information is missing or wrong.
error-too-many = Too many requests. Wait a little and try again.
error-unavailable = The service is unavailable for a moment. Try again shortly.
error-computing = The figures are being computed from the records
error-retry-after = The computation goes on meanwhile: try again in { $seconds } seconds.
error-load-again = Load the page again
error-internal = Something went wrong on the server. The team has been told; try again later.
error-csrf = This form has expired or did not come from Passerelle. Go back, reload the page and try again.
error-json = The JSON sent is not valid.
error-field-required = { $field }: this is required.
error-field-too-long = { $field }: this is too long.
error-field-control-chars = { $field }: this contains characters that cannot be stored.
error-field-email = { $field }: this is not a valid email address.
error-field-password-short = { $field }: use at least 12 characters.
error-field-unknown-choice = { $field }: this choice does not exist.
error-field-team-not-in-agency = { $field }: this team belongs to another agency.
error-field-taken = { $field }: this is already used.
error-field-out-of-range = { $field }: this value is out of range.
error-field-not-a-number = { $field }: enter a number.
error-field-mismatch = { $field }: the two passwords differ.
error-field-same-as-current = { $field }: choose a password different from the current one.
error-field-wrong-password = { $field }: the password is wrong.
error-field-totp-wrong = { $field }: the code is wrong or has expired.
error-field-keep-own-admin = { $field }: you cannot remove your own administrator access or deactivate yourself.

## Standard Operating Procedures
nav-sops = Procedures (SOPs)
sops-intro = The Standard Operating Procedures your organisation follows. Each case records the version it runs under; publishing a new version never changes a running case.
sops-publish = Publish a new version
sops-caption = Procedures in force
sops-title = Procedure
sops-area = Service area
sops-version = Version
sops-steps = Steps
sops-published = Published
sops-handbook-version = Version { $version }
sops-not-latest = this is not the version in force.
sops-see-version = See version { $version }
sops-contents = Contents
sops-versions = Published versions
sops-publish-intro = Paste the SOP file (TOML, as described in the SOP format guide). Passerelle checks it and shows what would change before anything is published.
sops-problems = { $count ->
    [one] One problem to fix
   *[other] { $count } problems to fix
}
sops-line = Line { $line }
sops-preview-of = Publishing version { $version } of
sops-new-sop = This is a new procedure: it has no earlier version.
sops-publish-confirm = Publish this version
sops-source = SOP file
sops-source-hint = Every problem is listed with its line and field.
sops-check = Check and preview
sops-not-newer = The version number must be higher than the version in force ({ $latest }).
sops-nothing-changed = This text is the same as version { $latest }: there is nothing to publish.
sop-area-child-protection = Child protection and care
sop-area-youth-at-risk = Youth at risk
sop-area-social-welfare = Social welfare and assistance
sop-area-gbv = Survivors of abuse and gender-based violence
sop-area-older-persons-care = Older persons' care
sop-area-counter-trafficking = Victims of trafficking
sop-area-homelessness = Homelessness and housing
sop-area-employment-integration = Employment integration of migrants and refugees
sop-change-title-changed = Title changed
sop-change-summary-changed = Summary changed
sop-change-service-area-changed = Service area changed
sop-change-role-added = Role added
sop-change-role-removed = Role removed
sop-change-step-added = Step added
sop-change-step-removed = Step removed
sop-change-step-moved = Step moved
sop-change-step-text-changed = Step wording changed
sop-change-step-phase-changed = Step phase changed
sop-change-step-role-changed = Role responsible for a step changed
sop-change-deadline-anchor-changed = What a deadline counts from changed
sop-change-deadline-changed = Deadline changed
sop-change-form-added = Form required
sop-change-form-removed = Form no longer required
sop-change-approval-added = Approval required
sop-change-approval-removed = Approval no longer required
sop-change-referral-added = Mandatory referral added
sop-change-referral-removed = Mandatory referral removed
sop-change-referral-changed = Mandatory referral changed
sop-change-consent-changed = Consent before sharing changed
sop-error-syntax = The file is not valid TOML here.
sop-error-missing-field = This required field is missing.
sop-error-wrong-type = This value has the wrong type.
sop-error-unknown-field = This field is not part of the SOP format (check the spelling).
sop-error-empty-text = This text is empty.
sop-error-invalid-id = This identifier may only hold lower-case letters, digits and underscores.
sop-error-reserved-step-id = This step identifier is reserved.
sop-error-invalid-version = The version must be a whole number of at least 1.
sop-error-unknown-role = This role does not exist.
sop-error-role-not-declared = This role is not listed among the SOP's roles.
sop-error-unknown-form = This form does not exist.
sop-error-unknown-service-area = This service area does not exist.
sop-error-unknown-referral-target = This referral target is neither a need nor a known mechanism.
sop-error-unknown-phase = This phase does not exist.
sop-error-unknown-risk-level = This risk level does not exist (low, medium, high, critical).
sop-error-unknown-flag = This case condition does not exist.
sop-error-unknown-step = No step has this identifier.
sop-error-duplicate-step = Two steps have this identifier.
sop-error-duplicate-entry = This value is listed twice.
sop-error-negative-deadline = A deadline cannot be negative.
sop-error-invalid-deadline = This deadline is not valid (write it like 24h or 3d).
sop-error-no-previous-step = The first step has no previous step to count from.
sop-error-deadline-cycle = These deadlines count from each other in a circle.
sop-error-no-steps = The SOP has no steps.
sop-error-no-closure-step = The SOP has no closure step.
sop-error-missing-closure-criteria = The closure step has no closure criteria.
sop-error-duplicate-sop = Another file has the same SOP and version.

## Forms
nav-forms = Forms
forms-intro = The forms the procedures use, written in XLSForm, as Passerelle reads them: every question, its choices and its rules.
forms-caption = Forms in use
forms-title = Form
forms-id = Identifier
forms-questions = Questions
forms-question = Question
forms-name-type = Name and type
forms-choices = Choices
forms-rules = Rules
forms-required = Required when
forms-relevant = Asked when
forms-constraint = Accepted when
forms-calculation = Calculated as

## Filling in forms
form-fill-start = Fill in this form
form-fill-about = About this form
form-fill-other = Other
form-fill-required = required
form-fill-remove = Remove this entry
form-fill-add = Add: { $label }
form-fill-update = Show the questions that apply
form-fill-save = Save the answers
form-fill-new-questions = Your answers bring up more questions. They are now shown: please check them, then save.
form-fill-malformed = The page sent answers that could not be read. Open the form again.
form-answer-required = This answer is needed.
form-answer-constraint = This answer is not accepted.
form-answer-not-integer = Enter a whole number, such as 12.
form-answer-not-decimal = Enter a number, such as 12.5.
form-answer-not-date = Enter a date, such as 2026-03-31.
form-answer-not-datetime = Enter a date and a time.
form-answer-not-time = Enter a time, such as 14:30.
form-answer-unknown-choice = Choose one of the options shown.
form-answer-not-acknowledged = Tick the box to confirm.
form-answer-not-a-value = This answer is not a value.
form-answer-not-a-list = This section was sent in an unreadable way.
form-answer-not-an-object = The answers were sent in an unreadable way.
form-answer-unknown-field = This question is not part of the form.
form-answer-repeat-count = The number of entries is not the one the form expects.
form-answer-expression-error = A rule of the form could not be worked out for this answer; tell the form's author.
form-responses-title = Responses
form-responses-none = No response yet that you may see.
form-responses-count = { $count ->
    [one] One response
   *[other] { $count } responses
}
form-responses-when = Submitted
form-responses-who = By
form-responses-version = Form version
form-response-saved = The answers are saved.
form-response-empty = No question was answered.
form-response-answers = Answers

## Publishing forms
form-publish = Publish a form version
form-publish-intro = Upload the form as an XLSForm workbook (.xlsx, with survey, choices and settings sheets). Passerelle checks it and shows what changes before anything is published. The settings sheet must give a form_id and a new version: a published version never changes, and answers keep the version they were entered with.
form-upload-label = XLSForm workbook (.xlsx)
form-upload-hint = The file as saved from your spreadsheet; 1 MB at most.
form-upload-check = Check the form
form-upload-missing = Choose a file to upload.
form-upload-not-xlsx = “{ $name }” is not an .xlsx workbook.
form-problems = { $count ->
    [one] One problem to fix in the workbook
   *[other] { $count } problems to fix in the workbook
}
form-preview-questions = { $count ->
    [one] One question
   *[other] { $count } questions
}
form-preview-new = This form is new: no version of it is in use yet.
form-preview-changes = Changes from the version in use
form-preview-no-question-change = No question changes (only the version and settings).
form-preview-warnings = Passed over
form-publish-confirm = Publish this version
form-published = This version is published. Forms started from now on use it; answers already stored keep their version.
form-refused-no-version = The settings sheet has no version: answers could not say which version they follow. Add a version column.
form-refused-version-taken = Version { $version } of this form is already published. Give the new one another version.
form-change-added = new question
form-change-removed = question removed
form-change-changed = changed: { $aspects }
form-aspect-type = type
form-aspect-label = label
form-aspect-hint = hint
form-aspect-required = required
form-aspect-relevant = when it is asked
form-aspect-constraint = accepted answers
form-aspect-calculation = calculation
form-aspect-choices = choices
form-aspect-default = default answer
form-aspect-group = section
form-error-unreadable = The file cannot be read.
form-error-cell-error = A cell holds a spreadsheet error.
form-error-missing-sheet = A sheet is missing.
form-error-missing-column = A required column is missing.
form-error-unknown-column = This column is not part of XLSForm.
form-error-unsupported-column = Passerelle does not support this column.
form-error-misplaced-column = This column has no meaning on this row.
form-error-missing-type = The row has no type.
form-error-unknown-type = This type is not part of XLSForm.
form-error-unsupported-type = Passerelle does not support this type.
form-error-missing-name = The row has no name.
form-error-bad-name = This name is not valid.
form-error-duplicate-name = This name is used twice.
form-error-unmatched-end = This end has no matching begin.
form-error-unclosed-begin = This group or repeat is never closed.
form-error-select-without-list = A select needs a choice list.
form-error-unknown-choice-list = The choice list is not on the choices sheet.
form-error-empty-choice-list = The choice list has no choices.
form-error-duplicate-choice = A choice appears twice in its list.
form-error-bad-choice-name = A choice name must not contain spaces.
form-error-missing-list-name = The choice has no list name.
form-error-missing-label = The row has no label.
form-error-bad-boolean = Write yes or no.
form-error-bad-expression = The expression cannot be read.
form-error-unknown-reference = The expression names a question that does not exist.
form-error-bare-name = Write a reference to a question as ${"{"}name{"}"}.
form-error-unknown-choice-column = The choice list has no such column.
form-error-position-outside-repeat = position(..) only works inside a repeat.
form-error-missing-calculation = A calculate row needs a calculation.
form-error-bad-default = The default answer is not valid for this type.
form-error-missing-form-id = The settings sheet has no form_id.
form-error-unknown-setting = This setting is not part of XLSForm.
form-error-extra-settings-row = The settings sheet has more than one row of values.
form-error-unknown-language = The default language is not one of the form's languages.

## People and cases
nav-people = People
nav-cases = Cases
restricted = restricted
people-search-label = Find a person
people-search-hint = A name (spelling mistakes, accents and name order do not matter), a phone number or an identity number.
people-search = Search
people-register = Register a person
people-register-anyway = None of these: register a new person
people-none = Nobody found among the people you may see.
people-recent = Recently registered
people-results-for = People matching “{ $q }”
people-duplicates-title = This person may already be registered
people-duplicates-intro = Check these records before registering: open one if it is the same person. If none is, register a new person below.
people-duplicate-likely = very likely the same
person-name = Name
person-given-names = Given names
person-names-hint = As the person says or writes them, in any script.
person-family-names = Family names
person-other-names = Other names and aliases
person-other-names-hint = One per line: nicknames, former names, other spellings.
person-sex = Sex
sex-female = Female
sex-male = Male
sex-other = Other
person-birth-date = Date of birth
person-age-estimate = Estimated age (years)
person-age-estimate-hint = Only when the date of birth is not known.
person-born-about = born about { $year }
person-birth-unknown = unknown
person-nationality = Nationality
person-migration-status = Migration status
person-migration-status-hint = What the person says; do not ask for proof.
migration-status-national = National
migration-status-regular-migrant = Migrant with a regular status
migration-status-irregular-migrant = Migrant without a regular status
migration-status-asylum-seeker = Asylum seeker
migration-status-refugee = Refugee
migration-status-stateless = Stateless
migration-status-unknown = Not known
person-languages = Languages
person-phone = Safe phone number
person-phone-hint = Only a number on which calling the person puts nobody at risk.
person-area = Area
person-community = Community
person-external-id = Identity or file number
person-external-id-hint = The number the person had in another system (UNHCR, national id, former file), to find them again.
person-restricted = Restricted record
person-restricted-hint = Only you, your supervisor and people you name will see this person (survivors of violence, for instance).
person-registered = Registered
person-details = Details
person-cases = Cases
person-no-case = No case yet.
case-open = Open a case
case-sop = Procedure
case-risk = Risk level
case-restricted = Restricted case
case-restricted-hint = Only the caseworker, their supervisor and named users see a restricted case; every view is logged.
case-status = Status
case-status-open = Open
case-status-closed = Closed
cases-all = All
cases-mine = Only my cases
cases-overdue-only = Only cases with overdue steps
cases-filter = Filter
cases-counts = Counts
cases-counted-at = Counted on { $time }.
cases-counted-again-after = { $count ->
    [one] They are counted again after one minute.
   *[other] They are counted again after { $count } minutes.
}
cases-by-sop = By procedure
cases-by-risk = By risk level
cases-by-status = By status
cases-none = No case matches.
cases-count = { $count ->
    [one] One case
   *[other] { $count } cases
}
cases-count-page = { $count ->
    [one] One case on this page
   *[other] { $count } cases on this page
}
case-reference = Case
case-assigned = Caseworker
case-next-step = Next step and deadline
case-overdue = Overdue steps
case-title = Case { $reference }
case-summary = Summary of the case
case-opened = Opened
case-overdue-count = { $count ->
    [one] One step is overdue.
   *[other] { $count } steps are overdue.
}
case-referrals = Referrals the procedure requires
case-referral-consent = with the person's consent
case-steps = Steps
case-due = due { $due }
case-completed = done { $when }
case-step-done = done
case-step-done-late = done late
case-step-waiting = waiting for the previous step
case-step-open = to do
case-step-overdue = overdue
case-form-done = completed
case-form-read = Read
case-form-missing = not filled in
case-approval-needed = A supervisor must approve this step.
case-approval-request = Ask for approval
case-approval-request-again = Ask for approval again
case-approval-waiting = Approval asked by { $who }, waiting for the supervisor.
case-approval-approved = Approved
case-approval-rejected = Sent back
case-approval-comment = Comment (required to send back)
case-approve = Approve
case-reject = Send back
case-step-complete = Mark this step as done
case-block-closed = The case is closed.
case-block-unknown-step = This step is not in the procedure.
case-block-done = This step is done.
case-block-forms = Still to fill in: { $forms }.
case-block-approval = Waiting for the supervisor's approval.
case-close = Close the case
case-closure-reason = Reason for closing
case-reopen = Reopen the case
case-notes = Case notes
case-note-new = New note
case-note-add = Add the note
case-notes-none = No note yet.
case-notes-all = All notes, page by page
case-notes-title = Notes of case { $reference }
case-back = Back to the case
case-not-readable = This case reference cannot be read.
case-form-not-asked = This form is not one the case's step asks for, or the case is closed.
case-step-blocked = This step cannot be done yet: its forms or its approval are missing.
case-approval-not-needed = This step needs no approval, or one is already asked or granted.
case-decision-unknown = Choose to approve or to send back.
matching-reason-name-agrees = name agrees
matching-reason-name-differs = name differs
matching-reason-name-missing = name on one record only
matching-reason-names-transposed = given and family names swapped
matching-reason-alias-used = matched through another name
matching-reason-birth-date-same = same date of birth
matching-reason-birth-date-close = close date of birth (typing slip)
matching-reason-birth-year-close = close year of birth
matching-reason-birth-date-differs = different date of birth
matching-reason-birth-date-unknown = date of birth missing on one record
matching-reason-sex-same = same sex
matching-reason-sex-differs = different sex
matching-reason-nationality-same = same nationality
matching-reason-nationality-differs = different nationality
matching-reason-phone-same = same phone number
matching-reason-phone-differs = different phone number
matching-reason-external-id-same = same identity number
matching-reason-external-id-differs = different identity number

case-consents = Consent
case-consents-none = No consent recorded yet.
consent-giver-person = The person themself
consent-giver-parent-or-guardian = A parent or the legal guardian
consent-giver-appointed-guardian = An appointed guardian or representative
consent-scope-registration = being registered
consent-scope-referral = referrals to other services
consent-scope-share-with-agencies = sharing information with partner agencies
consent-scope-share-with-authorities = sharing information with the authorities
consent-scope-photos = photos
consent-scope-follow-up-contact = being contacted for follow-up
case-consent-withdrawn = withdrawn { $when }
case-consent-withdraw = Record a withdrawal
case-consent-given-by = Who gives consent
case-consent-scope = To what
case-consent-notes = Notes (how it was explained, limits)
case-consent-record = Record the consent
case-attachments = Files
case-attachments-none = No file attached.
case-attachment-file = Add a file
case-attachment-hint = PDF, photo (JPEG, PNG), Word, Excel, OpenDocument or plain text; 10 MB at most.
case-attachment-add = Attach the file
case-move = Assignment and transfer
case-transfer-line = Transfer to { $agency }
case-transfer-status-pending = waiting for an answer
case-transfer-status-accepted = accepted
case-transfer-status-declined = declined
case-reassign-to = Give the case to
case-reassign = Reassign
case-transfer-to = Transfer to another agency
case-transfer-reason = Why
case-transfer = Ask for the transfer
case-transfer-refused = The transfer cannot be asked: one is already waiting, or the case is closed.
cases-incoming = Transfers waiting for your team
cases-incoming-assignee = Caseworker
cases-incoming-accept = Accept
cases-incoming-why = Reason to decline
cases-incoming-decline = Decline
attachment-empty = The file is empty.
attachment-kind = This kind of file is not accepted. Accepted: PDF, JPEG, PNG, Word, Excel, OpenDocument text, plain text.
attachment-no-storage = Files cannot be stored on this server: ask the administrator to set a data directory.
people-duplicates-check = Look for duplicates
people-duplicates-none = No possible duplicate among the people you may see.
people-duplicates-merge-intro = If one of these is the same person, merge it into this record: its cases move here, the other record is kept as merged, and the merge can be undone.
people-merge = Same person: merge into this record
people-distinct = Not the same person
person-merged-into = This record was merged into another.
person-merged-open = Open the person's record
person-merges = Merges
person-merge-line = { $name } merged into this record
person-merge-undone = undone { $when }
person-merge-undo = Undo the merge
person-address = Address
person-address-hint = Where the person can be found safely: street, camp block, landmark.
cases-unassessed = High-risk cases not yet assessed
## Training and capacity building
nav-training = Training
training-curricula = Curricula
training-curriculum = Curriculum
training-no-curricula = No curriculum yet.
training-new-curriculum = New curriculum
training-version = version { $version }
training-completion-rule = { $count ->
    [0] Complete with every mandatory module.
    [one] Complete with every mandatory module and one optional module.
   *[other] Complete with every mandatory module and { $count } optional modules.
}
training-modules-count = { $count ->
    [one] One module
   *[other] { $count } modules
}
training-module = Module
training-modules = Modules
training-mandatory = Mandatory
training-optional = Optional
training-linked-sops = Procedures (SOPs)
training-objectives = Objectives
training-outline = Content outline
training-new-module = New module
training-sessions = Sessions
training-no-sessions = No session planned.
training-new-session = New session
training-dates = Dates
training-days = Days
training-seats = Seats
training-seats-count = { $seated } of { $max } seats taken, { $waiting } waiting
training-minimum = minimum { $min }
training-viability = Will it run?
training-viable = Enough participants
training-under-minimum = { $missing ->
    [one] One participant short
   *[other] { $missing } participants short
} of the minimum; { $days ->
    [0] the go/no-go decision is today.
    [one] the go/no-go decision is tomorrow.
   *[other] the go/no-go decision is in { $days } days.
}
training-decision-overdue = { $missing ->
    [one] One participant short
   *[other] { $missing } participants short
} of the minimum, and the go/no-go date has passed: decide now.
training-status-planned = Planned
training-status-confirmed = Confirmed
training-status-held = Held
training-status-cancelled = Cancelled
training-mode-in-person = In person
training-mode-remote = Remote
training-mode-blended = Blended
training-cost-scenarios = Costs side by side
training-scenario-a = First number of participants
training-scenario-b = Second number of participants
training-compare = Compare
training-total-for = { $count ->
    [one] Total for one participant
   *[other] Total for { $count }
}
training-per-participant-for = { $count ->
    [one] Per participant (one)
   *[other] Per participant ({ $count })
}
training-whole-curriculum = Whole curriculum
training-payer-default = Costs that name no payer are counted as the employer's.
training-payer-employer = Paid by the employer
training-payer-ministry = Paid by the ministry
training-payer-donor = Paid by the donor
training-cost-lines = Cost lines
training-no-costs = No cost line yet.
training-add-cost = Add the cost line
training-cost-kind-fixed = Fixed (once per session)
training-cost-kind-per-participant = Per participant
training-participants = Participants
training-no-participants = Nobody is enrolled yet.
training-seat = Seat
training-seated = Has a seat
training-waiting = Waiting list, number { $position }
training-nominated = Nominated by a member agency
training-withdraw = Withdraw
training-withdraw-who = Withdraw { $name }
training-nominate = Put a staff member forward
training-enrol = Enrol
training-enrol-external = Enrol an external professional
training-sex-hint = Asked of external professionals only, for the figures; staff accounts record no sex.
training-sex-female = Female
training-sex-male = Male
training-sex-other = Other
training-sex-not-stated = Prefers not to say
training-sex-not-recorded = Not recorded (staff)
training-attendance = Attendance
training-attendance-caption = Present on each day (days to come cannot be ticked)
training-record-attendance = Save the attendance
training-tests = Tests and evaluation
training-test-pre = Pre-test
training-test-post = Post-test
training-test-evaluation = Evaluation
training-enter = Enter
training-record-test = for { $name }
training-average-gain = Average score gain: { $gain } points
training-tested = { $count ->
    [one] one participant took both tests
   *[other] { $count } participants took both tests
}
training-no-gain = No participant has taken both tests yet.
training-certificates = Certificates
training-progress = Progress through the curriculum
training-no-progress = Nobody has completed a module of this curriculum yet.
training-modules-done = Modules completed
training-complete = Curriculum completed
training-certificate = Certificate
training-certified = Certificate issued
training-issue-for = Issue the certificate of { $name }
training-certificates-issued = Certificates issued
training-holder = Holder
training-code = Verification code
training-issued = Issued
training-revoked-on = Revoked on { $date }
training-revoke-for = Revoke the certificate of { $name }
training-print-hint = Print this page, or save it as a PDF from the print dialogue.
training-certifies-that = This certifies that
training-has-completed = has completed the training
training-issued-on = Issued on { $date }
training-verification-code = Verification code
training-qr-label = QR code of the verification address
training-sops-title = Who is trained on which procedure
training-sops-intro = For each procedure (SOP): the staff trained on it, and the agencies whose staff apply it without all being trained. Staff apply a procedure when one of their roles is among its roles.
training-own-agency-only = Only your agency's staff are shown.
training-gaps-title = Staff applying this procedure without training on it
training-gap = { $untrained } of { $staff } not trained
training-nobody-trained = Nobody is trained on this procedure yet.
training-trained-on = Trained on: { $sop }
training-trained-date = Trained on
training-figures-title = Training figures
training-figures-trained = People trained
training-figures-gain = Average score gain (points)
training-figures-people = People
training-figures-by-agency = People trained by agency
training-figures-by-role = People trained by role
training-figures-by-sex = People trained by sex
training-figures-by-module = People trained by module
training-figures-costs = Cost per trained person
training-figures-spent = Spent on held sessions
training-figures-per-trained = Per trained person
training-figures-download = Download the figures (XLSX)
training-figures-note = A person is trained on a module when they held a seat in a held session of it and were present every day. Costs are those of held sessions for the participants who held a seat.
certificate-verify-title = Check a training certificate
certificate-verify-intro = Type the verification code printed on the certificate. You will see only that certificate: its holder, the training and the date.
certificate-code-hint = 10 characters, for example 7KQ2M-X4D9P. Letters in any case; the hyphen is optional.
certificate-verify-action = Check
certificate-valid = This certificate is valid.
certificate-unknown = This code is not valid: no certificate has it.
certificate-revoked = This certificate was revoked on { $date }. It is no longer valid.
certificate-empty-key = The certificate key is missing.
certificate-wrong-length = A verification code has 10 characters: check that none is missing or extra.
certificate-bad-character = This code holds a character that is never used in codes: check it.
certificate-bad-check = This code has a typing mistake: check each character.
certificate-mismatch = This code does not belong to this certificate.
training-cost-unknown-currency = The curriculum's currency is unknown.
training-cost-currency-mismatch = Amounts in different currencies cannot be added.
training-cost-zero-participants = A cost needs at least one participant.
training-cost-negative-amount = A cost line is negative.
training-cost-overflow = The amounts are too large.
training-cost-no-modules = No module of this curriculum has costs yet.
training-cost-no-cost-lines = This module has no cost lines.
training-cost-no-shares = The shares add up to zero.
training-cost-duplicate-payer = A payer is listed twice.
training-cost-no-payer = A cost line has no payer.
field-version = Version
field-title-fr = Title in French
field-title-en = Title in English
field-title-es = Title in Spanish
field-objectives-fr = Objectives in French
field-objectives-en = Objectives in English
field-objectives-es = Objectives in Spanish
field-outline-fr = Content outline in French
field-outline-en = Content outline in English
field-outline-es = Content outline in Spanish
field-currency = Currency (ISO code, e.g. EUR, XCD, MAD)
field-optional-required = Optional modules needed to complete
field-duration-hours = Duration (hours)
field-mode = Mode
field-prerequisites = Prerequisites
field-audience = Target audience
field-trainers = Trainers
field-sop-ids = Procedures (SOPs) it trains on
field-need-codes = Needs it concerns
field-label = Label
field-amount = Amount
field-amount-in = Amount in { $currency }
field-payer = Payer
field-place = Place
field-trainer = Trainer
field-min-participants = Minimum participants
field-max-participants = Maximum participants
field-go-no-go = Go/no-go date (YYYY-MM-DD)
field-days = Days (YYYY-MM-DD, one per line)
field-staff = Staff member
field-user-id = Staff member
field-organisation = Organisation
field-job-role = Role or job title
field-sex = Sex
field-reason = Reason
field-session = Session
field-participant = Participant
field-participant-id = Participant
field-attendance = Attendance
field-curriculum = Curriculum
field-a = First number of participants
field-b = Second number of participants
error-field-bad-code = { $field }: use letters, digits, - and _ only.
error-field-unknown-currency = { $field }: this is not a currency code Passerelle knows (e.g. EUR, USD, XCD, MAD).
error-field-bad-amount = { $field }: write a positive amount with at most the currency's decimals, e.g. 1250.50.
error-field-not-a-date = { $field }: write a date as YYYY-MM-DD.
error-field-too-many = { $field }: too many.
error-field-below-minimum = { $field }: the maximum is below the minimum.
error-field-after-first-day = { $field }: the go/no-go date must come before the first day.
error-field-session-cancelled = { $field }: the session is cancelled.
error-field-not-started = { $field }: a session is held only once its first day has come.
error-field-session-closed = { $field }: this session is held or cancelled; enrolment is closed.
error-field-not-seated = { $field }: only participants with a seat can be marked present.
error-field-unknown-day = { $field }: this day is not one of the session's.
error-field-future-day = { $field }: nobody can be present on a day still to come.
error-field-not-completed = { $field }: has not completed the curriculum yet.
error-field-training-curriculum-not-enough-optional = { $field }: the curriculum asks for more optional modules than it has.
error-field-training-curriculum-mandatory-and-optional = { $field }: a module is both mandatory and optional.
training-remove-cost = Remove
training-remove-cost-line = Remove “{ $label }”
case-members = Also sees this case
case-members-hint = Besides the caseworker and the team supervisor, only the people named here see this case (a restricted case is hidden from everyone else). Each view is written to the audit log.
case-members-none = No one else.
case-members-remove = Remove
case-members-add-who = Name a colleague
case-members-add = Give access
case-provided = Services provided
case-provided-none = None recorded yet.
case-provided-by-referral = through a referral
case-provided-service = Service (from the directory)
case-provided-on = Day it was provided
case-provided-notes = What was provided
case-provided-add = Record the service
services-find = Find another service by name
services-find-go = Find
services-near-hint = The lists offer your agency's services and those this case was referred to or its plan names; find any other service of the directory by its name.
field-provided-on = Day it was provided
