//! Message content throughput, in one criterion group so the ratios come from one run.
//!
//! A 1 MiB message of 78-octet lines, 1% of them starting with a dot, fed in 16 KiB reads.
//! Every contender first copies each read into its input buffer, as a socket read would.
//!
//! - receive: esmtp `DotUnstuffer` (`decode`, and `decode_in_place` as the server uses
//!   it) vs smtp-proto `DataReceiver`; esmtp `BdatDecoder` vs smtp-proto `BdatReceiver`;
//! - send: esmtp `DotStuffer`;
//! - reference points: `memchr` for `\n`, `memmem` for `\r\n.`, and the read copy alone.
//!
//! Each contender reads from its own copy of the message, placed at the same offset modulo
//! 64 as the buffer it copies reads into, so that all pay the same for the read copy: how
//! fast a 16 KiB copy runs depends on where its destination lies against its source, and
//! wherever the allocator happened to put each buffer would otherwise decide part of each
//! ratio.
//!
//! `cargo bench --bench data`

use std::hint::black_box;

use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use esmtp::data::{BdatDecoder, DataEvent, DotStuffer, DotUnstuffer};

const READ: usize = 16 * 1024;

/// The message content: 1 MiB of 78-octet lines (76 octets of text and CRLF), one line in
/// a hundred starting with a dot.
fn content() -> Vec<u8> {
    let mut out = Vec::with_capacity(1 << 20);
    let mut n = 0u32;
    while out.len() + 78 <= 1 << 20 {
        let first = if n % 100 == 7 { b'.' } else { b'A' + (n % 26) as u8 };
        out.push(first);
        out.extend((0..75).map(|i| b'a' + ((n + i) % 26) as u8));
        out.extend_from_slice(b"\r\n");
        n += 1;
    }
    out
}

/// A buffer whose content starts at a chosen offset modulo 64: an input buffer for the
/// slice readers (on a 64-octet boundary), or a copy of the message that a reader's
/// buffer lies at the same offset as.
struct AlignedVec {
    v: Vec<u8>,
    pad: usize,
}

impl AlignedVec {
    fn with_capacity(capacity: usize) -> Self {
        Self::with_capacity_at(capacity, 0)
    }

    /// Content at `offset` modulo 64.
    fn with_capacity_at(capacity: usize, offset: usize) -> Self {
        let mut v: Vec<u8> = Vec::with_capacity(capacity + 64);
        let pad = (offset % 64 + 64 - v.as_ptr() as usize % 64) % 64;
        v.resize(pad, 0);
        Self { v, pad }
    }

    /// A copy of `octets` at `offset` modulo 64.
    fn copy_at(octets: &[u8], offset: usize) -> Self {
        let mut this = Self::with_capacity_at(octets.len(), offset);
        this.read(octets);
        this
    }

    /// Replaces the content with `read`, as a socket read would; returns it.
    fn read(&mut self, read: &[u8]) -> &[u8] {
        self.v.truncate(self.pad);
        self.v.extend_from_slice(read);
        &self.v[self.pad..]
    }

    fn octets(&self) -> &[u8] {
        &self.v[self.pad..]
    }
}

fn stuffed(content: &[u8]) -> Vec<u8> {
    let mut s = DotStuffer::default();
    let mut out = BytesMut::new();
    s.stuff(content, &mut out);
    s.finish(&mut out);
    out.to_vec()
}

/// The buffers an smtp-proto receiver is driven with: each read copied into `buf`, as a
/// socket read would, and the message collected into `message`.
struct ProtoReads {
    buf: AlignedVec,
    message: Vec<u8>,
}

impl ProtoReads {
    fn new(message_len: usize) -> Self {
        Self { buf: AlignedVec::with_capacity(2 * READ), message: Vec::with_capacity(message_len) }
    }

    /// Feeds `input` in `READ`-sized reads to `ingest` (a receiver's `ingest`), which must
    /// report the message complete after the last; returns the message length.
    fn receive(
        &mut self,
        input: &[u8],
        mut ingest: impl FnMut(&mut std::slice::Iter<'_, u8>, &mut Vec<u8>) -> bool,
    ) -> usize {
        self.message.clear();
        let mut done = false;
        for read in input.chunks(READ) {
            done = ingest(&mut self.buf.read(read).iter(), &mut self.message);
        }
        assert!(done);
        black_box(self.message.len())
    }
}

fn bench(c: &mut Criterion) {
    let content = AlignedVec::copy_at(&content(), 0);
    let content = content.octets();
    let wire = AlignedVec::copy_at(&stuffed(content), 0);
    let wire = wire.octets();
    let mut group = c.benchmark_group("data");
    group.throughput(Throughput::Bytes(wire.len() as u64));

    group.bench_function("esmtp/DotUnstuffer", |b| {
        let mut buf = BytesMut::with_capacity(2 * READ);
        let front = buf.as_ptr();
        let wire = AlignedVec::copy_at(wire, front as usize);
        b.iter(|| {
            let mut u = DotUnstuffer::default();
            let mut octets = 0;
            for read in wire.octets().chunks(READ) {
                buf.extend_from_slice(read);
                while let Some(ev) = u.decode(&mut buf) {
                    match ev {
                        DataEvent::Chunk(chunk) => octets += black_box(chunk).len(),
                        DataEvent::End(s) => assert_eq!(s.size as usize, content.len()),
                    }
                }
            }
            assert!(u.is_done());
            assert_eq!(buf.as_ptr(), front, "reads go where the first went");
            octets
        })
    });

    group.bench_function("esmtp/DotUnstuffer_in_place", |b| {
        let mut buf = BytesMut::with_capacity(2 * READ);
        let front = buf.as_ptr();
        let wire = AlignedVec::copy_at(wire, front as usize);
        b.iter(|| {
            let mut u = DotUnstuffer::default();
            let mut octets = 0;
            for read in wire.octets().chunks(READ) {
                buf.extend_from_slice(read);
                while let Some(ev) = u.decode_in_place(&mut buf) {
                    match ev {
                        DataEvent::Chunk(chunk) => octets += black_box(chunk).len(),
                        DataEvent::End(s) => assert_eq!(s.size as usize, content.len()),
                    }
                }
            }
            assert!(u.is_done());
            assert_eq!(buf.as_ptr(), front, "reads go where the first went");
            octets
        })
    });

    group.bench_function("smtp-proto/DataReceiver", |b| {
        let mut r = ProtoReads::new(wire.len());
        b.iter(|| {
            let mut d = smtp_proto::request::receiver::DataReceiver::new();
            r.receive(wire, |read, message| d.ingest(read, message))
        })
    });

    group.bench_function("esmtp/BdatDecoder", |b| {
        let mut buf = BytesMut::with_capacity(2 * READ);
        let front = buf.as_ptr();
        let content = AlignedVec::copy_at(content, front as usize);
        b.iter(|| {
            let mut d = BdatDecoder::new(content.octets().len() as u64, true);
            let mut octets = 0;
            for read in content.octets().chunks(READ) {
                buf.extend_from_slice(read);
                while let Some(chunk) = d.decode(&mut buf) {
                    octets += black_box(chunk).len();
                }
            }
            assert!(d.is_complete());
            assert_eq!(buf.as_ptr(), front, "reads go where the first went");
            octets
        })
    });

    group.bench_function("smtp-proto/BdatReceiver", |b| {
        let mut r = ProtoReads::new(content.len());
        b.iter(|| {
            let mut d = smtp_proto::request::receiver::BdatReceiver::new(content.len(), true);
            r.receive(content, |read, message| d.ingest(read, message))
        })
    });

    group.bench_function("esmtp/DotStuffer", |b| {
        let mut out = BytesMut::with_capacity(wire.len() + 16);
        b.iter(|| {
            out.clear();
            let mut s = DotStuffer::default();
            for read in content.chunks(READ) {
                s.stuff(black_box(read), &mut out);
            }
            s.finish(&mut out);
            out.len()
        })
    });

    group.bench_function("reference/memchr-lf", |b| {
        let mut buf = AlignedVec::with_capacity(READ);
        b.iter(|| {
            let mut n = 0;
            for read in wire.chunks(READ) {
                n += memchr::memchr_iter(b'\n', buf.read(read)).count();
            }
            n
        })
    });

    group.bench_function("reference/memmem-crlf-dot", |b| {
        let finder = memchr::memmem::Finder::new(b"\r\n.");
        let mut buf = AlignedVec::with_capacity(READ);
        b.iter(|| {
            let mut n = 0;
            for read in wire.chunks(READ) {
                n += finder.find_iter(buf.read(read)).count();
            }
            n
        })
    });

    group.bench_function("reference/copy", |b| {
        let mut buf = AlignedVec::with_capacity(READ);
        b.iter(|| {
            for read in wire.chunks(READ) {
                black_box(buf.read(read));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
