//! The server side of PLAIN (RFC 4616) fed arbitrary client responses: no panic, no success after the
//! program refused, nothing after the end.
#![no_main]

use esmtp::Mechanism;
use libfuzzer_sys::fuzz_target;

mod sasl_common;

fuzz_target!(|input: sasl_common::Input| {
    sasl_common::drive(&[Mechanism::Plain], &input);
});
