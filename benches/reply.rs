//! Reply decoding throughput: esmtp against smtp-proto 0.2.5 on the same corpora, side by
//! side in one criterion group ("reply").
//!
//! - `single`: single-line replies of a delivery session, with and without enhanced codes;
//! - `multi`: multi-line replies (help, policy rejections, Exim's error lists);
//! - `ehlo`: EHLO replies of real servers and provider-shaped ones, with capability
//!   extraction (esmtp: `ReplyDecoder` + `Capabilities::from_ehlo`; smtp-proto:
//!   `EhloResponse::parse`); `esmtp/ehlo-decode-only` shows the decoder's share.
//!
//! `reference/*-zero-copy-floor` is what any decoder pays whose replies share the input
//! buffer as esmtp's do, before it parses anything; for `ehlo`, with the shares a
//! `Capabilities` keeps.
//!
//! Both sides first copy the corpus into a fresh input buffer, as a socket read would (the
//! rule of the command and data benches too).
//!
//! Run: `cargo bench --bench reply -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use esmtp::{Capabilities, ReplyDecoder};
use smtp_proto::response::parser::ResponseReceiver;
use smtp_proto::{EhloResponse, Error as ProtoError};

const SINGLE: &[&str] = &[
    "220 mx.example.com ESMTP Postfix (Debian/GNU)\r\n",
    "250 2.1.0 Ok\r\n",
    "250 2.1.5 Ok\r\n",
    "250 2.1.5 Ok\r\n",
    "354 End data with <CR><LF>.<CR><LF>\r\n",
    "250 2.0.0 Ok: queued as 4F1A2B3C4D\r\n",
    "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table\r\n",
    "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.\r\n",
    "250 OK\r\n",
    "503 valid RCPT command must precede DATA\r\n",
    "221 2.0.0 Bye\r\n",
];

const MULTI: &[&str] = &[
    "214-2.0.0 This is sendmail\r\n214-2.0.0 Topics:\r\n214-2.0.0 \tHELO\tEHLO\tMAIL\tRCPT\tDATA\r\n\
     214-2.0.0 \tRSET\tNOOP\tQUIT\tHELP\tVRFY\r\n214-2.0.0 \tEXPN\tVERB\tETRN\tDSN\tAUTH\r\n\
     214-2.0.0 \tSTARTTLS\r\n214 2.0.0 End of HELP info\r\n",
    "550-5.7.1 [192.0.2.1] Our system has detected that this message is likely\r\n\
     550-5.7.1 unsolicited mail. To reduce the amount of spam sent, this message\r\n\
     550-5.7.1 has been blocked. Please visit https://support.example.com/mail/?p=UnsolicitedMessageError\r\n\
     550 5.7.1 for more information. a1b2c3d4e5 - gsmtp\r\n",
    "503-All RCPT commands were rejected with this error:\r\n503-503 sender not yet given\r\n\
     503 valid RCPT command must precede DATA\r\n",
    "421-4.7.0 [192.0.2.1] Our system has detected an unusual rate of\r\n\
     421-4.7.0 unsolicited mail originating from your IP address.\r\n\
     421 4.7.0 Try again later, closing connection.\r\n",
];

const EHLO: &[&str] = &[
    "250-peers-postfix.test\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-VRFY\r\n250-ETRN\r\n\
     250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n",
    "250-peers-exim.test Hello client.peers.test [127.0.0.1]\r\n250-SIZE\r\n250-8BITMIME\r\n\
     250-DSN\r\n250-PIPELINING\r\n250-PIPECONNECT\r\n250-CHUNKING\r\n250-STARTTLS\r\n\
     250-SMTPUTF8\r\n250 HELP\r\n",
    "250-peers-aiosmtpd.test\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n\
     250-STARTTLS\r\n250-AUTH LOGIN PLAIN\r\n250-PIPELINING\r\n250-DSN\r\n250 HELP\r\n",
    "250-smtp.gmail.example at your service, [192.0.2.10]\r\n250-SIZE 35882577\r\n\
     250-8BITMIME\r\n250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\r\n\
     250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n",
    "250-MW4PR04CA0001.outlook.example Hello [192.0.2.20]\r\n250-SIZE 157286400\r\n\
     250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n\
     250-X-ANONYMOUSTLS\r\n250-AUTH NTLM\r\n250-X-EXPS GSSAPI NTLM\r\n250-8BITMIME\r\n\
     250-BINARYMIME\r\n250-CHUNKING\r\n250-XRDST\r\n250 SMTPUTF8\r\n",
    "250-mta.yahoo.example Hello there\r\n250-8BITMIME\r\n250-SIZE 41943040\r\n\
     250-AUTH PLAIN LOGIN XOAUTH2 OAUTHBEARER\r\n250-AUTH=LOGIN PLAIN\r\n250-PIPELINING\r\n\
     250-STARTTLS\r\n250 ENHANCEDSTATUSCODES\r\n",
];

/// The corpus: the replies repeated to about 64 KiB, so per-iteration costs are amortised
/// the same way for both sides.
fn corpus(parts: &[&str]) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut count = 0;
    while out.len() < 64 * 1024 {
        for p in parts {
            out.extend_from_slice(p.as_bytes());
            count += 1;
        }
    }
    (out, count)
}

fn esmtp_replies(input: &[u8], expected: usize) {
    let mut buf = BytesMut::from(input);
    let mut dec = ReplyDecoder::default();
    let mut n = 0;
    while let Some(reply) = dec.decode(&mut buf).expect("valid corpus") {
        black_box(&reply);
        n += 1;
    }
    assert_eq!(n, expected);
}

fn proto_replies(input: &[u8], expected: usize) {
    // The same read copy esmtp pays (`BytesMut::from`), as in the other benches.
    let buf = input.to_vec();
    let mut it = buf.iter();
    let mut rx = ResponseReceiver::default();
    let mut n = 0;
    loop {
        match rx.parse(&mut it) {
            Ok(reply) => {
                black_box(&reply);
                rx.reset();
                n += 1;
            }
            Err(ProtoError::NeedsMoreData { .. }) => break,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(n, expected);
}

fn esmtp_ehlo(input: &[u8], expected: usize) {
    let mut buf = BytesMut::from(input);
    let mut dec = ReplyDecoder::default();
    let mut n = 0;
    while let Some(reply) = dec.decode(&mut buf).expect("valid corpus") {
        let caps = Capabilities::from_ehlo(&reply).expect("250");
        black_box(&caps);
        n += 1;
    }
    assert_eq!(n, expected);
}

fn proto_ehlo(input: &[u8], expected: usize) {
    let buf = input.to_vec();
    let mut it = buf.iter();
    let mut n = 0;
    while it.len() > 0 {
        match EhloResponse::parse(&mut it) {
            Ok(ehlo) => {
                black_box(&ehlo);
                n += 1;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(n, expected);
}

/// A floor under any decoder whose replies hold a shared slice of the input, as esmtp's
/// do (DESIGN.md: values are zero-copy `Bytes` slices): the same read copy, then each reply
/// split off as one shared `Bytes` and dropped (two atomic reference-count operations),
/// its length known beforehand: no search, no parsing. `kept(reply)` more shares of each
/// reply are taken and dropped with it: for EHLO, the ones a `Capabilities` keeps (see
/// [`capabilities_shares`]).
fn zero_copy_floor(input: &[u8], parts: &[&str], kept: fn(&str) -> usize) {
    let mut buf = BytesMut::from(input);
    for part in parts.iter().cycle() {
        if buf.is_empty() {
            break;
        }
        let reply = buf.split_to(part.len()).freeze();
        for _ in 0..kept(part) {
            black_box(reply.clone());
        }
        black_box(reply);
    }
}

/// A lower bound on the shares of the input a `Capabilities` read from this EHLO reply
/// keeps: one for its lines, the domain, and the greeting when the first line has one
/// (the extensions' parameters kept as text add more).
fn capabilities_shares(reply: &str) -> usize {
    let first = reply.split("\r\n").next().unwrap_or_default();
    2 + usize::from(first.contains(' '))
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("reply");
    for (name, parts) in [("single", SINGLE), ("multi", MULTI)] {
        let (input, count) = corpus(parts);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(format!("esmtp/{name}"), |b| {
            b.iter(|| esmtp_replies(black_box(&input), count))
        });
        group.bench_function(format!("smtp-proto/{name}"), |b| {
            b.iter(|| proto_replies(black_box(&input), count))
        });
        group.bench_function(format!("reference/{name}-zero-copy-floor"), |b| {
            b.iter(|| zero_copy_floor(black_box(&input), parts, |_| 0))
        });
    }
    let (input, count) = corpus(EHLO);
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("esmtp/ehlo", |b| b.iter(|| esmtp_ehlo(black_box(&input), count)));
    group.bench_function("esmtp/ehlo-decode-only", |b| {
        b.iter(|| esmtp_replies(black_box(&input), count))
    });
    group.bench_function("smtp-proto/ehlo", |b| b.iter(|| proto_ehlo(black_box(&input), count)));
    group.bench_function("reference/ehlo-zero-copy-floor", |b| {
        b.iter(|| zero_copy_floor(black_box(&input), EHLO, capabilities_shares))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
