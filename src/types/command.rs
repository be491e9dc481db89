//! SMTP commands (RFC 5321 §4.1.1 and the extension verbs) and the command decoder.
//!
//! - [`Command::parse`] decodes one complete line; [`CommandDecoder::decode`] splits a byte
//!   stream into lines (within the line limits) and decodes each.
//! - [`Command::encode`] writes the wire form, CRLF included; `Display` gives the same
//!   without the CRLF. Verbs and keywords are case-insensitive on input and upper-case on
//!   output.
//! - A bad line is a recoverable [`DecodeError`] that says which reply to send.

use std::fmt;

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::error::DecodeError;
use crate::line::{DEFAULT_MAX_LINE, LineEnding, LineFramer, split_line};
use crate::types::{
    Domain, ForwardPath, Host, MailParameters, Mechanism, ParameterError, RcptParameters,
    ReversePath, Text, itoa_u64,
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
    /// (553 5.6.7), so build it that way.
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

/// Why a command value could not be built.
pub type CommandError = ParameterError;

/// The argument of VRFY, EXPN, HELP and NOOP, and an ETRN queue name: non-empty text with
/// no control characters (so no CR or LF).
///
/// RFC 5321 §4.1.2 says `String = Atom / Quoted-string`, but §3.5 has VRFY and EXPN take
/// user names and mailboxes alike, and real clients send both; the argument is kept as
/// the text the client sent and left to the server to interpret.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Argument(Text);

pub(crate) fn is_argument(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&c| c >= 0x20 && c != 0x7f) && std::str::from_utf8(s).is_ok()
}

impl Argument {
    /// An argument, checked: non-empty, UTF-8, no control characters.
    pub fn new(s: &str) -> Result<Self, CommandError> {
        if is_argument(s.as_bytes()) {
            Ok(Self(Text::copy_from_str(s)))
        } else {
            Err(ParameterError("argument is empty or has control characters"))
        }
    }

    pub(crate) fn from_checked(src: &Bytes, s: &[u8]) -> Self {
        Self(Text::from_checked(crate::parse::share(src, s)))
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
    type Err = CommandError;
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
/// It usually carries credentials, so `Debug` prints nothing of it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct InitialResponse(Text);

/// RFC 4954 §4: reject any character outside the base64 alphabet and padding anywhere but
/// at the end. Canonical base64 (RFC 4648 §4) also has a length that is a multiple of 4.
pub(crate) fn is_base64(s: &[u8]) -> bool {
    if s.is_empty() || !s.len().is_multiple_of(4) {
        return false;
    }
    let pad = s.iter().rev().take_while(|&&c| c == b'=').count();
    let data = &s[..s.len() - pad];
    use crate::parse::class;
    pad <= 2 && class::run(data, class::BASE64) == data.len()
}

impl InitialResponse {
    /// The empty response, sent as `=`.
    pub fn empty() -> Self {
        Self(Text::from_static("="))
    }

    /// A response from its base64 form (or `=` for empty), checked.
    pub fn from_base64(s: &str) -> Result<Self, CommandError> {
        if s == "=" || is_base64(s.as_bytes()) {
            Ok(Self(Text::copy_from_str(s)))
        } else {
            Err(ParameterError("initial response is not base64"))
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

    pub(crate) fn from_checked(src: &Bytes, s: &[u8]) -> Self {
        Self(Text::from_checked(crate::parse::share(src, s)))
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

pub(crate) fn is_unknown_verb(v: &[u8]) -> bool {
    !v.is_empty() && v.iter().all(|&c| (0x21..=0x7e).contains(&c))
}

impl UnknownCommand {
    /// A command with verb `verb` (printable ASCII, not a verb this crate knows) and an
    /// argument with no CR or LF.
    pub fn new(verb: &str, argument: &[u8]) -> Result<Self, CommandError> {
        if !is_unknown_verb(verb.as_bytes())
            || KNOWN_VERBS.iter().any(|k| k.eq_ignore_ascii_case(verb))
        {
            return Err(ParameterError("not a valid unknown verb"));
        }
        if argument.iter().any(|&c| c == b'\r' || c == b'\n') {
            return Err(ParameterError("argument holds CR or LF"));
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
    /// Parses one complete command line, with or without its CRLF, with the default
    /// [`CommandConfig`]. Copies the line once into a shared buffer.
    pub fn parse(line: &[u8]) -> Result<Command, DecodeError> {
        Self::parse_with(line, &CommandConfig::default())
    }

    /// [`parse`](Self::parse) with a configuration.
    pub fn parse_with(line: &[u8], config: &CommandConfig) -> Result<Command, DecodeError> {
        let line = line.strip_suffix(b"\r\n").unwrap_or(line);
        let line = match config.line_ending {
            LineEnding::CrlfOrLf => line.strip_suffix(b"\n").unwrap_or(line),
            _ => line,
        };
        if let Some(cmd) = crate::parse::command::command_without_text(line, config) {
            return cmd;
        }
        Self::parse_bytes_with(Bytes::copy_from_slice(line), config)
    }

    /// Parses one line already in a shared buffer, without its line end; the command's
    /// values are slices of `line` (no copy).
    #[inline]
    pub fn parse_bytes_with(line: Bytes, config: &CommandConfig) -> Result<Command, DecodeError> {
        crate::parse::command::command(&line, config)
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
    /// The wire form without CRLF; an AUTH initial response is shown, so do not log it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = BytesMut::new();
        self.encode_line(&mut buf);
        f.write_str(&String::from_utf8_lossy(&buf))
    }
}

/// How the command parser treats the common deviations from RFC 5321, and its limits.
///
/// The default follows the RFC: CRLF line ends only (§2.3.8), no space after `FROM:` /
/// `TO:` (§4.1.1.2, §4.1.1.3), exactly one space between parameters and none at the end
/// (§4.1.2), a 512-octet command line (§4.5.3.1.4), widened for MAIL and RCPT by the
/// extensions that add parameters and for AUTH by RFC 4954 §4.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CommandConfig {
    /// Longest command line in octets, CRLF included. Default 512 (RFC 5321 §4.5.3.1.4).
    pub max_line: usize,
    /// Longest MAIL or RCPT line. Default 2048: RFC 5321 §4.5.3.1.4 lets extensions widen
    /// the line, and SIZE (+26, RFC 1870), AUTH= (+500, RFC 4954 §3), ENVID/RET (+108,
    /// RFC 3461 §11), SMTPUTF8 (+10), HOLDFOR/HOLDUNTIL (+34, RFC 4865), MT-PRIORITY (+15)
    /// and ORCPT/NOTIFY (+528) together need about 1,250.
    pub max_mail_rcpt_line: usize,
    /// Longest AUTH line. Default 12288 (RFC 4954 §4).
    pub max_auth_line: usize,
    /// Which octets end a line. Default [`LineEnding::Crlf`].
    pub line_ending: LineEnding,
    /// Accept spaces between `FROM:` / `TO:` and the path (`MAIL FROM: <a@b>`). Default off.
    pub space_after_colon: bool,
    /// Accept trailing spaces and tabs at the end of a line, and runs of spaces between
    /// parameters. Default off.
    pub lax_spacing: bool,
    /// Accept UTF-8 in addresses (RFC 6531; values report `needs_smtputf8()`). Default on.
    /// Turn it off when SMTPUTF8 is not offered: UTF-8 addresses then get 553 5.6.7. Either
    /// way a MAIL whose reverse-path is UTF-8 must carry the SMTPUTF8 parameter (RFC 6531
    /// §3.4), and a server must check the same for RCPT against its transaction.
    pub utf8_addresses: bool,
    /// Refuse MAIL and RCPT parameters that have no typed field with 555 instead of keeping
    /// them. Default off (kept, so a relay loses nothing).
    pub reject_unknown_parameters: bool,
}

impl Default for CommandConfig {
    fn default() -> Self {
        Self {
            max_line: DEFAULT_MAX_LINE,
            max_mail_rcpt_line: 2048,
            max_auth_line: 12288,
            line_ending: LineEnding::Crlf,
            space_after_colon: false,
            lax_spacing: false,
            utf8_addresses: true,
            reject_unknown_parameters: false,
        }
    }
}

impl CommandConfig {
    /// The deviations real clients commonly make, accepted: bare LF line ends, a space
    /// after `FROM:` / `TO:`, extra and trailing spaces.
    pub fn lenient() -> Self {
        Self {
            line_ending: LineEnding::CrlfOrLf,
            space_after_colon: true,
            lax_spacing: true,
            ..Self::default()
        }
    }
}

/// Decodes commands from a byte stream.
///
/// Each call consumes at most one line from the front of the buffer. A line longer than its
/// limit is discarded as it arrives (never buffered past the limit) and reported once its
/// end arrives; scanning resumes where it stopped, so a line fed one octet at a time costs
/// linear time.
#[derive(Clone, Debug, Default)]
pub struct CommandDecoder {
    config: CommandConfig,
    framer: LineFramer,
}

impl CommandDecoder {
    /// A decoder with this configuration.
    pub fn new(config: CommandConfig) -> Self {
        let framer = LineFramer::new(config.max_line, config.line_ending);
        Self { config, framer }
    }

    /// The configuration.
    pub fn config(&self) -> &CommandConfig {
        &self.config
    }

    /// Forgets any partial scan. Call it after something else consumed octets from the
    /// front of the buffer (message content after DATA or BDAT).
    pub fn reset(&mut self) {
        self.framer.reset();
    }

    /// Decodes the next command from the front of `buf`.
    ///
    /// `Ok(None)`: no complete line yet. `Err(_)`: one bad line was consumed; call again.
    #[inline]
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Command>, DecodeError> {
        if !self.framer.is_discarding() {
            let limit = self.limit_for(buf);
            if limit != self.framer.max_len() {
                self.framer.set_max_len(limit);
            }
        }
        let Some((len, end)) = self.framer.find_line(buf)? else {
            return Ok(None);
        };
        let cmd = match crate::parse::command::command_without_text(&buf[..len], &self.config) {
            Some(cmd) => {
                buf.advance(end);
                cmd
            }
            None => Command::parse_bytes_with(split_line(buf, len, end), &self.config),
        };
        cmd.map(Some)
    }

    /// The line limit for the line at the front of `buf`, chosen by its verb.
    fn limit_for(&self, buf: &[u8]) -> usize {
        let base = self.config.max_line;
        let Some(&[a, b, c, d, b' ']) = buf.get(..5) else { return base };
        // Upper-cased with one mask: `c & 0xDF` is an upper-case letter only when `c` is
        // that letter in either case.
        const fn verb(v: &[u8; 4]) -> u32 {
            u32::from_be_bytes(*v)
        }
        match u32::from_be_bytes([a, b, c, d]) & 0xDFDF_DFDF {
            v if v == verb(b"MAIL") || v == verb(b"RCPT") => {
                self.config.max_mail_rcpt_line.max(base)
            }
            v if v == verb(b"AUTH") => self.config.max_auth_line.max(base),
            _ => base,
        }
    }
}
