# Training: the certificate as a PDF (the rest of training is in main.ftl).
training-certificate-pdf = Download the certificate as PDF
training-certificate-pdf-in = in the holder's language, or in
# A participant's post-test score minus their pre-test score.
training-test-gain = Gain
training-satisfaction = Average satisfaction: { $score } out of 5
training-evaluated = { $count ->
    [one] { $count } evaluation
   *[other] { $count } evaluations
}
