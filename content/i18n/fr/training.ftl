# Formation : l'attestation en PDF (le reste de la formation est dans main.ftl).
training-certificate-pdf = Télécharger l'attestation en PDF
training-certificate-pdf-in = dans la langue du titulaire, ou en
