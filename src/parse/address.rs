//! Addresses: the path, mailbox, local-part, domain and address-literal rules of RFC 5321
//! §4.1.2 and §4.1.3, with the UTF-8 extensions of RFC 6531 §3.3.
//!
//! The values they build are slices of the line ([`Span::share`]), not copies.

use std::net::{Ipv4Addr, Ipv6Addr};

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while_m_n, take_while1};
use nom::combinator::{flat_map, map, map_opt, not, opt, peek, recognize, verify};
use nom::multi::{fold, many0_count};
use nom::sequence::{delimited, preceded, separated_pair, terminated};

use super::{PError, SResult, Span, expect, octet};
use crate::error::DecodeErrorKind;
use crate::types::grammar::{
    domain_limits, is_atom_octet, is_dcontent, is_label_octet, is_ldh, is_ldh_str, is_qtext_smtp,
    is_quoted_pair_char,
};
use crate::types::{
    AddressLiteral, Domain, ForwardPath, Host, LocalPart, MAX_LOCAL_PART_LEN, MAX_PATH_LEN,
    Mailbox, ReversePath, Text,
};

/// `Reverse-path = Path / "<>"` (RFC 5321 §4.1.2).
pub(crate) fn reverse_path(i: Span<'_>) -> SResult<'_, ReversePath> {
    match i.after(b"<>") {
        Some(rest) => Ok((rest, ReversePath::Null)),
        None => path(i).map(|(rest, m)| (rest, ReversePath::Mailbox(m))),
    }
}

/// `Forward-path = Path` (RFC 5321 §4.1.2), and `"<Postmaster>"` without a domain, which
/// RCPT takes (§4.1.1.3; matched case-insensitively). `<>` is never a forward-path.
pub(crate) fn forward_path(i: Span<'_>) -> SResult<'_, ForwardPath> {
    match i.after_no_case(b"<Postmaster>") {
        Some(rest) => Ok((rest, ForwardPath::Postmaster)),
        None => path(i).map(|(rest, m)| (rest, ForwardPath::Mailbox(m))),
    }
}

/// `Path = "<" [ A-d-l ":" ] Mailbox ">"` (RFC 5321 §4.1.2), at most 256 octets
/// (§4.5.3.1.3). A source route is parsed and dropped (§4.1.1.3, Appendix C). A missing
/// `<` is [`DecodeErrorKind::Syntax`] (501); what fails inside the brackets is the
/// caller's mailbox kind (553).
pub(crate) fn path(i: Span<'_>) -> SResult<'_, Mailbox> {
    let Some(inner) = i.after(b"<") else {
        // DESIGN.md: a path without angle brackets, or no path at all, is a syntax error
        // of the command (501), not a malformed mailbox (553).
        let e = PError::with_kind(DecodeErrorKind::Syntax, "expected < before the address");
        return Err(nom::Err::Failure(e));
    };
    let route = terminated(a_d_l, expect("expected : after the source route", tag(":")));
    let (inner, _) = opt(route).parse(inner)?;
    let (rest, mailbox) = expect("mailbox expected", mailbox).parse(inner)?;
    let Some(rest) = rest.after(b">") else {
        return PError::fail("expected > after the address");
    };
    if i.len() - rest.len() > MAX_PATH_LEN {
        return PError::fail("path longer than 256 octets");
    }
    Ok((rest, mailbox))
}

/// `A-d-l = At-domain *( "," At-domain )`, `At-domain = "@" Domain` (RFC 5321 §4.1.2).
fn a_d_l(i: Span<'_>) -> SResult<'_, Span<'_>> {
    let at_domain = || preceded(tag("@"), expect("malformed source route", domain));
    recognize((at_domain(), many0_count(preceded(tag(","), at_domain())))).parse(i)
}

/// `Mailbox = Local-part "@" ( Domain / address-literal )` (RFC 5321 §4.1.2).
pub(crate) fn mailbox(i: Span<'_>) -> SResult<'_, Mailbox> {
    let (i, local_part) = local_part(i)?;
    let Some(i) = i.after(b"@") else {
        return PError::fail("expected @ after the local part");
    };
    let (i, host) = expect("domain or address literal expected", host).parse(i)?;
    Ok((i, Mailbox::from_parts_unchecked(local_part, host)))
}

/// `Local-part = Dot-string / Quoted-string` (RFC 5321 §4.1.2), at most 64 octets
/// (§4.5.3.1.1), kept in wire form; UTF-8 where RFC 6531 §3.3 allows it, checked once, as
/// the text is made.
pub(crate) fn local_part(i: Span<'_>) -> SResult<'_, LocalPart> {
    let (rest, lp) = match i.first() {
        Some(b'"') => quoted_string(i)?,
        _ => dot_string(i)?,
    };
    if lp.len() > MAX_LOCAL_PART_LEN {
        return PError::fail("local part longer than 64 octets");
    }
    match Text::from_utf8(lp.share()) {
        Ok(text) => Ok((rest, LocalPart::from_checked(text))),
        Err(_) => PError::fail("malformed UTF-8 in address"),
    }
}

/// `Dot-string = Atom *("." Atom)`, `Atom = 1*atext` (RFC 5321 §4.1.2), with RFC 6531 §3.3
/// `atext =/ UTF8-non-ascii`.
pub(crate) fn dot_string(i: Span<'_>) -> SResult<'_, Span<'_>> {
    let len = dotted(&i, is_atom_octet, |_| Ok(()))?;
    Ok(i.cut(len))
}

/// ```text
/// Quoted-string   = DQUOTE *QcontentSMTP DQUOTE
/// QcontentSMTP    = qtextSMTP / quoted-pairSMTP
/// quoted-pairSMTP = %d92 %d32-126
/// ```
/// (RFC 5321 §4.1.2), with RFC 6531 §3.3 `qtextSMTP =/ UTF8-non-ascii`. The result
/// includes the quotes.
pub(crate) fn quoted_string(i: Span<'_>) -> SResult<'_, Span<'_>> {
    let qtext = take_while1(|c| is_qtext_smtp(c) || c >= 0x80);
    let quoted_pair = recognize((tag("\\"), expect("bad quoted-pair", octet(is_quoted_pair_char))));
    let content = many0_count(alt((qtext, quoted_pair)));
    recognize((tag("\""), content, expect("unterminated quoted string", tag("\"")))).parse(i)
}

/// `Domain / address-literal`: the argument of EHLO, HELO and LHLO and the part of a
/// mailbox after "@" (RFC 5321 §4.1.1.1, §4.1.2).
pub(crate) fn host(i: Span<'_>) -> SResult<'_, Host> {
    match i.first() {
        Some(b'[') => address_literal(i).map(|(rest, l)| (rest, Host::Literal(l))),
        _ => domain(i).map(|(rest, d)| (rest, Host::Domain(d))),
    }
}

/// `Domain = sub-domain *("." sub-domain)` (RFC 5321 §4.1.2), at most 255 octets
/// (§4.5.3.1.2); RFC 6531 §3.3 adds `sub-domain =/ U-label`, checked as the values check
/// it (`domain_limits`).
pub(crate) fn domain(i: Span<'_>) -> SResult<'_, Domain> {
    let len = dotted(&i, is_label_octet, sub_domain)?;
    let (rest, d) = i.cut(len);
    if let Err(reason) = domain_limits(&d) {
        return PError::fail(reason);
    }
    Ok((rest, Domain::from_checked(d.text())))
}

/// `sub-domain = Let-dig [Ldh-str]`, `Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig`
/// (RFC 5321 §4.1.2), or a U-label (RFC 6531 §3.3): a run of LDH octets and octets beyond
/// ASCII (as [`domain`] finds it), neither first nor last a hyphen, at most 63 (RFC 1035
/// §2.3.4).
pub(crate) fn sub_domain(label: &[u8]) -> Result<(), &'static str> {
    if label.first() == Some(&b'-') || label.last() == Some(&b'-') {
        Err("domain label starts or ends with a hyphen")
    } else if label.len() > 63 {
        Err("domain label longer than 63 octets")
    } else {
        Ok(())
    }
}

/// `x *("." x)` at the front of `i`, where each `x` is a non-empty run of octets of
/// `class` that must pass `check` (its reason is a failure); the length matched. A "."
/// that no `x` follows is left to the caller, as is everything after the last `x`; no `x`
/// at all is an error (the rule does not start here). `Dot-string` and `Domain` (RFC 5321
/// §4.1.2) are such rules.
fn dotted(
    i: &[u8],
    class: impl Fn(u8) -> bool,
    check: impl Fn(&[u8]) -> Result<(), &'static str>,
) -> Result<usize, nom::Err<PError>> {
    let mut end = 0;
    let mut start = 0;
    loop {
        let x = &i[start..];
        let x = &x[..x.iter().position(|&c| !class(c)).unwrap_or(x.len())];
        if x.is_empty() {
            break;
        }
        check(x).map_err(|reason| nom::Err::Failure(PError::new(reason)))?;
        end = start + x.len();
        if i.get(end) != Some(&b'.') {
            break;
        }
        start = end + 1;
    }
    match end {
        0 => PError::error(),
        _ => Ok(end),
    }
}

/// ```text
/// address-literal  = "[" ( IPv4-address-literal /
///                    IPv6-address-literal /
///                    General-address-literal ) "]"
/// ```
/// (RFC 5321 §4.1.3).
pub(crate) fn address_literal(i: Span<'_>) -> SResult<'_, AddressLiteral> {
    let literal = alt((
        map(ipv4_address_literal, AddressLiteral::Ipv4),
        map(ipv6_address_literal, AddressLiteral::Ipv6),
        general_address_literal,
    ));
    delimited(
        tag("["),
        expect("address literal malformed", literal),
        expect("address literal malformed", tag("]")),
    )
    .parse(i)
}

/// `IPv4-address-literal = Snum 3("." Snum)` (RFC 5321 §4.1.3).
pub(crate) fn ipv4_address_literal(i: Span<'_>) -> SResult<'_, Ipv4Addr> {
    let dot_snum = || preceded(tag("."), snum);
    map((snum, dot_snum(), dot_snum(), dot_snum()), |(a, b, c, d)| Ipv4Addr::new(a, b, c, d))
        .parse(i)
}

/// `Snum = 1*3DIGIT` "representing a decimal integer value in the range 0 through 255"
/// (RFC 5321 §4.1.3).
fn snum(i: Span<'_>) -> SResult<'_, u8> {
    let digits = take_while_m_n(1, 3, |c: u8| c.is_ascii_digit());
    map_opt(digits, |d: Span<'_>| {
        d.iter().fold(0u16, |a, &c| a * 10 + u16::from(c - b'0')).try_into().ok()
    })
    .parse(i)
}

/// `IPv6-address-literal = "IPv6:" IPv6-addr` (RFC 5321 §4.1.3); the tag is matched
/// case-insensitively and is never a general literal.
pub(crate) fn ipv6_address_literal(i: Span<'_>) -> SResult<'_, Ipv6Addr> {
    preceded(tag_no_case("IPv6:"), expect("IPv6 literal malformed", ipv6_addr)).parse(i)
}

/// ```text
/// IPv6-addr    = IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp
/// ```
/// (RFC 5321 §4.1.3). Each form must reach the "]" that closes the literal; the forms
/// ending in an IPv4 literal go first.
fn ipv6_addr(i: Span<'_>) -> SResult<'_, Ipv6Addr> {
    let end = || peek(tag("]"));
    alt((
        terminated(ipv6v4_full, end()),
        terminated(ipv6_full, end()),
        terminated(ipv6v4_comp, end()),
        terminated(ipv6_comp, end()),
    ))
    .parse(i)
}

/// Up to 8 `IPv6-hex` groups and how many there are.
#[derive(Clone, Copy, Default)]
struct Groups([u16; 8], usize);

impl Groups {
    fn push(mut self, g: u16) -> Self {
        if self.1 < 8 {
            self.0[self.1] = g;
        }
        self.1 += 1;
        self
    }

    fn push_v4(self, a: Ipv4Addr) -> Self {
        let o = a.octets();
        self.push(u16::from_be_bytes([o[0], o[1]])).push(u16::from_be_bytes([o[2], o[3]]))
    }

    /// `left`, zeros, then `right`: the address a "::" stands in.
    fn compressed(left: Self, right: Self) -> Ipv6Addr {
        let mut g = [0u16; 8];
        g[..left.1].copy_from_slice(&left.0[..left.1]);
        g[8 - right.1..].copy_from_slice(&right.0[..right.1]);
        Ipv6Addr::from(g)
    }
}

/// `IPv6-hex = 1*4HEXDIG` (RFC 5321 §4.1.3). Digits followed by "." are the start of an
/// IPv4 literal, not a group.
fn ipv6_hex(i: Span<'_>) -> SResult<'_, u16> {
    let hex = take_while_m_n(1, 4, |c: u8| c.is_ascii_hexdigit());
    let group = terminated(hex, not(tag(".")));
    map(group, |h: Span<'_>| {
        h.iter().fold(0u16, |a, &c| a << 4 | (c as char).to_digit(16).unwrap_or(0) as u16)
    })
    .parse(i)
}

/// `IPv6-hex *max(":" IPv6-hex)`.
fn hex_groups<'a>(max: usize) -> impl Parser<Span<'a>, Output = Groups, Error = PError> {
    flat_map(ipv6_hex, move |first| {
        let more = preceded(tag(":"), ipv6_hex);
        fold(0..=max, more, move || Groups::default().push(first), Groups::push)
    })
}

/// `IPv6-full = IPv6-hex 7(":" IPv6-hex)` (RFC 5321 §4.1.3).
fn ipv6_full(i: Span<'_>) -> SResult<'_, Ipv6Addr> {
    map(verify(hex_groups(7), |g| g.1 == 8), |g| Ipv6Addr::from(g.0)).parse(i)
}

/// `IPv6-comp = [IPv6-hex *5(":" IPv6-hex)] "::" [IPv6-hex *5(":" IPv6-hex)]`
/// "; The "::" represents at least 2 16-bit groups of zeros. No more than 6 groups in
/// addition to the "::" may be present." (RFC 5321 §4.1.3)
fn ipv6_comp(i: Span<'_>) -> SResult<'_, Ipv6Addr> {
    let parts = separated_pair(opt(hex_groups(5)), tag("::"), opt(hex_groups(5)));
    let parts = verify(parts, |(l, r)| l.unwrap_or_default().1 + r.unwrap_or_default().1 <= 6);
    map(parts, |(l, r)| Groups::compressed(l.unwrap_or_default(), r.unwrap_or_default())).parse(i)
}

/// `IPv6v4-full = IPv6-hex 5(":" IPv6-hex) ":" IPv4-address-literal` (RFC 5321 §4.1.3).
fn ipv6v4_full(i: Span<'_>) -> SResult<'_, Ipv6Addr> {
    let parts = separated_pair(verify(hex_groups(5), |g| g.1 == 6), tag(":"), ipv4_address_literal);
    map(parts, |(g, v4)| Ipv6Addr::from(g.push_v4(v4).0)).parse(i)
}

/// ```text
/// IPv6v4-comp = [IPv6-hex *3(":" IPv6-hex)] "::"
///               [IPv6-hex *3(":" IPv6-hex) ":"] IPv4-address-literal
/// ```
/// "; The "::" represents at least 2 16-bit groups of zeros. No more than 4 groups in
/// addition to the "::" and IPv4-address-literal may be present." (RFC 5321 §4.1.3)
fn ipv6v4_comp(i: Span<'_>) -> SResult<'_, Ipv6Addr> {
    let right = (opt(terminated(hex_groups(3), tag(":"))), ipv4_address_literal);
    let parts = separated_pair(opt(hex_groups(3)), tag("::"), right);
    let parts = verify(parts, |(l, (r, _))| l.unwrap_or_default().1 + r.unwrap_or_default().1 <= 4);
    map(parts, |(l, (r, v4))| {
        Groups::compressed(l.unwrap_or_default(), r.unwrap_or_default().push_v4(v4))
    })
    .parse(i)
}

/// ```text
/// General-address-literal  = Standardized-tag ":" 1*dcontent
/// Standardized-tag  = Ldh-str
/// dcontent  = %d33-90 / %d94-126
/// ```
/// (RFC 5321 §4.1.3).
pub(crate) fn general_address_literal(i: Span<'_>) -> SResult<'_, AddressLiteral> {
    let standardized_tag = verify(take_while1(is_ldh), |t: &Span<'_>| is_ldh_str(t));
    let literal = separated_pair(standardized_tag, tag(":"), take_while1(is_dcontent));
    map(literal, |(t, c): (Span<'_>, Span<'_>)| AddressLiteral::general_checked(t.text(), c.text()))
        .parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use proptest::prelude::*;

    fn v6(s: &str) -> Result<Ipv6Addr, &'static str> {
        let line = Bytes::from(format!("{s}]"));
        match ipv6_addr(Span::new(&line)) {
            Ok((rest, a)) if &*rest == b"]" => Ok(a),
            Ok(_) => Err("left over"),
            Err(e) => Err(super::super::flatten(e).reason),
        }
    }

    fn whole<T>(s: &[u8], p: impl for<'a> Fn(Span<'a>) -> SResult<'a, T>) -> Option<T> {
        let line = Bytes::copy_from_slice(s);
        match p(Span::new(&line)) {
            Ok((rest, v)) if rest.is_empty() => Some(v),
            _ => None,
        }
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
            ("::1:2.3.4.5", "::1:203:405"), // a group, then IPv4
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
        assert_eq!(whole(b"255.0.010.1", ipv4_address_literal), Some(Ipv4Addr::new(255, 0, 10, 1)));
        assert!(whole(b"256.0.0.1", ipv4_address_literal).is_none());
        assert!(whole(b"1.2.3", ipv4_address_literal).is_none());
        assert!(whole(b"1.2.3.1234", ipv4_address_literal).is_none());
    }

    #[test]
    fn dot_string_and_quoted_string() {
        let rest = |s: &[u8], p: fn(Span<'_>) -> SResult<'_, Span<'_>>| {
            let line = Bytes::copy_from_slice(s);
            p(Span::new(&line)).map(|(r, v)| (r.to_vec(), v.to_vec())).map_err(|_| ())
        };
        assert_eq!(rest(b"a.b-c+d@x", dot_string), Ok((b"@x".to_vec(), b"a.b-c+d".to_vec())));
        assert!(rest(b".a", dot_string).is_err());
        assert_eq!(rest(b"a..b", dot_string), Ok((b"..b".to_vec(), b"a".to_vec())));
        assert_eq!(
            rest(br#""a b\"c"@x"#, quoted_string),
            Ok((b"@x".to_vec(), br#""a b\"c""#.to_vec()))
        );
        assert_eq!(rest(br#""""#, quoted_string), Ok((vec![], br#""""#.to_vec())), "empty");
        assert!(rest(br#""abc"#, quoted_string).is_err());
        assert!(rest(b"\"a\x01b\"", quoted_string).is_err());
        assert!(rest(b"\"a\\\x01\"", quoted_string).is_err());
    }

    #[test]
    fn domain_labels() {
        assert_eq!(whole(b"a-b.example.COM", domain).unwrap().as_str(), "a-b.example.COM");
        for bad in [&b"-a.example"[..], b"a-.example", b"a..example", b".example", b"example."] {
            assert!(whole(bad, domain).is_none(), "{:?}", String::from_utf8_lossy(bad));
        }
        assert!(whole(format!("{}.example", "a".repeat(64)).as_bytes(), domain).is_none());
        let long = format!("{}a", "a.".repeat(128));
        assert_eq!(long.len(), 257);
        assert!(whole(long.as_bytes(), domain).is_none());
    }

    proptest! {
        /// The rules and the checks the values make on their own (`Domain::new`,
        /// `LocalPart::new`) agree.
        #[test]
        fn agree_with_the_value_checks(s in proptest::collection::vec(prop_oneof![
            Just(b'.'), Just(b'-'), Just(b'"'), Just(b'\\'), Just(b' '), b'a'..=b'c', Just(0xc3), Just(0xa9), Just(0xff)
        ], 0..10)) {
            prop_assert_eq!(whole(&s, domain).is_some(), crate::types::grammar::check_domain(&s).is_ok());
            prop_assert_eq!(whole(&s, local_part).is_some(), crate::types::grammar::check_local_part(&s).is_ok());
        }
    }
}
