//! [`Mechanism`]: SASL mechanism names as used by SMTP AUTH (RFC 4954).
//!
//! RFC 4422 §3.1:
//!
//! ```text
//! sasl-mech    = 1*20mech-char
//! mech-char    = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE
//! ```
//!
//! RFC 4954 §8 says implementations MUST accept these names case-insensitively, so parsing
//! folds case and the canonical (upper-case) form is what is stored and displayed.

use std::fmt;
use std::str::FromStr;

use bytes::Bytes;

use crate::error::{DecodeError, DecodeErrorKind};
use crate::types::Text;

/// The longest SASL mechanism name, 20 characters (RFC 4422 §3.1: `1*20mech-char`).
pub const MAX_MECHANISM_LEN: usize = 20;

/// `mech-char = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE` (RFC 4422 §3.1), after case
/// folding.
#[inline]
const fn is_mech_char(c: u8) -> bool {
    MECH_CHARS[c as usize]
}

/// [`is_mech_char`] as a table: one load per octet.
static MECH_CHARS: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = matches!(c as u8, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_');
        c += 1;
    }
    t
};

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

macro_rules! mechanism_keys {
    ($($name:ident = $text:literal;)*) => {
        /// The known mechanisms and their canonical names (kept in step with `known`).
        const KNOWN: &[(Mechanism, &str)] = &[$((Mechanism::$name, $text)),*];

        impl Mechanism {
            /// The known mechanism `name` stands for, ignoring case (RFC 4954 §8): one
            /// integer match on its [`FoldedKey`](crate::parse::reply::FoldedKey).
            #[inline]
            fn known(name: &[u8]) -> Option<Mechanism> {
                Mechanism::known_key(crate::parse::reply::folded_key(name))
            }

            /// [`known`](Self::known) the name with this
            /// [`FoldedKey`](crate::parse::reply::FoldedKey).
            #[inline(always)]
            fn known_key(key: crate::parse::reply::FoldedKey) -> Option<Mechanism> {
                crate::parse::reply::match_folded!(key, Mechanism { $($name = $text;)* })
            }
        }
    };
}

mechanism_keys! {
    Plain = "PLAIN";
    Login = "LOGIN";
    CramMd5 = "CRAM-MD5";
    DigestMd5 = "DIGEST-MD5";
    XOAuth2 = "XOAUTH2";
    OAuthBearer = "OAUTHBEARER";
    ScramSha1 = "SCRAM-SHA-1";
    ScramSha1Plus = "SCRAM-SHA-1-PLUS";
    ScramSha256 = "SCRAM-SHA-256";
    ScramSha256Plus = "SCRAM-SHA-256-PLUS";
    Gssapi = "GSSAPI";
    Ntlm = "NTLM";
    External = "EXTERNAL";
    Anonymous = "ANONYMOUS";
}

/// Whether `name` is a `sasl-mech` (RFC 4422 §3.1): 1 to 20 `mech-char`s, in either case.
#[inline]
fn is_sasl_mech(name: &[u8]) -> bool {
    !name.is_empty() && name.len() <= MAX_MECHANISM_LEN && name.iter().all(|&c| is_mech_char(c))
}

impl Mechanism {
    /// Parses a `sasl-mech` (RFC 4422 §3.1), case-insensitively.
    ///
    /// Returns `None` unless `name` is 1 to 20 characters of `A-Z a-z 0-9 - _`.
    pub fn parse(name: &[u8]) -> Option<Mechanism> {
        if let Some(known) = Mechanism::known(name) {
            return Some(known);
        }
        if !is_sasl_mech(name) {
            return None;
        }
        // Checked above: ASCII only, so this is valid UTF-8.
        let upper = String::from_utf8(name.to_ascii_uppercase()).ok()?;
        Some(Mechanism::Other(MechanismName(Text::from(upper))))
    }

    /// [`parse`](Self::parse) for a name that lies in `base`: the name of an unknown
    /// mechanism shares `base` when it is already upper case, as servers send them.
    pub(crate) fn parse_shared(base: &Bytes, name: &[u8]) -> Option<Mechanism> {
        // A known name is a valid one: look it up before checking the characters.
        if let Some(known) = Mechanism::known(name) {
            return Some(known);
        }
        if !is_sasl_mech(name) {
            return None;
        }
        if name.iter().any(u8::is_ascii_lowercase) {
            return Mechanism::parse(name);
        }
        Some(Mechanism::Other(MechanismName(Text::from_checked(base.slice_ref(name)))))
    }

    /// Its bit in a set of the known mechanisms; 0 for [`Mechanism::Other`].
    pub(crate) fn known_bit(&self) -> u32 {
        let i = match self {
            Mechanism::Plain => 0,
            Mechanism::Login => 1,
            Mechanism::CramMd5 => 2,
            Mechanism::DigestMd5 => 3,
            Mechanism::XOAuth2 => 4,
            Mechanism::OAuthBearer => 5,
            Mechanism::ScramSha1 => 6,
            Mechanism::ScramSha1Plus => 7,
            Mechanism::ScramSha256 => 8,
            Mechanism::ScramSha256Plus => 9,
            Mechanism::Gssapi => 10,
            Mechanism::Ntlm => 11,
            Mechanism::External => 12,
            Mechanism::Anonymous => 13,
            Mechanism::Other(_) => return 0,
        };
        1 << i
    }

    /// The [`known_bit`](Self::known_bit) of the mechanism `name` names (0 when it names
    /// none of the known ones), without building it.
    #[inline]
    pub(crate) fn known_bit_of(name: &[u8]) -> u32 {
        Mechanism::known(name).map_or(0, |m| m.known_bit())
    }

    /// [`known_bit_of`](Self::known_bit_of) the name with this
    /// [`FoldedKey`](crate::parse::reply::FoldedKey).
    #[inline]
    pub(crate) fn known_bit_of_key(key: crate::parse::reply::FoldedKey) -> u32 {
        Mechanism::known_key(key).map_or(0, |m| m.known_bit())
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

impl FromStr for Mechanism {
    type Err = DecodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mechanism::parse(s.as_bytes())
            .ok_or(DecodeError::new(DecodeErrorKind::Syntax, "invalid SASL mechanism name"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_round_trip_case_insensitively() {
        for (mech, name) in KNOWN {
            assert_eq!(Mechanism::parse(name.as_bytes()).as_ref(), Some(mech));
            let lower = name.to_ascii_lowercase();
            assert_eq!(Mechanism::parse(lower.as_bytes()).as_ref(), Some(mech));
            assert_eq!(mech.as_str(), *name);
            assert_eq!(mech.to_string(), *name);
        }
    }

    /// RFC 4422 §3.1: 1*20 characters of A-Z, 0-9, "-", "_".
    #[test]
    fn sasl_mech_syntax_is_enforced() {
        assert_eq!(Mechanism::parse(b""), None);
        assert_eq!(Mechanism::parse(b"A234567890123456789012"), None, "21 chars");
        assert!(Mechanism::parse(b"A2345678901234567890").is_some(), "20 chars");
        assert_eq!(Mechanism::parse(b"PL AIN"), None);
        assert_eq!(Mechanism::parse(b"PLAIN="), None);
        assert_eq!(Mechanism::parse("PLÄIN".as_bytes()), None);
        let other = Mechanism::parse(b"x-my_mech").unwrap();
        assert_eq!(other.as_str(), "X-MY_MECH");
        assert!(matches!(other, Mechanism::Other(_)));
    }

    /// Every known mechanism has a bit of its own.
    #[test]
    fn known_bits_are_distinct() {
        let bits: Vec<u32> = KNOWN.iter().map(|(m, _)| m.known_bit()).collect();
        assert!(bits.iter().all(|b| b.count_ones() == 1));
        assert_eq!(bits.iter().fold(0, |a, b| a | b).count_ones() as usize, KNOWN.len());
        assert_eq!(Mechanism::parse(b"X-OTHER").unwrap().known_bit(), 0);
        assert_eq!(Mechanism::known_bit_of(b"cram-md5"), Mechanism::CramMd5.known_bit());
    }

    #[test]
    fn properties() {
        assert!(Mechanism::Plain.is_plaintext() && Mechanism::Login.is_plaintext());
        assert!(!Mechanism::ScramSha256.is_plaintext());
        assert!(Mechanism::ScramSha256Plus.uses_channel_binding());
        assert!(!Mechanism::ScramSha256.uses_channel_binding());
        assert!("".parse::<Mechanism>().is_err());
    }
}
