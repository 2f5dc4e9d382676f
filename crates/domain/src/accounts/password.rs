//! Password rules and argon2id hashing.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use super::{AccountError, AccountResult};

pub const MIN_CHARS: usize = 12;
/// Hashing cost grows with the input; nobody types more.
pub const MAX_CHARS: usize = 256;

/// Passwords that are too common to protect an account, one per line (compared without case).
/// Shorter ones are refused by the length rule already, so the file lists long ones.
const COMMON: &str = include_str!("../../data/common-passwords.txt");

fn common() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON
            .lines()
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// Check a new password against the rules; the error is a German message for the form.
pub fn check_rules(password: &str) -> AccountResult<()> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(AccountError::WeakPassword(
            "Das Passwort muss mindestens 12 Zeichen lang sein.",
        ));
    }
    if chars > MAX_CHARS {
        return Err(AccountError::WeakPassword(
            "Das Passwort darf höchstens 256 Zeichen lang sein.",
        ));
    }
    let lower = password.to_lowercase();
    let first = lower.chars().next();
    if common().contains(&lower) || lower.chars().all(|c| Some(c) == first) {
        return Err(AccountError::WeakPassword(
            "Dieses Passwort ist zu verbreitet und leicht zu erraten. Bitte wählen Sie ein anderes, z. B. einen Satz aus mehreren Wörtern.",
        ));
    }
    Ok(())
}

/// argon2id with the crate's recommended parameters and a random salt, as a PHC string.
pub fn hash(password: &str) -> AccountResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Does `password` match the stored PHC string? A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// At most this many argon2 runs at once (each takes about 19 MiB and a core for tens of
/// milliseconds): a burst of sign-ins queues here instead of exhausting memory.
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores.clamp(1, 8))
    })
}

/// Run `work` on tokio's blocking pool, never on the async worker threads, so a burst of
/// sign-ins does not stall every other request.
async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> AccountResult<T> {
    let _permit = hashing_permits()
        .acquire()
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// [`hash`] off the async worker threads.
pub async fn hash_blocking(password: &str) -> AccountResult<String> {
    let password = password.to_owned();
    off_the_workers(move || hash(&password)).await?
}

/// [`verify`] off the async worker threads.
pub async fn verify_blocking(password: &str, stored: &str) -> AccountResult<bool> {
    let (password, stored) = (password.to_owned(), stored.to_owned());
    off_the_workers(move || verify(&password, &stored)).await
}

/// [`verify`] against `stored`, or against [`dummy_hash`] when there is no stored hash, off
/// the async worker threads: the dummy hash is computed on first use, and that argon2 run
/// belongs on the blocking pool as much as every other.
pub async fn verify_or_dummy_blocking(password: &str, stored: Option<&str>) -> AccountResult<bool> {
    let (password, stored) = (password.to_owned(), stored.map(str::to_owned));
    off_the_workers(move || match &stored {
        Some(stored) => verify(&password, stored),
        None => verify(&password, dummy_hash()),
    })
    .await
}

/// A hash to verify against when the account does not exist, so an unknown address takes as
/// long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("kein-echtes-passwort-nur-zum-zeitausgleich").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_common_and_monotonous_passwords_are_refused() {
        assert!(check_rules("kurz").is_err());
        assert!(check_rules("elf-zeichen").is_err());
        assert!(check_rules("Passwort1234").is_err());
        assert!(check_rules("ICHLIEBEDICH").is_err());
        assert!(check_rules("aaaaaaaaaaaaaaa").is_err());
        assert!(check_rules(&"x1".repeat(200)).is_err());
        assert!(check_rules("Partheland-Rathaus-Naunhof").is_ok());
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verify_only_the_right_password() {
        let a = hash("Partheland-Rathaus-Naunhof").expect("hash");
        let b = hash("Partheland-Rathaus-Naunhof").expect("hash");
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "random salt");
        assert!(verify("Partheland-Rathaus-Naunhof", &a));
        assert!(!verify("partheland-rathaus-naunhof", &a));
        assert!(!verify("Partheland-Rathaus-Naunhof", "kein hash"));
    }
}
