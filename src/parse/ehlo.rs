//! The EHLO grammar: the lines of an EHLO reply (RFC 5321 §4.1.1.1) and the parameters of
//! the extensions this crate types (RFC 4954, RFC 4422, RFC 1870, RFC 2852, RFC 4865,
//! RFC 6710, RFC 3865).
//!
//! ```text
//! ehlo-line      = ehlo-keyword *( SP ehlo-param )
//! ehlo-keyword   = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
//! ehlo-param     = 1*(%d33-126)
//! ```
//!
//! Real servers stray from this, and the lines are read as they come: keywords in any case
//! (they are case-insensitive, RFC 5321 §2.4), runs of spaces or tabs around parameters,
//! blank lines (smtp-sink ends with `250 `), and the legacy `AUTH=LOGIN PLAIN` form of
//! pre-RFC 2554 servers, where "=" ends the keyword. A known keyword whose parameters do
//! not follow the syntax its RFC gives them is kept as [`Extension::Other`], as sent.

use bytes::Bytes;
use nom::Parser;
use nom::bytes::complete::{tag, take_till1, take_while_m_n};
use nom::character::complete::satisfy;
use nom::combinator::{all_consuming, recognize};
use nom::multi::separated_list1;
use nom::sequence::pair;

use crate::parse::{PError, PResult, parse_u64, share};
use crate::types::{Extension, Mechanism, Text};

/// SP or HT: what separates the parts of an `ehlo-line` as servers send them.
const fn is_wsp(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// `ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")` (RFC 5321 §4.1.1.1), read
/// leniently: any octets up to SP, HT or the "=" of the legacy `AUTH=` form (an "=" first
/// is part of the keyword), so that an odd keyword is kept rather than lost. `input`
/// starts with an octet other than SP and HT.
pub(crate) fn ehlo_keyword(input: &[u8]) -> (&[u8], &[u8]) {
    let end = input.iter().skip(1).position(|&c| is_wsp(c) || c == b'=');
    let (keyword, rest) = input.split_at(end.map_or(input.len(), |n| n + 1));
    (rest, keyword)
}

/// `ehlo-param = 1*(%d33-126)` (RFC 5321 §4.1.1.1), read leniently: any run of octets
/// other than SP and HT.
pub(crate) fn ehlo_param(input: &[u8]) -> (&[u8], &[u8]) {
    let end = input.iter().position(|&c| is_wsp(c)).unwrap_or(input.len());
    let (param, rest) = input.split_at(end);
    (rest, param)
}

/// The `*( SP ehlo-param )` of an `ehlo-line`, one parameter at a time (read leniently:
/// runs of SP and HT between them, and after the last).
#[derive(Clone, Debug)]
pub(crate) struct EhloParams<'a>(&'a [u8]);

impl<'a> Iterator for EhloParams<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let start = self.0.iter().position(|&c| !is_wsp(c))?;
        let (rest, param) = ehlo_param(&self.0[start..]);
        self.0 = rest;
        Some(param)
    }
}

/// `ehlo-line = ehlo-keyword *( SP ehlo-param )` (RFC 5321 §4.1.1.1), leniently (see the
/// module documentation): the keyword and its parameters, or `None` for a blank line.
/// `line` is the text of one line of the reply.
pub(crate) fn ehlo_line(line: &[u8]) -> Option<(&[u8], EhloParams<'_>)> {
    let start = line.iter().position(|&c| !is_wsp(c))?;
    let (rest, keyword) = ehlo_keyword(&line[start..]);
    let params = rest.strip_prefix(b"=").unwrap_or(rest);
    Some((keyword, EhloParams(params)))
}

/// Runs `parser` over the whole of `input`.
fn whole<'a, O>(
    parser: impl Parser<&'a [u8], Output = O, Error = PError>,
    input: &'a [u8],
) -> Option<O> {
    all_consuming(parser).parse(input).ok().map(|(_, out)| out)
}

/// `sasl-mech = 1*20mech-char`, `mech-char = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE`
/// (RFC 4422 §3.1), in either case (RFC 4954 §8 compares names case-insensitively).
pub(crate) fn sasl_mech(input: &[u8]) -> PResult<'_, &[u8]> {
    take_while_m_n(1, 20, |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_').parse(input)
}

/// A whole SASL mechanism name (RFC 4422 §3.1 `sasl-mech`), as offered with AUTH
/// (RFC 4954 §3) or named in the AUTH command (§4); `None` when it is not one.
pub(crate) fn auth_mechanism(name: &[u8]) -> Option<Mechanism> {
    let name = whole(sasl_mech, name)?;
    // `sasl-mech` is ASCII.
    std::str::from_utf8(name).ok().map(Mechanism::from_sasl_mech)
}

/// `min` to `max` DIGITs as a number, which must fit in 64 bits.
fn digits(min: usize, max: usize) -> impl Fn(&[u8]) -> PResult<'_, u64> {
    move |input| {
        let (rest, digits) = take_while_m_n(min, max, |c: u8| c.is_ascii_digit()).parse(input)?;
        match parse_u64(digits) {
            Some(n) => Ok((rest, n)),
            None => PError::fail("number too large"),
        }
    }
}

/// `size-param = [1*20DIGIT]` (RFC 1870 §4): the fixed maximum message size in octets.
pub(crate) fn size_param(input: &[u8]) -> PResult<'_, u64> {
    digits(1, 20)(input)
}

/// `min-by-time = [1*9DIGIT]` (RFC 2852 §4), in seconds.
pub(crate) fn min_by_time(input: &[u8]) -> PResult<'_, u64> {
    digits(1, 9)(input)
}

/// `future-release-integer = %x31-39 *8DIGIT` (RFC 4865 §3): the longest hold, in
/// seconds.
pub(crate) fn future_release_integer(input: &[u8]) -> PResult<'_, u64> {
    let first = satisfy(|c| ('1'..='9').contains(&c));
    let (rest, number) =
        recognize(pair(first, take_while_m_n(0, 8, |c: u8| c.is_ascii_digit()))).parse(input)?;
    match parse_u64(number) {
        Some(n) => Ok((rest, n)),
        None => PError::fail("number too large"),
    }
}

/// `priority-profile = 1*20(ALPHA / DIGIT / "-" / "_" / ".")` (RFC 6710 §3), e.g. `MIXER`.
pub(crate) fn priority_profile(input: &[u8]) -> PResult<'_, &[u8]> {
    let chars = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.');
    take_while_m_n(1, 20, chars).parse(input)
}

/// `Solicitation-keywords = Solicitation-keyword *("," Solicitation-keyword)` (RFC 3865
/// §2), each keyword taken as any non-empty run of octets other than ",".
pub(crate) fn solicitation_keywords(input: &[u8]) -> PResult<'_, Vec<&[u8]>> {
    separated_list1(tag(&b","[..]), take_till1(|c| c == b',')).parse(input)
}

/// The keywords defined without parameters, and their extensions: typed whatever
/// parameters a server appends (which are dropped).
static FLAGS: [(&str, Extension); 15] = [
    ("8BITMIME", Extension::EightBitMime),
    ("ATRN", Extension::Atrn),
    ("BINARYMIME", Extension::BinaryMime),
    ("CHUNKING", Extension::Chunking),
    ("DSN", Extension::Dsn),
    ("ENHANCEDSTATUSCODES", Extension::EnhancedStatusCodes),
    ("ETRN", Extension::Etrn),
    ("EXPN", Extension::Expn),
    ("HELP", Extension::Help),
    ("PIPELINING", Extension::Pipelining),
    ("REQUIRETLS", Extension::RequireTls),
    ("SMTPUTF8", Extension::SmtpUtf8),
    ("STARTTLS", Extension::StartTls),
    ("UTF8SMTP", Extension::Utf8Smtp),
    ("VRFY", Extension::Vrfy),
];

/// The text of `part`, a piece of `base` (valid UTF-8) cut at ASCII octets, sharing
/// `base`.
fn text(base: &Bytes, part: &[u8]) -> Text {
    let shared = share(base, part);
    match Text::from_utf8(shared) {
        Ok(text) => text,
        // Not reached: every cut is at an ASCII octet of UTF-8 text.
        Err(_) => Text::from(String::from_utf8_lossy(part).into_owned()),
    }
}

/// The extension one line of an EHLO reply offers (RFC 5321 §4.1.1.1), `line` being the
/// text of that line, valid UTF-8, lying in `base`; the parts kept as text share `base`.
/// `None` for a blank line.
pub(crate) fn extension(base: &Bytes, line: &[u8]) -> Option<Extension> {
    let (keyword, params) = ehlo_line(line)?;
    Some(typed(base, keyword, params.clone()).unwrap_or_else(|| Extension::Other {
        keyword: text(base, keyword),
        params: params.map(|p| text(base, p)).collect(),
    }))
}

/// The typed extension for `keyword` with these parameters; `None` for a keyword without
/// a typed variant, or one whose parameters are outside the syntax its RFC gives them.
fn typed(base: &Bytes, keyword: &[u8], params: EhloParams<'_>) -> Option<Extension> {
    let is = |name: &str| keyword.eq_ignore_ascii_case(name.as_bytes());
    if let Some((_, flag)) = FLAGS.iter().find(|(name, _)| is(name)) {
        return Some(flag.clone());
    }
    if is("AUTH") {
        // `AUTH mechanism*` (RFC 4954 §3): the valid names, each once, in order.
        let mut mechanisms: Vec<Mechanism> = Vec::new();
        for m in params.filter_map(auth_mechanism) {
            if !mechanisms.contains(&m) {
                mechanisms.push(m);
            }
        }
        return Some(Extension::Auth(mechanisms));
    }
    if is("BURL") {
        // `BURL [burl-param*]` (RFC 4468 §3): kept as sent.
        return Some(Extension::Burl(params.map(|p| text(base, p)).collect()));
    }
    // The rules below take at most two parameters.
    let mut params = params;
    let params = match (params.next(), params.next(), params.next()) {
        (None, ..) => &[][..],
        (Some(a), None, _) => &[a][..],
        (Some(a), Some(b), None) => &[a, b][..],
        _ => return None,
    };
    match params {
        [] if is("SIZE") => Some(Extension::Size(None)),
        [n] if is("SIZE") => whole(size_param, n).map(|n| Extension::Size(Some(n))),
        [] if is("DELIVERBY") => Some(Extension::DeliverBy(None)),
        [n] if is("DELIVERBY") => whole(min_by_time, n).map(|n| Extension::DeliverBy(Some(n))),
        [interval, datetime] if is("FUTURERELEASE") => {
            whole(future_release_integer, interval).map(|max_interval| Extension::FutureRelease {
                max_interval,
                max_datetime: text(base, datetime),
            })
        }
        [] if is("MT-PRIORITY") => Some(Extension::MtPriority(None)),
        [p] if is("MT-PRIORITY") => {
            whole(priority_profile, p).map(|p| Extension::MtPriority(Some(text(base, p))))
        }
        [] if is("NO-SOLICITING") => Some(Extension::NoSoliciting(Vec::new())),
        [list] if is("NO-SOLICITING") => whole(solicitation_keywords, list)
            .map(|k| Extension::NoSoliciting(k.iter().map(|k| text(base, k)).collect())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ehlo_lines() {
        let line =
            |s: &'static str| ehlo_line(s.as_bytes()).map(|(k, p)| (k, p.collect::<Vec<_>>()));
        assert_eq!(line("PIPELINING"), Some((&b"PIPELINING"[..], vec![])));
        assert_eq!(line("SIZE 100"), Some((&b"SIZE"[..], vec![&b"100"[..]])));
        assert_eq!(
            line(" \tAUTH  PLAIN\tLOGIN "),
            Some((&b"AUTH"[..], vec![&b"PLAIN"[..], b"LOGIN"]))
        );
        assert_eq!(line("AUTH=LOGIN PLAIN"), Some((&b"AUTH"[..], vec![&b"LOGIN"[..], b"PLAIN"])));
        assert_eq!(line("=odd"), Some((&b"=odd"[..], vec![])));
        assert_eq!(line("A=B C"), Some((&b"A"[..], vec![&b"B"[..], b"C"])));
        assert_eq!(line(""), None);
        assert_eq!(line(" \t "), None);
    }

    /// RFC 4422 §3.1: 1*20 characters of A-Z, 0-9, "-", "_" (in either case, RFC 4954 §8).
    #[test]
    fn sasl_mech_syntax_is_enforced() {
        assert_eq!(auth_mechanism(b""), None);
        assert_eq!(auth_mechanism(b"A234567890123456789012"), None, "21 chars");
        assert!(auth_mechanism(b"A2345678901234567890").is_some(), "20 chars");
        assert_eq!(auth_mechanism(b"PL AIN"), None);
        assert_eq!(auth_mechanism(b"PLAIN="), None);
        assert_eq!(auth_mechanism("PLÄIN".as_bytes()), None);
        assert_eq!(auth_mechanism(b"cram-md5"), Some(Mechanism::CramMd5));
        let other = auth_mechanism(b"x-my_mech").unwrap();
        assert_eq!(other.as_str(), "X-MY_MECH");
        assert!(matches!(other, Mechanism::Other(_)));
    }

    #[test]
    fn typed_parameters_follow_their_rfcs() {
        assert_eq!(whole(size_param, b"52428800"), Some(52_428_800));
        assert_eq!(whole(size_param, b"18446744073709551616"), None, "past 64 bits");
        assert_eq!(whole(size_param, b"123456789012345678901"), None, "21 digits");
        assert_eq!(whole(min_by_time, b"1234567890"), None, "10 digits");
        assert_eq!(whole(future_release_integer, b"604800"), Some(604_800));
        assert_eq!(whole(future_release_integer, b"0"), None, "%x31-39 first");
        assert_eq!(whole(future_release_integer, b"1234567890"), None, "10 digits");
        assert_eq!(whole(priority_profile, b"MIXER"), Some(&b"MIXER"[..]));
        assert_eq!(whole(priority_profile, b"a/b"), None);
        assert_eq!(whole(solicitation_keywords, b"a,b"), Some(vec![&b"a"[..], b"b"]));
        assert_eq!(whole(solicitation_keywords, b"a,,b"), None);
        assert_eq!(whole(solicitation_keywords, b"a,"), None);
    }
}
