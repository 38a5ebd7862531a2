# Training: the certificate as a PDF (the rest of training is in main.ftl).
training-certificate-pdf = Download the certificate as PDF
training-certificate-pdf-in = in the holder's language, or in
