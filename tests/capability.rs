//! EHLO capabilities (RFC 5321 §4.1.1.1) from real servers (../shared/peers/ehlo-captures.txt)
//! and replies written to look like the big mailbox providers'.

use esmtp::{
    Capabilities, DecodeErrorKind, Extension, Mechanism, Reply, ReplyCode, Text, ValidationError,
};
use proptest::prelude::*;

fn caps(wire: &str) -> Capabilities {
    Capabilities::from_ehlo(&Reply::parse(wire.as_bytes()).unwrap()).unwrap()
}

/// What a refused building call reports: what was being built.
fn refused<T: std::fmt::Debug>(result: Result<T, ValidationError>) -> &'static str {
    result.unwrap_err().what()
}

fn keywords(c: &Capabilities) -> Vec<String> {
    c.iter().map(|e| e.to_string()).collect()
}

fn round_trips(c: &Capabilities) {
    let reply = c.to_ehlo_reply(c.domain(), c.greeting()).unwrap();
    let again = Capabilities::from_ehlo(&Reply::parse(&reply.to_bytes()).unwrap()).unwrap();
    assert_eq!(&again, c);
}

#[test]
fn postfix() {
    let c = caps(
        "250-peers-postfix.test\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-VRFY\r\n250-ETRN\r\n\
         250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n",
    );
    assert_eq!(c.domain(), "peers-postfix.test");
    assert_eq!(c.greeting(), "");
    assert_eq!(c.size_limit(), Some(52_428_800));
    assert!(c.supports_pipelining() && c.supports_starttls() && c.supports_enhanced_status_codes());
    assert!(
        c.supports_8bitmime() && c.supports_dsn() && c.supports_smtputf8() && c.supports_chunking()
    );
    assert!(c.has("vrfy") && c.has("ETRN") && !c.has("EXPN") && !c.supports_binarymime());
    assert!(c.auth_mechanisms().is_empty());
    assert_eq!(c.len(), 10);
    assert_eq!(c.get("etrn"), Some(&Extension::Etrn));
    round_trips(&c);
}

/// Exim: the greeting text is kept whole; SIZE without a number; PIPECONNECT kept.
#[test]
fn exim() {
    let c = caps(
        "250-peers-exim.test Hello client.peers.test [127.0.0.1]\r\n250-SIZE\r\n250-8BITMIME\r\n\
         250-DSN\r\n250-PIPELINING\r\n250-PIPECONNECT\r\n250-CHUNKING\r\n250-STARTTLS\r\n\
         250-SMTPUTF8\r\n250 HELP\r\n",
    );
    assert_eq!(c.domain(), "peers-exim.test");
    assert_eq!(c.greeting(), "Hello client.peers.test [127.0.0.1]");
    assert!(c.has("SIZE"));
    assert_eq!(c.get("SIZE"), Some(&Extension::Size(None)));
    assert_eq!(c.size_limit(), None);
    assert!(c.has("pipeconnect"));
    assert_eq!(c.get("PIPECONNECT").unwrap().to_string(), "PIPECONNECT");
    assert!(c.has("HELP"));
    round_trips(&c);
}

#[test]
fn aiosmtpd() {
    let c = caps(
        "250-peers-aiosmtpd.test\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n\
         250-STARTTLS\r\n250-AUTH LOGIN PLAIN\r\n250-PIPELINING\r\n250-DSN\r\n250 HELP\r\n",
    );
    assert_eq!(c.auth_mechanisms(), [Mechanism::Login, Mechanism::Plain]);
    assert!(c.supports_auth(&Mechanism::Plain) && !c.supports_auth(&Mechanism::CramMd5));
    assert_eq!(c.size_limit(), Some(33_554_432));
    round_trips(&c);
}

/// smtp-sink: XCLIENT/XFORWARD with parameters, and a blank last line (`250 `).
#[test]
fn smtp_sink() {
    let c = caps(
        "250-peers-smtp-sink.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n\
         250-XCLIENT NAME HELO\r\n250-XFORWARD NAME ADDR PROTO HELO\r\n250-ENHANCEDSTATUSCODES\r\n\
         250-DSN\r\n250 \r\n",
    );
    assert_eq!(c.len(), 7);
    assert_eq!(
        keywords(&c),
        [
            "PIPELINING",
            "8BITMIME",
            "AUTH PLAIN LOGIN",
            "XCLIENT NAME HELO",
            "XFORWARD NAME ADDR PROTO HELO",
            "ENHANCEDSTATUSCODES",
            "DSN"
        ]
    );
    match c.get("xforward") {
        Some(Extension::Other { keyword, params }) => {
            assert_eq!(keyword, "XFORWARD");
            assert_eq!(
                params.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                ["NAME", "ADDR", "PROTO", "HELO"]
            );
        }
        other => panic!("{other:?}"),
    }
    round_trips(&c);
}

/// Shaped like Gmail's: many AUTH mechanisms, including ones this crate has no variant for.
#[test]
fn gmail_like() {
    let c = caps(
        "250-smtp.gmail.example at your service, [192.0.2.10]\r\n250-SIZE 35882577\r\n\
         250-8BITMIME\r\n250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\r\n\
         250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n",
    );
    assert_eq!(c.greeting(), "at your service, [192.0.2.10]");
    let names: Vec<&str> = c.auth_mechanisms().iter().map(|m| m.as_str()).collect();
    assert_eq!(names, ["LOGIN", "PLAIN", "XOAUTH2", "PLAIN-CLIENTTOKEN", "OAUTHBEARER", "XOAUTH"]);
    assert!(c.supports_auth(&Mechanism::XOAuth2) && c.supports_auth(&Mechanism::OAuthBearer));
    round_trips(&c);
}

/// Shaped like Microsoft's: X-EXPS, XRDST, X-ANONYMOUSTLS, BINARYMIME, a long SIZE.
#[test]
fn microsoft_like() {
    let c = caps(
        "250-MW4PR04CA0001.outlook.example Hello [192.0.2.20]\r\n250-SIZE 157286400\r\n\
         250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n\
         250-X-ANONYMOUSTLS\r\n250-AUTH NTLM\r\n250-X-EXPS GSSAPI NTLM\r\n250-8BITMIME\r\n\
         250-BINARYMIME\r\n250-CHUNKING\r\n250-XRDST\r\n250 SMTPUTF8\r\n",
    );
    assert_eq!(c.auth_mechanisms(), [Mechanism::Ntlm]);
    assert!(c.has("X-EXPS") && c.has("xrdst") && c.has("X-ANONYMOUSTLS"));
    assert_eq!(c.get("x-exps").unwrap().to_string(), "X-EXPS GSSAPI NTLM");
    assert!(c.supports_binarymime() && c.supports_chunking());
    assert_eq!(c.size_limit(), Some(157_286_400));
    round_trips(&c);
}

/// Shaped like Yahoo's and older servers': the legacy `AUTH=` line merged into AUTH, odd
/// spacing, tabs, lower case, repeats.
#[test]
fn legacy_auth_and_odd_spacing() {
    let c = caps(
        "250-mta.yahoo.example Hello there\r\n250-8BITMIME\r\n250-SIZE    41943040 \r\n\
         250-AUTH PLAIN LOGIN XOAUTH2 OAUTHBEARER\r\n250-AUTH=LOGIN PLAIN CRAM-MD5\r\n\
         250-pipelining\r\n250-PIPELINING\r\n250-  STARTTLS\r\n250-dsn\t\r\n\
         250-auth\tscram-sha-256   scram-sha-256-plus\r\n250 ENHANCEDSTATUSCODES\r\n",
    );
    assert_eq!(
        c.auth_mechanisms(),
        [
            Mechanism::Plain,
            Mechanism::Login,
            Mechanism::XOAuth2,
            Mechanism::OAuthBearer,
            Mechanism::CramMd5,
            Mechanism::ScramSha256,
            Mechanism::ScramSha256Plus
        ]
    );
    assert_eq!(c.size_limit(), Some(41_943_040));
    assert!(c.supports_pipelining() && c.supports_starttls() && c.supports_dsn());
    assert_eq!(c.iter().filter(|e| **e == Extension::Pipelining).count(), 1, "repeat listed once");
    // The AUTH= line alone is enough.
    let c = caps("250-old.example\r\n250 AUTH=LOGIN\r\n");
    assert_eq!(c.auth_mechanisms(), [Mechanism::Login]);
    round_trips(&c);
}

/// Every typed keyword of the RFCs in ../shared/rfc, with its parameters.
#[test]
fn typed_parameters() {
    let c = caps(
        "250-x.example\r\n250-DELIVERBY 240\r\n250-FUTURERELEASE 604800 2026-12-31T23:59:59Z\r\n\
         250-MT-PRIORITY MIXER\r\n250-NO-SOLICITING net.example:ADV,org.example:x\r\n\
         250-BURL imap imap://imap.example\r\n250-REQUIRETLS\r\n250-UTF8SMTP\r\n250-ATRN\r\n\
         250-EXPN\r\n250-BINARYMIME\r\n250 PRDR\r\n",
    );
    assert_eq!(c.deliver_by(), Some(Some(240)));
    let (interval, until) = c.future_release().unwrap();
    assert_eq!((interval, until.as_str()), (604_800, "2026-12-31T23:59:59Z"));
    assert_eq!(c.mt_priority(), Some(Some(&Text::from("MIXER"))));
    assert_eq!(
        c.get("NO-SOLICITING"),
        Some(&Extension::NoSoliciting(vec!["net.example:ADV".into(), "org.example:x".into()]))
    );
    assert_eq!(
        c.get("burl"),
        Some(&Extension::Burl(vec!["imap".into(), "imap://imap.example".into()]))
    );
    assert!(c.supports_requiretls());
    // UTF8SMTP is recognised and reported, never taken for SMTPUTF8.
    assert!(c.offers_deprecated_utf8smtp() && !c.supports_smtputf8());
    assert!(c.has("PRDR") && c.has("ATRN") && c.has("EXPN"));
    round_trips(&c);
    // Bare forms.
    let c = caps("250-x.example\r\n250-DELIVERBY\r\n250-MT-PRIORITY\r\n250 NO-SOLICITING\r\n");
    assert_eq!(c.deliver_by(), Some(None));
    assert_eq!(c.mt_priority(), Some(None));
    assert_eq!(c.get("no-soliciting"), Some(&Extension::NoSoliciting(vec![])));
    round_trips(&c);
}

/// Parameters outside a known keyword's syntax are kept as they came, not guessed at.
#[test]
fn malformed_known_keywords_are_kept_as_other() {
    for line in [
        "SIZE lots",
        "SIZE 1 2",
        "SIZE 999999999999999999999",
        "DELIVERBY 1234567890",
        "FUTURERELEASE 0 x",
        "FUTURERELEASE 10",
        "MT-PRIORITY a/b",
        "NO-SOLICITING a,,b",
    ] {
        let ext = Extension::parse(line).unwrap();
        assert!(matches!(ext, Extension::Other { .. }), "{line}: {ext:?}");
        assert_eq!(ext.to_string(), line);
    }
    // A later valid SIZE wins over the malformed one.
    let c = caps("250-x\r\n250-SIZE lots\r\n250 SIZE 1000\r\n");
    assert_eq!(c.size_limit(), Some(1000));
    assert_eq!(c.len(), 1);
}

#[test]
fn single_line_and_errors() {
    let c = caps("250 mail.example.org\r\n");
    assert_eq!((c.domain().as_str(), c.is_empty()), ("mail.example.org", true));
    let err =
        Capabilities::from_ehlo(&Reply::parse(b"502 5.5.1 EHLO not implemented\r\n").unwrap())
            .unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::Capability);
}

#[test]
fn server_side_construction() {
    let mut c = Capabilities::new("mx.example.net", "greets you").unwrap();
    c.insert(Extension::Pipelining).unwrap();
    c.insert(Extension::Size(Some(10_485_760))).unwrap();
    c.insert(Extension::Auth(vec![Mechanism::Plain, "SCRAM-SHA-256".parse().unwrap()])).unwrap();
    c.insert(Extension::Other { keyword: "PRDR".into(), params: vec![] }).unwrap();
    assert_eq!(
        c.insert(Extension::Size(Some(1))).unwrap(),
        Some(Extension::Size(Some(10_485_760)))
    );
    let reply = c.to_ehlo_reply("mx.example.net", "greets you").unwrap();
    assert_eq!(reply.code(), ReplyCode::OK);
    assert_eq!(
        reply.to_string(),
        "250-mx.example.net greets you\r\n250-PIPELINING\r\n250-SIZE 1\r\n250-AUTH PLAIN SCRAM-SHA-256\r\n250 PRDR\r\n"
    );
    round_trips(&c);
    assert_eq!(c.remove("prdr").map(|e| e.to_string()), Some("PRDR".into()));
    // Values that would not read back as themselves are refused.
    let before = c.clone();
    for bad in [
        Extension::Other { keyword: "PIPELINING".into(), params: vec![] },
        Extension::Other { keyword: "X-A B".into(), params: vec![] },
        Extension::Burl(vec!["two words".into()]),
        Extension::Auth(vec![Mechanism::Plain, Mechanism::Plain]),
        Extension::NoSoliciting(vec!["".into()]),
        Extension::Other { keyword: "X-CTL".into(), params: vec!["a\x01".into()] },
    ] {
        assert_eq!(refused(c.insert(bad.clone())), "EHLO extension", "{bad:?}");
    }
    assert_eq!(c, before, "a refused extension is not added");
    assert_eq!(refused(Capabilities::new("bad domain", "")), "EHLO domain");
    assert_eq!(refused(Capabilities::new("", "")), "EHLO domain");
    assert_eq!(refused(Capabilities::new("x", "bad\r\n250 injected")), "EHLO greeting");
    // Would read as an enhanced code.
    assert_eq!(refused(c.to_ehlo_reply("2.0.0", "x")), "EHLO domain");
    assert_eq!(refused(c.to_ehlo_reply("x", "bad\r\n")), "EHLO greeting");
}

fn arb_param() -> impl Strategy<Value = String> {
    "[!-~]{1,12}"
}

fn arb_extension() -> impl Strategy<Value = Extension> {
    let text = |s: String| Text::from(s);
    prop_oneof![
        Just(Extension::EightBitMime),
        Just(Extension::Atrn),
        Just(Extension::BinaryMime),
        Just(Extension::Chunking),
        Just(Extension::Dsn),
        Just(Extension::EnhancedStatusCodes),
        Just(Extension::Etrn),
        Just(Extension::Expn),
        Just(Extension::Help),
        Just(Extension::Pipelining),
        Just(Extension::RequireTls),
        Just(Extension::SmtpUtf8),
        Just(Extension::StartTls),
        Just(Extension::Utf8Smtp),
        Just(Extension::Vrfy),
        prop::option::of(any::<u64>()).prop_map(Extension::Size),
        prop::option::of(0u64..1_000_000_000).prop_map(Extension::DeliverBy),
        (1u64..1_000_000_000, "[0-9TZ:-]{1,25}").prop_map(move |(i, t)| Extension::FutureRelease {
            max_interval: i,
            max_datetime: text(t)
        }),
        prop::option::of("[A-Za-z0-9._-]{1,20}".prop_map(text)).prop_map(Extension::MtPriority),
        prop::collection::vec("[!-+--~]{1,8}".prop_map(text), 0..4)
            .prop_map(Extension::NoSoliciting),
        prop::collection::vec(arb_param().prop_map(text), 0..3).prop_map(Extension::Burl),
        prop::collection::btree_set("[A-Z0-9_-]{1,20}", 0..5).prop_map(|names| {
            Extension::Auth(names.iter().map(|n| n.parse().unwrap()).collect())
        }),
        ("X[A-Z0-9-]{0,10}", prop::collection::vec(arb_param(), 0..3)).prop_map(move |(k, ps)| {
            Extension::Other { keyword: text(k), params: ps.into_iter().map(text).collect() }
        }),
    ]
}

proptest! {
    /// to_ehlo_reply then from_ehlo gives an equal set (through the wire form too).
    #[test]
    fn capabilities_round_trip(
        exts in prop::collection::vec(arb_extension(), 0..12),
        domain in "[a-z][a-z0-9.-]{0,20}",
        greeting in "[ -~]{0,30}",
    ) {
        let mut c = Capabilities::new(&domain, &greeting).unwrap();
        // What the set must hold after the inserts: the last accepted extension of each
        // keyword (a later insert replaces an earlier one of its keyword).
        let mut expected: Vec<Extension> = Vec::new();
        for e in exts {
            // Some generated values are refused on purpose (e.g. an X- keyword with a
            // parameter holding "="); what is accepted must round-trip.
            if c.insert(e.clone()).is_ok() {
                match expected.iter().position(|x| x.keyword().eq_ignore_ascii_case(e.keyword())) {
                    Some(i) => expected[i] = e,
                    None => expected.push(e),
                }
            }
        }
        let reply = c.to_ehlo_reply(&domain, &greeting).unwrap();
        let back = Capabilities::from_ehlo(&reply).unwrap();
        prop_assert_eq!(&back, &c);
        let wire = Capabilities::from_ehlo(&Reply::parse(&reply.to_bytes()).unwrap()).unwrap();
        prop_assert_eq!(&wire, &c);
        // Every extension inserted is there after the round trip, with its parameters,
        // and nothing else is.
        prop_assert_eq!(wire.len(), expected.len());
        for e in &expected {
            prop_assert_eq!(wire.get(e.keyword()), Some(e));
        }
        prop_assert_eq!(wire.iter().collect::<Vec<_>>(), expected.iter().collect::<Vec<_>>());
        prop_assert_eq!((wire.domain().as_str(), wire.greeting().as_str()), (domain.as_str(), greeting.as_str()));
    }

    /// Any extension line parses, and its Display form parses to the same value.
    #[test]
    fn extension_line_reparses(line in "[ -~]{0,60}") {
        if let Some(ext) = Extension::parse(&line) {
            prop_assert_eq!(Extension::parse(&ext.to_string()), Some(ext));
        }
    }
}

/// `from_ehlo` gives the same set, in the same order, for a reply kept in its wire form
/// (read whole) and for the same reply held line by line.
#[test]
fn wire_form_and_line_form_replies_give_the_same_set() {
    let replies = [
        "250-mx.example.com Hello [192.0.2.1]\r\n250-SIZE 35882577\r\n250-AUTH LOGIN PLAIN\r\n\
         250-AUTH=LOGIN CRAM-MD5 x-custom PLAIN-CLIENTTOKEN\r\n250-PRDR\r\n250 pipelining\r\n",
        "250-mx\r\n250-size lots\r\n250-SIZE 10\r\n250-X-EXPS GSSAPI NTLM\r\n250-\r\n250 \r\n",
        "250-mx greets\twith tab\r\n250-8bitmime\r\n250-Enhancedstatuscodes\r\n\
         250-FUTURERELEASE 604800 2026-01-01T00:00:00Z\r\n250-MT-PRIORITY MIXER\r\n\
         250-NO-SOLICITING a,b\r\n250-DELIVERBY 240\r\n250-BURL imap\r\n250 =odd\r\n",
        "250-2.0.0 mx\r\n250-2.0.0 PIPELINING\r\n250 2.0.0 DSN\r\n",
        "250-mx\r\n250-AUTH\r\n250-auth plain\r\n250-A=B C\r\n250-ENHANCEDSTATUSCODESX\r\n250 VRFY junk\r\n",
    ];
    for wire in replies {
        let whole = Reply::parse(wire.as_bytes()).unwrap();
        let by_line =
            Reply::from_lines(whole.code(), whole.enhanced_code(), whole.lines()).unwrap();
        assert_eq!(whole, by_line);
        let (a, b) =
            (Capabilities::from_ehlo(&whole).unwrap(), Capabilities::from_ehlo(&by_line).unwrap());
        assert_eq!(a, b, "{wire}");
        assert!(a.iter().eq(b.iter()), "{wire}");
        assert_eq!((a.domain(), a.greeting()), (b.domain(), b.greeting()));
    }
}
