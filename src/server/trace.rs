//! The redacted trace (DESIGN.md): with [`ServerConfig::trace`](super::ServerConfig::trace)
//! on, every command line read and every reply written is reported as an
//! [`Event::Trace`](super::Event::Trace), in the order it happened, so a program can log
//! whole sessions. AUTH payloads are never in it: the initial response of `AUTH`, every
//! line the client sends in the exchange and every `334` challenge are replaced by
//! [`REDACTED`] (RFC 4954 §4: they carry credentials or what leads to them).
//!
//! Message content (DATA, BDAT chunks) is not traced: it comes as
//! [`Event::Data`](super::Event::Data).

use bytes::{BufMut, Bytes, BytesMut};

use super::Server;
use super::output::Event;

/// What stands for an AUTH payload in a trace line.
pub const REDACTED: &str = "[redacted]";

/// What stands for a command line over the limit, which is never traced: its start may
/// have been discarded already.
pub(super) const LINE_TOO_LONG: &str = "[line too long]\r\n";

/// Which way a traced line went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceDirection {
    /// A command line read from the client.
    Read,
    /// A reply written to the client.
    Written,
}

/// One command line read (with its line ending) or one reply written (all its lines),
/// AUTH payloads replaced by [`REDACTED`]. A command line over the limit is traced as
/// `[line too long]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLine {
    /// Read or written.
    pub direction: TraceDirection,
    /// The octets, as read or written (redacted).
    pub line: Bytes,
}

/// Whether `line` starts with the verb `AUTH` (RFC 4954 §4), in any case.
pub(super) fn is_auth(line: &[u8]) -> bool {
    line.len() >= 5 && line[..4].eq_ignore_ascii_case(b"AUTH") && line[4] == b' '
}

/// `AUTH mechanism [REDACTED]` for an AUTH line: the verb and the mechanism kept, the
/// initial response (whatever follows) replaced; other lines as they are.
fn redact_command(line: &[u8]) -> Bytes {
    if !is_auth(line) {
        return Bytes::copy_from_slice(line);
    }
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let mech_end = body[5..].iter().position(|&b| b == b' ').map_or(body.len(), |i| i + 5);
    let mut out = BytesMut::with_capacity(mech_end + REDACTED.len() + 3);
    out.put_slice(&body[..mech_end]);
    if mech_end < body.len() {
        out.put_u8(b' ');
        out.put_slice(REDACTED.as_bytes());
    }
    out.put_slice(&line[body.len()..]);
    out.freeze()
}

impl Server {
    fn trace(&mut self, direction: TraceDirection, line: Bytes) {
        // Every trace event passes here, so the switch is checked once for all of them.
        if !self.context.config().trace {
            return;
        }
        self.events.push_back(Event::Trace(TraceLine { direction, line }));
    }

    /// The command line at the front of the input, as it will be traced once the
    /// decoder has taken it: `None` when tracing is off or no whole line is buffered.
    /// The line is taken whole: if it is over its verb's limit (a MAIL or RCPT line may
    /// be longer than 512 octets, RFC 5321 §4.5.3.1.4, RFC 3461 §5.4), the decoder says
    /// so and [`LINE_TOO_LONG`] is traced instead.
    pub(super) fn peek_command_line(&self) -> Option<Bytes> {
        if !self.context.config().trace {
            return None;
        }
        let end = self.input.iter().position(|&b| b == b'\n')? + 1;
        Some(redact_command(&self.input[..end]))
    }

    /// Traces a command line read.
    pub(super) fn trace_read(&mut self, line: Option<Bytes>) {
        if let Some(line) = line {
            self.trace(TraceDirection::Read, line);
        }
    }

    /// Traces a line of the AUTH exchange: always redacted.
    pub(super) fn trace_auth_response(&mut self) {
        if self.context.config().trace {
            let line = Bytes::from(format!("{REDACTED}\r\n"));
            self.trace(TraceDirection::Read, line);
        }
    }

    /// Traces what was written to `out` from `start` on; a `334` challenge redacted.
    pub(super) fn trace_written(&mut self, start: usize) {
        if !self.context.config().trace {
            return;
        }
        let written = &self.out[start..];
        let line = if written.starts_with(b"334") {
            Bytes::from(format!("334 {REDACTED}\r\n"))
        } else {
            Bytes::copy_from_slice(written)
        };
        self.trace(TraceDirection::Written, line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_lines_lose_their_initial_response() {
        assert_eq!(
            &redact_command(b"AUTH PLAIN AGZvbwBiYXI=\r\n")[..],
            b"AUTH PLAIN [redacted]\r\n"
        );
        assert_eq!(&redact_command(b"auth login\r\n")[..], b"auth login\r\n");
        assert_eq!(&redact_command(b"AUTH PLAIN =\n")[..], b"AUTH PLAIN [redacted]\n");
        assert_eq!(&redact_command(b"MAIL FROM:<a@b>\r\n")[..], b"MAIL FROM:<a@b>\r\n");
        assert_eq!(&redact_command(b"AUTHX\r\n")[..], b"AUTHX\r\n");
    }
}
