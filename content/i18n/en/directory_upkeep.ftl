# Directory upkeep: the needs taxonomy administrators extend, archiving and deleting entries.
needs-admin-title = Needs taxonomy
needs-admin-intro = The needs shipped with Passerelle, and those added here. A need is never deleted: retire it and it is no longer offered in lists and forms, but the services, referrals and records that carry it keep it and show its name.
needs-admin-add = Add a need
needs-admin-code-hint = Lower-case letters, digits and _ , starting with a letter (for example shelter_winter_plan). It never changes once added.
needs-admin-parent = Broader need
needs-admin-no-parent = None (a broad need)
needs-admin-terms = All needs
needs-admin-count = { $count ->
    [one] One need
   *[other] { $count } needs
}
needs-admin-term = Need
needs-admin-state = Origin and state
needs-admin-actions = Actions
needs-admin-added = added here
needs-admin-shipped = shipped
needs-admin-retired = retired
needs-admin-under-retired = not offered (under a retired need)
needs-admin-retire = Retire
needs-admin-offer = Offer again
needs-admin-retire-label = Retire { $term }
needs-admin-offer-label = Offer { $term } again
field-parent = Broader need
field-label-fr = Label in French
field-label-en = Label in English
field-label-es = Label in Spanish
error-field-need-code = { $field }: use lower-case letters, digits and _ , starting with a letter.
error-field-need-ambiguous = { $field }: this label already names another need.
error-field-in-use = { $field }: records point to it (referrals, services provided, activities); archive it instead.
upkeep-title = Archive or delete
upkeep-service-hint = An archived service is inactive: the public finder, the coverage and referral suggestions leave it out, and it stays for the history and the referrals that name it. Only an entry nothing points to can be deleted.
upkeep-archive = Archive
upkeep-restore = Bring back
upkeep-delete = Delete for good
upkeep-archived = Archived
upkeep-in-use = { $count ->
    [one] One record points to it: it can be archived, not deleted.
   *[other] { $count } records point to it: it can be archived, not deleted.
}
coverage-detail = Show narrower needs
field-community = Community
