//! Who a message reaches and how: a customer on their preferred channel, falling back to SMS;
//! placeholder, invalid and walk-in numbers are never contacted. Also the masking that keeps
//! contact data out of pages and logs.

use super::config::{MessagingSettings, Transport};

/// How a message travels to a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Medium {
    Sms,
    Whatsapp,
    Email,
}

/// Where a message goes, or why it cannot go anywhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// `address` is E.164 for SMS, `whatsapp:+…` for WhatsApp, an email address for email.
    To { medium: Medium, address: String },
    /// Recorded as a `skipped` message with `reason`; `raw` is what we had, for the record.
    Skip { reason: String, raw: String },
}

/// The contact fields of a customer that decide how to reach them.
#[derive(Clone, Debug)]
pub struct Contact<'a> {
    pub phone: &'a str,
    pub email: Option<&'a str>,
    pub preferred_channel: &'a str,
    pub is_walk_in: bool,
}

/// Reaches a customer: preferred channel first (email needs an address, WhatsApp a valid
/// number), then SMS, then email when there is no usable number at all.
pub fn customer_reach(contact: &Contact<'_>) -> Reach {
    if contact.is_walk_in {
        return skip("Walk-in customer: no one to message.", "");
    }
    let email = contact.email.map(str::trim).filter(|e| e.contains('@'));
    let phone_problem = phone_problem(contact.phone);
    match (contact.preferred_channel, email, phone_problem) {
        ("email", Some(email), _) => to(Medium::Email, email),
        ("whatsapp", _, None) => to(
            Medium::Whatsapp,
            &format!("whatsapp:{}", contact.phone.trim()),
        ),
        (_, _, None) => to(Medium::Sms, contact.phone.trim()),
        (_, Some(email), Some(_)) => to(Medium::Email, email),
        (_, None, Some(problem)) => skip(problem, contact.phone),
    }
}

/// Reaches someone by phone (SMS), else by email: mechanics and staff have no preference.
pub fn phone_or_email(phone: &str, email: Option<&str>) -> Reach {
    match (
        phone_problem(phone),
        email.map(str::trim).filter(|e| e.contains('@')),
    ) {
        (None, _) => to(Medium::Sms, phone.trim()),
        (Some(_), Some(email)) => to(Medium::Email, email),
        (Some(problem), None) => skip(problem, phone),
    }
}

fn to(medium: Medium, address: &str) -> Reach {
    Reach::To {
        medium,
        address: address.to_owned(),
    }
}

fn skip(reason: &str, raw: &str) -> Reach {
    Reach::Skip {
        reason: reason.to_owned(),
        raw: raw.trim().to_owned(),
    }
}

/// Why a stored phone number cannot be texted, or `None` when it can: it must be E.164
/// (`+` and 8 to 15 digits, no leading zero) and not a placeholder such as `+0000000000`.
pub fn phone_problem(phone: &str) -> Option<&'static str> {
    let phone = phone.trim().trim_start_matches("whatsapp:");
    if phone.is_empty() {
        return Some("No phone number or email address.");
    }
    let Some(digits) = phone.strip_prefix('+') else {
        return Some("Invalid phone number: not in international (+…) form.");
    };
    if !(8..=15).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Some("Invalid phone number.");
    }
    let zeros = digits.chars().filter(|c| *c == '0').count();
    let repeated = digits.chars().all(|c| digits.ends_with(c));
    if digits.starts_with('0') || zeros + 3 >= digits.len() || repeated {
        return Some("Placeholder phone number.");
    }
    None
}

impl MessagingSettings {
    /// The outbox channel that delivers `medium` under these settings.
    pub fn channel_for(&self, medium: Medium) -> &'static str {
        match (medium, self.sms, self.whatsapp, self.email) {
            (Medium::Sms, Transport::Twilio, _, _) => "sms",
            (Medium::Whatsapp, _, Transport::Twilio, _) => "whatsapp",
            (Medium::Email, _, _, Transport::Smtp) => "email",
            _ => "console",
        }
    }
}

/// A recipient as pages, the API and logs show it: enough to recognise, not to use.
/// `+233244123456` → `+233•••••3456`; `ada@example.com` → `a••@example.com`.
pub fn mask(recipient: &str) -> String {
    let (prefix, rest) = match recipient.strip_prefix("whatsapp:") {
        Some(rest) => ("whatsapp:", rest),
        None => ("", recipient),
    };
    if let Some((local, domain)) = rest.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{prefix}{first}••@{domain}");
    }
    let chars: Vec<char> = rest.chars().collect();
    if chars.len() <= 6 {
        return format!("{prefix}{}", "•".repeat(chars.len()));
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{prefix}{head}{}{tail}", "•".repeat(chars.len() - 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact<'a>(phone: &'a str, email: Option<&'a str>, preferred: &'a str) -> Contact<'a> {
        Contact {
            phone,
            email,
            preferred_channel: preferred,
            is_walk_in: false,
        }
    }

    #[test]
    fn customers_are_reached_on_their_preferred_channel_falling_back_to_sms() {
        let phone = "+233244123456";
        let email = Some("ada@example.com");
        assert_eq!(
            customer_reach(&contact(phone, email, "email")),
            to(Medium::Email, "ada@example.com")
        );
        assert_eq!(
            customer_reach(&contact(phone, None, "email")),
            to(Medium::Sms, phone)
        );
        assert_eq!(
            customer_reach(&contact(phone, None, "whatsapp")),
            to(Medium::Whatsapp, "whatsapp:+233244123456")
        );
        assert_eq!(
            customer_reach(&contact("", email, "sms")),
            to(Medium::Email, "ada@example.com")
        );
    }

    #[test]
    fn walk_in_placeholder_and_invalid_numbers_are_skipped() {
        let walk_in = Contact {
            is_walk_in: true,
            ..contact("+233244123456", None, "sms")
        };
        assert!(matches!(customer_reach(&walk_in), Reach::Skip { .. }));
        for bad in [
            "",
            "0244123456",
            "+0000000000",
            "+1000000000",
            "+12",
            "+1555abc4567",
            "+11111111111",
        ] {
            assert!(
                matches!(
                    customer_reach(&contact(bad, None, "sms")),
                    Reach::Skip { .. }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn recipients_are_masked() {
        assert_eq!(mask("+233244123456"), "+233•••••3456");
        assert_eq!(mask("whatsapp:+15551234567"), "whatsapp:+155••••4567");
        assert_eq!(mask("ada@example.com"), "a••@example.com");
        assert_eq!(mask(""), "");
    }
}
