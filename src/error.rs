//! Errors.
//!
//! Two kinds, as in rustls and imap-next:
//!
//! - [`DecodeError`]: one item (a command line, a reply, a parameter) could not be decoded.
//!   It is recoverable: the decoder has consumed the offending input and can go on. For
//!   commands it tells which reply a server should send ([`DecodeError::reply`]).
//! - [`Error`]: the session is broken (a peer flooding past a limit, bytes pipelined after
//!   STARTTLS, API misuse). The state machines make it sticky and ask to close.

use std::fmt;

/// What went wrong while decoding one item.
///
/// Each kind maps to the reply a server should send (RFC 5321 §4.2.2, §4.3.2, RFC 3463
/// enhanced codes); see [`DecodeError::reply`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecodeErrorKind {
    /// A line longer than the configured limit (RFC 5321 §4.5.3.1.4: "500 Line too long").
    /// The whole line, up to and including its end, was discarded.
    LineTooLong,
    /// A line ended in a bare LF (or held a bare CR) where the configuration requires CRLF
    /// (RFC 5321 §2.3.8). 500 5.5.2.
    BareLineEnding,
    /// The verb is not a command this crate knows and the configuration does not keep
    /// unknown verbs. 500 5.5.1.
    UnknownCommand,
    /// Syntax error in the arguments of a known command, including numbers that overflow.
    /// 501 5.5.4.
    Syntax,
    /// A MAIL or RCPT parameter that is not recognised, where the configuration refuses
    /// unknown parameters (RFC 5321 §4.1.1.11, RFC 1869 §6). 555 5.5.4.
    UnrecognizedParameter,
    /// The reverse-path of MAIL is not a valid mailbox. 553 5.1.7.
    SenderSyntax,
    /// A forward-path (RCPT, VRFY argument) is not a valid mailbox. 553 5.1.3.
    MailboxSyntax,
    /// A UTF-8 address where SMTPUTF8 is not in effect (RFC 6531 §3.7.4.2). 553 5.6.7.
    NonAsciiAddress,
    /// A reply line does not follow `Reply-code [ SP / "-" textstring ] CRLF`
    /// (RFC 5321 §4.2).
    ReplySyntax,
    /// The lines of one multi-line reply carry different reply codes (RFC 5321 §4.2.1).
    ReplyCodeMismatch,
    /// A multi-line reply has more lines than the configured limit.
    TooManyReplyLines,
    /// An EHLO keyword or parameter is malformed (RFC 5321 §4.1.1.1).
    Capability,
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::LineTooLong => "line too long",
            Self::BareLineEnding => "bare CR or LF",
            Self::UnknownCommand => "command unrecognized",
            Self::Syntax => "syntax error in parameters or arguments",
            Self::UnrecognizedParameter => "parameter unrecognized",
            Self::SenderSyntax => "bad sender address syntax",
            Self::MailboxSyntax => "bad mailbox address syntax",
            Self::NonAsciiAddress => "non-ASCII address without SMTPUTF8",
            Self::ReplySyntax => "malformed reply",
            Self::ReplyCodeMismatch => "reply lines with different codes",
            Self::TooManyReplyLines => "too many reply lines",
            Self::Capability => "malformed EHLO capability",
        })
    }
}

/// One item could not be decoded; the decoder consumed it and can go on.
///
/// Carries a [`DecodeErrorKind`] (which reply to send) and a short, static, human reason
/// suitable for the reply text. Creating one never allocates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{kind}: {reason}")]
pub struct DecodeError {
    kind: DecodeErrorKind,
    reason: &'static str,
}

impl DecodeError {
    /// A new error of `kind` with a short human `reason`.
    pub const fn new(kind: DecodeErrorKind, reason: &'static str) -> Self {
        Self { kind, reason }
    }

    /// What went wrong.
    pub const fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// A short human reason, fit for the text of the reply.
    pub const fn reason(&self) -> &'static str {
        self.reason
    }
}

/// A value could not be built: what a constructor was given breaks the value's grammar
/// or one of its limits.
///
/// This is the one error of building values (addresses, parameters, commands, replies,
/// capabilities); it is never a [`DecodeError`], which is about input from a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("invalid {what}: {reason}")]
pub struct ValidationError {
    what: &'static str,
    reason: &'static str,
}

impl ValidationError {
    /// An error building a `what` (for example `"domain"`), for a short human `reason`.
    pub const fn new(what: &'static str, reason: &'static str) -> Self {
        Self { what, reason }
    }

    /// What was being built (`"domain"`, `"reply text"`, ...).
    pub const fn what(&self) -> &'static str {
        self.what
    }

    /// Why it could not be built.
    pub const fn reason(&self) -> &'static str {
        self.reason
    }
}

/// A fatal session error. The state machines keep it (it is sticky) and ask to close.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The peer kept sending input past a configured limit (a line flood, too many bad
    /// commands, an oversized AUTH exchange).
    #[error("peer exceeded a limit: {0}")]
    LimitExceeded(&'static str),
    /// Bytes arrived after STARTTLS (server side: after `STARTTLS<CRLF>`; client side:
    /// after the 220) and before the TLS hand-off: a command or response injection
    /// attempt (CVE-2011-0411 class).
    #[error("plaintext pipelined across the STARTTLS boundary")]
    StartTlsInjection,
    /// The peer broke the protocol in a way the session cannot recover from.
    #[error("protocol violation: {0}")]
    Protocol(DecodeError),
    /// The API was called in a state where that call is not allowed.
    #[error("API misuse: {0}")]
    Misuse(&'static str),
    /// The session is closed; no further input or output.
    #[error("session closed")]
    Closed,
}
