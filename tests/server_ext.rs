//! The server's LMTP mode (RFC 2033), its redacted trace (DESIGN.md), the extensions
//! DELIVERBY, FUTURERELEASE, MT-PRIORITY, REQUIRETLS, ATRN and ETRN, and the reply to a
//! path without angle brackets.

mod common;

use common::session::{Run, accept_all, drive, drive_every_way};
use esmtp::server::{AuthAnswer, Event, Output, Server, ServerConfig, TraceDirection};
use esmtp::{Mechanism, Reply, ReplyCode};

fn reply(code: u16, text: &str) -> Reply {
    Reply::new(ReplyCode::new(code).unwrap(), text).unwrap()
}

fn lmtp() -> ServerConfig {
    let mut c = ServerConfig::default();
    c.hostname = "foo.edu".into();
    c.greeting = "LMTP server ready".into();
    c.lmtp = true;
    c.eight_bit_mime = false;
    c.chunking = false;
    c.smtputf8 = false;
    c.dsn = false;
    c.help = false;
    c.enhanced_status_codes = false;
    c
}

/// The program of the RFC 2033 §4 example: jones is unknown, green over quota.
fn rfc2033_policy(event: &Event) -> Option<Vec<Reply>> {
    match event {
        Event::Hello(_) => None,
        Event::Rcpt(r) if r.forward_path().to_string() == "<jones@foo.edu>" => {
            Some(vec![reply(550, "No such user here")])
        }
        Event::DataStart(_) => None,
        Event::MessageEnd(r) => {
            let names: Vec<String> = r.recipients().iter().map(|p| p.to_string()).collect();
            assert_eq!(names, ["<pat@foo.edu>", "<green@foo.edu>"]);
            Some(vec![reply(250, "OK"), reply(452, "<green@foo.edu> is temporarily over quota")])
        }
        _ => Some(vec![reply(250, "OK")]),
    }
}

const RFC2033_CLIENT: &str = "LHLO foo.edu\r\nMAIL FROM:<chris@bar.com>\r\n\
RCPT TO:<pat@foo.edu>\r\nRCPT TO:<jones@foo.edu>\r\nRCPT TO:<green@foo.edu>\r\nDATA\r\n\
Blah blah blah...\r\n...etc. etc. etc.\r\n.\r\nQUIT\r\n";

/// RFC 2033 §4, the server's side, modulo the free text of the LHLO and QUIT replies and
/// the order of the LHLO keywords (RFC 5321 §4.1.1.1 fixes none).
const RFC2033_SERVER: &str = "220 foo.edu LMTP server ready\r\n250-foo.edu\r\n\
250-PIPELINING\r\n250 SIZE\r\n250 OK\r\n250 OK\r\n550 No such user here\r\n250 OK\r\n\
354 Start mail input; end with <CRLF>.<CRLF>\r\n250 OK\r\n\
452 <green@foo.edu> is temporarily over quota\r\n221 foo.edu closing connection\r\n";

fn rfc2033_normalized(run: &Run) -> String {
    run.wire()
        .replace("250-foo.edu greets foo.edu\r\n", "250-foo.edu\r\n")
        .replace("250-SIZE\r\n250 PIPELINING\r\n", "250-PIPELINING\r\n250 SIZE\r\n")
        .replace("Service closing transmission channel", "closing connection")
}

#[test]
fn rfc2033_example_replayed_byte_for_byte() {
    // Line by line, as in the RFC (the client waits for each reply).
    let lines: Vec<&[u8]> = RFC2033_CLIENT.split_inclusive("\r\n").map(str::as_bytes).collect();
    let mut policy = rfc2033_policy;
    let run = drive(Server::new(lmtp()), &lines, &mut policy);
    assert_eq!(rfc2033_normalized(&run), RFC2033_SERVER);
    assert_eq!(run.content, b"Blah blah blah...\r\n..etc. etc. etc.\r\n");
}

#[test]
fn lmtp_pipelined_whole_every_split_and_octet_by_octet_agree() {
    let mut policy = rfc2033_policy;
    let new_server = || Server::new(lmtp());
    let whole = drive_every_way(&new_server, RFC2033_CLIENT.as_bytes(), &mut policy);
    assert_eq!(rfc2033_normalized(&whole), RFC2033_SERVER);
}

#[test]
fn lmtp_refuses_helo_and_ehlo_smtp_refuses_lhlo() {
    let input = "HELO a.example\r\nEHLO a.example\r\nLHLO a.example\r\nQUIT\r\n";
    let run = drive(Server::new(lmtp()), &[input.as_bytes()], &mut accept_all);
    let wire = run.wire();
    let lines: Vec<&str> = wire.lines().collect();
    assert!(lines[1].starts_with("500 "), "{wire}");
    assert!(lines[2].starts_with("500 "), "{wire}");
    assert!(lines[3].starts_with("250-foo.edu"), "{wire}");
    let run = drive(Server::new(ServerConfig::default()), &[input.as_bytes()], &mut accept_all);
    let wire = run.wire();
    let lines: Vec<&str> = wire.lines().collect();
    assert!(lines[1].starts_with("250 "), "{wire}");
    assert!(lines[2].starts_with("250-"), "{wire}");
    assert!(wire.contains("\r\n500 5.5.1"), "{wire}");
}

#[test]
fn lmtp_default_and_refused_answers_go_to_each_recipient() {
    let input = "LHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<x@y>\r\nRCPT TO:<z@y>\r\nDATA\r\n\
hi\r\n.\r\nMAIL FROM:<a@b>\r\nRCPT TO:<x@y>\r\nRCPT TO:<z@y>\r\nRCPT TO:<w@y>\r\nDATA\r\n\
hi\r\n.\r\nQUIT\r\n";
    let mut second = false;
    let mut policy = |e: &Event| match e {
        Event::MessageEnd(_) if second => Some(vec![reply(554, "No")]),
        Event::MessageEnd(_) => {
            second = true;
            None
        }
        _ => None,
    };
    let run = drive(Server::new(lmtp()), &[input.as_bytes()], &mut policy);
    let wire = run.wire();
    assert_eq!(
        wire.matches("250 Message accepted").count() + wire.matches("250 OK").count(),
        2,
        "{wire}"
    );
    assert_eq!(wire.matches("554 No\r\n").count(), 3, "{wire}");
}

#[test]
fn lmtp_accept_each_with_the_wrong_count_gives_the_token_back() {
    let mut server = Server::new(lmtp());
    let mut input: &[u8] =
        b"LHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<x@y>\r\nRCPT TO:<z@y>\r\nDATA\r\nhi\r\n.\r\n";
    loop {
        match server.poll_output() {
            Output::Transmit(_) | Output::Event(Event::Data(_)) => {}
            Output::Event(Event::MessageEnd(req)) => {
                let req = server.accept_each(req, vec![reply(250, "OK")]).unwrap_err();
                let three = vec![reply(250, "OK"), reply(250, "OK"), reply(250, "OK")];
                let req = server.accept_each(req, three).unwrap_err();
                server.accept_each(req, vec![reply(250, "OK"), reply(451, "Later")]).unwrap();
                break;
            }
            Output::Event(Event::Hello(r)) => server.accept(r).unwrap(),
            Output::Event(Event::Mail(r)) => server.accept(r).unwrap(),
            Output::Event(Event::Rcpt(r)) => server.accept(r).unwrap(),
            Output::Event(Event::DataStart(r)) => server.accept(r).unwrap(),
            Output::NeedInput => {
                server.handle_input(input).unwrap();
                input = b"";
            }
            other => panic!("{other:?}"),
        }
    }
    let Output::Transmit(bytes) = server.poll_output() else { panic!("the replies") };
    assert!(
        bytes.ends_with(b"354 Start mail input; end with <CRLF>.<CRLF>\r\n250 OK\r\n451 Later\r\n")
    );
}

#[test]
fn lmtp_message_too_big_is_refused_for_each_recipient() {
    let mut config = lmtp();
    config.max_message_size = Some(10);
    let input = "LHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<x@y>\r\nRCPT TO:<z@y>\r\nDATA\r\n\
0123456789abcdef\r\n.\r\nQUIT\r\n";
    let run = drive(Server::new(config), &[input.as_bytes()], &mut accept_all);
    let wire = run.wire();
    assert_eq!(wire.matches("\r\n552 ").count(), 2, "{wire}");
}

// ---- the redacted trace (DESIGN.md) ----

fn traced(direction: TraceDirection, run: &Run) -> Vec<String> {
    run.trace
        .iter()
        .filter(|t| t.direction == direction)
        .map(|t| String::from_utf8(t.line.to_vec()).unwrap())
        .collect()
}

#[test]
fn trace_reports_every_line_and_never_an_auth_secret() {
    let mut config = ServerConfig::default();
    config.trace = true;
    config.auth_mechanisms = vec![Mechanism::Plain, Mechanism::Login];
    config.auth_plaintext_without_tls = true;
    // PLAIN "\0user\0wrong" (RFC 4616) as an initial response, a cancelled exchange,
    // LOGIN with the user as initial response and a wrong password, malformed base64,
    // then LOGIN (user, secret) through two challenges.
    let input = "EHLO x.example\r\nAUTH PLAIN AHVzZXIAd3Jvbmc=\r\nAUTH PLAIN\r\n*\r\n\
AUTH LOGIN dXNlcg==\r\nc2VjcmV0Mg==\r\nAUTH LOGIN\r\n!!\r\nAUTH LOGIN\r\n\
dXNlcg==\r\nc2VjcmV0\r\nMAIL FROM:<a@b>\r\nQUIT\r\n";
    // Whole and one octet at a time: the same trace.
    let run = drive(Server::new(config.clone()), &[input.as_bytes()], &mut accept_all);
    let octets: Vec<&[u8]> = input.as_bytes().chunks(1).collect();
    let slow = drive(Server::new(config.clone()), &octets, &mut accept_all);
    assert_eq!(run.trace, slow.trace);

    let secrets = [
        "secret",
        "wrong",
        "c2VjcmV0",
        "AHVzZXIA",
        "d3Jvbmc",
        "dXNlcg",
        "user",
        "VXNlcm5hbWU6",
        "UGFzc3dvcmQ6",
    ];
    for line in &run.trace {
        let text = String::from_utf8_lossy(&line.line);
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} in {text:?}");
        }
    }
    assert_eq!(
        traced(TraceDirection::Read, &run),
        [
            "EHLO x.example\r\n",
            "AUTH PLAIN [redacted]\r\n",
            "AUTH PLAIN\r\n",
            "[redacted]\r\n",
            "AUTH LOGIN [redacted]\r\n",
            "[redacted]\r\n",
            "AUTH LOGIN\r\n",
            "[redacted]\r\n",
            "AUTH LOGIN\r\n",
            "[redacted]\r\n",
            "[redacted]\r\n",
            "MAIL FROM:<a@b>\r\n",
            "QUIT\r\n",
        ]
    );
    // Every reply written is traced, in order; only the 334 challenges are redacted.
    let written = traced(TraceDirection::Written, &run).concat();
    let wire = run.wire();
    let mut expected = String::new();
    for line in wire.split_inclusive("\r\n") {
        expected.push_str(if line.starts_with("334 ") { "334 [redacted]\r\n" } else { line });
    }
    assert_eq!(written, expected);
    assert!(wire.contains("235 2.7.0"), "{wire}");
}

#[test]
fn trace_is_off_by_default_and_an_over_long_line_is_not_traced() {
    let run =
        drive(Server::new(ServerConfig::default()), &[b"EHLO a\r\nQUIT\r\n"], &mut accept_all);
    assert!(run.trace.is_empty());
    let mut config = ServerConfig::default();
    config.trace = true;
    let long = format!("AUTH PLAIN {}\r\nQUIT\r\n", "c2VjcmV0".repeat(2000));
    let reads: Vec<&[u8]> = long.as_bytes().chunks(1000).collect();
    let run = drive(Server::new(config), &reads, &mut accept_all);
    assert_eq!(traced(TraceDirection::Read, &run), ["[line too long]\r\n", "QUIT\r\n"]);
}

// ---- DELIVERBY, FUTURERELEASE, MT-PRIORITY, REQUIRETLS, ATRN, ETRN ----

fn ehlo_and_mail(config: ServerConfig, mail: &str) -> String {
    let input = format!("EHLO c.example\r\n{mail}\r\nQUIT\r\n");
    drive(Server::new(config), &[input.as_bytes()], &mut accept_all).into_wire()
}

/// The reply to the MAIL line: the line before the 221.
fn mail_reply(wire: &str) -> &str {
    let lines: Vec<&str> = wire.lines().collect();
    lines[lines.len() - 2]
}

#[test]
fn deliverby_offered_with_its_minimum_and_by_accepted_only_then() {
    let mail = "MAIL FROM:<a@b> BY=120;R";
    let wire = ehlo_and_mail(ServerConfig::default(), mail);
    assert!(!wire.contains("DELIVERBY"), "{wire}");
    assert!(mail_reply(&wire).starts_with("555 5.5.4"), "{wire}");
    let mut config = ServerConfig::default();
    config.deliver_by = Some(60);
    let wire = ehlo_and_mail(config.clone(), mail);
    assert!(wire.contains("250-DELIVERBY 60\r\n"), "{wire}");
    assert!(mail_reply(&wire).starts_with("250 2.1.0"), "{wire}");
    config.deliver_by = Some(0);
    assert!(ehlo_and_mail(config, mail).contains("250-DELIVERBY\r\n"));
}

#[test]
fn futurerelease_offered_with_its_limits_and_hold_accepted_only_then() {
    for mail in ["MAIL FROM:<a@b> HOLDFOR=3600", "MAIL FROM:<a@b> HOLDUNTIL=2027-01-01T00:00:00Z"] {
        let wire = ehlo_and_mail(ServerConfig::default(), mail);
        assert!(!wire.contains("FUTURERELEASE"), "{wire}");
        assert!(mail_reply(&wire).starts_with("555 5.5.4"), "{wire}");
        let mut config = ServerConfig::default();
        config.future_release = Some((604800, "2027-12-31T23:59:59Z".into()));
        let wire = ehlo_and_mail(config, mail);
        assert!(wire.contains("250-FUTURERELEASE 604800 2027-12-31T23:59:59Z\r\n"), "{wire}");
        assert!(mail_reply(&wire).starts_with("250 2.1.0"), "{wire}");
    }
}

#[test]
fn mt_priority_offered_with_its_profile_and_accepted_only_then() {
    let mail = "MAIL FROM:<a@b> MT-PRIORITY=3";
    let wire = ehlo_and_mail(ServerConfig::default(), mail);
    assert!(!wire.contains("MT-PRIORITY"), "{wire}");
    assert!(mail_reply(&wire).starts_with("555 5.5.4"), "{wire}");
    let mut config = ServerConfig::default();
    config.mt_priority = Some("MIXER".into());
    let wire = ehlo_and_mail(config.clone(), mail);
    assert!(wire.contains("250-MT-PRIORITY MIXER\r\n"), "{wire}");
    assert!(mail_reply(&wire).starts_with("250 2.1.0"), "{wire}");
    config.mt_priority = Some(String::new());
    assert!(ehlo_and_mail(config, mail).contains("250-MT-PRIORITY\r\n"));
}

#[test]
fn requiretls_only_after_tls() {
    let mut config = ServerConfig::default();
    config.requiretls = true;
    config.starttls = true;
    // Before TLS: not advertised, the parameter refused.
    let wire = ehlo_and_mail(config.clone(), "MAIL FROM:<a@b> REQUIRETLS");
    assert!(!wire.contains("REQUIRETLS\r\n"), "{wire}");
    assert!(mail_reply(&wire).starts_with("555 5.5.4"), "{wire}");
    // Under TLS (RFC 8689 §2): advertised after the new EHLO, the parameter accepted.
    let reads: &[&[u8]] =
        &[b"EHLO c\r\nSTARTTLS\r\n", b"EHLO c\r\nMAIL FROM:<a@b> REQUIRETLS\r\nQUIT\r\n"];
    let wire = drive(Server::new(config), reads, &mut accept_all).into_wire();
    let after_tls = wire.split("220 2.0.0").nth(1).unwrap();
    assert!(after_tls.contains("250-REQUIRETLS\r\n"), "{wire}");
    assert!(mail_reply(after_tls).starts_with("250 2.1.0"), "{wire}");
}

fn atrn_config() -> ServerConfig {
    let mut c = ServerConfig::default();
    c.atrn = true;
    c.auth_mechanisms = vec![Mechanism::Plain];
    c.auth_plaintext_without_tls = true;
    c
}

#[test]
fn atrn_needs_the_offer_and_auth_then_asks_and_turns() {
    let input = "EHLO c\r\nATRN\r\nQUIT\r\n";
    let wire = drive(Server::new(ServerConfig::default()), &[input.as_bytes()], &mut accept_all)
        .into_wire();
    assert!(!wire.contains("ATRN"), "{wire}");
    assert!(wire.contains("\r\n502 5.5.1"), "{wire}");
    // RFC 2645 §5.2.1: 530 before AUTH.
    let wire = drive(Server::new(atrn_config()), &[input.as_bytes()], &mut accept_all).into_wire();
    assert!(wire.contains("250-ATRN\r\n"), "{wire}");
    assert!(wire.contains("\r\n530 5.7.0"), "{wire}");
    // After AUTH: the program is asked; refused (453), the session goes on.
    let input = "EHLO c\r\nAUTH PLAIN AHVzZXIAc2VjcmV0\r\nATRN a.example,b.example\r\nQUIT\r\n";
    let mut asked = Vec::new();
    let mut refuse = |e: &Event| match e {
        Event::Atrn(r) => {
            asked.extend(r.domains().iter().map(|d| d.to_string()));
            Some(vec![reply(453, "You have no mail")])
        }
        _ => None,
    };
    let run = drive(Server::new(atrn_config()), &[input.as_bytes()], &mut refuse);
    assert_eq!(asked, ["a.example", "b.example"]);
    assert!(run.wire().contains("\r\n453 4.0.0 You have no mail\r\n221 "), "{}", run.wire());
    // Accepted: 250, then the machine is done and says the roles turned.
    let mut server = Server::new(atrn_config());
    let mut input: &[u8] = b"EHLO c\r\nAUTH PLAIN AHVzZXIAc2VjcmV0\r\nATRN\r\n";
    let mut wire = Vec::new();
    loop {
        match server.poll_output() {
            Output::Transmit(bytes) => wire.extend_from_slice(&bytes),
            Output::Event(Event::Atrn(r)) => server.accept(r).unwrap(),
            Output::Event(Event::Hello(r)) => server.accept(r).unwrap(),
            Output::Event(Event::Auth(r)) => {
                server.answer_auth(r, AuthAnswer::PasswordVerified(true)).unwrap()
            }
            Output::Event(_) => {}
            Output::NeedInput => {
                assert!(!input.is_empty(), "no input after ATRN is read");
                server.handle_input(input).unwrap();
                input = b"";
            }
            Output::Close => break,
            other => panic!("{other:?}"),
        }
    }
    assert!(wire.ends_with(
        b"235 2.7.0 Authentication succeeded\r\n250 2.0.0 OK now reversing the connection\r\n"
    ));
    assert!(server.is_turned());
    assert!(server.error().is_none());
}

#[test]
fn etrn_offered_asks_the_program() {
    let input = "EHLO c\r\nETRN @example.org\r\nETRN #queue\r\nQUIT\r\n";
    let wire = drive(Server::new(ServerConfig::default()), &[input.as_bytes()], &mut accept_all)
        .into_wire();
    assert!(!wire.contains("ETRN"), "{wire}");
    assert_eq!(wire.matches("\r\n502 5.5.1").count(), 2, "{wire}");
    let mut config = ServerConfig::default();
    config.etrn = true;
    let mut second = false;
    let mut policy = |e: &Event| match e {
        Event::Etrn(_) if second => {
            Some(vec![reply(458, "Unable to queue messages for node #queue")])
        }
        Event::Etrn(_) => {
            second = true;
            None
        }
        _ => None,
    };
    let wire = drive(Server::new(config), &[input.as_bytes()], &mut policy).into_wire();
    assert!(wire.contains("250-ETRN\r\n"), "{wire}");
    assert!(
        wire.contains("\r\n250 2.0.0 Queuing started\r\n458 4.0.0 Unable to queue messages for node #queue\r\n"),
        "{wire}"
    );
}

// ---- paths without angle brackets (DESIGN.md) ----

#[test]
fn path_without_brackets_or_no_path_is_501_a_bad_bracketed_mailbox_553() {
    let input = "EHLO c\r\nMAIL FROM:a@b\r\nMAIL FROM:\r\nMAIL FROM: a@b\r\nMAIL FROM:<a@@b>\r\n\
MAIL FROM:<a@b>\r\nRCPT TO:x@y\r\nRCPT TO:\r\nRCPT TO:<x@@y>\r\nQUIT\r\n";
    let wire = drive(Server::new(ServerConfig::default()), &[input.as_bytes()], &mut accept_all)
        .into_wire();
    let after = wire.split("250 HELP\r\n").nth(1).unwrap();
    let codes: Vec<&str> = after.lines().map(|l| &l[..9]).collect();
    assert_eq!(
        codes,
        [
            "501 5.5.4",
            "501 5.5.4",
            "501 5.5.4",
            "553 5.1.7",
            "250 2.1.0",
            "501 5.5.4",
            "501 5.5.4",
            "553 5.1.3",
            "221 2.0.0"
        ],
        "{wire}"
    );
}

#[test]
fn lmtp_bdat_last_is_answered_for_each_recipient() {
    // RFC 2033 §4.3: after BDAT LAST, one reply per accepted recipient.
    let mut config = lmtp();
    config.chunking = true;
    let input = "LHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<x@y>\r\nRCPT TO:<nobody@y>\r\n\
RCPT TO:<z@y>\r\nBDAT 3\r\nhi\nBDAT 2 LAST\r\nyoQUIT\r\n";
    let mut policy = |e: &Event| match e {
        Event::Rcpt(r) if r.forward_path().to_string() == "<nobody@y>" => {
            Some(vec![reply(550, "No such user")])
        }
        Event::MessageEnd(_) => Some(vec![reply(250, "x@y OK"), reply(250, "z@y OK")]),
        _ => None,
    };
    let run = drive(Server::new(config), &[input.as_bytes()], &mut policy);
    assert!(run.wire().ends_with("250 3 octets received\r\n250 x@y OK\r\n250 z@y OK\r\n221 foo.edu Service closing transmission channel\r\n"), "{}", run.wire());
    assert_eq!(run.content, b"hi\nyo");
}
