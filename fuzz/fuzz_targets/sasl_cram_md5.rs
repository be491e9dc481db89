//! The server side of CRAM-MD5 (RFC 2195) fed arbitrary client responses: no panic, no success after the
//! program refused, nothing after the end.
#![no_main]

use esmtp::Mechanism;
use libfuzzer_sys::fuzz_target;

mod sasl_common;

fuzz_target!(|input: sasl_common::Input| {
    sasl_common::drive(&[Mechanism::CramMd5], &input);
});
