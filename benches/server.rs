//! Whole SMTP connections through a sans-IO server, in one criterion group so the ratios
//! come from one run.
//!
//! Each iteration is one in-memory connection (benches/corpus/session.rs): the greeting,
//! EHLO, MAIL with SIZE, RCPT, DATA with a 1 KiB or 100 KiB dot-stuffed message in 16 KiB
//! reads, QUIT; one read per command, or (`pipelined`) MAIL, three RCPTs and DATA in one
//! read (RFC 2920 §3.1). Every program accepts everything, writes the replies into one
//! buffer reused across iterations, and only counts the content. Throughput is in
//! connections (one transaction each).
//!
//! Contenders, each driven as its own documentation drives it:
//! - esmtp `Server`: one `ServerContext` (the configuration prepared once: greeting, EHLO
//!   reply lines, 221) built before the loop, as a server does for all its connections, and
//!   a `Server` made from a clone of it per connection; reads go to `handle_input`,
//!   `poll_output` until `NeedInput`/`Close`, every decision token accepted;
//! - mailin 0.6.5: the caller frames lines and hands each to `Session::process`, writing
//!   the `Response` unless it is `NoReply`; content comes line by line to `Handler::data`;
//! - mailrs-smtp-proto 1.2.0: the caller frames command lines, `parse_command` then
//!   `Session::handle_command`, writes `Response::format()` (EHLO through
//!   `format_ehlo_response`); after `Event::NeedData` it gathers the content up to
//!   `<CRLF>.<CRLF>` and unstuffs it with `unstuff_data`.
//!
//! `cargo bench --bench server`

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use esmtp::server::{Event, Output, Server, ServerConfig, ServerContext};

#[path = "corpus/session.rs"]
mod session;

/// One connection through esmtp's `Server`; returns the content octets. The
/// `ServerContext` is built once, outside the loop, as a server builds it once for all its
/// connections; each connection takes a clone (a reference-count increment).
fn esmtp(context: &ServerContext, reads: &[Vec<u8>], out: &mut Vec<u8>) -> usize {
    let mut server = Server::new(context.clone());
    let mut reads = reads.iter();
    let mut content = 0;
    loop {
        match server.poll_output() {
            Output::Transmit(bytes) => out.extend_from_slice(&bytes),
            Output::Event(Event::Data(chunk)) => content += chunk.len(),
            Output::Event(Event::Hello(req)) => server.accept(req).unwrap(),
            Output::Event(Event::Mail(req)) => server.accept(req).unwrap(),
            Output::Event(Event::Rcpt(req)) => server.accept(req).unwrap(),
            Output::Event(Event::DataStart(req)) => server.accept(req).unwrap(),
            Output::Event(Event::MessageEnd(req)) => server.accept(req).unwrap(),
            Output::NeedInput => match reads.next() {
                Some(read) => server.handle_input(read).unwrap(),
                None => server.handle_eof(),
            },
            Output::Close => return content,
            other => panic!("not in this session: {other:?}"),
        }
    }
}

/// The caller's line framing for the line-based contenders: complete lines of each read
/// go to `line` (with their CRLF); a line cut by the end of a read waits in `partial`.
/// `line` returns false to stop (the session closed).
fn lines(partial: &mut Vec<u8>, read: &[u8], mut line: impl FnMut(&[u8]) -> bool) -> bool {
    let mut rest = read;
    if !partial.is_empty() {
        let Some(end) = memchr::memchr(b'\n', rest) else {
            partial.extend_from_slice(rest);
            return true;
        };
        partial.extend_from_slice(&rest[..=end]);
        rest = &rest[end + 1..];
        let whole = std::mem::take(partial);
        let go_on = line(&whole);
        *partial = whole;
        partial.clear();
        if !go_on {
            return false;
        }
    }
    while let Some(end) = memchr::memchr(b'\n', rest) {
        if !line(&rest[..=end]) {
            return false;
        }
        rest = &rest[end + 1..];
    }
    partial.extend_from_slice(rest);
    true
}

/// mailin's handler: accepts everything (the trait's defaults), counts the content.
struct Counter {
    content: usize,
}

impl mailin::Handler for &mut Counter {
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.content += buf.len();
        Ok(())
    }
}

/// One connection through mailin; returns the content octets.
fn mailin(reads: &[Vec<u8>], out: &mut Vec<u8>) -> usize {
    let mut counter = Counter { content: 0 };
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut session = mailin::SessionBuilder::new("localhost").build(ip, &mut counter);
    session.greeting().write_to(out).unwrap();
    let mut partial = Vec::new();
    for read in reads {
        let open = lines(&mut partial, read, |line| {
            let response = session.process(line);
            if response.action != mailin::Action::NoReply {
                response.write_to(out).unwrap();
            }
            response.action != mailin::Action::Close
        });
        if !open {
            break;
        }
    }
    drop(session);
    counter.content
}

/// One connection through mailrs-smtp-proto; returns the content octets.
fn mailrs(reads: &[Vec<u8>], out: &mut Vec<u8>) -> usize {
    use mailrs_smtp_proto::{
        Command, Event, Response, Session, SessionConfig, format_ehlo_response, parse_command,
        unstuff_data,
    };
    let mut session = Session::new("localhost", SessionConfig::default());
    out.extend_from_slice(Response::greeting(&session.hostname).format_greeting().as_bytes());
    let mut partial = Vec::new();
    // Some(gathered) while reading content, up to <CRLF>.<CRLF>.
    let mut data: Option<Vec<u8>> = None;
    let mut content = 0;
    let mut reads = reads.iter();
    while let Some(mut read) = reads.next().map(Vec::as_slice) {
        if let Some(gathered) = data.as_mut() {
            // The marker may straddle two reads: look again from 4 octets back.
            let from = gathered.len().saturating_sub(4);
            gathered.extend_from_slice(read);
            let Some(at) = memchr::memmem::find(&gathered[from..], b"\r\n.\r\n") else {
                continue;
            };
            let end = from + at + 5;
            let body = unstuff_data(&gathered[..end]);
            content += body.len();
            out.extend_from_slice(Response::data_ok().format().as_bytes());
            // Commands pipelined after the content are in this read's tail.
            let tail = gathered.len() - end;
            read = &read[read.len() - tail..];
            data = None;
        }
        let mut opened = None;
        let open = lines(&mut partial, read, |line| {
            if let Some(gathered) = opened.as_mut() {
                // Content after DATA in the same read.
                Vec::extend_from_slice(gathered, line);
                return true;
            }
            let text = std::str::from_utf8(line).unwrap_or("");
            let text = text.strip_suffix("\r\n").unwrap_or(text);
            let cmd = match parse_command(text) {
                Ok(cmd) => cmd,
                Err(_) => {
                    out.extend_from_slice(Response::syntax_error().format().as_bytes());
                    return true;
                }
            };
            match session.handle_command(&cmd) {
                Event::Reply(response) => {
                    if let Command::Ehlo(_) = cmd {
                        let caps = session.capabilities();
                        out.extend_from_slice(
                            format_ehlo_response(&session.hostname, &caps).as_bytes(),
                        );
                    } else {
                        out.extend_from_slice(response.format().as_bytes());
                    }
                    true
                }
                Event::NeedData { reverse_path, forward_paths } => {
                    black_box((reverse_path, forward_paths));
                    out.extend_from_slice(Response::data_start().format().as_bytes());
                    opened = Some(Vec::new());
                    true
                }
                Event::Shutdown(response) => {
                    out.extend_from_slice(response.format().as_bytes());
                    false
                }
                other => panic!("not in this session: {other:?}"),
            }
        });
        if !open {
            break;
        }
        if let Some(mut gathered) = opened {
            gathered.append(&mut partial);
            data = Some(gathered);
        }
    }
    content
}

fn server(c: &mut Criterion) {
    let mut group = c.benchmark_group("server");
    group.throughput(Throughput::Elements(1));
    let context = ServerContext::new(ServerConfig::default());
    let mut out = Vec::with_capacity(64 * 1024);
    // (name, content size, recipients, pipelined)
    let cases = [
        ("1KiB", 1024, 1, false),
        ("100KiB", 100 * 1024, 1, false),
        ("pipelined_3rcpt_1KiB", 1024, 3, true),
    ];
    for (name, size, recipients, pipelined) in cases {
        let reads = &session::reads(size, recipients, pipelined);
        // mailin does not offer SIZE: a client sends MAIL without it (RFC 1870 §6).
        let unsized_reads = &session::reads_to(size, recipients, pipelined, false);
        // Each contender must see the whole message, or the comparison means nothing.
        out.clear();
        assert_eq!(esmtp(&context, reads, &mut out), size, "esmtp {name}");
        assert!(out.ends_with(b"221 2.0.0 localhost Service closing transmission channel\r\n"));
        out.clear();
        let n = mailin(unsized_reads, &mut out);
        assert_eq!(n, size, "mailin {name}: {}", String::from_utf8_lossy(&out));
        assert!(out.starts_with(b"220 ") && out.ends_with(b"\r\n"), "mailin {name}");
        assert!(out.windows(4).any(|w| w == b"\r\n22"), "mailin {name}: no 221");
        out.clear();
        assert_eq!(mailrs(reads, &mut out), size, "mailrs {name}");
        assert!(out.windows(5).filter(|w| w == b"\r\n250").count() >= 4, "mailrs {name}");

        group.bench_function(format!("esmtp/{name}"), |b| {
            b.iter(|| {
                out.clear();
                black_box(esmtp(&context, black_box(reads), &mut out))
            })
        });
        group.bench_function(format!("mailin/{name}"), |b| {
            b.iter(|| {
                out.clear();
                black_box(mailin(black_box(unsized_reads), &mut out))
            })
        });
        group.bench_function(format!("mailrs/{name}"), |b| {
            b.iter(|| {
                out.clear();
                black_box(mailrs(black_box(reads), &mut out))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, server);
criterion_main!(benches);
