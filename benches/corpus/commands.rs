//! A realistic corpus of client command lines, shared by `benches/command.rs` and the
//! allocation-count test: submission and relay sessions with EHLO, AUTH, MAIL with
//! parameters, several RCPTs (some with DSN parameters), DATA, BDAT, RSET, NOOP and QUIT.
//! Every line is one both esmtp and the smtp-proto baseline accept (smtp-proto refuses
//! address literals in mailboxes, so there are none here).

/// The command lines of several sessions, without line ends.
pub const LINES: &[&str] = &[
    // A submission session: AUTH, SIZE and BODY, DSN on some recipients.
    "EHLO client.example.org",
    "AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAGNvcnJlY3QgaG9yc2UgYmF0dGVyeSBzdGFwbGU=",
    "MAIL FROM:<alice@example.org> SIZE=48213 BODY=8BITMIME",
    "RCPT TO:<bob@example.com>",
    "RCPT TO:<carol.jones@mail.example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;carol.jones@mail.example.net",
    "RCPT TO:<dave@sub.domain.example.co.uk>",
    "DATA",
    "RSET",
    // A relay session with a null reverse path (a bounce) and ENVID/RET.
    "EHLO mx1.relay.example.com",
    "MAIL FROM:<> SIZE=2048 RET=HDRS ENVID=QQ314159",
    "RCPT TO:<postmaster@example.org>",
    "DATA",
    // CHUNKING.
    "MAIL FROM:<newsletter-bounces+abc123=example.com@lists.example.net> BODY=BINARYMIME SMTPUTF8",
    "RCPT TO:<user1@example.com>",
    "RCPT TO:<user2@example.com>",
    "RCPT TO:<user3@example.com>",
    "BDAT 65536",
    "BDAT 1024 LAST",
    "NOOP",
    "HELO legacy.example.net",
    "MAIL FROM:<sender@legacy.example.net>",
    "RCPT TO:<Postmaster>",
    "QUIT",
];

/// The corpus as one CRLF-terminated byte stream.
#[allow(dead_code)]
pub fn stream() -> Vec<u8> {
    let mut out = Vec::new();
    for line in LINES {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}
