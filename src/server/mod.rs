//! The sans-IO SMTP server state machine.
//!
//! [`Server`] owns the protocol of one connection: command order (RFC 5321 §4.1.4),
//! PIPELINING (RFC 2920), DATA and BDAT (RFC 3030), STARTTLS (RFC 3207), AUTH (RFC 4954),
//! LMTP (RFC 2033, [`ServerConfig::lmtp`]), and the replies. It does no I/O, reads no
//! clock and draws no randomness of its own (the SASL nonces come from a [`Randomness`]
//! the caller may replace). The caller's loop:
//!
//! ```
//! use esmtp::{Output, Event, Server, ServerConfig};
//!
//! let mut server = Server::new(ServerConfig::default()); // the 220 greeting is queued
//! let mut script: &[&[u8]] = &[b"EHLO client.example\r\n", b"QUIT\r\n"];
//! let mut written = Vec::new();
//! loop {
//!     match server.poll_output() {
//!         Output::Transmit(bytes) => written.extend_from_slice(&bytes),
//!         Output::Event(Event::Hello(req)) => server.accept(req).unwrap(),
//!         Output::Event(other) => panic!("not in this script: {other:?}"),
//!         Output::NeedInput => match script.split_first() {
//!             Some((read, rest)) => {
//!                 server.handle_input(read).unwrap();
//!                 script = rest;
//!             }
//!             None => server.handle_eof(),
//!         },
//!         Output::StartTls | Output::AwaitingDecision => unreachable!(),
//!         Output::Close => break,
//!     }
//! }
//! assert!(written.starts_with(b"220 localhost ESMTP ready\r\n250-localhost greets client.example\r\n"));
//! assert!(written.ends_with(b"221 2.0.0 localhost Service closing transmission channel\r\n"));
//! ```
//!
//! A program that serves many connections prepares its configuration once, as a
//! [`ServerContext`] (the greeting, the EHLO replies before and under TLS and the `221`
//! rendered once), and gives each connection a clone, one reference-count increment:
//!
//! ```
//! use esmtp::{Server, ServerConfig, ServerContext};
//!
//! let context = ServerContext::new(ServerConfig::default());
//! let one = Server::new(context.clone());
//! let two = Server::new(context.clone());
//! assert_eq!(one.config().hostname, two.config().hostname);
//! ```
//!
//! - `handle_input` only buffers, and only when the machine asked for input (so the
//!   buffer never holds more than an incomplete line and one read); parsing happens in
//!   `poll_output`, which can stop at a STARTTLS boundary or at a decision.
//! - Decisions are `#[must_use]` tokens in [`Event`]s, answered with [`Server::accept`] /
//!   [`Server::reject`] (AUTH questions with [`Server::answer_auth`]). While one is
//!   pending, no further command is parsed and `poll_output` returns
//!   [`Output::AwaitingDecision`] (after writing out the replies so far), so a program
//!   may answer from another task. A token that is not the pending one comes back in
//!   the `Err`.
//! - Replies collect in one buffer and are handed out as one [`Output::Transmit`] when
//!   the machine needs input, starts TLS, closes or awaits a decision: the replies to a
//!   pipelined group go out together, in command order (RFC 2920 §3.1).
//! - A broken session (too many bad commands, input pipelined after STARTTLS) is a
//!   sticky fatal [`Error`], see [`Server::error`]; the machine then writes what it
//!   still has (`421` where a reply fits) and asks to close.
//!
//! One module per job: `config` (what is offered, limits), `context` (the configuration
//! prepared once for many connections), `output` (what the caller
//! gets), `request` (decision tokens), `session` (state), `dispatch` (commands and the
//! effects of decisions), `content` (DATA and BDAT), `auth` (the bridge to
//! [`crate::sasl`]), `trace` (the redacted trace, [`ServerConfig::trace`]).

mod auth;
mod config;
mod content;
mod context;
mod dispatch;
mod output;
mod request;
mod session;
mod trace;

use std::collections::VecDeque;
use std::time::Duration;

use bytes::BytesMut;

pub use config::ServerConfig;
pub use context::ServerContext;
pub use output::{Event, Output};
pub use request::{
    AtrnRequest, AuthAnswer, AuthQuestion, AuthRequest, CommandRequest, DataStartRequest,
    EtrnRequest, ExpnRequest, HelloRequest, HelpRequest, MailRequest, MessageRequest, RcptRequest,
    Request, VrfyRequest,
};
pub use trace::{REDACTED, TraceDirection, TraceLine};

use crate::codec::CommandDecoder;
use crate::error::Error;
use crate::line::LineFramer;
use crate::sasl::{OsRandom, Randomness, ServerExchange};
use crate::types::{EnhancedCodes, Reply, ReplyClass};
use request::sealed::Sealed;
use session::{Decision, Phase, Session};

/// RFC 5321 §4.5.3.2.7: the server waits at least 5 minutes for the next command.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// RFC 5321 §4.5.3.2.5: 3 minutes for each block of content.
const DATA_BLOCK_TIMEOUT: Duration = Duration::from_secs(3 * 60);
/// RFC 5321 §4.5.3.2.6: the client waits 10 minutes for the reply to the end of data.
const DATA_TERMINATION_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// RFC 2645 §5.2.1: "The timeout for this command MUST be at least 10 minutes to allow
/// the provider time to process its mail queue": the wait around an ATRN.
const ATRN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The input buffer's first capacity: a pipelined group of commands (RFC 2920) or a small
/// message fits, in the one allocation the connection then reuses once the program has
/// dropped what it was handed (`Event::Data`, the values of decision tokens).
const INPUT_CAPACITY: usize = 2048;

/// The reply buffer's first capacity: the replies to a pipelined group, or an EHLO reply,
/// fit. Each `Output::Transmit` hands out what it holds; once the caller has dropped
/// those octets, the buffer reuses the same allocation.
const OUTPUT_CAPACITY: usize = 512;

/// The id of the next decision token, across all servers of the process.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// One SMTP server connection, sans I/O. See the [module docs](self) for the loop.
pub struct Server {
    context: ServerContext,
    decoder: CommandDecoder,
    /// Input not yet consumed: at most an incomplete line (or content) and one read.
    input: BytesMut,
    /// Replies not yet handed out.
    out: BytesMut,
    phase: Phase,
    session: Session,
    /// Events waiting behind others (trace lines, a reset transaction) or produced
    /// outside `poll_output` (by `answer_auth`), handed out first.
    events: VecDeque<Event>,
    /// What `poll_output` returns after the `Transmit` that flushes `out`.
    after_flush: Option<Output>,
    pending: Option<(u64, Decision)>,
    /// The last `poll_output` returned `NeedInput`.
    want_input: bool,
    eof: bool,
    error: Option<Error>,
    bad_commands: usize,
    /// The command line being read starts with `AUTH `: known at its start and kept while
    /// the decoder discards it as over-long, since RFC 4954 §4 gives an AUTH line over
    /// its limit a reply of its own (`500 5.5.6`).
    auth_line: bool,
    /// The decoder is discarding an over-long command line: the input's front is not a
    /// line's start.
    discarding_line: bool,
    /// Whether the session was refused at the greeting (RFC 5321 §3.1).
    refused: bool,
    /// ATRN was accepted: the roles turned (RFC 2645 §5.3).
    turned: bool,
    auth: Option<ServerExchange>,
    auth_framer: LineFramer,
    rng: Box<dyn Randomness + Send>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("phase", &self.phase)
            .field("session", &self.session)
            .field("pending", &self.pending)
            .field("buffered", &self.input.len())
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A session with its `220` greeting queued (RFC 5321 §3.1, §4.2).
    ///
    /// `context` is a [`ServerContext`] shared by the connections of one configuration
    /// (a clone is one reference-count increment), or a [`ServerConfig`], prepared then
    /// for this one connection.
    pub fn new(context: impl Into<ServerContext>) -> Server {
        let mut server = Server::with_context(context.into(), false);
        let start = server.out.len();
        server.out.extend_from_slice(server.context.greeting());
        server.trace_written(start);
        server
    }

    /// A session refused from the start (RFC 5321 §3.1): `reply` (a `554`, or a `421`
    /// for a temporary refusal) is the greeting, then every command but QUIT gets
    /// `503 5.5.1` and QUIT gets `221`. The connection is the caller's to close after a
    /// while if the client never says QUIT.
    pub fn refuse(context: impl Into<ServerContext>, reply: Reply) -> Server {
        let mut server = Server::with_context(context.into(), true);
        server.write_hello(&reply);
        server
    }

    fn with_context(context: ServerContext, refused: bool) -> Server {
        let commands = &context.config().commands;
        let decoder = CommandDecoder::new(commands.clone());
        let auth_framer = LineFramer::new(commands.max_auth_line, commands.line_ending);
        Server {
            context,
            decoder,
            input: BytesMut::with_capacity(INPUT_CAPACITY),
            out: BytesMut::with_capacity(OUTPUT_CAPACITY),
            phase: Phase::Command,
            session: Session::default(),
            events: VecDeque::new(),
            after_flush: None,
            pending: None,
            want_input: false,
            eof: false,
            error: None,
            bad_commands: 0,
            auth_line: false,
            discarding_line: false,
            refused,
            turned: false,
            auth: None,
            auth_framer,
            rng: Box::new(OsRandom),
        }
    }

    /// Replaces the source of the SASL nonces and challenges (default [`OsRandom`]).
    pub fn set_randomness(&mut self, rng: Box<dyn Randomness + Send>) {
        self.rng = rng;
    }

    /// The configuration in effect.
    pub fn config(&self) -> &ServerConfig {
        self.context.config()
    }

    /// Buffers octets read from the peer. Allowed only right after `poll_output` returned
    /// [`Output::NeedInput`]: otherwise `Err(Error::Misuse)` (or the session's fatal
    /// error, or [`Error::Closed`]) and nothing is buffered.
    pub fn handle_input(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if matches!(self.phase, Phase::Closed) {
            return Err(Error::Closed);
        }
        if !self.want_input {
            return Err(Error::Misuse("handle_input without Output::NeedInput"));
        }
        self.want_input = false;
        self.input.extend_from_slice(bytes);
        Ok(())
    }

    /// The peer closed its side. Content being received is aborted
    /// ([`Event::MessageAborted`]) and the machine asks to close.
    pub fn handle_eof(&mut self) {
        self.eof = true;
        self.want_input = false;
    }

    /// The transport finished the TLS handshake after [`Output::StartTls`]. Everything
    /// from before is forgotten (RFC 3207 §4.2): the client must say EHLO again, and
    /// STARTTLS is no longer offered.
    pub fn tls_established(&mut self) -> Result<(), Error> {
        if !matches!(self.phase, Phase::StartTls) {
            return Err(Error::Misuse("tls_established without Output::StartTls"));
        }
        self.session = Session { tls: true, ..Session::default() };
        self.phase = Phase::Command;
        self.decoder.reset();
        Ok(())
    }

    /// Ends the session from the server's side: `reply` (usually `421 4.3.2`, RFC 5321
    /// §3.8) is written and the machine asks to close: the next outputs are the
    /// [`Output::Transmit`] carrying it (with any replies not yet handed out) and
    /// [`Output::Close`], whatever was due before (a `StartTls`, a `NeedInput`). A pending
    /// decision is dropped. Content being received, or a message whose end the program
    /// was deciding, is aborted: [`Event::MessageAborted`] comes first.
    pub fn shutdown(&mut self, reply: Reply) {
        if matches!(self.phase, Phase::Closed) {
            return;
        }
        if self.in_content() || matches!(self.pending, Some((_, Decision::MessageEnd))) {
            self.events.push_back(Event::MessageAborted);
        }
        self.pending = None;
        // What was due after the last flush no longer is.
        self.after_flush = None;
        self.write(&reply);
        self.close();
    }

    /// How long the caller should wait for the peer now (RFC 5321 §4.5.3.2): 3 minutes
    /// within content (a DATA block, a BDAT chunk), 10 minutes at most for the program's
    /// answer to the end of a message (the client's wait for that reply, §4.5.3.2.6),
    /// 10 minutes while the program decides an ATRN (RFC 2645 §5.2.1: the timeout for
    /// ATRN is at least 10 minutes, while the provider processes its queue),
    /// 5 minutes for the next command otherwise (§4.5.3.2.7).
    pub fn read_timeout(&self) -> Duration {
        match (&self.phase, &self.pending) {
            (_, Some((_, Decision::MessageEnd))) => DATA_TERMINATION_TIMEOUT,
            (_, Some((_, Decision::Atrn))) => ATRN_TIMEOUT,
            (Phase::Data(_) | Phase::Bdat { .. }, _) => DATA_BLOCK_TIMEOUT,
            _ => COMMAND_TIMEOUT,
        }
    }

    /// The fatal error that broke the session, if any (sticky).
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Whether an accepted ATRN turned the roles (RFC 2645 §5.3): after the `250` the
    /// machine says [`Output::Close`], but the caller keeps the connection and runs the
    /// client side on it (the peer now says `220` ... and waits for EHLO).
    pub fn is_turned(&self) -> bool {
        self.turned
    }

    /// Whether the client is under TLS.
    pub fn is_tls(&self) -> bool {
        self.session.tls
    }

    /// Whether the client has authenticated.
    pub fn is_authenticated(&self) -> bool {
        self.session.authenticated
    }

    /// The next thing to do. Call it until [`Output::NeedInput`] (then read) or
    /// [`Output::Close`].
    pub fn poll_output(&mut self) -> Output {
        match self.after_flush.take() {
            // The decision may have been answered since the flush.
            Some(Output::AwaitingDecision) if self.pending.is_none() => {}
            Some(next) => return self.hand_out(next),
            None => {}
        }
        if let Some(event) = self.events.pop_front() {
            return Output::Event(event);
        }
        loop {
            match self.step() {
                None => {}
                Some(event @ Output::Event(_)) => return event,
                // The replies so far go first, in one piece (RFC 2920 §3.1).
                Some(next) if !self.out.is_empty() => {
                    self.after_flush = Some(next);
                    return Output::Transmit(self.out.split().freeze());
                }
                Some(next) => return self.hand_out(next),
            }
        }
    }

    fn hand_out(&mut self, next: Output) -> Output {
        if matches!(next, Output::NeedInput) {
            self.want_input = true;
        }
        next
    }

    /// One step: `Some` when the caller must act, `None` when progress was made.
    fn step(&mut self) -> Option<Output> {
        if let Some(event) = self.events.pop_front() {
            return Some(Output::Event(event));
        }
        if self.pending.is_some() {
            return Some(Output::AwaitingDecision);
        }
        let next = match &self.phase {
            Phase::Closed => return Some(Output::Close),
            Phase::StartTls if self.eof => {
                self.close();
                return Some(Output::Close);
            }
            Phase::StartTls => return Some(Output::StartTls),
            Phase::Command => self.step_command(),
            Phase::Data(_) => self.step_data(),
            Phase::Bdat { .. } => self.step_bdat(),
            Phase::AuthResponse => self.step_auth(),
        };
        match next {
            Some(Output::NeedInput) if self.eof => self.on_eof(),
            next => next,
        }
    }

    /// The peer is gone: abort content in progress, then close.
    fn on_eof(&mut self) -> Option<Output> {
        let in_content = self.in_content();
        self.close();
        in_content.then_some(Output::Event(Event::MessageAborted))
    }

    /// Whether content is being received: a DATA block, a BDAT chunk being taken, or a
    /// BDAT transaction between its chunks (RFC 3030 §2).
    fn in_content(&self) -> bool {
        match &self.phase {
            Phase::Data(_) => true,
            Phase::Bdat { refused, .. } => refused.is_none(),
            _ => self.session.transaction.as_ref().is_some_and(|t| t.bdat),
        }
    }

    /// Accepts a decision with the default reply (see each [`Event`]). `Err(req)` when
    /// `req` is not the pending decision, or for a [`CommandRequest`], which has no
    /// default reply.
    pub fn accept<R: Request>(&mut self, req: R) -> Result<(), R> {
        if matches!(self.pending, Some((_, Decision::Command))) {
            return Err(req);
        }
        let decision = self.take_pending(&req).ok_or(req)?;
        self.decided(decision, true, None);
        Ok(())
    }

    /// Accepts a decision with the program's own positive `reply` (for example
    /// `250 2.0.0 Queued as 4F2A` at the end of a message). The reply must be of the class
    /// that means "accepted" for this decision (RFC 5321 §4.3.2): `3yz` for the start of
    /// DATA (`354`), `2yz` for every other (for the first BDAT chunk the reply goes
    /// unused: the chunk's own reply follows its octets, RFC 3030 §2). `Err(req)` when
    /// `req` is not the pending decision or the reply is of another class; the decision
    /// is then still pending.
    pub fn accept_with<R: Request>(&mut self, req: R, reply: Reply) -> Result<(), R> {
        if !self.pending.as_ref().is_some_and(|(_, d)| d.accepted_by(reply.code())) {
            return Err(req);
        }
        let decision = self.take_pending(&req).ok_or(req)?;
        self.decided(decision, true, Some(reply));
        Ok(())
    }

    /// Refuses a decision with `reply`, a `4yz` or `5yz` (RFC 5321 §4.2.1; the session
    /// goes on). `Err(req)` when `req` is not the pending decision or the reply is
    /// positive (a `2yz` or `3yz` would tell the client the command succeeded while the
    /// machine acts as if it failed); the decision is then still pending.
    pub fn reject<R: Request>(&mut self, req: R, reply: Reply) -> Result<(), R> {
        if !matches!(
            reply.code().class(),
            ReplyClass::TransientNegative | ReplyClass::PermanentNegative
        ) {
            return Err(req);
        }
        let decision = self.take_pending(&req).ok_or(req)?;
        self.decided(decision, false, Some(reply));
        Ok(())
    }

    /// Answers the end of a message with one reply per recipient, in the order of
    /// [`MessageRequest::recipients`] (LMTP, RFC 2033 §4.2: a `250` for each recipient
    /// that got the message, a 4xx or 5xx for each that did not); in SMTP with exactly one
    /// reply. `Err(req)` when `req` is not the pending decision or the number of replies
    /// is not the number of recipients.
    pub fn accept_each(
        &mut self,
        req: MessageRequest,
        replies: Vec<Reply>,
    ) -> Result<(), MessageRequest> {
        if replies.len() != req.recipients().len().max(1) || self.take_pending(&req).is_none() {
            return Err(req);
        }
        self.session.transaction = None;
        for reply in &replies {
            self.write(reply);
        }
        Ok(())
    }

    fn take_pending<R: Sealed>(&mut self, req: &R) -> Option<Decision> {
        let (id, kind) = req.ticket();
        match &self.pending {
            Some((pending, decision)) if *pending == id && decision.kind() == kind => {
                self.pending.take().map(|(_, d)| d)
            }
            _ => None,
        }
    }

    /// Hands out a decision token: the next id, and the decision to remember.
    fn ask(&mut self, decision: Decision) -> u64 {
        // Ids are unique in the process, so a token from another server never matches.
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.pending = Some((id, decision));
        id
    }

    /// Writes a reply, with enhanced codes when they are offered (RFC 2034).
    fn write(&mut self, reply: &Reply) {
        let mode = EnhancedCodes::for_server(self.config().enhanced_status_codes, false);
        let start = self.out.len();
        reply.encode_with(&mut self.out, mode);
        self.trace_written(start);
    }

    /// Writes the greeting or a reply to HELO/EHLO: never an enhanced code (RFC 2034 §3).
    fn write_hello(&mut self, reply: &Reply) {
        let start = self.out.len();
        reply.encode_with(&mut self.out, EnhancedCodes::Omit);
        self.trace_written(start);
    }

    fn close(&mut self) {
        self.phase = Phase::Closed;
        self.pending = None;
        self.auth = None;
        self.input = BytesMut::new();
    }

    fn fatal(&mut self, error: Error) {
        self.error = Some(error);
        self.close();
    }

    /// Octets of input buffered and not yet consumed: never more than the line limit
    /// (or a little content) plus one read.
    pub fn buffered(&self) -> usize {
        self.input.len()
    }
}
