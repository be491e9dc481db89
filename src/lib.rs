//! # esmtp
//!
//! A sans-IO SMTP / ESMTP / LMTP protocol library: no sockets, clocks or tasks. Callers own
//! the transport and feed bytes in; the crate hands values and bytes back.
//!
//! This release holds the codec layer:
//!
//! - the vocabulary in [`types`]: addresses ([`Domain`], [`Mailbox`], [`ReversePath`],
//!   [`ForwardPath`], ...), [`Command`] with typed MAIL/RCPT parameters
//!   ([`MailParameters`], [`RcptParameters`]), replies ([`Reply`], [`ReplyCode`],
//!   [`EnhancedStatusCode`]), the typed EHLO capability set ([`Capabilities`],
//!   [`Extension`]), SASL mechanism names ([`Mechanism`]) and the text type [`Text`];
//! - [`CommandDecoder`] and [`ReplyDecoder`]: a stream of bytes in, commands or replies
//!   out, within configured line limits (RFC 5321 §4.5.3.1), with a scan offset so partial
//!   lines are never rescanned;
//! - [`data`]: message content on the wire — dot-unstuffing with end-of-data detection
//!   that only `<CRLF>.<CRLF>` satisfies, dot-stuffing, BDAT chunks;
//! - [`line::LineFramer`], the bounded CRLF framer under every decoder.
//!
//! ```
//! use bytes::BytesMut;
//! use esmtp::{Command, CommandDecoder, DecodeErrorKind};
//!
//! let mut decoder = CommandDecoder::default();
//! let mut input = BytesMut::from(
//!     &b"EHLO client.example\r\nMAIL FROM:<a@example.org> size=1000\r\nRCPT TO:<>\r\nDA"[..],
//! );
//! assert!(matches!(decoder.decode(&mut input), Ok(Some(Command::Ehlo(_)))));
//! let mail = decoder.decode(&mut input).unwrap().unwrap();
//! assert_eq!(mail.to_string(), "MAIL FROM:<a@example.org> SIZE=1000");
//! // A bad line is consumed and tells the server what to answer.
//! let err = decoder.decode(&mut input).unwrap_err();
//! assert_eq!((err.kind(), err.reply_code()), (DecodeErrorKind::MailboxSyntax, 553));
//! // An incomplete line waits for more input.
//! assert_eq!(decoder.decode(&mut input), Ok(None));
//! input.extend_from_slice(b"TA\r\n");
//! assert_eq!(decoder.decode(&mut input), Ok(Some(Command::Data)));
//! ```
//!
//! Errors are of two kinds ([`error`]): a [`DecodeError`] is one bad item, consumed, with
//! the reply code a server should answer; an [`Error`] is a broken session.
//!
//! Layering: `line` depends only on `error`, so every layer may use it; the decoders live
//! beside the values they decode (`types`), the grammar in the crate-private `parse`.

// `unsafe` is denied except in three audited places: `Text::as_str` (types/text.rs), the
// call into the AVX2 build of the DATA scan after runtime detection (data.rs), and its
// AVX-512VL hot loop (data/ternary.rs).
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod codec;
pub mod data;
pub mod error;
pub mod line;
pub(crate) mod parse;
pub mod sasl;
pub mod types;

pub use codec::{CommandConfig, CommandDecoder};
pub use error::{DecodeError, DecodeErrorKind, Error, ValidationError};
pub use types::*;
