//! Every URL the pages link to, in one place, so templates and redirects never disagree.

pub const HOME: &str = "/";
pub const LOGIN: &str = "/login";
pub const LOGOUT: &str = "/logout";
pub const HEALTH: &str = "/health/";
pub const ACCOUNT: &str = "/account";
pub const ACCOUNT_PASSWORD: &str = "/account/password";
pub const ACCOUNT_SIGN_OUT_EVERYWHERE: &str = "/account/sign-out-everywhere";
pub const SITE_SWITCH: &str = "/site-switch";
pub const KEEPALIVE: &str = "/session/keepalive";
pub const SETUP_PREFIX: &str = "/setup/";
/// Public invoice and receipt links: `/share/{token}` and `/share/{token}/receipt`.
pub const SHARE_PREFIX: &str = "/share/";
/// The business logo printed on documents (`WORKSHOP_LOGO_PATH`).
pub const LOGO: &str = "/logo";

/// Where an invited staff member chooses their password.
pub const INVITE_PREFIX: &str = "/invite/";

/// The link of a staff invitation, as its email carries it.
pub fn invite(base_url: &str, token: &str) -> String {
    format!("{base_url}{INVITE_PREFIX}{token}")
}

/// The public link of an invoice (A4), as a customer opens it without signing in.
pub fn share(base_url: &str, token: &str) -> String {
    format!("{base_url}{SHARE_PREFIX}{token}")
}

/// The public link of an invoice's receipt.
pub fn share_receipt(base_url: &str, token: &str) -> String {
    format!("{}/receipt", share(base_url, token))
}

/// The sign-in page, coming back to `next` afterwards.
pub fn login_with_next(next: &str) -> String {
    if next == HOME || next.is_empty() {
        LOGIN.to_owned()
    } else {
        format!(
            "{LOGIN}?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        )
    }
}

/// `next` if it is a path on this site, else home: a sign-in link must never send a user to
/// another site (open redirect) or back to the sign-in page.
pub fn safe_local_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with(LOGIN)
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => HOME.to_owned(),
    }
}

/// The first-run setup page for a token.
pub fn setup(token: &str) -> String {
    format!("{SETUP_PREFIX}{token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_local_path(Some("/customers?page=2")),
            "/customers?page=2"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/login?next=/x",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_local_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_local_path(None), "/");
    }

    #[test]
    fn the_return_path_is_encoded_in_the_login_link() {
        assert_eq!(
            login_with_next("/customers?q=a b"),
            "/login?next=%2Fcustomers%3Fq%3Da+b"
        );
        assert_eq!(login_with_next("/"), "/login");
    }
}
