//! The character classes of the command grammar, and the checks the constructors of the
//! values make on text given to them.
//!
//! These are plain predicates over octets, without nom: the values use them to refuse what
//! they cannot carry, and the nom grammar in the crate's parser builds its rules from the
//! same classes, so both sides agree on what each rule admits (the parser's tests check
//! that they do). Each function names the ABNF rule it checks.

use super::address::{MAX_DOMAIN_LEN, MAX_LOCAL_PART_LEN};

/// `Let-dig = ALPHA / DIGIT` (RFC 5321 §4.1.2).
pub(crate) const fn is_let_dig(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// `ALPHA / DIGIT / "-"`: the octets of `Ldh-str` (RFC 5321 §4.1.2), which are also those
/// of an `esmtp-keyword` after its first.
pub(crate) const fn is_ldh(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// `atext` (RFC 5322 §3.2.3), used by `Atom` in RFC 5321 §4.1.2:
/// `ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "/" / "=" / "?" /
/// "^" / "_" / "`" / "{" / "|" / "}" / "~"`.
pub(crate) const fn is_atext(c: u8) -> bool {
    matches!(c,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'/' | b'='
        | b'?' | b'^' | b'_' | b'`' | b'{' | b'|' | b'}' | b'~')
}

/// The octets of a `sub-domain` as this crate reads it: [`is_ldh`], or beyond ASCII for the
/// U-labels of RFC 6531 §3.3. A domain's labels are runs of these.
pub(crate) fn is_label_octet(c: u8) -> bool {
    CLASSES[usize::from(c)] & LABEL != 0
}

/// The octets of an `Atom` (RFC 5321 §4.1.2): [`is_atext`], or beyond ASCII (RFC 6531 §3.3
/// `atext =/ UTF8-non-ascii`). A Dot-string's atoms are runs of these.
pub(crate) fn is_atom_octet(c: u8) -> bool {
    CLASSES[usize::from(c)] & ATOM != 0
}

const LABEL: u8 = 1;
const ATOM: u8 = 2;

/// The classes above, one bit each per octet, computed once at compile time from the
/// predicates that define them: the rules that scan runs of these octets look each one up
/// instead of testing its ranges.
static CLASSES: [u8; 256] = {
    let mut table = [0; 256];
    let mut c = 0;
    while c < 256 {
        let o = c as u8;
        if is_ldh(o) || o >= 0x80 {
            table[c] |= LABEL;
        }
        if is_atext(o) || o >= 0x80 {
            table[c] |= ATOM;
        }
        c += 1;
    }
    table
};

/// `qtextSMTP = %d32-33 / %d35-91 / %d93-126` (RFC 5321 §4.1.2).
pub(crate) const fn is_qtext_smtp(c: u8) -> bool {
    matches!(c, 32..=33 | 35..=91 | 93..=126)
}

/// `quoted-pairSMTP = %d92 %d32-126` (RFC 5321 §4.1.2): the octet after the backslash.
pub(crate) const fn is_quoted_pair_char(c: u8) -> bool {
    matches!(c, 32..=126)
}

/// `dcontent = %d33-90 / %d94-126` (RFC 5321 §4.1.3): printable US-ASCII but "[", "\", "]".
pub(crate) const fn is_dcontent(c: u8) -> bool {
    matches!(c, 33..=90 | 94..=126)
}

/// `%d33-60 / %d62-126`: an `esmtp-value` octet (RFC 5321 §4.1.2), any printable US-ASCII
/// but "=".
pub(crate) const fn is_esmtp_value_char(c: u8) -> bool {
    matches!(c, 33..=60 | 62..=126)
}

/// `xchar = %x21-2A / %x2C-3C / %x3E-7E` (RFC 3461 §4): the octets xtext carries as
/// themselves; "+" and "=" are hex-encoded.
pub(crate) const fn is_xchar(c: u8) -> bool {
    matches!(c, 0x21..=0x2A | 0x2C..=0x3C | 0x3E..=0x7E)
}

/// An upper-case hexadecimal digit, as `hexchar` needs (RFC 3461 §4).
pub(crate) const fn is_upper_hex(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'A'..=b'F')
}

/// `ALPHA / DIGIT / "+" / "/"`: a base64 character other than the "=" padding (RFC 4648 §4).
pub(crate) const fn is_base64_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'/'
}

/// A character of the `String` argument of VRFY, EXPN, HELP, NOOP as this crate takes it:
/// no control character (see `Argument`). Octets beyond ASCII are checked as UTF-8 apart.
pub(crate) const fn is_argument_char(c: u8) -> bool {
    c >= 0x20 && c != 0x7f
}

/// A printable US-ASCII octet (`%d33-126`): the octets of a verb this crate does not know.
pub(crate) const fn is_vchar(c: u8) -> bool {
    matches!(c, 33..=126)
}

/// `sub-domain = Let-dig [Ldh-str]`, `Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig`
/// (RFC 5321 §4.1.2), or `U-label` (RFC 6531 §3.3): octets that are LDH or beyond ASCII,
/// neither first nor last a hyphen, at most 63 of them (RFC 1035 §2.3.4). A U-label's
/// UTF-8 is checked with the whole domain ([`domain_limits`]).
pub(crate) fn is_sub_domain(label: &[u8]) -> bool {
    matches!((label.first(), label.last()), (Some(&f), Some(&l)) if f != b'-' && l != b'-')
        && label.len() <= 63
        && label.iter().all(|&c| is_label_octet(c))
}

/// The checks on a whole `Domain` beyond its labels: at most 255 octets (RFC 5321
/// §4.5.3.1.2), and for a domain with U-labels, UTF-8 and the checks below (full IDNA2008
/// validity needs the Unicode tables and is not checked):
/// - no U+3002, U+FF0E or U+FF61: IDNA treats these full stops as label separators (RFC
///   3490 §3.1), so software that maps them would read another domain than this one;
/// - no `--` in the third and fourth characters of a U-label (RFC 5891 §4.2.3.1).
pub(crate) fn domain_limits(d: &[u8]) -> Result<(), &'static str> {
    if d.len() > MAX_DOMAIN_LEN {
        return Err("domain longer than 255 octets");
    }
    if d.is_ascii() {
        return Ok(());
    }
    let Ok(s) = std::str::from_utf8(d) else {
        return Err("malformed UTF-8 in domain");
    };
    if s.contains(['\u{3002}', '\u{FF0E}', '\u{FF61}']) {
        return Err("ideographic full stop in a domain");
    }
    for label in s.split('.').filter(|l| !l.is_ascii()) {
        let mut chars = label.chars().skip(2);
        if chars.next() == Some('-') && chars.next() == Some('-') {
            return Err("U-label with -- in its third and fourth characters");
        }
    }
    Ok(())
}

/// `Domain = sub-domain *("." sub-domain)` (RFC 5321 §4.1.2) within its limits.
pub(crate) fn check_domain(d: &[u8]) -> Result<(), &'static str> {
    for label in d.split(|&c| c == b'.') {
        if !is_sub_domain(label) {
            return Err(match label {
                [] => "empty domain label",
                _ if label.len() > 63 => "domain label longer than 63 octets",
                [b'-', ..] | [.., b'-'] => "domain label starts or ends with a hyphen",
                _ => "domain label holds an octet that is not a letter, digit or hyphen",
            });
        }
    }
    domain_limits(d)
}

/// `Dot-string = Atom *("." Atom)`, `Atom = 1*atext` (RFC 5321 §4.1.2), with RFC 6531
/// §3.3 `atext =/ UTF8-non-ascii`.
pub(crate) fn is_dot_string(s: &[u8]) -> bool {
    s.split(|&c| c == b'.').all(|a| !a.is_empty() && a.iter().all(|&c| is_atom_octet(c)))
}

/// `Quoted-string = DQUOTE *QcontentSMTP DQUOTE` (RFC 5321 §4.1.2), with RFC 6531 §3.3
/// `qtextSMTP =/ UTF8-non-ascii`; `s` includes the quotes.
pub(crate) fn is_quoted_string(s: &[u8]) -> bool {
    let [b'"', inner @ .., b'"'] = s else { return false };
    let mut rest = inner;
    loop {
        match rest {
            [] => return true,
            [b'\\', c, tail @ ..] if is_quoted_pair_char(*c) => rest = tail,
            [c, tail @ ..] if is_qtext_smtp(*c) || *c >= 0x80 => rest = tail,
            _ => return false,
        }
    }
}

/// `Local-part = Dot-string / Quoted-string` (RFC 5321 §4.1.2), well-formed UTF-8, at
/// most 64 octets (§4.5.3.1.1).
pub(crate) fn check_local_part(s: &[u8]) -> Result<(), &'static str> {
    if !is_dot_string(s) && !is_quoted_string(s) {
        return Err("not a Dot-string or Quoted-string");
    }
    if s.len() > MAX_LOCAL_PART_LEN {
        return Err("local part longer than 64 octets");
    }
    if !s.is_ascii() && std::str::from_utf8(s).is_err() {
        return Err("malformed UTF-8 in local part");
    }
    Ok(())
}

/// `Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig` (RFC 5321 §4.1.2), as the
/// `Standardized-tag` of a general address literal (§4.1.3) uses it.
pub(crate) fn is_ldh_str(s: &[u8]) -> bool {
    s.last().is_some_and(|&c| is_let_dig(c)) && s.iter().all(|&c| is_ldh(c))
}

/// `Atom = 1*atext` (RFC 5321 §4.1.2), for the ORCPT `addr-type` (RFC 3461 §4.2).
pub(crate) fn is_atom(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&c| is_atext(c))
}

/// `xtext = *( xchar / hexchar )`, `hexchar = "+" 2(%x30-39 / %x41-46)` (RFC 3461 §4).
pub(crate) fn is_xtext(s: &[u8]) -> bool {
    let mut rest = s;
    loop {
        match rest {
            [] => return true,
            [b'+', a, b, tail @ ..] if is_upper_hex(*a) && is_upper_hex(*b) => rest = tail,
            [c, tail @ ..] if is_xchar(*c) => rest = tail,
            _ => return false,
        }
    }
}

/// `esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")` (RFC 5321 §4.1.2).
pub(crate) fn is_esmtp_keyword(s: &[u8]) -> bool {
    s.first().is_some_and(|&c| is_let_dig(c)) && s.iter().all(|&c| is_ldh(c))
}

/// `esmtp-value = 1*(%d33-60 / %d62-126)` (RFC 5321 §4.1.2), with RFC 6531 §3.3's
/// `UTF8-non-ascii` as well-formed UTF-8.
pub(crate) fn is_esmtp_value(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter().all(|&c| is_esmtp_value_char(c) || c >= 0x80)
        && (s.is_ascii() || std::str::from_utf8(s).is_ok())
}

/// `base64` as RFC 4954 §4 takes it: the RFC 4648 §4 alphabet, a length that is a multiple
/// of 4, and at most two "=" of padding, only at the end.
pub(crate) fn is_base64(s: &[u8]) -> bool {
    let pad = s.iter().rev().take_while(|&&c| c == b'=').count();
    !s.is_empty()
        && s.len().is_multiple_of(4)
        && pad <= 2
        && s[..s.len() - pad].iter().all(|&c| is_base64_char(c))
}

/// The argument of VRFY, EXPN, HELP and NOOP as this crate takes it: non-empty UTF-8 with
/// no control characters.
pub(crate) fn is_argument(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&c| is_argument_char(c)) && std::str::from_utf8(s).is_ok()
}

/// RFC 3339 §5.6 `date-time = full-date "T" full-time`, as HOLDUNTIL takes it (RFC 4865
/// §4): `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, "T" and "Z" in either case (RFC 3339
/// §5.6 NOTE).
pub(crate) fn is_date_time(v: &[u8]) -> bool {
    fn digits(s: &[u8]) -> bool {
        s.iter().all(u8::is_ascii_digit)
    }
    let [
        y1,
        y2,
        y3,
        y4,
        b'-',
        m1,
        m2,
        b'-',
        d1,
        d2,
        b'T' | b't',
        h1,
        h2,
        b':',
        n1,
        n2,
        b':',
        s1,
        s2,
        rest @ ..,
    ] = v
    else {
        return false;
    };
    if !digits(&[*y1, *y2, *y3, *y4, *m1, *m2, *d1, *d2, *h1, *h2, *n1, *n2, *s1, *s2]) {
        return false;
    }
    let rest = match rest {
        [b'.', frac @ ..] => {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return false;
            }
            &frac[n..]
        }
        _ => rest,
    };
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => digits(&[*h1, *h2, *m1, *m2]),
        _ => false,
    }
}
