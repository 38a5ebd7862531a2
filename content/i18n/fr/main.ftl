# Passerelle — français. Un fichier par langue ; les identifiants sont les mêmes en fr, en et es.
# Les mots suivent le glossaire (shared/GLOSSARY.md).

## Mise en page
skip-to-content = Aller au contenu
nav-label = Menu principal
nav-dashboard = Tableau de bord
nav-users = Utilisateurs
nav-agencies = Organismes
nav-areas = Zones
nav-audit = Journal d'audit
nav-security-policy = Politique de sécurité
nav-account = Mon compte
sign-in = Se connecter
sign-out = Se déconnecter
language = Langue
language-browser = La langue du navigateur
footer-api = API pour les développeurs

## Accueil et connexion
home-title = Passerelle
home-intro = Passerelle aide les services sociaux à protéger les personnes : elle recense les services, suit les dossiers selon des procédures convenues et suit les orientations entre organismes jusqu'à leur aboutissement.
home-staff-sign-in = Connexion du personnel
login-title = Se connecter
login-failed = L'adresse e-mail ou le mot de passe est incorrect.
login-locked = Ce compte est bloqué pendant 15 minutes après trop de tentatives échouées. Réessayez plus tard ou demandez à un·e administrateur·rice de le débloquer.
login-throttled = Trop de connexions échouées depuis votre réseau. Attendez 15 minutes et réessayez.
totp-login-title = Vérification en deux étapes
totp-code-hint = Saisissez le code à 6 chiffres affiché par votre application d'authentification.
totp-verify = Vérifier
totp-wrong = Le code est incorrect ou a expiré.

## Tableau de bord
dashboard-greeting = Bienvenue, { $name }
dashboard-roles = Vos rôles :
dashboard-agency = Organisme : { $agency }

## Compte
account-second-factor = Vérification en deux étapes
account-password-title = Changer mon mot de passe
account-password-forced = Choisissez un nouveau mot de passe avant de continuer.
account-password-submit = Changer le mot de passe
account-security-title = Vérification en deux étapes
account-tokens-title = Jetons d'API
password-hint = Au moins 12 caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.
totp-required-notice = Votre rôle exige la vérification en deux étapes. Activez-la pour continuer.
totp-enabled = La vérification en deux étapes est activée pour votre compte.
totp-disable = Désactiver la vérification en deux étapes
totp-enable = Activer la vérification en deux étapes
totp-setup-title = Configurer la vérification en deux étapes
totp-setup-step1 = Ouvrez une application d'authentification sur votre téléphone et scannez ce code, ou saisissez la clé ci-dessous.
totp-setup-step2 = Saisissez le code à 6 chiffres affiché par l'application pour confirmer.
totp-secret-label = Clé :
tokens-intro = Un jeton d'API personnel permet à un script ou à un autre système d'utiliser Passerelle en votre nom, avec vos droits. Gardez-le secret ; révoquez-le quand vous n'en avez plus besoin.
tokens-shown-once = Copiez ce jeton maintenant : il ne sera plus affiché.
tokens-create = Créer un jeton
tokens-none = Vous n'avez aucun jeton d'API.
tokens-caption = Vos jetons d'API
tokens-prefix = Commence par
tokens-created = Créé le
tokens-last-used = Dernière utilisation
tokens-status = État
tokens-revoke = Révoquer
tokens-revoked = Révoqué

## États et actions
status-on = Activé
status-off = Désactivé
status-yes = Oui
status-no = Non
action-create = Créer
action-save = Enregistrer
action-filter = Filtrer
filter-all = Tous
pager-next = Page suivante
pager-previous = Page précédente
pager-first = Première page
pager-label = Pages
pager-older = Entrées plus anciennes

## Champs
field-email = Adresse e-mail
field-password = Mot de passe
field-current-password = Mot de passe actuel
field-new-password = Nouveau mot de passe
field-confirm-password = Nouveau mot de passe (confirmation)
field-temporary-password = Mot de passe temporaire
field-display-name = Nom
field-name = Nom
field-kind = Type
field-sector = Secteur
field-area-id = Zone
field-parent-id = Fait partie de
field-agency-id = Organisme
field-team-id = Équipe
field-team-name = Nom de l'équipe
field-roles = Rôles
field-role = Rôle
field-language = Langue
field-lang = Langue
field-code = Code
field-level = Niveau
field-active = Actif
field-token-name = Nom du jeton
field-totp-code = Code
field-action = Action
field-totp-required = Rôles qui doivent utiliser la vérification en deux étapes

## Rôles
role-caseworker = Travailleur·se social·e
role-supervisor = Superviseur·e
role-service-focal-point = Point focal de service
role-community-agent = Agent·e communautaire
role-trainer = Formateur·rice
role-quality-officer = Responsable qualité
role-me-officer = Chargé·e de suivi-évaluation
role-administrator = Administrateur·rice

## Organismes, équipes, zones
agency-kind-ministry = Ministère ou administration publique
agency-kind-child-protection-unit = Unité de protection de l'enfance
agency-kind-police = Police
agency-kind-health = Service de santé
agency-kind-ngo = Organisation non gouvernementale
agency-kind-employment-agency = Agence publique pour l'emploi
agency-kind-international-organisation = Organisation internationale
agency-kind-other = Autre
sector-public = Public
sector-civil-society = Société civile
sector-private = Privé
sector-international = International
agencies-count = { $count ->
    [one] { $count } organisme
   *[other] { $count } organismes
}
agencies-new = Nouvel organisme
teams-title = Équipes
teams-none = Cet organisme n'a pas encore d'équipe.
teams-add = Ajouter l'équipe
areas-count = { $count ->
    [one] { $count } zone
   *[other] { $count } zones
}
areas-new = Nouvelle zone
areas-level-hint = 0 pour le pays, 1 pour ses premières divisions (régions, paroisses), 2 pour les suivantes, et ainsi de suite.

## Utilisateurs
users-new = Nouvel utilisateur
users-filter = Filtrer les utilisateurs
users-search = Nom ou adresse e-mail
users-include-inactive = Inclure les comptes désactivés
users-caption = Comptes du personnel
users-status = État
users-active = Actif
users-inactive = Désactivé
users-locked = Bloqué
users-none = Aucun compte ne correspond.
users-temporary-password-hint = Au moins 12 caractères. Transmettez-le à la personne par un moyen sûr ; elle devra le changer à sa première connexion.
users-account-actions = Compte
users-last-sign-in = Dernière connexion
users-deactivate = Désactiver le compte
users-reactivate = Réactiver le compte
users-unlock = Débloquer le compte
users-reset-hint = Les sessions de la personne prennent fin et elle devra choisir un nouveau mot de passe à sa prochaine connexion.
users-reset-password = Réinitialiser le mot de passe
users-audit-link = L'historique de ce compte dans le journal d'audit
user-done-saved = Modifications enregistrées.
user-done-deactivated = Le compte est désactivé. Son historique est conservé.
user-done-reactivated = Le compte est de nouveau actif.
user-done-password-reset = Le mot de passe est réinitialisé.
user-done-unlocked = Le compte est débloqué.

## Journal d'audit
audit-verify = Vérifier toute la chaîne maintenant
audit-verified = { $count ->
    [one] La chaîne d'audit est intacte ({ $count } entrée vérifiée).
   *[other] La chaîne d'audit est intacte ({ $count } entrées vérifiées).
}
audit-broken-altered = La chaîne d'audit est rompue : l'entrée { $seq } a été modifiée.
audit-broken-gap = La chaîne d'audit est rompue : des entrées manquent avant l'entrée { $seq }.
audit-broken-unlinked = La chaîne d'audit est rompue à l'entrée { $seq } : une entrée précédente a été supprimée ou modifiée.
audit-filter = Filtrer le journal d'audit
audit-caption = Entrées, des plus récentes aux plus anciennes
audit-at = Quand (UTC)
audit-actor = Qui
audit-actor-id = Qui (identifiant de l'utilisateur)
audit-action = Action
audit-entity = Enregistrement
audit-entity-type = Type d'enregistrement
audit-entity-id = Identifiant de l'enregistrement
audit-detail = Détail
audit-from = Du
audit-until = Au
audit-none = Aucune entrée ne correspond.

## Politique de sécurité
policy-totp-legend = La vérification en deux étapes est obligatoire pour
policy-totp-hint = Les personnes qui ont ces rôles doivent configurer la vérification en deux étapes avant de pouvoir utiliser Passerelle.

## API
api-title = API de Passerelle
api-intro = Les scripts et les autres systèmes utilisent Passerelle par cette API JSON, avec un jeton d'API personnel envoyé sous la forme "Authorization: Bearer …". Chaque jeton a les droits de son propriétaire.
api-openapi-link = Le document OpenAPI (JSON)
api-operations = Opérations
api-method = Méthode
api-path = Chemin
api-summary = Description
api-parameters = Paramètres
api-body = Corps
api-responses = Réponses

## Erreurs
error-status = Erreur { $status }
error-home = Retour à la page d'accueil
error-summary-title = Veuillez corriger les points suivants
error-bad-request = La demande n'a pas pu être comprise.
error-unauthorized = Veuillez vous connecter.
error-forbidden = Vous n'avez pas l'autorisation de faire cela.
error-not-found = Cette page n'existe pas, ou vous n'avez pas le droit de la voir.
error-method = Cette action n'est pas possible ici.
error-timeout = Le serveur a mis trop de temps à répondre. Réessayez.
error-stale = Quelqu’un d’autre a modifié ce dossier depuis que vous l’avez ouvert. Votre modification n’a pas été enregistrée : rouvrez-le, vérifiez ce qui a changé, puis refaites votre modification.
error-conflict = Cette valeur est déjà utilisée.
error-too-large = Ce que vous avez envoyé est trop volumineux.
error-media-type = Ce type de contenu n'est pas accepté ici.
error-invalid = Des informations manquent ou sont incorrectes.
error-too-many = Trop de demandes. Attendez un peu et réessayez.
error-unavailable = Le service est momentanément indisponible. Réessayez dans un instant.
error-computing = Les chiffres sont en cours de calcul à partir des dossiers
error-retry-after = Le calcul se poursuit entre-temps : réessayez dans { $seconds } secondes.
error-load-again = Recharger la page
error-internal = Une erreur s'est produite sur le serveur. L'équipe a été prévenue ; réessayez plus tard.
error-csrf = Ce formulaire a expiré ou ne vient pas de Passerelle. Revenez en arrière, rechargez la page et réessayez.
error-json = Le JSON envoyé n'est pas valide.
error-field-required = { $field } : ce champ est obligatoire.
error-field-too-long = { $field } : le texte est trop long.
error-field-control-chars = { $field } : contient des caractères qui ne peuvent pas être enregistrés.
error-field-email = { $field } : ce n'est pas une adresse e-mail valide.
error-field-password-short = { $field } : utilisez au moins 12 caractères.
error-field-unknown-choice = { $field } : ce choix n'existe pas.
error-field-team-not-in-agency = { $field } : cette équipe appartient à un autre organisme.
error-field-taken = { $field } : cette valeur est déjà utilisée.
error-field-out-of-range = { $field } : cette valeur est hors des limites permises.
error-field-not-a-number = { $field } : saisissez un nombre.
error-field-mismatch = { $field } : les deux mots de passe sont différents.
error-field-same-as-current = { $field } : choisissez un mot de passe différent de l'actuel.
error-field-wrong-password = { $field } : le mot de passe est incorrect.
error-field-totp-wrong = { $field } : le code est incorrect ou a expiré.
error-field-keep-own-admin = { $field } : vous ne pouvez pas retirer vos propres droits d'administrateur·rice ni désactiver votre propre compte.

## Procédures opérationnelles normalisées
nav-sops = Procédures (PON)
sops-intro = Les procédures opérationnelles normalisées (PON) que suit votre organisme. Chaque dossier enregistre la version selon laquelle il est suivi ; publier une nouvelle version ne modifie jamais un dossier en cours.
sops-publish = Publier une nouvelle version
sops-caption = Procédures en vigueur
sops-title = Procédure
sops-area = Domaine d'intervention
sops-version = Version
sops-steps = Étapes
sops-published = Date de publication
sops-handbook-version = Version { $version }
sops-not-latest = ce n'est pas la version en vigueur.
sops-see-version = Voir la version { $version }
sops-contents = Sommaire
sops-versions = Versions publiées
sops-publish-intro = Collez le fichier de la PON (au format TOML, comme décrit dans le guide du format des PON). Passerelle le vérifie et vous montre ce qui changerait avant toute publication.
sops-problems = { $count ->
    [one] { $count } problème à corriger
   *[other] { $count } problèmes à corriger
}
sops-line = Ligne { $line }
sops-preview-of = Publication de la version { $version } de
sops-new-sop = Il s'agit d'une nouvelle procédure : elle n'a pas de version antérieure.
sops-publish-confirm = Publier cette version
sops-source = Fichier de la PON
sops-source-hint = Chaque problème est indiqué avec sa ligne et son champ.
sops-check = Vérifier et prévisualiser
sops-not-newer = Le numéro de version doit être supérieur à celui de la version en vigueur ({ $latest }).
sops-nothing-changed = Ce texte est identique à la version { $latest } : il n'y a rien à publier.
sop-area-child-protection = Protection de l'enfance et prise en charge
sop-area-youth-at-risk = Jeunes en situation de risque
sop-area-social-welfare = Aide et action sociales
sop-area-gbv = Survivantes d'abus et de violences basées sur le genre
sop-area-older-persons-care = Accompagnement des personnes âgées
sop-area-counter-trafficking = Victimes de la traite
sop-area-homelessness = Sans-abrisme et logement
sop-area-employment-integration = Insertion professionnelle des personnes migrantes et réfugiées
sop-change-title-changed = Titre modifié
sop-change-summary-changed = Résumé modifié
sop-change-service-area-changed = Domaine d'intervention modifié
sop-change-role-added = Rôle ajouté
sop-change-role-removed = Rôle retiré
sop-change-step-added = Étape ajoutée
sop-change-step-removed = Étape retirée
sop-change-step-moved = Étape déplacée
sop-change-step-text-changed = Formulation d'une étape modifiée
sop-change-step-phase-changed = Phase d'une étape modifiée
sop-change-step-role-changed = Rôle responsable d'une étape modifié
sop-change-deadline-anchor-changed = Point de départ d'un délai modifié
sop-change-deadline-changed = Délai modifié
sop-change-form-added = Formulaire désormais requis
sop-change-form-removed = Formulaire plus requis
sop-change-approval-added = Approbation désormais requise
sop-change-approval-removed = Approbation plus requise
sop-change-referral-added = Orientation obligatoire ajoutée
sop-change-referral-removed = Orientation obligatoire retirée
sop-change-referral-changed = Orientation obligatoire modifiée
sop-change-consent-changed = Consentement avant partage modifié
sop-error-syntax = Le fichier n'est pas du TOML valide à cet endroit.
sop-error-missing-field = Ce champ obligatoire est manquant.
sop-error-wrong-type = Cette valeur n'a pas le bon type.
sop-error-unknown-field = Ce champ ne fait pas partie du format des PON (vérifiez l'orthographe).
sop-error-empty-text = Ce texte est vide.
sop-error-invalid-id = Cet identifiant ne peut contenir que des lettres minuscules, des chiffres et des tirets bas.
sop-error-reserved-step-id = Cet identifiant d'étape est réservé.
sop-error-invalid-version = La version doit être un nombre entier supérieur ou égal à 1.
sop-error-unknown-role = Ce rôle n'existe pas.
sop-error-role-not-declared = Ce rôle ne figure pas parmi les rôles de la PON.
sop-error-unknown-form = Ce formulaire n'existe pas.
sop-error-unknown-service-area = Ce domaine d'intervention n'existe pas.
sop-error-unknown-referral-target = Cette destination d'orientation n'est ni un besoin ni un mécanisme connu.
sop-error-unknown-phase = Cette phase n'existe pas.
sop-error-unknown-risk-level = Ce niveau de risque n'existe pas (valeurs possibles : low, medium, high, critical).
sop-error-unknown-flag = Cette condition de dossier n'existe pas.
sop-error-unknown-step = Aucune étape ne porte cet identifiant.
sop-error-duplicate-step = Deux étapes portent cet identifiant.
sop-error-duplicate-entry = Cette valeur figure deux fois.
sop-error-negative-deadline = Un délai ne peut pas être négatif.
sop-error-invalid-deadline = Ce délai n'est pas valide (écrivez-le sous la forme 24h ou 3d).
sop-error-no-previous-step = La première étape n'a pas d'étape précédente à partir de laquelle compter.
sop-error-deadline-cycle = Ces délais se calculent les uns à partir des autres en boucle.
sop-error-no-steps = La PON ne comporte aucune étape.
sop-error-no-closure-step = La PON ne comporte pas d'étape de clôture.
sop-error-missing-closure-criteria = L'étape de clôture n'a pas de critères de clôture.
sop-error-duplicate-sop = Un autre fichier contient la même PON dans la même version.

## Formulaires
nav-forms = Formulaires
forms-intro = Les formulaires utilisés par les procédures, écrits en XLSForm, tels que Passerelle les lit : chaque question, ses choix et ses règles.
forms-caption = Formulaires en usage
forms-title = Formulaire
forms-id = Identifiant
forms-questions = Questions
forms-question = Question
forms-name-type = Nom et type
forms-choices = Choix
forms-rules = Règles
forms-required = Obligatoire si
forms-relevant = Posée si
forms-constraint = Acceptée si
forms-calculation = Calculée ainsi

## Remplir les formulaires
form-fill-start = Remplir ce formulaire
form-fill-about = À propos de ce formulaire
form-fill-other = Autre
form-fill-required = obligatoire
form-fill-remove = Retirer cette entrée
form-fill-add = Ajouter : { $label }
form-fill-update = Afficher les questions qui s'appliquent
form-fill-save = Enregistrer les réponses
form-fill-new-questions = Vos réponses amènent d'autres questions. Elles sont maintenant affichées : vérifiez-les, puis enregistrez.
form-fill-malformed = La page a envoyé des réponses illisibles. Ouvrez à nouveau le formulaire.
form-answer-required = Cette réponse est nécessaire.
form-answer-constraint = Cette réponse n'est pas acceptée.
form-answer-not-integer = Saisissez un nombre entier, par exemple 12.
form-answer-not-decimal = Saisissez un nombre, par exemple 12,5 écrit 12.5.
form-answer-not-date = Saisissez une date, par exemple 2026-03-31.
form-answer-not-datetime = Saisissez une date et une heure.
form-answer-not-time = Saisissez une heure, par exemple 14:30.
form-answer-unknown-choice = Choisissez l'une des options proposées.
form-answer-not-acknowledged = Cochez la case pour confirmer.
form-answer-not-a-value = Cette réponse n'est pas une valeur.
form-answer-not-a-list = Cette section a été envoyée de façon illisible.
form-answer-not-an-object = Les réponses ont été envoyées de façon illisible.
form-answer-unknown-field = Cette question ne fait pas partie du formulaire.
form-answer-repeat-count = Le nombre d'entrées n'est pas celui qu'attend le formulaire.
form-answer-expression-error = Une règle du formulaire n'a pas pu être calculée pour cette réponse ; prévenez l'auteur du formulaire.
form-responses-title = Réponses
form-responses-none = Aucune réponse que vous pouvez voir pour l'instant.
form-responses-count = { $count ->
    [one] { $count } réponse
   *[other] { $count } réponses
}
form-responses-when = Envoyée le
form-responses-who = Par
form-responses-version = Version du formulaire
form-response-saved = Les réponses sont enregistrées.
form-response-empty = Aucune question n'a reçu de réponse.
form-response-answers = Réponses

## Publier des formulaires
form-publish = Publier une version de formulaire
form-publish-intro = Déposez le formulaire sous forme de classeur XLSForm (.xlsx, avec les feuilles survey, choices et settings). Passerelle le vérifie et montre ce qui change avant toute publication. La feuille settings doit donner un form_id et une nouvelle version : une version publiée ne change jamais, et les réponses gardent la version avec laquelle elles ont été saisies.
form-upload-label = Classeur XLSForm (.xlsx)
form-upload-hint = Le fichier tel qu'enregistré par votre tableur ; 1 Mo au plus.
form-upload-check = Vérifier le formulaire
form-upload-missing = Choisissez un fichier à déposer.
form-upload-not-xlsx = « { $name } » n'est pas un classeur .xlsx.
form-problems = { $count ->
    [one] { $count } problème à corriger dans le classeur
   *[other] { $count } problèmes à corriger dans le classeur
}
form-preview-questions = { $count ->
    [one] { $count } question
   *[other] { $count } questions
}
form-preview-new = Ce formulaire est nouveau : aucune version n'en est encore utilisée.
form-preview-changes = Changements par rapport à la version en usage
form-preview-no-question-change = Aucune question ne change (seulement la version et les réglages).
form-preview-warnings = Ignoré
form-publish-confirm = Publier cette version
form-published = Cette version est publiée. Les formulaires commencés à partir de maintenant l'utilisent ; les réponses déjà enregistrées gardent leur version.
form-refused-no-version = La feuille settings n'a pas de version : les réponses ne pourraient pas dire quelle version elles suivent. Ajoutez une colonne version.
form-refused-version-taken = La version { $version } de ce formulaire est déjà publiée. Donnez une autre version à la nouvelle.
form-change-added = nouvelle question
form-change-removed = question retirée
form-change-changed = modifiée : { $aspects }
form-aspect-type = type
form-aspect-label = libellé
form-aspect-hint = aide
form-aspect-required = obligatoire
form-aspect-relevant = quand elle est posée
form-aspect-constraint = réponses acceptées
form-aspect-calculation = calcul
form-aspect-choices = choix
form-aspect-default = réponse par défaut
form-aspect-group = section
form-error-unreadable = Le fichier ne peut pas être lu.
form-error-cell-error = Une cellule contient une erreur de tableur.
form-error-missing-sheet = Une feuille manque.
form-error-missing-column = Une colonne obligatoire manque.
form-error-unknown-column = Cette colonne ne fait pas partie de XLSForm.
form-error-unsupported-column = Passerelle ne prend pas en charge cette colonne.
form-error-misplaced-column = Cette colonne n'a pas de sens sur cette ligne.
form-error-missing-type = La ligne n'a pas de type.
form-error-unknown-type = Ce type ne fait pas partie de XLSForm.
form-error-unsupported-type = Passerelle ne prend pas en charge ce type.
form-error-missing-name = La ligne n'a pas de nom.
form-error-bad-name = Ce nom n'est pas valide.
form-error-duplicate-name = Ce nom est utilisé deux fois.
form-error-unmatched-end = Cette fin n'a pas de début correspondant.
form-error-unclosed-begin = Ce groupe ou cette répétition n'est jamais fermé.
form-error-select-without-list = Une question à choix a besoin d'une liste de choix.
form-error-unknown-choice-list = La liste de choix n'est pas sur la feuille choices.
form-error-empty-choice-list = La liste de choix n'a aucun choix.
form-error-duplicate-choice = Un choix apparaît deux fois dans sa liste.
form-error-bad-choice-name = Un nom de choix ne doit pas contenir d'espace.
form-error-missing-list-name = Le choix n'a pas de nom de liste.
form-error-missing-label = La ligne n'a pas de libellé.
form-error-bad-boolean = Écrivez yes ou no.
form-error-bad-expression = L'expression ne peut pas être lue.
form-error-unknown-reference = L'expression nomme une question qui n'existe pas.
form-error-bare-name = Écrivez une référence à une question sous la forme ${"{"}nom{"}"}.
form-error-unknown-choice-column = La liste de choix n'a pas cette colonne.
form-error-position-outside-repeat = position(..) ne fonctionne que dans une répétition.
form-error-missing-calculation = Une ligne calculate a besoin d'un calcul.
form-error-bad-default = La réponse par défaut n'est pas valide pour ce type.
form-error-missing-form-id = La feuille settings n'a pas de form_id.
form-error-unknown-setting = Ce réglage ne fait pas partie de XLSForm.
form-error-extra-settings-row = La feuille settings a plus d'une ligne de valeurs.
form-error-unknown-language = La langue par défaut n'est pas l'une des langues du formulaire.

## Personnes et dossiers
nav-people = Personnes
nav-cases = Dossiers
restricted = restreint
people-search-label = Trouver une personne
people-search-hint = Un nom (fautes, accents et ordre des noms n'ont pas d'importance), un numéro de téléphone ou d'identité.
people-search = Rechercher
people-register = Enregistrer une personne
people-register-anyway = Aucune de ces personnes : enregistrer une nouvelle personne
people-none = Personne trouvé parmi les personnes que vous pouvez voir.
people-recent = Enregistrées récemment
people-results-for = Personnes correspondant à « { $q } »
people-duplicates-title = Cette personne est peut-être déjà enregistrée
people-duplicates-intro = Vérifiez ces fiches avant d'enregistrer : ouvrez-en une si c'est la même personne. Sinon, enregistrez une nouvelle personne ci-dessous.
people-duplicate-likely = très probablement la même
person-name = Nom
person-given-names = Prénoms
person-names-hint = Tels que la personne les dit ou les écrit, dans n'importe quelle écriture.
person-family-names = Noms de famille
person-other-names = Autres noms et surnoms
person-other-names-hint = Un par ligne : surnoms, anciens noms, autres orthographes.
person-sex = Sexe
sex-female = Féminin
sex-male = Masculin
sex-other = Autre
person-birth-date = Date de naissance
person-age-estimate = Âge estimé (en années)
person-age-estimate-hint = Seulement si la date de naissance n'est pas connue.
person-born-about = né·e vers { $year }
person-birth-unknown = inconnue
person-nationality = Nationalité
person-migration-status = Statut migratoire
person-migration-status-hint = Ce que la personne déclare ; ne demandez pas de preuve.
migration-status-national = Ressortissant·e
migration-status-regular-migrant = Migrant·e en situation régulière
migration-status-irregular-migrant = Migrant·e en situation irrégulière
migration-status-asylum-seeker = Demandeur·se d'asile
migration-status-refugee = Réfugié·e
migration-status-stateless = Apatride
migration-status-unknown = Inconnu
person-languages = Langues
person-phone = Numéro de téléphone sûr
person-phone-hint = Seulement un numéro où appeler la personne ne met personne en danger.
person-area = Zone
person-community = Communauté
person-external-id = Numéro d'identité ou de dossier
person-external-id-hint = Le numéro que la personne avait dans un autre système (HCR, identité nationale, ancien dossier), pour la retrouver.
person-restricted = Fiche restreinte
person-restricted-hint = Seuls vous, votre superviseur·e et les personnes que vous désignez verront cette personne (par exemple les survivant·es de violences).
person-registered = Enregistrée le
person-details = Informations
person-cases = Dossiers
person-no-case = Pas encore de dossier.
case-open = Ouvrir un dossier
case-sop = Procédure
case-risk = Niveau de risque
case-restricted = Dossier restreint
case-restricted-hint = Seuls le ou la travailleur·se social·e, son ou sa superviseur·e et les personnes désignées voient un dossier restreint ; chaque consultation est journalisée.
case-status = État
case-status-open = Ouvert
case-status-closed = Clos
cases-all = Tous
cases-mine = Seulement mes dossiers
cases-overdue-only = Seulement les dossiers avec des étapes en retard
cases-filter = Filtrer
cases-counts = Décomptes
cases-counted-at = Comptés le { $time }.
cases-counted-again-after = { $count ->
    [one] Ils sont recomptés après une minute.
   *[other] Ils sont recomptés après { $count } minutes.
}
cases-by-sop = Par procédure
cases-by-risk = Par niveau de risque
cases-by-status = Par état
cases-none = Aucun dossier ne correspond.
cases-count = { $count ->
    [one] { $count } dossier
   *[other] { $count } dossiers
}
cases-count-page = { $count ->
    [one] { $count } dossier sur cette page
   *[other] { $count } dossiers sur cette page
}
case-reference = Dossier
case-assigned = Travailleur·se social·e
case-next-step = Prochaine étape et échéance
case-overdue = Étapes en retard
case-title = Dossier { $reference }
case-summary = Résumé du dossier
case-opened = Ouvert le
case-overdue-count = { $count ->
    [one] { $count } étape est en retard.
   *[other] { $count } étapes sont en retard.
}
case-referrals = Orientations exigées par la procédure
case-referral-consent = avec l'accord de la personne
case-steps = Étapes
case-due = échéance { $due }
case-completed = faite le { $when }
case-step-done = faite
case-step-done-late = faite en retard
case-step-waiting = attend l'étape précédente
case-step-open = à faire
case-step-overdue = en retard
case-form-done = rempli
case-form-read = Lire
case-form-missing = non rempli
case-approval-needed = Un·e superviseur·e doit approuver cette étape.
case-approval-request = Demander l'approbation
case-approval-request-again = Redemander l'approbation
case-approval-waiting = Approbation demandée par { $who }, en attente du ou de la superviseur·e.
case-approval-approved = Approuvée
case-approval-rejected = Renvoyée
case-approval-comment = Commentaire (obligatoire pour renvoyer)
case-approve = Approuver
case-reject = Renvoyer
case-step-complete = Marquer cette étape comme faite
case-block-closed = Le dossier est clos.
case-block-unknown-step = Cette étape n'est pas dans la procédure.
case-block-done = Cette étape est faite.
case-block-forms = Reste à remplir : { $forms }.
case-block-approval = En attente de l'approbation du ou de la superviseur·e.
case-close = Clore le dossier
case-closure-reason = Motif de clôture
case-reopen = Rouvrir le dossier
case-notes = Notes du dossier
case-note-new = Nouvelle note
case-note-add = Ajouter la note
case-notes-none = Pas encore de note.
case-notes-all = Toutes les notes, page par page
case-notes-title = Notes du dossier { $reference }
case-back = Retour au dossier
case-not-readable = Cette référence de dossier ne peut pas être lue.
case-form-not-asked = Ce formulaire n'est pas demandé par l'étape du dossier, ou le dossier est clos.
case-step-blocked = Cette étape ne peut pas encore être faite : il manque ses formulaires ou son approbation.
case-approval-not-needed = Cette étape ne demande pas d'approbation, ou elle est déjà demandée ou accordée.
case-decision-unknown = Choisissez d'approuver ou de renvoyer.
matching-reason-name-agrees = nom concordant
matching-reason-name-differs = nom différent
matching-reason-name-missing = nom sur une seule fiche
matching-reason-names-transposed = prénom et nom inversés
matching-reason-alias-used = rapproché par un autre nom
matching-reason-birth-date-same = même date de naissance
matching-reason-birth-date-close = date de naissance proche (faute de frappe)
matching-reason-birth-year-close = année de naissance proche
matching-reason-birth-date-differs = date de naissance différente
matching-reason-birth-date-unknown = date de naissance absente d'une fiche
matching-reason-sex-same = même sexe
matching-reason-sex-differs = sexe différent
matching-reason-nationality-same = même nationalité
matching-reason-nationality-differs = nationalité différente
matching-reason-phone-same = même numéro de téléphone
matching-reason-phone-differs = numéro de téléphone différent
matching-reason-external-id-same = même numéro d'identité
matching-reason-external-id-differs = numéro d'identité différent

case-consents = Consentement
case-consents-none = Aucun consentement enregistré.
consent-giver-person = La personne elle-même
consent-giver-parent-or-guardian = Un parent ou le tuteur légal
consent-giver-appointed-guardian = Un tuteur ou représentant désigné
consent-scope-registration = être enregistrée
consent-scope-referral = les orientations vers d'autres services
consent-scope-share-with-agencies = le partage d'informations avec les organismes partenaires
consent-scope-share-with-authorities = le partage d'informations avec les autorités
consent-scope-photos = les photos
consent-scope-follow-up-contact = être recontactée pour le suivi
case-consent-withdrawn = retiré le { $when }
case-consent-withdraw = Enregistrer un retrait
case-consent-given-by = Qui donne son accord
case-consent-scope = Pour quoi
case-consent-notes = Notes (comment cela a été expliqué, limites)
case-consent-record = Enregistrer le consentement
case-attachments = Fichiers
case-attachments-none = Aucun fichier joint.
case-attachment-file = Ajouter un fichier
case-attachment-hint = PDF, photo (JPEG, PNG), Word, Excel, OpenDocument ou texte brut ; 10 Mo au plus.
case-attachment-add = Joindre le fichier
case-move = Attribution et transfert
case-transfer-line = Transfert vers { $agency }
case-transfer-status-pending = en attente de réponse
case-transfer-status-accepted = accepté
case-transfer-status-declined = refusé
case-reassign-to = Confier le dossier à
case-reassign = Réattribuer
case-transfer-to = Transférer à un autre organisme
case-transfer-reason = Pourquoi
case-transfer = Demander le transfert
case-transfer-refused = Le transfert ne peut pas être demandé : un autre attend une réponse, ou le dossier est clos.
cases-incoming = Transferts en attente pour votre équipe
cases-incoming-assignee = Travailleur·se social·e
cases-incoming-accept = Accepter
cases-incoming-why = Motif du refus
cases-incoming-decline = Refuser
attachment-empty = Le fichier est vide.
attachment-kind = Ce type de fichier n'est pas accepté. Acceptés : PDF, JPEG, PNG, Word, Excel, texte OpenDocument, texte brut.
attachment-no-storage = Ce serveur ne peut pas garder de fichiers : demandez à l'administrateur de définir un répertoire de données.
people-duplicates-check = Chercher des doublons
people-duplicates-none = Aucun doublon possible parmi les personnes que vous pouvez voir.
people-duplicates-merge-intro = Si l'une de ces fiches est la même personne, fusionnez-la dans celle-ci : ses dossiers viennent ici, l'autre fiche est gardée comme fusionnée, et la fusion peut être annulée.
people-merge = Même personne : fusionner dans cette fiche
people-distinct = Pas la même personne
person-merged-into = Cette fiche a été fusionnée dans une autre.
person-merged-open = Ouvrir la fiche de la personne
person-merges = Fusions
person-merge-line = { $name } fusionnée dans cette fiche
person-merge-undone = annulée le { $when }
person-merge-undo = Annuler la fusion
person-address = Adresse
person-address-hint = Où trouver la personne sans danger : rue, bloc du camp, point de repère.
cases-unassessed = Dossiers à risque élevé pas encore évalués
## Formation et renforcement des capacités
nav-training = Formation
training-curricula = Programmes de formation
training-curriculum = Programme de formation
training-no-curricula = Aucun programme pour l'instant.
training-new-curriculum = Nouveau programme
training-version = version { $version }
training-completion-rule = { $count ->
    [0] Terminé avec tous les modules obligatoires.
    [one] Terminé avec tous les modules obligatoires et un module optionnel.
   *[other] Terminé avec tous les modules obligatoires et { $count } modules optionnels.
}
training-modules-count = { $count ->
    [one] Un module
   *[other] { $count } modules
}
training-module = Module
training-modules = Modules
training-mandatory = Obligatoire
training-optional = Optionnel
training-linked-sops = Procédures (PON)
training-objectives = Objectifs
training-outline = Contenu
training-new-module = Nouveau module
training-sessions = Sessions de formation
training-no-sessions = Aucune session prévue.
training-new-session = Nouvelle session
training-dates = Dates
training-days = Jours
training-seats = Places
training-seats-count = { $seated } places prises sur { $max }, { $waiting } en attente
training-minimum = minimum { $min }
training-viability = La session aura-t-elle lieu ?
training-viable = Assez de participant·e·s
training-under-minimum = { $missing ->
    [one] Il manque une personne
   *[other] Il manque { $missing } personnes
} pour atteindre le minimum ; { $days ->
    [0] la décision de maintien se prend aujourd'hui.
    [one] la décision de maintien se prend demain.
   *[other] la décision de maintien se prend dans { $days } jours.
}
training-decision-overdue = { $missing ->
    [one] Il manque une personne
   *[other] Il manque { $missing } personnes
} pour atteindre le minimum et la date de décision est passée : décidez maintenant.
training-status-planned = Prévue
training-status-confirmed = Confirmée
training-status-held = Réalisée
training-status-cancelled = Annulée
training-mode-in-person = En présentiel
training-mode-remote = À distance
training-mode-blended = Hybride
training-cost-scenarios = Coûts comparés
training-scenario-a = Premier nombre de participant·e·s
training-scenario-b = Second nombre de participant·e·s
training-compare = Comparer
training-total-for = { $count ->
    [one] Total pour une personne
   *[other] Total pour { $count }
}
training-per-participant-for = { $count ->
    [one] Par participant·e (une)
   *[other] Par participant·e ({ $count })
}
training-whole-curriculum = Programme entier
training-payer-default = Les coûts sans payeur sont comptés à la charge de l'employeur.
training-payer-employer = À la charge de l'employeur
training-payer-ministry = À la charge du ministère
training-payer-donor = À la charge du bailleur
training-cost-lines = Lignes de coût
training-no-costs = Aucune ligne de coût pour l'instant.
training-add-cost = Ajouter la ligne de coût
training-cost-kind-fixed = Fixe (une fois par session)
training-cost-kind-per-participant = Par participant·e
training-participants = Participant·e·s
training-no-participants = Personne n'est inscrit pour l'instant.
training-seat = Place
training-seated = A une place
training-waiting = Liste d'attente, rang { $position }
training-nominated = Proposé·e par un organisme membre
training-withdraw = Retirer
training-withdraw-who = Retirer { $name }
training-nominate = Proposer un membre du personnel
training-enrol = Inscrire
training-enrol-external = Inscrire un·e professionnel·le extérieur·e
training-sex-hint = Demandé aux seul·e·s professionnel·le·s extérieur·e·s, pour les chiffres ; les comptes du personnel n'enregistrent pas le sexe.
training-sex-female = Femme
training-sex-male = Homme
training-sex-other = Autre
training-sex-not-stated = Préfère ne pas répondre
training-sex-not-recorded = Non enregistré (personnel)
training-attendance = Présences
training-attendance-caption = Présence chaque jour (les jours à venir ne peuvent pas être cochés)
training-record-attendance = Enregistrer les présences
training-tests = Tests et évaluation
training-test-pre = Test initial
training-test-post = Test final
training-test-evaluation = Évaluation
training-enter = Saisir
training-record-test = pour { $name }
training-average-gain = Progression moyenne : { $gain } points
training-tested = { $count ->
    [one] une personne a passé les deux tests
   *[other] { $count } personnes ont passé les deux tests
}
training-no-gain = Personne n'a encore passé les deux tests.
training-certificates = Attestations
training-progress = Avancement dans le programme
training-no-progress = Personne n'a encore terminé de module de ce programme.
training-modules-done = Modules terminés
training-complete = Programme terminé
training-certificate = Attestation de formation
training-certified = Attestation délivrée
training-issue-for = Délivrer l'attestation de { $name }
training-certificates-issued = Attestations délivrées
training-holder = Titulaire
training-code = Code de vérification
training-issued = Délivrée le
training-revoked-on = Révoquée le { $date }
training-revoke-for = Révoquer l'attestation de { $name }
training-print-hint = Imprimez cette page, ou enregistrez-la en PDF depuis la fenêtre d'impression.
training-certifies-that = Nous attestons que
training-has-completed = a suivi la formation
training-issued-on = Délivrée le { $date }
training-verification-code = Code de vérification
training-qr-label = Code QR de l'adresse de vérification
training-sops-title = Qui est formé à quelle procédure
training-sops-intro = Pour chaque procédure (PON) : le personnel formé, et les organismes dont le personnel l'applique sans être entièrement formé. Une personne applique une procédure quand l'un de ses rôles en fait partie.
training-own-agency-only = Seul le personnel de votre organisme est affiché.
training-gaps-title = Personnel appliquant cette procédure sans y être formé
training-gap = { $untrained } sur { $staff } non formé·e·s
training-nobody-trained = Personne n'est encore formé à cette procédure.
training-trained-on = Formé·e·s à : { $sop }
training-trained-date = Formé·e le
training-figures-title = Chiffres de la formation
training-figures-trained = Personnes formées
training-figures-gain = Progression moyenne (points)
training-figures-people = Personnes
training-figures-by-agency = Personnes formées par organisme
training-figures-by-role = Personnes formées par rôle
training-figures-by-sex = Personnes formées par sexe
training-figures-by-module = Personnes formées par module
training-figures-costs = Coût par personne formée
training-figures-spent = Dépensé pour les sessions réalisées
training-figures-per-trained = Par personne formée
training-figures-download = Télécharger les chiffres (XLSX)
training-figures-note = Une personne est formée à un module quand elle avait une place dans une session réalisée de ce module et était présente chaque jour. Les coûts sont ceux des sessions réalisées, pour les personnes qui y avaient une place.
certificate-verify-title = Vérifier une attestation de formation
certificate-verify-intro = Saisissez le code de vérification imprimé sur l'attestation. Vous ne verrez que cette attestation : sa ou son titulaire, la formation et la date.
certificate-code-hint = 10 caractères, par exemple 7KQ2M-X4D9P. Majuscules ou minuscules ; le tiret est facultatif.
certificate-verify-action = Vérifier
certificate-valid = Cette attestation est valide.
certificate-unknown = Ce code n'est pas valide : aucune attestation ne le porte.
certificate-revoked = Cette attestation a été révoquée le { $date }. Elle n'est plus valide.
certificate-empty-key = La clé des attestations manque.
certificate-wrong-length = Un code de vérification a 10 caractères : vérifiez qu'il n'en manque ni n'en dépasse aucun.
certificate-bad-character = Ce code contient un caractère qui n'est jamais utilisé : vérifiez-le.
certificate-bad-check = Ce code contient une faute de frappe : vérifiez chaque caractère.
certificate-mismatch = Ce code n'appartient pas à cette attestation.
training-cost-unknown-currency = La devise du programme est inconnue.
training-cost-currency-mismatch = Des montants en devises différentes ne s'additionnent pas.
training-cost-zero-participants = Un coût suppose au moins une personne.
training-cost-negative-amount = Une ligne de coût est négative.
training-cost-overflow = Les montants sont trop élevés.
training-cost-no-modules = Aucun module de ce programme n'a encore de coûts.
training-cost-no-cost-lines = Ce module n'a pas de ligne de coût.
training-cost-no-shares = Les parts font zéro au total.
training-cost-duplicate-payer = Un payeur figure deux fois.
training-cost-no-payer = Une ligne de coût n'a pas de payeur.
field-version = Version
field-title-fr = Titre en français
field-title-en = Titre en anglais
field-title-es = Titre en espagnol
field-objectives-fr = Objectifs en français
field-objectives-en = Objectifs en anglais
field-objectives-es = Objectifs en espagnol
field-outline-fr = Contenu en français
field-outline-en = Contenu en anglais
field-outline-es = Contenu en espagnol
field-currency = Devise (code ISO, par ex. EUR, XCD, MAD)
field-optional-required = Modules optionnels à suivre pour terminer
field-duration-hours = Durée (heures)
field-mode = Modalité
field-prerequisites = Prérequis
field-audience = Public visé
field-trainers = Formateur·rice·s
field-sop-ids = Procédures (PON) enseignées
field-need-codes = Besoins concernés
field-label = Libellé
field-amount = Montant
field-amount-in = Montant en { $currency }
field-payer = Payeur
field-place = Lieu
field-trainer = Formateur·rice
field-min-participants = Nombre minimum de participant·e·s
field-max-participants = Nombre maximum de participant·e·s
field-go-no-go = Date de décision de maintien (AAAA-MM-JJ)
field-days = Jours (AAAA-MM-JJ, un par ligne)
field-staff = Membre du personnel
field-user-id = Membre du personnel
field-organisation = Organisme
field-job-role = Rôle ou fonction
field-sex = Sexe
field-reason = Motif
field-session = Session
field-participant = Participant·e
field-participant-id = Participant·e
field-attendance = Présences
field-curriculum = Programme
field-a = Premier nombre de participant·e·s
field-b = Second nombre de participant·e·s
error-field-bad-code = { $field } : utilisez uniquement des lettres, des chiffres, - et _.
error-field-unknown-currency = { $field } : ce code de devise est inconnu de Passerelle (par ex. EUR, USD, XCD, MAD).
error-field-bad-amount = { $field } : indiquez un montant positif avec au plus les décimales de la devise, par ex. 1250,50.
error-field-not-a-date = { $field } : écrivez la date sous la forme AAAA-MM-JJ.
error-field-too-many = { $field } : il y en a trop.
error-field-below-minimum = { $field } : le maximum est inférieur au minimum.
error-field-after-first-day = { $field } : la date de décision doit précéder le premier jour.
error-field-session-cancelled = { $field } : la session est annulée.
error-field-not-started = { $field } : une session n'est réalisée qu'une fois son premier jour arrivé.
error-field-session-closed = { $field } : cette session est réalisée ou annulée ; les inscriptions sont closes.
error-field-not-seated = { $field } : seules les personnes ayant une place peuvent être notées présentes.
error-field-unknown-day = { $field } : ce jour n'appartient pas à la session.
error-field-future-day = { $field } : personne ne peut être présent un jour à venir.
error-field-not-completed = { $field } : n'a pas encore terminé le programme.
error-field-training-curriculum-not-enough-optional = { $field } : le programme demande plus de modules optionnels qu'il n'en compte.
error-field-training-curriculum-mandatory-and-optional = { $field } : un module est à la fois obligatoire et optionnel.
training-remove-cost = Retirer
training-remove-cost-line = Retirer « { $label } »
case-members = Voient aussi ce dossier
case-members-hint = En plus du ou de la référent·e et du ou de la responsable d'équipe, seules les personnes nommées ici voient ce dossier (un dossier restreint est caché à tous les autres). Chaque consultation est inscrite au journal d'audit.
case-members-none = Personne d'autre.
case-members-remove = Retirer
case-members-add-who = Nommer un·e collègue
case-members-add = Donner accès
case-provided = Services fournis
case-provided-none = Aucun pour l'instant.
case-provided-by-referral = par une orientation
case-provided-service = Service (de l'annuaire)
case-provided-on = Jour où il a été fourni
case-provided-notes = Ce qui a été fourni
case-provided-add = Enregistrer le service
services-find = Chercher un autre service par son nom
services-find-go = Chercher
services-near-hint = Les listes proposent les services de votre structure et ceux vers lesquels ce dossier a été orienté ou que son plan nomme ; cherchez tout autre service de l'annuaire par son nom.
field-provided-on = Jour où il a été fourni
