//! Decision tokens: what the program is asked, with the values it needs, and the id that
//! ties the answer to the question.
//!
//! Each token is `#[must_use]` and owned (it may go to another task). It is answered with
//! [`Server::accept`](super::Server::accept) or [`Server::reject`](super::Server::reject)
//! (AUTH questions with [`Server::answer_auth`](super::Server::answer_auth)); a token that
//! is not the pending one (answered already, from an earlier question, from another
//! server) is given back in the `Err`.

use crate::data::DataSummary;
use crate::sasl::{PasswordCheck, PasswordLookup, ScramLookup, TokenCheck};
use crate::types::{
    Argument, Domain, Etrn, ForwardPath, Host, MailParameters, RcptParameters, ReversePath,
    UnknownCommand,
};

mod kind {
    /// Which question a token answers; the machine checks it against the pending one.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Kind {
        Hello,
        Mail,
        Rcpt,
        DataStart,
        MessageEnd,
        Vrfy,
        Expn,
        Help,
        Etrn,
        Atrn,
        Auth,
        Command,
    }
}
pub(crate) use kind::Kind;

pub(crate) mod sealed {
    /// The id of a token and the question it answers.
    pub trait Sealed {
        /// The id and kind.
        fn ticket(&self) -> (u64, super::Kind);
    }
}

/// A decision token answered with [`Server::accept`](super::Server::accept) or
/// [`Server::reject`](super::Server::reject). Sealed: only this crate's tokens are
/// requests.
pub trait Request: sealed::Sealed {}

macro_rules! request {
    ($ty:ident, $kind:ident) => {
        impl sealed::Sealed for $ty {
            fn ticket(&self) -> (u64, Kind) {
                (self.id, Kind::$kind)
            }
        }
        impl Request for $ty {}
    };
}

/// HELO or EHLO (LHLO in LMTP): the client's name. The program may check it (or the peer's address).
#[must_use = "answer it with Server::accept or Server::reject"]
#[derive(Debug)]
pub struct HelloRequest {
    pub(crate) id: u64,
    pub(crate) host: Host,
    pub(crate) extended: bool,
}

impl HelloRequest {
    /// The domain or address literal the client gave.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// EHLO (true) or HELO (false). In LMTP mode the greeting is LHLO, reported as
    /// `true`: it is answered with the capabilities too (RFC 2033 §4.1).
    pub fn is_ehlo(&self) -> bool {
        self.extended
    }
}
request!(HelloRequest, Hello);

/// MAIL FROM: the reverse-path and the parameters in effect.
#[must_use = "answer it with Server::accept or Server::reject"]
#[derive(Debug)]
pub struct MailRequest {
    pub(crate) id: u64,
    pub(crate) reverse_path: ReversePath,
    pub(crate) params: MailParameters,
}

impl MailRequest {
    /// The reverse-path (`<>` is [`ReversePath::Null`]).
    pub fn reverse_path(&self) -> &ReversePath {
        &self.reverse_path
    }

    /// The parameters (SIZE, BODY, RET, ENVID, SMTPUTF8, AUTH=, ...).
    pub fn params(&self) -> &MailParameters {
        &self.params
    }
}
request!(MailRequest, Mail);

/// RCPT TO: one recipient.
#[must_use = "answer it with Server::accept or Server::reject"]
#[derive(Debug)]
pub struct RcptRequest {
    pub(crate) id: u64,
    pub(crate) forward_path: ForwardPath,
    pub(crate) params: RcptParameters,
}

impl RcptRequest {
    /// The forward-path.
    pub fn forward_path(&self) -> &ForwardPath {
        &self.forward_path
    }

    /// The parameters (NOTIFY, ORCPT, ...).
    pub fn params(&self) -> &RcptParameters {
        &self.params
    }
}
request!(RcptRequest, Rcpt);

/// DATA, or the first BDAT of a message: may the content come?
#[must_use = "answer it with Server::accept or Server::reject"]
#[derive(Debug)]
pub struct DataStartRequest {
    pub(crate) id: u64,
    pub(crate) bdat: bool,
}

impl DataStartRequest {
    /// Whether the content comes in BDAT chunks (RFC 3030) rather than after DATA.
    pub fn is_bdat(&self) -> bool {
        self.bdat
    }
}
request!(DataStartRequest, DataStart);

/// The end of a message's content: the program stores it (then accepts) or refuses it;
/// in LMTP, for each recipient ([`MessageRequest::recipients`]).
#[must_use = "answer it with Server::accept or Server::reject"]
#[derive(Debug)]
pub struct MessageRequest {
    pub(crate) id: u64,
    pub(crate) size: u64,
    pub(crate) summary: Option<DataSummary>,
    pub(crate) recipients: Vec<ForwardPath>,
}

impl MessageRequest {
    /// Octets of content (after unstuffing).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// What the unstuffer saw in DATA content (8-bit octets, NULs, ...); `None` for BDAT.
    pub fn summary(&self) -> Option<&DataSummary> {
        self.summary.as_ref()
    }

    /// LMTP (RFC 2033 §4.2): the accepted recipients, in RCPT order, each of which gets
    /// its own reply: [`Server::accept_each`](super::Server::accept_each) gives one reply
    /// per recipient, `accept` / `accept_with` / `reject` the same reply to all of them.
    /// Empty in SMTP, where the message gets one reply.
    pub fn recipients(&self) -> &[ForwardPath] {
        &self.recipients
    }
}
request!(MessageRequest, MessageEnd);

macro_rules! argument_request {
    ($(#[$doc:meta])* $ty:ident, $kind:ident) => {
        $(#[$doc])*
        #[must_use = "answer it with Server::accept or Server::reject"]
        #[derive(Debug)]
        pub struct $ty {
            pub(crate) id: u64,
            pub(crate) argument: Argument,
        }

        impl $ty {
            /// The argument, as the client sent it.
            pub fn argument(&self) -> &Argument {
                &self.argument
            }
        }
        request!($ty, $kind);
    };
}

argument_request!(
    /// VRFY: accepting sends `252 2.5.2`; reject with the real answer (`250`, `550`...).
    VrfyRequest,
    Vrfy
);
argument_request!(
    /// EXPN: accepting sends `252 2.5.2`; reject with the list or a refusal.
    ExpnRequest,
    Expn
);

/// HELP, with its topic if any: accepting sends `214 2.0.0`.
#[must_use = "answer it with Server::accept or Server::reject"]
#[derive(Debug)]
pub struct HelpRequest {
    pub(crate) id: u64,
    pub(crate) topic: Option<Argument>,
}

impl HelpRequest {
    /// The topic asked about.
    pub fn topic(&self) -> Option<&Argument> {
        self.topic.as_ref()
    }
}
request!(HelpRequest, Help);

/// ETRN: start the queue for a node (RFC 1985). Accepting sends `250 2.0.0`.
#[must_use = "answer it with Server::accept or Server::reject"]
#[derive(Debug)]
pub struct EtrnRequest {
    pub(crate) id: u64,
    pub(crate) etrn: Etrn,
}

impl EtrnRequest {
    /// The node or queue.
    pub fn etrn(&self) -> &Etrn {
        &self.etrn
    }
}
request!(EtrnRequest, Etrn);

/// ATRN: turn the connection around and deliver the queued mail of these domains
/// (RFC 2645 §5.2.1); the client has authenticated. Accepting sends `250 2.0.0` and the
/// roles turn; reject with `453` (no mail), `450` (no access to one of the domains) or
/// `451`.
#[must_use = "answer it with Server::accept or Server::reject"]
#[derive(Debug)]
pub struct AtrnRequest {
    pub(crate) id: u64,
    pub(crate) domains: Vec<Domain>,
}

impl AtrnRequest {
    /// The domains asked for; empty means all the client has access to.
    pub fn domains(&self) -> &[Domain] {
        &self.domains
    }
}
request!(AtrnRequest, Atrn);

/// A command whose verb is one of the program's own EHLO keywords
/// ([`ServerConfig::extra_extensions`](super::ServerConfig::extra_extensions)), after EHLO
/// (RFC 5321 §4.1.1.1: an extension's verbs are in effect once it was offered). The
/// machine knows nothing of what it does, so there is no default answer:
/// [`Server::accept`](super::Server::accept) gives the token back; answer with
/// [`Server::accept_with`](super::Server::accept_with) (a `2yz`) or
/// [`Server::reject`](super::Server::reject) (a `4yz` or `5yz`, e.g. `502 5.5.1`).
#[must_use = "answer it with Server::accept_with or Server::reject"]
#[derive(Debug)]
pub struct CommandRequest {
    pub(crate) id: u64,
    pub(crate) command: UnknownCommand,
}

impl CommandRequest {
    /// The verb, as the client wrote it.
    pub fn verb(&self) -> &str {
        self.command.verb()
    }

    /// The command: its verb and the rest of its line.
    pub fn command(&self) -> &UnknownCommand {
        &self.command
    }
}
request!(CommandRequest, Command);

/// What the SASL exchange asks the program (RFC 4954 through [`crate::sasl`]).
#[non_exhaustive]
#[derive(Debug)]
pub enum AuthQuestion {
    /// PLAIN or LOGIN: is this password right? Answer [`AuthAnswer::PasswordVerified`].
    VerifyPassword(PasswordCheck),
    /// CRAM-MD5: the user's password. Answer [`AuthAnswer::Password`].
    NeedPassword(PasswordLookup),
    /// SCRAM: the user's stored credentials. Answer [`AuthAnswer::ScramCredentials`].
    NeedScramCredentials(ScramLookup),
    /// XOAUTH2 / OAUTHBEARER: is this token good? Answer [`AuthAnswer::Token`].
    VerifyToken(TokenCheck),
}

/// The program's answer to an [`AuthQuestion`].
#[non_exhaustive]
#[derive(Debug)]
pub enum AuthAnswer {
    /// Whether the password is right (and the user may act as the authorization identity).
    PasswordVerified(bool),
    /// The user's password, `None` for an unknown user.
    Password(Option<crate::sasl::Secret>),
    /// The user's SCRAM credentials, `None` for an unknown user.
    ScramCredentials(Option<crate::sasl::StoredCredentials>),
    /// The verdict on a bearer token.
    Token(crate::sasl::TokenVerdict),
}

/// A question of the AUTH exchange, answered with
/// [`Server::answer_auth`](super::Server::answer_auth).
#[must_use = "answer it with Server::answer_auth"]
#[derive(Debug)]
pub struct AuthRequest {
    pub(crate) id: u64,
    pub(crate) question: AuthQuestion,
}

impl AuthRequest {
    /// The question.
    pub fn question(&self) -> &AuthQuestion {
        &self.question
    }
}

impl AuthRequest {
    pub(crate) fn ticket(&self) -> (u64, Kind) {
        (self.id, Kind::Auth)
    }
}
