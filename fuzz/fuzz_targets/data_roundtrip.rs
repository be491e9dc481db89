//! Stuff then unstuff: any content, cut into any pieces on the way in and any reads on the
//! way out, comes back with its line ends normalised to CRLF, and the end is found exactly
//! at the end of what the stuffer wrote.
#![no_main]

use bytes::BytesMut;
use esmtp::data::{DataEvent, DataOutcome, DotStuffer, DotUnstuffer};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/normalized.rs"]
mod normalized;
use normalized::normalized;

fuzz_target!(|input: (Vec<u8>, Vec<u8>)| {
    let (content, cuts) = input;
    let cut =
        |i: usize| usize::from(cuts.get(i % cuts.len().max(1)).copied().unwrap_or(255)).max(1);
    let mut s = DotStuffer::default();
    let mut wire = BytesMut::new();
    let (mut rest, mut i) = (&content[..], 0);
    while !rest.is_empty() {
        let n = cut(i).min(rest.len());
        s.stuff(&rest[..n], &mut wire);
        rest = &rest[n..];
        i += 1;
    }
    s.finish(&mut wire);
    wire.extend_from_slice(b"QUIT\r\n");

    let mut u = DotUnstuffer::default();
    let mut buf = BytesMut::new();
    let mut got = Vec::new();
    let mut end = None;
    let mut rest = &wire[..];
    while !rest.is_empty() && end.is_none() {
        let n = cut(i).min(rest.len());
        buf.extend_from_slice(&rest[..n]);
        rest = &rest[n..];
        i += 1;
        while let Some(ev) = u.decode(&mut buf) {
            match ev {
                DataEvent::Chunk(c) => got.extend_from_slice(&c),
                DataEvent::End(s) => end = Some(s),
            }
        }
    }
    let end = end.expect("end of data found");
    assert_eq!(end.outcome, DataOutcome::Ok);
    assert_eq!(got, normalized(&content));
    buf.extend_from_slice(rest);
    assert_eq!(&buf[..], b"QUIT\r\n");
});
