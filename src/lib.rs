//! # esmtp
//!
//! A sans-IO SMTP / ESMTP / LMTP protocol library: no sockets, clocks or tasks. Callers own
//! the transport and feed bytes in; the crate hands values and bytes back.
//!
//! The crate is built in layers, each of which uses only the ones before it:
//!
//! - [`error`]: [`DecodeError`] (one bad input item, with the [`Reply`] a server sends for
//!   it), [`ValidationError`] (a value could not be built) and [`Error`] (a broken
//!   session);
//! - [`types`], the vocabulary: addresses ([`Domain`], [`Mailbox`], [`ReversePath`],
//!   [`ForwardPath`], ...), [`Command`] with a constructor per command and typed MAIL/RCPT
//!   parameters ([`MailParameters`], [`RcptParameters`]), replies ([`Reply`], [`ReplyCode`],
//!   [`EnhancedStatusCode`]), the typed EHLO capability set ([`Capabilities`],
//!   [`Extension`]), SASL mechanism names ([`Mechanism`]) and the text type [`Text`]. A
//!   value knows nothing of how it is parsed;
//! - the grammar (crate-private `parse`): nom 8 parsers, one per ABNF rule, named after it;
//! - [`line::LineFramer`], the bounded CRLF framer under every decoder, and [`data`],
//!   message content on the wire (dot-unstuffing with end-of-data detection that only
//!   `<CRLF>.<CRLF>` satisfies, dot-stuffing, BDAT chunks);
//! - [`codec`]: [`CommandDecoder`] and [`ReplyDecoder`] (a stream of bytes in, commands or
//!   replies out, within the configured line limits of RFC 5321 §4.5.3.1) and the parse
//!   entry points of the values (`Command::parse`, `Reply::parse`,
//!   `Capabilities::from_ehlo`, ...);
//! - [`sasl`]: the AUTH mechanisms (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1/256 and their
//!   `-PLUS` forms, XOAUTH2, OAUTHBEARER) as pure exchanges of byte strings, client and
//!   server side;
//! - [`server`]: the sans-IO [`Server`] state machine, driven by `handle_input` and
//!   drained with `poll_output` (see its module docs for the caller's loop).
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
//! assert_eq!(err.kind(), DecodeErrorKind::MailboxSyntax);
//! assert!(err.reply().to_string().starts_with("553 5.1.3 "));
//! // An incomplete line waits for more input.
//! assert_eq!(decoder.decode(&mut input), Ok(None));
//! input.extend_from_slice(b"TA\r\n");
//! assert_eq!(decoder.decode(&mut input), Ok(Some(Command::Data)));
//! ```
//!
//! A client builds its commands with the constructors, which set what a value needs:
//!
//! ```
//! use esmtp::{Command, Domain, LocalPart, MailParameters, Mailbox};
//!
//! let sender = Mailbox::new(LocalPart::new("jösé")?, Domain::new("example.org")?)?;
//! let mail = Command::mail(sender, MailParameters::new());
//! // A UTF-8 reverse-path needs SMTPUTF8 (RFC 6531 §3.4): the constructor announced it.
//! assert_eq!(mail.to_string(), "MAIL FROM:<jösé@example.org> SMTPUTF8");
//! assert_eq!(Command::parse(&mail.to_bytes()), Ok(mail));
//! # Ok::<(), esmtp::ValidationError>(())
//! ```

// `unsafe` is denied except in audited places: `Text::as_str` (types/text.rs) and the
// vector builds of the DATA scan, chosen after runtime detection (data/scan/avx2.rs,
// data/scan/avx512.rs).
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod codec;
pub mod data;
pub mod error;
pub mod line;
pub(crate) mod parse;
pub mod sasl;
pub mod server;
pub mod types;

pub use codec::{CommandConfig, CommandDecoder};
pub use codec::{DEFAULT_MAX_REPLY_LINE, DEFAULT_MAX_REPLY_LINES, ReplyConfig, ReplyDecoder};
pub use error::{DecodeError, DecodeErrorKind, Error, ValidationError};
pub use server::{Event, Output, Request, Server, ServerConfig, ServerContext};
pub use types::*;
