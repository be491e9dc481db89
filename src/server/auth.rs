//! The bridge between AUTH (RFC 4954) and the SASL exchanges of [`crate::sasl`]: 334
//! challenges in base64, client responses, and the questions the exchange asks the
//! program, as [`AuthRequest`] tokens.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::BufMut;

use crate::error::DecodeErrorKind;
use crate::sasl::{ReplyClass, ServerExchange, ServerStep};
use crate::types::{EnhancedStatusCode, InitialResponse, Mechanism, Reply, ReplyCode, replies};

use super::Server;
use super::output::{Event, Output};
use super::request::{AuthAnswer, AuthQuestion, AuthRequest};
use super::session::{Decision, Phase};

/// The mechanism of an `AUTH mechanism initial-response` line at the front of `input`
/// (its verb already known to be AUTH), when the mechanism is well formed and an initial
/// response follows it: if such a line does not parse, its response is not base64.
pub(super) fn initial_response_mechanism(input: &[u8]) -> Option<Mechanism> {
    let end = input.iter().position(|&b| b == b'\n')?;
    let args = input[..end].get(5..)?;
    let space = args.iter().position(|&b| b == b' ')?;
    Mechanism::parse(&args[..space])
}

/// `501 5.7.0`: the client cancelled the exchange with `*` (RFC 4954 §4).
const CANCELLED: Reply = Reply::from_static_enhanced(
    ReplyCode::PARAMETER_SYNTAX_ERROR,
    EnhancedStatusCode::OTHER_SECURITY,
    "Authentication cancelled",
);

impl Server {
    /// `AUTH mechanism [initial-response]` (RFC 4954 §4).
    pub(super) fn auth_command(
        &mut self,
        mechanism: &Mechanism,
        initial_response: Option<&InitialResponse>,
    ) -> Option<Output> {
        if let Some(reply) = self.auth_refusal(mechanism) {
            self.write(&reply);
            return None;
        }
        let initial = match initial_response.map(InitialResponse::decode) {
            None => None,
            Some(Ok(octets)) => Some(octets),
            Some(Err(_)) => {
                self.write(&ReplyClass::Malformed.reply());
                return None;
            }
        };
        let mut exchange =
            match ServerExchange::new(mechanism, &self.context.config().sasl, &mut *self.rng) {
                Ok(exchange) => exchange,
                Err(e) => {
                    self.write(&e.reply());
                    return None;
                }
            };
        let step = exchange.start(initial.as_deref());
        self.auth = Some(exchange);
        self.auth_step(step)
    }

    /// An AUTH line that names a well-formed mechanism but whose initial response is not
    /// base64 (the parser refused it): RFC 4954 §4, "If the client's initial response
    /// ... is not valid base64, the server MUST reject the AUTH command with 501 5.5.2".
    /// A failed exchange, not a bad command; the refusals of AUTH itself come first.
    pub(super) fn auth_bad_initial_response(&mut self, mechanism: &Mechanism) {
        let reply = self.auth_refusal(mechanism).unwrap_or(ReplyClass::Malformed.reply());
        self.write(&reply);
    }

    /// Why AUTH with this mechanism is refused now, if it is.
    fn auth_refusal(&self, mechanism: &Mechanism) -> Option<Reply> {
        let c = self.context.config();
        if c.auth_mechanisms.is_empty() {
            // DESIGN.md: a withheld extension's verb.
            Some(replies::COMMAND_NOT_IMPLEMENTED)
        } else if self.session.hello != Some(true)
            || self.session.authenticated
            || self.session.transaction.is_some()
        {
            // RFC 4954 §4: after EHLO, once per session, not during a transaction.
            Some(replies::BAD_SEQUENCE)
        } else if mechanism.is_plaintext()
            && c.auth_mechanisms.contains(mechanism)
            && !self.session.tls
            && !c.auth_plaintext_without_tls
        {
            Some(replies::ENCRYPTION_REQUIRED)
        } else if !c.auth_offered(self.session.tls).contains(mechanism) {
            Some(ReplyClass::UnsupportedMechanism.reply())
        } else {
            None
        }
    }

    /// One line of the exchange: a response to a 334 challenge.
    pub(super) fn step_auth(&mut self) -> Option<Output> {
        let line = match self.auth_framer.next_line(&mut self.input) {
            Ok(Some(line)) => line,
            Ok(None) => return Some(Output::NeedInput),
            Err(e) => {
                self.trace_auth_response();
                self.auth = None;
                self.phase = Phase::Command;
                self.decoder.reset();
                let reply = match e.kind() {
                    // RFC 4954 §4: 500 5.5.6 for a line over 12288 octets.
                    DecodeErrorKind::LineTooLong => replies::AUTH_LINE_TOO_LONG,
                    _ => ReplyClass::Malformed.reply(),
                };
                self.write(&reply);
                return None;
            }
        };
        self.trace_auth_response();
        self.phase = Phase::Command;
        self.decoder.reset();
        // Without an exchange (it cannot happen) the line is simply dropped.
        let exchange = self.auth.as_mut()?;
        if &line[..] == b"*" {
            self.auth = None;
            self.write(&CANCELLED);
            return None;
        }
        let step = match BASE64.decode(&line[..]) {
            Ok(response) => exchange.step(&response),
            Err(_) => {
                self.auth = None;
                self.write(&ReplyClass::Malformed.reply());
                return None;
            }
        };
        self.auth_step(step)
    }

    /// Acts on what the exchange says next.
    fn auth_step(&mut self, step: ServerStep) -> Option<Output> {
        let question = match step {
            ServerStep::Challenge(challenge) => {
                let start = self.out.len();
                self.out.put_slice(b"334 ");
                self.out.put_slice(BASE64.encode(challenge).as_bytes());
                self.out.put_slice(b"\r\n");
                self.trace_written(start);
                self.phase = Phase::AuthResponse;
                self.auth_framer.reset();
                return None;
            }
            ServerStep::Success(outcome) => {
                self.auth = None;
                self.session.authenticated = true;
                self.write(&replies::AUTH_SUCCEEDED);
                return self.emit(Event::Authenticated(outcome));
            }
            ServerStep::Failure(e) => {
                self.auth = None;
                self.write(&e.reply());
                return None;
            }
            ServerStep::VerifyPassword(check) => AuthQuestion::VerifyPassword(check),
            ServerStep::NeedPassword(lookup) => AuthQuestion::NeedPassword(lookup),
            ServerStep::NeedScramCredentials(lookup) => AuthQuestion::NeedScramCredentials(lookup),
            ServerStep::VerifyToken(check) => AuthQuestion::VerifyToken(check),
        };
        let id = self.ask(Decision::Auth);
        self.emit(Event::Auth(AuthRequest { id, question }))
    }

    /// Answers a question of the AUTH exchange. `Err(req)` when `req` is not the pending
    /// question. An answer of the wrong kind fails the exchange (`454 4.7.0`).
    pub fn answer_auth(&mut self, req: AuthRequest, answer: AuthAnswer) -> Result<(), AuthRequest> {
        let (id, _) = req.ticket();
        match &self.pending {
            Some((pending, Decision::Auth)) if *pending == id => self.pending = None,
            _ => return Err(req),
        }
        let Some(exchange) = self.auth.as_mut() else { return Ok(()) };
        let step = match answer {
            AuthAnswer::PasswordVerified(ok) => exchange.password_verified(ok),
            AuthAnswer::Password(password) => exchange.provide_password(password),
            AuthAnswer::ScramCredentials(creds) => exchange.provide_scram_credentials(creds),
            AuthAnswer::Token(verdict) => exchange.token_verified(verdict),
        };
        // Outside `poll_output`: an event for the program waits in the queue.
        if let Some(Output::Event(event)) = self.auth_step(step) {
            self.events.push_back(event);
        }
        Ok(())
    }
}
