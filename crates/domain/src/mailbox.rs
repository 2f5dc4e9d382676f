//! Mailbox addresses shown on public pages (application, contact and municipality addresses)
//! and the `mailto:` links built from them.
//!
//! RFC 5322 allows far more in an address than a public mailbox of a municipality needs, and
//! some of it changes what a `mailto:` link does: `bewerbung@naunhof.de?bcc=spy@evil.example`
//! or percent-encoded variants of it make the applicant's mail client copy the application to
//! someone else. So public addresses are held to a plain shape, and links encode every byte
//! that is not plainly part of such an address.

use email_address::EmailAddress;

/// Characters of a local part beyond letters and digits: dot, hyphen, underscore, plus.
fn local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '+')
}

fn domain_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-')
}

/// Is `address` fit to be published as a mailbox: a valid address of the plain shape
/// `name@host.tld` (letters, digits and `.-_+` in the name, letters, digits, `.` and `-` in
/// the host), at most 254 bytes. `?`, `&`, `%`, `#`, `/`, `=`, quotes, brackets and blanks
/// are refused.
pub fn is_public(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    address.len() <= 254
        && !local.is_empty()
        && local.chars().all(local_char)
        && domain.contains('.')
        && domain.chars().all(domain_char)
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && EmailAddress::is_valid(address)
}

/// `mailto:` link for `address`, every byte other than ASCII letters, digits, `.-_+` and the
/// one `@` between name and host percent-encoded. An address stored before [`is_public`]
/// existed can therefore add no header (`?`, `&`) and no second recipient (`%40`, `,`).
pub fn mailto(address: &str) -> String {
    let at = address.rfind('@');
    let mut out = String::with_capacity(address.len() + 16);
    out.push_str("mailto:");
    for (i, b) in address.bytes().enumerate() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+') || Some(i) == at {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_addresses_are_public_and_query_or_encoding_tricks_are_not() {
        for ok in [
            "bewerbung@naunhof.de",
            "Personal.Amt-2@stadt-brandis.de",
            "ausbildung+2027@borsdorf.de",
            "info@großpösna.de",
        ] {
            assert!(is_public(ok), "{ok}");
        }
        for bad in [
            "bewerbung%40naunhof.de?bcc=spy%40evil.example&x@naunhof.de",
            "bewerbung@naunhof.de?bcc=spy@evil.example",
            "a&b@naunhof.de",
            "a%b@naunhof.de",
            "a?b@naunhof.de",
            "a#b@naunhof.de",
            "a/b@naunhof.de",
            "a=b@naunhof.de",
            "\"a b\"@naunhof.de",
            "a@[10.0.0.1]",
            "a@localhost",
            "a@naunhof.de.",
            "a,b@naunhof.de",
            "a'b@naunhof.de",
            "",
        ] {
            assert!(!is_public(bad), "{bad}");
        }
    }

    #[test]
    fn links_encode_everything_that_could_add_a_header_or_a_recipient() {
        assert_eq!(
            mailto("bewerbung@naunhof.de"),
            "mailto:bewerbung@naunhof.de"
        );
        assert_eq!(
            mailto("bewerbung%40naunhof.de?bcc=spy%40evil.example&x@naunhof.de"),
            "mailto:bewerbung%2540naunhof.de%3Fbcc%3Dspy%2540evil.example%26x@naunhof.de"
        );
        assert_eq!(mailto("a@b@c.de"), "mailto:a%40b@c.de");
        assert_eq!(mailto("info@pösna.de"), "mailto:info@p%C3%B6sna.de");
    }
}
