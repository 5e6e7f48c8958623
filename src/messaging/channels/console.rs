//! The default channel: the message is written to the log and counts as sent. The recipient
//! is masked and public-link tokens are cut short, so the log holds nothing to misuse.

use super::Delivery;
use crate::db::outbox::Claimed;
use crate::messaging::address::mask;

pub fn send(message: &Claimed) -> Delivery {
    tracing::info!(
        id = message.id,
        kind = %message.kind,
        to = %mask(&message.recipient),
        subject = %message.subject,
        body = %hide_tokens(&message.body_text),
        "message delivered on the console channel"
    );
    Delivery::Sent(None)
}

/// `…/share/abcdef123…` → `…/share/abcd…`: enough to recognise a link, not to open it.
pub fn hide_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("/share/") {
        let (before, after) = rest.split_at(at + "/share/".len());
        out.push_str(before);
        let token_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        out.push_str(&after[..token_len.min(4)]);
        if token_len > 4 {
            out.push('…');
        }
        rest = &after[token_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn public_link_tokens_are_cut_short() {
        assert_eq!(
            super::hide_tokens("See https://x.test/share/abcdefgh/receipt now"),
            "See https://x.test/share/abcd…/receipt now"
        );
        assert_eq!(super::hide_tokens("no link"), "no link");
    }
}
