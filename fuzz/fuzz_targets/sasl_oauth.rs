//! The server side of XOAUTH2 and OAUTHBEARER (RFC 7628) fed arbitrary client responses: no panic, no success after the
//! program refused, nothing after the end.
#![no_main]

use esmtp::Mechanism;
use libfuzzer_sys::fuzz_target;

mod sasl_common;

fuzz_target!(|input: sasl_common::Input| {
    sasl_common::drive(&[Mechanism::XOAuth2, Mechanism::OAuthBearer], &input);
});
