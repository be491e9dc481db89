//! Addresses: the path, mailbox, local-part, domain and address-literal rules of RFC 5321
//! §4.1.2 and §4.1.3, with the UTF-8 extensions of RFC 6531 §3.3.
//!
//! Every parser takes `src`, the shared buffer of the whole line, and `i`, a slice of it,
//! and builds values that are slices of `src` (no copies). Hot paths are plain byte loops.

use std::net::{Ipv4Addr, Ipv6Addr};

use bytes::Bytes;

use super::{PError, PResult, is_ldh, is_let_dig, is_qtext_smtp, is_quoted_pair_char};
use crate::types::{
    AddressLiteral, Domain, ForwardPath, Host, LocalPart, MAX_DOMAIN_LEN, MAX_LOCAL_PART_LEN,
    MAX_PATH_LEN, Mailbox, ReversePath, Text,
};

fn fail<T>(reason: &'static str) -> PResult<'static, T> {
    PError::fail(reason)
}

fn utf8_ok(s: &[u8]) -> Result<(), nom::Err<PError>> {
    if s.is_ascii() || std::str::from_utf8(s).is_ok() {
        Ok(())
    } else {
        Err(nom::Err::Failure(PError::new("malformed UTF-8 in address")))
    }
}

/// `sub-domain = Let-dig [Ldh-str]`, `Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig`
/// (RFC 5321 §4.1.2); RFC 6531 §3.3 adds `sub-domain =/ U-label`. A label here is a run of
/// LDH octets or non-ASCII octets (checked as UTF-8 by [`domain`]) that neither starts nor
/// ends with a hyphen and has at most 63 octets (RFC 1035 §2.3.4).
#[inline]
fn sub_domain(i: &[u8]) -> PResult<'_, &[u8]> {
    let n = super::class::run(i, super::class::DOMAIN);
    if n == 0 {
        return Err(nom::Err::Error(PError::new("domain label expected")));
    }
    let label = &i[..n];
    if label[0] == b'-' || label[n - 1] == b'-' {
        return fail("domain label starts or ends with a hyphen");
    }
    if n > 63 {
        return fail("domain label longer than 63 octets");
    }
    Ok((&i[n..], label))
}

/// The checks a domain with U-labels gets beyond UTF-8 (full IDNA2008 validity is not
/// checked; that needs the Unicode tables):
/// - no U+3002, U+FF0E or U+FF61: IDNA treats these full stops as label separators (RFC
///   3490 §3.1), so software that maps them would read another domain than this one;
/// - no `--` in the third and fourth characters of a U-label (RFC 5891 §4.2.3.1).
fn u_labels_ok(d: &[u8]) -> Result<(), nom::Err<PError>> {
    let Ok(s) = std::str::from_utf8(d) else {
        return Err(nom::Err::Failure(PError::new("malformed UTF-8 in address")));
    };
    if s.contains(['\u{3002}', '\u{FF0E}', '\u{FF61}']) {
        return Err(nom::Err::Failure(PError::new("ideographic full stop in a domain")));
    }
    for label in s.split('.').filter(|l| !l.is_ascii()) {
        let mut chars = label.chars().skip(2);
        if chars.next() == Some('-') && chars.next() == Some('-') {
            return Err(nom::Err::Failure(PError::new(
                "U-label with -- in its third and fourth characters",
            )));
        }
    }
    Ok(())
}

/// `Domain = sub-domain *("." sub-domain)` (RFC 5321 §4.1.2), at most 255 octets
/// (§4.5.3.1.2). U-labels get the checks of [`u_labels_ok`].
#[inline(always)]
pub(crate) fn domain<'a>(src: &Bytes, i: &'a [u8]) -> PResult<'a, Domain> {
    let (mut rest, _) = sub_domain(i)?;
    while let [b'.', tail @ ..] = rest {
        let (r, _) = sub_domain(tail)?;
        rest = r;
    }
    let d = &i[..i.len() - rest.len()];
    if d.len() > MAX_DOMAIN_LEN {
        return fail("domain longer than 255 octets");
    }
    if !d.is_ascii() {
        u_labels_ok(d)?;
    }
    Ok((rest, Domain::from_checked(Text::from_checked(crate::parse::share(src, d)))))
}

/// `Snum = 1*3DIGIT` representing a decimal integer value in the range 0 through 255.
fn snum(i: &[u8]) -> PResult<'_, u8> {
    let n = i.iter().take(4).take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || n > 3 {
        return fail("IPv4 octet is 1 to 3 digits");
    }
    let v = i[..n].iter().fold(0u16, |a, &d| a * 10 + u16::from(d - b'0'));
    let v = u8::try_from(v).map_err(|_| nom::Err::Failure(PError::new("IPv4 octet above 255")))?;
    Ok((&i[n..], v))
}

/// `IPv4-address-literal = Snum 3("." Snum)` (RFC 5321 §4.1.3).
fn ipv4_address_literal(i: &[u8]) -> PResult<'_, Ipv4Addr> {
    let (mut rest, a) = snum(i)?;
    let mut o = [a, 0, 0, 0];
    for slot in &mut o[1..] {
        match rest {
            [b'.', tail @ ..] => {
                let (r, v) = snum(tail)?;
                *slot = v;
                rest = r;
            }
            _ => return fail("IPv4 literal has four octets"),
        }
    }
    Ok((rest, Ipv4Addr::from(o)))
}

/// `IPv6-hex = 1*4HEXDIG` groups separated by ":", the last one optionally an IPv4 literal.
/// Returns the groups (an IPv4 literal counts as two), how many, and whether IPv4 ended it.
fn ipv6_groups(s: &[u8], allow_v4: bool) -> Result<([u16; 8], usize, bool), PError> {
    let bad = PError::new("IPv6 literal malformed");
    let mut g = [0u16; 8];
    let mut n = 0;
    if s.is_empty() {
        return Ok((g, 0, false));
    }
    let mut parts = s.split(|&c| c == b':').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() && allow_v4 && part.contains(&b'.') {
            let (rest, v4) = ipv4_address_literal(part).map_err(super::flatten)?;
            if !rest.is_empty() || n + 2 > 8 {
                return Err(bad);
            }
            let o = v4.octets();
            g[n] = u16::from_be_bytes([o[0], o[1]]);
            g[n + 1] = u16::from_be_bytes([o[2], o[3]]);
            return Ok((g, n + 2, true));
        }
        if part.is_empty() || part.len() > 4 || n >= 8 {
            return Err(bad);
        }
        let mut v = 0u16;
        for &c in part {
            let d = (c as char).to_digit(16).ok_or(bad)?;
            v = v << 4 | d as u16;
        }
        g[n] = v;
        n += 1;
    }
    Ok((g, n, false))
}

/// ```text
/// IPv6-addr    = IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp
/// IPv6-hex     = 1*4HEXDIG
/// IPv6-full    = IPv6-hex 7(":" IPv6-hex)
/// IPv6-comp    = [IPv6-hex *5(":" IPv6-hex)] "::" [IPv6-hex *5(":" IPv6-hex)]
///                ; at most 6 groups in addition to the "::"
/// IPv6v4-full  = IPv6-hex 5(":" IPv6-hex) ":" IPv4-address-literal
/// IPv6v4-comp  = [IPv6-hex *3(":" IPv6-hex)] "::"
///                [IPv6-hex *3(":" IPv6-hex) ":"] IPv4-address-literal
///                ; at most 4 groups in addition to the "::" and IPv4-address-literal
/// ```
/// (RFC 5321 §4.1.3). `s` is the whole text between `IPv6:` and `]`.
fn ipv6_addr(s: &[u8]) -> Result<Ipv6Addr, PError> {
    let bad = PError::new("IPv6 literal malformed");
    let addr = match memchr::memmem::find(s, b"::") {
        None => {
            // IPv6-full (8 groups) or IPv6v4-full (6 groups and IPv4, which counts as 2).
            let (g, n, _) = ipv6_groups(s, true)?;
            if n != 8 {
                return Err(bad);
            }
            g
        }
        Some(at) => {
            let (left, right) = (&s[..at], &s[at + 2..]);
            if memchr::memmem::find(right, b"::").is_some() {
                return Err(bad);
            }
            let (lg, ln, _) = ipv6_groups(left, false)?;
            let (rg, rn, v4) = ipv6_groups(right, true)?;
            let hex_groups = ln + rn - if v4 { 2 } else { 0 };
            if hex_groups > if v4 { 4 } else { 6 } {
                return Err(bad);
            }
            let mut g = [0u16; 8];
            g[..ln].copy_from_slice(&lg[..ln]);
            g[8 - rn..].copy_from_slice(&rg[..rn]);
            g
        }
    };
    Ok(Ipv6Addr::from(addr))
}

/// `dcontent = %d33-90 / %d94-126` (RFC 5321 §4.1.3): printable US-ASCII but "[", "\", "]".
fn is_dcontent(c: u8) -> bool {
    matches!(c, 33..=90 | 94..=126)
}

/// ```text
/// address-literal  = "[" ( IPv4-address-literal /
///                    IPv6-address-literal /
///                    General-address-literal ) "]"
/// IPv6-address-literal  = "IPv6:" IPv6-addr
/// General-address-literal  = Standardized-tag ":" 1*dcontent
/// Standardized-tag  = Ldh-str
/// ```
/// (RFC 5321 §4.1.3). The `IPv6` tag is matched case-insensitively and is never a general
/// literal.
pub(crate) fn address_literal<'a>(src: &Bytes, i: &'a [u8]) -> PResult<'a, AddressLiteral> {
    let [b'[', body @ ..] = i else {
        return Err(nom::Err::Error(PError::new("address literal expected")));
    };
    let Some(close) = memchr::memchr(b']', body) else {
        return fail("unterminated address literal");
    };
    let (inner, rest) = (&body[..close], &body[close + 1..]);
    if inner.first().is_some_and(u8::is_ascii_digit) && !inner.contains(&b':') {
        let (r, v4) = ipv4_address_literal(inner)?;
        if !r.is_empty() {
            return fail("IPv4 literal malformed");
        }
        return Ok((rest, AddressLiteral::Ipv4(v4)));
    }
    let Some(colon) = memchr::memchr(b':', inner) else {
        return fail("address literal malformed");
    };
    let (tag, content) = (&inner[..colon], &inner[colon + 1..]);
    if tag.eq_ignore_ascii_case(b"IPv6") {
        let addr = ipv6_addr(content).map_err(nom::Err::Failure)?;
        return Ok((rest, AddressLiteral::Ipv6(addr)));
    }
    let tag_ok =
        !tag.is_empty() && tag.iter().all(|&c| is_ldh(c)) && is_let_dig(tag[tag.len() - 1]);
    if !tag_ok || content.is_empty() || !content.iter().all(|&c| is_dcontent(c)) {
        return fail("address literal malformed");
    }
    Ok((
        rest,
        AddressLiteral::general_checked(
            Text::from_checked(crate::parse::share(src, tag)),
            Text::from_checked(crate::parse::share(src, content)),
        ),
    ))
}

/// `Domain / address-literal`: the argument of EHLO, HELO and LHLO and the part of a
/// mailbox after "@" (RFC 5321 §4.1.1.1, §4.1.2).
#[inline(always)]
pub(crate) fn host<'a>(src: &Bytes, i: &'a [u8]) -> PResult<'a, Host> {
    if i.first() == Some(&b'[') {
        let (rest, lit) = address_literal(src, i)?;
        Ok((rest, Host::Literal(lit)))
    } else {
        let (rest, d) = domain(src, i)?;
        Ok((rest, Host::Domain(d)))
    }
}

/// `Dot-string = Atom *("." Atom)`, `Atom = 1*atext` (RFC 5321 §4.1.2), with RFC 6531 §3.3
/// `atext =/ UTF8-non-ascii`.
#[inline]
fn dot_string(i: &[u8]) -> PResult<'_, &[u8]> {
    let atom_len = |s: &[u8]| super::class::run(s, super::class::ATEXT);
    let mut n = atom_len(i);
    if n == 0 {
        return Err(nom::Err::Error(PError::new("local part expected")));
    }
    while i.get(n) == Some(&b'.') {
        let m = atom_len(&i[n + 1..]);
        if m == 0 {
            return fail("empty atom in local part");
        }
        n += 1 + m;
    }
    Ok((&i[n..], &i[..n]))
}

/// `Quoted-string = DQUOTE *QcontentSMTP DQUOTE`,
/// `QcontentSMTP = qtextSMTP / quoted-pairSMTP`, `quoted-pairSMTP = %d92 %d32-126`
/// (RFC 5321 §4.1.2), with RFC 6531 §3.3 `qtextSMTP =/ UTF8-non-ascii`. The result
/// includes the quotes.
fn quoted_string(i: &[u8]) -> PResult<'_, &[u8]> {
    let mut k = 1;
    loop {
        match i.get(k) {
            Some(b'"') => return Ok((&i[k + 1..], &i[..k + 1])),
            Some(b'\\') => match i.get(k + 1) {
                Some(&c) if is_quoted_pair_char(c) => k += 2,
                _ => return fail("bad quoted-pair in local part"),
            },
            Some(&c) if is_qtext_smtp(c) || c >= 0x80 => k += 1,
            Some(_) => return fail("bad character in quoted local part"),
            None => return fail("unterminated quoted string"),
        }
    }
}

/// `Local-part = Dot-string / Quoted-string` (RFC 5321 §4.1.2), at most 64 octets
/// (§4.5.3.1.1), kept in wire form.
#[inline(always)]
pub(crate) fn local_part<'a>(src: &Bytes, i: &'a [u8]) -> PResult<'a, LocalPart> {
    let (rest, lp) = if i.first() == Some(&b'"') { quoted_string(i)? } else { dot_string(i)? };
    if lp.len() > MAX_LOCAL_PART_LEN {
        return fail("local part longer than 64 octets");
    }
    utf8_ok(lp)?;
    Ok((rest, LocalPart::from_checked(Text::from_checked(crate::parse::share(src, lp)))))
}

/// `Mailbox = Local-part "@" ( Domain / address-literal )` (RFC 5321 §4.1.2).
#[inline(always)]
pub(crate) fn mailbox<'a>(src: &Bytes, i: &'a [u8]) -> PResult<'a, Mailbox> {
    let (rest, lp) = local_part(src, i)?;
    let [b'@', rest @ ..] = rest else {
        return fail("expected @ after the local part");
    };
    let (rest, host) = host(src, rest).map_err(|e| nom::Err::Failure(super::flatten(e)))?;
    Ok((rest, Mailbox::from_parts_unchecked(lp, host)))
}

/// `A-d-l = At-domain *( "," At-domain )`, `At-domain = "@" Domain` (RFC 5321 §4.1.2):
/// a source route, parsed and dropped (§4.1.1.3, Appendix C).
fn a_d_l<'a>(src: &Bytes, i: &'a [u8]) -> PResult<'a, ()> {
    let mut rest = i;
    loop {
        let [b'@', tail @ ..] = rest else {
            return fail("malformed source route");
        };
        let (r, _) = domain(src, tail).map_err(|e| nom::Err::Failure(super::flatten(e)))?;
        match r {
            [b',', tail @ ..] => rest = tail,
            _ => return Ok((r, ())),
        }
    }
}

/// `Path = "<" [ A-d-l ":" ] Mailbox ">"` (RFC 5321 §4.1.2), at most 256 octets
/// (§4.5.3.1.3). The source route, if any, is dropped.
#[inline(always)]
fn path<'a>(src: &Bytes, i: &'a [u8]) -> PResult<'a, Mailbox> {
    let [b'<', body @ ..] = i else {
        return fail("expected < before the address");
    };
    let mut body = body;
    if body.first() == Some(&b'@') {
        let (rest, ()) = a_d_l(src, body)?;
        let [b':', rest @ ..] = rest else {
            return fail("expected : after the source route");
        };
        body = rest;
    }
    let (rest, m) = mailbox(src, body)?;
    let [b'>', rest @ ..] = rest else {
        return fail("expected > after the address");
    };
    if i.len() - rest.len() > MAX_PATH_LEN {
        return fail("path longer than 256 octets");
    }
    Ok((rest, m))
}

/// `Reverse-path = Path / "<>"` (RFC 5321 §4.1.2).
#[inline]
pub(crate) fn reverse_path<'a>(src: &Bytes, i: &'a [u8]) -> PResult<'a, ReversePath> {
    if let [b'<', b'>', rest @ ..] = i {
        return Ok((rest, ReversePath::Null));
    }
    let (rest, m) = path(src, i)?;
    Ok((rest, ReversePath::Mailbox(m)))
}

/// `Forward-path = Path`, and `"<Postmaster>"` (case-insensitive, RFC 5321 §4.1.1.3).
/// `<>` is never a forward-path.
#[inline]
pub(crate) fn forward_path<'a>(src: &Bytes, i: &'a [u8]) -> PResult<'a, ForwardPath> {
    if i.len() >= 12 && i[..12].eq_ignore_ascii_case(b"<Postmaster>") {
        return Ok((&i[12..], ForwardPath::Postmaster));
    }
    let (rest, m) = path(src, i)?;
    Ok((rest, ForwardPath::Mailbox(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6(s: &str) -> Result<Ipv6Addr, &'static str> {
        ipv6_addr(s.as_bytes()).map_err(|e| e.reason)
    }

    /// RFC 5321 §4.1.3: the four IPv6 forms, and what the ABNF rejects.
    #[test]
    fn ipv6_forms() {
        let ok = [
            ("2001:db8:0:0:0:0:0:1", "2001:db8::1"), // IPv6-full
            ("2001:db8::1", "2001:db8::1"),          // IPv6-comp
            ("::", "::"),                            // IPv6-comp, empty sides
            ("::1", "::1"),
            ("1:2:3:4:5:6::", "1:2:3:4:5:6::"), // 6 groups + ::
            ("0:0:0:0:0:ffff:192.0.2.1", "::ffff:192.0.2.1"), // IPv6v4-full
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1"), // IPv6v4-comp
            ("1:2:3:4::192.0.2.1", "1:2:3:4::c000:201"), // 4 groups + :: + v4
            ("::192.0.2.1", "::c000:201"),
        ];
        for (s, want) in ok {
            assert_eq!(v6(s).map(|a| a.to_string()), Ok(want.to_string()), "{s}");
        }
        for s in [
            "1:2:3:4:5:6:7",         // too few
            "1:2:3:4:5:6:7:8:9",     // too many
            "1:2:3:4:5:6:7::",       // 7 groups + ::
            "1:2:3:4:5::192.0.2.1",  // 5 groups + :: + v4
            "1::2::3",               // two ::
            "12345::1",              // 5 hex digits
            ":1:2:3:4:5:6:7",        // leading single colon
            "1:2:3:4:5:6:7:",        // trailing single colon
            "::256.0.0.1",           // IPv4 octet out of range
            "::1.2.3",               // short IPv4
            "g::1",                  // not hex
            "1:2:3:4:5:6:7:1.2.3.4", // 7 groups + v4
            "",
        ] {
            assert!(v6(s).is_err(), "{s} should be rejected");
        }
    }

    #[test]
    fn snum_range() {
        assert_eq!(
            ipv4_address_literal(b"255.0.010.1").map(|(_, a)| a),
            Ok(Ipv4Addr::new(255, 0, 10, 1))
        );
        assert!(ipv4_address_literal(b"256.0.0.1").is_err());
        assert!(ipv4_address_literal(b"1.2.3").is_err());
        assert!(ipv4_address_literal(b"1.2.3.1234").is_err());
    }

    #[test]
    fn dot_string_and_quoted_string() {
        assert_eq!(dot_string(b"a.b-c+d@x"), Ok((&b"@x"[..], &b"a.b-c+d"[..])));
        assert!(dot_string(b".a").is_err());
        assert!(dot_string(b"a..b").is_err());
        assert!(dot_string(b"a.@").is_err());
        assert_eq!(quoted_string(br#""a b\"c"@x"#), Ok((&b"@x"[..], &br#""a b\"c""#[..])));
        assert_eq!(quoted_string(br#""""#), Ok((&b""[..], &br#""""#[..])), "empty quoted string");
        assert!(quoted_string(br#""abc"#).is_err());
        assert!(quoted_string(b"\"a\x01b\"").is_err());
        assert!(quoted_string(b"\"a\\\x01\"").is_err());
    }

    #[test]
    fn domain_labels() {
        let src = Bytes::from_static(b"a-b.example.COM>");
        let (rest, d) = domain(&src, &src).unwrap();
        assert_eq!((rest, d.as_str()), (&b">"[..], "a-b.example.COM"));
        for bad in [&b"-a.example"[..], b"a-.example", b"a..example", b".example", b"example."] {
            let src = Bytes::copy_from_slice(bad);
            let r = domain(&src, &src);
            assert!(r.is_err() || !r.unwrap().0.is_empty(), "{:?}", String::from_utf8_lossy(bad));
        }
        let long = Bytes::from(format!("{}.example", "a".repeat(64)));
        assert!(domain(&long, &long).is_err());
        let long = Bytes::from(format!("{}a", "a.".repeat(128)));
        assert_eq!(long.len(), 257);
        assert!(domain(&long, &long).is_err());
    }
}
