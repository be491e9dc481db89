//! `Capabilities::from_ehlo` on arbitrary replies: never panics, a set that can be
//! written back reads back equal, and a reply decoded by `ReplyDecoder` from its wire
//! form gives the same reply and the same set, in the same order, as the reply rebuilt
//! from its lines, and answers every query alike.
#![no_main]

use bytes::BytesMut;
use esmtp::{Capabilities, Mechanism, Reply, ReplyDecoder};
use libfuzzer_sys::fuzz_target;

/// The same reply decoded by `ReplyDecoder` from its wire form, and rebuilt line by line.
fn check_forms(reply: &Reply) {
    let mut buf = BytesMut::from(&reply.to_bytes()[..]);
    let decoded = ReplyDecoder::default().decode(&mut buf).expect("encoded reply decodes");
    let Some(decoded) = decoded else {
        panic!("whole reply not decoded");
    };
    assert_eq!(&decoded, reply);
    let by_line = Reply::from_lines(reply.code(), reply.enhanced_code(), reply.lines())
        .expect("lines of a reply are valid");
    assert_eq!(&by_line, reply);
    let (a, b) = (Capabilities::from_ehlo(&decoded), Capabilities::from_ehlo(&by_line));
    assert_eq!(a, b);
    if let (Ok(a), Ok(b)) = (a, b) {
        assert_eq!(answers(&a), answers(&b));
        assert!(a.iter().eq(b.iter()), "same extensions in the same order");
    }
}

/// What a client asks of a capability set.
fn answers(c: &Capabilities) -> (Vec<bool>, Option<u64>, Vec<Mechanism>) {
    let mut flags = vec![
        c.supports_pipelining(),
        c.supports_chunking(),
        c.supports_binarymime(),
        c.supports_8bitmime(),
        c.supports_smtputf8(),
        c.offers_deprecated_utf8smtp(),
        c.supports_dsn(),
        c.supports_starttls(),
        c.supports_enhanced_status_codes(),
        c.supports_requiretls(),
    ];
    for k in ["SIZE", "auth", "Etrn", "ATRN", "burl", "HELP", "EXPN", "VRFY", "MT-PRIORITY"] {
        flags.push(c.has(k));
    }
    for m in ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "NTLM", "X-OTHER"] {
        flags.push(c.supports_auth(&m.parse::<Mechanism>().expect("valid name")));
    }
    (flags, c.size_limit(), c.auth_mechanisms().to_vec())
}

fuzz_target!(|data: &[u8]| {
    let Ok(reply) = Reply::parse(data) else {
        return;
    };
    let fits = reply.lines().all(|l| l.len() + 16 < esmtp::DEFAULT_MAX_REPLY_LINE);
    if fits && reply.line_count() <= esmtp::DEFAULT_MAX_REPLY_LINES {
        check_forms(&reply);
    }
    let Ok(caps) = Capabilities::from_ehlo(&reply) else {
        return;
    };
    let _ = (caps.size_limit(), caps.auth_mechanisms(), caps.supports_pipelining());
    for ext in &caps {
        let _ = ext.to_string();
    }
    if let Ok(again) = caps.to_ehlo_reply(caps.domain(), caps.greeting()) {
        let back = Capabilities::from_ehlo(&again).expect("a 250 reply");
        assert_eq!(back, caps);
    }
});
