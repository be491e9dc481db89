//! The grammar: nom parsers named after the ABNF rules of RFC 5321 and the extension RFCs.
//!
//! Everything here is `pub(crate)`. Parsers work on complete input (`&[u8]` holding one
//! line without its CRLF, or one reply) and return slices of it; the types in
//! [`crate::types`] turn those slices into owned values with [`share`] (`Bytes::slice`), so parsed
//! values share the input buffer instead of copying it.
//!
//! The character classes below are the core rules of RFC 5234 Appendix B.1 and the
//! terminals of RFC 5321 §4.1.2, as `const fn` predicates so nom's `take_while` can use them.

pub(crate) mod address;
pub(crate) mod command;
pub(crate) mod ehlo;
pub(crate) mod params;
pub(crate) mod reply;

use crate::error::{DecodeError, DecodeErrorKind};

/// The error type of every parser here: a static reason, and optionally the error kind
/// (and so the reply code) when the parser knows better than its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PError {
    pub(crate) reason: &'static str,
    pub(crate) kind: Option<DecodeErrorKind>,
}

impl PError {
    pub(crate) const fn new(reason: &'static str) -> Self {
        Self { reason, kind: None }
    }

    pub(crate) const fn with_kind(kind: DecodeErrorKind, reason: &'static str) -> Self {
        Self { reason, kind: Some(kind) }
    }

    /// A nom failure (no backtracking) with this reason.
    pub(crate) const fn fail<T>(reason: &'static str) -> Result<T, nom::Err<Self>> {
        Err(nom::Err::Failure(Self::new(reason)))
    }

    /// The public error, using `default` unless the parser chose a kind.
    pub(crate) const fn into_decode_error(self, default: DecodeErrorKind) -> DecodeError {
        let kind = match self.kind {
            Some(k) => k,
            None => default,
        };
        DecodeError::new(kind, self.reason)
    }
}

impl<I> nom::error::ParseError<I> for PError {
    fn from_error_kind(_input: I, _kind: nom::error::ErrorKind) -> Self {
        Self::new("syntax error")
    }

    fn append(_input: I, _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // Prefer the more specific of two alternatives' errors.
        if other.reason != "syntax error" { other } else { self }
    }
}

/// The result type of every parser here.
pub(crate) type PResult<'a, T> = nom::IResult<&'a [u8], T, PError>;

/// Flattens a nom error into a [`PError`] (`Incomplete` cannot happen on complete input).
pub(crate) fn flatten(err: nom::Err<PError>) -> PError {
    match err {
        nom::Err::Error(e) | nom::Err::Failure(e) => e,
        nom::Err::Incomplete(_) => PError::new("incomplete input"),
    }
}

/// Octet classes as bit flags, looked up in one table load on the hot paths.
pub(crate) mod class {
    /// `Let-dig / "-"`, or a non-ASCII octet (part of a U-label, RFC 6531 §3.3).
    pub(crate) const DOMAIN: u8 = 1;
    /// `atext`, or a non-ASCII octet (RFC 6531 §3.3 `atext =/ UTF8-non-ascii`).
    pub(crate) const ATEXT: u8 = 2;

    /// `ALPHA / DIGIT / "+" / "/"`: a base64 character other than the `=` padding
    /// (RFC 4648 §4).
    pub(crate) const BASE64: u8 = 4;

    /// `ALPHA / DIGIT / "-"`: an `esmtp-keyword` character after the first (RFC 5321 §4.1.2).
    pub(crate) const ESMTP_KEYWORD: u8 = 8;
    /// `%d33-60 / %d62-126`, or a non-ASCII octet: an `esmtp-value` character (RFC 5321
    /// §4.1.2, RFC 6531 §3.3 `UTF8-non-ascii`).
    pub(crate) const ESMTP_VALUE: u8 = 16;

    /// `xchar` (RFC 3461 §4): an octet xtext carries as itself.
    pub(crate) const XCHAR: u8 = 32;

    const fn build() -> [u8; 256] {
        let mut t = [0u8; 256];
        let mut c = 0;
        while c < 256 {
            let b = c as u8;
            if super::is_ldh(b) || b >= 0x80 {
                t[c] |= DOMAIN;
            }
            if super::is_atext(b) || b >= 0x80 {
                t[c] |= ATEXT;
            }
            if super::is_esmtp_keyword_char(b) {
                t[c] |= ESMTP_KEYWORD;
            }
            if super::is_esmtp_value_char(b) || b >= 0x80 {
                t[c] |= ESMTP_VALUE;
            }
            if super::is_xchar(b) {
                t[c] |= XCHAR;
            }
            if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' {
                t[c] |= BASE64;
            }
            c += 1;
        }
        t
    }

    /// The table.
    pub(crate) static TABLE: [u8; 256] = build();

    /// Length of the run at the start of `s` whose octets all have `flag`.
    #[inline]
    pub(crate) fn run(s: &[u8], flag: u8) -> usize {
        s.iter().position(|&c| TABLE[usize::from(c)] & flag == 0).unwrap_or(s.len())
    }
}

/// Position of the first `needle` in a short input; cheaper than `memchr` on the few octets
/// of a verb or a parameter, where memchr's set-up dominates.
#[inline]
pub(crate) fn find_short(s: &[u8], needle: u8) -> Option<usize> {
    s.iter().position(|&c| c == needle)
}

/// `part` (a subslice of `src`) as an owned slice of `src`: `Bytes::slice_ref` without its
/// checks, which every caller here meets by construction (the offset is computed from the
/// pointers, and a debug assertion guards the containment).
#[inline]
pub(crate) fn share(src: &bytes::Bytes, part: &[u8]) -> bytes::Bytes {
    if part.is_empty() {
        return bytes::Bytes::new();
    }
    let start = (part.as_ptr() as usize).wrapping_sub(src.as_ptr() as usize);
    debug_assert!(start <= src.len() && part.len() <= src.len() - start);
    src.slice(start..start + part.len())
}

/// `Let-dig = ALPHA / DIGIT` (RFC 5321 §4.1.2).
#[inline]
pub(crate) const fn is_let_dig(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// `Ldh-str` characters: `ALPHA / DIGIT / "-"` (RFC 5321 §4.1.2).
#[inline]
pub(crate) const fn is_ldh(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// `atext` (RFC 5322 §3.2.3), used by `Atom` in RFC 5321 §4.1.2:
/// `ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "/" / "=" / "?" /
/// "^" / "_" / "`" / "{" / "|" / "}" / "~"`.
#[inline]
pub(crate) const fn is_atext(c: u8) -> bool {
    matches!(c,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'/' | b'='
        | b'?' | b'^' | b'_' | b'`' | b'{' | b'|' | b'}' | b'~')
}

/// `qtextSMTP = %d32-33 / %d35-91 / %d93-126` (RFC 5321 §4.1.2).
#[inline]
pub(crate) const fn is_qtext_smtp(c: u8) -> bool {
    matches!(c, 32..=33 | 35..=91 | 93..=126)
}

/// `quoted-pairSMTP = %d92 %d32-126` (RFC 5321 §4.1.2): the octet after the backslash.
#[inline]
pub(crate) const fn is_quoted_pair_char(c: u8) -> bool {
    matches!(c, 32..=126)
}

/// `esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")` (RFC 5321 §4.1.2): the tail.
#[inline]
pub(crate) const fn is_esmtp_keyword_char(c: u8) -> bool {
    is_ldh(c)
}

/// `esmtp-value = 1*(%d33-60 / %d62-126)` (RFC 5321 §4.1.2): any CHAR excluding "=", SP
/// and control characters. RFC 6531 §3.3 extends it with UTF-8 non-ASCII (`UTF8-non-ascii`);
/// callers that allow that check non-ASCII octets as UTF-8 separately.
#[inline]
pub(crate) const fn is_esmtp_value_char(c: u8) -> bool {
    matches!(c, 33..=60 | 62..=126)
}

/// `xchar = %x21-2A / %x2C-3C / %x3E-7E` (RFC 3461 §4): the octets xtext carries as
/// themselves; "+" and "=" must be hex-encoded.
#[inline]
pub(crate) const fn is_xchar(c: u8) -> bool {
    matches!(c, 0x21..=0x2A | 0x2C..=0x3C | 0x3E..=0x7E)
}

/// Parses a non-empty run of ASCII digits as `u64`.
///
/// Returns `None` for an empty input, a non-digit, or a value that does not fit in 64
/// bits (21 or more digits, or 20 digits above `u64::MAX`): numbers never wrap.
#[inline]
pub(crate) fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 20 {
        return None;
    }
    let mut n: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_u64_never_wraps() {
        assert_eq!(parse_u64(b"0"), Some(0));
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b"000000000000000000001"), None, "21 digits");
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"12a"), None);
        assert_eq!(parse_u64(b"-1"), None);
    }

    #[test]
    fn classes_follow_the_abnf() {
        assert!(is_qtext_smtp(b' ') && !is_qtext_smtp(b'"') && !is_qtext_smtp(b'\\'));
        assert!(
            is_esmtp_value_char(b'!') && !is_esmtp_value_char(b'=') && !is_esmtp_value_char(b' ')
        );
        assert!(is_xchar(b'!') && !is_xchar(b'+') && !is_xchar(b'='));
        assert!(is_atext(b'~') && !is_atext(b'.') && !is_atext(b'@'));
    }
}
