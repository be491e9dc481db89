//! Example sessions of the RFCs replayed byte for byte through the sans-IO `Server`: the
//! server's side of RFC 5321 Appendix D.2, D.3 (both hops) and D.4, and the AUTH examples
//! of RFC 4954 §4 and §4.1 (D.1 is replayed in tests/server.rs).
//!
//! Each test feeds the client's lines (the `C:` lines) as one read and compares every
//! octet the server wrote with the `S:` lines. Where the text of a reply is the server's
//! own (greeting tail, EHLO first line, QUIT, RSET, AUTH results), the comparison is on
//! the server's text and each test says what differs from the RFC's wording; where the
//! program chose the reply (with `accept_with`/`reject`), the RFC's line is expected
//! exactly.

mod common;

use common::session::{Policy, Run as Replay, drive_checking};
use esmtp::sasl::PasswordCheck;
use esmtp::server::{Event, Server, ServerConfig};
use esmtp::types::MailAuth;
use esmtp::{Mechanism, Reply, ReplyCode};

/// How the program answers a PLAIN/LOGIN password check (RFC 4954 §4: the server, not
/// the exchange, knows the credentials).
type Credentials<'a> = (&'a str, &'a str);

/// Runs a whole session: each of `reads` is offered in turn when the server asks for
/// input, then EOF; decisions go through `policy` (`None` accepts with the server's
/// default, a positive reply is given with `accept_with`, any other with `reject`),
/// password checks accept exactly `credentials`, STARTTLS "succeeds" at once.
fn replay(
    config: ServerConfig,
    reads: &[&str],
    policy: Policy<Option<Reply>>,
    credentials: Credentials,
) -> Replay {
    let reads: Vec<&[u8]> = reads.iter().map(|read| read.as_bytes()).collect();
    let (authcid, password) = credentials;
    let check = |check: &PasswordCheck| check.authcid == authcid && check.password_is(password);
    drive_checking(Server::new(config), &reads, policy, &check)
}

fn reply(code: u16, text: &str) -> Reply {
    Reply::new(ReplyCode::new(code).unwrap(), text).unwrap()
}

/// No password check happens in the RFC 5321 examples.
const NO_CREDENTIALS: Credentials = ("", "");

/// The server foo.com of RFC 5321 Appendix D: 8BITMIME, SIZE, DSN and HELP offered, no
/// enhanced status codes (the examples write none), the greeting text of the examples.
fn foo_com() -> ServerConfig {
    let mut c = ServerConfig::default();
    c.hostname = "foo.com".into();
    c.greeting = "Simple Mail Transfer Service Ready".into();
    c.enhanced_status_codes = false;
    c.pipelining = false;
    c.chunking = false;
    c.smtputf8 = false;
    c
}

/// The examples' program answers MAIL, RCPT and the end of the message with a bare
/// `250 OK`, and the rejected recipient `Green@foo.com` with `550 No such user here`.
fn foo_com_policy(e: &Event) -> Option<Reply> {
    match e {
        Event::Rcpt(r) if r.forward_path().to_string() == "<Green@foo.com>" => {
            Some(reply(550, "No such user here"))
        }
        Event::Mail(_) | Event::Rcpt(_) | Event::MessageEnd(_) => Some(reply(250, "OK")),
        _ => None,
    }
}

const GREETING_AND_EHLO: &str = "220 foo.com Simple Mail Transfer Service Ready\r\n\
    250-foo.com greets bar.com\r\n250-8BITMIME\r\n250-SIZE\r\n250-DSN\r\n250 HELP\r\n";

#[test]
fn rfc5321_d2_aborted_transaction() {
    // RFC 5321 Appendix D.2. The greeting, EHLO and QUIT lines are the server's own text
    // and happen to equal the RFC's. RSET's `250 OK` is the server's own reply too.
    let client = "EHLO bar.com\r\nMAIL FROM:<Smith@bar.com>\r\nRCPT TO:<Jones@foo.com>\r\n\
                  RCPT TO:<Green@foo.com>\r\nRSET\r\nQUIT\r\n";
    let run = replay(foo_com(), &[client], &mut foo_com_policy, NO_CREDENTIALS);
    let expected = [
        GREETING_AND_EHLO,
        "250 OK\r\n",                // MAIL FROM:<Smith@bar.com>
        "250 OK\r\n",                // RCPT TO:<Jones@foo.com>
        "550 No such user here\r\n", // RCPT TO:<Green@foo.com>
        "250 OK\r\n",                // RSET
        "221 foo.com Service closing transmission channel\r\n",
    ]
    .concat();
    assert_eq!(run.wire(), expected);
    assert!(run.content.is_empty());
    assert_eq!(run.error, None);
}

#[test]
fn rfc5321_d3_step1_source_host_to_relay_host() {
    // RFC 5321 Appendix D.3, step 1: our server plays the relay foo.com.
    let client = "EHLO bar.com\r\nMAIL FROM:<JQP@bar.com>\r\nRCPT TO:<Jones@XYZ.COM>\r\nDATA\r\n\
                  Date: Thu, 21 May 1998 05:33:29 -0700\r\n\
                  From: John Q. Public <JQP@bar.com>\r\n\
                  Subject: The Next Meeting of the Board\r\n\
                  To: Jones@xyz.com\r\n\
                  \r\n\
                  Bill:\r\n\
                  The next meeting of the board of directors will be\r\n\
                  on Tuesday.\r\n\
                  John.\r\n\
                  .\r\nQUIT\r\n";
    let run = replay(foo_com(), &[client], &mut foo_com_policy, NO_CREDENTIALS);
    let expected = [
        GREETING_AND_EHLO,
        "250 OK\r\n", // MAIL
        "250 OK\r\n", // RCPT
        "354 Start mail input; end with <CRLF>.<CRLF>\r\n",
        "250 OK\r\n", // end of the message
        "221 foo.com Service closing transmission channel\r\n",
    ]
    .concat();
    assert_eq!(run.wire(), expected);
    // The content the relay goes on to send in step 2 (less the Received line it adds).
    assert_eq!(
        run.content,
        b"Date: Thu, 21 May 1998 05:33:29 -0700\r\n\
          From: John Q. Public <JQP@bar.com>\r\n\
          Subject: The Next Meeting of the Board\r\n\
          To: Jones@xyz.com\r\n\
          \r\n\
          Bill:\r\n\
          The next meeting of the board of directors will be\r\n\
          on Tuesday.\r\n\
          John.\r\n"
    );
    assert_eq!(run.error, None);
}

#[test]
fn rfc5321_d3_step2_relay_host_to_destination_host() {
    // RFC 5321 Appendix D.3, step 2: our server plays the destination xyz.com, which
    // offers no extension, so its EHLO reply is one line. The program answers EHLO with
    // the RFC's `250 xyz.com is on the air` (accept_with), compared exactly.
    // Normalised: the RFC's QUIT reply reads `221 foo.com ...` although the server is
    // xyz.com (a slip of the example); ours names xyz.com.
    let mut c = foo_com();
    c.hostname = "xyz.com".into();
    c.size = false;
    c.eight_bit_mime = false;
    c.dsn = false;
    c.help = false;
    let mut policy = |e: &Event| match e {
        Event::Hello(_) => Some(reply(250, "xyz.com is on the air")),
        other => foo_com_policy(other),
    };
    // As in the RFC: the Received field folded onto a line of four spaces, and a
    // signature indented by 24 (`\x20` keeps the first space from the string's line
    // continuation).
    let content = "Received: from bar.com by foo.com ; Thu, 21 May 1998\r\n\
                   \x20   05:33:29 -0700\r\n\
                   Date: Thu, 21 May 1998 05:33:22 -0700\r\n\
                   From: John Q. Public <JQP@bar.com>\r\n\
                   Subject:  The Next Meeting of the Board\r\n\
                   To: Jones@xyz.com\r\n\
                   \r\n\
                   Bill:\r\n\
                   The next meeting of the board of directors will be\r\n\
                   on Tuesday.\r\n\
                   \x20                       John.\r\n";
    let client = format!(
        "EHLO foo.com\r\nMAIL FROM:<JQP@bar.com>\r\nRCPT TO:<Jones@XYZ.COM>\r\nDATA\r\n\
         {content}.\r\nQUIT\r\n"
    );
    let run = replay(c, &[&client], &mut policy, NO_CREDENTIALS);
    let expected = [
        "220 xyz.com Simple Mail Transfer Service Ready\r\n",
        "250 xyz.com is on the air\r\n",
        "250 OK\r\n", // MAIL
        "250 OK\r\n", // RCPT
        "354 Start mail input; end with <CRLF>.<CRLF>\r\n",
        "250 OK\r\n", // end of the message
        "221 xyz.com Service closing transmission channel\r\n",
    ]
    .concat();
    assert_eq!(run.wire(), expected);
    assert_eq!(run.content, content.as_bytes());
    assert_eq!(run.error, None);
}

#[test]
fn rfc5321_d4_verifying_and_sending() {
    // RFC 5321 Appendix D.4: VRFY advertised (after DSN, before HELP, as in the example),
    // and the program answers `VRFY Crispin` with the RFC's 250 line through the
    // `Event::Vrfy` token.
    let mut c = foo_com();
    c.vrfy = true;
    let mut policy = |e: &Event| match e {
        Event::Vrfy(r) => {
            assert_eq!(r.argument().to_string(), "Crispin");
            Some(reply(250, "Mark Crispin <Admin.MRC@foo.com>"))
        }
        other => foo_com_policy(other),
    };
    let client = "EHLO bar.com\r\nVRFY Crispin\r\nMAIL FROM:<EAK@bar.com>\r\n\
                  RCPT TO:<Admin.MRC@foo.com>\r\nDATA\r\n\
                  Blah blah blah...\r\n...etc. etc. etc.\r\n.\r\nQUIT\r\n";
    let run = replay(c, &[client], &mut policy, NO_CREDENTIALS);
    let expected = [
        "220 foo.com Simple Mail Transfer Service Ready\r\n",
        "250-foo.com greets bar.com\r\n250-8BITMIME\r\n250-SIZE\r\n250-DSN\r\n250-VRFY\r\n",
        "250 HELP\r\n",
        "250 Mark Crispin <Admin.MRC@foo.com>\r\n", // VRFY Crispin
        "250 OK\r\n",                               // MAIL
        "250 OK\r\n",                               // RCPT
        "354 Start mail input; end with <CRLF>.<CRLF>\r\n",
        "250 OK\r\n", // end of the message
        "221 foo.com Service closing transmission channel\r\n",
    ]
    .concat();
    assert_eq!(run.wire(), expected);
    // The client's `...etc.` is dot-stuffed: one dot goes (RFC 5321 §4.5.2).
    assert_eq!(run.content, b"Blah blah blah...\r\n..etc. etc. etc.\r\n");
    assert_eq!(run.error, None);
}

/// smtp.example.com of RFC 4954 §4.1: STARTTLS and ENHANCEDSTATUSCODES offered, PLAIN
/// under TLS only. GSSAPI and DIGEST-MD5 of the examples are not served by this crate,
/// so the AUTH keyword lists PLAIN alone (normalised).
fn smtp_example_com() -> ServerConfig {
    let mut c = ServerConfig::default();
    c.hostname = "smtp.example.com".into();
    c.greeting = "ESMTP Server".into();
    c.size = false;
    c.pipelining = false;
    c.eight_bit_mime = false;
    c.chunking = false;
    c.smtputf8 = false;
    c.dsn = false;
    c.help = false;
    c.starttls = true;
    c.auth_mechanisms = vec![Mechanism::Plain];
    c
}

/// The client's first read: nothing may follow STARTTLS before the TLS handshake (RFC
/// 3207 §4.2), so the examples' sessions come in two reads.
const BEFORE_TLS: &str = "EHLO client.example.com\r\nSTARTTLS\r\n";

/// The credentials the RFC 4954 examples encode: `dGVzdAB0ZXN0ADEyMzQ=` is
/// authzid "test", authcid "test", password "1234" (RFC 4616 §2).
const TEST_1234: Credentials = ("test", "1234");

/// The examples' greeting is one line of a multiline 220 (`220-smtp.example.com ESMTP
/// Server`, the rest not shown); ours is the single line. EHLO's first line reads
/// `Hello client.example.com` in the RFC, `greets client.example.com` here.
const AUTH_GREETING: &str = "220 smtp.example.com ESMTP Server\r\n";
const AUTH_EHLO_AFTER_TLS: &str = "250-smtp.example.com greets client.example.com\r\n\
    250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN\r\n";

/// What the server writes for STARTTLS and the EHLO before it: the RFC's `250-AUTH GSSAPI
/// DIGEST-MD5` is absent (PLAIN alone is withheld before TLS), and the 220 carries the
/// enhanced code `2.0.0` the server writes with ENHANCEDSTATUSCODES on.
const AUTH_BEFORE_TLS: &str = "250-smtp.example.com greets client.example.com\r\n\
    250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n220 2.0.0 Ready to start TLS\r\n";

/// The server's 235: the RFC writes `235 2.7.0 Authentication successful`; code and
/// enhanced code are the same, the text is the server's own.
const AUTH_SUCCEEDED: &str = "235 2.7.0 Authentication succeeded\r\n";

#[test]
fn rfc4954_4_1_plain_with_initial_response() {
    // RFC 4954 §4.1, first example: AUTH PLAIN with the initial response, under TLS.
    let client = [
        BEFORE_TLS,
        "EHLO client.example.com\r\n\
                  AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=\r\nQUIT\r\n",
    ];
    let run = replay(smtp_example_com(), &client, &mut |_| None, TEST_1234);
    let expected = [
        AUTH_GREETING,
        AUTH_BEFORE_TLS,
        AUTH_EHLO_AFTER_TLS,
        AUTH_SUCCEEDED,
        "221 2.0.0 smtp.example.com Service closing transmission channel\r\n",
    ]
    .concat();
    assert_eq!(run.wire(), expected);
    assert_eq!(run.authenticated, ["test"]);
    assert_eq!(run.error, None);
}

#[test]
fn rfc4954_4_1_plain_without_initial_response() {
    // RFC 4954 §4.1, second example: `AUTH PLAIN` alone gets `334 ` (one space, an
    // empty challenge), and the response line carries the same credentials.
    let client = [
        BEFORE_TLS,
        "EHLO client.example.com\r\n\
                  AUTH PLAIN\r\ndGVzdAB0ZXN0ADEyMzQ=\r\nQUIT\r\n",
    ];
    let run = replay(smtp_example_com(), &client, &mut |_| None, TEST_1234);
    let expected = [
        AUTH_GREETING,
        AUTH_BEFORE_TLS,
        AUTH_EHLO_AFTER_TLS,
        "334 \r\n",
        AUTH_SUCCEEDED,
        "221 2.0.0 smtp.example.com Service closing transmission channel\r\n",
    ]
    .concat();
    assert_eq!(run.wire(), expected);
    assert_eq!(run.authenticated, ["test"]);
}

#[test]
fn rfc4954_4_wrong_password_then_right() {
    // RFC 4954 §4: the same identity with another password fails with 535 5.7.8 (§6),
    // and the client may try again; `dGVzdAB0ZXN0ADQzMjE=` is "test\0test\04321".
    let client = [
        BEFORE_TLS,
        "EHLO client.example.com\r\n\
                  AUTH PLAIN dGVzdAB0ZXN0ADQzMjE=\r\nAUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=\r\nQUIT\r\n",
    ];
    let run = replay(smtp_example_com(), &client, &mut |_| None, TEST_1234);
    let after_ehlo = run.wire().split(AUTH_EHLO_AFTER_TLS).nth(1).unwrap();
    assert_eq!(
        after_ehlo,
        "535 5.7.8 Authentication credentials invalid\r\n235 2.7.0 Authentication succeeded\r\n\
         221 2.0.0 smtp.example.com Service closing transmission channel\r\n"
    );
}

#[test]
fn rfc4954_4_empty_initial_response_unknown_mechanism_and_cancel() {
    // RFC 4954 §4, the rules without an example session of their own:
    // - `AUTH PLAIN =`: "=" is a zero-length initial response. An empty PLAIN message
    //   has neither NUL of `[authzid] NUL authcid NUL passwd` (RFC 4616 §2), so it is a
    //   malformed response: 501 5.5.2.
    // - `AUTH CRAM-MD5` while only PLAIN is offered: "the server rejects the AUTH command
    //   with a 504 reply".
    // - `*` in place of a response: "the server MUST reject the AUTH command by sending
    //   a 501 reply".
    // Then the exchange still works with the RFC's credentials.
    let client = [
        BEFORE_TLS,
        "EHLO client.example.com\r\n\
                  AUTH PLAIN =\r\nAUTH CRAM-MD5\r\nAUTH PLAIN\r\n*\r\n\
                  AUTH PLAIN\r\ndGVzdAB0ZXN0ADEyMzQ=\r\nQUIT\r\n",
    ];
    let run = replay(smtp_example_com(), &client, &mut |_| None, TEST_1234);
    let after_ehlo = run.wire().split(AUTH_EHLO_AFTER_TLS).nth(1).unwrap();
    assert_eq!(
        after_ehlo,
        [
            "501 5.5.2 Malformed authentication response\r\n", // AUTH PLAIN =
            "504 5.5.4 Unrecognized authentication type\r\n",  // AUTH CRAM-MD5
            "334 \r\n501 5.7.0 Authentication cancelled\r\n",  // AUTH PLAIN, *
            "334 \r\n",                                        // AUTH PLAIN
            AUTH_SUCCEEDED,                                    // dGVzdAB0ZXN0ADEyMzQ=
            "221 2.0.0 smtp.example.com Service closing transmission channel\r\n",
        ]
        .concat()
    );
    assert_eq!(run.authenticated, ["test"]);
}

#[test]
fn rfc4954_4_plain_before_tls_needs_encryption() {
    // RFC 4954 §4 ("requires an encryption layer") and §6: before TLS the PLAIN of the
    // examples is refused with 538 5.7.11 (§14: PLAIN only under TLS); the client then
    // upgrades and succeeds as in §4.1.
    let client = [
        "EHLO client.example.com\r\nAUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=\r\nSTARTTLS\r\n",
        "EHLO client.example.com\r\nAUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=\r\nQUIT\r\n",
    ];
    let run = replay(smtp_example_com(), &client, &mut |_| None, TEST_1234);
    let expected = [
        AUTH_GREETING,
        "250-smtp.example.com greets client.example.com\r\n250-ENHANCEDSTATUSCODES\r\n",
        "250 STARTTLS\r\n",
        "538 5.7.11 Encryption required for requested authentication mechanism\r\n",
        "220 2.0.0 Ready to start TLS\r\n",
        AUTH_EHLO_AFTER_TLS,
        AUTH_SUCCEEDED,
        "221 2.0.0 smtp.example.com Service closing transmission channel\r\n",
    ]
    .concat();
    assert_eq!(run.wire(), expected);
    assert_eq!(run.authenticated, ["test"]);
}

#[test]
fn rfc4954_5_1_mail_auth_parameter() {
    // RFC 4954 §5.1: the two MAIL FROM examples with an AUTH parameter, after the
    // client authenticated; the program sees the decoded identity (`e+3Dmc2@example.com`
    // is xtext for `e=mc2@example.com`) and the unknown submitter `<>`, and answers the
    // RFC's `250 OK`. Normalised: smtp.example.com offers ENHANCEDSTATUSCODES (§4.1), so
    // the server writes that reply as `250 2.0.0 OK` (RFC 2034 §3: every reply after EHLO
    // carries a code; X.0.0 when the program gave none). The middle `250 2.0.0 OK` is
    // the RSET between the two examples.
    let mut seen = Vec::new();
    let mut policy = |e: &Event| match e {
        Event::Mail(r) => {
            let auth = r.params().auth().expect("an AUTH parameter");
            seen.push(match auth {
                MailAuth::Identity(x) => x.decode_utf8().unwrap().into_owned(),
                MailAuth::Unknown => "<>".to_string(),
            });
            Some(reply(250, "OK"))
        }
        _ => None,
    };
    let client = [
        BEFORE_TLS,
        "EHLO client.example.com\r\nAUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=\r\n\
         MAIL FROM:<e=mc2@example.com> AUTH=e+3Dmc2@example.com\r\nRSET\r\n\
         MAIL FROM:<john+@example.org> AUTH=<>\r\nQUIT\r\n",
    ];
    let run = replay(smtp_example_com(), &client, &mut policy, TEST_1234);
    let after_auth = run.wire().split(AUTH_SUCCEEDED).nth(1).unwrap();
    assert_eq!(
        after_auth,
        "250 2.0.0 OK\r\n250 2.0.0 OK\r\n250 2.0.0 OK\r\n\
         221 2.0.0 smtp.example.com Service closing transmission channel\r\n"
    );
    assert_eq!(seen, ["e=mc2@example.com", "<>"]);
}
