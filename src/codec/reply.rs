//! Reading replies: [`Reply::parse`] for one whole reply, [`ReplyDecoder`] for a stream,
//! and `FromStr` for [`Reply`], [`ReplyCode`] and [`EnhancedStatusCode`].
//!
//! One path for every reply: the line framer ([`LineFramer`]) splits a line off at its
//! CRLF within the line limit, the grammar (`parse::reply::reply_line`) reads its
//! code, separator and text, and the assembler puts the lines of one reply together,
//! checking that they carry one code (RFC 5321 §4.2.1) and that there are not too many.

use std::str::FromStr;

use bytes::{Bytes, BytesMut};

use crate::error::{DecodeError, DecodeErrorKind};
use crate::line::{LineEnding, LineFramer};
use crate::parse::reply as p;
use crate::types::{EnhancedStatusCode, Reply, ReplyCode, Text};

const fn reply_err(reason: &'static str) -> DecodeError {
    DecodeError::new(DecodeErrorKind::ReplySyntax, reason)
}

/// A reply with more lines than [`ReplyConfig::max_lines`] allows.
const TOO_MANY_LINES: DecodeError =
    DecodeError::new(DecodeErrorKind::TooManyReplyLines, "too many reply lines");

/// The default reply line limit: 4096 octets including CRLF.
///
/// RFC 5321 §4.5.3.1.5 sets 512 octets as the minimum a receiver must accept, and
/// §4.5.3.1 asks implementations to be liberal. Real servers send longer lines (policy
/// rejections with URLs, long AUTH challenges, EHLO greetings with banners), so the client
/// side defaults to eight times the minimum, still a small bound.
pub const DEFAULT_MAX_REPLY_LINE: usize = 4096;

/// The default limit on lines per reply: 100. An EHLO reply with every extension in this
/// crate has about 30.
pub const DEFAULT_MAX_REPLY_LINES: usize = 100;

/// Limits and policy for [`ReplyDecoder`].
///
/// ```
/// use esmtp::{ReplyConfig, ReplyDecoder};
/// let mut config = ReplyConfig::default();
/// config.max_lines = 40;
/// let decoder = ReplyDecoder::new(config);
/// # let _ = decoder;
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplyConfig {
    /// The longest reply line accepted, in octets including CRLF (default
    /// [`DEFAULT_MAX_REPLY_LINE`]; the decoder raises anything below 8 to 8).
    pub max_line_len: usize,
    /// The most lines one reply may have (default [`DEFAULT_MAX_REPLY_LINES`]; the
    /// decoder raises 0 to 1).
    pub max_lines: usize,
    /// Which octets end a line (default CRLF only, RFC 5321 §2.3.8).
    pub line_ending: LineEnding,
}

impl Default for ReplyConfig {
    fn default() -> Self {
        ReplyConfig {
            max_line_len: DEFAULT_MAX_REPLY_LINE,
            max_lines: DEFAULT_MAX_REPLY_LINES,
            line_ending: LineEnding::Crlf,
        }
    }
}

impl ReplyConfig {
    /// The defaults, but a bare LF also ends a line: for servers that do not send CRLF
    /// (RFC 5321 §2.3.8 requires it; some old or hand-written ones do not).
    pub fn lenient() -> Self {
        ReplyConfig { line_ending: LineEnding::CrlfOrLf, ..ReplyConfig::default() }
    }
}

/// Reply text from the wire as [`Text`], shared with the input when it is valid.
///
/// Policy for what real servers send outside `textstring` (RFC 5321 §4.2): the reply code
/// is what a client acts on, so text never makes a reply fail. Invalid UTF-8 sequences and
/// control characters other than HT are each replaced by U+FFFD; only then is the text
/// copied.
fn wire_text(text: Bytes) -> Text {
    let controls = text.iter().any(|&c| c != b'\t' && (c < 0x20 || c == 0x7f));
    if !controls && let Ok(text) = Text::from_utf8(text.clone()) {
        return text;
    }
    let cleaned: String = String::from_utf8_lossy(&text)
        .chars()
        .map(|c| if c.is_ascii_control() && c != '\t' { '\u{FFFD}' } else { c })
        .collect();
    Text::from(cleaned)
}

/// Puts the lines of one reply together.
#[derive(Debug, Clone, Default)]
struct Assembler {
    /// The lines of a multi-line reply read so far.
    partial: Option<Reply>,
}

impl Assembler {
    /// Adds one line (without its line end). `Ok(Some)` when it was the last line of its
    /// reply. On `Err` the partial reply is dropped, and the `bool` says whether the failed
    /// reply goes on past this line (so that its remaining lines are dropped too).
    fn push(
        &mut self,
        line: Bytes,
        max_lines: usize,
    ) -> Result<Option<Reply>, (DecodeError, bool)> {
        let in_reply = self.partial.is_some();
        let parsed = match p::reply_line(&line) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.partial = None;
                let goes_on = p::continues(&line).unwrap_or(in_reply);
                return Err((e.into_decode_error(DecodeErrorKind::ReplySyntax), goes_on));
            }
        };
        let (code, last) = (parsed.code, parsed.last);
        let Some(reply) = &mut self.partial else {
            // The first line: an enhanced code at the start of its text is the reply's
            // (RFC 2034 §4).
            let (enhanced, text) = match p::leading_status_code(code, parsed.text) {
                Some((enhanced, text)) => (Some(enhanced), text),
                None => (None, parsed.text),
            };
            let reply = Reply::from_parts(code, enhanced, wire_text(line.slice_ref(text)));
            return match (last, max_lines) {
                (true, _) => Ok(Some(reply)),
                (false, 0 | 1) => Err((TOO_MANY_LINES, true)),
                (false, _) => {
                    self.partial = Some(reply);
                    Ok(None)
                }
            };
        };
        if reply.code() != code {
            self.partial = None;
            let e = DecodeError::new(
                DecodeErrorKind::ReplyCodeMismatch,
                "lines of one reply carry different reply codes",
            );
            return Err((e, !last));
        }
        // A later line loses the enhanced code only when it repeats the reply's.
        let text = match (reply.enhanced_code(), p::leading_status_code(code, parsed.text)) {
            (Some(same), Some((enhanced, text))) if same == enhanced => text,
            _ => parsed.text,
        };
        reply.push_text(wire_text(line.slice_ref(text)));
        if last {
            Ok(self.partial.take())
        } else if reply.line_count() >= max_lines {
            self.partial = None;
            Err((TOO_MANY_LINES, true))
        } else {
            Ok(None)
        }
    }
}

/// Decodes a stream of replies from a server (RFC 5321 §4.2), one [`Reply`] per call.
///
/// - Bounded: a line longer than the limit is dropped as it arrives (by the
///   [`LineFramer`] underneath) and a reply longer than the lines-per-reply limit is
///   reported as soon as the limit is passed. The decoder holds at most one partial reply
///   within those limits, whatever the peer sends. (The lines of a partial reply are
///   zero-copy slices of the caller's buffer, so they keep its allocation alive until the
///   reply is complete or fails.)
/// - Incremental: each line is parsed as it is complete; the framer remembers its scan
///   offset, so a reply fed one octet at a time costs linear time. Replies may be split
///   anywhere, and one read may hold several (pipelining, RFC 2920).
/// - Each reply the server sent gives exactly one `Ok(Some(_))` or one `Err(_)`, which
///   keeps pipelined replies matched to their commands. **Resynchronisation:** after an
///   error (a malformed or over-long line, a code mismatch, too many lines) the decoder
///   drops the rest of the failed reply: every line up to and including the next last line
///   (`xyz SP ...` or `xyz`). A malformed line in the middle of a reply counts as part of
///   it; a malformed line between replies is one failed reply by itself.
///
/// ```
/// use bytes::BytesMut;
/// use esmtp::{ReplyCode, ReplyDecoder};
/// let mut dec = ReplyDecoder::default();
/// let mut buf = BytesMut::from(&b"250-a\r\n250 b\r\n354 go on\r\n22"[..]);
/// assert_eq!(dec.decode(&mut buf).unwrap().unwrap().line_count(), 2);
/// assert_eq!(dec.decode(&mut buf).unwrap().unwrap().code(), ReplyCode::START_MAIL_INPUT);
/// assert_eq!(dec.decode(&mut buf).unwrap(), None);
/// ```
#[derive(Debug, Clone)]
pub struct ReplyDecoder {
    framer: LineFramer,
    max_lines: usize,
    asm: Assembler,
    /// Dropping the rest of a failed reply.
    skipping: bool,
    /// Whether the line the framer is working on says its reply goes on (`xyz-`), read
    /// from its first octets before the framer could drop them as part of an over-long
    /// line.
    line_goes_on: Option<bool>,
}

impl Default for ReplyDecoder {
    fn default() -> Self {
        ReplyDecoder::new(ReplyConfig::default())
    }
}

impl ReplyDecoder {
    /// A decoder with these limits.
    pub fn new(config: ReplyConfig) -> Self {
        ReplyDecoder {
            framer: LineFramer::new(config.max_line_len.max(8), config.line_ending),
            max_lines: config.max_lines.max(1),
            asm: Assembler::default(),
            skipping: false,
            line_goes_on: None,
        }
    }

    /// Forgets any partial reply and scan progress (after a TLS hand-off, for example,
    /// when the buffer is replaced).
    pub fn reset(&mut self) {
        self.framer.reset();
        self.asm = Assembler::default();
        self.skipping = false;
        self.line_goes_on = None;
    }

    /// Whether the decoder is inside a reply: a multi-line reply has started but not ended,
    /// or the rest of a failed reply is being dropped.
    pub fn is_partial(&self) -> bool {
        self.asm.partial.is_some() || self.skipping
    }

    /// Decodes the next reply from the front of `buf`, consuming what it uses.
    ///
    /// - `Ok(Some(reply))`: one complete reply was consumed.
    /// - `Ok(None)`: no complete reply yet; call again when more input has arrived.
    /// - `Err(e)`: one reply failed (see the type's documentation for how the decoder
    ///   resynchronises); call again for the next.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Reply>, DecodeError> {
        loop {
            if !self.framer.is_discarding() && buf.len() >= 4 {
                self.line_goes_on = p::continues(&buf[..4]);
            }
            let line = match self.framer.next_line(buf) {
                Ok(Some(line)) => line,
                Ok(None) => return Ok(None),
                Err(e) => {
                    // An over-long line or a bare line end: the line is gone, and the
                    // failed reply goes on if the line said so.
                    let in_reply = self.asm.partial.take().is_some() || self.skipping;
                    let goes_on = self.line_goes_on.take().unwrap_or(in_reply);
                    let was_skipping = self.skipping;
                    self.skipping = goes_on;
                    if was_skipping {
                        continue;
                    }
                    return Err(e);
                }
            };
            self.line_goes_on = None;
            if self.skipping {
                if p::continues(&line) == Some(false) {
                    self.skipping = false;
                }
                continue;
            }
            match self.asm.push(line, self.max_lines) {
                Ok(Some(reply)) => return Ok(Some(reply)),
                Ok(None) => {}
                Err((e, goes_on)) => {
                    self.skipping = goes_on;
                    return Err(e);
                }
            }
        }
    }
}

impl Reply {
    /// Parses one complete reply, single- or multi-line, with or without its final CRLF.
    ///
    /// Lines end in CRLF (RFC 5321 §2.3.8); a bare LF is an error. Errors are
    /// [`DecodeErrorKind::ReplySyntax`] (including input after the last line, and a reply
    /// with no last line) and [`DecodeErrorKind::ReplyCodeMismatch`]. For a stream, with
    /// limits, use [`ReplyDecoder`].
    pub fn parse(input: &[u8]) -> Result<Reply, DecodeError> {
        let mut data = Bytes::copy_from_slice(input);
        let mut asm = Assembler::default();
        loop {
            let line = match memchr::memchr(b'\n', &data) {
                Some(lf) if lf > 0 && data[lf - 1] == b'\r' => {
                    let line = data.slice(..lf - 1);
                    data = data.slice(lf + 1..);
                    line
                }
                Some(_) => return Err(reply_err("reply line ended by a bare LF")),
                None if data.is_empty() => return Err(reply_err("incomplete reply: no last line")),
                // The last line without its CRLF (or with its CR only).
                None => {
                    let line = std::mem::take(&mut data);
                    let end = line.len() - usize::from(line.ends_with(b"\r"));
                    line.slice(..end)
                }
            };
            match asm.push(line, usize::MAX) {
                Ok(Some(_)) if !data.is_empty() => {
                    return Err(reply_err("input after the last line of the reply"));
                }
                Ok(Some(reply)) => return Ok(reply),
                Ok(None) => {}
                Err((e, _)) => return Err(e),
            }
        }
    }
}

impl FromStr for Reply {
    type Err = DecodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reply::parse(s.as_bytes())
    }
}

impl FromStr for ReplyCode {
    type Err = DecodeError;
    /// `Reply-code` (RFC 5321 §4.2): exactly three digits.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        p::whole_reply_code(s.as_bytes()).ok_or(reply_err("not a reply code"))
    }
}

impl FromStr for EnhancedStatusCode {
    type Err = DecodeError;
    /// `status-code` (RFC 3463 §2), e.g. `5.7.515`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        p::status_code(s.as_bytes()).ok_or(reply_err("not an enhanced status code"))
    }
}
