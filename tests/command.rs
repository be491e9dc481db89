//! Known-answer tests for the command codec: every client line of the RFC 5321 Appendix D
//! sessions and of the extension RFCs' examples, the hard cases, the deviations and their
//! settings, and the line limits.

use bytes::{Bytes, BytesMut};
use esmtp::line::LineEnding;
use esmtp::{
    Body, Command, CommandConfig, CommandDecoder, DecodeErrorKind, Etrn, ForwardPath, Host,
    MailAuth, Notify, Ret, ReversePath,
};

fn parse(line: &str) -> Command {
    Command::parse(line.as_bytes()).unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

fn error(line: &str) -> (DecodeErrorKind, u16) {
    let e = Command::parse(line.as_bytes()).expect_err(line);
    (e.kind(), e.reply().code().as_u16())
}

/// Parses `line`, checks it encodes back to exactly `line` + CRLF.
fn known_answer(line: &str) -> Command {
    let cmd = parse(line);
    assert_eq!(cmd.to_bytes(), format!("{line}\r\n").as_bytes(), "{cmd:?}");
    assert_eq!(cmd.to_string(), line);
    cmd
}

/// RFC 5321 Appendix D.1-D.4: every client command of the four example sessions.
#[test]
fn rfc5321_appendix_d_sessions() {
    let lines = [
        "EHLO bar.com",
        "MAIL FROM:<Smith@bar.com>",
        "RCPT TO:<Jones@foo.com>",
        "RCPT TO:<Green@foo.com>",
        "RCPT TO:<Brown@foo.com>",
        "DATA",
        "QUIT",
        "EHLO foo.com",
        "MAIL FROM:<JQP@bar.com>",
        "RCPT TO:<Jones@XYZ.COM>",
        "VRFY Crispin",
        "EXPN Example-People",
        "EXPN Executive-Washroom-List",
        "MAIL FROM:<EAK@bar.com>",
        "RCPT TO:<Admin.MRC@foo.com>",
        "RSET",
    ];
    for line in lines {
        known_answer(line);
    }
    match parse("MAIL FROM:<Smith@bar.com>") {
        Command::Mail { reverse_path: ReversePath::Mailbox(m), params } => {
            assert_eq!(m.to_string(), "Smith@bar.com");
            assert!(params.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(parse("VRFY Crispin"), Command::Vrfy("Crispin".parse::<esmtp::Argument>().unwrap()));
}

/// The extension RFCs' example commands.
#[test]
fn extension_rfc_examples() {
    // RFC 1870 §7 (SIZE), RFC 6152 §4 (8BITMIME), RFC 2920 §3.1 (PIPELINING).
    let m = known_answer("MAIL FROM:<ned@thor.innosoft.com> SIZE=500000");
    assert!(matches!(m, Command::Mail { ref params, .. } if params.size() == Some(500_000)));
    let m = known_answer("MAIL FROM:<ned@ymir.claremont.edu> BODY=8BITMIME");
    assert!(
        matches!(m, Command::Mail { ref params, .. } if params.body() == Some(Body::EightBitMime))
    );
    known_answer("HELO dbc.mtview.ca.us");
    known_answer("RCPT TO:<nsb@thumper.bellcore.com>");
    // RFC 2033 §4.2 (LMTP).
    assert!(matches!(known_answer("LHLO foo.edu"), Command::Lhlo(_)));
    // RFC 3207 §5 (STARTTLS), RFC 8689 §5 (REQUIRETLS).
    assert_eq!(known_answer("STARTTLS"), Command::StartTls);
    let m = known_answer("MAIL FROM:<roger@example.org> REQUIRETLS");
    assert!(matches!(m, Command::Mail { ref params, .. } if params.requiretls()));
    // RFC 3030 §4 (BDAT).
    assert_eq!(known_answer("BDAT 86 LAST"), Command::Bdat { size: 86, last: true });
    assert_eq!(known_answer("BDAT 100000"), Command::Bdat { size: 100_000, last: false });
    assert_eq!(known_answer("BDAT 0 LAST"), Command::Bdat { size: 0, last: true });
    // RFC 3461 §4 (DSN), §9 examples.
    let m = known_answer("MAIL FROM:<Alice@Example.ORG> RET=HDRS ENVID=QQ314159");
    match m {
        Command::Mail { params, .. } => {
            assert_eq!(params.ret(), Some(Ret::Hdrs));
            assert_eq!(params.envid().unwrap().as_str(), "QQ314159");
        }
        other => panic!("{other:?}"),
    }
    let r = known_answer(
        "RCPT TO:<Dana@Ivory.example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Dana@Ivory.example.net",
    );
    match r {
        Command::Rcpt { params, .. } => {
            assert_eq!(
                params.notify(),
                Some(Notify { success: true, failure: true, delay: false })
            );
            assert_eq!(&*params.orcpt().unwrap().address().decode(), b"Dana@Ivory.example.net");
        }
        other => panic!("{other:?}"),
    }
    // RFC 2852 §6 (BY), RFC 6710 (MT-PRIORITY), RFC 4865 (FUTURERELEASE).
    known_answer("MAIL FROM:<eljefe@bigbiz.com> BY=120;R");
    // Parameters encode in one canonical order, whatever order they came in.
    let by = parse("MAIL FROM:<eljefe@example.com> BY=125;R ENVID=QQ314159");
    assert_eq!(by.to_string(), "MAIL FROM:<eljefe@example.com> ENVID=QQ314159 BY=125;R");
    known_answer("MAIL FROM:<a@example.com> MT-PRIORITY=3");
    known_answer("MAIL FROM:<a@example.com> HOLDFOR=3600");
    known_answer("MAIL FROM:<a@example.com> HOLDUNTIL=2030-04-01T12:00:00Z");
    // RFC 4954 §4, §5, §6 (AUTH).
    known_answer("AUTH CRAM-MD5");
    known_answer("AUTH PLAIN");
    // Display redacts the initial response (see `auth_display_and_debug_redact`); the
    // encoding keeps it.
    let auth = parse("AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=");
    assert_eq!(auth.to_bytes(), "AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=\r\n".as_bytes());
    match auth {
        Command::Auth { mechanism, initial_response: Some(r) } => {
            assert_eq!(mechanism.as_str(), "PLAIN");
            assert_eq!(r.decode().unwrap(), b"test\0test\x001234");
            assert!(!format!("{r:?}").contains("dGVzd"), "Debug must not show credentials");
        }
        other => panic!("{other:?}"),
    }
    match known_answer("AUTH EXTERNAL =") {
        Command::Auth { initial_response: Some(r), .. } => assert!(r.is_empty()),
        other => panic!("{other:?}"),
    }
    match known_answer("MAIL FROM:<e=mc2@example.com> AUTH=e+3Dmc2@example.com") {
        Command::Mail { params, .. } => match params.auth() {
            Some(MailAuth::Identity(x)) => assert_eq!(&*x.decode(), b"e=mc2@example.com"),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    known_answer("MAIL FROM:<john+@example.org> AUTH=<>");
    // RFC 1985 §5, §6 (ETRN), RFC 2645 (ATRN).
    assert!(matches!(known_answer("ETRN sigurd.innosoft.com"), Command::Etrn(Etrn::Node(_))));
    assert!(matches!(known_answer("ETRN @innosoft.com"), Command::Etrn(Etrn::Subdomains(_))));
    assert!(matches!(known_answer("ETRN #queue-1"), Command::Etrn(Etrn::Queue(_))));
    assert_eq!(error("ETRN"), (DecodeErrorKind::Syntax, 501));
    assert_eq!(known_answer("ATRN"), Command::Atrn(vec![]));
    match known_answer("ATRN example.com,example.org") {
        Command::Atrn(d) => assert_eq!(d.len(), 2),
        other => panic!("{other:?}"),
    }
    // RFC 6531 §3.4 (SMTPUTF8).
    let m = known_answer("MAIL FROM:<用户@例子.广告> SMTPUTF8");
    assert!(m.needs_smtputf8());
}

#[test]
fn verbs_and_keywords_are_case_insensitive() {
    let cmd = parse("mail From:<a@example.org> size=10 body=8bitmime smtputf8");
    assert_eq!(cmd.to_string(), "MAIL FROM:<a@example.org> SIZE=10 BODY=8BITMIME SMTPUTF8");
    assert_eq!(
        parse("rcpt to:<b@example.org> notify=never").to_string(),
        "RCPT TO:<b@example.org> NOTIFY=NEVER"
    );
    assert_eq!(parse("StartTLS"), Command::StartTls);
    assert_eq!(parse("bdat 5 last"), Command::Bdat { size: 5, last: true });
    assert_eq!(parse("ehlo x.example").verb(), "EHLO");
    assert_eq!(parse("auth plain").to_string(), "AUTH PLAIN");
}

/// `<>` is only a reverse-path; `<Postmaster>` only a forward-path (RFC 5321 §4.1.1.3).
#[test]
fn null_path_and_postmaster_stay_distinct() {
    assert!(matches!(parse("MAIL FROM:<>"), Command::Mail { reverse_path: ReversePath::Null, .. }));
    assert_eq!(error("RCPT TO:<>"), (DecodeErrorKind::MailboxSyntax, 553));
    let pm = parse("RCPT TO:<Postmaster>");
    assert!(matches!(pm, Command::Rcpt { forward_path: ForwardPath::Postmaster, .. }));
    assert!(matches!(
        parse("RCPT TO:<postmaster>"),
        Command::Rcpt { forward_path: ForwardPath::Postmaster, .. }
    ));
    assert_eq!(pm.to_string(), "RCPT TO:<Postmaster>");
    match parse("RCPT TO:<Postmaster@example.com>") {
        Command::Rcpt { forward_path: ForwardPath::Mailbox(m), .. } => {
            assert_eq!(m.to_string(), "Postmaster@example.com")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(error("MAIL FROM:<Postmaster>").1, 553, "<Postmaster> is no reverse-path");
}

#[test]
fn quoted_local_part_keeps_its_quoting() {
    let line = r#"RCPT TO:<"john \"jr\" smith"@example.com>"#;
    let cmd = known_answer(line);
    // And the encoding is itself valid input.
    assert_eq!(Command::parse(&cmd.to_bytes()).unwrap(), cmd);
}

#[test]
fn address_literals_wherever_a_domain_is() {
    for line in [
        "EHLO [192.0.2.1]",
        "EHLO [IPv6:2001:db8::1]",
        "HELO [198.51.100.7]",
        "MAIL FROM:<a@[192.0.2.1]>",
        "RCPT TO:<b@[IPv6:::1]>",
        "RCPT TO:<c@[x-tag:content]>",
    ] {
        parse(line);
    }
    assert!(matches!(parse("EHLO [192.0.2.1]"), Command::Ehlo(Host::Literal(_))));
    assert!(matches!(parse("EHLO mail.example.com"), Command::Ehlo(Host::Domain(_))));
    assert_eq!(error("EHLO [192.0.2.256]").1, 501);
    assert_eq!(error("EHLO").1, 501);
    assert_eq!(error("EHLO a.example b").1, 501);
}

/// RFC 5321 §4.1.1.3 and Appendix C: source routes are accepted and ignored.
#[test]
fn source_routes_are_dropped() {
    let cmd = parse("RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>");
    assert_eq!(cmd.to_string(), "RCPT TO:<userc@d.bar.org>");
    let cmd = parse("MAIL FROM:<@a.example:user@d.example> SIZE=5");
    assert_eq!(cmd.to_string(), "MAIL FROM:<user@d.example> SIZE=5");
}

/// RFC 6531 §3.4: a UTF-8 reverse-path needs the SMTPUTF8 parameter; without the extension
/// (`utf8_addresses = false`) UTF-8 addresses are refused with 553 5.6.7.
#[test]
fn utf8_addresses_follow_smtputf8() {
    let e = Command::parse("MAIL FROM:<jösé@example.org>".as_bytes()).unwrap_err();
    assert_eq!(
        (e.kind(), e.reply().code().as_u16(), e.reply().enhanced_code().map(|c| c.to_string())),
        (DecodeErrorKind::NonAsciiAddress, 553, Some("5.6.7".to_string()))
    );
    assert!(parse("MAIL FROM:<jösé@example.org> SMTPUTF8").needs_smtputf8());
    let rcpt = parse("RCPT TO:<δοκιμή@παράδειγμα.δοκιμή>");
    assert!(rcpt.needs_smtputf8());
    assert!(!parse("RCPT TO:<ascii@example.org>").needs_smtputf8());

    let mut no_utf8 = CommandConfig::default();
    no_utf8.utf8_addresses = false;
    let e = Command::parse_with("RCPT TO:<δοκιμή@example.org>".as_bytes(), &no_utf8).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::NonAsciiAddress);
    let e = Command::parse_with("MAIL FROM:<jösé@example.org> SMTPUTF8".as_bytes(), &no_utf8)
        .unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::NonAsciiAddress);
    // Octets that are not UTF-8 are never an address.
    let e = Command::parse(b"RCPT TO:<\xff@example.org>").unwrap_err();
    assert_eq!(e.reply().code().as_u16(), 553);
}

#[test]
fn errors_say_which_reply_to_send() {
    assert_eq!(
        error("RCPT TO:<a@b.example>SIZE=1"),
        (DecodeErrorKind::Syntax, 501),
        "parameter glued to the path"
    );
    assert_eq!(error("MAIL FROM:<a@b.example> SIZE=1 SIZE=1"), (DecodeErrorKind::Syntax, 501));
    assert_eq!(
        error("MAIL FROM:<a@b.example> SIZE=123456789012345678901"),
        (DecodeErrorKind::Syntax, 501)
    );
    assert_eq!(error("BDAT 123456789012345678901 LAST"), (DecodeErrorKind::Syntax, 501));
    assert_eq!(error("BDAT 18446744073709551616"), (DecodeErrorKind::Syntax, 501));
    assert_eq!(parse("BDAT 18446744073709551615"), Command::Bdat { size: u64::MAX, last: false });
    assert_eq!(error("BDAT -1"), (DecodeErrorKind::Syntax, 501));
    assert_eq!(error("BDAT 10 FIRST"), (DecodeErrorKind::Syntax, 501));
    assert_eq!(error("MAIL FROM:<not an address>"), (DecodeErrorKind::SenderSyntax, 553));
    assert_eq!(error("RCPT TO:<no-at-sign>"), (DecodeErrorKind::MailboxSyntax, 553));
    assert_eq!(error("MAIL TO:<a@b.example>").1, 501);
    assert_eq!(error("DATA now").1, 501);
    assert_eq!(error("STARTTLS please").1, 501, "RFC 3207 §4: 501 when parameters are given");
    assert_eq!(error("AUTH PLAIN not*base64"), (DecodeErrorKind::Syntax, 501));
    assert_eq!(
        error("AUTH PLAIN =AAA"),
        (DecodeErrorKind::Syntax, 501),
        "RFC 4954 §4: pad only at the end"
    );
    assert_eq!(error("VRFY").1, 501);
    assert_eq!(error(""), (DecodeErrorKind::UnknownCommand, 500));
    assert_eq!(error(" NOOP"), (DecodeErrorKind::UnknownCommand, 500));
    assert_eq!(error("\u{1}\u{2}"), (DecodeErrorKind::UnknownCommand, 500));

    let mut strict = CommandConfig::default();
    strict.reject_unknown_parameters = true;
    let e = Command::parse_with(b"MAIL FROM:<a@b.example> X-FOO=1", &strict).unwrap_err();
    assert_eq!(
        (e.kind(), e.reply().code().as_u16()),
        (DecodeErrorKind::UnrecognizedParameter, 555)
    );
}

#[test]
fn unknown_verbs_are_kept() {
    let cmd = known_answer("XCLIENT ADDR=192.0.2.1 NAME=spike.porcupine.org");
    match &cmd {
        Command::Unknown(u) => {
            assert_eq!(u.verb(), "XCLIENT");
            assert_eq!(&u.argument()[..], b"ADDR=192.0.2.1 NAME=spike.porcupine.org");
        }
        other => panic!("{other:?}"),
    }
    // Known verbs in unknown shapes are not "unknown": MAILX is, MAIL without FROM is not.
    assert!(matches!(parse("MAILX"), Command::Unknown(_)));
    assert!(matches!(parse("TURN"), Command::Unknown(_)));
    assert!(
        esmtp::UnknownCommand::new("DATA", b"").is_err(),
        "a known verb cannot be built as unknown"
    );
}

/// The deviations real clients make are refused by default and accepted by the setting
/// that names them.
#[test]
fn deviations_need_their_setting() {
    // A space after "FROM:": the path does not start with "<", a syntax error of the
    // command (501, DESIGN.md), not a malformed mailbox (553).
    assert_eq!(error("MAIL FROM: <a@b.example>").1, 501);
    assert_eq!(error("MAIL FROM:a@b.example").1, 501);
    assert_eq!(error("MAIL FROM:").1, 501);
    assert_eq!(error("RCPT TO:a@b.example").1, 501);
    assert_eq!(error("MAIL FROM:<a@@b.example>").1, 553);
    let mut c = CommandConfig::default();
    c.space_after_colon = true;
    assert!(Command::parse_with(b"MAIL FROM: <a@b.example>", &c).is_ok());
    assert!(Command::parse_with(b"RCPT TO:  <a@b.example>", &c).is_ok());
    // Trailing spaces, runs of spaces between parameters.
    assert_eq!(error("QUIT ").1, 501);
    assert_eq!(error("MAIL FROM:<a@b.example> SIZE=1 ").1, 501);
    let mut c = CommandConfig::default();
    c.lax_spacing = true;
    assert_eq!(Command::parse_with(b"QUIT  \t", &c).unwrap(), Command::Quit);
    let m = Command::parse_with(b"MAIL FROM:<a@b.example>  SIZE=1   BODY=7BIT ", &c).unwrap();
    assert_eq!(m.to_string(), "MAIL FROM:<a@b.example> SIZE=1 BODY=7BIT");
    // A bare LF line end, through the decoder.
    let mut strict = CommandDecoder::default();
    let mut buf = BytesMut::from(&b"NOOP\nQUIT\r\n"[..]);
    assert_eq!(strict.decode(&mut buf).unwrap_err().kind(), DecodeErrorKind::BareLineEnding);
    assert_eq!(strict.decode(&mut buf).unwrap(), Some(Command::Quit));
    let mut c = CommandConfig::default();
    c.line_ending = LineEnding::CrlfOrLf;
    let mut lenient = CommandDecoder::new(c);
    let mut buf = BytesMut::from(&b"NOOP\nQUIT\r\n"[..]);
    assert_eq!(lenient.decode(&mut buf).unwrap(), Some(Command::Noop(None)));
    assert_eq!(lenient.decode(&mut buf).unwrap(), Some(Command::Quit));
    // A bare CR inside a line is never accepted.
    assert_eq!(error("NOOP a\rb").0, DecodeErrorKind::BareLineEnding);
}

fn decode_all(decoder: &mut CommandDecoder, input: &[u8]) -> Vec<Result<Command, DecodeErrorKind>> {
    let mut buf = BytesMut::from(input);
    let mut out = Vec::new();
    loop {
        match decoder.decode(&mut buf) {
            Ok(Some(c)) => out.push(Ok(c)),
            Ok(None) => break,
            Err(e) => out.push(Err(e.kind())),
        }
    }
    out
}

/// RFC 5321 §4.5.3.1.4: 512 octets including CRLF; longer lines get 500 and the session
/// goes on with the next line.
#[test]
fn line_limit_512_vs_513() {
    let mut d = CommandDecoder::default();
    let ok = format!("NOOP {}\r\n", "x".repeat(512 - 7));
    assert_eq!(ok.len(), 512);
    assert!(matches!(decode_all(&mut d, ok.as_bytes())[..], [Ok(Command::Noop(Some(_)))]));
    let long = format!("NOOP {}\r\nQUIT\r\n", "x".repeat(513 - 7));
    assert_eq!(
        decode_all(&mut d, long.as_bytes()),
        vec![Err(DecodeErrorKind::LineTooLong), Ok(Command::Quit)]
    );

    // MAIL and RCPT may be longer (extension parameters), AUTH longer still.
    let envid = "E".repeat(100);
    let auth = "a".repeat(500);
    let mail =
        format!("MAIL FROM:<{}@example.org> SIZE=1 ENVID={envid} AUTH={auth}\r\n", "l".repeat(64));
    assert!(mail.len() > 512);
    assert!(matches!(decode_all(&mut d, mail.as_bytes())[..], [Ok(Command::Mail { .. })]));
    let ir = "QUFB".repeat(2500);
    let auth_line = format!("AUTH PLAIN {ir}\r\n");
    assert!(matches!(decode_all(&mut d, auth_line.as_bytes())[..], [Ok(Command::Auth { .. })]));
    let huge = format!("AUTH PLAIN {}\r\nQUIT\r\n", "QUFB".repeat(4000));
    assert_eq!(
        decode_all(&mut d, huge.as_bytes()),
        vec![Err(DecodeErrorKind::LineTooLong), Ok(Command::Quit)]
    );
}

#[test]
fn decoder_consumes_one_line_per_call_and_leaves_the_rest() {
    let mut d = CommandDecoder::default();
    let mut buf = BytesMut::from(
        &b"MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nSubject: hi\r\n"[..],
    );
    assert!(matches!(d.decode(&mut buf), Ok(Some(Command::Mail { .. }))));
    assert!(matches!(d.decode(&mut buf), Ok(Some(Command::Rcpt { .. }))));
    assert_eq!(d.decode(&mut buf), Ok(Some(Command::Data)));
    // Message content is left for the data decoder.
    assert_eq!(&buf[..], b"Subject: hi\r\n");
}

/// Parsed values share the input buffer: no copies of addresses.
#[test]
fn values_share_the_input() {
    let line = Bytes::from_static(b"MAIL FROM:<alice@example.org> ENVID=abc");
    let range = line.as_ptr_range();
    match Command::parse_bytes_with(line.clone(), &CommandConfig::default()).unwrap() {
        Command::Mail { reverse_path: ReversePath::Mailbox(m), params } => {
            assert!(range.contains(&m.local_part().as_str().as_ptr()));
            assert!(range.contains(&params.envid().unwrap().as_str().as_ptr()));
        }
        other => panic!("{other:?}"),
    }
}

/// RFC 6531 §3.4: a MAIL built through the API with a UTF-8 reverse-path carries
/// SMTPUTF8, so it encodes to a line the parser takes back. Built as a bare variant
/// without the parameter (as the API allowed before `Command::mail`), the line is refused.
#[test]
fn mail_constructor_announces_smtputf8() {
    use esmtp::{Domain, LocalPart, MailParameters, Mailbox};
    let sender =
        Mailbox::new(LocalPart::new("jösé").unwrap(), Domain::new("example.org").unwrap()).unwrap();
    let bare = Command::Mail {
        reverse_path: ReversePath::Mailbox(sender.clone()),
        params: MailParameters::new(),
    };
    let e = Command::parse(&bare.to_bytes()).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::NonAsciiAddress);

    let mail = Command::mail(sender, MailParameters::new());
    assert_eq!(mail.to_string(), "MAIL FROM:<jösé@example.org> SMTPUTF8");
    assert_eq!(Command::parse(&mail.to_bytes()), Ok(mail.clone()));
    assert!(mail.needs_smtputf8());
    // A UTF-8 parameter value needs it as well; an ASCII MAIL gets nothing added.
    let mut params = MailParameters::new();
    params.push_other(esmtp::Parameter::new("X-NOTE", Some("grüße")).unwrap()).unwrap();
    let mail = Command::mail(ReversePath::Null, params);
    assert_eq!(mail.to_string(), "MAIL FROM:<> SMTPUTF8 X-NOTE=grüße");
    assert_eq!(Command::parse(&mail.to_bytes()), Ok(mail));
    let ascii = Command::mail(ReversePath::Null, MailParameters::new());
    assert_eq!(ascii.to_string(), "MAIL FROM:<>");
}

/// One constructor per command; each encodes to the line of its rule, which parses back.
#[test]
fn constructors_build_what_the_parser_reads() {
    use esmtp::{Argument, Domain, InitialResponse, Mechanism, RcptParameters};
    let host = || Host::new("client.example").unwrap();
    let arg = |s: &str| Argument::new(s).unwrap();
    let cases = [
        (Command::ehlo(host()), "EHLO client.example"),
        (Command::helo(host()), "HELO client.example"),
        (Command::lhlo(host()), "LHLO client.example"),
        (Command::rcpt(ForwardPath::Postmaster, RcptParameters::new()), "RCPT TO:<Postmaster>"),
        (Command::data(), "DATA"),
        (Command::bdat(1000, true), "BDAT 1000 LAST"),
        (Command::bdat(0, false), "BDAT 0"),
        (Command::auth(Mechanism::Plain, None), "AUTH PLAIN"),
        (Command::auth(Mechanism::External, Some(InitialResponse::empty())), "AUTH EXTERNAL ="),
        (Command::vrfy(arg("Crispin")), "VRFY Crispin"),
        (Command::expn(arg("Example-People")), "EXPN Example-People"),
        (Command::help(Some(arg("MAIL"))), "HELP MAIL"),
        (Command::help(None), "HELP"),
        (Command::noop(None), "NOOP"),
        (Command::rset(), "RSET"),
        (Command::quit(), "QUIT"),
        (Command::starttls(), "STARTTLS"),
        (Command::etrn(Etrn::Subdomains(Domain::new("example.org").unwrap())), "ETRN @example.org"),
        (
            Command::atrn(vec![
                Domain::new("a.example").unwrap(),
                Domain::new("b.example").unwrap(),
            ]),
            "ATRN a.example,b.example",
        ),
        (Command::unknown("XCLIENT", b"NAME=x").unwrap(), "XCLIENT NAME=x"),
    ];
    for (cmd, line) in cases {
        assert_eq!(cmd.to_string(), line);
        assert_eq!(Command::parse(&cmd.to_bytes()), Ok(cmd), "{line}");
    }
    let e = Command::unknown("MAIL", b"").unwrap_err();
    assert_eq!(e.what(), "unknown command");
}

/// `Display` and `Debug` of an AUTH command never show the initial response (it carries
/// credentials); the encoding does.
#[test]
fn auth_display_and_debug_redact() {
    use esmtp::{InitialResponse, Mechanism};
    let secret = InitialResponse::from_data(b"\0alice\0correct horse");
    let wire = secret.as_base64().to_string();
    let cmd = Command::auth(Mechanism::Plain, Some(secret));
    assert_eq!(cmd.to_string(), "AUTH PLAIN <redacted>");
    let debug = format!("{cmd:?} {:#?}", cmd);
    assert!(!debug.contains(&wire) && !debug.contains("alice"), "{debug}");
    assert!(debug.contains("redacted"), "{debug}");
    assert_eq!(cmd.to_bytes(), format!("AUTH PLAIN {wire}\r\n").as_bytes());
    // A parsed one too.
    let parsed = parse(&format!("AUTH PLAIN {wire}"));
    assert_eq!(parsed.to_string(), "AUTH PLAIN <redacted>");
    assert!(!format!("{parsed:?}").contains(&wire));
}

/// Parameter setters chain; the ones whose value can be wrong return `ValidationError`.
#[test]
fn parameter_setters_chain() {
    use esmtp::{MailParameters, XText};
    let mut params = MailParameters::new();
    params
        .set_size(Some(1000))
        .set_body(Some(Body::EightBitMime))
        .set_envid(Some(XText::new("QQ314159").unwrap()))
        .unwrap()
        .set_ret(Some(Ret::Hdrs));
    let mail = Command::mail(ReversePath::Null, params);
    assert_eq!(mail.to_string(), "MAIL FROM:<> SIZE=1000 BODY=8BITMIME RET=HDRS ENVID=QQ314159");
    let e = MailParameters::new().set_envid(Some(XText::encode(&[b'a'; 101]))).unwrap_err();
    assert_eq!(e.what(), "parameter");
}

/// `lax_spacing` forgives trailing spaces and tabs, nothing else: a trailing CR stays a bare
/// line ending (RFC 5321 §2.3.8) and a trailing control character stays a syntax error.
#[test]
fn lax_spacing_trims_spaces_and_tabs_only() {
    let lenient = CommandConfig::lenient();
    assert_eq!(Command::parse_with(b"NOOP \t ", &lenient), Ok(Command::Noop(None)));
    let e = Command::parse_with(b"NOOP \r", &lenient).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::BareLineEnding);
    let e = Command::parse_with(b"QUIT \x0c", &lenient).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::Syntax);
}
