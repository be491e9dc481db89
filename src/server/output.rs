//! What [`Server::poll_output`](super::Server::poll_output) hands the caller.

use bytes::Bytes;

use super::request::{
    AtrnRequest, AuthRequest, CommandRequest, DataStartRequest, EtrnRequest, ExpnRequest,
    HelloRequest, HelpRequest, MailRequest, MessageRequest, RcptRequest, VrfyRequest,
};
use super::trace::TraceLine;
use crate::sasl::Outcome;

/// The next thing the caller must do, in order (DESIGN.md, "the caller's loop").
#[derive(Debug)]
#[must_use]
pub enum Output {
    /// Write these octets to the peer. Replies to a pipelined group come in one
    /// `Transmit` (RFC 2920 §3.1): they are collected until the machine needs input.
    Transmit(Bytes),
    /// Something for the program: a decision to make or content to take.
    Event(Event),
    /// Start TLS on the transport now (the `220` to STARTTLS was written by the last
    /// `Transmit`), then call [`Server::tls_established`](super::Server::tls_established).
    StartTls,
    /// A decision handed out with an [`Event`] is still unanswered: answer it with
    /// `accept` / `reject` (or `answer_auth`). No further command is parsed until then.
    AwaitingDecision,
    /// Read from the peer and call [`handle_input`](super::Server::handle_input) (or
    /// [`handle_eof`](super::Server::handle_eof)), waiting at most
    /// [`read_timeout`](super::Server::read_timeout).
    NeedInput,
    /// Close the connection. Every later call returns `Close` again.
    Close,
}

/// An event for the program. Those carrying a request token need an answer before the
/// session goes on; the others are information.
#[non_exhaustive]
#[derive(Debug)]
pub enum Event {
    /// HELO or EHLO (RFC 5321 §4.1.1.1). Accepted: `250` (with the capabilities for EHLO).
    Hello(HelloRequest),
    /// MAIL (RFC 5321 §4.1.1.2). Accepted: `250 2.1.0`.
    Mail(MailRequest),
    /// RCPT (RFC 5321 §4.1.1.3). Accepted: `250 2.1.5`.
    Rcpt(RcptRequest),
    /// The start of content: DATA, or the first BDAT of a message. Accepted: `354` for
    /// DATA; the chunk is read for BDAT.
    DataStart(DataStartRequest),
    /// A piece of message content, unstuffed (DATA) or as sent (BDAT), a slice of the
    /// input buffer.
    Data(Bytes),
    /// The content was refused while it streamed (too big, bare CR/LF, a line too long,
    /// the connection lost) or a BDAT transaction was abandoned: drop what [`Event::Data`]
    /// gave for this message. The machine answers the client itself.
    MessageAborted,
    /// The end of the message's content. Accepted: `250 2.0.0`.
    MessageEnd(MessageRequest),
    /// VRFY (RFC 5321 §4.1.1.6). Accepted: `252 2.5.2`; reject with the real answer.
    Vrfy(VrfyRequest),
    /// EXPN (RFC 5321 §4.1.1.7), when offered. Accepted: `252 2.5.2`.
    Expn(ExpnRequest),
    /// HELP (RFC 5321 §4.1.1.8). Accepted: `214 2.0.0`.
    Help(HelpRequest),
    /// ETRN (RFC 1985), when offered. Accepted: `250 2.0.0` (queuing started).
    Etrn(EtrnRequest),
    /// ATRN (RFC 2645), when offered, after AUTH. Accepted: `250 2.0.0`, then the roles
    /// turn: [`Output::Close`] follows and [`Server::is_turned`](super::Server::is_turned)
    /// says to keep the connection and act as its client.
    Atrn(AtrnRequest),
    /// A command whose verb is one of the program's own EHLO keywords
    /// ([`ServerConfig::extra_extensions`](super::ServerConfig::extra_extensions)), after
    /// EHLO. No default: answer with `accept_with` or `reject` (see [`CommandRequest`]).
    Command(CommandRequest),
    /// The SASL exchange of AUTH needs the program (RFC 4954): answer with
    /// [`Server::answer_auth`](super::Server::answer_auth).
    Auth(AuthRequest),
    /// The client authenticated (`235` follows).
    Authenticated(Outcome),
    /// The client reset the transaction (RSET, a new EHLO, TLS started) while one was
    /// open: drop what was gathered for it.
    TransactionReset,
    /// With [`ServerConfig::trace`](super::ServerConfig::trace): a command line read or a
    /// reply written, AUTH payloads redacted (see [`TraceLine`]). Information only; it
    /// comes before the event or [`Output::Transmit`] the line leads to.
    Trace(TraceLine),
}
