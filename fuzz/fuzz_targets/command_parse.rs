//! `Command::parse` on arbitrary input, strict and lenient: never panics, and whatever it
//! accepts encodes to a line that parses back to the same command.
#![no_main]

use esmtp::{Command, CommandConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for config in [CommandConfig::default(), CommandConfig::lenient()] {
        if let Ok(command) = Command::parse_with(data, &config) {
            let wire = command.to_bytes();
            let again = Command::parse(&wire)
                .unwrap_or_else(|e| panic!("{command:?} encoded as {wire:?} fails: {e}"));
            assert_eq!(again, command);
        }
    }
});
