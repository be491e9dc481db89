//! # esmtp
//!
//! A sans-IO SMTP / ESMTP / LMTP protocol library: no sockets, clocks or tasks. Callers own
//! the transport and feed bytes in; the crate hands values and bytes back.
//!
//! This release holds the codec layer:
//!
//! - the vocabulary in [`types`]: addresses ([`Domain`], [`Mailbox`], [`ReversePath`],
//!   [`ForwardPath`], ...), [`Command`] with typed MAIL/RCPT parameters, and the text
//!   type [`Text`];
//! - [`CommandDecoder`]: a stream of bytes in, [`Command`]s out, with the line limit of
//!   RFC 5321 §4.5.3.1.4 and a scan offset so partial lines are never rescanned;
//! - [`line::LineFramer`], the bounded CRLF framer under every decoder.
//!
//!
//! Errors are of two kinds ([`error`]): a [`DecodeError`] is one bad item, consumed, with
//! the reply code a server should answer; an [`Error`] is a broken session.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod data;
pub mod error;
pub mod line;
pub(crate) mod parse;
pub mod types;

pub use error::{DecodeError, DecodeErrorKind, Error};
pub use types::*;
