//! SMTP commands (RFC 5321 §4.1.1 and the extension verbs).
//!
//! - A constructor per command ([`Command::mail`], [`Command::auth`], ...) builds a value
//!   that encodes to a line the parser takes back.
//! - [`Command::encode`] writes the wire form, CRLF included; `Display` gives the same
//!   without the CRLF, with an AUTH initial response replaced by `<redacted>`. Verbs and
//!   keywords are case-insensitive on input and upper-case on output.
//! - Parsing a line (`Command::parse`) and decoding a stream (`CommandDecoder`) are the
//!   codec's.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::ValidationError;
use crate::types::grammar::{is_argument, is_base64, is_vchar};
use crate::types::{
    Domain, ForwardPath, Host, MailParameters, Mechanism, RcptParameters, ReversePath, Text,
    itoa_u64,
};

/// An SMTP, ESMTP or LMTP command.
///
/// ```text
/// helo = "HELO" SP Domain CRLF                                  ; RFC 5321 §4.1.1.1
/// ehlo = "EHLO" SP ( Domain / address-literal ) CRLF            ; RFC 5321 §4.1.1.1
/// lhlo = "LHLO" SP ( Domain / address-literal ) CRLF            ; RFC 2033 §4.1
/// mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF    ; RFC 5321 §4.1.1.2
/// rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" /
///        Forward-path ) [SP Rcpt-parameters] CRLF               ; RFC 5321 §4.1.1.3
/// data = "DATA" CRLF                                            ; RFC 5321 §4.1.1.4
/// bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CRLF        ; RFC 3030 §2
/// rset = "RSET" CRLF                                            ; RFC 5321 §4.1.1.5
/// vrfy = "VRFY" SP String CRLF                                  ; RFC 5321 §4.1.1.6
/// expn = "EXPN" SP String CRLF                                  ; RFC 5321 §4.1.1.7
/// help = "HELP" [ SP String ] CRLF                              ; RFC 5321 §4.1.1.8
/// noop = "NOOP" [ SP String ] CRLF                              ; RFC 5321 §4.1.1.9
/// quit = "QUIT" CRLF                                            ; RFC 5321 §4.1.1.10
/// "STARTTLS" CRLF                                               ; RFC 3207 §4
/// "AUTH" SP sasl-mech [SP initial-response] CRLF                ; RFC 4954 §4
/// "ETRN" SP [ "@" / "#" ] node-name CRLF                        ; RFC 1985 §5
/// atrn = "ATRN" [SP domain *("," domain)]                       ; RFC 2645 §5.2.1
/// ```
///
/// Anything else is kept as [`Command::Unknown`], so a proxy can pass it on.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// `HELO` (RFC 5321 §4.1.1.1). An address literal is accepted as well as a domain.
    Helo(Host),
    /// `EHLO` (RFC 5321 §4.1.1.1).
    Ehlo(Host),
    /// `LHLO` (LMTP, RFC 2033 §4.1).
    Lhlo(Host),
    /// `MAIL FROM:` (RFC 5321 §4.1.1.2).
    ///
    /// A reverse-path that [needs SMTPUTF8](ReversePath::needs_smtputf8) must go with
    /// [`MailParameters::smtputf8`] set (RFC 6531 §3.4); the parser refuses it otherwise
    /// (553 5.6.7). [`Command::mail`] sets it.
    Mail {
        /// The reverse-path; `<>` is [`ReversePath::Null`].
        reverse_path: ReversePath,
        /// The parameters.
        params: MailParameters,
    },
    /// `RCPT TO:` (RFC 5321 §4.1.1.3).
    Rcpt {
        /// The forward-path; `<Postmaster>` is [`ForwardPath::Postmaster`].
        forward_path: ForwardPath,
        /// The parameters.
        params: RcptParameters,
    },
    /// `DATA` (RFC 5321 §4.1.1.4).
    Data,
    /// `BDAT` (RFC 3030 §2): a chunk of `size` octets follows the line.
    Bdat {
        /// `chunk-size = 1*DIGIT`, the octets that follow.
        size: u64,
        /// `end-marker = "LAST"`: the final chunk.
        last: bool,
    },
    /// `RSET` (RFC 5321 §4.1.1.5).
    Rset,
    /// `VRFY` (RFC 5321 §4.1.1.6).
    Vrfy(Argument),
    /// `EXPN` (RFC 5321 §4.1.1.7).
    Expn(Argument),
    /// `HELP` (RFC 5321 §4.1.1.8).
    Help(Option<Argument>),
    /// `NOOP` (RFC 5321 §4.1.1.9).
    Noop(Option<Argument>),
    /// `QUIT` (RFC 5321 §4.1.1.10).
    Quit,
    /// `STARTTLS` (RFC 3207 §4).
    StartTls,
    /// `AUTH` (RFC 4954 §4).
    Auth {
        /// `sasl-mech`.
        mechanism: Mechanism,
        /// `initial-response = base64 / "="`.
        initial_response: Option<InitialResponse>,
    },
    /// `ETRN` (RFC 1985 §5).
    Etrn(Etrn),
    /// `ATRN` (RFC 2645 §5.2.1); no domains means all the client may access.
    Atrn(Vec<Domain>),
    /// Any other verb, kept with its argument.
    Unknown(UnknownCommand),
}

/// The argument of VRFY, EXPN, HELP and NOOP, and an ETRN queue name: non-empty text with
/// no control characters (so no CR or LF).
///
/// RFC 5321 §4.1.2 says `String = Atom / Quoted-string`, but §3.5 has VRFY and EXPN take
/// user names and mailboxes alike, and real clients send both; the argument is kept as
/// the text the client sent and left to the server to interpret.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Argument(Text);

impl Argument {
    /// An argument, checked: non-empty, UTF-8, no control characters.
    pub fn new(s: &str) -> Result<Self, ValidationError> {
        if is_argument(s.as_bytes()) {
            Ok(Self(Text::copy_from_str(s)))
        } else {
            Err(ValidationError::new("argument", "empty or has control characters"))
        }
    }

    /// Text a parser matched as an argument.
    pub(crate) fn from_checked(text: Text) -> Self {
        debug_assert!(is_argument(text.as_bytes()));
        Self(text)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the text goes beyond ASCII.
    pub fn needs_smtputf8(&self) -> bool {
        !self.0.is_ascii()
    }
}

impl std::str::FromStr for Argument {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Argument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The initial response of `AUTH` (RFC 4954 §4): `initial-response = base64 / "="`, where
/// `=` stands for an empty response.
///
/// It usually carries credentials, so `Debug` prints nothing of it, and a [`Command`]'s
/// `Display` replaces it with `<redacted>`; [`as_base64`](Self::as_base64) and encoding
/// give the real octets.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct InitialResponse(Text);

impl InitialResponse {
    /// The empty response, sent as `=`.
    pub fn empty() -> Self {
        Self(Text::from_static("="))
    }

    /// A response from its base64 form (or `=` for empty), checked.
    pub fn from_base64(s: &str) -> Result<Self, ValidationError> {
        if s == "=" || is_base64(s.as_bytes()) {
            Ok(Self(Text::copy_from_str(s)))
        } else {
            Err(ValidationError::new("initial response", "not base64 (RFC 4954 §4)"))
        }
    }

    /// A response carrying `data`, base64-encoded here.
    pub fn from_data(data: &[u8]) -> Self {
        use base64::Engine;
        if data.is_empty() {
            return Self::empty();
        }
        Self(Text::from(base64::engine::general_purpose::STANDARD.encode(data)))
    }

    /// Text a parser matched as `initial-response`.
    pub(crate) fn from_checked(text: Text) -> Self {
        Self(text)
    }

    /// Whether this is the empty response (`=`).
    pub fn is_empty(&self) -> bool {
        self.0 == "="
    }

    /// The wire form: base64, or `=`.
    pub fn as_base64(&self) -> &str {
        &self.0
    }

    /// The decoded octets (empty for `=`).
    pub fn decode(&self) -> Result<Vec<u8>, base64::DecodeError> {
        use base64::Engine;
        if self.is_empty() {
            return Ok(Vec::new());
        }
        base64::engine::general_purpose::STANDARD.decode(self.0.as_bytes())
    }
}

impl fmt::Debug for InitialResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InitialResponse(<redacted>)")
    }
}

/// The argument of `ETRN` (RFC 1985 §5): `ETRN [<option character>]<node name>`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Etrn {
    /// `ETRN node.example`: the queue for one node.
    Node(Domain),
    /// `ETRN @example.com`: the node and its subdomains (RFC 1985 §5.3).
    Subdomains(Domain),
    /// `ETRN #queue`: a named queue, not necessarily a domain (RFC 1985 §5.3).
    Queue(Argument),
}

/// A command with a verb this crate does not know, kept for a proxy to pass on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UnknownCommand {
    verb: Text,
    argument: Bytes,
}

/// Verbs with a [`Command`] variant; an [`UnknownCommand`] cannot have one of these.
const KNOWN_VERBS: &[&str] = &[
    "HELO", "EHLO", "LHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "VRFY", "EXPN", "HELP", "NOOP",
    "QUIT", "STARTTLS", "AUTH", "ETRN", "ATRN",
];

impl UnknownCommand {
    /// A command with verb `verb` (printable ASCII, not a verb this crate knows) and an
    /// argument with no CR or LF.
    pub fn new(verb: &str, argument: &[u8]) -> Result<Self, ValidationError> {
        let err = |reason| Err(ValidationError::new("unknown command", reason));
        if verb.is_empty()
            || !verb.bytes().all(is_vchar)
            || KNOWN_VERBS.iter().any(|k| k.eq_ignore_ascii_case(verb))
        {
            return err("not a valid unknown verb");
        }
        if argument.iter().any(|&c| c == b'\r' || c == b'\n') {
            return err("argument holds CR or LF");
        }
        Ok(Self { verb: Text::copy_from_str(verb), argument: Bytes::copy_from_slice(argument) })
    }

    pub(crate) fn from_checked(verb: Text, argument: Bytes) -> Self {
        Self { verb, argument }
    }

    /// The verb, as received.
    pub fn verb(&self) -> &str {
        &self.verb
    }

    /// Everything after the verb and its space (may be empty, may be any octets but CR/LF).
    pub fn argument(&self) -> &Bytes {
        &self.argument
    }
}

impl Command {
    /// `EHLO` with the client's name (RFC 5321 §4.1.1.1).
    pub fn ehlo(host: impl Into<Host>) -> Self {
        Self::Ehlo(host.into())
    }

    /// `HELO` with the client's name (RFC 5321 §4.1.1.1).
    pub fn helo(host: impl Into<Host>) -> Self {
        Self::Helo(host.into())
    }

    /// `LHLO` with the client's name (RFC 2033 §4.1).
    pub fn lhlo(host: impl Into<Host>) -> Self {
        Self::Lhlo(host.into())
    }

    /// `MAIL FROM:` (RFC 5321 §4.1.1.2). When the reverse-path or a parameter value holds
    /// UTF-8, the SMTPUTF8 parameter is set (RFC 6531 §3.4), so the line is one a server
    /// can take; a client must then check that the server offers SMTPUTF8
    /// ([`needs_smtputf8`](Self::needs_smtputf8) says so).
    pub fn mail(reverse_path: impl Into<ReversePath>, mut params: MailParameters) -> Self {
        let reverse_path = reverse_path.into();
        if reverse_path.needs_smtputf8() || params.needs_smtputf8() {
            params.set_smtputf8(true);
        }
        Self::Mail { reverse_path, params }
    }

    /// `RCPT TO:` (RFC 5321 §4.1.1.3). A UTF-8 forward-path needs a transaction whose MAIL
    /// announced SMTPUTF8 (RFC 6531 §3.4).
    pub fn rcpt(forward_path: impl Into<ForwardPath>, params: RcptParameters) -> Self {
        Self::Rcpt { forward_path: forward_path.into(), params }
    }

    /// `DATA` (RFC 5321 §4.1.1.4).
    pub const fn data() -> Self {
        Self::Data
    }

    /// `BDAT` (RFC 3030 §2): a chunk of `size` octets follows, the final one if `last`.
    pub const fn bdat(size: u64, last: bool) -> Self {
        Self::Bdat { size, last }
    }

    /// `AUTH` (RFC 4954 §4) with a mechanism and, optionally, an initial response.
    pub fn auth(mechanism: Mechanism, initial_response: Option<InitialResponse>) -> Self {
        Self::Auth { mechanism, initial_response }
    }

    /// `VRFY` (RFC 5321 §4.1.1.6).
    pub fn vrfy(argument: Argument) -> Self {
        Self::Vrfy(argument)
    }

    /// `EXPN` (RFC 5321 §4.1.1.7).
    pub fn expn(argument: Argument) -> Self {
        Self::Expn(argument)
    }

    /// `HELP`, with a topic or without (RFC 5321 §4.1.1.8).
    pub fn help(topic: Option<Argument>) -> Self {
        Self::Help(topic)
    }

    /// `NOOP`, with an argument or without (RFC 5321 §4.1.1.9).
    pub fn noop(argument: Option<Argument>) -> Self {
        Self::Noop(argument)
    }

    /// `RSET` (RFC 5321 §4.1.1.5).
    pub const fn rset() -> Self {
        Self::Rset
    }

    /// `QUIT` (RFC 5321 §4.1.1.10).
    pub const fn quit() -> Self {
        Self::Quit
    }

    /// `STARTTLS` (RFC 3207 §4).
    pub const fn starttls() -> Self {
        Self::StartTls
    }

    /// `ETRN` (RFC 1985 §5).
    pub fn etrn(argument: Etrn) -> Self {
        Self::Etrn(argument)
    }

    /// `ATRN` (RFC 2645 §5.2.1); no domains asks for all the client may access.
    pub fn atrn(domains: Vec<Domain>) -> Self {
        Self::Atrn(domains)
    }

    /// A command with a verb this crate does not know; see [`UnknownCommand::new`].
    pub fn unknown(verb: &str, argument: &[u8]) -> Result<Self, ValidationError> {
        UnknownCommand::new(verb, argument).map(Self::Unknown)
    }

    /// Writes the wire form, CRLF included.
    pub fn encode(&self, buf: &mut BytesMut) {
        self.encode_line(buf);
        buf.put_slice(b"\r\n");
    }

    /// The wire form with its CRLF, as a new buffer.
    pub fn to_bytes(&self) -> Bytes {
        let mut buf = BytesMut::with_capacity(64);
        self.encode(&mut buf);
        buf.freeze()
    }

    fn encode_line(&self, buf: &mut BytesMut) {
        match self {
            Self::Helo(h) => {
                buf.put_slice(b"HELO ");
                h.encode(buf);
            }
            Self::Ehlo(h) => {
                buf.put_slice(b"EHLO ");
                h.encode(buf);
            }
            Self::Lhlo(h) => {
                buf.put_slice(b"LHLO ");
                h.encode(buf);
            }
            Self::Mail { reverse_path, params } => {
                buf.put_slice(b"MAIL FROM:");
                reverse_path.encode(buf);
                params.encode(buf);
            }
            Self::Rcpt { forward_path, params } => {
                buf.put_slice(b"RCPT TO:");
                forward_path.encode(buf);
                params.encode(buf);
            }
            Self::Data => buf.put_slice(b"DATA"),
            Self::Bdat { size, last } => {
                buf.put_slice(b"BDAT ");
                buf.put_slice(itoa_u64(*size).as_bytes());
                if *last {
                    buf.put_slice(b" LAST");
                }
            }
            Self::Rset => buf.put_slice(b"RSET"),
            Self::Vrfy(a) => {
                buf.put_slice(b"VRFY ");
                buf.put_slice(a.as_str().as_bytes());
            }
            Self::Expn(a) => {
                buf.put_slice(b"EXPN ");
                buf.put_slice(a.as_str().as_bytes());
            }
            Self::Help(a) | Self::Noop(a) => {
                buf.put_slice(if matches!(self, Self::Help(_)) { b"HELP" } else { b"NOOP" });
                if let Some(a) = a {
                    buf.put_u8(b' ');
                    buf.put_slice(a.as_str().as_bytes());
                }
            }
            Self::Quit => buf.put_slice(b"QUIT"),
            Self::StartTls => buf.put_slice(b"STARTTLS"),
            Self::Auth { mechanism, initial_response } => {
                buf.put_slice(b"AUTH ");
                buf.put_slice(mechanism.as_str().as_bytes());
                if let Some(r) = initial_response {
                    buf.put_u8(b' ');
                    buf.put_slice(r.as_base64().as_bytes());
                }
            }
            Self::Etrn(e) => {
                buf.put_slice(b"ETRN ");
                match e {
                    Etrn::Node(d) => buf.put_slice(d.as_str().as_bytes()),
                    Etrn::Subdomains(d) => {
                        buf.put_u8(b'@');
                        buf.put_slice(d.as_str().as_bytes());
                    }
                    Etrn::Queue(q) => {
                        buf.put_u8(b'#');
                        buf.put_slice(q.as_str().as_bytes());
                    }
                }
            }
            Self::Atrn(domains) => {
                buf.put_slice(b"ATRN");
                for (i, d) in domains.iter().enumerate() {
                    buf.put_u8(if i == 0 { b' ' } else { b',' });
                    buf.put_slice(d.as_str().as_bytes());
                }
            }
            Self::Unknown(u) => {
                buf.put_slice(u.verb.as_bytes());
                if !u.argument.is_empty() {
                    buf.put_u8(b' ');
                    buf.put_slice(&u.argument);
                }
            }
        }
    }

    /// The verb, upper-case (as received for an unknown verb).
    pub fn verb(&self) -> &str {
        match self {
            Self::Helo(_) => "HELO",
            Self::Ehlo(_) => "EHLO",
            Self::Lhlo(_) => "LHLO",
            Self::Mail { .. } => "MAIL",
            Self::Rcpt { .. } => "RCPT",
            Self::Data => "DATA",
            Self::Bdat { .. } => "BDAT",
            Self::Rset => "RSET",
            Self::Vrfy(_) => "VRFY",
            Self::Expn(_) => "EXPN",
            Self::Help(_) => "HELP",
            Self::Noop(_) => "NOOP",
            Self::Quit => "QUIT",
            Self::StartTls => "STARTTLS",
            Self::Auth { .. } => "AUTH",
            Self::Etrn(_) => "ETRN",
            Self::Atrn(_) => "ATRN",
            Self::Unknown(u) => u.verb(),
        }
    }

    /// Whether the command carries UTF-8 beyond ASCII, and so needs SMTPUTF8 (RFC 6531).
    pub fn needs_smtputf8(&self) -> bool {
        match self {
            Self::Mail { reverse_path, params } => {
                reverse_path.needs_smtputf8() || params.needs_smtputf8()
            }
            Self::Rcpt { forward_path, params } => {
                forward_path.needs_smtputf8() || params.needs_smtputf8()
            }
            Self::Vrfy(a) | Self::Expn(a) => a.needs_smtputf8(),
            _ => false,
        }
    }
}

impl fmt::Display for Command {
    /// The wire form without CRLF, except that an AUTH initial response (credentials,
    /// usually) is shown as `<redacted>`, so a command can be logged as it is displayed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Self::Auth { mechanism, initial_response: Some(r) } = self
            && !r.is_empty()
        {
            return write!(f, "AUTH {mechanism} <redacted>");
        }
        let mut buf = BytesMut::new();
        self.encode_line(&mut buf);
        f.write_str(&String::from_utf8_lossy(&buf))
    }
}
