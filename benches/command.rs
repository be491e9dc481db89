//! Command decoding throughput: esmtp's `CommandDecoder` against `smtp-proto`'s
//! `Request::parse` on the same corpus, in one criterion group so the ratio comes from one
//! run. Both sides first copy the corpus into their input buffer, as a socket read would.
//! `reference/zero-copy-floor` is what any decoder pays whose values share the input buffer
//! as esmtp's do, before it parses anything (see `shared_parts`).
//!
//! `cargo bench --bench command`

use std::hint::black_box;

use bytes::{Buf, BytesMut};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use esmtp::{Command, CommandDecoder, Host, Mailbox, Mechanism};

#[path = "corpus/commands.rs"]
mod corpus;

fn bench(c: &mut Criterion) {
    let input = corpus::stream();
    let commands = corpus::LINES.len();
    let mut group = c.benchmark_group("command");
    group.throughput(Throughput::Bytes(input.len() as u64));

    group.bench_function("esmtp/CommandDecoder", |b| {
        let mut decoder = CommandDecoder::default();
        let mut buf = BytesMut::with_capacity(input.len());
        b.iter(|| {
            buf.clear();
            buf.extend_from_slice(&input);
            let mut n = 0;
            while let Some(cmd) = decoder.decode(&mut buf).expect("corpus is valid") {
                black_box(&cmd);
                n += 1;
            }
            assert_eq!(n, commands);
        })
    });

    group.bench_function("smtp-proto/Request::parse", |b| {
        let mut buf = Vec::with_capacity(input.len());
        b.iter(|| {
            buf.clear();
            buf.extend_from_slice(&input);
            let mut iter = buf.iter();
            let mut n = 0;
            while iter.len() > 0 {
                let req = smtp_proto::Request::parse(&mut iter).expect("corpus is valid");
                black_box(&req);
                n += 1;
            }
            assert_eq!(n, commands);
        })
    });
    // The same, made owned as esmtp's values are (they can move to another task).
    group.bench_function("smtp-proto/Request::parse+into_owned", |b| {
        let mut buf = Vec::with_capacity(input.len());
        b.iter(|| {
            buf.clear();
            buf.extend_from_slice(&input);
            let mut iter = buf.iter();
            while iter.len() > 0 {
                let req = smtp_proto::Request::parse(&mut iter).expect("corpus is valid");
                black_box(req.into_owned());
            }
        })
    });
    // A floor under any decoder whose values each hold a shared slice of the input, as
    // DESIGN.md asks ("no copying of addresses"): the same read copy, then per line one
    // shared `Bytes` split off and dropped for each text part esmtp's value of that line
    // holds (two atomic reference-count operations each), the line lengths known
    // beforehand: no search, no parsing. No decoder built that way can take less.
    let lines: Vec<(usize, usize)> = {
        let mut decoder = CommandDecoder::default();
        let mut buf = BytesMut::from(&input[..]);
        let parts = std::iter::from_fn(|| decoder.decode(&mut buf).expect("corpus is valid"))
            .map(|cmd| shared_parts(&cmd));
        corpus::LINES.iter().map(|l| l.len() + 2).zip(parts).collect()
    };
    group.bench_function("reference/zero-copy-floor", |b| {
        let mut buf = BytesMut::with_capacity(input.len());
        b.iter(|| {
            buf.clear();
            buf.extend_from_slice(&input);
            for &(len, k) in &lines {
                for _ in 0..k {
                    black_box(buf.split_to(1).freeze());
                }
                buf.advance(len - k);
            }
            assert!(buf.is_empty());
        })
    });
    group.finish();
}

/// How many text parts (each a shared `Bytes`) a command of the corpus holds.
fn shared_parts(cmd: &Command) -> usize {
    fn host(h: &Host) -> usize {
        usize::from(matches!(h, Host::Domain(_)))
    }
    fn mailbox(m: Option<&Mailbox>) -> usize {
        m.map_or(0, |m| 1 + host(m.domain()))
    }
    match cmd {
        Command::Helo(h) | Command::Ehlo(h) | Command::Lhlo(h) => host(h),
        Command::Auth { mechanism, initial_response } => {
            usize::from(matches!(mechanism, Mechanism::Other(_)))
                + usize::from(initial_response.is_some())
        }
        Command::Mail { reverse_path, params } => {
            mailbox(reverse_path.mailbox())
                + usize::from(params.envid().is_some())
                + 2 * params.others().len()
        }
        Command::Rcpt { forward_path, params } => {
            mailbox(forward_path.mailbox())
                + 2 * usize::from(params.orcpt().is_some())
                + 2 * params.others().len()
        }
        Command::Data
        | Command::Rset
        | Command::Quit
        | Command::StartTls
        | Command::Bdat { .. }
        | Command::Noop(None)
        | Command::Help(None) => 0,
        other => panic!("not in the corpus: {other:?}"),
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
