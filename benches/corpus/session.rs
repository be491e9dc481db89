//! One client's side of a whole SMTP connection, as the reads a server would get: shared
//! by benches/server.rs and tests/server_alloc.rs.
//!
//! EHLO, MAIL with SIZE, RCPT (one, or three pipelined with MAIL and DATA in one read as
//! RFC 2920 §3.1 allows), DATA, a dot-stuffed body (RFC 5321 §4.5.2) in 16 KiB reads
//! ending with `<CRLF>.<CRLF>`, QUIT.

#![allow(dead_code)]

/// The size of one read of message content.
pub const READ: usize = 16 * 1024;

/// Message content of exactly `size` octets: headers, then 72-octet lines (70 octets of
/// text and CRLF), one line in eight starting with a dot.
pub fn content(size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(
        b"From: alice@example.org\r\nTo: bob@example.com\r\nSubject: bench\r\n\r\n",
    );
    let mut n = 0u32;
    while out.len() < size {
        let first = if n % 8 == 3 { b'.' } else { b'A' + (n % 26) as u8 };
        out.push(first);
        out.extend((0..69).map(|i| b'a' + ((n + i) % 26) as u8));
        out.extend_from_slice(b"\r\n");
        n += 1;
    }
    // The last line is cut to fit and still ends in CRLF.
    out.truncate(size - 2);
    out.extend_from_slice(b"\r\n");
    out
}

/// `content` dot-stuffed, with the end-of-data marker (RFC 5321 §4.5.2, §4.1.1.4).
pub fn stuffed(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + content.len() / 32 + 3);
    let mut line_start = true;
    for &b in content {
        if line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        line_start = b == b'\n';
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// The reads of one connection carrying a message of `size` octets of content to
/// `recipients` recipients; `pipelined`: MAIL, the RCPTs and DATA in one read.
pub fn reads(size: usize, recipients: usize, pipelined: bool) -> Vec<Vec<u8>> {
    reads_to(size, recipients, pipelined, true)
}

/// As [`reads`]; `size_param`: MAIL carries `SIZE=` (RFC 1870 §6: a client sends it only
/// to a server that advertised SIZE).
pub fn reads_to(size: usize, recipients: usize, pipelined: bool, size_param: bool) -> Vec<Vec<u8>> {
    let mail = match size_param {
        true => format!("MAIL FROM:<alice@example.org> SIZE={size}\r\n"),
        false => "MAIL FROM:<alice@example.org>\r\n".to_string(),
    };
    let mut commands: Vec<Vec<u8>> = vec![mail.into_bytes()];
    for i in 0..recipients {
        commands.push(format!("RCPT TO:<user{i}@example.com>\r\n").into());
    }
    commands.push(b"DATA\r\n".to_vec());
    let mut reads = vec![b"EHLO client.example.org\r\n".to_vec()];
    if pipelined {
        reads.push(commands.concat());
    } else {
        reads.extend(commands);
    }
    reads.extend(stuffed(&content(size)).chunks(READ).map(<[u8]>::to_vec));
    reads.push(b"QUIT\r\n".to_vec());
    reads
}
