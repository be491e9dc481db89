//! Gaps of the server closed after issue 22: the LMTP replies to a refused last BDAT
//! chunk (RFC 2033 §4.2), the BDAT chunks pipelined after a refused one (RFC 3030 §2,
//! RFC 2033 §4.3), the wait around ATRN (RFC 2645 §5.2.1), and the limits that
//! DELIVERBY (RFC 2852 §3, §4) and FUTURERELEASE (RFC 4865 §3) advertise.

mod common;

use std::time::Duration;

use common::session::{drive, drive_every_way};
use esmtp::server::{Event, Output, Server, ServerConfig};
use esmtp::{Mechanism, Reply, ReplyCode};

/// Runs a session fed `input` in one read; every decision is accepted, except that
/// `refuse_start` refuses the start of content with this reply.
fn run(config: ServerConfig, input: &str, refuse_start: Option<Reply>) -> String {
    let mut policy = |event: &Event| match event {
        Event::DataStart(_) => refuse_start.clone(),
        _ => None,
    };
    drive(Server::new(config), &[input.as_bytes()], &mut policy).into_wire()
}

/// The replies after the last RCPT's, up to the 221 of QUIT.
fn after_rcpts(wire: &str, rcpts: usize) -> Vec<&str> {
    // Greeting, LHLO/EHLO (multi-line), MAIL, then the RCPTs.
    let lines: Vec<&str> = wire.lines().collect();
    let mail = lines.iter().position(|l| l.starts_with("250 2.1.0")).expect(wire);
    lines[mail + 1 + rcpts..lines.len() - 1].to_vec()
}

fn lmtp_chunking() -> ServerConfig {
    let mut c = ServerConfig::default();
    c.lmtp = true;
    c.chunking = true;
    c
}

const TWO_RCPTS: &str = "LHLO c.example\r\nMAIL FROM:<a@b.example>\r\n\
RCPT TO:<one@foo.example>\r\nRCPT TO:<two@foo.example>\r\n";

#[test]
fn lmtp_last_chunk_too_big_gets_one_reply_per_recipient() {
    // RFC 2033 §4.2: after the final chunk, one reply for each accepted recipient, in
    // RCPT order, also when the content is refused (RFC 1870 §6.2: too big).
    let mut config = lmtp_chunking();
    config.max_message_size = Some(10);
    let input = format!("{TWO_RCPTS}BDAT 20 LAST\r\n{}QUIT\r\n", "x".repeat(20));
    let wire = run(config, &input, None);
    let replies = after_rcpts(&wire, 2);
    assert_eq!(replies.len(), 2, "{wire}");
    assert!(replies.iter().all(|r| r.starts_with("552 5.3.4")), "{wire}");
}

#[test]
fn lmtp_last_chunk_whose_start_is_refused_gets_one_reply_per_recipient() {
    let refusal = Reply::new(ReplyCode::new(554).unwrap(), "No thanks").unwrap();
    let input = format!("{TWO_RCPTS}BDAT 5 LAST\r\nhelloQUIT\r\n");
    let wire = run(lmtp_chunking(), &input, Some(refusal));
    assert_eq!(after_rcpts(&wire, 2), ["554 5.0.0 No thanks", "554 5.0.0 No thanks"], "{wire}");
}

#[test]
fn lmtp_refused_chunk_that_is_not_last_gets_one_reply() {
    // RFC 2033 §4.2 multiplies only the reply to the end of the message.
    let refusal = Reply::new(ReplyCode::new(554).unwrap(), "No thanks").unwrap();
    let input = format!("{TWO_RCPTS}BDAT 5\r\nhelloQUIT\r\n");
    let wire = run(lmtp_chunking(), &input, Some(refusal));
    assert_eq!(after_rcpts(&wire, 2), ["554 5.0.0 No thanks"], "{wire}");
}

#[test]
fn smtp_last_chunk_too_big_gets_one_reply() {
    let mut config = ServerConfig::default();
    config.chunking = true;
    config.max_message_size = Some(10);
    let input = format!(
        "EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<one@foo.example>\r\n\
         RCPT TO:<two@foo.example>\r\nBDAT 20 LAST\r\n{}QUIT\r\n",
        "x".repeat(20)
    );
    let wire = run(config, &input, None);
    let replies = after_rcpts(&wire, 2);
    assert_eq!(replies.len(), 1, "{wire}");
    assert!(replies[0].starts_with("552 5.3.4"), "{wire}");
}

#[test]
fn read_timeout_is_ten_minutes_while_atrn_is_decided() {
    // RFC 2645 §5.2.1: "The timeout for this command MUST be at least 10 minutes".
    let mut config = ServerConfig::default();
    config.atrn = true;
    config.auth_mechanisms = vec![Mechanism::Plain];
    config.auth_plaintext_without_tls = true;
    let mut server = Server::new(config);
    let mut input: &[u8] = b"EHLO c\r\nAUTH PLAIN AHVzZXIAc2VjcmV0\r\nATRN\r\n";
    let mut asked = false;
    loop {
        match server.poll_output() {
            Output::Transmit(_) => {}
            Output::Event(Event::Hello(r)) => server.accept(r).unwrap(),
            Output::Event(Event::Auth(r)) => {
                server.answer_auth(r, esmtp::server::AuthAnswer::PasswordVerified(true)).unwrap()
            }
            Output::Event(Event::Atrn(r)) => {
                assert!(server.read_timeout() >= Duration::from_secs(600));
                asked = true;
                server
                    .reject(r, Reply::new(ReplyCode::new(453).unwrap(), "No mail").unwrap())
                    .unwrap();
                // Back to commands: the 5 minutes of RFC 5321 §4.5.3.2.7.
                assert_eq!(server.read_timeout(), Duration::from_secs(300));
            }
            Output::Event(_) => {}
            Output::NeedInput if !input.is_empty() => {
                server.handle_input(input).unwrap();
                input = b"";
            }
            Output::NeedInput => break,
            other => panic!("{other:?}"),
        }
    }
    assert!(asked);
}

fn mail_reply(config: ServerConfig, mail: &str) -> String {
    let wire = run(config, &format!("EHLO c.example\r\n{mail}\r\nQUIT\r\n"), None);
    let lines: Vec<&str> = wire.lines().collect();
    lines[lines.len() - 2].to_string()
}

#[test]
fn deliverby_mode_r_below_the_minimum_is_555() {
    // RFC 2852 §3: a by-mode R with a by-time strictly less than min-by-time is refused
    // with a permanent 55z; §4: 555, with a 5.X.X enhanced code.
    let mut config = ServerConfig::default();
    config.deliver_by = Some(60);
    let refused = mail_reply(config.clone(), "MAIL FROM:<a@b> BY=59;R");
    assert!(refused.starts_with("555 5.5.4 "), "{refused}");
    assert!(mail_reply(config.clone(), "MAIL FROM:<a@b> BY=60;R").starts_with("250 2.1.0"));
    // Mode N is not held to the minimum (§4: even zero or negative is no error).
    assert!(mail_reply(config.clone(), "MAIL FROM:<a@b> BY=59;N").starts_with("250 2.1.0"));
    assert!(mail_reply(config, "MAIL FROM:<a@b> BY=-5;N").starts_with("250 2.1.0"));
    // `DELIVERBY` with no minimum advertised: nothing is below it.
    let mut config = ServerConfig::default();
    config.deliver_by = Some(0);
    assert!(mail_reply(config, "MAIL FROM:<a@b> BY=1;R").starts_with("250 2.1.0"));
}

#[test]
fn holdfor_above_the_max_interval_is_501() {
    // RFC 4865 §3 items 7, 10, 11: 501 with 5.5.4.
    let mut config = ServerConfig::default();
    config.future_release = Some((3600, "2027-12-31T23:59:59Z".into()));
    let refused = mail_reply(config.clone(), "MAIL FROM:<a@b> HOLDFOR=3601");
    assert!(refused.starts_with("501 5.5.4 "), "{refused}");
    assert!(mail_reply(config, "MAIL FROM:<a@b> HOLDFOR=3600").starts_with("250 2.1.0"));
}

#[test]
fn holduntil_later_than_the_max_date_time_is_501() {
    // RFC 4865 §3 items 8, 10, 11: compared with the advertised date-time, offsets
    // applied (RFC 3339 §5.6); no clock involved.
    let mut config = ServerConfig::default();
    config.future_release = Some((3600, "2027-12-31T23:59:59Z".into()));
    for late in ["2028-01-01T00:00:00Z", "2027-12-31T23:59:59.5Z", "2027-12-31T23:59:59-00:01"] {
        let refused = mail_reply(config.clone(), &format!("MAIL FROM:<a@b> HOLDUNTIL={late}"));
        assert!(refused.starts_with("501 5.5.4 "), "{late}: {refused}");
    }
    for early in ["2027-12-31T23:59:59Z", "2028-01-01T00:59:59+01:00", "2027-03-01T00:00:00Z"] {
        let taken = mail_reply(config.clone(), &format!("MAIL FROM:<a@b> HOLDUNTIL={early}"));
        assert!(taken.starts_with("250 2.1.0"), "{early}: {taken}");
    }
}

// RFC 3030 §2: "If a 5XX or 4XX code is received by the sender-SMTP in response to a BDAT
// chunk, the transaction should be considered failed ... the receiver SMTP MUST be
// prepared to accept and discard additional BDAT chunks already in the pipeline after the
// failed BDAT." The chunks pipelined after a refused one are drained (never read as
// commands) and get the refusal again: one reply to a chunk, and to the LAST chunk in
// LMTP one per accepted recipient (RFC 2033 §4.3), so a pipelining client reads as many
// replies as it counts. The transaction ends there; the next command is a command.

/// `BDAT 5` (not last), then a pipelined `BDAT 3 LAST` and `follow`.
fn refused_then_last(lhlo: &str, follow: &str) -> String {
    format!(
        "{lhlo}MAIL FROM:<a@b.example>\r\nRCPT TO:<one@foo.example>\r\n\
         RCPT TO:<two@foo.example>\r\nBDAT 5\r\nhelloBDAT 3 LAST\r\nabc{follow}QUIT\r\n"
    )
}

fn smtp_chunking() -> ServerConfig {
    let mut c = ServerConfig::default();
    c.chunking = true;
    c
}

fn no_thanks() -> Reply {
    Reply::new(ReplyCode::new(554).unwrap(), "No thanks").unwrap()
}

#[test]
fn lmtp_chunks_pipelined_after_a_refused_start_get_the_refusal_per_recipient() {
    let input = refused_then_last("LHLO c.example\r\n", "NOOP\r\n");
    let wire = run(lmtp_chunking(), &input, Some(no_thanks()));
    let expected =
        ["554 5.0.0 No thanks", "554 5.0.0 No thanks", "554 5.0.0 No thanks", "250 2.0.0 OK"];
    assert_eq!(after_rcpts(&wire, 2), expected, "{wire}");
}

#[test]
fn lmtp_chunks_pipelined_after_a_chunk_over_size_get_552_per_recipient() {
    // RFC 1870 §6.2 (as RFC 3030 §2 applies it to chunks): the chunk that takes the
    // message over SIZE is refused with 552 and the transaction fails.
    let mut config = lmtp_chunking();
    config.max_message_size = Some(10);
    let input = format!(
        "{TWO_RCPTS}BDAT 4\r\nabcdBDAT 20\r\n{}BDAT 3 LAST\r\nabcMAIL FROM:<c@d.example>\r\n\
         QUIT\r\n",
        "x".repeat(20)
    );
    let wire = run(config, &input, None);
    let replies = after_rcpts(&wire, 2);
    assert_eq!(replies.len(), 5, "{wire}");
    assert_eq!(replies[0], "250 2.0.0 4 octets received", "{wire}");
    assert!(replies[1..4].iter().all(|r| r.starts_with("552 5.3.4")), "{wire}");
    // The MAIL after the chunks is a command of its own, in a new transaction.
    assert!(replies[4].starts_with("250 2.1.0"), "{wire}");
}

#[test]
fn lmtp_first_chunk_over_size_fails_the_chunks_pipelined_after_it() {
    let mut config = lmtp_chunking();
    config.max_message_size = Some(10);
    let input =
        format!("{TWO_RCPTS}BDAT 20\r\n{}BDAT 3 LAST\r\nabcNOOP\r\nQUIT\r\n", "x".repeat(20));
    let wire = run(config, &input, None);
    let replies = after_rcpts(&wire, 2);
    assert_eq!(replies.len(), 4, "{wire}");
    assert!(replies[..3].iter().all(|r| r.starts_with("552 5.3.4")), "{wire}");
    assert_eq!(replies[3], "250 2.0.0 OK", "{wire}");
}

#[test]
fn smtp_chunks_pipelined_after_a_refused_start_get_the_refusal_once_each() {
    let input = refused_then_last("EHLO c.example\r\n", "MAIL FROM:<c@d.example>\r\n");
    let wire = run(smtp_chunking(), &input, Some(no_thanks()));
    let replies = after_rcpts(&wire, 2);
    assert_eq!(replies.len(), 3, "{wire}");
    assert_eq!(replies[..2], ["554 5.0.0 No thanks", "554 5.0.0 No thanks"], "{wire}");
    assert!(replies[2].starts_with("250 2.1.0"), "{wire}");
}

#[test]
fn smtp_chunks_pipelined_after_a_chunk_over_size_get_552_once_each() {
    let mut config = smtp_chunking();
    config.max_message_size = Some(10);
    let input = format!(
        "EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<one@foo.example>\r\n\
         BDAT 4\r\nabcdBDAT 20\r\n{}BDAT 2\r\nabBDAT 3 LAST\r\nabcNOOP\r\nQUIT\r\n",
        "x".repeat(20)
    );
    let wire = run(config, &input, None);
    let replies = after_rcpts(&wire, 1);
    assert_eq!(replies.len(), 5, "{wire}");
    assert_eq!(replies[0], "250 2.0.0 4 octets received", "{wire}");
    assert!(replies[1..4].iter().all(|r| r.starts_with("552 5.3.4")), "{wire}");
    assert_eq!(replies[4], "250 2.0.0 OK", "{wire}");
}

#[test]
fn a_command_between_ends_the_failed_transactions_chunks() {
    // RFC 3030 §2: after a failed BDAT the client must RSET; a BDAT after that has no
    // transaction and is 503 (RFC 5321 §4.1.4), its chunk still drained.
    let input = "EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<one@foo.example>\r\n\
                 BDAT 5\r\nhelloRSET\r\nBDAT 4 LAST\r\nNOOPQUIT\r\n";
    let wire = run(smtp_chunking(), input, Some(no_thanks()));
    let replies = after_rcpts(&wire, 1);
    assert_eq!(
        replies,
        ["554 5.0.0 No thanks", "250 2.0.0 OK", "503 5.5.1 Bad sequence of commands"],
        "{wire}"
    );
}

#[test]
fn failed_chunks_read_in_any_split_give_the_same_replies() {
    // RFC 2920 §3.1 leaves the split of a pipelined group to the network: every 2-way
    // split and one octet at a time give the replies of the whole.
    let input = refused_then_last("LHLO c.example\r\n", "NOOP\r\n");
    let mut policy = |event: &Event| match event {
        Event::DataStart(_) => Some(no_thanks()),
        _ => None,
    };
    let whole = drive_every_way(&|| Server::new(lmtp_chunking()), input.as_bytes(), &mut policy);
    let whole = whole.wire();
    assert_eq!(whole.matches("554 5.0.0 No thanks").count(), 3, "{whole}");
}

#[test]
fn lmtp_last_chunk_with_no_recipient_gets_no_reply() {
    // RFC 2033 §4.3: "If there were no previously successful RCPT commands in the mail
    // transaction, then the BDAT LAST command returns zero replies"; a chunk that is not
    // the last still gets exactly one. The chunks are drained and the transaction ends.
    let mut config = lmtp_chunking();
    config.max_recipients = 0;
    let input = "LHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<one@foo.example>\r\n\
                 BDAT 2\r\nabBDAT 3 LAST\r\nabcMAIL FROM:<c@d.example>\r\nQUIT\r\n";
    let wire = run(config, input, None);
    let lines: Vec<&str> = wire.lines().collect();
    let mail = lines.iter().position(|l| l.starts_with("250 2.1.0")).expect(&wire);
    let expected = [
        "452 4.5.3 Too many recipients",
        "554 5.5.0 No valid recipients",
        "250 2.1.0 Sender OK",
        "221 2.0.0 localhost Service closing transmission channel",
    ];
    assert_eq!(lines[mail + 1..], expected, "{wire}");
}
