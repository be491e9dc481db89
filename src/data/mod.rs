//! Message content on the wire: the DATA transparency procedure and BDAT chunks, for both
//! directions, as streaming codecs that never hold a whole message.
//!
//! Receiving:
//! - [`DotUnstuffer`] takes what follows a 354 reply, in reads of any size, and yields the
//!   content as [`Bytes`] slices of the input with the transparency dot removed (RFC 5321
//!   §4.5.2) (and, where [`BareLineEndings::Normalize`] asks for it, a CRLF chunk in place
//!   of each bare LF), then the end of data with a [`DataSummary`]. What follows the end marker
//!   stays in the buffer for the command decoder. [`DotUnstuffer::decode_in_place`] takes
//!   the dots out of the buffer itself instead, and yields all of a read's content as one
//!   slice.
//! - [`BdatDecoder`] takes exactly the octets a `BDAT n` announced (RFC 3030 §2), or
//!   discards them when the chunk is refused.
//!
//! Sending:
//! - [`DotStuffer`] doubles leading dots, normalises line ends and writes the final
//!   `CRLF . CRLF`.
//! - [`BdatWriter`] cuts content into `BDAT n` / `BDAT n LAST` chunks.
//!
//! Only `<CRLF>.<CRLF>` ends data. `LF . LF`, `CR LF . LF`, `LF . CR LF` and `CR . CR` never
//! do (SMTP smuggling, CVE-2023-51764, CVE-2023-51765, CVE-2023-51766).
//!
//! Layout, one job per file: `unstuff.rs` holds the receiving protocol state, `stuff.rs` the
//! sending side, `bdat.rs` the BDAT chunks. The unstuffer looks at every octet of a message
//! through one small function over a byte slice, in `scan/`: a portable build and vector
//! builds chosen at run time, each checked against a plain one-octet-at-a-time reference.
//! The protocol code never sees a vector type.

use bytes::{Bytes, BytesMut};

use crate::types::{EnhancedStatusCode, Reply, ReplyCode};

mod bdat;
mod scan;
mod stuff;
mod unstuff;

pub use bdat::{BdatDecoder, BdatWriter};
pub use stuff::{DotStuffer, LineEndingPolicy};
pub use unstuff::DotUnstuffer;

/// What to do with a CR or LF that is not part of a CRLF pair in message content (RFC 5321
/// §2.3.8: clients must not send them). Under every policy only `<CRLF>.<CRLF>` ends the
/// data: `<LF>.<LF>`, `<CRLF>.<LF>` and `<LF>.<CRLF>` never do (SMTP smuggling,
/// CVE-2023-51764, CVE-2023-51765, CVE-2023-51766).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BareLineEndings {
    /// Refuse the message: drain to the real end of data, yield nothing more after the
    /// first bare CR or LF, and report [`DataOutcome::BareLineEnding`] so the server
    /// answers 5xx and stores nothing. The default.
    #[default]
    Reject,
    /// Store a line that ends in a bare LF as if it ended in CRLF (Postfix 3.9's default,
    /// `smtpd_forbid_bare_newline = normalize`); refuse a bare CR as [`Reject`](Self::Reject)
    /// does. The [`DotUnstuffer`] yields the content before each bare LF, then a CRLF
    /// chunk of its own in place of the LF.
    ///
    /// The content is then CRLF lines, and every limit is on it as stored: the size
    /// ([`DataConfig::max_size`]) counts two octets for each bare LF, and a bare LF ends
    /// a text line for [`DataConfig::max_line`]. The [`DataSummary`] still reports
    /// `bare_lf`.
    ///
    /// A line after a bare LF is a line for the transparency rule too (RFC 5321 §4.5.2):
    /// its leading dot is dropped, as it would be had the LF been a CRLF. A client that
    /// ends lines with LF and stuffs dots sends `..x` for `.x`, and keeping both dots would
    /// change its content; Postfix, too, treats a bare-LF line as a line. The end marker
    /// is the exception: `.<CRLF>` ends the data only after a real CRLF, so `<LF>.<CRLF>`
    /// is content. Its dot is kept, as a dot before a line end always is when the line does
    /// not end the data (see [`DotUnstuffer`]): a stuffing client never sends a dot alone
    /// on a line, so this one is an end marker that does not count, and the stored
    /// content shows it (a relay stuffs it as `..`).
    Normalize,
    /// Keep them as data (they are still reported in the [`DataSummary`]). They end no
    /// line: a bare LF is an octet of the text line that [`DataConfig::max_line`] bounds,
    /// and a dot after it is data.
    Keep,
}

/// Limits and policies of a [`DotUnstuffer`]. The default follows RFC 5321: bare line ends
/// refused, no size limit (a server sets the one it advertises with SIZE), text lines not
/// checked.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DataConfig {
    /// Largest message in octets (after unstuffing, and after normalizing under
    /// [`BareLineEndings::Normalize`]), as advertised with SIZE (RFC 1870).
    /// Past it nothing more is yielded and the end reports [`DataOutcome::TooBig`] (552).
    /// `None` (the default): no limit.
    pub max_size: Option<u64>,
    /// Longest text line in octets including CRLF (RFC 5321 §4.5.3.1.6 sets 1000), not
    /// counting a leading dot doubled for transparency. Only CRLF ends a line (§2.3.8), or
    /// under [`BareLineEndings::Normalize`] a bare LF, counted as the CRLF it is stored as.
    /// `None` (the default): not checked.
    pub max_line: Option<usize>,
    /// Bare CR and bare LF policy.
    pub bare_line_endings: BareLineEndings,
}

impl DataConfig {
    /// Bare CR and LF kept as content ([`BareLineEndings::Keep`]), no limits: for a
    /// receiver that takes what old or hand-written clients send. Only `<CRLF>.<CRLF>`
    /// still ends the message.
    pub fn lenient() -> Self {
        Self { bare_line_endings: BareLineEndings::Keep, ..Self::default() }
    }
}

/// How a message's content ended.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataOutcome {
    /// Complete and within the limits: 250 2.0.0.
    Ok,
    /// Larger than [`DataConfig::max_size`]: 552 5.3.4 (RFC 1870 §6.2, RFC 3463 §3.4).
    TooBig,
    /// A line longer than [`DataConfig::max_line`]. RFC 5321 §4.5.3.1.6 leaves the reply to
    /// the server; this crate answers 554 5.6.0 (the content is not acceptable as sent).
    LineTooLong,
    /// A bare CR or LF under [`BareLineEndings::Reject`], or a bare CR under
    /// [`BareLineEndings::Normalize`]: 554 5.6.0 (RFC 5321 §2.3.8).
    BareLineEnding,
}

impl DataOutcome {
    /// The reply a server sends for this outcome after the end of data, with its enhanced
    /// status code (RFC 3463).
    pub fn reply(self) -> Reply {
        let (code, enhanced, text) = match self {
            Self::Ok => (ReplyCode::OK, EnhancedStatusCode::OK, "Message accepted"),
            Self::TooBig => (
                ReplyCode::EXCEEDED_STORAGE,
                EnhancedStatusCode::MESSAGE_TOO_BIG,
                "Message too big for system",
            ),
            Self::LineTooLong => (
                ReplyCode::TRANSACTION_FAILED,
                EnhancedStatusCode::OTHER_MEDIA,
                "Line too long in message content",
            ),
            Self::BareLineEnding => (
                ReplyCode::TRANSACTION_FAILED,
                EnhancedStatusCode::OTHER_MEDIA,
                "Bare CR or LF in message content",
            ),
        };
        Reply::from_static_enhanced(code, enhanced, text)
    }
}

/// What the unstuffer learned about a message, reported at its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DataSummary {
    /// Octets of content after unstuffing, and after normalizing under
    /// [`BareLineEndings::Normalize`] (counted even past the size limit).
    pub size: u64,
    /// Whether any octet had the high bit set (needs BODY=8BITMIME, RFC 6152).
    pub eight_bit: bool,
    /// Whether a NUL octet was seen.
    pub nul: bool,
    /// Whether a CR not followed by LF was seen.
    pub bare_cr: bool,
    /// Whether an LF not preceded by CR was seen (also under
    /// [`BareLineEndings::Normalize`], which stored it as CRLF).
    pub bare_lf: bool,
    /// The outcome.
    pub outcome: DataOutcome,
}

/// One step of a [`DotUnstuffer`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataEvent {
    /// Content, unstuffed; a slice of the input buffer, or under
    /// [`BareLineEndings::Normalize`] the CRLF that stands for a bare LF.
    Chunk(Bytes),
    /// The end of data (`<CRLF>.<CRLF>` was consumed).
    End(DataSummary),
}

/// Moves an empty `buf` back to the front of its allocation, with all of it as spare
/// capacity, if no chunk cut from it is still held; otherwise leaves it as it is, with the
/// spare capacity it has.
///
/// A decoder that uses up its buffer leaves it empty at the end of what it held, and the
/// next read would go further along the allocation until `reserve` moves it back. Once the
/// reader has dropped the chunks the front is free again, and reads keep going to the same
/// memory. An empty buffer never loses spare capacity: a reader that reserves little before
/// a read still gets a full read.
fn reclaim(buf: &mut BytesMut) {
    if buf.is_empty() {
        // More than the buffer has left: `try_reclaim` then looks at the front of the
        // allocation, which it takes only when no other handle refers to it. It never
        // allocates and never shrinks the buffer.
        let _ = buf.try_reclaim(buf.capacity() + 1);
    }
}
