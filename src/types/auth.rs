//! [`Mechanism`]: SASL mechanism names as used by SMTP AUTH (RFC 4954).
//!
//! RFC 4422 §3.1:
//!
//! ```text
//! sasl-mech    = 1*20mech-char
//! mech-char    = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE
//! ```
//!
//! RFC 4954 §8 says implementations MUST accept these names case-insensitively, so the
//! canonical (upper-case) form is what is stored and displayed. Reading a name
//! (`Mechanism::parse`, `FromStr`) is the codec's business; the grammar is `sasl_mech` in
//! the parse layer.

use std::fmt;

use crate::types::Text;

/// The longest SASL mechanism name, 20 characters (RFC 4422 §3.1: `1*20mech-char`).
pub const MAX_MECHANISM_LEN: usize = 20;

/// A SASL mechanism this crate has no variant for, kept by its canonical (upper-case)
/// name.
///
/// The name follows `sasl-mech = 1*20mech-char` (RFC 4422 §3.1); the only way to build one
/// is [`Mechanism::parse`] (or `FromStr`), so it never holds a name one of the
/// [`Mechanism`] variants stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MechanismName(Text);

impl MechanismName {
    /// The upper-case name.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for MechanismName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A SASL mechanism name (RFC 4422 §3.1 `sasl-mech`), as offered in the EHLO `AUTH`
/// keyword and named in the `AUTH` command (RFC 4954 §3, §4).
///
/// Parsing is case-insensitive (RFC 4954 §8); [`Display`](fmt::Display) and
/// [`as_str`](Self::as_str) give the canonical upper-case name.
///
/// ```
/// use esmtp::Mechanism;
/// assert_eq!(Mechanism::parse(b"cram-md5"), Some(Mechanism::CramMd5));
/// assert_eq!("SCRAM-SHA-256-PLUS".parse::<Mechanism>().unwrap().as_str(), "SCRAM-SHA-256-PLUS");
/// assert_eq!(Mechanism::parse(b"X-UNKNOWN").unwrap().as_str(), "X-UNKNOWN");
/// assert_eq!(Mechanism::parse(b"NOT VALID"), None);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mechanism {
    /// `PLAIN` (RFC 4616): authorization id, user name and password in one message.
    Plain,
    /// `LOGIN`: the non-standard but ubiquitous user-name-then-password exchange.
    Login,
    /// `CRAM-MD5` (RFC 2195): HMAC-MD5 challenge/response.
    CramMd5,
    /// `DIGEST-MD5` (RFC 2831, historic per RFC 6331): recognised, not recommended.
    DigestMd5,
    /// `XOAUTH2`: Google's and Microsoft's OAuth 2.0 bearer-token mechanism.
    XOAuth2,
    /// `OAUTHBEARER` (RFC 7628).
    OAuthBearer,
    /// `SCRAM-SHA-1` (RFC 5802).
    ScramSha1,
    /// `SCRAM-SHA-1-PLUS` (RFC 5802), with channel binding.
    ScramSha1Plus,
    /// `SCRAM-SHA-256` (RFC 7677).
    ScramSha256,
    /// `SCRAM-SHA-256-PLUS` (RFC 7677), with channel binding.
    ScramSha256Plus,
    /// `GSSAPI` (RFC 4752): Kerberos V5.
    Gssapi,
    /// `NTLM`: Microsoft's challenge/response mechanism.
    Ntlm,
    /// `EXTERNAL` (RFC 4422 Appendix A): identity from the transport (a TLS client
    /// certificate).
    External,
    /// `ANONYMOUS` (RFC 4505).
    Anonymous,
    /// Any other valid mechanism name, kept.
    Other(MechanismName),
}

/// The known mechanisms and their canonical names.
const KNOWN: &[(Mechanism, &str)] = &[
    (Mechanism::Plain, "PLAIN"),
    (Mechanism::Login, "LOGIN"),
    (Mechanism::CramMd5, "CRAM-MD5"),
    (Mechanism::DigestMd5, "DIGEST-MD5"),
    (Mechanism::XOAuth2, "XOAUTH2"),
    (Mechanism::OAuthBearer, "OAUTHBEARER"),
    (Mechanism::ScramSha1, "SCRAM-SHA-1"),
    (Mechanism::ScramSha1Plus, "SCRAM-SHA-1-PLUS"),
    (Mechanism::ScramSha256, "SCRAM-SHA-256"),
    (Mechanism::ScramSha256Plus, "SCRAM-SHA-256-PLUS"),
    (Mechanism::Gssapi, "GSSAPI"),
    (Mechanism::Ntlm, "NTLM"),
    (Mechanism::External, "EXTERNAL"),
    (Mechanism::Anonymous, "ANONYMOUS"),
];

impl Mechanism {
    /// The mechanism a `sasl-mech` names (RFC 4422 §3.1), the grammar having checked it:
    /// a known one whatever its case (RFC 4954 §8), else [`Mechanism::Other`] under its
    /// upper-case name.
    pub(crate) fn from_sasl_mech(name: &str) -> Mechanism {
        match KNOWN.iter().find(|(_, known)| known.eq_ignore_ascii_case(name)) {
            Some((known, _)) => known.clone(),
            None => Mechanism::Other(MechanismName(Text::from(name.to_ascii_uppercase()))),
        }
    }

    /// The canonical, upper-case name.
    pub fn as_str(&self) -> &str {
        match self {
            Mechanism::Other(name) => name.as_str(),
            known => KNOWN.iter().find(|(m, _)| m == known).map(|(_, s)| *s).unwrap_or_default(),
        }
    }

    /// Whether the mechanism sends the password itself (`PLAIN`, `LOGIN`): such mechanisms
    /// are for TLS-protected sessions only (RFC 4954 §4, RFC 4616 §6).
    pub fn is_plaintext(&self) -> bool {
        matches!(self, Mechanism::Plain | Mechanism::Login)
    }

    /// Whether the mechanism binds to the TLS channel (`*-PLUS`, RFC 5802 §6).
    pub fn uses_channel_binding(&self) -> bool {
        matches!(self, Mechanism::ScramSha1Plus | Mechanism::ScramSha256Plus)
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_are_found_in_any_case() {
        for (mech, name) in KNOWN {
            assert_eq!(&Mechanism::from_sasl_mech(name), mech);
            assert_eq!(&Mechanism::from_sasl_mech(&name.to_ascii_lowercase()), mech);
            assert_eq!(mech.as_str(), *name);
            assert_eq!(mech.to_string(), *name);
        }
        let other = Mechanism::from_sasl_mech("x-my_mech");
        assert_eq!(other.as_str(), "X-MY_MECH");
        assert!(matches!(other, Mechanism::Other(_)));
    }

    #[test]
    fn properties() {
        assert!(Mechanism::Plain.is_plaintext() && Mechanism::Login.is_plaintext());
        assert!(!Mechanism::ScramSha256.is_plaintext());
        assert!(Mechanism::ScramSha256Plus.uses_channel_binding());
        assert!(!Mechanism::ScramSha256.uses_channel_binding());
    }
}
