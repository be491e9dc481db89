//! Encode then parse: for every command the parser builds from arbitrary bytes, the
//! canonical encoding parses back to an equal value and re-encodes to the same bytes.
#![no_main]

use esmtp::Command;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(command) = Command::parse(data) else { return };
    let wire = command.to_bytes();
    assert!(wire.ends_with(b"\r\n"));
    assert!(!wire[..wire.len() - 2].contains(&b'\n'), "encoding holds a line break");
    let again = Command::parse(&wire).expect("canonical encoding parses");
    assert_eq!(again, command);
    assert_eq!(again.to_bytes(), wire, "encoding is canonical");
});
