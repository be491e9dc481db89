//! Command decoding throughput: esmtp's `CommandDecoder` against `smtp-proto`'s
//! `Request::parse` on the same corpus, in one criterion group so the ratio comes from one
//! run. Both sides first copy the corpus into their input buffer, as a socket read would.
//!
//! `cargo bench --bench command`

use std::hint::black_box;

use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use esmtp::CommandDecoder;

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
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
