//! `ReplyDecoder` with arbitrary chunking: the same outputs whatever the split, and the
//! buffer never holds more than the line limit plus one chunk.
#![no_main]

use arbitrary::Arbitrary;
use bytes::BytesMut;
use esmtp::{DecodeErrorKind, Reply, ReplyConfig, ReplyDecoder};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    max_line: u8,
    max_lines: u8,
    chunks: Vec<u8>,
    data: Vec<u8>,
}

fn run(
    config: ReplyConfig,
    data: &[u8],
    chunks: &[u8],
) -> Vec<Result<Reply, DecodeErrorKind>> {
    let mut dec = ReplyDecoder::new(config);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut i = 0;
    while pos < data.len() {
        let size = chunks.get(i).map_or(data.len(), |&c| usize::from(c).max(1));
        i += 1;
        let n = size.min(data.len() - pos);
        buf.extend_from_slice(&data[pos..pos + n]);
        pos += n;
        loop {
            match dec.decode(&mut buf) {
                Ok(Some(r)) => {
                    assert!(r.line_count() <= config.max_lines.max(1));
                    assert_eq!(r.lines().len(), r.line_count());
                    assert_eq!(Reply::parse(&r.to_bytes()).as_ref(), Ok(&r));
                    out.push(Ok(r));
                }
                Ok(None) => break,
                Err(e) => out.push(Err(e.kind())),
            }
        }
        // The decoder raises a limit below 8 to 8.
        assert!(buf.len() < config.max_line_len.max(8), "buffer holds {}", buf.len());
    }
    out
}

fuzz_target!(|input: Input| {
    let mut config = ReplyConfig::default();
    config.max_line_len = usize::from(input.max_line) * 4;
    config.max_lines = usize::from(input.max_lines % 16);
    let whole = run(config, &input.data, &[]);
    let chunked = run(config, &input.data, &input.chunks);
    assert_eq!(whole, chunked);
});
