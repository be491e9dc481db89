//! `Reply::parse` on arbitrary bytes: never panics, and what it accepts encodes to bytes
//! that parse back to an equal reply.
#![no_main]

use esmtp::Reply;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(reply) = Reply::parse(data) {
        let wire = reply.to_bytes();
        let again = Reply::parse(&wire).expect("encoded reply must parse");
        assert_eq!(again, reply);
        assert!(reply.line_count() >= 1);
    }
});
