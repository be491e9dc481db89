//! Commands: order (RFC 5321 §4.1.4), which extensions are in effect, the decisions they
//! raise, and what the answers to those decisions do.

use crate::data::DotUnstuffer;
use crate::error::{DecodeErrorKind, Error};
use crate::types::{
    Body, ByMode, Command, EnhancedStatusCode, Hold, MailParameters, RcptParameters, Reply,
    ReplyCode, replies,
};

use super::Server;
use super::output::{Event, Output};
use super::request::{
    AtrnRequest, CommandRequest, DataStartRequest, EtrnRequest, ExpnRequest, HelloRequest,
    HelpRequest, MailRequest, MessageRequest, RcptRequest, VrfyRequest,
};
use super::session::{Decision, Phase, Transaction};

/// `553 5.6.7`: a UTF-8 address in a transaction without SMTPUTF8 (RFC 6531 §3.7.4.2).
const NON_ASCII_ADDRESS: Reply = Reply::from_static_enhanced(
    ReplyCode::MAILBOX_NAME_NOT_ALLOWED,
    EnhancedStatusCode::NON_ASCII_ADDRESS_NOT_PERMITTED,
    "SMTPUTF8 required for this address",
);

/// `555 5.5.4`: a `BY=` with mode R and a by-time below the advertised min-by-time
/// (RFC 2852 §3: "rejected with a permanent failure (55z)"; §4: `555`, with a 5.X.X
/// enhanced code).
const BY_TIME_TOO_SHORT: Reply = Reply::from_static_enhanced(
    ReplyCode::PARAMETERS_NOT_RECOGNIZED,
    EnhancedStatusCode::INVALID_COMMAND_ARGUMENTS,
    "BY time below the minimum by-time",
);

/// `501 5.5.4`: a hold beyond the advertised limits (RFC 4865 §3, items 7, 8, 10, 11).
const HOLD_TOO_LONG: Reply = Reply::from_static_enhanced(
    ReplyCode::PARAMETER_SYNTAX_ERROR,
    EnhancedStatusCode::INVALID_COMMAND_ARGUMENTS,
    "Hold beyond the max future release",
);

/// `503 5.5.1 Send EHLO first`: the verb of an extension before EHLO (LHLO in LMTP), or
/// after HELO: extensions are in effect only after EHLO (RFC 5321 §4.1.1.1, RFC 3030 §2,
/// RFC 3207 §4, RFC 1985 §5, RFC 2645 §5).
const SEND_EHLO_FIRST: Reply = Reply::from_static_enhanced(
    ReplyCode::BAD_SEQUENCE,
    EnhancedStatusCode::INVALID_COMMAND,
    "Send EHLO first",
);

/// `421 4.7.0`: commands pipelined after STARTTLS (RFC 3207 §5), in place of the `220`.
const STARTTLS_INJECTION: Reply = Reply::from_static_enhanced(
    ReplyCode::SERVICE_NOT_AVAILABLE,
    EnhancedStatusCode::OTHER_SECURITY,
    "Input after STARTTLS, closing",
);

/// `250 2.0.0 Queuing started`: ETRN accepted (RFC 1985 §5).
const QUEUING_STARTED: Reply =
    Reply::from_static_enhanced(ReplyCode::OK, EnhancedStatusCode::OK, "Queuing started");

/// `250 2.0.0 OK now reversing the connection`: ATRN accepted (RFC 2645 §6).
const TURNING: Reply = Reply::from_static_enhanced(
    ReplyCode::OK,
    EnhancedStatusCode::OK,
    "OK now reversing the connection",
);

impl Server {
    /// Reads and handles one command line. `Some` when the caller must act.
    pub(super) fn step_command(&mut self) -> Option<Output> {
        let line = self.peek_command_line();
        if !self.discarding_line {
            self.auth_line = super::trace::is_auth(&self.input);
        }
        // Only an AUTH line's mechanism is looked at before it is parsed (RFC 4954 §4).
        let auth_mechanism = match self.auth_line && !self.discarding_line {
            true => super::auth::initial_response_mechanism(&self.input),
            false => None,
        };
        let buffered = self.input.len();
        let decoded = self.decoder.decode(&mut self.input);
        // Octets consumed with no whole line: the decoder discards an over-long one.
        self.discarding_line =
            matches!(decoded, Ok(None)) && (self.discarding_line || self.input.len() < buffered);
        match &decoded {
            Ok(None) => {}
            // Part of an over-long line may have been discarded in earlier steps: what is
            // buffered is its tail, which may be the middle of an AUTH response.
            Err(e) if e.kind() == DecodeErrorKind::LineTooLong => self.trace_read(Some(
                bytes::Bytes::from_static(super::trace::LINE_TOO_LONG.as_bytes()),
            )),
            _ => self.trace_read(line),
        }
        let cmd = match decoded {
            Ok(Some(cmd)) => cmd,
            Ok(None) => return Some(Output::NeedInput),
            Err(_) if self.refused => {
                self.bad_command(&replies::BAD_SEQUENCE);
                return None;
            }
            // RFC 4954 §4: an AUTH line over 12288 octets is `500 5.5.6`.
            Err(e) if e.kind() == DecodeErrorKind::LineTooLong && self.auth_line => {
                self.bad_command(&replies::AUTH_LINE_TOO_LONG);
                return None;
            }
            Err(e) => match auth_mechanism {
                Some(mechanism) if e.kind() == DecodeErrorKind::Syntax => {
                    self.auth_bad_initial_response(&mechanism);
                    return None;
                }
                _ => {
                    self.bad_command(&e.reply());
                    return None;
                }
            },
        };
        self.command(cmd)
    }

    /// Counts a bad command (unknown verb, syntax error) and answers it; past the limit
    /// the session ends with `421 4.7.0` (DESIGN.md).
    pub(super) fn bad_command(&mut self, reply: &Reply) {
        self.bad_commands += 1;
        if self.bad_commands > self.context.config().max_bad_commands {
            self.write(&replies::SERVICE_NOT_AVAILABLE);
            self.fatal(Error::LimitExceeded("too many bad commands"));
        } else {
            self.write(reply);
        }
    }

    fn command(&mut self, cmd: Command) -> Option<Output> {
        // RFC 3030 §2: only the BDAT chunks right after a failed one belong to its
        // failed transaction; any other command ends that.
        let failed_chunks = self.session.failed_chunks.take();
        if self.refused {
            // RFC 5321 §3.1: after a 554 greeting, only QUIT is served.
            match cmd {
                Command::Quit => self.quit(),
                _ => self.write(&replies::BAD_SEQUENCE),
            }
            return None;
        }
        let before_tls = self.context.config().tls_required && !self.session.tls;
        if before_tls
            && !matches!(
                cmd,
                Command::Ehlo(_)
                    | Command::Helo(_)
                    | Command::Lhlo(_)
                    | Command::Noop(_)
                    | Command::Rset
                    | Command::Quit
                    | Command::StartTls
            )
        {
            // RFC 3207 §4: 530 until STARTTLS.
            return self.refuse_command(&cmd, replies::STARTTLS_REQUIRED);
        }
        match cmd {
            // RFC 2033 §4.1: an LMTP server answers HELO and EHLO with 500, and only
            // LMTP knows LHLO.
            Command::Helo(_) | Command::Ehlo(_) | Command::Lhlo(_)
                if self.context.config().lmtp != matches!(cmd, Command::Lhlo(_)) =>
            {
                self.bad_command(&replies::COMMAND_UNRECOGNIZED);
                None
            }
            Command::Helo(host) => self.hello(host, false),
            Command::Ehlo(host) | Command::Lhlo(host) => self.hello(host, true),
            Command::Mail { reverse_path, params } => self.mail(reverse_path, params),
            Command::Rcpt { forward_path, params } => self.rcpt(forward_path, params),
            Command::Data => self.data(),
            Command::Bdat { size, last } => self.bdat(size, last, failed_chunks),
            Command::Rset => {
                self.reset_transaction();
                self.write(&replies::OK);
                None
            }
            Command::Noop(_) => {
                self.write(&replies::OK);
                None
            }
            Command::Quit => {
                self.quit();
                None
            }
            Command::Vrfy(argument) => {
                let id = self.ask(Decision::Vrfy);
                self.emit(Event::Vrfy(VrfyRequest { id, argument }))
            }
            Command::Expn(argument) if self.context.config().expn => {
                let id = self.ask(Decision::Expn);
                self.emit(Event::Expn(ExpnRequest { id, argument }))
            }
            Command::Help(topic) => {
                let id = self.ask(Decision::Help);
                self.emit(Event::Help(HelpRequest { id, topic }))
            }
            Command::Etrn(etrn) if self.context.config().etrn => {
                if !self.session.extended() {
                    // RFC 1985 §5: ETRN after EHLO.
                    self.write(&SEND_EHLO_FIRST);
                    return None;
                }
                if self.session.transaction.is_some() {
                    // RFC 1985 §5: outside a transaction.
                    self.write(&replies::BAD_SEQUENCE);
                    return None;
                }
                let id = self.ask(Decision::Etrn);
                self.emit(Event::Etrn(EtrnRequest { id, etrn }))
            }
            Command::StartTls => {
                self.starttls();
                None
            }
            Command::Atrn(domains) if self.context.config().atrn => self.atrn(domains),
            Command::Auth { mechanism, initial_response } => {
                self.auth_command(&mechanism, initial_response.as_ref())
            }
            // Verbs of extensions withheld: 502 5.5.1 (DESIGN.md).
            Command::Expn(_) | Command::Etrn(_) | Command::Atrn(_) => {
                self.write(&replies::COMMAND_NOT_IMPLEMENTED);
                None
            }
            // The program's own extensions (RFC 5321 §4.1.1.1: in effect after EHLO).
            Command::Unknown(command) if self.context.config().extra_keyword(command.verb()) => {
                if !self.session.extended() {
                    self.write(&SEND_EHLO_FIRST);
                    return None;
                }
                let id = self.ask(Decision::Command);
                self.emit(Event::Command(CommandRequest { id, command }))
            }
            Command::Unknown(_) => {
                self.bad_command(&replies::COMMAND_UNRECOGNIZED);
                None
            }
        }
    }

    /// Answers a command with `reply` without running it; a BDAT's chunk is drained
    /// first so its octets are never read as commands (RFC 3030 §2).
    fn refuse_command(&mut self, cmd: &Command, reply: Reply) -> Option<Output> {
        match *cmd {
            Command::Bdat { size, last } => self.drain_chunk(size, last, reply, 1),
            _ => self.write(&reply),
        }
        None
    }

    fn quit(&mut self) {
        // RFC 5321 §4.2: the 221 names the server; the context prepared it.
        let start = self.out.len();
        self.out.extend_from_slice(self.context.bye());
        self.trace_written(start);
        self.close();
    }

    /// Hands out an event: at once when none is queued before it (`step` returns it),
    /// else queued behind those, which `step` hands out first.
    pub(super) fn emit(&mut self, event: Event) -> Option<Output> {
        if self.events.is_empty() {
            return Some(Output::Event(event));
        }
        self.events.push_back(event);
        None
    }

    /// Drops the open transaction (RSET, EHLO, HELO, after a message); the program hears
    /// of it when one was open.
    pub(super) fn reset_transaction(&mut self) {
        if self.session.transaction.take().is_some() {
            self.events.push_back(Event::TransactionReset);
        }
    }

    fn hello(&mut self, host: crate::types::Host, extended: bool) -> Option<Output> {
        // RFC 5321 §4.1.4: EHLO and HELO reset the transaction.
        self.reset_transaction();
        let id = self.ask(Decision::Hello { extended, client: host.clone() });
        self.emit(Event::Hello(HelloRequest { id, host, extended }))
    }

    fn mail(
        &mut self,
        reverse_path: crate::types::ReversePath,
        params: MailParameters,
    ) -> Option<Output> {
        let reply = if self.session.hello.is_none() || self.session.transaction.is_some() {
            Some(replies::BAD_SEQUENCE)
        } else if self.context.config().auth_required && !self.session.authenticated {
            Some(replies::AUTH_REQUIRED)
        } else if !self.mail_params_in_effect(&params) {
            Some(replies::PARAMETERS_NOT_RECOGNIZED)
        } else if matches!(
            (params.size(), self.context.config().max_message_size),
            (Some(size), Some(max)) if size > max
        ) {
            // RFC 1870 §6.1: the declared size is over the fixed limit.
            Some(replies::MESSAGE_TOO_BIG)
        } else if self.by_time_too_short(&params) {
            Some(BY_TIME_TOO_SHORT)
        } else if self.hold_too_long(&params) {
            Some(HOLD_TOO_LONG)
        } else {
            None
        };
        if let Some(reply) = reply {
            self.write(&reply);
            return None;
        }
        let transaction = Transaction {
            smtputf8: params.smtputf8(),
            binary: params.body() == Some(Body::BinaryMime),
            ..Transaction::default()
        };
        let id = self.ask(Decision::Mail(transaction));
        self.emit(Event::Mail(MailRequest { id, reverse_path, params }))
    }

    /// Whether every parameter belongs to an extension in effect (offered, after EHLO);
    /// anything else is `555 5.5.4` (DESIGN.md). Unknown parameters belong to none.
    fn mail_params_in_effect(&self, p: &MailParameters) -> bool {
        let c = self.context.config();
        let on = |offered: bool| self.session.extended() && offered;
        let body = match p.body() {
            None => true,
            Some(Body::BinaryMime) => on(c.binary_mime_offered()),
            Some(_) => on(c.eight_bit_mime),
        };
        body && (p.size().is_none() || on(c.size))
            && (!p.smtputf8() || on(c.smtputf8))
            && (p.ret().is_none() && p.envid().is_none() || on(c.dsn))
            && (p.auth().is_none() || on(!c.auth_mechanisms.is_empty()))
            && (p.by().is_none() || on(c.deliver_by.is_some()))
            && (p.hold().is_none() || on(c.future_release.is_some()))
            && (p.mt_priority().is_none() || on(c.mt_priority.is_some()))
            && (!p.requiretls() || on(c.requiretls && self.session.tls))
            && self.extra_parameters(p.others())
    }

    /// Whether every parameter without a typed field belongs to one of the program's own
    /// extensions, in effect after EHLO; any other is `555 5.5.4` (DESIGN.md).
    fn extra_parameters(&self, others: &[crate::types::Parameter]) -> bool {
        others.is_empty()
            || self.session.extended()
                && others.iter().all(|p| self.context.config().extra_keyword(p.keyword()))
    }

    /// RFC 2852 §3, §4: with by-mode R, a by-time strictly less than the advertised
    /// min-by-time is refused (`Some(0)` advertises none, so nothing is below it). Mode N
    /// is never refused for its by-time (§4: zero or negative is not an error).
    fn by_time_too_short(&self, p: &MailParameters) -> bool {
        match (p.by(), self.context.config().deliver_by) {
            (Some(by), Some(min)) => {
                by.mode() == ByMode::Return && i64::from(by.time()) < min as i64
            }
            _ => false,
        }
    }

    /// RFC 4865 §3 items 7 and 8: a `HOLDFOR=` greater than the advertised
    /// max-future-release-interval, or a `HOLDUNTIL=` later than the advertised
    /// max-future-release-date-time, is refused. Both compare with what was advertised,
    /// so no clock is read (keeping the advertised date-time current is the caller's).
    fn hold_too_long(&self, p: &MailParameters) -> bool {
        match (p.hold(), &self.context.config().future_release) {
            (Some(Hold::For(seconds)), Some((max_interval, _))) => {
                u64::from(*seconds) > *max_interval
            }
            (Some(Hold::Until(until)), Some((_, max_datetime))) => {
                match (utc_instant(until.as_ref()), utc_instant(max_datetime)) {
                    (Some(until), Some(max)) => until > max,
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn rcpt(
        &mut self,
        forward_path: crate::types::ForwardPath,
        params: RcptParameters,
    ) -> Option<Output> {
        let dsn = params.notify().is_none() && params.orcpt().is_none()
            || self.session.extended() && self.context.config().dsn;
        let reply = match &self.session.transaction {
            None => replies::BAD_SEQUENCE,
            Some(t) if t.bdat => replies::BAD_SEQUENCE,
            Some(_) if !dsn || !self.extra_parameters(params.others()) => {
                replies::PARAMETERS_NOT_RECOGNIZED
            }
            Some(t) if forward_path.needs_smtputf8() && !t.smtputf8 => NON_ASCII_ADDRESS,
            Some(t) if t.recipients >= self.context.config().max_recipients => {
                replies::TOO_MANY_RECIPIENTS
            }
            Some(_) => {
                let lmtp = self.context.config().lmtp.then(|| forward_path.clone());
                let id = self.ask(Decision::Rcpt { lmtp });
                let req = RcptRequest { id, forward_path, params };
                return self.emit(Event::Rcpt(req));
            }
        };
        self.write(&reply);
        None
    }

    fn data(&mut self) -> Option<Output> {
        let reply = match &self.session.transaction {
            // RFC 3030 §3: BINARYMIME content only by BDAT; no DATA after BDAT.
            None => replies::BAD_SEQUENCE,
            Some(t) if t.bdat || t.binary => replies::BAD_SEQUENCE,
            // RFC 2033 §4.2: in LMTP, DATA without an accepted recipient is 503.
            Some(t) if t.recipients == 0 && self.context.config().lmtp => replies::BAD_SEQUENCE,
            Some(t) if t.recipients == 0 => replies::NO_VALID_RECIPIENTS,
            Some(_) => {
                let id = self.ask(Decision::DataStart { bdat: None });
                return self.emit(Event::DataStart(DataStartRequest { id, bdat: false }));
            }
        };
        self.write(&reply);
        None
    }

    /// BDAT (RFC 3030 §2); `failed_chunks`: the chunk before it failed its transaction.
    fn bdat(
        &mut self,
        size: u64,
        last: bool,
        failed_chunks: Option<(Reply, usize)>,
    ) -> Option<Output> {
        if !self.context.config().chunking {
            // DESIGN.md: a withheld verb is 502 and nothing after it is drained.
            self.write(&replies::COMMAND_NOT_IMPLEMENTED);
            return None;
        }
        if !self.session.extended() {
            // RFC 3030 §2: CHUNKING is in effect after EHLO only; the chunk is still read,
            // never executed as commands.
            return self.refuse_command(&Command::Bdat { size, last }, SEND_EHLO_FIRST);
        }
        if let Some((reply, recipients)) = failed_chunks {
            // RFC 3030 §2: a chunk pipelined after a failed one is drained and gets the
            // same reply; the LAST one, in LMTP, once per recipient (RFC 2033 §4.3), as
            // the client counts them.
            self.drain_failed_chunk(size, last, reply, recipients);
            return None;
        }
        let (started, taken) = match &self.session.transaction {
            None => {
                return self.refuse_command(&Command::Bdat { size, last }, replies::BAD_SEQUENCE);
            }
            Some(t) if t.recipients == 0 && last && self.context.config().lmtp => {
                // RFC 2033 §4.3: "If there were no previously successful RCPT commands
                // in the mail transaction, then the BDAT LAST command returns zero
                // replies"; the transaction ends with it.
                self.drain_chunk(size, last, replies::NO_VALID_RECIPIENTS, 0);
                self.session.transaction = None;
                return None;
            }
            Some(t) if t.recipients == 0 => {
                self.drain_chunk(size, last, replies::NO_VALID_RECIPIENTS, 1);
                return None;
            }
            Some(t) => (t.bdat, t.size),
        };
        if let Some(max) = self.context.config().max_message_size
            && taken.saturating_add(size) > max
        {
            // RFC 1870 §6.2, RFC 3030 §2: drain the chunk, refuse the message.
            if started {
                self.events.push_back(Event::MessageAborted);
            }
            self.fail_chunk(size, last, replies::MESSAGE_TOO_BIG);
            return None;
        }
        if started {
            self.take_chunk(size, last);
            return None;
        }
        let id = self.ask(Decision::DataStart { bdat: Some((size, last)) });
        self.emit(Event::DataStart(DataStartRequest { id, bdat: true }))
    }

    /// ATRN (RFC 2645 §5.2.1): only after AUTH (`530`), outside a transaction.
    fn atrn(&mut self, domains: Vec<crate::types::Domain>) -> Option<Output> {
        if !self.session.extended() {
            // RFC 2645 §5: an extension, in effect after EHLO.
            self.write(&SEND_EHLO_FIRST);
        } else if !self.session.authenticated {
            self.write(&replies::AUTH_REQUIRED);
        } else if self.session.transaction.is_some() {
            self.write(&replies::BAD_SEQUENCE);
        } else {
            let id = self.ask(Decision::Atrn);
            return self.emit(Event::Atrn(AtrnRequest { id, domains }));
        }
        None
    }

    fn starttls(&mut self) {
        if !self.context.config().starttls || self.session.tls {
            // Not offered (or already under TLS, RFC 3207 §4.2): 502 (DESIGN.md).
            self.write(&replies::COMMAND_NOT_IMPLEMENTED);
            return;
        }
        if !self.session.extended() {
            // RFC 3207 §4: STARTTLS is an extension, in effect after EHLO.
            self.write(&SEND_EHLO_FIRST);
            return;
        }
        if !self.input.is_empty() {
            // RFC 3207 §5, CVE-2011-0411: the client must wait for the 220; what it
            // pipelined after STARTTLS would run as if it came over TLS. The 220 is not
            // written: the client reads 421 in its place (RFC 5321 §3.8), so it neither
            // starts TLS nor takes its pipelined commands for accepted, and the session
            // ends (DESIGN.md: "with 421 where a reply still fits").
            self.write(&STARTTLS_INJECTION);
            self.fatal(Error::StartTlsInjection);
            return;
        }
        self.reset_transaction();
        self.write(&replies::READY_TO_START_TLS);
        self.phase = Phase::StartTls;
    }

    /// Acts on the program's answer: `accepted`, with `reply` in place of the default one
    /// when given.
    pub(super) fn decided(&mut self, decision: Decision, accepted: bool, reply: Option<Reply>) {
        match decision {
            Decision::Hello { extended, client } => {
                if accepted {
                    self.session.hello = Some(extended);
                }
                match reply {
                    Some(reply) => self.write_hello(&reply),
                    None => self.write_hello_reply(extended, &client),
                }
            }
            Decision::Mail(transaction) => {
                if accepted {
                    self.session.transaction = Some(transaction);
                }
                self.write(&reply.unwrap_or(replies::SENDER_OK));
            }
            Decision::Rcpt { lmtp } => {
                if let (true, Some(t)) = (accepted, self.session.transaction.as_mut()) {
                    t.recipients += 1;
                    t.lmtp_recipients.extend(lmtp);
                }
                self.write(&reply.unwrap_or(replies::RECIPIENT_OK));
            }
            Decision::DataStart { bdat: None } => {
                self.write(&reply.unwrap_or(replies::START_MAIL_INPUT));
                if accepted {
                    let unstuffer = DotUnstuffer::new(self.context.config().data.clone());
                    self.phase = Phase::Data(unstuffer);
                }
            }
            Decision::DataStart { bdat: Some((size, last)) } => match (accepted, reply) {
                (true, _) => {
                    if let Some(t) = self.session.transaction.as_mut() {
                        t.bdat = true;
                    }
                    self.take_chunk(size, last);
                }
                (false, reply) => {
                    // RFC 3030 §2: the refused transaction's chunk is still read.
                    self.fail_chunk(size, last, reply.unwrap_or(replies::TRANSACTION_FAILED));
                }
            },
            Decision::MessageEnd => {
                // RFC 5321 §4.1.1.4: the transaction ends with the reply either way.
                self.write_message_reply(&reply.unwrap_or(replies::MESSAGE_ACCEPTED));
            }
            Decision::Vrfy | Decision::Expn => self.write(&reply.unwrap_or(replies::CANNOT_VRFY)),
            Decision::Help => self.write(&reply.unwrap_or(replies::HELP)),
            Decision::Etrn => self.write(&reply.unwrap_or(QUEUING_STARTED)),
            Decision::Atrn => {
                self.write(&reply.unwrap_or(TURNING));
                if accepted {
                    // RFC 2645 §5.3: the roles reverse; this machine is done.
                    self.turned = true;
                    self.close();
                }
            }
            Decision::Auth => {}
            // `accept` without a reply is refused for it; the fallback is never written.
            Decision::Command => self.write(&reply.unwrap_or(replies::COMMAND_NOT_IMPLEMENTED)),
        }
    }

    /// The reply to an accepted HELO (`250 domain greets client`) or EHLO (with the
    /// capabilities in effect), from the octets the context prepared; never an enhanced
    /// code (RFC 2034 §3).
    fn write_hello_reply(&mut self, extended: bool, client: &crate::types::Host) {
        let start = self.out.len();
        self.context.write_hello_reply(&mut self.out, extended, self.session.tls, client);
        self.trace_written(start);
    }

    /// Asks the program about the end of a message.
    pub(super) fn message_end(
        &mut self,
        summary: Option<crate::data::DataSummary>,
    ) -> Option<Output> {
        let (size, recipients) = match self.session.transaction.as_mut() {
            Some(t) => (t.size, t.lmtp_recipients.clone()),
            None => (0, Vec::new()),
        };
        let id = self.ask(Decision::MessageEnd);
        self.emit(Event::MessageEnd(MessageRequest { id, size, summary, recipients }))
    }

    /// Ends the transaction with `reply` to its content: once, or in LMTP once per
    /// accepted recipient (RFC 2033 §4.2), so a pipelining client reads as many replies
    /// as it counted recipients whether the message was taken or refused.
    pub(super) fn write_message_reply(&mut self, reply: &Reply) {
        let transaction = self.session.transaction.take();
        let count = transaction.map_or(1, |t| t.lmtp_recipients.len().max(1));
        for _ in 0..count {
            self.write(reply);
        }
    }
}

/// An RFC 3339 `date-time` (§5.6) as (seconds since 1970-01-01T00:00:00Z, nanoseconds),
/// its offset applied, so two date-times compare in time order. `None` if malformed.
fn utc_instant(date_time: &str) -> Option<(i64, u32)> {
    let v = date_time.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = v.get(range)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    if v.len() < 20 || v[4] != b'-' || v[7] != b'-' || !matches!(v[10], b'T' | b't') {
        return None;
    }
    if v[13] != b':' || v[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &v[19..];
    let mut nanos: u32 = 0;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        // Nanoseconds: the first 9 digits, padded with zeros.
        let digits = frac[..n].iter().map(|d| u32::from(d - b'0')).chain(std::iter::repeat(0));
        nanos = digits.take(9).fold(0, |acc, d| acc * 10 + d);
        rest = &frac[n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let minutes = num(v.len() - 5..v.len() - 3)? * 60 + num(v.len() - 2..v.len())?;
            if *sign == b'-' { -minutes * 60 } else { minutes * 60 }
        }
        _ => return None,
    };
    // Days from the civil date (proleptic Gregorian), in years that start in March.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + hour * 3600 + minute * 60 + second - offset, nanos))
}
