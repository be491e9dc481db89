//! Basic reply codes (RFC 5321 §4.2): [`ReplyCode`], its class ([`ReplyClass`]) and
//! category ([`ReplyCategory`]).
//!
//! ```text
//! Reply-code     = %x32-35 %x30-35 %x30-39
//! ```

use std::fmt;

use crate::error::ValidationError;
use crate::types::StatusClass;

/// A basic reply code (RFC 5321 §4.2): `Reply-code = %x32-35 %x30-35 %x30-39`.
///
/// The first digit is the class (§4.2.1: 2 positive completion, 3 positive intermediate,
/// 4 transient negative, 5 permanent negative), the second the category (§4.2.1: 0
/// syntax, 1 information, 2 connections, 5 mail system), the third a finer grade. Every
/// value the ABNF allows is accepted, not only the codes listed in §4.2.3.
///
/// ```
/// use esmtp::ReplyCode;
/// let code = ReplyCode::new(452).unwrap();
/// assert!(code.is_transient() && !code.is_permanent());
/// assert_eq!(code, ReplyCode::INSUFFICIENT_STORAGE);
/// assert!(ReplyCode::new(600).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplyCode(u16);

/// The class of a reply: its first digit (RFC 5321 §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplyClass {
    /// `2yz`: the requested action has been successfully completed.
    PositiveCompletion,
    /// `3yz`: the command has been accepted, more information is needed.
    PositiveIntermediate,
    /// `4yz`: the command was not accepted; the error condition is temporary.
    TransientNegative,
    /// `5yz`: the command was not accepted; do not repeat the exact request.
    PermanentNegative,
}

/// The category of a reply: its second digit (RFC 5321 §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplyCategory {
    /// `x0z`: syntax errors, unimplemented or superfluous commands.
    Syntax,
    /// `x1z`: replies to requests for information (status, help).
    Information,
    /// `x2z`: replies about the transmission channel.
    Connections,
    /// `x3z`: unspecified.
    Unspecified3,
    /// `x4z`: unspecified.
    Unspecified4,
    /// `x5z`: the status of the receiver mail system.
    MailSystem,
}

macro_rules! reply_codes {
    ($($(#[$doc:meta])* $name:ident = $value:literal;)*) => {
        impl ReplyCode {
            $($(#[$doc])* pub const $name: ReplyCode = ReplyCode($value);)*
        }
    };
}

reply_codes! {
    /// 211 System status, or system help reply (RFC 5321 §4.2.3).
    SYSTEM_STATUS = 211;
    /// 214 Help message (RFC 5321 §4.2.3).
    HELP_MESSAGE = 214;
    /// 220 `<domain>` Service ready (RFC 5321 §4.2.3); also "ready to start TLS" (RFC 3207).
    READY = 220;
    /// 221 `<domain>` Service closing transmission channel (RFC 5321 §4.2.3).
    CLOSING = 221;
    /// 235 Authentication successful (RFC 4954 §6).
    AUTH_SUCCEEDED = 235;
    /// 250 Requested mail action okay, completed (RFC 5321 §4.2.3).
    OK = 250;
    /// 251 User not local; will forward (RFC 5321 §4.2.3).
    USER_NOT_LOCAL_WILL_FORWARD = 251;
    /// 252 Cannot VRFY user, but will accept message and attempt delivery (RFC 5321 §4.2.3).
    CANNOT_VERIFY = 252;
    /// 253 OK, messages pending for the node started (ETRN, RFC 1985 §5).
    ETRN_PENDING_STARTED = 253;
    /// 334 Server challenge in an AUTH exchange (RFC 4954 §4).
    AUTH_CONTINUE = 334;
    /// 354 Start mail input; end with `<CRLF>.<CRLF>` (RFC 5321 §4.2.3).
    START_MAIL_INPUT = 354;
    /// 421 Service not available, closing transmission channel (RFC 5321 §4.2.3).
    SERVICE_NOT_AVAILABLE = 421;
    /// 432 A password transition is needed (RFC 4954 §6).
    PASSWORD_TRANSITION_NEEDED = 432;
    /// 450 Requested mail action not taken: mailbox unavailable, e.g. busy (RFC 5321 §4.2.3).
    MAILBOX_BUSY = 450;
    /// 451 Requested action aborted: local error in processing (RFC 5321 §4.2.3).
    LOCAL_ERROR = 451;
    /// 452 Requested action not taken: insufficient system storage (RFC 5321 §4.2.3).
    INSUFFICIENT_STORAGE = 452;
    /// 454 Temporary authentication failure (RFC 4954 §6); TLS not available (RFC 3207 §4).
    TEMPORARY_FAILURE = 454;
    /// 455 Server unable to accommodate parameters (RFC 5321 §4.2.3).
    UNABLE_TO_ACCOMMODATE_PARAMETERS = 455;
    /// 458 Unable to queue messages for the node (ETRN, RFC 1985 §5).
    ETRN_UNABLE_TO_QUEUE = 458;
    /// 459 Node not allowed (ETRN, RFC 1985 §5).
    ETRN_NODE_NOT_ALLOWED = 459;
    /// 500 Syntax error, command unrecognized (RFC 5321 §4.2.3).
    SYNTAX_ERROR = 500;
    /// 501 Syntax error in parameters or arguments (RFC 5321 §4.2.3).
    PARAMETER_SYNTAX_ERROR = 501;
    /// 502 Command not implemented (RFC 5321 §4.2.3).
    COMMAND_NOT_IMPLEMENTED = 502;
    /// 503 Bad sequence of commands (RFC 5321 §4.2.3).
    BAD_SEQUENCE = 503;
    /// 504 Command parameter not implemented (RFC 5321 §4.2.3).
    PARAMETER_NOT_IMPLEMENTED = 504;
    /// 521 Host does not accept mail (RFC 7504 §3).
    DOES_NOT_ACCEPT_MAIL = 521;
    /// 530 Authentication required (RFC 4954 §6); must issue STARTTLS first (RFC 3207 §4).
    AUTH_REQUIRED = 530;
    /// 534 Authentication mechanism is too weak (RFC 4954 §6).
    AUTH_MECHANISM_TOO_WEAK = 534;
    /// 535 Authentication credentials invalid (RFC 4954 §6).
    AUTH_CREDENTIALS_INVALID = 535;
    /// 538 Encryption required for requested authentication mechanism (RFC 4954 §6).
    ENCRYPTION_REQUIRED = 538;
    /// 550 Requested action not taken: mailbox unavailable (RFC 5321 §4.2.3).
    MAILBOX_UNAVAILABLE = 550;
    /// 551 User not local; please try `<forward-path>` (RFC 5321 §4.2.3).
    USER_NOT_LOCAL = 551;
    /// 552 Requested mail action aborted: exceeded storage allocation (RFC 5321 §4.2.3).
    EXCEEDED_STORAGE = 552;
    /// 553 Requested action not taken: mailbox name not allowed (RFC 5321 §4.2.3).
    MAILBOX_NAME_NOT_ALLOWED = 553;
    /// 554 Transaction failed; "No SMTP service here" as a greeting (RFC 5321 §4.2.3).
    TRANSACTION_FAILED = 554;
    /// 555 MAIL FROM/RCPT TO parameters not recognized or not implemented (RFC 5321 §4.2.3).
    PARAMETERS_NOT_RECOGNIZED = 555;
    /// 556 Domain does not accept mail (RFC 7504 §3).
    DOMAIN_DOES_NOT_ACCEPT_MAIL = 556;
}

impl ReplyCode {
    /// A reply code from its value; `Err` unless it matches `Reply-code` (RFC 5321 §4.2:
    /// first digit 2-5, second 0-5, third 0-9). A `const fn`, so
    /// `const C: ReplyCode = match ReplyCode::new(299) { .. }` works in constants.
    pub const fn new(code: u16) -> Result<ReplyCode, ValidationError> {
        let (a, b) = (code / 100, code / 10 % 10);
        if a >= 2 && a <= 5 && b <= 5 {
            Ok(ReplyCode(code))
        } else {
            Err(ValidationError::new("reply code", "not 2-5, 0-5, 0-9 (RFC 5321 §4.2)"))
        }
    }

    /// The numeric value.
    pub const fn as_u16(self) -> u16 {
        self.0
    }

    /// The three digits as ASCII, as the reply carries them on the wire (RFC 5321 §4.2).
    pub(crate) const fn ascii_digits(self) -> [u8; 3] {
        let c = self.0;
        [b'0' + (c / 100 % 10) as u8, b'0' + (c / 10 % 10) as u8, b'0' + (c % 10) as u8]
    }

    /// The first digit (2, 3, 4 or 5).
    pub const fn first_digit(self) -> u8 {
        (self.0 / 100) as u8
    }

    /// The class (first digit, RFC 5321 §4.2.1).
    pub const fn class(self) -> ReplyClass {
        match self.first_digit() {
            2 => ReplyClass::PositiveCompletion,
            3 => ReplyClass::PositiveIntermediate,
            4 => ReplyClass::TransientNegative,
            _ => ReplyClass::PermanentNegative,
        }
    }

    /// The category (second digit, RFC 5321 §4.2.1).
    pub const fn category(self) -> ReplyCategory {
        match self.0 / 10 % 10 {
            0 => ReplyCategory::Syntax,
            1 => ReplyCategory::Information,
            2 => ReplyCategory::Connections,
            3 => ReplyCategory::Unspecified3,
            4 => ReplyCategory::Unspecified4,
            _ => ReplyCategory::MailSystem,
        }
    }

    /// `2yz`.
    pub const fn is_positive_completion(self) -> bool {
        self.first_digit() == 2
    }

    /// `3yz`.
    pub const fn is_positive_intermediate(self) -> bool {
        self.first_digit() == 3
    }

    /// `2yz` or `3yz`: the command was accepted.
    pub const fn is_positive(self) -> bool {
        self.first_digit() <= 3
    }

    /// `4yz`: transient negative completion; the client may try again later.
    pub const fn is_transient_negative(self) -> bool {
        self.first_digit() == 4
    }

    /// Same as [`is_transient_negative`](Self::is_transient_negative).
    pub const fn is_transient(self) -> bool {
        self.is_transient_negative()
    }

    /// `5yz`: permanent negative completion.
    pub const fn is_permanent_negative(self) -> bool {
        self.first_digit() == 5
    }

    /// Same as [`is_permanent_negative`](Self::is_permanent_negative).
    pub const fn is_permanent(self) -> bool {
        self.is_permanent_negative()
    }

    /// The class of enhanced status code that goes with this reply (RFC 2034 §4: a 2xx
    /// reply takes 2.X.X, 4xx 4.X.X, 5xx 5.X.X); `None` for 3xx, which take none.
    pub const fn status_class(self) -> Option<StatusClass> {
        match self.first_digit() {
            2 => Some(StatusClass::Success),
            4 => Some(StatusClass::PersistentTransientFailure),
            5 => Some(StatusClass::PermanentFailure),
            _ => None,
        }
    }
}

impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<u16> for ReplyCode {
    type Error = ValidationError;
    fn try_from(code: u16) -> Result<Self, Self::Error> {
        ReplyCode::new(code)
    }
}

impl From<ReplyCode> for u16 {
    fn from(code: ReplyCode) -> u16 {
        code.0
    }
}
