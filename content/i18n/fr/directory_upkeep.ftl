# Entretien de l'annuaire : la taxonomie des besoins que les administrateurs étendent, l'archivage et la suppression.
needs-admin-title = Taxonomie des besoins
needs-admin-intro = Les besoins livrés avec Passerelle, et ceux ajoutés ici. Un besoin n'est jamais supprimé : retiré, il n'est plus proposé dans les listes et formulaires, mais les services, orientations et dossiers qui le portent le gardent et affichent son nom.
needs-admin-add = Ajouter un besoin
needs-admin-code-hint = Lettres minuscules, chiffres et _ , en commençant par une lettre (par exemple shelter_winter_plan). Il ne change plus une fois ajouté.
needs-admin-parent = Besoin plus large
needs-admin-no-parent = Aucun (un besoin général)
needs-admin-terms = Tous les besoins
needs-admin-count = { $count ->
    [one] Un besoin
   *[other] { $count } besoins
}
needs-admin-term = Besoin
needs-admin-state = Origine et état
needs-admin-actions = Actions
needs-admin-added = ajouté ici
needs-admin-shipped = livré
needs-admin-retired = retiré
needs-admin-under-retired = non proposé (sous un besoin retiré)
needs-admin-retire = Retirer
needs-admin-offer = Proposer à nouveau
needs-admin-retire-label = Retirer { $term }
needs-admin-offer-label = Proposer à nouveau { $term }
field-parent = Besoin plus large
field-label-fr = Libellé en français
field-label-en = Libellé en anglais
field-label-es = Libellé en espagnol
error-field-need-code = { $field } : utilisez des lettres minuscules, des chiffres et _ , en commençant par une lettre.
error-field-need-ambiguous = { $field } : ce libellé désigne déjà un autre besoin.
error-field-in-use = { $field } : des dossiers y renvoient (orientations, services fournis, activités) ; archivez-le plutôt.
upkeep-title = Archiver ou supprimer
upkeep-service-hint = Un service archivé est inactif : la recherche publique, la couverture et les suggestions d'orientation l'écartent, et il reste pour l'historique et les orientations qui le citent. Seule une fiche à laquelle rien ne renvoie peut être supprimée.
upkeep-archive = Archiver
upkeep-restore = Rétablir
upkeep-delete = Supprimer définitivement
upkeep-archived = Archivée
upkeep-in-use = { $count ->
    [one] Un dossier y renvoie : on peut l'archiver, pas le supprimer.
   *[other] { $count } dossiers y renvoient : on peut l'archiver, pas le supprimer.
}
coverage-detail = Afficher les besoins plus précis
field-community = Communauté
