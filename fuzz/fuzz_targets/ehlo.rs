//! `Capabilities::from_ehlo` on arbitrary replies: never panics, and a set that can be
//! written back reads back equal.
#![no_main]

use esmtp::{Capabilities, Reply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(reply) = Reply::parse(data) else {
        return;
    };
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
