//! [`Reply`]: one reply, single- or multi-line, and how it is written
//! ([`EnhancedCodes`]).
//!
//! RFC 5321 §4.2:
//!
//! ```text
//! Reply-line     = *( Reply-code "-" [ textstring ] CRLF )
//!                  Reply-code [ SP textstring ] CRLF
//! textstring     = 1*(%d09 / %d32-126) ; HT, SP, Printable US-ASCII
//! ```

use std::borrow::Cow;
use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{DecodeError, DecodeErrorKind, ValidationError};
use crate::types::{EnhancedStatusCode, ReplyCode, Text};

/// One reply, single- or multi-line (RFC 5321 §4.2).
///
/// A reply has a code, an optional [`EnhancedStatusCode`] (RFC 2034 §4) and one or more
/// text lines. The enhanced code is recognised on input when the first line's text starts
/// with one whose class agrees with the reply code (`250 2.1.0 Ok`), and then stripped from
/// every line that repeats it, as RFC 2034 §4 requires servers to do; the lines keep the
/// text after it. A code of another class, or one on later lines only, stays in the text.
///
/// Text is [`Text`]: `textstring` (HT, SP, printable ASCII) or UTF-8 (RFC 6531 §3.3).
/// **Non-UTF-8 octets and control characters from real servers** are replaced with U+FFFD
/// rather than failing the reply: the code is what a client acts on, and losing a reply
/// to a Latin-1 accent would desynchronise a pipelined session.
///
/// Encoding then parsing gives back an equal reply; constructors recognise a leading
/// enhanced code in the text the same way the parser does, so this holds for every reply.
///
/// Building: [`new`](Self::new) and [`with_enhanced`](Self::with_enhanced) check text
/// known only at run time; [`from_static`](Self::from_static) and
/// [`from_static_enhanced`](Self::from_static_enhanced) are `const` and cannot fail for
/// valid text; the replies a server commonly sends are ready-made in
/// [`replies`](crate::types::replies).
///
/// ```
/// use esmtp::{EnhancedStatusCode, Reply, ReplyCode};
/// let r = Reply::parse(b"250-2.1.5 first\r\n250 2.1.5 second\r\n").unwrap();
/// assert_eq!(r.code(), ReplyCode::OK);
/// assert_eq!(r.enhanced_code(), Some(EnhancedStatusCode::DESTINATION_ADDRESS_VALID));
/// assert_eq!(r.lines().map(|l| l.as_str()).collect::<Vec<_>>(), ["first", "second"]);
/// assert_eq!(r.to_string(), "250-2.1.5 first\r\n250 2.1.5 second\r\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reply {
    code: ReplyCode,
    enhanced: Option<EnhancedStatusCode>,
    first: Text,
    rest: Vec<Text>,
}

/// How [`Reply::encode_with`] writes enhanced status codes (RFC 2034).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EnhancedCodes {
    /// Write the reply's enhanced code, if it has one, on every line. What
    /// [`Reply::encode`] does.
    #[default]
    AsIs,
    /// Write no enhanced code: for a server that does not offer ENHANCEDSTATUSCODES, and
    /// for the greeting and the replies to HELO, EHLO and LHLO, which RFC 2034 §3 (4)
    /// exempts.
    Omit,
    /// Write an enhanced code on every line of every 2xx, 4xx and 5xx reply: the reply's
    /// own, or `X.0.0` ("Other undefined Status") of the matching class when it has none.
    /// For a server that offers ENHANCEDSTATUSCODES (RFC 2034 §3 (4), §4: "these codes must
    /// appear in all 2xx, 4xx, and 5xx response lines other than initial greeting and any
    /// response to HELO or EHLO"); 3xx replies never get one.
    Always,
}

impl EnhancedCodes {
    /// The mode a server uses for one reply: `offered` is whether it advertises
    /// ENHANCEDSTATUSCODES, `greeting_or_hello` whether the reply is the connection
    /// greeting or a reply to HELO/EHLO/LHLO (RFC 2034 §3 (4)).
    pub const fn for_server(offered: bool, greeting_or_hello: bool) -> Self {
        if offered && !greeting_or_hello { EnhancedCodes::Always } else { EnhancedCodes::Omit }
    }
}

/// Whether `text` may be sent as one line of reply text: `textstring` (RFC 5321 §4.2: HT,
/// SP, printable US-ASCII) and, as RFC 6531 §3.3 allows, UTF-8 beyond ASCII. CR, LF, DEL
/// and the other control characters are refused, so no text can end its line early and
/// inject a reply of its own.
pub(crate) const fn is_reply_text(text: &[u8]) -> bool {
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if !(c == b'\t' || (c >= 0x20 && c != 0x7f)) {
            return false;
        }
        i += 1;
    }
    true
}

const fn text_error() -> ValidationError {
    ValidationError::new("reply text", "holds CR, LF or another control character")
}

/// The enhanced code a reply of `code` carries for `enhanced`: the same subject and detail
/// in the class of the reply code (RFC 3463 §2, RFC 2034 §4: "a 2xx response must
/// incorporate a 2.X.X code, a 4xx response must incorporate a 4.X.X code, and a 5xx
/// response must incorporate a 5.X.X code"); none for a 3xx reply, which carries none.
const fn in_class_of(
    code: ReplyCode,
    enhanced: Option<EnhancedStatusCode>,
) -> Option<EnhancedStatusCode> {
    match (enhanced, code.status_class()) {
        (Some(e), Some(class)) => Some(e.with_class(class)),
        _ => None,
    }
}

/// `text` without the leading enhanced code a reply of `code` would be read with, and
/// that code: what the decoder finds in the first line of such a reply.
const fn split_leading(code: ReplyCode, text: &str) -> (Option<EnhancedStatusCode>, &str) {
    let Some(class) = code.status_class() else {
        return (None, text);
    };
    match EnhancedStatusCode::leading(text.as_bytes(), class) {
        // The code is ASCII, so the rest starts on a character boundary.
        Some((e, used)) => match std::str::from_utf8(text.as_bytes().split_at(used).1) {
            Ok(rest) => (Some(e), rest),
            Err(_) => (None, text),
        },
        None => (None, text),
    }
}

/// `text` without `enhanced` (and its SP) when it starts with it: a later line of a
/// reply that repeats its code, as RFC 2034 §4 has servers do.
fn strip_repeated(enhanced: EnhancedStatusCode, text: &str) -> &str {
    match EnhancedStatusCode::leading(text.as_bytes(), enhanced.class()) {
        Some((e, used)) if e == enhanced => &text[used..],
        _ => text,
    }
}

impl Reply {
    /// A single-line reply. A leading enhanced code in `text` whose class agrees with
    /// `code` becomes the reply's enhanced code, as on input.
    ///
    /// `Err` when `text` holds CR, LF or another control character other than HT.
    pub fn new(code: ReplyCode, text: &str) -> Result<Reply, ValidationError> {
        if !is_reply_text(text.as_bytes()) {
            return Err(text_error());
        }
        let (enhanced, text) = split_leading(code, text);
        Ok(Reply::from_parts(code, enhanced, Text::copy_from_str(text)))
    }

    /// A single-line reply with an enhanced code, which takes its class from `code`
    /// (RFC 3463 §2, RFC 2034 §4): `with_enhanced(ReplyCode::INSUFFICIENT_STORAGE,
    /// EnhancedStatusCode::MAILBOX_FULL, ..)` is `452 4.2.2`. A 3xx reply carries no
    /// enhanced code, so for one `enhanced` is dropped.
    ///
    /// `Err` when `text` holds CR, LF or another control character other than HT.
    ///
    /// ```
    /// use esmtp::{EnhancedStatusCode, Reply, ReplyCode};
    /// let r = Reply::with_enhanced(
    ///     ReplyCode::INSUFFICIENT_STORAGE,
    ///     EnhancedStatusCode::MAILBOX_FULL,
    ///     "Mailbox full, try again later",
    /// )
    /// .unwrap();
    /// assert_eq!(r.to_string(), "452 4.2.2 Mailbox full, try again later\r\n");
    /// ```
    pub fn with_enhanced(
        code: ReplyCode,
        enhanced: EnhancedStatusCode,
        text: &str,
    ) -> Result<Reply, ValidationError> {
        if !is_reply_text(text.as_bytes()) {
            return Err(text_error());
        }
        let enhanced = in_class_of(code, Some(enhanced));
        Ok(Reply::from_parts(code, enhanced, Text::copy_from_str(text)))
    }

    /// [`new`](Self::new) for text known when the program is written: `const`, no
    /// allocation, and it cannot fail for valid text.
    ///
    /// # Panics
    ///
    /// If `text` holds CR, LF or another control character other than HT. In a `const`
    /// item that is a compile-time error, which is how this is meant to be used (as
    /// `http::HeaderValue::from_static`):
    ///
    /// ```
    /// use esmtp::{Reply, ReplyCode};
    /// const QUEUED: Reply = Reply::from_static(ReplyCode::OK, "2.0.0 Queued");
    /// assert_eq!(QUEUED.to_string(), "250 2.0.0 Queued\r\n");
    /// ```
    ///
    /// ```compile_fail
    /// use esmtp::{Reply, ReplyCode};
    /// const BAD: Reply = Reply::from_static(ReplyCode::OK, "Ok\r\n250 injected");
    /// ```
    pub const fn from_static(code: ReplyCode, text: &'static str) -> Reply {
        if !is_reply_text(text.as_bytes()) {
            panic!("reply text holds CR, LF or another control character");
        }
        let (enhanced, text) = split_leading(code, text);
        Reply::from_parts(code, enhanced, Text::from_static(text))
    }

    /// [`with_enhanced`](Self::with_enhanced) for text known when the program is written:
    /// `const`, no allocation; the enhanced code takes its class from `code` and a 3xx
    /// reply drops it.
    ///
    /// # Panics
    ///
    /// As [`from_static`](Self::from_static): if `text` holds CR, LF or another control
    /// character other than HT (a compile-time error in a `const` item).
    ///
    /// ```
    /// use esmtp::{EnhancedStatusCode, Reply, ReplyCode};
    /// const FULL: Reply = Reply::from_static_enhanced(
    ///     ReplyCode::EXCEEDED_STORAGE,
    ///     EnhancedStatusCode::MAILBOX_FULL,
    ///     "Mailbox full",
    /// );
    /// assert_eq!(FULL.to_string(), "552 5.2.2 Mailbox full\r\n");
    /// ```
    pub const fn from_static_enhanced(
        code: ReplyCode,
        enhanced: EnhancedStatusCode,
        text: &'static str,
    ) -> Reply {
        if !is_reply_text(text.as_bytes()) {
            panic!("reply text holds CR, LF or another control character");
        }
        Reply::from_parts(code, in_class_of(code, Some(enhanced)), Text::from_static(text))
    }

    /// A reply of one or more lines (an empty iterator gives one empty line).
    ///
    /// `enhanced` takes its class from `code` as in [`with_enhanced`](Self::with_enhanced).
    /// With `enhanced: None`, a leading enhanced code on the first line is recognised as
    /// [`Reply::parse`] would, and then stripped from the later lines that repeat it.
    ///
    /// `Err` when a line holds CR, LF or another control character other than HT.
    pub fn from_lines<I, S>(
        code: ReplyCode,
        enhanced: Option<EnhancedStatusCode>,
        lines: I,
    ) -> Result<Reply, ValidationError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut lines = lines.into_iter();
        let mut reply = match (lines.next(), enhanced) {
            (None, _) => Reply::from_parts(code, in_class_of(code, enhanced), Text::default()),
            (Some(first), Some(e)) => Reply::with_enhanced(code, e, first.as_ref())?,
            (Some(first), None) => Reply::new(code, first.as_ref())?,
        };
        let strip = if enhanced.is_none() { reply.enhanced } else { None };
        for line in lines {
            let line = line.as_ref();
            reply.push_line(match strip {
                Some(e) => strip_repeated(e, line),
                None => line,
            })?;
        }
        Ok(reply)
    }

    /// Appends a line.
    ///
    /// `Err` when `text` holds CR, LF or another control character other than HT.
    pub fn push_line(&mut self, text: &str) -> Result<(), ValidationError> {
        if !is_reply_text(text.as_bytes()) {
            return Err(text_error());
        }
        self.rest.push(Text::copy_from_str(text));
        Ok(())
    }

    /// A single-line reply from parts already checked (by a constructor here, or by the
    /// decoder, which cleans the text it reads).
    pub(crate) const fn from_parts(
        code: ReplyCode,
        enhanced: Option<EnhancedStatusCode>,
        first: Text,
    ) -> Reply {
        Reply { code, enhanced, first, rest: Vec::new() }
    }

    /// Appends a line the decoder read and cleaned.
    pub(crate) fn push_text(&mut self, line: Text) {
        self.rest.push(line);
    }

    /// The reply code.
    pub fn code(&self) -> ReplyCode {
        self.code
    }

    /// The enhanced status code, if the reply carries one.
    pub fn enhanced_code(&self) -> Option<EnhancedStatusCode> {
        self.enhanced
    }

    /// Replaces (or removes) the enhanced code. It takes its class from the reply code as
    /// in [`with_enhanced`](Self::with_enhanced); a 3xx reply keeps none.
    pub fn set_enhanced_code(&mut self, enhanced: Option<EnhancedStatusCode>) {
        self.enhanced = in_class_of(self.code, enhanced);
    }

    /// The text lines, without codes, separators or the enhanced code.
    pub fn lines(&self) -> Lines<'_> {
        Lines { first: Some(&self.first), rest: self.rest.iter() }
    }

    /// The text of the first line.
    pub fn first_line(&self) -> &Text {
        &self.first
    }

    /// The text of line `i`, from 0.
    pub fn line(&self, i: usize) -> Option<&Text> {
        if i == 0 { Some(&self.first) } else { self.rest.get(i - 1) }
    }

    /// The number of lines (at least 1).
    pub fn line_count(&self) -> usize {
        1 + self.rest.len()
    }

    /// Whether the reply has more than one line.
    pub fn is_multiline(&self) -> bool {
        !self.rest.is_empty()
    }

    /// The text of all lines joined by `"\n"` (borrowed for a single-line reply).
    pub fn text(&self) -> Cow<'_, str> {
        if self.rest.is_empty() {
            return Cow::Borrowed(self.first.as_str());
        }
        let lines: Vec<&str> = self.lines().map(Text::as_str).collect();
        Cow::Owned(lines.join("\n"))
    }

    /// Writes the reply in wire form, with its enhanced code (if any) on every line.
    pub fn encode(&self, buf: &mut BytesMut) {
        self.encode_with(buf, EnhancedCodes::AsIs)
    }

    /// Writes the reply in wire form, enhanced codes as `mode` says.
    ///
    /// Each line is `Reply-code ( "-" / SP ) [ status-code SP ] text CRLF`; a last line
    /// with neither text nor enhanced code is the bare `Reply-code CRLF`.
    pub fn encode_with(&self, buf: &mut BytesMut, mode: EnhancedCodes) {
        let enhanced = match mode {
            EnhancedCodes::AsIs => self.enhanced,
            EnhancedCodes::Omit => None,
            EnhancedCodes::Always => {
                in_class_of(self.code, Some(self.enhanced.unwrap_or(EnhancedStatusCode::OK)))
            }
        };
        // What starts every line: `Reply-code`, the separator, `status-code SP`.
        let mut head = [0; 16];
        head[..3].copy_from_slice(&self.code.ascii_digits());
        let status_end = match enhanced {
            Some(e) => {
                let (status, len) = e.to_ascii();
                head[4..4 + len].copy_from_slice(&status[..len]);
                head[4 + len] = b' ';
                4 + len
            }
            None => 3,
        };
        let last = self.rest.len();
        for (i, line) in self.lines().enumerate() {
            head[3] = if i == last { b' ' } else { b'-' };
            let head_len = match (enhanced, line.is_empty()) {
                // A last line with neither: the bare code.
                (None, true) if i == last => 3,
                (None, _) => 4,
                (Some(_), true) => status_end,
                (Some(_), false) => status_end + 1,
            };
            buf.reserve(head_len + line.len() + 2);
            buf.put_slice(&head[..head_len]);
            buf.put_slice(line.as_bytes());
            buf.put_slice(b"\r\n");
        }
    }

    /// The wire form as bytes.
    pub fn to_bytes(&self) -> Bytes {
        let mut buf = BytesMut::new();
        self.encode(&mut buf);
        buf.freeze()
    }
}

/// The text lines of a [`Reply`], from [`Reply::lines`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    first: Option<&'a Text>,
    rest: std::slice::Iter<'a, Text>,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a Text;
    fn next(&mut self) -> Option<&'a Text> {
        self.first.take().or_else(|| self.rest.next())
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.first.is_some()) + self.rest.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for Lines<'_> {}

impl DoubleEndedIterator for Lines<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.rest.next_back().or_else(|| self.first.take())
    }
}

impl fmt::Display for Reply {
    /// The wire form, CRLFs included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.to_bytes();
        // Every part is UTF-8 (codes are ASCII; lines are Text).
        f.write_str(std::str::from_utf8(&bytes).map_err(|_| fmt::Error)?)
    }
}

impl From<DecodeError> for Reply {
    /// The reply a server sends for a decode error (RFC 5321 §4.2.2, §4.3.2; RFC 3463):
    /// the code and enhanced code of its kind, and [`DecodeError::reason`] as the text.
    fn from(e: DecodeError) -> Reply {
        let (code, enhanced) = match e.kind() {
            DecodeErrorKind::LineTooLong | DecodeErrorKind::BareLineEnding => {
                (ReplyCode::SYNTAX_ERROR, EnhancedStatusCode::SYNTAX_ERROR)
            }
            DecodeErrorKind::UnknownCommand => {
                (ReplyCode::SYNTAX_ERROR, EnhancedStatusCode::INVALID_COMMAND)
            }
            DecodeErrorKind::Syntax => {
                (ReplyCode::PARAMETER_SYNTAX_ERROR, EnhancedStatusCode::INVALID_COMMAND_ARGUMENTS)
            }
            DecodeErrorKind::UnrecognizedParameter => (
                ReplyCode::PARAMETERS_NOT_RECOGNIZED,
                EnhancedStatusCode::INVALID_COMMAND_ARGUMENTS,
            ),
            DecodeErrorKind::SenderSyntax => {
                (ReplyCode::MAILBOX_NAME_NOT_ALLOWED, EnhancedStatusCode::BAD_SENDER_MAILBOX_SYNTAX)
            }
            DecodeErrorKind::MailboxSyntax => (
                ReplyCode::MAILBOX_NAME_NOT_ALLOWED,
                EnhancedStatusCode::BAD_DESTINATION_MAILBOX_SYNTAX,
            ),
            DecodeErrorKind::NonAsciiAddress => (
                ReplyCode::MAILBOX_NAME_NOT_ALLOWED,
                EnhancedStatusCode::NON_ASCII_ADDRESS_NOT_PERMITTED,
            ),
            // Errors in what a server sent: a client never answers them; a proxy that
            // relays one sends a syntax error.
            DecodeErrorKind::ReplySyntax
            | DecodeErrorKind::ReplyCodeMismatch
            | DecodeErrorKind::TooManyReplyLines
            | DecodeErrorKind::Capability => {
                (ReplyCode::SYNTAX_ERROR, EnhancedStatusCode::SYNTAX_ERROR)
            }
        };
        let text = if is_reply_text(e.reason().as_bytes()) { e.reason() } else { "syntax error" };
        Reply::from_parts(code, in_class_of(code, Some(enhanced)), Text::from_static(text))
    }
}
