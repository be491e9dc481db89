//! Address types: the RFC 5321 §4.1.2 / §4.1.3 rules, RFC 6531 UTF-8, the length limits of
//! §4.5.3.1, and encode-then-parse round trips for every type.

mod common;

use std::net::{Ipv4Addr, Ipv6Addr};

use bytes::BytesMut;
use common::address as strat;
use esmtp::{
    AddressLiteral, DecodeErrorKind, Domain, ForwardPath, Host, LocalPart, Mailbox, ReversePath,
    ValidationError,
};
use proptest::prelude::*;

/// What a refused value was and why.
fn refused<T: std::fmt::Debug>(r: Result<T, ValidationError>) -> (&'static str, &'static str) {
    let e = r.expect_err("refused");
    (e.what(), e.reason())
}

#[test]
fn domains() {
    for ok in
        ["example.com", "a", "x-1.example", "1.2.3", "EXAMPLE.org", "例子.广告", "bücher.example"]
    {
        let d = Domain::new(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert_eq!(d.to_string(), ok);
        assert_eq!(d.needs_smtputf8(), !ok.is_ascii());
    }
    const EMPTY: &str = "empty domain label";
    const HYPHEN: &str = "domain label starts or ends with a hyphen";
    const OCTET: &str = "domain label holds an octet that is not a letter, digit or hyphen";
    for (bad, reason) in [
        ("", EMPTY),
        ("-a.example", HYPHEN),
        ("a-.example", HYPHEN),
        ("a..b", EMPTY),
        (".a", EMPTY),
        ("a.", EMPTY),
        ("a_b.example", OCTET),
        ("a b", OCTET),
        ("[1.2.3.4]", OCTET),
    ] {
        assert_eq!(refused(Domain::new(bad)), ("domain", reason), "{bad:?}");
    }
    // RFC 1035: 63-octet labels; RFC 5321 §4.5.3.1.2: 255-octet names.
    assert!(Domain::new(&"a".repeat(63)).is_ok());
    assert_eq!(
        refused(Domain::new(&"a".repeat(64))),
        ("domain", "domain label longer than 63 octets")
    );
    let a63 = "a".repeat(63);
    let name = format!("{a63}.{a63}.{a63}.{}", "b".repeat(63));
    assert_eq!(name.len(), 255);
    assert!(Domain::new(&name).is_ok());
    assert_eq!(
        refused(Domain::new(&format!("{name}b"))),
        ("domain", "domain label longer than 63 octets")
    );
    let over = format!("{a63}.{a63}.{a63}.{}.b", "b".repeat(62));
    assert_eq!(over.len(), 256);
    assert_eq!(refused(Domain::new(&over)), ("domain", "domain longer than 255 octets"));
    // Case-insensitive equality (RFC 5321 §2.4), spelling kept.
    let a = Domain::new("Example.COM").unwrap();
    assert_eq!(a, Domain::new("example.com").unwrap());
    assert_eq!(a.to_string(), "Example.COM");
}

/// RFC 6531 §3.3 U-labels, with the checks that stop one domain from reading as another.
#[test]
fn u_labels() {
    for ok in ["例え.jp", "bücher.example", "ab-ü.example", "xn--bcher-kva.example"] {
        assert_eq!(Domain::new(ok).unwrap().as_str(), ok);
    }
    const STOP: &str = "ideographic full stop in a domain";
    const HYPHENS: &str = "U-label with -- in its third and fourth characters";
    const HYPHEN: &str = "domain label starts or ends with a hyphen";
    for (bad, reason) in [
        ("example\u{3002}com", STOP), // ideographic full stops are label separators to IDNA
        ("example\u{FF0E}com", STOP),
        ("example\u{FF61}com", STOP),
        ("ab--ü.example", HYPHENS), // RFC 5891 §4.2.3.1
        ("ü-.example", HYPHEN),
        ("-ü.example", HYPHEN),
    ] {
        assert_eq!(refused(Domain::new(bad)), ("domain", reason), "{bad}");
        let line = format!("RCPT TO:<user@{bad}>");
        let e = esmtp::Command::parse(line.as_bytes()).expect_err(&line);
        assert_eq!((e.kind(), e.reason()), (DecodeErrorKind::MailboxSyntax, reason), "{line}");
    }
}

#[test]
fn address_literals() {
    assert_eq!(
        AddressLiteral::new("[192.0.2.1]").unwrap(),
        AddressLiteral::Ipv4(Ipv4Addr::new(192, 0, 2, 1))
    );
    let v6: Ipv6Addr = "2001:db8::1".parse().unwrap();
    for s in ["[IPv6:2001:db8::1]", "[ipv6:2001:DB8:0:0:0:0:0:1]", "[IPv6:2001:db8:0::1]"] {
        assert_eq!(AddressLiteral::new(s).unwrap(), AddressLiteral::Ipv6(v6), "{s}");
    }
    let mapped = AddressLiteral::new("[IPv6:::ffff:192.0.2.1]").unwrap();
    assert_eq!(mapped.to_string(), "[IPv6:::ffff:192.0.2.1]");
    let g = AddressLiteral::new("[x-foo:some/content]").unwrap();
    match &g {
        AddressLiteral::General(g) => assert_eq!((g.tag(), g.content()), ("x-foo", "some/content")),
        other => panic!("{other:?}"),
    }
    for bad in [
        "[]",
        "[1.2.3]",
        "[1.2.3.256]",
        "[IPv6:1::2::3]",
        "[IPv6:zz::1]",
        "[x-:a]",
        "[x:]",
        "[x:a b]",
        "[x:a[b]",
        "192.0.2.1",
        "[192.0.2.1",
        "[IPv6:1:2:3:4:5:6:7:8:9]",
    ] {
        assert_eq!(refused(AddressLiteral::new(bad)).0, "address literal", "{bad}");
    }
    assert_eq!(
        refused(AddressLiteral::general("IPv6", "::1")),
        ("address literal", "the IPv6 tag is not a general literal")
    );
    assert_eq!(
        refused(AddressLiteral::general("x-", "a")),
        ("address literal", "the tag is not an Ldh-str")
    );
    assert_eq!(
        refused(AddressLiteral::general("x", "a]")),
        ("address literal", "the content is not 1*dcontent")
    );
}

#[test]
fn local_parts() {
    for ok in [
        "john.smith",
        "a+b",
        "!#$%&'*+-/=?^_`{|}~",
        r#""john smith""#,
        r#""a\"b""#,
        r#""""#,
        "用户",
    ] {
        let lp = LocalPart::new(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert_eq!(lp.as_str(), ok);
    }
    for bad in ["", ".a", "a.", "a..b", "a b", "a@b", "\"unterminated", "\"a\u{1}\"", "a\"b"] {
        assert_eq!(
            refused(LocalPart::new(bad)),
            ("local part", "not a Dot-string or Quoted-string"),
            "{bad:?}"
        );
    }
    assert!(LocalPart::new(&"a".repeat(64)).is_ok());
    assert_eq!(
        refused(LocalPart::new(&"a".repeat(65))),
        ("local part", "local part longer than 64 octets"),
        "RFC 5321 §4.5.3.1.1"
    );

    let q = LocalPart::new(r#""john \"jr\" smith""#).unwrap();
    assert!(q.is_quoted());
    assert_eq!(q.value(), r#"john "jr" smith"#);
    let back = LocalPart::from_value(r#"john "jr" smith"#).unwrap();
    assert_eq!(back, q);
    assert_eq!(LocalPart::from_value("plain.dot").unwrap().as_str(), "plain.dot");
    assert_eq!(LocalPart::from_value("a..b").unwrap().as_str(), r#""a..b""#);
    assert_eq!(
        refused(LocalPart::from_value("bad\u{7}")),
        ("local part", "not a Dot-string or Quoted-string")
    );
    assert!(LocalPart::new("üser").unwrap().needs_smtputf8());
}

/// RFC 5321 §4.1.2: "all quoted forms MUST be treated as equivalent", and a sender SHOULD
/// use the least quoting. Case still matters (§2.4).
#[test]
fn quoted_forms_are_equivalent() {
    use std::collections::HashSet;
    let forms = ["abc", r#""abc""#, r#""a\bc""#, r#""\a\b\c""#];
    let set: HashSet<LocalPart> = forms.iter().map(|f| LocalPart::new(f).unwrap()).collect();
    assert_eq!(set.len(), 1, "one mailbox name, four spellings");
    for f in forms {
        let lp = LocalPart::new(f).unwrap();
        assert_eq!(lp.as_str(), f, "the wire form is kept");
        assert_eq!(lp.minimal().as_str(), "abc");
    }
    assert_ne!(LocalPart::new("abc").unwrap(), LocalPart::new("ABC").unwrap());
    assert_ne!(LocalPart::new(r#""a b""#).unwrap(), LocalPart::new("ab").unwrap());
    let needs_quotes = LocalPart::new(r#""john\ smith""#).unwrap();
    assert_eq!(needs_quotes.minimal().as_str(), r#""john smith""#);
    let a: Mailbox =
        r#"<"abc"@example.org>"#.parse::<ReversePath>().unwrap().mailbox().unwrap().clone();
    let b: Mailbox = "abc@example.org".parse().unwrap();
    assert_eq!(a, b);
}

#[test]
fn mailboxes_and_paths() {
    let m: Mailbox = "user@[IPv6:::1]".parse().unwrap();
    assert!(matches!(m.domain(), Host::Literal(AddressLiteral::Ipv6(_))));
    assert_eq!(m.to_string(), "user@[IPv6:::1]");
    assert_eq!(refused("user".parse::<Mailbox>()), ("mailbox", "expected @ after the local part"));
    assert_eq!(
        refused("user@".parse::<Mailbox>()),
        ("mailbox", "domain or address literal expected")
    );
    assert_eq!(refused("@example.com".parse::<Mailbox>()).0, "mailbox");

    assert_eq!("<>".parse::<ReversePath>().unwrap(), ReversePath::Null);
    assert_eq!("".parse::<ReversePath>().unwrap(), ReversePath::Null);
    assert_eq!(
        refused("<>".parse::<ForwardPath>()),
        ("forward-path", "mailbox expected"),
        "<> is no forward-path"
    );
    assert_eq!("<POSTMASTER>".parse::<ForwardPath>().unwrap(), ForwardPath::Postmaster);
    assert_eq!(
        refused("<Postmaster>".parse::<ReversePath>()),
        ("reverse-path", "expected @ after the local part")
    );
    let routed: ForwardPath = "<@a.example,@b.example:c@d.example>".parse().unwrap();
    assert_eq!(routed.to_string(), "<c@d.example>", "RFC 5321 §4.1.1.3: source routes dropped");
    assert_eq!(
        refused("<@a.example:>".parse::<ForwardPath>()),
        ("forward-path", "mailbox expected")
    );
    assert_eq!(
        refused("<@a.example,c@d.example>".parse::<ForwardPath>()),
        ("forward-path", "expected : after the source route")
    );

    // RFC 5321 §4.5.3.1.3: 256 octets for the whole path.
    let local = "l".repeat(64);
    let domain = format!("{}.{}.{}", "d".repeat(63), "e".repeat(63), "f".repeat(61));
    let fits = format!("<{local}@{domain}>");
    assert_eq!(fits.len(), 256);
    assert!(fits.parse::<ForwardPath>().is_ok());
    let over = format!("<{local}@{domain}g>");
    assert_eq!(
        refused(over.parse::<ForwardPath>()),
        ("forward-path", "path longer than 256 octets")
    );
    let lp = LocalPart::new(&local).unwrap();
    assert_eq!(
        refused(Mailbox::new(lp, Domain::new(&format!("{domain}g")).unwrap())),
        ("mailbox", "longer than a 256-octet path allows")
    );
}

fn encoded(f: impl FnOnce(&mut BytesMut)) -> String {
    let mut b = BytesMut::new();
    f(&mut b);
    String::from_utf8(b.to_vec()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn domain_round_trip(d in strat::domain()) {
        let wire = encoded(|b| d.encode(b));
        prop_assert_eq!(Domain::new(&wire).unwrap(), d.clone());
        prop_assert_eq!(d.to_string(), wire);
    }

    #[test]
    fn literal_round_trip(l in strat::address_literal()) {
        let wire = encoded(|b| l.encode(b));
        prop_assert_eq!(AddressLiteral::new(&wire).unwrap(), l);
    }

    #[test]
    fn host_round_trip(h in strat::host()) {
        prop_assert_eq!(Host::new(&encoded(|b| h.encode(b))).unwrap(), h);
    }

    #[test]
    fn local_part_round_trip(l in strat::local_part()) {
        let parsed = LocalPart::new(l.as_str()).unwrap();
        prop_assert_eq!(parsed.as_str(), l.as_str());
        prop_assert_eq!(&parsed, &l);
        let requoted = LocalPart::from_value(&l.value()).unwrap();
        prop_assert_eq!(requoted.value(), l.value());
        prop_assert_eq!(&requoted, &l);
        let minimal = l.minimal();
        prop_assert_eq!(&minimal, &l);
        prop_assert!(minimal.as_str().len() <= l.as_str().len());
        // Quoted only when the value is no Dot-string.
        let value_is_dot_string = LocalPart::new(&minimal.value()).is_ok_and(|v| !v.is_quoted());
        prop_assert!(!minimal.is_quoted() || !value_is_dot_string);
    }

    #[test]
    fn mailbox_round_trip(m in strat::mailbox()) {
        prop_assert_eq!(encoded(|b| m.encode(b)).parse::<Mailbox>().unwrap(), m);
    }

    #[test]
    fn paths_round_trip(r in strat::reverse_path(), f in strat::forward_path()) {
        prop_assert_eq!(encoded(|b| r.encode(b)).parse::<ReversePath>().unwrap(), r.clone());
        prop_assert_eq!(encoded(|b| f.encode(b)).parse::<ForwardPath>().unwrap(), f.clone());
        prop_assert_eq!(r.to_string().parse::<ReversePath>().unwrap(), r);
        prop_assert_eq!(f.to_string().parse::<ForwardPath>().unwrap(), f);
    }
}
