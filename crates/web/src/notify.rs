//! Email notifications, off unless an SMTP relay is configured. They never carry personal
//! data: a referral notification says only that a referral is waiting and where to sign in, so
//! a mailbox read by the wrong person, or a relay that keeps copies, learns nothing about anyone.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).field("public_url", &self.public_url).finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("the SMTP URL is not usable (smtp://host:port expected): {0}")]
    Url(String),
    #[error("the sender address is not an email address: {0}")]
    From(String),
}

impl Mailer {
    /// `smtp_url`: `smtp://host:port` (a relay that takes mail from this host). `public_url`: the
    /// address people open Passerelle at, for the link in the message.
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> Result<Mailer, MailerError> {
        // Plain SMTP to the relay only: `smtps://` and STARTTLS would need a TLS stack the relay
        // already has.
        let rest = smtp_url.strip_prefix("smtp://").ok_or_else(|| MailerError::Url(smtp_url.to_string()))?;
        let (host, port) = match rest.trim_end_matches('/').rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| MailerError::Url(smtp_url.to_string()))?),
            None => (rest.trim_end_matches('/'), 25),
        };
        if host.is_empty() {
            return Err(MailerError::Url(smtp_url.to_string()));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port).build();
        let from = from.parse::<Mailbox>().map_err(|e| MailerError::From(e.to_string()))?;
        Ok(Mailer { transport, from, public_url: public_url.trim_end_matches('/').to_string() })
    }

    /// The notification of a referral waiting in an agency's inbox, in the three languages (the
    /// recipients' may differ and the message says so little that all three fit).
    pub fn referral_waiting(&self, to: &str) -> Option<Message> {
        let link = format!("{}/referrals?box=received", self.public_url);
        let body = format!(
            "Une orientation attend votre structure dans Passerelle. Connectez-vous pour la voir : {link}\n\n\
             A referral is waiting for your agency in Passerelle. Sign in to see it: {link}\n\n\
             Una derivación espera a su entidad en Passerelle. Inicie sesión para verla: {link}\n"
        );
        Message::builder()
            .from(self.from.clone())
            .to(to.parse().ok()?)
            .subject("Passerelle : orientation reçue / referral received / derivación recibida")
            .body(body)
            .ok()
    }

    /// Sends to each address in the background; a failure is logged, never shown to the person
    /// who sent the referral (it is stored and in the inbox whatever the mail does).
    pub fn send_referral_waiting(self: &std::sync::Arc<Self>, recipients: Vec<String>) {
        let mailer = self.clone();
        tokio::spawn(async move {
            for to in recipients {
                let Some(message) = mailer.referral_waiting(&to) else {
                    tracing::warn!("referral notification: an address of the receiving agency is not valid");
                    continue;
                };
                if let Err(e) = mailer.transport.send(message).await {
                    tracing::warn!(error = %e, "referral notification not sent");
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_says_only_where_to_sign_in() {
        let m = Mailer::new("smtp://127.0.0.1:2525", "Passerelle <noreply@passerelle.example>", "https://passerelle.example/").unwrap();
        let raw = String::from_utf8(m.referral_waiting("desk@agency.example").unwrap().formatted()).unwrap();
        // Quoted-printable: soft line breaks and `=` escaped.
        let text = raw.replace("=\r\n", "").replace("=3D", "=");
        assert!(text.contains("https://passerelle.example/referrals?box=received"));
        assert!(text.contains("To: desk@agency.example"));
    }

    #[test]
    fn bad_settings_are_named() {
        assert!(matches!(Mailer::new("ftp://x", "a@b.example", "https://x"), Err(MailerError::Url(_))));
        assert!(matches!(Mailer::new("smtp://relay:notaport", "a@b.example", "https://x"), Err(MailerError::Url(_))));
        assert!(Mailer::new("smtp://relay", "a@b.example", "https://x").is_ok(), "port 25 by default");
        assert!(matches!(Mailer::new("smtp://127.0.0.1:25", "not an address", "https://x"), Err(MailerError::From(_))));
    }
}
