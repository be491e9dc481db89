//! `Command::parse` on arbitrary input, strict and lenient: never panics, gives what
//! `parse_bytes_with` gives on the line in a shared buffer, and whatever it accepts encodes
//! to a line that parses back to the same command.
#![no_main]

use bytes::Bytes;
use esmtp::line::LineEnding;
use esmtp::{Command, CommandConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for config in [CommandConfig::default(), CommandConfig::lenient()] {
        let parsed = Command::parse_with(data, &config);
        let mut line = data.strip_suffix(b"\r\n").unwrap_or(data);
        if config.line_ending == LineEnding::CrlfOrLf {
            line = line.strip_suffix(b"\n").unwrap_or(line);
        }
        assert_eq!(parsed, Command::parse_bytes_with(Bytes::copy_from_slice(line), &config));
        if let Ok(command) = parsed {
            let wire = command.to_bytes();
            let again = Command::parse(&wire)
                .unwrap_or_else(|e| panic!("{command:?} encoded as {wire:?} fails: {e}"));
            assert_eq!(again, command);
        }
    }
});
