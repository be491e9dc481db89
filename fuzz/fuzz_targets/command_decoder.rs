//! `CommandDecoder` over arbitrary input cut into arbitrary reads: the outputs do not
//! depend on how the stream was cut, and the buffer never holds more than one read plus
//! the line limit.
#![no_main]

use bytes::BytesMut;
use esmtp::{Command, CommandConfig, CommandDecoder, DecodeError};
use libfuzzer_sys::fuzz_target;

mod reads;

fn decode_all(
    config: &CommandConfig,
    stream: &[u8],
    cuts: &[u8],
) -> (Vec<Result<Command, DecodeError>>, usize) {
    let mut decoder = CommandDecoder::new(config.clone());
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let bound = config.max_auth_line.max(config.max_mail_rcpt_line).max(config.max_line);
    for read in reads::reads(stream, cuts) {
        buf.extend_from_slice(read);
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(c)) => out.push(Ok(c)),
                Ok(None) => break,
                Err(e) => out.push(Err(e)),
            }
        }
        assert!(buf.len() < bound + read.len(), "buffer holds {} octets", buf.len());
    }
    (out, buf.len())
}

fuzz_target!(|input: (Vec<u8>, Vec<u8>, bool)| {
    let (stream, cuts, lenient) = input;
    let mut config = if lenient { CommandConfig::lenient() } else { CommandConfig::default() };
    config.max_line = 64;
    config.max_mail_rcpt_line = 128;
    config.max_auth_line = 256;
    let whole = decode_all(&config, &stream, &[]);
    let pieces = decode_all(&config, &stream, &cuts);
    assert_eq!(whole, pieces);
});
