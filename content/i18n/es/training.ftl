# Formación: el certificado en PDF (el resto de la formación está en main.ftl).
training-certificate-pdf = Descargar el certificado en PDF
training-certificate-pdf-in = en el idioma de la persona titular, o en
