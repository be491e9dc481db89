//! Bugs found by the review of issue 22, each with the RFC section it breaks: `shutdown`
//! right after a `Transmit` (RFC 5321 §3.8) and in the middle of content, decision
//! replies of the wrong class, the trace of lines longer than 512 octets, extension verbs
//! after HELO (RFC 5321 §4.1.1.1, RFC 3030 §2, RFC 3207 §4), the AUTH reply codes of
//! RFC 4954 §4, STARTTLS command injection (RFC 3207 §5), the capabilities advertised
//! before TLS when TLS is required (RFC 3207 §4), and the verbs and parameters of the
//! program's own EHLO keywords (RFC 5321 §4.1.1.1, §4.1.1.11). Then the example sessions
//! of RFC 3030 §4.1 and RFC 2920 §4 with the server's replies compared.

mod common;

use std::ops::ControlFlow::{self, Break, Continue};

use common::session::{Run, accept_all, drive, drive_every_way};
use esmtp::server::{Event, Output, Server, ServerConfig, TraceDirection};
use esmtp::{Error, Mechanism, Reply, ReplyCode, replies};

fn plain() -> ServerConfig {
    let mut c = ServerConfig::default();
    c.hostname = "mx.example".into();
    c
}

fn session(config: ServerConfig, input: &str) -> Run {
    drive(Server::new(config), &[input.as_bytes()], &mut accept_all)
}

fn reply(code: u16, text: &str) -> Reply {
    Reply::new(ReplyCode::new(code).unwrap(), text).unwrap()
}

fn transmit(output: Output) -> String {
    match output {
        Output::Transmit(bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
        other => panic!("Transmit expected, got {other:?}"),
    }
}

/// Polls until the server wants input, answering every decision with `accept`; returns
/// what it transmitted.
fn run_until_input(server: &mut Server) -> String {
    let mut wire = String::new();
    loop {
        match server.poll_output() {
            Output::Transmit(bytes) => wire.push_str(std::str::from_utf8(&bytes).unwrap()),
            Output::NeedInput => return wire,
            Output::Event(Event::Hello(r)) => server.accept(r).unwrap(),
            Output::Event(Event::Mail(r)) => server.accept(r).unwrap(),
            Output::Event(Event::Rcpt(r)) => server.accept(r).unwrap(),
            Output::Event(Event::DataStart(r)) => server.accept(r).unwrap(),
            Output::Event(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// Polls, accepting HELO/EHLO, MAIL and RCPT on the way, until `pick` takes an event
/// (`Break`; it gives back those it does not want with `Continue`); any other output or
/// event is a failure.
fn poll_until<T>(server: &mut Server, pick: impl Fn(Event) -> ControlFlow<T, Event>) -> T {
    loop {
        match server.poll_output() {
            Output::Transmit(_) => {}
            Output::Event(event) => match pick(event) {
                Break(taken) => return taken,
                Continue(Event::Hello(r)) => server.accept(r).unwrap(),
                Continue(Event::Mail(r)) => server.accept(r).unwrap(),
                Continue(Event::Rcpt(r)) => server.accept(r).unwrap(),
                Continue(other) => panic!("unexpected {other:?}"),
            },
            other => panic!("unexpected {other:?}"),
        }
    }
}

// 1. shutdown right after a Transmit (RFC 5321 §3.8: the 421, then the close).

#[test]
fn shutdown_after_the_greeting_transmits_421_then_closes() {
    let mut server = Server::new(plain());
    assert!(transmit(server.poll_output()).starts_with("220 "));
    server.shutdown(replies::SERVICE_NOT_AVAILABLE);
    assert!(transmit(server.poll_output()).starts_with("421 4.7.0 "));
    assert!(matches!(server.poll_output(), Output::Close));
}

#[test]
fn shutdown_after_the_starttls_220_transmits_421_then_closes() {
    let mut c = plain();
    c.starttls = true;
    let mut server = Server::new(c);
    run_until_input(&mut server);
    server.handle_input(b"EHLO c.example\r\n").unwrap();
    run_until_input(&mut server);
    server.handle_input(b"STARTTLS\r\n").unwrap();
    assert_eq!(transmit(server.poll_output()), "220 2.0.0 Ready to start TLS\r\n");
    server.shutdown(replies::SERVICE_NOT_AVAILABLE);
    assert!(transmit(server.poll_output()).starts_with("421 4.7.0 "));
    assert!(matches!(server.poll_output(), Output::Close));
}

// 2. Decision replies of the wrong class are refused, the token given back.

#[test]
fn accept_with_a_negative_reply_is_refused_and_the_token_given_back() {
    let mut server = Server::new(plain());
    run_until_input(&mut server);
    server.handle_input(b"EHLO c.example\r\nMAIL FROM:<a@b.example>\r\n").unwrap();
    let mail = poll_until(&mut server, |e| match e {
        Event::Mail(r) => Break(r),
        e => Continue(e),
    });
    let mail = server.accept_with(mail, reply(550, "No")).unwrap_err();
    // A 3xx is no answer to MAIL either (RFC 5321 §4.3.2: 250 or a failure).
    let mail = server.accept_with(mail, reply(354, "Go on")).unwrap_err();
    // Still pending: the right answer is taken.
    server.accept(mail).unwrap();
    assert!(transmit(server.poll_output()).ends_with("250 2.1.0 Sender OK\r\n"));
}

#[test]
fn reject_with_a_positive_reply_is_refused_and_the_token_given_back() {
    let mut server = Server::new(plain());
    run_until_input(&mut server);
    server.handle_input(b"EHLO c.example\r\n").unwrap();
    let Output::Event(Event::Hello(hello)) = server.poll_output() else { panic!() };
    let hello = server.reject(hello, reply(250, "OK")).unwrap_err();
    let hello = server.reject(hello, reply(354, "Go on")).unwrap_err();
    server.reject(hello, reply(550, "Go away")).unwrap();
    assert_eq!(transmit(server.poll_output()), "550 Go away\r\n");
}

#[test]
fn accept_with_at_data_wants_a_354() {
    // RFC 5321 §4.3.2: DATA's intermediate reply is 354; a 250 would leave the client
    // waiting for one while the server reads content.
    let mut server = Server::new(plain());
    run_until_input(&mut server);
    server
        .handle_input(
            b"EHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n",
        )
        .unwrap();
    let start = poll_until(&mut server, |e| match e {
        Event::DataStart(r) => Break(r),
        e => Continue(e),
    });
    let start = server.accept_with(start, reply(250, "OK")).unwrap_err();
    server.accept_with(start, reply(354, "Go ahead")).unwrap();
    assert!(transmit(server.poll_output()).ends_with("354 Go ahead\r\n"));
}

// 3. shutdown in the middle of content tells the program to drop it.

fn shutdown_in_content(input: &[u8]) -> Vec<String> {
    let mut server = Server::new(plain());
    run_until_input(&mut server);
    server.handle_input(input).unwrap();
    run_until_input(&mut server);
    server.shutdown(replies::SERVICE_NOT_AVAILABLE);
    let mut seen = Vec::new();
    loop {
        match server.poll_output() {
            Output::Close => return seen,
            Output::Event(Event::MessageAborted) => seen.push("aborted".into()),
            Output::Transmit(b) => seen.push(String::from_utf8(b.to_vec()).unwrap()),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn shutdown_in_data_aborts_the_message() {
    let seen = shutdown_in_content(
        b"EHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nSubject: x\r\n",
    );
    assert_eq!(seen[0], "aborted");
    assert!(seen[1].starts_with("421 "), "{seen:?}");
}

#[test]
fn shutdown_between_bdat_chunks_aborts_the_message() {
    let seen = shutdown_in_content(
        b"EHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nBDAT 3\r\nabc",
    );
    assert_eq!(seen[0], "aborted");
    assert!(seen[1].starts_with("421 "), "{seen:?}");
}

#[test]
fn shutdown_outside_content_aborts_nothing() {
    let seen = shutdown_in_content(b"EHLO c.example\r\nMAIL FROM:<a@b.example>\r\n");
    assert!(!seen.contains(&"aborted".to_string()), "{seen:?}");
}

// 4. The trace of a line longer than 512 octets that its verb allows (RFC 3461 §5.4).

#[test]
fn trace_keeps_a_long_rcpt_line_whole() {
    let mut c = plain();
    c.trace = true;
    let rcpt = format!(
        "RCPT TO:<c@d.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;{}@d.example\r\n",
        "x".repeat(480)
    );
    assert!(rcpt.len() > 512 && rcpt.len() <= 2048);
    let input = format!("EHLO c.example\r\nMAIL FROM:<a@b.example>\r\n{rcpt}QUIT\r\n");
    let run = session(c, &input);
    assert!(run.wire().contains("250 2.1.5"), "{}", run.wire());
    let read: Vec<_> =
        run.trace.iter().filter(|t| t.direction == TraceDirection::Read).map(|t| &t.line).collect();
    assert_eq!(&read[2][..], rcpt.as_bytes());
}

// 5. Extension verbs only after EHLO (RFC 5321 §4.1.1.1).

#[test]
fn bdat_after_helo_is_503_and_its_chunk_drained() {
    // RFC 3030 §2: CHUNKING is in effect only after EHLO; the chunk is still read and
    // never executed as commands.
    let run = session(
        plain(),
        "HELO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nBDAT 6 LAST\r\nQUIT\r\nQUIT\r\n",
    );
    assert!(run.wire().contains("\r\n503 5.5.1 Send EHLO first\r\n221 "), "{}", run.wire());
    assert!(!run.events.iter().any(|e| e.starts_with("message-end")), "{:?}", run.events);
    assert!(run.content.is_empty());
}

#[test]
fn starttls_after_helo_or_before_any_hello_is_503() {
    // RFC 3207 §4: STARTTLS is an extension, in effect after EHLO.
    let mut c = plain();
    c.starttls = true;
    let run = session(c.clone(), "STARTTLS\r\nQUIT\r\n");
    assert!(run.wire().contains("\r\n503 5.5.1 Send EHLO first\r\n"), "{}", run.wire());
    let run = session(c, "HELO c.example\r\nSTARTTLS\r\nQUIT\r\n");
    assert!(run.wire().contains("\r\n503 5.5.1 Send EHLO first\r\n"), "{}", run.wire());
    assert_eq!(run.starttls, 0);
}

#[test]
fn etrn_after_helo_is_503() {
    let mut c = plain();
    c.etrn = true;
    let run = session(c, "HELO c.example\r\nETRN example.org\r\nQUIT\r\n");
    assert!(run.wire().contains("\r\n503 5.5.1 Send EHLO first\r\n"), "{}", run.wire());
    assert!(!run.events.iter().any(|e| e.contains("Etrn")), "{:?}", run.events);
}

#[test]
fn atrn_after_helo_is_503() {
    // RFC 2645 §5: ATRN is an extension; after AUTH, a HELO leaves extensions out of
    // effect.
    let mut c = plain();
    c.atrn = true;
    c.auth_mechanisms = vec![Mechanism::Plain];
    c.auth_plaintext_without_tls = true;
    // "\0u\0secret" (RFC 4616).
    let run = session(
        c,
        "EHLO c.example\r\nAUTH PLAIN AHUAc2VjcmV0\r\nHELO c.example\r\nATRN example.org\r\nQUIT\r\n",
    );
    assert_eq!(run.authenticated, ["u"], "{}", run.wire());
    assert!(run.wire().contains("\r\n503 5.5.1 Send EHLO first\r\n221 "), "{}", run.wire());
    assert!(!run.events.iter().any(|e| e.contains("Atrn")), "{:?}", run.events);
}

// 6. AUTH reply codes of RFC 4954 §4.

fn auth_config() -> ServerConfig {
    let mut c = plain();
    c.auth_mechanisms = vec![Mechanism::Plain];
    c.auth_plaintext_without_tls = true;
    c.max_bad_commands = 0;
    c
}

#[test]
fn auth_initial_response_not_base64_is_501_5_5_2() {
    // RFC 4954 §4: "If the client's initial response ... is not valid base64, the server
    // MUST reject the AUTH command with 501 5.5.2". A failed exchange, not a bad command:
    // with no bad command allowed the session goes on.
    let run = session(auth_config(), "EHLO c.example\r\nAUTH PLAIN !!!\r\nNOOP\r\nQUIT\r\n");
    assert!(run.wire().contains("\r\n501 5.5.2 "), "{}", run.wire());
    assert!(run.wire().contains("\r\n250 2.0.0 OK\r\n221 "), "{}", run.wire());
}

#[test]
fn auth_line_over_12288_octets_is_500_5_5_6() {
    // RFC 4954 §4: "500 5.5.6 Authentication Exchange line is too long".
    let mut c = auth_config();
    c.max_bad_commands = 20;
    let input = format!("EHLO c.example\r\nAUTH PLAIN {}\r\nQUIT\r\n", "A".repeat(13_000));
    let run = session(c.clone(), &input);
    assert!(run.wire().contains("\r\n500 5.5.6 "), "{}", run.wire());
    // Fed in small reads, the line's start is discarded long before its end arrives.
    let chunks: Vec<&[u8]> = input.as_bytes().chunks(700).collect();
    let run = drive(Server::new(c), &chunks, &mut accept_all);
    assert!(run.wire().contains("\r\n500 5.5.6 "), "{}", run.wire());
    // Any other verb's over-long line keeps 500 5.5.2.
    let input = format!("EHLO c.example\r\nNOOP {}\r\nQUIT\r\n", "A".repeat(13_000));
    let chunks: Vec<&[u8]> = input.as_bytes().chunks(700).collect();
    let run = drive(Server::new(plain()), &chunks, &mut accept_all);
    assert!(run.wire().contains("\r\n500 5.5.2 "), "{}", run.wire());
}

// 7. STARTTLS command injection (RFC 3207 §5, CVE-2011-0411).

#[test]
fn starttls_injection_gets_421_in_place_of_the_220() {
    let mut c = plain();
    c.starttls = true;
    let run = drive(
        Server::new(c),
        &[b"EHLO x.example\r\n", b"STARTTLS\r\nMAIL FROM:<attacker@x.example>\r\n"],
        &mut accept_all,
    );
    assert_eq!(run.error, Some(Error::StartTlsInjection));
    assert_eq!(run.starttls, 0);
    assert!(
        run.wire().ends_with("\r\n421 4.7.0 Input after STARTTLS, closing\r\n"),
        "{}",
        run.wire()
    );
    assert!(!run.wire().contains("220 2.0.0"));
}

// 8. Before TLS, when TLS is required, only what can be used is advertised (RFC 3207 §4).

#[test]
fn tls_required_advertises_no_auth_before_tls() {
    let mut c = plain();
    c.starttls = true;
    c.tls_required = true;
    c.auth_mechanisms = vec![Mechanism::Plain, Mechanism::ScramSha256];
    let run = drive(
        Server::new(c),
        &[b"EHLO c.example\r\n", b"STARTTLS\r\n", b"EHLO c.example\r\nQUIT\r\n"],
        &mut accept_all,
    );
    let (before, after) = run.wire().split_once("220 2.0.0").unwrap();
    assert!(before.contains("STARTTLS\r\n"), "{before}");
    assert!(!before.contains("AUTH"), "{before}");
    assert!(!before.contains("SIZE"), "{before}");
    assert!(after.contains("AUTH PLAIN SCRAM-SHA-256"), "{after}");
}

// 10. The program's own EHLO keywords: their verbs and parameters reach the program.

fn with_xstats() -> ServerConfig {
    let mut c = plain();
    c.extra_extensions = vec![esmtp::Extension::parse("XSTATS").unwrap()];
    c.max_bad_commands = 0;
    c
}

#[test]
fn verb_of_an_own_extension_is_a_decision() {
    // RFC 5321 §4.1.1.1: what EHLO offered is in effect; the program answers its verb.
    let mut policy = |event: &Event| match event {
        Event::Command(r) if r.verb() == "XSTATS" => Some(reply(250, "2.0.0 42 messages")),
        Event::Command(_) => Some(replies::COMMAND_NOT_IMPLEMENTED),
        _ => None,
    };
    let input = "EHLO c.example\r\nXSTATS today\r\nxstats\r\nQUIT\r\n";
    let run = drive(Server::new(with_xstats()), &[input.as_bytes()], &mut policy);
    assert!(run.wire().contains("250 XSTATS\r\n"), "{}", run.wire());
    // The second comes in lower case: the program refused it (verb as written).
    let events: Vec<_> = run.events.iter().filter(|e| e.contains("Command")).collect();
    assert_eq!(events.len(), 2, "{:?}", run.events);
    assert!(run.event_details.iter().any(|e| e.contains("today")), "{:?}", run.event_details);
    assert!(
        run.wire().contains("\r\n250 2.0.0 42 messages\r\n502 5.5.1 Command not implemented\r\n"),
        "{}",
        run.wire()
    );
    assert!(run.error.is_none(), "not bad commands: {:?}", run.error);
}

#[test]
fn verb_of_an_own_extension_has_no_default_answer() {
    let mut server = Server::new(with_xstats());
    run_until_input(&mut server);
    server.handle_input(b"EHLO c.example\r\nXSTATS\r\n").unwrap();
    let request = poll_until(&mut server, |e| match e {
        Event::Command(r) => Break(r),
        e => Continue(e),
    });
    let request = server.accept(request).unwrap_err();
    server.reject(request, replies::COMMAND_NOT_IMPLEMENTED).unwrap();
    assert!(transmit(server.poll_output()).ends_with("502 5.5.1 Command not implemented\r\n"));
}

#[test]
fn verb_of_an_own_extension_before_ehlo_is_503() {
    let run = session(with_xstats(), "HELO c.example\r\nXSTATS\r\nQUIT\r\n");
    assert!(run.wire().contains("\r\n503 5.5.1 Send EHLO first\r\n221 "), "{}", run.wire());
}

#[test]
fn parameters_of_an_own_extension_reach_the_program() {
    // RFC 5321 §4.1.1.11: parameters of extensions offered are accepted; others are 555.
    let input = "EHLO c.example\r\nMAIL FROM:<a@b.example> XSTATS=1\r\n\
                 RCPT TO:<c@d.example> XSTATS\r\nRCPT TO:<e@d.example> XOTHER=1\r\nQUIT\r\n";
    let mut c = with_xstats();
    c.max_bad_commands = 20;
    let run = session(c, input);
    assert!(
        run.wire().contains("\r\n250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n555 5.5.4 "),
        "{}",
        run.wire()
    );
    assert!(run.event_details.iter().any(|e| e.contains("XSTATS")), "{:?}", run.event_details);
}

// RFC example sessions: every octet the server writes compared, the program giving the
// replies whose text the RFC's server chose; where the text is the machine's own (QUIT,
// the DATA refusal) the difference is named.

/// The replies of the examples' programs: the EHLO reply as the RFC writes it, MAIL and
/// RCPT and the end of the message answered by `answer`.
fn rfc_program(
    ehlo: &'static [&'static str],
    answer: impl Fn(&Event) -> Option<Reply>,
) -> impl FnMut(&Event) -> Option<Reply> {
    move |event| match event {
        Event::Hello(_) => {
            Some(Reply::from_lines(ReplyCode::OK, None, ehlo.iter().copied()).unwrap())
        }
        other => answer(other),
    }
}

fn rfc_config(hostname: &str) -> ServerConfig {
    let mut c = ServerConfig::default();
    c.hostname = hostname.into();
    c.greeting = "SMTP service ready".into();
    c.enhanced_status_codes = false;
    c
}

#[test]
fn rfc3030_simple_chunking_replayed() {
    // RFC 3030 §4.1, byte for byte but for the 221 (RFC: "221 Goodbye").
    let content = "To: Susan@random.com\r\nFrom: Sam@random.com\r\n\
                   Subject: This is a bodyless test message\r\n";
    assert_eq!(content.len(), 86);
    let input = format!(
        "EHLO ymir.claremont.edu\r\nMAIL FROM:<Sam@Random.com>\r\nRCPT TO:<Susan@Random.com>\r\n\
         BDAT 86 LAST\r\n{content}QUIT\r\n"
    );
    let mut program =
        rfc_program(&["cnri.reston.va.us says hello", "CHUNKING"], |event| match event {
            Event::Mail(_) => Some(reply(250, "<Sam@Random.com> Sender ok")),
            Event::Rcpt(_) => Some(reply(250, "<Susan@random.com> Recipient ok")),
            Event::MessageEnd(r) => {
                Some(reply(250, &format!("Message OK, {} octets received", r.size())))
            }
            _ => None,
        });
    // The client waits for each reply, as the example shows.
    let reads: Vec<&[u8]> = input.split_inclusive("\r\n").map(str::as_bytes).collect();
    let reads = [reads[0], reads[1], reads[2], &input.as_bytes()[input.find("BDAT").unwrap()..]];
    let run = drive(Server::new(rfc_config("cnri.reston.va.us")), &reads, &mut program);
    assert_eq!(
        run.wire(),
        "220 cnri.reston.va.us SMTP service ready\r\n\
         250-cnri.reston.va.us says hello\r\n250 CHUNKING\r\n\
         250 <Sam@Random.com> Sender ok\r\n\
         250 <Susan@random.com> Recipient ok\r\n\
         250 Message OK, 86 octets received\r\n\
         221 cnri.reston.va.us Service closing transmission channel\r\n"
    );
    assert_eq!(run.content, content.as_bytes());
    // Pipelined whole, cut anywhere, one octet at a time: the same octets and content.
    let new_server = || Server::new(rfc_config("cnri.reston.va.us"));
    let every_way = drive_every_way(&new_server, input.as_bytes(), &mut program);
    assert_eq!(every_way.wire(), run.wire());
    assert_eq!(every_way.content, run.content);
}

fn innosoft(event: &Event) -> Option<Reply> {
    match event {
        Event::Mail(r) => Some(reply(250, &format!("sender {} OK", r.reverse_path()))),
        Event::Rcpt(r) if r.forward_path().to_string().contains("innosoft") => {
            Some(reply(250, &format!("recipient {} OK", r.forward_path())))
        }
        // The RFC's own text, its typo ("bellore") included.
        Event::Rcpt(r) if r.forward_path().to_string().contains("bellcore") => {
            Some(reply(550, "remote mail to <nsb@thumper.bellore.com> not allowed"))
        }
        Event::Rcpt(r) => {
            Some(reply(550, &format!("remote mail to {} not allowed", r.forward_path())))
        }
        Event::DataStart(_) => Some(reply(354, "enter mail, end with line containing only \".\"")),
        Event::MessageEnd(_) => Some(reply(250, "message sent")),
        _ => None,
    }
}

#[test]
fn rfc2920_pipelined_dialogue_server_replies() {
    // RFC 2920 §4, the pipelined dialogue: the client's groups as its reads; the replies
    // to each group come in one Transmit, byte for byte but for the 221 (RFC: "221
    // goodbye").
    let reads: [&[u8]; 3] = [
        b"EHLO dbc.mtview.ca.us\r\n",
        b"MAIL FROM:<mrose@dbc.mtview.ca.us>\r\nRCPT TO:<ned@innosoft.com>\r\n\
          RCPT TO:<dan@innosoft.com>\r\nRCPT TO:<kvc@innosoft.com>\r\nDATA\r\n",
        b"Subject: hi\r\n\r\n...\r\n.\r\nQUIT\r\n",
    ];
    let mut program = rfc_program(&["innosoft.com", "PIPELINING"], innosoft);
    let run = drive(Server::new(rfc_config("innosoft.com")), &reads, &mut program);
    assert_eq!(
        run.transmits,
        [
            "220 innosoft.com SMTP service ready\r\n",
            "250-innosoft.com\r\n250 PIPELINING\r\n",
            "250 sender <mrose@dbc.mtview.ca.us> OK\r\n\
             250 recipient <ned@innosoft.com> OK\r\n\
             250 recipient <dan@innosoft.com> OK\r\n\
             250 recipient <kvc@innosoft.com> OK\r\n\
             354 enter mail, end with line containing only \".\"\r\n",
            "250 message sent\r\n221 innosoft.com Service closing transmission channel\r\n",
        ]
    );
    assert_eq!(run.content, b"Subject: hi\r\n\r\n..\r\n");
    // The same session read whole, cut anywhere, one octet at a time: the same octets.
    let new_server = || Server::new(rfc_config("innosoft.com"));
    let every_way = drive_every_way(&new_server, &reads.concat(), &mut program);
    assert_eq!(every_way.wire(), run.wire());
    assert_eq!(every_way.content, run.content);
}

#[test]
fn rfc2920_all_recipients_rejected_server_replies() {
    // RFC 2920 §4, all recipients rejected: DATA gets 554 and no content is read. The 554
    // is the machine's own (RFC: "554 no valid recipients given"), so is the 221.
    let reads: [&[u8]; 3] = [
        b"EHLO dbc.mtview.ca.us\r\n",
        b"MAIL FROM:<mrose@dbc.mtview.ca.us>\r\nRCPT TO:<nsb@thumper.bellcore.com>\r\n\
          RCPT TO:<galvin@tis.com>\r\nDATA\r\n",
        b"QUIT\r\n",
    ];
    let mut program = rfc_program(&["innosoft.com", "PIPELINING"], innosoft);
    let run = drive(Server::new(rfc_config("innosoft.com")), &reads, &mut program);
    assert_eq!(
        run.transmits,
        [
            "220 innosoft.com SMTP service ready\r\n",
            "250-innosoft.com\r\n250 PIPELINING\r\n",
            "250 sender <mrose@dbc.mtview.ca.us> OK\r\n\
             550 remote mail to <nsb@thumper.bellore.com> not allowed\r\n\
             550 remote mail to <galvin@tis.com> not allowed\r\n\
             554 No valid recipients\r\n",
            "221 innosoft.com Service closing transmission channel\r\n",
        ]
    );
    assert!(!run.events.iter().any(|e| e.starts_with("data-start")), "{:?}", run.events);
    let new_server = || Server::new(rfc_config("innosoft.com"));
    let every_way = drive_every_way(&new_server, &reads.concat(), &mut program);
    assert_eq!(every_way.wire(), run.wire());
}

// DESIGN.md security rule: end of data is <CRLF>.<CRLF> and nothing else, under every
// bare CR/LF policy, through the Server (the codec's own tests are in tests/data.rs).

/// A message that carries the three smuggling end markers (`\n.\n`, `\r\n.\n`, `\n.\r\n`,
/// CVE-2023-51764/51765/51766), each followed by a second envelope that must never run.
const SMUGGLED: &str = "EHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n\
DATA\r\nSubject: one\r\n\r\nfirst\n.\nMAIL FROM:<evil@x.example>\r\n\
second\r\n.\nRCPT TO:<victim@x.example>\r\nthird\n.\r\nDATA\r\nend\r\n.\r\nQUIT\r\n";

fn smuggling_run(policy: esmtp::data::BareLineEndings) -> Run {
    let mut c = plain();
    c.data.bare_line_endings = policy;
    session(c, SMUGGLED)
}

#[test]
fn smuggled_end_markers_never_end_the_message_under_any_policy() {
    use esmtp::data::BareLineEndings;
    for policy in [BareLineEndings::Reject, BareLineEndings::Normalize, BareLineEndings::Keep] {
        let run = smuggling_run(policy);
        // One MAIL, one RCPT: the smuggled envelope was never read as commands.
        let mails = run.events.iter().filter(|e| e.starts_with("mail")).count();
        let rcpts = run.events.iter().filter(|e| e.starts_with("rcpt")).count();
        assert_eq!((mails, rcpts), (1, 1), "{policy:?}: {:?}", run.events);
        // The replies: greeting, EHLO, MAIL, RCPT, 354, the one end-of-data reply, 221.
        let codes: Vec<&str> = run
            .wire()
            .split("\r\n")
            .filter(|l| l.len() > 3 && l.as_bytes()[3] == b' ')
            .map(|l| &l[..3])
            .collect();
        let end = if policy == BareLineEndings::Reject { codes[5] } else { "250" };
        assert_eq!(codes, ["220", "250", "250", "250", "354", end, "221"], "{policy:?}");
        match policy {
            // Refused as a whole (RFC 5321 §2.3.8), nothing of it kept.
            BareLineEndings::Reject => {
                assert!(end.starts_with('5'), "{}", run.wire());
                assert_eq!(run.events.last().unwrap(), "aborted", "{:?}", run.events);
            }
            // One message, the would-be commands inside it as content.
            _ => {
                let content = String::from_utf8_lossy(&run.content);
                assert!(content.contains("MAIL FROM:<evil@x.example>"), "{content:?}");
                assert!(content.ends_with("end\r\n"), "{content:?}");
            }
        }
    }
}
