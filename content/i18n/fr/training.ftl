# Formation : l'attestation en PDF (le reste de la formation est dans main.ftl).
training-certificate-pdf = Télécharger l'attestation en PDF
training-certificate-pdf-in = dans la langue du titulaire, ou en
# Score au post-test moins score au pré-test d'une personne.
training-test-gain = Progression
training-satisfaction = Satisfaction moyenne : { $score } sur 5
training-evaluated = { $count ->
    [one] { $count } évaluation
   *[other] { $count } évaluations
}
