//! argon2id password hashing. Hashing is deliberately slow, so it always runs on the blocking
//! pool, and unknown emails are checked against a dummy hash so both paths take the same time.

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

/// A hash of a random password, verified against when the email is unknown.
static DUMMY_HASH: LazyLock<Option<String>> =
    LazyLock::new(|| hash_password("no such user, no such password").ok());

/// Hashes a password with argon2id and a random salt, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    Ok(Argon2::default()
        .hash_password(password.as_bytes())?
        .to_string())
}

/// Whether `password` matches the stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// Spends the time of one verification without a user, so a wrong email cannot be told apart
/// from a wrong password by the response time.
pub fn verify_against_dummy(password: &str) {
    if let Some(hash) = DUMMY_HASH.as_deref() {
        let _ = verify_password(password, hash);
    }
}

/// Hashes on tokio's blocking pool.
pub async fn hash_password_blocking(password: String) -> anyhow::Result<String> {
    let hashed = tokio::task::spawn_blocking(move || hash_password(&password)).await?;
    hashed.map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("Correct horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }
}
