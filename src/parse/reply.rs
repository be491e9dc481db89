//! The reply grammar: RFC 5321 §4.2, and the enhanced status codes of RFC 3463 §2 at the
//! start of reply text (RFC 2034 §4).
//!
//! ```text
//! Reply-line     = *( Reply-code "-" [ textstring ] CRLF )
//!                  Reply-code [ SP textstring ] CRLF
//! Reply-code     = %x32-35 %x30-35 %x30-39
//! textstring     = 1*(%d09 / %d32-126) ; HT, SP, Printable US-ASCII
//!
//! status-code    = class "." subject "." detail
//! class          = "2" / "4" / "5"
//! subject        = 1*3digit
//! detail         = 1*3digit
//! ```
//!
//! `Reply-line` spans the lines of a whole reply; the line framer (`crate::line`) splits
//! them at CRLF, so the parsers here take one line at a time, without its CRLF, and the
//! codec puts the lines of a reply together.

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::character::complete::one_of;
use nom::combinator::{all_consuming, eof, rest, value};

use crate::parse::{PError, PResult, flatten};
use crate::types::{EnhancedStatusCode, ReplyCode, StatusClass};

/// `Reply-code = %x32-35 %x30-35 %x30-39` (RFC 5321 §4.2).
pub(crate) fn reply_code(input: &[u8]) -> PResult<'_, ReplyCode> {
    let [a @ b'2'..=b'5', b @ b'0'..=b'5', c @ b'0'..=b'9', rest @ ..] = input else {
        return PError::error();
    };
    let [a, b, c] = [a, b, c].map(|d| u16::from(d - b'0'));
    match ReplyCode::new(a * 100 + b * 10 + c) {
        Ok(code) => Ok((rest, code)),
        Err(_) => PError::fail("reply code out of range"),
    }
}

/// One line of a reply (RFC 5321 §4.2 `Reply-line`), without its CRLF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReplyLine<'a> {
    /// The reply code.
    pub(crate) code: ReplyCode,
    /// `true` for `Reply-code [ SP textstring ]`, the last line of a reply; `false` for
    /// `Reply-code "-" [ textstring ]`.
    pub(crate) last: bool,
    /// The text after the separator (empty for a bare code).
    pub(crate) text: &'a [u8],
}

/// The separator after the code in a reply line: `"-"` when more lines follow, SP or
/// the end of the line on the last line (RFC 5321 §4.2). `true` for the last line.
fn separator(input: &[u8]) -> PResult<'_, bool> {
    match input {
        [b'-', rest @ ..] => Ok((rest, false)),
        [b' ', rest @ ..] => Ok((rest, true)),
        [] => Ok((input, true)),
        _ => PError::error(),
    }
}

/// `textstring = 1*(%d09 / %d32-126)` (RFC 5321 §4.2), with UTF-8 beyond ASCII (RFC 6531
/// §3.3 `UTF8-non-ascii`), read leniently: the rest of the line, whatever it holds. Real
/// servers send Latin-1 accents and stray control characters, and the reply code is what
/// a client acts on, so text never fails a reply; the codec replaces what is not valid
/// text with U+FFFD.
pub(crate) fn textstring(input: &[u8]) -> PResult<'_, &[u8]> {
    rest(input)
}

/// One `Reply-line` element (RFC 5321 §4.2): `Reply-code ( "-" / SP ) textstring`, or a
/// bare `Reply-code` as a last line (the text is optional, so `250` and `250 ` are both
/// complete last lines). `line` is one line without its CRLF.
pub(crate) fn reply_line(line: &[u8]) -> Result<ReplyLine<'_>, PError> {
    let (text, (code, last)) = (reply_code, separator).parse(line).map_err(|e| {
        let e = flatten(e);
        match e.reason {
            "syntax error" if line.len() < 3 => PError::new("reply line shorter than a reply code"),
            "syntax error" => {
                PError::new("reply line does not start with a reply code and a separator")
            }
            _ => e,
        }
    })?;
    let (_, text) = textstring(text).map_err(flatten)?;
    Ok(ReplyLine { code, last, text })
}

/// Whether the reply line that `start` begins says its reply goes on: `Some(true)` for
/// `Reply-code "-"`, `Some(false)` for `Reply-code` followed by SP, a line end or
/// nothing, `None` when `start` does not begin a reply line. The decoder uses it to find
/// the end of a reply it drops after an error, also from the first octets of a line it
/// has not got whole (RFC 5321 §4.2.1: the last line is the one without "-").
pub(crate) fn continues(start: &[u8]) -> Option<bool> {
    let goes_on =
        alt((value(true, tag(&b"-"[..])), value(false, one_of(" \r\n")), value(false, eof)));
    (reply_code, goes_on).parse(start).ok().map(|(_, (_, more))| more)
}

/// `1*3digit` (RFC 3463 §2: `subject`, `detail`).
fn one_to_three_digits(input: &[u8]) -> PResult<'_, u16> {
    let (digits, rest) =
        input.split_at(input.iter().take(3).take_while(|c| c.is_ascii_digit()).count());
    match digits {
        [] => PError::error(),
        _ => Ok((rest, digits.iter().fold(0, |n, &c| n * 10 + u16::from(c - b'0')))),
    }
}

/// `status-code = class "." subject "." detail` (RFC 3463 §2; in replies, RFC 2034 §4),
/// `class = "2" / "4" / "5"`, `subject = 1*3digit`, `detail = 1*3digit`.
pub(crate) fn enhanced_status_code(input: &[u8]) -> PResult<'_, EnhancedStatusCode> {
    let (class, rest) = match input {
        [b'2', b'.', rest @ ..] => (StatusClass::Success, rest),
        [b'4', b'.', rest @ ..] => (StatusClass::PersistentTransientFailure, rest),
        [b'5', b'.', rest @ ..] => (StatusClass::PermanentFailure, rest),
        _ => return PError::error(),
    };
    let (rest, subject) = one_to_three_digits(rest)?;
    let Some(rest) = rest.strip_prefix(b".") else {
        return PError::error();
    };
    let (rest, detail) = one_to_three_digits(rest)?;
    match EnhancedStatusCode::new(class, subject, detail) {
        Ok(code) => Ok((rest, code)),
        Err(_) => PError::fail("enhanced status code out of range"),
    }
}

/// The enhanced status code at the start of the text of a reply of `code`, and the text
/// after it (RFC 2034 §4): `status-code` followed by SP or the end of the text, whose
/// class is the first digit of the reply code ("a 2xx response must incorporate a 2.X.X
/// code, a 4xx response must incorporate a 4.X.X code, and a 5xx response must
/// incorporate a 5.X.X code"). `None` when the text does not start with one, and for 3xx
/// replies, which carry none.
pub(crate) fn leading_status_code(
    code: ReplyCode,
    text: &[u8],
) -> Option<(EnhancedStatusCode, &[u8])> {
    let class = code.status_class()?;
    let (rest, enhanced) = enhanced_status_code(text).ok()?;
    let rest = match rest {
        [b' ', rest @ ..] => rest,
        [] => rest,
        _ => return None,
    };
    (enhanced.class() == class).then_some((enhanced, rest))
}

/// `status-code` (RFC 3463 §2) as a whole string.
pub(crate) fn status_code(input: &[u8]) -> Option<EnhancedStatusCode> {
    all_consuming(enhanced_status_code).parse(input).ok().map(|(_, code)| code)
}

/// `Reply-code` (RFC 5321 §4.2) as a whole string.
pub(crate) fn whole_reply_code(input: &[u8]) -> Option<ReplyCode> {
    all_consuming(reply_code).parse(input).ok().map(|(_, code)| code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5321 §4.2: `%x32-35 %x30-35 %x30-39`, octet by octet.
    #[test]
    fn reply_code_follows_the_abnf() {
        for v in 0..1000u16 {
            let s = format!("{v:03}");
            let valid = (2..=5).contains(&(v / 100)) && v / 10 % 10 <= 5;
            assert_eq!(whole_reply_code(s.as_bytes()).map(ReplyCode::as_u16), valid.then_some(v));
        }
        assert_eq!(whole_reply_code(b"25"), None);
        assert_eq!(whole_reply_code(b"2500"), None);
    }

    #[test]
    fn reply_line_forms() {
        let l = reply_line(b"250-PIPELINING").unwrap();
        assert_eq!((l.code.as_u16(), l.last, l.text), (250, false, &b"PIPELINING"[..]));
        let l = reply_line(b"250 ok").unwrap();
        assert_eq!((l.last, l.text), (true, &b"ok"[..]));
        let l = reply_line(b"250").unwrap();
        assert_eq!((l.last, l.text), (true, &b""[..]));
        let l = reply_line(b"250 ").unwrap();
        assert_eq!((l.last, l.text), (true, &b""[..]));
        for bad in [&b"25"[..], b"250x", b"600 no", b"abc", b""] {
            assert!(reply_line(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn continuation_is_read_from_the_first_octets() {
        assert_eq!(continues(b"250-"), Some(true));
        assert_eq!(continues(b"250 "), Some(false));
        assert_eq!(continues(b"250\r"), Some(false));
        assert_eq!(continues(b"250"), Some(false));
        assert_eq!(continues(b"250x"), None);
        assert_eq!(continues(b"25"), None);
    }

    /// RFC 3463 §2: 1*3digit each, leading zeros allowed; values above 255 kept.
    #[test]
    fn enhanced_status_codes() {
        let ok = ReplyCode::OK;
        let (e, rest) = leading_status_code(ok, b"2.1.5 Ok").unwrap();
        assert_eq!((e.to_string(), rest), ("2.1.5".to_owned(), &b"Ok"[..]));
        let (e, rest) = leading_status_code(ok, b"2.001.010").unwrap();
        assert_eq!((e.subject(), e.detail(), rest), (1, 10, &b""[..]));
        let bounce = ReplyCode::MAILBOX_UNAVAILABLE;
        assert_eq!(leading_status_code(bounce, b"5.7.515 x").unwrap().0.detail(), 515);
        // The class must be the reply's; 3xx replies take none; SP or the end must follow.
        assert_eq!(leading_status_code(ok, b"5.0.0 x"), None);
        assert_eq!(leading_status_code(ReplyCode::START_MAIL_INPUT, b"3.0.0 x"), None);
        assert_eq!(leading_status_code(ok, b"2.0.0x"), None);
        assert_eq!(leading_status_code(ok, b"2.0.0000"), None);
        assert_eq!(status_code(b"5.1.10").map(|e| e.detail()), Some(10));
        for bad in [&b"3.0.0"[..], b"5.1", b"5.1.1000", b"5..1", b"5.1.1.", b"5.1.1 ", b""] {
            assert_eq!(status_code(bad), None, "{bad:?}");
        }
    }
}
