//! The server machine fed arbitrary input interleaved with arbitrary decisions, TLS
//! hand-offs and EOFs: no panic, no loop, the input buffer bounded by the longest line
//! limit plus one read (DESIGN.md, "Security rules").

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

use esmtp::server::{AuthAnswer, Event, Output, Server, ServerConfig};
use esmtp::{Mechanism, Reply, ReplyCode};

#[derive(Arbitrary, Debug)]
enum Op {
    Read(Vec<u8>),
    Eof,
    /// Accept (true) or reject (false) the next decision.
    Decide(bool),
    Shutdown,
}

#[derive(Arbitrary, Debug)]
struct Session {
    starttls: bool,
    auth: bool,
    small_size: bool,
    /// LMTP mode (RFC 2033): one reply per recipient at the end of a message.
    lmtp: bool,
    /// The redacted trace.
    trace: bool,
    /// DELIVERBY, FUTURERELEASE, MT-PRIORITY, REQUIRETLS, ATRN, ETRN offered.
    extras: bool,
    /// Shut the session down from the server's side after this many outputs, wherever
    /// the machine is then (RFC 5321 §3.8).
    shutdown_at: Option<u16>,
    ops: Vec<Op>,
}

fuzz_target!(|s: Session| {
    let mut config = ServerConfig::default();
    config.starttls = s.starttls;
    config.max_recipients = 3;
    config.max_bad_commands = 5;
    if s.auth {
        config.auth_mechanisms = vec![Mechanism::Plain, Mechanism::Login, Mechanism::CramMd5];
        config.auth_plaintext_without_tls = true;
    }
    config.lmtp = s.lmtp;
    config.trace = s.trace;
    if s.extras {
        config.deliver_by = Some(60);
        config.future_release = Some((86400, "2030-01-01T00:00:00Z".into()));
        config.mt_priority = Some("MIXER".into());
        config.requiretls = true;
        config.atrn = true;
        config.etrn = true;
    }
    if s.small_size {
        config.max_message_size = Some(64);
    }
    let limit = config.commands.max_auth_line.max(config.commands.max_mail_rcpt_line);
    let mut server = Server::new(config);
    let refuse = Reply::new(ReplyCode::TRANSACTION_FAILED, "5.7.1 no").unwrap();
    let mut ops = s.ops.into_iter();
    let mut accept = true;
    let mut last_read = 0;
    for polled in 0..100_000u32 {
        assert!(server.buffered() <= limit + last_read, "buffer past its bound");
        if s.shutdown_at.map(u32::from) == Some(polled) {
            let bye = Reply::new(ReplyCode::SERVICE_NOT_AVAILABLE, "4.3.2 going down").unwrap();
            server.shutdown(bye);
            return shut_down(&mut server);
        }
        match server.poll_output() {
            Output::Transmit(_) | Output::Event(Event::Data(_)) => {}
            Output::Event(event) => {
                let ok = match event {
                    Event::Hello(r) if accept => server.accept(r).is_ok(),
                    Event::Hello(r) => server.reject(r, refuse.clone()).is_ok(),
                    Event::Mail(r) if accept => server.accept(r).is_ok(),
                    Event::Mail(r) => server.reject(r, refuse.clone()).is_ok(),
                    Event::Rcpt(r) if accept => server.accept(r).is_ok(),
                    Event::Rcpt(r) => server.reject(r, refuse.clone()).is_ok(),
                    Event::DataStart(r) if accept => server.accept(r).is_ok(),
                    Event::DataStart(r) => server.reject(r, refuse.clone()).is_ok(),
                    Event::MessageEnd(r) if accept => server.accept(r).is_ok(),
                    Event::MessageEnd(r) => {
                        // One refusal per recipient; a wrong count gives the token back.
                        let n = r.recipients().len().max(1);
                        let r = server.accept_each(r, vec![refuse.clone(); n + 1]).unwrap_err();
                        server.accept_each(r, vec![refuse.clone(); n]).is_ok()
                    }
                    Event::Atrn(r) if accept => server.accept(r).is_ok(),
                    Event::Atrn(r) => server.reject(r, refuse.clone()).is_ok(),
                    Event::Vrfy(r) => server.accept(r).is_ok(),
                    Event::Expn(r) => server.accept(r).is_ok(),
                    Event::Help(r) => server.accept(r).is_ok(),
                    Event::Etrn(r) => server.accept(r).is_ok(),
                    Event::Auth(r) => {
                        server.answer_auth(r, AuthAnswer::PasswordVerified(accept)).is_ok()
                    }
                    _ => true,
                };
                assert!(ok, "the pending token is always taken");
            }
            Output::StartTls => server.tls_established().unwrap(),
            Output::AwaitingDecision => unreachable!("every decision is answered at once"),
            Output::NeedInput => loop {
                match ops.next() {
                    Some(Op::Read(bytes)) => {
                        last_read = bytes.len();
                        server.handle_input(&bytes).unwrap();
                        break;
                    }
                    Some(Op::Decide(a)) => accept = a,
                    Some(Op::Shutdown) => {
                        server.shutdown(refuse.clone());
                        break;
                    }
                    Some(Op::Eof) | None => {
                        server.handle_eof();
                        break;
                    }
                }
            },
            Output::Close => return,
        }
    }
    panic!("the session did not end");
});

/// After `shutdown`: at most an abort and trace events, then the 421 in a `Transmit`, then
/// `Close` (and `Close` again) — never a stale `NeedInput`, `StartTls` or decision.
fn shut_down(server: &mut Server) {
    let mut wrote_421 = false;
    for _ in 0..8 {
        match server.poll_output() {
            Output::Event(Event::MessageAborted | Event::Trace(_)) => {}
            Output::Transmit(bytes) => wrote_421 |= bytes.ends_with(b"421 4.3.2 going down\r\n"),
            Output::Close => {
                assert!(matches!(server.poll_output(), Output::Close), "Close is sticky");
                // A session already closed writes nothing more.
                return;
            }
            other => panic!("after shutdown: {other:?} (421 written: {wrote_421})"),
        }
    }
    panic!("shutdown did not close");
}
