//! The minimum strength of a staff password: long enough, not a well-known password, and not
//! a repetition of the account's own email or name.

/// Shortest accepted password. Length beats composition rules (NIST SP 800-63B).
pub const MIN_LENGTH: usize = 10;
/// Longest accepted password; argon2 cost grows with input, so cap it.
pub const MAX_LENGTH: usize = 256;

/// Shown next to the confirmation field wherever a password is chosen (first superuser, My
/// account, an invitation), so every form says it the same way.
pub const CONFIRM_DIFFERS: &str = "The two passwords do not match.";

const COMMON: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "iloveyou12",
    "letmein123",
    "welcome123",
    "admin12345",
    "administrator",
    "changeme12",
    "workshop123",
    "abcdefghij",
    "0987654321",
    "1q2w3e4r5t",
    "qwerty1234",
    "passw0rd12",
];

/// Checks a new password, returning the message to show next to the field.
pub fn check_new_password(password: &str, email: &str, name: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(format!("Use at least {MIN_LENGTH} characters."));
    }
    if length > MAX_LENGTH {
        return Err(format!("Use at most {MAX_LENGTH} characters."));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        return Err("This password is too common; choose another.".into());
    }
    let distinct: std::collections::HashSet<char> = lower.chars().collect();
    if distinct.len() < 5 {
        return Err("Use a less repetitive password.".into());
    }
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    let name = name.trim().to_lowercase();
    if (local.len() >= 4 && lower.contains(&local)) || (name.len() >= 4 && lower.contains(&name)) {
        return Err("Don't use your name or email in your password.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_new_password;

    #[test]
    fn short_common_repetitive_and_personal_passwords_are_refused() {
        for bad in [
            "short",
            "password123",
            "aaaaaaaaaaaa",
            "ababababab12",
            "my-adaline-pw",
        ] {
            assert!(
                check_new_password(bad, "adaline@example.com", "Ada").is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_long_unremarkable_password_is_accepted() {
        assert_eq!(
            check_new_password("green tractor 42", "ada@example.com", "Ada Lovelace"),
            Ok(())
        );
    }
}
