//! Replies built through the public constructors encode to bytes that parse back equal,
//! with the enhanced code in the class of the reply code (RFC 3463 §2, RFC 2034 §4).
#![no_main]

use arbitrary::Arbitrary;
use esmtp::{EnhancedCodes, EnhancedStatusCode, Reply, ReplyCode, StatusClass};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    code: u16,
    enhanced: Option<(u8, u16, u16)>,
    lines: Vec<String>,
    mode: u8,
}

fuzz_target!(|input: Input| {
    let Ok(code) = ReplyCode::new(input.code % 1000) else {
        return;
    };
    let enhanced = input.enhanced.and_then(|(c, s, d)| {
        EnhancedStatusCode::new(StatusClass::from_u8(c % 6)?, s % 1000, d % 1000).ok()
    });
    let Ok(reply) = Reply::from_lines(code, enhanced, &input.lines) else {
        return;
    };
    let again = Reply::parse(&reply.to_bytes()).expect("encoded reply must parse");
    assert_eq!(again, reply);
    if let Some(e) = reply.enhanced_code() {
        assert_eq!(Some(e.class()), reply.code().status_class());
    }
    if let (Some(e), Some(class)) = (enhanced, code.status_class()) {
        assert_eq!(reply.enhanced_code(), Some(e.with_class(class)));
    }
    let mode = match input.mode % 3 {
        0 => EnhancedCodes::AsIs,
        1 => EnhancedCodes::Omit,
        _ => EnhancedCodes::Always,
    };
    let mut buf = bytes::BytesMut::new();
    reply.encode_with(&mut buf, mode);
    let other = Reply::parse(&buf).expect("encoded reply must parse");
    assert_eq!(other.code(), reply.code());
    assert_eq!(other.line_count(), reply.line_count());
});
