//! Commands on the wire: [`Command::parse`] for one line, [`CommandDecoder`] for a stream,
//! and [`CommandConfig`], the deviations from RFC 5321 they accept and their limits.
//!
//! The grammar is `parse::command`; this module frames lines (`line`), trims what the
//! configuration forgives, and turns a grammar error into the [`DecodeError`] whose reply
//! a server sends.

mod values;

use bytes::{Bytes, BytesMut};

use crate::error::{DecodeError, DecodeErrorKind};
use crate::line::{DEFAULT_MAX_LINE, LineEnding, LineFramer, split_line};
use crate::parse::command::{Leniency, command};
use crate::parse::{Span, flatten};
use crate::types::Command;

impl Command {
    /// Parses one complete command line, with or without its CRLF, with the default
    /// [`CommandConfig`]. Copies the line once into a shared buffer.
    pub fn parse(line: &[u8]) -> Result<Command, DecodeError> {
        Self::parse_with(line, &CommandConfig::default())
    }

    /// [`parse`](Self::parse) with a configuration.
    pub fn parse_with(line: &[u8], config: &CommandConfig) -> Result<Command, DecodeError> {
        let line = line.strip_suffix(b"\r\n").unwrap_or(line);
        let line = match config.line_ending {
            LineEnding::CrlfOrLf => line.strip_suffix(b"\n").unwrap_or(line),
            _ => line,
        };
        Self::parse_bytes_with(Bytes::copy_from_slice(line), config)
    }

    /// Parses one line already in a shared buffer, without its line end; the command's
    /// values are slices of `line` (no copy).
    pub fn parse_bytes_with(line: Bytes, config: &CommandConfig) -> Result<Command, DecodeError> {
        let mut text = Span::new(&line);
        if config.lax_spacing {
            // Trailing spaces and tabs only: a CR or LF is still a bare line ending.
            let kept = text.iter().rposition(|&c| c != b' ' && c != b'\t').map_or(0, |n| n + 1);
            text = nom::Input::take(&text, kept);
        }
        match command(text, config.leniency()) {
            Ok((rest, cmd)) => {
                debug_assert!(rest.is_empty(), "every command rule ends at the line end");
                Ok(cmd)
            }
            // RFC 5321 §2.3.8: a CR or LF inside a line is a bare line ending, whatever
            // rule it broke.
            Err(_) if text.contains(&b'\r') || text.contains(&b'\n') => Err(BARE_LINE_END),
            Err(e) => Err(flatten(e).into_decode_error(DecodeErrorKind::Syntax)),
        }
    }
}

const BARE_LINE_END: DecodeError =
    DecodeError::new(DecodeErrorKind::BareLineEnding, "bare CR or LF in command");

/// How the command parser treats the common deviations from RFC 5321, and its limits.
///
/// The default follows the RFC: CRLF line ends only (§2.3.8), no space after `FROM:` /
/// `TO:` (§4.1.1.2, §4.1.1.3), exactly one space between parameters and none at the end
/// (§4.1.2), a 512-octet command line (§4.5.3.1.4), widened for MAIL and RCPT by the
/// extensions that add parameters and for AUTH by RFC 4954 §4.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CommandConfig {
    /// Longest command line in octets, CRLF included. Default 512 (RFC 5321 §4.5.3.1.4).
    pub max_line: usize,
    /// Longest MAIL or RCPT line. Default 2048: RFC 5321 §4.5.3.1.4 lets extensions widen
    /// the line, and SIZE (+26, RFC 1870), AUTH= (+500, RFC 4954 §3), ENVID/RET (+108,
    /// RFC 3461 §11), SMTPUTF8 (+10), HOLDFOR/HOLDUNTIL (+34, RFC 4865), MT-PRIORITY (+15)
    /// and ORCPT/NOTIFY (+528) together need about 1,250.
    pub max_mail_rcpt_line: usize,
    /// Longest AUTH line. Default 12288 (RFC 4954 §4).
    pub max_auth_line: usize,
    /// Which octets end a line. Default [`LineEnding::Crlf`].
    pub line_ending: LineEnding,
    /// Accept spaces between `FROM:` / `TO:` and the path (`MAIL FROM: <a@b>`). Default off.
    pub space_after_colon: bool,
    /// Accept trailing spaces and tabs at the end of a line, and runs of spaces between
    /// parameters. Default off.
    pub lax_spacing: bool,
    /// Accept UTF-8 in addresses (RFC 6531; values report `needs_smtputf8()`). Default on.
    /// Turn it off when SMTPUTF8 is not offered: UTF-8 addresses then get 553 5.6.7. Either
    /// way a MAIL whose reverse-path is UTF-8 must carry the SMTPUTF8 parameter (RFC 6531
    /// §3.4), and a server must check the same for RCPT against its transaction.
    pub utf8_addresses: bool,
    /// Refuse MAIL and RCPT parameters that have no typed field with 555 instead of keeping
    /// them. Default off (kept, so a relay loses nothing).
    pub reject_unknown_parameters: bool,
}

impl Default for CommandConfig {
    fn default() -> Self {
        Self {
            max_line: DEFAULT_MAX_LINE,
            max_mail_rcpt_line: 2048,
            max_auth_line: 12288,
            line_ending: LineEnding::Crlf,
            space_after_colon: false,
            lax_spacing: false,
            utf8_addresses: true,
            reject_unknown_parameters: false,
        }
    }
}

impl CommandConfig {
    /// The deviations real clients commonly make, accepted: bare LF line ends, a space
    /// after `FROM:` / `TO:`, extra and trailing spaces.
    pub fn lenient() -> Self {
        Self {
            line_ending: LineEnding::CrlfOrLf,
            space_after_colon: true,
            lax_spacing: true,
            ..Self::default()
        }
    }

    /// What the grammar needs to know of this configuration.
    fn leniency(&self) -> Leniency {
        Leniency {
            space_after_colon: self.space_after_colon,
            extra_spaces: self.lax_spacing,
            reject_unknown_parameters: self.reject_unknown_parameters,
            utf8_addresses: self.utf8_addresses,
        }
    }

    /// The line limit for a line that starts with `line`, chosen by its verb.
    fn limit_for(&self, line: &[u8]) -> usize {
        let verb = line.get(..5);
        let is = |v: &[u8]| verb.is_some_and(|p| p[..4].eq_ignore_ascii_case(v) && p[4] == b' ');
        if is(b"MAIL") || is(b"RCPT") {
            self.max_mail_rcpt_line.max(self.max_line)
        } else if is(b"AUTH") {
            self.max_auth_line.max(self.max_line)
        } else {
            self.max_line
        }
    }
}

/// Decodes commands from a byte stream.
///
/// Each call consumes at most one line from the front of the buffer. A line longer than its
/// limit is discarded as it arrives (never buffered past the limit) and reported once its
/// end arrives; scanning resumes where it stopped, so a line fed one octet at a time costs
/// linear time.
#[derive(Clone, Debug, Default)]
pub struct CommandDecoder {
    config: CommandConfig,
    framer: LineFramer,
}

impl CommandDecoder {
    /// A decoder with this configuration.
    pub fn new(config: CommandConfig) -> Self {
        let framer = LineFramer::new(config.max_line, config.line_ending);
        Self { config, framer }
    }

    /// The configuration.
    pub fn config(&self) -> &CommandConfig {
        &self.config
    }

    /// Forgets any partial scan. Call it after something else consumed octets from the
    /// front of the buffer (message content after DATA or BDAT).
    pub fn reset(&mut self) {
        self.framer.reset();
    }

    /// Decodes the next command from the front of `buf`.
    ///
    /// `Ok(None)`: no complete line yet. `Err(_)`: one bad line was consumed; call again.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Command>, DecodeError> {
        if !self.framer.is_discarding() {
            // The limit depends on the verb (RFC 5321 §4.5.3.1.4, RFC 4954 §4).
            let limit = self.config.limit_for(buf);
            if limit != self.framer.max_len() {
                self.framer.set_max_len(limit);
            }
        }
        let Some((len, end)) = self.framer.find_line(buf)? else {
            return Ok(None);
        };
        Command::parse_bytes_with(split_line(buf, len, end), &self.config).map(Some)
    }
}
