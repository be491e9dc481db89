//! `BdatDecoder` with arbitrary sizes, payloads and reads: takes exactly the announced
//! octets (never more, never fewer), hands back slices in order, and a discarding decoder
//! consumes the same octets while yielding nothing.
#![no_main]

use bytes::BytesMut;
use esmtp::data::BdatDecoder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, bool, Vec<u8>, Vec<u8>)| {
    let (size, last, stream, cuts) = input;
    let size = u64::from(size);
    for discard in [false, true] {
        let mut d = if discard {
            BdatDecoder::discarding(size, last)
        } else {
            BdatDecoder::new(size, last)
        };
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        let mut rest = &stream[..];
        let mut k = 0;
        while !rest.is_empty() {
            let n = usize::from(cuts.get(k % cuts.len().max(1)).copied().unwrap_or(255))
                .max(1)
                .min(rest.len());
            k += 1;
            buf.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            while let Some(c) = d.decode(&mut buf) {
                assert!(!discard);
                got.extend_from_slice(&c);
            }
        }
        let taken = usize::try_from(size).unwrap().min(stream.len());
        assert_eq!(d.remaining(), size - taken as u64);
        assert_eq!(d.is_complete(), taken as u64 == size);
        assert_eq!(d.is_last(), last);
        assert_eq!(&buf[..], &stream[taken..], "octets past the chunk are left alone");
        if !discard {
            assert_eq!(got, &stream[..taken]);
        }
    }
});
