# Formación: el certificado en PDF (el resto de la formación está en main.ftl).
training-certificate-pdf = Descargar el certificado en PDF
training-certificate-pdf-in = en el idioma de la persona titular, o en
# Puntuación del post-test menos la del pre-test de una persona.
training-test-gain = Progreso
training-satisfaction = Satisfacción media: { $score } sobre 5
training-evaluated = { $count ->
    [one] { $count } evaluación
   *[other] { $count } evaluaciones
}
