//! The server side of SCRAM-SHA-1/-256 and their -PLUS forms (RFC 5802, RFC 7677) fed arbitrary client responses: no panic, no success after the
//! program refused, nothing after the end.
#![no_main]

use esmtp::Mechanism;
use libfuzzer_sys::fuzz_target;

mod sasl_common;

/// Half the inputs get a valid client-first message and the start of a client-final one
/// (plain SCRAM, flag `n`), so the fuzzer spends its time on the proof and what follows.
fn shaped(input: &sasl_common::Input) -> Option<sasl_common::Input> {
    if input.variant & 0x80 == 0 {
        return None;
    }
    let mut responses = input.responses.clone();
    if let Some(first) = responses.first_mut() {
        *first = [&b"c=biws,r=abcservernonce,"[..], first].concat();
    }
    Some(sasl_common::Input {
        variant: input.variant & 1,
        with_binding: false,
        initial: Some(b"n,,n=user,r=abc".to_vec()),
        responses,
        answers: input.answers.clone(),
    })
}

fuzz_target!(|input: sasl_common::Input| {
    let mechanisms = [
        Mechanism::ScramSha1,
        Mechanism::ScramSha256,
        Mechanism::ScramSha1Plus,
        Mechanism::ScramSha256Plus,
    ];
    match shaped(&input) {
        Some(shaped) => sasl_common::drive(&mechanisms, &shaped),
        None => sasl_common::drive(&mechanisms, &input),
    }
});
