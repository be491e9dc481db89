//! Replies: [`ReplyCode`], [`EnhancedStatusCode`], [`Reply`] and the stream decoder
//! [`ReplyDecoder`].
//!
//! RFC 5321 §4.2:
//!
//! ```text
//! Reply-line     = *( Reply-code "-" [ textstring ] CRLF )
//!                  Reply-code [ SP textstring ] CRLF
//! Reply-code     = %x32-35 %x30-35 %x30-39
//! textstring     = 1*(%d09 / %d32-126) ; HT, SP, Printable US-ASCII
//! ```
//!
//! RFC 3463 §2 / RFC 2034 §4 (enhanced status codes, at the start of the text):
//!
//! ```text
//! status-code ::= class "." subject "." detail
//! class       ::= "2" / "4" / "5"
//! subject     ::= 1*3digit
//! detail      ::= 1*3digit
//! ```

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::OnceLock;

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::error::{DecodeError, DecodeErrorKind};
use crate::line::{LineEnding, LineFramer};
use crate::parse::reply as p;
use crate::types::Text;

const fn reply_err(reason: &'static str) -> DecodeError {
    DecodeError::new(DecodeErrorKind::ReplySyntax, reason)
}

// ---------------------------------------------------------------------------------------
// ReplyCode
// ---------------------------------------------------------------------------------------

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
    /// first digit 2-5, second 0-5, third 0-9).
    pub fn new(code: u16) -> Result<ReplyCode, DecodeError> {
        let (a, b) = (code / 100, code / 10 % 10);
        if (2..=5).contains(&a) && b <= 5 {
            Ok(ReplyCode(code))
        } else {
            Err(reply_err("reply code out of range"))
        }
    }

    /// The numeric value.
    pub const fn as_u16(self) -> u16 {
        self.0
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

impl FromStr for ReplyCode {
    type Err = DecodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match p::reply_code(s.as_bytes()) {
            Some(code) if s.len() == 3 => Ok(ReplyCode(code)),
            _ => Err(reply_err("not a reply code")),
        }
    }
}

impl TryFrom<u16> for ReplyCode {
    type Error = DecodeError;
    fn try_from(code: u16) -> Result<Self, Self::Error> {
        ReplyCode::new(code)
    }
}

impl From<ReplyCode> for u16 {
    fn from(code: ReplyCode) -> u16 {
        code.0
    }
}

// ---------------------------------------------------------------------------------------
// EnhancedStatusCode
// ---------------------------------------------------------------------------------------

/// The class of an enhanced status code (RFC 3463 §3.1): `class = "2" / "4" / "5"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusClass {
    /// `2.X.X` Success.
    Success = 2,
    /// `4.X.X` Persistent Transient Failure.
    PersistentTransientFailure = 4,
    /// `5.X.X` Permanent Failure.
    PermanentFailure = 5,
}

impl StatusClass {
    /// The digit, 2, 4 or 5.
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// The class for a digit.
    pub const fn from_u8(digit: u8) -> Option<StatusClass> {
        match digit {
            2 => Some(StatusClass::Success),
            4 => Some(StatusClass::PersistentTransientFailure),
            5 => Some(StatusClass::PermanentFailure),
            _ => None,
        }
    }
}

/// An enhanced mail system status code (RFC 3463 §2, carried in replies by RFC 2034 §4):
///
/// ```text
/// status-code ::= class "." subject "." detail
/// class       ::= "2" / "4" / "5"
/// subject     ::= 1*3digit
/// detail      ::= 1*3digit
/// ```
///
/// Subject and detail keep any value up to 999 exactly: Microsoft sends `5.7.515` and
/// `4.7.650`, which parsers that store a byte lose.
///
/// The named constants are the codes registered in RFC 5248 §2.4 and by the later RFCs
/// (4468, 4954, 6531, 6710, 7293, 7372, 7505, 8689). The registry lists them as `X.y.z`,
/// class-free; each constant has the class the code is normally sent with (5, permanent
/// failure, unless the registry associates it with 2xx replies only). Use
/// [`with_class`](Self::with_class) for another class, e.g. a temporary `4.2.2`.
///
/// ```
/// use esmtp::{EnhancedStatusCode, StatusClass};
/// let c: EnhancedStatusCode = "5.7.515".parse().unwrap();
/// assert_eq!((c.class().as_u8(), c.subject(), c.detail()), (5, 7, 515));
/// assert_eq!(c.to_string(), "5.7.515");
/// assert_eq!(EnhancedStatusCode::MAILBOX_FULL.with_class(StatusClass::PersistentTransientFailure).to_string(), "4.2.2");
/// assert_eq!(EnhancedStatusCode::MAILBOX_FULL.description(), Some("Mailbox full"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnhancedStatusCode {
    class: StatusClass,
    subject: u16,
    detail: u16,
}

macro_rules! status_codes {
    ($($(#[$doc:meta])* $name:ident = ($class:ident, $subject:literal, $detail:literal), $title:literal;)*) => {
        impl EnhancedStatusCode {
            $(
                $(#[$doc])*
                #[doc = concat!("\n\nRegistry title: \"", $title, "\".")]
                pub const $name: EnhancedStatusCode = EnhancedStatusCode {
                    class: StatusClass::$class, subject: $subject, detail: $detail,
                };
            )*
        }

        /// `(subject, detail, title)` of every registered code.
        const REGISTRY: &[(u16, u16, &str)] = &[$(($subject, $detail, $title)),*];
    };
}

status_codes! {
    /// `2.0.0` (X.0.0, RFC 3463 §3.1) in the success class: the code of a plain "Ok".
    OK = (Success, 0, 0), "Other undefined Status";
    /// `5.0.0` (X.0.0, RFC 3463 §3.1): only the class of the error is known.
    OTHER_UNDEFINED = (PermanentFailure, 0, 0), "Other undefined Status";
    /// `5.1.0` (X.1.0, RFC 3463 §3.2).
    OTHER_ADDRESS = (PermanentFailure, 1, 0), "Other address status";
    /// `5.1.1` (X.1.1, RFC 3463 §3.2): the mailbox does not exist.
    BAD_DESTINATION_MAILBOX = (PermanentFailure, 1, 1), "Bad destination mailbox address";
    /// `5.1.2` (X.1.2, RFC 3463 §3.2).
    BAD_DESTINATION_SYSTEM = (PermanentFailure, 1, 2), "Bad destination system address";
    /// `5.1.3` (X.1.3, RFC 3463 §3.2).
    BAD_DESTINATION_MAILBOX_SYNTAX = (PermanentFailure, 1, 3), "Bad destination mailbox address syntax";
    /// `5.1.4` (X.1.4, RFC 3463 §3.2).
    DESTINATION_MAILBOX_AMBIGUOUS = (PermanentFailure, 1, 4), "Destination mailbox address ambiguous";
    /// `2.1.5` (X.1.5, RFC 3463 §3.2), associated with 250.
    DESTINATION_ADDRESS_VALID = (Success, 1, 5), "Destination address valid";
    /// `5.1.6` (X.1.6, RFC 3463 §3.2).
    MAILBOX_MOVED = (PermanentFailure, 1, 6), "Destination mailbox has moved, No forwarding address";
    /// `5.1.7` (X.1.7, RFC 3463 §3.2).
    BAD_SENDER_MAILBOX_SYNTAX = (PermanentFailure, 1, 7), "Bad sender's mailbox address syntax";
    /// `5.1.8` (X.1.8, RFC 3463 §3.2).
    BAD_SENDER_SYSTEM = (PermanentFailure, 1, 8), "Bad sender's system address";
    /// `2.1.9` (X.1.9, RFC 3886 §3.3.4): relayed to a mailer that does not support tracking.
    RELAYED_TO_NON_COMPLIANT_MAILER = (Success, 1, 9), "Message relayed to non-compliant mailer";
    /// `5.1.10` (X.1.10, RFC 7505 §4.2): the recipient domain has a null MX.
    RECIPIENT_NULL_MX = (PermanentFailure, 1, 10), "Recipient address has null MX";
    /// `5.2.0` (X.2.0, RFC 3463 §3.3).
    OTHER_MAILBOX = (PermanentFailure, 2, 0), "Other or undefined mailbox status";
    /// `5.2.1` (X.2.1, RFC 3463 §3.3).
    MAILBOX_DISABLED = (PermanentFailure, 2, 1), "Mailbox disabled, not accepting messages";
    /// `5.2.2` (X.2.2, RFC 3463 §3.3).
    MAILBOX_FULL = (PermanentFailure, 2, 2), "Mailbox full";
    /// `5.2.3` (X.2.3, RFC 3463 §3.3).
    MESSAGE_LENGTH_EXCEEDS_LIMIT = (PermanentFailure, 2, 3), "Message length exceeds administrative limit";
    /// `5.2.4` (X.2.4, RFC 3463 §3.3).
    MAILING_LIST_EXPANSION_PROBLEM = (PermanentFailure, 2, 4), "Mailing list expansion problem";
    /// `5.3.0` (X.3.0, RFC 3463 §3.4).
    OTHER_MAIL_SYSTEM = (PermanentFailure, 3, 0), "Other or undefined mail system status";
    /// `5.3.1` (X.3.1, RFC 3463 §3.4).
    MAIL_SYSTEM_FULL = (PermanentFailure, 3, 1), "Mail system full";
    /// `5.3.2` (X.3.2, RFC 3463 §3.4).
    SYSTEM_NOT_ACCEPTING_MESSAGES = (PermanentFailure, 3, 2), "System not accepting network messages";
    /// `5.3.3` (X.3.3, RFC 3463 §3.4).
    SYSTEM_NOT_CAPABLE = (PermanentFailure, 3, 3), "System not capable of selected features";
    /// `5.3.4` (X.3.4, RFC 3463 §3.4).
    MESSAGE_TOO_BIG = (PermanentFailure, 3, 4), "Message too big for system";
    /// `5.3.5` (X.3.5, RFC 3463 §3.4).
    SYSTEM_INCORRECTLY_CONFIGURED = (PermanentFailure, 3, 5), "System incorrectly configured";
    /// `2.3.6` (X.3.6, RFC 6710 §9.2), associated with 250.
    PRIORITY_CHANGED = (Success, 3, 6), "Requested priority was changed";
    /// `5.4.0` (X.4.0, RFC 3463 §3.5).
    OTHER_NETWORK = (PermanentFailure, 4, 0), "Other or undefined network or routing status";
    /// `5.4.1` (X.4.1, RFC 3463 §3.5).
    NO_ANSWER_FROM_HOST = (PermanentFailure, 4, 1), "No answer from host";
    /// `5.4.2` (X.4.2, RFC 3463 §3.5).
    BAD_CONNECTION = (PermanentFailure, 4, 2), "Bad connection";
    /// `5.4.3` (X.4.3, RFC 3463 §3.5).
    DIRECTORY_SERVER_FAILURE = (PermanentFailure, 4, 3), "Directory server failure";
    /// `5.4.4` (X.4.4, RFC 3463 §3.5).
    UNABLE_TO_ROUTE = (PermanentFailure, 4, 4), "Unable to route";
    /// `5.4.5` (X.4.5, RFC 3463 §3.5).
    MAIL_SYSTEM_CONGESTION = (PermanentFailure, 4, 5), "Mail system congestion";
    /// `5.4.6` (X.4.6, RFC 3463 §3.5).
    ROUTING_LOOP = (PermanentFailure, 4, 6), "Routing loop detected";
    /// `5.4.7` (X.4.7, RFC 3463 §3.5).
    DELIVERY_TIME_EXPIRED = (PermanentFailure, 4, 7), "Delivery time expired";
    /// `5.5.0` (X.5.0, RFC 3463 §3.6).
    OTHER_PROTOCOL = (PermanentFailure, 5, 0), "Other or undefined protocol status";
    /// `5.5.1` (X.5.1, RFC 3463 §3.6).
    INVALID_COMMAND = (PermanentFailure, 5, 1), "Invalid command";
    /// `5.5.2` (X.5.2, RFC 3463 §3.6).
    SYNTAX_ERROR = (PermanentFailure, 5, 2), "Syntax error";
    /// `5.5.3` (X.5.3, RFC 3463 §3.6).
    TOO_MANY_RECIPIENTS = (PermanentFailure, 5, 3), "Too many recipients";
    /// `5.5.4` (X.5.4, RFC 3463 §3.6).
    INVALID_COMMAND_ARGUMENTS = (PermanentFailure, 5, 4), "Invalid command arguments";
    /// `5.5.5` (X.5.5, RFC 3463 §3.6).
    WRONG_PROTOCOL_VERSION = (PermanentFailure, 5, 5), "Wrong protocol version";
    /// `5.5.6` (X.5.6, RFC 4954 §6).
    AUTH_EXCHANGE_LINE_TOO_LONG = (PermanentFailure, 5, 6), "Authentication Exchange line is too long";
    /// `5.6.0` (X.6.0, RFC 3463 §3.7).
    OTHER_MEDIA = (PermanentFailure, 6, 0), "Other or undefined media error";
    /// `5.6.1` (X.6.1, RFC 3463 §3.7).
    MEDIA_NOT_SUPPORTED = (PermanentFailure, 6, 1), "Media not supported";
    /// `5.6.2` (X.6.2, RFC 3463 §3.7).
    CONVERSION_PROHIBITED = (PermanentFailure, 6, 2), "Conversion required and prohibited";
    /// `5.6.3` (X.6.3, RFC 3463 §3.7).
    CONVERSION_NOT_SUPPORTED = (PermanentFailure, 6, 3), "Conversion required but not supported";
    /// `2.6.4` (X.6.4, RFC 3463 §3.7), associated with 250.
    CONVERSION_WITH_LOSS = (Success, 6, 4), "Conversion with loss performed";
    /// `5.6.5` (X.6.5, RFC 3463 §3.7).
    CONVERSION_FAILED = (PermanentFailure, 6, 5), "Conversion Failed";
    /// `5.6.6` (X.6.6, RFC 4468 §5).
    MESSAGE_CONTENT_NOT_AVAILABLE = (PermanentFailure, 6, 6), "Message content not available";
    /// `5.6.7` (X.6.7, RFC 6531 §4).
    NON_ASCII_ADDRESS_NOT_PERMITTED = (PermanentFailure, 6, 7), "Non-ASCII addresses not permitted for that sender/recipient";
    /// `5.6.8` (X.6.8, RFC 6531 §4).
    UTF8_REPLY_REQUIRED = (PermanentFailure, 6, 8), "UTF-8 string reply is required, but not permitted by the SMTP client";
    /// `5.6.9` (X.6.9, RFC 6531 §4).
    UTF8_HEADER_NOT_TRANSFERABLE = (PermanentFailure, 6, 9), "UTF-8 header message cannot be transferred to one or more recipients, so the message must be rejected";
    /// `5.6.10` (X.6.10, RFC 6531 §4): a deprecated duplicate of X.6.8.
    UTF8_REPLY_REQUIRED_DEPRECATED = (PermanentFailure, 6, 10), "Duplicate of X.6.8 (deprecated)";
    /// `5.7.0` (X.7.0, RFC 3463 §3.8).
    OTHER_SECURITY = (PermanentFailure, 7, 0), "Other or undefined security status";
    /// `5.7.1` (X.7.1, RFC 3463 §3.8).
    DELIVERY_NOT_AUTHORIZED = (PermanentFailure, 7, 1), "Delivery not authorized, message refused";
    /// `5.7.2` (X.7.2, RFC 3463 §3.8).
    MAILING_LIST_EXPANSION_PROHIBITED = (PermanentFailure, 7, 2), "Mailing list expansion prohibited";
    /// `5.7.3` (X.7.3, RFC 3463 §3.8).
    SECURITY_CONVERSION_NOT_POSSIBLE = (PermanentFailure, 7, 3), "Security conversion required but not possible";
    /// `5.7.4` (X.7.4, RFC 3463 §3.8).
    SECURITY_FEATURES_NOT_SUPPORTED = (PermanentFailure, 7, 4), "Security features not supported";
    /// `5.7.5` (X.7.5, RFC 3463 §3.8).
    CRYPTOGRAPHIC_FAILURE = (PermanentFailure, 7, 5), "Cryptographic failure";
    /// `5.7.6` (X.7.6, RFC 3463 §3.8).
    CRYPTOGRAPHIC_ALGORITHM_NOT_SUPPORTED = (PermanentFailure, 7, 6), "Cryptographic algorithm not supported";
    /// `5.7.7` (X.7.7, RFC 3463 §3.8).
    MESSAGE_INTEGRITY_FAILURE = (PermanentFailure, 7, 7), "Message integrity failure";
    /// `5.7.8` (X.7.8, RFC 4954 §6).
    AUTH_CREDENTIALS_INVALID = (PermanentFailure, 7, 8), "Authentication credentials invalid";
    /// `5.7.9` (X.7.9, RFC 4954 §6).
    AUTH_MECHANISM_TOO_WEAK = (PermanentFailure, 7, 9), "Authentication mechanism is too weak";
    /// `5.7.10` (X.7.10, RFC 5248 §2.4).
    ENCRYPTION_NEEDED = (PermanentFailure, 7, 10), "Encryption Needed";
    /// `5.7.11` (X.7.11, RFC 4954 §6).
    ENCRYPTION_REQUIRED_FOR_AUTH = (PermanentFailure, 7, 11), "Encryption required for requested authentication mechanism";
    /// `4.7.12` (X.7.12, RFC 4954 §6), associated with 432 and 422.
    PASSWORD_TRANSITION_NEEDED = (PersistentTransientFailure, 7, 12), "A password transition is needed";
    /// `5.7.13` (X.7.13, RFC 5248 §2.4).
    USER_ACCOUNT_DISABLED = (PermanentFailure, 7, 13), "User Account Disabled";
    /// `5.7.14` (X.7.14, RFC 5248 §2.4).
    TRUST_RELATIONSHIP_REQUIRED = (PermanentFailure, 7, 14), "Trust relationship required";
    /// `5.7.15` (X.7.15, RFC 6710 §9.2).
    PRIORITY_TOO_LOW = (PermanentFailure, 7, 15), "Priority Level is too low";
    /// `5.7.16` (X.7.16, RFC 6710 §9.2).
    MESSAGE_TOO_BIG_FOR_PRIORITY = (PermanentFailure, 7, 16), "Message is too big for the specified priority";
    /// `5.7.17` (X.7.17, RFC 7293 §10.3).
    MAILBOX_OWNER_CHANGED = (PermanentFailure, 7, 17), "Mailbox owner has changed";
    /// `5.7.18` (X.7.18, RFC 7293 §10.3).
    DOMAIN_OWNER_CHANGED = (PermanentFailure, 7, 18), "Domain owner has changed";
    /// `5.7.19` (X.7.19, RFC 7293 §10.3).
    RRVS_CANNOT_BE_COMPLETED = (PermanentFailure, 7, 19), "RRVS test cannot be completed";
    /// `5.7.20` (X.7.20, RFC 7372 §3).
    NO_PASSING_DKIM_SIGNATURE = (PermanentFailure, 7, 20), "No passing DKIM signature found";
    /// `5.7.21` (X.7.21, RFC 7372 §3).
    NO_ACCEPTABLE_DKIM_SIGNATURE = (PermanentFailure, 7, 21), "No acceptable DKIM signature found";
    /// `5.7.22` (X.7.22, RFC 7372 §3).
    NO_AUTHOR_MATCHED_DKIM_SIGNATURE = (PermanentFailure, 7, 22), "No valid author-matched DKIM signature found";
    /// `5.7.23` (X.7.23, RFC 7372 §3).
    SPF_VALIDATION_FAILED = (PermanentFailure, 7, 23), "SPF validation failed";
    /// `5.7.24` (X.7.24, RFC 7372 §3).
    SPF_VALIDATION_ERROR = (PermanentFailure, 7, 24), "SPF validation error";
    /// `5.7.25` (X.7.25, RFC 7372 §3).
    REVERSE_DNS_VALIDATION_FAILED = (PermanentFailure, 7, 25), "Reverse DNS validation failed";
    /// `5.7.26` (X.7.26, RFC 7372 §3).
    MULTIPLE_AUTH_CHECKS_FAILED = (PermanentFailure, 7, 26), "Multiple authentication checks failed";
    /// `5.7.27` (X.7.27, RFC 7505 §4.3): the sender domain has a null MX.
    SENDER_NULL_MX = (PermanentFailure, 7, 27), "Sender address has null MX";
    /// `5.7.30` (X.7.30, RFC 8689 §7.3).
    REQUIRETLS_REQUIRED = (PermanentFailure, 7, 30), "REQUIRETLS support required";
}

impl EnhancedStatusCode {
    /// A code from its parts; `Err` when subject or detail exceed three digits (999).
    pub fn new(class: StatusClass, subject: u16, detail: u16) -> Result<Self, DecodeError> {
        if subject > 999 || detail > 999 {
            return Err(reply_err("enhanced status code part above 999"));
        }
        Ok(EnhancedStatusCode { class, subject, detail })
    }

    /// The class.
    pub const fn class(self) -> StatusClass {
        self.class
    }

    /// The subject (0-999).
    pub const fn subject(self) -> u16 {
        self.subject
    }

    /// The detail (0-999).
    pub const fn detail(self) -> u16 {
        self.detail
    }

    /// The same subject and detail in another class.
    pub const fn with_class(self, class: StatusClass) -> Self {
        EnhancedStatusCode { class, ..self }
    }

    /// The registry's title ("Sample Text") for this subject and detail, whatever the
    /// class; `None` for unregistered codes (such as Microsoft's `5.7.515`).
    pub fn description(self) -> Option<&'static str> {
        REGISTRY
            .iter()
            .find(|(s, d, _)| *s == self.subject && *d == self.detail)
            .map(|(_, _, t)| *t)
    }

    /// The title of the subject sub-code (RFC 3463 §2), e.g. "Addressing Status" for X.1.
    pub fn subject_description(self) -> Option<&'static str> {
        Some(match self.subject {
            0 => "Other or Undefined Status",
            1 => "Addressing Status",
            2 => "Mailbox Status",
            3 => "Mail System Status",
            4 => "Network and Routing Status",
            5 => "Mail Delivery Protocol Status",
            6 => "Message Content or Message Media Status",
            7 => "Security or Policy Status",
            _ => return None,
        })
    }

    /// Writes `class.subject.detail`.
    pub fn encode(&self, buf: &mut BytesMut) {
        buf.put_u8(b'0' + self.class.as_u8());
        buf.put_u8(b'.');
        put_decimal(buf, self.subject);
        buf.put_u8(b'.');
        put_decimal(buf, self.detail);
    }
}

fn put_decimal(buf: &mut BytesMut, n: u16) {
    let digits = [(n / 100 % 10) as u8, (n / 10 % 10) as u8, (n % 10) as u8];
    let skip = if n >= 100 {
        0
    } else if n >= 10 {
        1
    } else {
        2
    };
    for d in &digits[skip..] {
        buf.put_u8(b'0' + d);
    }
}

impl fmt::Display for EnhancedStatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class.as_u8(), self.subject, self.detail)
    }
}

impl FromStr for EnhancedStatusCode {
    type Err = DecodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (class, subject, detail) =
            p::status_code(s.as_bytes()).ok_or(reply_err("not an enhanced status code"))?;
        let class = StatusClass::from_u8(class).ok_or(reply_err("not an enhanced status code"))?;
        EnhancedStatusCode::new(class, subject, detail)
    }
}

impl From<EnhancedStatusCode> for (u8, u16, u16) {
    fn from(c: EnhancedStatusCode) -> Self {
        (c.class.as_u8(), c.subject, c.detail)
    }
}

// ---------------------------------------------------------------------------------------
// Reply
// ---------------------------------------------------------------------------------------

/// One reply, single- or multi-line (RFC 5321 §4.2):
///
/// ```text
/// Reply-line     = *( Reply-code "-" [ textstring ] CRLF )
///                  Reply-code [ SP textstring ] CRLF
/// ```
///
/// A reply has a code, an optional [`EnhancedStatusCode`] (RFC 2034 §4) and one or more
/// text lines. The enhanced code is recognised on input when the first line's text starts
/// with one whose class agrees with the reply code (`250 2.1.0 Ok`), and then stripped from
/// every line that repeats it, as RFC 2034 §4 requires servers to do; the lines keep the
/// text after it. A code of another class, or one on later lines only, stays in the text.
///
/// Text is [`Text`]: `textstring` (HT, SP, printable ASCII) or UTF-8 (RFC 6531 §3.3).
/// **Non-UTF-8 octets and control characters from real servers** are replaced with U+FFFD
/// rather than failing the reply: the code is what a client acts on, and losing a reply
/// to a Latin-1 accent would desynchronise a pipelined session. Text that is already
/// valid is never copied.
///
/// Encoding then parsing gives back an equal reply; constructors recognise a leading
/// enhanced code in the text the same way the parser does, so this holds for every reply.
///
/// ```
/// use esmtp::{EnhancedStatusCode, Reply, ReplyCode};
/// let r = Reply::parse(b"250-2.1.5 first\r\n250 2.1.5 second\r\n").unwrap();
/// assert_eq!(r.code(), ReplyCode::OK);
/// assert_eq!(r.enhanced_code(), Some(EnhancedStatusCode::DESTINATION_ADDRESS_VALID));
/// assert_eq!(r.lines().map(|l| l.as_str()).collect::<Vec<_>>(), ["first", "second"]);
/// assert_eq!(r.to_string(), "250-2.1.5 first\r\n250 2.1.5 second\r\n");
/// ```
#[derive(Clone)]
pub struct Reply {
    code: ReplyCode,
    enhanced: Option<EnhancedStatusCode>,
    body: Body,
}

/// How a [`Reply`] holds its lines. Both forms give the same lines; equality, hashing and
/// encoding look only at the lines.
#[derive(Clone)]
enum Body {
    /// A single-line reply: its text.
    Single(Text),
    /// One [`Text`] per line: multi-line replies built by the constructors or read line
    /// by line (a reply that arrived in pieces, or has lines the whole-reply scan leaves to
    /// the line-by-line reader).
    Lines { first: Text, rest: Vec<Text> },
    /// A multi-line reply as [`ReplyDecoder`] or [`Reply::parse`] found it whole.
    Wire(Wire),
}

/// A multi-line reply in wire form: `raw` holds every `Reply-line` with its code,
/// separator and CRLF (RFC 5321 §4.2), all of whose text [`scan_reply`] has checked to be
/// `textstring` (HT, SP, printable US-ASCII), and `count` of them. The text of each line
/// is found again when asked for (after the code and separator, less the enhanced code
/// where RFC 2034 §4 has it stripped), and the per-line [`Text`] values are built only
/// when a caller borrows them.
#[derive(Clone)]
struct Wire {
    raw: Bytes,
    count: usize,
    texts: OnceLock<Box<[Text]>>,
}

/// The text ranges of the lines of a [`Wire`] reply, in `raw`.
#[derive(Clone)]
pub(crate) struct WireRanges<'a> {
    raw: &'a [u8],
    pos: usize,
    enhanced: Option<EnhancedStatusCode>,
    first: bool,
}

impl Iterator for WireRanges<'_> {
    type Item = std::ops::Range<usize>;

    fn next(&mut self) -> Option<Self::Item> {
        // `Reply-code` then "-" / SP / the CRLF of a bare code; the text has no CR.
        let rest = self.raw.get(self.pos..)?;
        let cr = 3 + p::find_cr(rest.get(3..)?)?;
        let mut start = if cr == 3 { 3 } else { 4 };
        if let Some(e) = self.enhanced {
            let class = b'0' + e.class.as_u8();
            if let Some((s, d, used)) = p::enhanced_prefix(&rest[start..cr], class) {
                // The first line is where the code came from; later lines lose it only
                // when they repeat it (RFC 2034 §4).
                if self.first || (s == e.subject && d == e.detail) {
                    start += used;
                }
            }
        }
        let range = self.pos + start..self.pos + cr;
        self.pos += cr + 2;
        self.first = false;
        Some(range)
    }
}

/// The text of each line of a reply, as octets.
enum LineBytes<'a> {
    Lines(std::iter::Chain<std::iter::Once<&'a Text>, std::slice::Iter<'a, Text>>),
    Wire(&'a [u8], WireRanges<'a>),
}

impl<'a> Iterator for LineBytes<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        match self {
            LineBytes::Lines(it) => it.next().map(|t| t.as_bytes()),
            LineBytes::Wire(raw, it) => it.next().map(|r| &raw[r]),
        }
    }
}

/// The text of each line of a reply and the shared buffer it is part of, from
/// [`Reply::shared_lines`]. The text is valid UTF-8.
pub(crate) enum SharedLines<'a> {
    Lines(std::iter::Chain<std::iter::Once<&'a Text>, std::slice::Iter<'a, Text>>),
    Wire(&'a Bytes, WireRanges<'a>),
}

impl<'a> Iterator for SharedLines<'a> {
    type Item = (&'a Bytes, &'a [u8]);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            SharedLines::Lines(it) => it.next().map(|t| (t.as_shared(), t.as_bytes())),
            SharedLines::Wire(raw, it) => it.next().map(|r| (*raw, &raw[r])),
        }
    }
}

/// Reply text already known to be valid, as `str`, for `Debug`.
fn text_str(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or_default()
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = self.line_bytes().map(text_str);
        let first = lines.next().unwrap_or_default();
        f.debug_struct("Reply")
            .field("code", &self.code)
            .field("enhanced", &self.enhanced)
            .field("first", &first)
            .field("rest", &lines.collect::<Vec<_>>())
            .finish()
    }
}

impl PartialEq for Reply {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
            && self.enhanced == other.enhanced
            && self.line_count() == other.line_count()
            && self.line_bytes().eq(other.line_bytes())
    }
}

impl Eq for Reply {}

impl Hash for Reply {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.code.hash(state);
        self.enhanced.hash(state);
        state.write_usize(self.line_count());
        for line in self.line_bytes() {
            // As `str` hashes, so that equal texts hash alike in either form.
            state.write(line);
            state.write_u8(0xff);
        }
    }
}

/// How [`Reply::encode_with`] writes enhanced status codes (RFC 2034).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EnhancedCodes {
    /// Write the reply's enhanced code, if it has one, on every line. What
    /// [`Reply::encode`] does.
    #[default]
    AsIs,
    /// Write no enhanced code: for a server that does not offer ENHANCEDSTATUSCODES, and
    /// for the greeting and the replies to HELO, EHLO and LHLO, which RFC 2034 §3 (4)
    /// exempts.
    Omit,
    /// Write an enhanced code on every line of every 2xx, 4xx and 5xx reply: the reply's
    /// own, or `X.0.0` ("Other undefined Status") of the matching class when it has none.
    /// For a server that offers ENHANCEDSTATUSCODES (RFC 2034 §3 (4), §4: "these codes must
    /// appear in all 2xx, 4xx, and 5xx response lines other than initial greeting and any
    /// response to HELO or EHLO"); 3xx replies never get one.
    Always,
}

impl EnhancedCodes {
    /// The mode a server uses for one reply: `offered` is whether it advertises
    /// ENHANCEDSTATUSCODES, `greeting_or_hello` whether the reply is the connection
    /// greeting or a reply to HELO/EHLO/LHLO (RFC 2034 §3 (4)).
    pub const fn for_server(offered: bool, greeting_or_hello: bool) -> Self {
        if offered && !greeting_or_hello { EnhancedCodes::Always } else { EnhancedCodes::Omit }
    }
}

/// Checks one line of reply text for output.
fn check_line(text: &str) -> Result<(), DecodeError> {
    if p::is_valid_text(text) {
        Ok(())
    } else {
        Err(reply_err("reply text holds CR, LF or another control character"))
    }
}

/// Splits a recognised enhanced code off `text` (RFC 2034 §4).
#[inline]
fn split_enhanced(code: ReplyCode, text: &mut Bytes) -> Option<EnhancedStatusCode> {
    let class = code.status_class()?;
    let (subject, detail, used) = p::enhanced_prefix(text, b'0' + class.as_u8())?;
    text.advance(used);
    Some(EnhancedStatusCode { class, subject, detail })
}

/// Strips `esc` (and one SP) from the start of `text` when it is there.
#[inline]
fn strip_same(esc: EnhancedStatusCode, text: &mut Bytes) {
    if let Some((s, d, used)) = p::enhanced_prefix(text, b'0' + esc.class.as_u8())
        && s == esc.subject
        && d == esc.detail
    {
        text.advance(used);
    }
}

impl Reply {
    /// A single-line reply. A leading enhanced code in `text` whose class agrees with
    /// `code` becomes the reply's enhanced code, as on input.
    ///
    /// `Err` when `text` holds CR, LF or another control character other than HT.
    pub fn new(code: ReplyCode, text: &str) -> Result<Reply, DecodeError> {
        Reply::from_lines(code, None, [text])
    }

    /// A single-line reply with an enhanced code. `Err` when the code's class does not
    /// agree with the reply's (RFC 2034 §4; 3xx replies take none) or the text is invalid.
    pub fn with_enhanced(
        code: ReplyCode,
        enhanced: EnhancedStatusCode,
        text: &str,
    ) -> Result<Reply, DecodeError> {
        Reply::from_lines(code, Some(enhanced), [text])
    }

    /// A reply of one or more lines (an empty iterator gives one empty line).
    ///
    /// With `enhanced: None`, a leading enhanced code on the first line is recognised as
    /// [`Reply::parse`] would, and then stripped from the later lines that repeat it.
    pub fn from_lines<I, S>(
        code: ReplyCode,
        enhanced: Option<EnhancedStatusCode>,
        lines: I,
    ) -> Result<Reply, DecodeError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        if let Some(e) = enhanced
            && code.status_class() != Some(e.class)
        {
            return Err(reply_err("enhanced code class does not agree with the reply code"));
        }
        let mut reply: Option<Reply> = None;
        for line in lines {
            let line = line.as_ref();
            check_line(line)?;
            let mut bytes = Bytes::copy_from_slice(line.as_bytes());
            match &mut reply {
                None => {
                    let enhanced = enhanced.or_else(|| split_enhanced(code, &mut bytes));
                    reply = Some(Reply::single(code, enhanced, Text::from_checked(bytes)));
                }
                Some(r) => {
                    if enhanced.is_none()
                        && let Some(e) = r.enhanced
                    {
                        strip_same(e, &mut bytes);
                    }
                    r.rest_mut().push(Text::from_checked(bytes));
                }
            }
        }
        Ok(reply.unwrap_or(Reply::single(code, enhanced, Text::default())))
    }

    /// Appends a line. `Err` when the text is invalid.
    pub fn push_line(&mut self, text: &str) -> Result<(), DecodeError> {
        check_line(text)?;
        self.rest_mut().push(Text::copy_from_str(text));
        Ok(())
    }

    /// Parses one complete reply, single- or multi-line, with or without its final CRLF.
    ///
    /// Lines end in CRLF (RFC 5321 §2.3.8); a bare LF is an error. Errors are
    /// [`DecodeErrorKind::ReplySyntax`] (including input after the last line, and a reply
    /// with no last line) and [`DecodeErrorKind::ReplyCodeMismatch`]. For a stream, with
    /// limits, use [`ReplyDecoder`].
    pub fn parse(input: &[u8]) -> Result<Reply, DecodeError> {
        if let Some(whole) = scan_reply(input, usize::MAX, usize::MAX)
            && whole.len == input.len()
        {
            return Ok(whole.take(&mut BytesMut::from(input)));
        }
        let mut data = Bytes::copy_from_slice(input);
        let mut asm = Assembler::default();
        loop {
            let (line, more) = match memchr::memchr(b'\n', &data) {
                Some(lf) => {
                    if lf == 0 || data[lf - 1] != b'\r' {
                        return Err(reply_err("reply line ended by a bare LF"));
                    }
                    let line = data.slice(..lf - 1);
                    data.advance(lf + 1);
                    (line, !data.is_empty())
                }
                None if data.is_empty() => {
                    return Err(reply_err("incomplete reply: no last line"));
                }
                None => {
                    let mut line = std::mem::take(&mut data);
                    if line.ends_with(b"\r") {
                        line.truncate(line.len() - 1);
                    }
                    (line, false)
                }
            };
            match asm.push(line, usize::MAX) {
                Ok(Some(reply)) if more => {
                    let _ = reply;
                    return Err(reply_err("input after the last line of the reply"));
                }
                Ok(Some(reply)) => return Ok(reply),
                Ok(None) => {}
                Err((e, _)) => return Err(e),
            }
        }
    }

    /// The reply code.
    pub fn code(&self) -> ReplyCode {
        self.code
    }

    /// The enhanced status code, if the reply carries one.
    pub fn enhanced_code(&self) -> Option<EnhancedStatusCode> {
        self.enhanced
    }

    /// The reply with its enhanced code replaced (or removed). `Err` when the class does
    /// not agree with the reply code.
    pub fn set_enhanced_code(
        &mut self,
        enhanced: Option<EnhancedStatusCode>,
    ) -> Result<(), DecodeError> {
        if let Some(e) = enhanced
            && self.code.status_class() != Some(e.class)
        {
            return Err(reply_err("enhanced code class does not agree with the reply code"));
        }
        // Wire-form lines are found with the enhanced code they were read with.
        self.rest_mut();
        self.enhanced = enhanced;
        Ok(())
    }

    /// The text lines, without codes, separators or the enhanced code.
    pub fn lines(&self) -> Lines<'_> {
        let (first, rest) = self.texts();
        Lines { first: Some(first), rest: rest.iter() }
    }

    /// The text of the first line.
    pub fn first_line(&self) -> &Text {
        self.texts().0
    }

    /// The text of line `i`, from 0.
    pub fn line(&self, i: usize) -> Option<&Text> {
        let (first, rest) = self.texts();
        if i == 0 { Some(first) } else { rest.get(i - 1) }
    }

    /// The number of lines (at least 1).
    pub fn line_count(&self) -> usize {
        match &self.body {
            Body::Single(_) => 1,
            Body::Lines { rest, .. } => 1 + rest.len(),
            Body::Wire(w) => w.count,
        }
    }

    /// Whether the reply has more than one line.
    pub fn is_multiline(&self) -> bool {
        self.line_count() > 1
    }

    /// The text of all lines joined by `"\n"` (borrowed for a single-line reply).
    pub fn text(&self) -> Cow<'_, str> {
        if let Body::Single(first) = &self.body {
            return Cow::Borrowed(first.as_str());
        }
        if let Body::Lines { first, rest } = &self.body
            && rest.is_empty()
        {
            return Cow::Borrowed(first.as_str());
        }
        let mut s = String::new();
        for (i, l) in self.line_bytes().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(text_str(l));
        }
        Cow::Owned(s)
    }

    /// A single-line reply from its parts.
    fn single(code: ReplyCode, enhanced: Option<EnhancedStatusCode>, first: Text) -> Reply {
        Reply { code, enhanced, body: Body::Single(first) }
    }

    /// The lines after the first, held one by one (a wire-form reply is split up first).
    fn rest_mut(&mut self) -> &mut Vec<Text> {
        let lines = match &self.body {
            Body::Single(first) => Some((first.clone(), Vec::new())),
            Body::Wire(w) => {
                let mut texts = self.wire_texts(w).into_iter();
                Some((texts.next().unwrap_or_default(), texts.collect()))
            }
            Body::Lines { .. } => None,
        };
        if let Some((first, rest)) = lines {
            self.body = Body::Lines { first, rest };
        }
        match &mut self.body {
            Body::Lines { rest, .. } => rest,
            Body::Single(_) | Body::Wire(_) => unreachable!("converted above"),
        }
    }

    /// The [`Text`] of every line of a wire-form reply, each sharing `raw`.
    fn wire_texts(&self, w: &Wire) -> Vec<Text> {
        self.wire_ranges(&w.raw).map(|r| Text::from_checked(w.raw.slice(r))).collect()
    }

    fn wire_ranges<'a>(&self, raw: &'a [u8]) -> WireRanges<'a> {
        WireRanges { raw, pos: 0, enhanced: self.enhanced, first: true }
    }

    /// The first line and the others, as [`Text`]s (built on first use for a wire-form
    /// reply).
    fn texts(&self) -> (&Text, &[Text]) {
        match &self.body {
            Body::Single(first) => (first, &[]),
            Body::Lines { first, rest } => (first, rest),
            Body::Wire(w) => {
                let texts = w.texts.get_or_init(|| self.wire_texts(w).into_boxed_slice());
                match &texts[..] {
                    [first, rest @ ..] => (first, rest),
                    [] => unreachable!("a wire-form reply has at least two lines"),
                }
            }
        }
    }

    /// The text of each line with the buffer it lies in, without building [`Text`]s: for
    /// readers such as `Capabilities::from_ehlo` that slice parts out of the lines.
    pub(crate) fn shared_lines(&self) -> SharedLines<'_> {
        match &self.body {
            Body::Single(first) => SharedLines::Lines(std::iter::once(first).chain(&[])),
            Body::Lines { first, rest } => {
                SharedLines::Lines(std::iter::once(first).chain(rest.iter()))
            }
            Body::Wire(w) => Reply::wire_lines(&w.raw, self.enhanced),
        }
    }

    /// The wire form of a multi-line reply that [`ReplyDecoder`] or [`Reply::parse`] read
    /// whole: its octets and the enhanced code its lines were read with, for readers such
    /// as `Capabilities::from_ehlo` that keep it and read its lines again later with
    /// [`wire_lines`](Self::wire_lines). `None` for the other forms.
    pub(crate) fn wire_form(&self) -> Option<(&Bytes, Option<EnhancedStatusCode>)> {
        match &self.body {
            Body::Wire(w) => Some((&w.raw, self.enhanced)),
            Body::Single(_) | Body::Lines { .. } => None,
        }
    }

    /// The lines of a wire form that [`wire_form`](Self::wire_form) gave, as
    /// [`shared_lines`](Self::shared_lines) gives them.
    pub(crate) fn wire_lines(raw: &Bytes, enhanced: Option<EnhancedStatusCode>) -> SharedLines<'_> {
        SharedLines::Wire(raw, WireRanges { raw, pos: 0, enhanced, first: true })
    }

    /// The text of each line as octets, without building [`Text`]s.
    fn line_bytes(&self) -> LineBytes<'_> {
        match &self.body {
            Body::Single(first) => LineBytes::Lines(std::iter::once(first).chain(&[])),
            Body::Lines { first, rest } => LineBytes::Lines(std::iter::once(first).chain(rest)),
            Body::Wire(w) => LineBytes::Wire(&w.raw, self.wire_ranges(&w.raw)),
        }
    }

    /// Writes the reply in wire form, with its enhanced code (if any) on every line.
    pub fn encode(&self, buf: &mut BytesMut) {
        self.encode_with(buf, EnhancedCodes::AsIs)
    }

    /// Writes the reply in wire form, enhanced codes as `mode` says.
    pub fn encode_with(&self, buf: &mut BytesMut, mode: EnhancedCodes) {
        let esc = match mode {
            EnhancedCodes::AsIs => self.enhanced,
            EnhancedCodes::Omit => None,
            EnhancedCodes::Always => self.enhanced.or_else(|| {
                self.code.status_class().map(|class| EnhancedStatusCode {
                    class,
                    subject: 0,
                    detail: 0,
                })
            }),
        };
        let n = self.line_count();
        let len: usize = self.line_bytes().map(<[u8]>::len).sum();
        buf.reserve(len + n * (6 + if esc.is_some() { 12 } else { 0 }));
        let code = self.code.0;
        let digits =
            [b'0' + (code / 100) as u8, b'0' + (code / 10 % 10) as u8, b'0' + (code % 10) as u8];
        for (i, line) in self.line_bytes().enumerate() {
            let last = i + 1 == n;
            buf.put_slice(&digits);
            match esc {
                Some(e) => {
                    buf.put_u8(if last { b' ' } else { b'-' });
                    e.encode(buf);
                    if !line.is_empty() {
                        buf.put_u8(b' ');
                    }
                }
                None if line.is_empty() && last => {}
                None => buf.put_u8(if last { b' ' } else { b'-' }),
            }
            buf.put_slice(line);
            buf.put_slice(b"\r\n");
        }
    }

    /// The wire form as bytes.
    pub fn to_bytes(&self) -> Bytes {
        let mut buf = BytesMut::new();
        self.encode(&mut buf);
        buf.freeze()
    }
}

/// The text lines of a [`Reply`], from [`Reply::lines`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    first: Option<&'a Text>,
    rest: std::slice::Iter<'a, Text>,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a Text;
    fn next(&mut self) -> Option<&'a Text> {
        self.first.take().or_else(|| self.rest.next())
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.first.is_some()) + self.rest.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for Lines<'_> {}

impl DoubleEndedIterator for Lines<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.rest.next_back().or_else(|| self.first.take())
    }
}

impl fmt::Display for Reply {
    /// The wire form, CRLFs included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.to_bytes();
        // Every part is UTF-8 (codes are ASCII; lines are Text).
        f.write_str(std::str::from_utf8(&bytes).map_err(|_| fmt::Error)?)
    }
}

impl FromStr for Reply {
    type Err = DecodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reply::parse(s.as_bytes())
    }
}

impl From<DecodeError> for Reply {
    /// The reply a server sends for a decode error: [`DecodeError::reply_code`],
    /// [`DecodeError::enhanced_code`] and [`DecodeError::reason`] as the text (RFC 5321
    /// §4.2.2, RFC 3463).
    fn from(e: DecodeError) -> Reply {
        let code = ReplyCode::new(e.reply_code()).unwrap_or(ReplyCode::SYNTAX_ERROR);
        let (c, s, d) = e.enhanced_code();
        let enhanced = StatusClass::from_u8(c)
            .filter(|class| code.status_class() == Some(*class))
            .and_then(|class| EnhancedStatusCode::new(class, s, d).ok());
        let text = if p::is_valid_text(e.reason()) {
            Text::from_static(e.reason())
        } else {
            Text::from_static("syntax error")
        };
        Reply::single(code, enhanced, text)
    }
}

// ---------------------------------------------------------------------------------------
// Assembling lines into replies
// ---------------------------------------------------------------------------------------

/// A multi-line reply being collected.
#[derive(Debug, Clone, Default)]
struct Assembler {
    partial: Option<Reply>,
}

impl Assembler {
    /// Adds one line (without CRLF). `Ok(Some)` when it was the last line. On `Err`, the
    /// partial reply is dropped and the `bool` says whether the failed reply goes on past
    /// this line (so its remaining lines must be skipped).
    fn push(
        &mut self,
        mut line: Bytes,
        max_lines: usize,
    ) -> Result<Option<Reply>, (DecodeError, bool)> {
        let in_reply = self.partial.is_some();
        let parsed = match p::reply_line(&line) {
            Ok(l) => l,
            Err(e) => {
                self.partial = None;
                let goes_on = p::continues(&line).unwrap_or(in_reply);
                return Err((e.into_decode_error(DecodeErrorKind::ReplySyntax), goes_on));
            }
        };
        let code = ReplyCode(parsed.code);
        line.advance(parsed.text_start);
        match &mut self.partial {
            None => {
                let enhanced = split_enhanced(code, &mut line);
                let reply = Reply::single(code, enhanced, p::reply_text(line));
                if parsed.last {
                    Ok(Some(reply))
                } else if max_lines <= 1 {
                    Err((TOO_MANY_LINES, true))
                } else {
                    let mut reply = reply;
                    reply.rest_mut().reserve(15);
                    self.partial = Some(reply);
                    Ok(None)
                }
            }
            Some(r) => {
                if r.code != code {
                    self.partial = None;
                    return Err((
                        DecodeError::new(
                            DecodeErrorKind::ReplyCodeMismatch,
                            "lines of one reply carry different reply codes",
                        ),
                        !parsed.last,
                    ));
                }
                if let Some(e) = r.enhanced {
                    strip_same(e, &mut line);
                }
                r.rest_mut().push(p::reply_text(line));
                if parsed.last {
                    Ok(self.partial.take())
                } else if r.line_count() >= max_lines {
                    self.partial = None;
                    Err((TOO_MANY_LINES, true))
                } else {
                    Ok(None)
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// ReplyDecoder
// ---------------------------------------------------------------------------------------

/// A reply found complete at the front of the decoder's input by [`scan_reply`].
#[derive(Debug, Clone, Copy)]
struct WholeReply {
    code: ReplyCode,
    enhanced: Option<EnhancedStatusCode>,
    /// The octets of the reply, CRLF of its last line included.
    len: usize,
    /// The number of lines.
    count: usize,
    /// For a single-line reply, where its text (after any enhanced code) starts and ends.
    text: (usize, usize),
}

impl WholeReply {
    /// Takes the reply off the front of `buf`: one split for the whole reply.
    #[inline(always)]
    fn take(self, buf: &mut BytesMut) -> Reply {
        if self.count == 1 {
            return self.take_single(buf);
        }
        let raw = buf.split_to(self.len).freeze();
        let body = Body::Wire(Wire { raw, count: self.count, texts: OnceLock::new() });
        Reply { code: self.code, enhanced: self.enhanced, body }
    }

    /// [`take`](Self::take) for a single-line reply. Apart, so that the decoder's
    /// single-line path writes only what `Body::Single` holds: built next to `Body::Wire`,
    /// it also stored a line count and a `OnceLock` state in octets a single-line body
    /// leaves unused.
    #[inline(always)]
    fn take_single(self, buf: &mut BytesMut) -> Reply {
        let mut raw = buf.split_to(self.len);
        // Cut to the text before `freeze`: a `BytesMut` is cut by setting its length, a
        // `Bytes` checks its kind first.
        raw.truncate(self.text.1);
        let mut text = raw.freeze();
        text.advance(self.text.0);
        Reply {
            code: self.code,
            enhanced: self.enhanced,
            body: Body::Single(Text::from_checked(text)),
        }
    }
}

/// Finds a whole reply at the front of `input`, all of whose lines are well-formed
/// `Reply-line`s (RFC 5321 §4.2) ended by CRLF, within `max_line_len` octets, carrying
/// one code, with `textstring` text (HT, SP, printable US-ASCII), and no more than
/// `max_lines` of them. `None` leaves everything else to the line-by-line decoder: an
/// incomplete reply, and every line that is malformed, too long, ends in a bare LF or holds
/// other octets.
///
/// Each octet is looked at once: the text check finds the CRLF.
#[inline]
fn scan_reply(input: &[u8], max_line_len: usize, max_lines: usize) -> Option<WholeReply> {
    let (reply, last) = scan_first(input, max_line_len)?;
    if last { Some(reply) } else { scan_rest(input, reply, max_line_len, max_lines) }
}

/// The first line of a reply for [`scan_reply`], and whether it is the last: inline in
/// the callers, as most replies have only the one line.
#[inline(always)]
fn scan_first(input: &[u8], max_line_len: usize) -> Option<(WholeReply, bool)> {
    let (code, last, start) = line_head(input)?;
    let cr = start + text_end(input, start, max_line_len)?;
    let mut text_start = start;
    // The class digit of an enhanced code is the reply's first digit (RFC 2034 §4); 3xx
    // replies take none.
    let first = input[0];
    let enhanced = match StatusClass::from_u8(first.wrapping_sub(b'0')) {
        Some(class) => match p::enhanced_prefix(&input[start..cr], first) {
            Some((subject, detail, used)) => {
                text_start += used;
                Some(EnhancedStatusCode { class, subject, detail })
            }
            None => None,
        },
        None => None,
    };
    let code = ReplyCode(code);
    Some((WholeReply { code, enhanced, len: cr + 2, count: 1, text: (text_start, cr) }, last))
}

/// The lines after the first of a reply [`scan_reply`] looks for, `reply` holding the
/// first.
#[inline(never)]
fn scan_rest(
    input: &[u8],
    mut reply: WholeReply,
    max_line_len: usize,
    max_lines: usize,
) -> Option<WholeReply> {
    let code = reply.code;
    // The later lines: the usual one starts with the same code and "-", one compare.
    let continued = u32::from_le_bytes([input[0], input[1], input[2], b'-']);
    loop {
        if reply.count >= max_lines {
            return None;
        }
        let line = &input[reply.len..];
        let (last, start) = match line.first_chunk::<4>() {
            Some(head) if u32::from_le_bytes(*head) == continued => (false, 4),
            _ => match line_head(line)? {
                (c, last, start) if c == code.0 => (last, start),
                _ => return None,
            },
        };
        let cr = start + text_end(line, start, max_line_len)?;
        reply.count += 1;
        reply.len += cr + 2;
        if last {
            return Some(reply);
        }
    }
}

/// The head of a `Reply-line` (RFC 5321 §4.2): the code, whether it is the last line
/// (`Reply-code SP` or a bare `Reply-code`), and where its text starts. `None` also when
/// `line` is shorter than four octets: no such line is complete.
#[inline(always)]
fn line_head(line: &[u8]) -> Option<(u16, bool, usize)> {
    let head = line.first_chunk::<4>()?;
    let code = p::reply_code(head)?;
    match head[3] {
        b' ' => Some((code, true, 4)),
        b'-' => Some((code, false, 4)),
        b'\r' => Some((code, true, 3)),
        _ => None,
    }
}

/// The offset in `line` of the CR that ends it, when its text from `start` is
/// `textstring` and the CRLF lies within `max_line_len` octets of the line's start.
#[inline(always)]
fn text_end(line: &[u8], start: usize, max_line_len: usize) -> Option<usize> {
    p::crlf_after_text(line.get(start..line.len().min(max_line_len))?)
}

/// The default reply line limit: 4096 octets including CRLF.
///
/// RFC 5321 §4.5.3.1.5 sets 512 octets as the minimum a receiver must accept, and
/// §4.5.3.1 asks implementations to be liberal. Real servers send longer lines (policy
/// rejections with URLs, long AUTH challenges, EHLO greetings with banners), so the client
/// side defaults to eight times the minimum, still a small bound.
pub const DEFAULT_MAX_REPLY_LINE: usize = 4096;

/// The default limit on lines per reply: 100. An EHLO reply with every extension in this
/// crate has about 30.
pub const DEFAULT_MAX_REPLY_LINES: usize = 100;

/// Limits and policy for [`ReplyDecoder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplyDecoderConfig {
    max_line_len: usize,
    max_lines: usize,
    line_ending: LineEnding,
}

impl Default for ReplyDecoderConfig {
    fn default() -> Self {
        ReplyDecoderConfig {
            max_line_len: DEFAULT_MAX_REPLY_LINE,
            max_lines: DEFAULT_MAX_REPLY_LINES,
            line_ending: LineEnding::Crlf,
        }
    }
}

impl ReplyDecoderConfig {
    /// The longest reply line accepted, in octets including CRLF (at least 8; default
    /// [`DEFAULT_MAX_REPLY_LINE`]).
    pub fn with_max_line_len(mut self, max: usize) -> Self {
        self.max_line_len = max.max(8);
        self
    }

    /// The most lines one reply may have (at least 1; default [`DEFAULT_MAX_REPLY_LINES`]).
    pub fn with_max_lines(mut self, max: usize) -> Self {
        self.max_lines = max.max(1);
        self
    }

    /// Which octets end a line (default CRLF only, RFC 5321 §2.3.8).
    pub fn with_line_ending(mut self, ending: LineEnding) -> Self {
        self.line_ending = ending;
        self
    }

    /// The line limit.
    pub fn max_line_len(&self) -> usize {
        self.max_line_len
    }

    /// The lines-per-reply limit.
    pub fn max_lines(&self) -> usize {
        self.max_lines
    }

    /// The line-ending policy.
    pub fn line_ending(&self) -> LineEnding {
        self.line_ending
    }
}

/// Decodes a stream of replies from a server (RFC 5321 §4.2), one [`Reply`] per call.
///
/// - Bounded: a line longer than the limit is dropped as it arrives (by the
///   [`LineFramer`] underneath) and a reply longer than the lines-per-reply limit is
///   reported as soon as the limit is passed. The decoder holds at most one partial reply
///   within those limits, whatever the peer sends. (The lines of a partial reply are
///   zero-copy slices of the caller's buffer, so they keep its allocation alive until the
///   reply is complete or fails.)
/// - Incremental: lines are parsed and checked as they arrive; the framer remembers its
///   scan offset, so a reply fed one octet at a time costs linear time. Replies may be split
///   anywhere, and one read may hold several (pipelining, RFC 2920).
/// - Fast for the common case: a reply that is already whole in the buffer, with
///   well-formed lines of `textstring`, is found in one pass over its octets and split off
///   in one piece; the lines of a multi-line reply are then sliced out of that piece only
///   when asked for. Every other case goes line by line, with the same results.
/// - Each reply the server sent gives exactly one `Ok(Some(_))` or one `Err(_)`, which
///   keeps pipelined replies matched to their commands. **Resynchronisation:** after an
///   error (a malformed or over-long line, a code mismatch, too many lines) the decoder
///   drops the rest of the failed reply: every line up to and including the next last line
///   (`xyz SP ...` or `xyz`). A malformed line in the middle of a reply counts as part of
///   it; a malformed line between replies is one failed reply by itself.
///
/// ```
/// use bytes::BytesMut;
/// use esmtp::{ReplyCode, ReplyDecoder};
/// let mut dec = ReplyDecoder::default();
/// let mut buf = BytesMut::from(&b"250-a\r\n250 b\r\n354 go on\r\n22"[..]);
/// assert_eq!(dec.decode(&mut buf).unwrap().unwrap().line_count(), 2);
/// assert_eq!(dec.decode(&mut buf).unwrap().unwrap().code(), ReplyCode::START_MAIL_INPUT);
/// assert_eq!(dec.decode(&mut buf).unwrap(), None);
/// ```
#[derive(Debug, Clone)]
pub struct ReplyDecoder {
    framer: LineFramer,
    max_lines: usize,
    asm: Assembler,
    /// Dropping the rest of a failed reply.
    skipping: bool,
    /// Whether the line the framer is working on says its reply goes on (`xyz-`), taken
    /// from its first octets before the framer could drop them.
    line_goes_on: Option<bool>,
    /// The line limit, for the whole-reply scan.
    max_line_len: usize,
    /// The next call goes straight to the line-by-line decoder, as the last one left it
    /// inside a reply (a partial multi-line reply, the rest of a failed reply being
    /// dropped, an over-long line being discarded) or waiting for input: the framer
    /// remembers how far it scanned, so a reply fed a few octets at a time is not scanned
    /// from its start again and again. One flag, set when a line-by-line call returns, so
    /// that the whole-reply path tests one field.
    by_lines: bool,
}

impl Default for ReplyDecoder {
    fn default() -> Self {
        ReplyDecoder::new(ReplyDecoderConfig::default())
    }
}

/// A reply with more lines than [`ReplyDecoderConfig`] allows.
const TOO_MANY_LINES: DecodeError =
    DecodeError::new(DecodeErrorKind::TooManyReplyLines, "too many reply lines");

impl ReplyDecoder {
    /// A decoder with these limits.
    pub fn new(config: ReplyDecoderConfig) -> Self {
        ReplyDecoder {
            framer: LineFramer::new(config.max_line_len.max(8), config.line_ending),
            max_lines: config.max_lines.max(1),
            asm: Assembler::default(),
            skipping: false,
            line_goes_on: None,
            max_line_len: config.max_line_len.max(8),
            by_lines: false,
        }
    }

    /// Forgets any partial reply and scan progress (after a TLS hand-off, for example,
    /// when the buffer is replaced).
    pub fn reset(&mut self) {
        self.framer.reset();
        self.asm = Assembler::default();
        self.skipping = false;
        self.line_goes_on = None;
        self.by_lines = false;
    }

    /// Whether the decoder is inside a reply: a multi-line reply has started but not ended,
    /// or the rest of a failed reply is being dropped.
    pub fn is_partial(&self) -> bool {
        self.asm.partial.is_some() || self.skipping
    }

    /// Decodes the next reply from the front of `buf`, consuming what it uses.
    ///
    /// - `Ok(Some(reply))`: one complete reply was consumed.
    /// - `Ok(None)`: no complete reply yet; call again when more input has arrived.
    /// - `Err(e)`: one reply failed (see the type's documentation for how the decoder
    ///   resynchronises); call again for the next.
    // Inlined into the caller: the single-line path is short (the rest is out of line), and
    // the reply is then built where the caller keeps it instead of being returned and moved.
    #[inline(always)]
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Reply>, DecodeError> {
        if !self.by_lines
            && let Some((first, last)) = scan_first(buf, self.max_line_len)
        {
            if last {
                return Ok(Some(first.take_single(buf)));
            }
            // The parts it needs, not `first` itself: passed in registers, so that
            // the single-line path keeps the reply's parts in registers too.
            return self.decode_multi(buf, first.code, first.enhanced, first.len);
        }
        self.decode_by_lines(buf)
    }

    /// A reply whose first line [`scan_first`] found (its code, enhanced code and length)
    /// and which goes on: taken whole when it is, else read line by line.
    #[inline(never)]
    fn decode_multi(
        &mut self,
        buf: &mut BytesMut,
        code: ReplyCode,
        enhanced: Option<EnhancedStatusCode>,
        len: usize,
    ) -> Result<Option<Reply>, DecodeError> {
        let first = WholeReply { code, enhanced, len, count: 1, text: (0, 0) };
        if let Some(whole) = scan_rest(buf, first, self.max_line_len, self.max_lines) {
            return Ok(Some(whole.take(buf)));
        }
        self.decode_by_lines(buf)
    }

    /// [`decode_lines`](Self::decode_lines), then whether the next call goes on line by
    /// line.
    #[inline(never)]
    fn decode_by_lines(&mut self, buf: &mut BytesMut) -> Result<Option<Reply>, DecodeError> {
        let result = self.decode_lines(buf);
        // Only a partial line left in `buf` is worth remembering: the framer knows how far
        // it looked.
        let waiting = matches!(result, Ok(None)) && !buf.is_empty();
        self.by_lines =
            waiting || self.asm.partial.is_some() || self.skipping || self.framer.is_discarding();
        result
    }

    /// The line-by-line decoder: every case the whole-reply scan leaves to it (a reply
    /// not yet complete in `buf`, and every malformed, over-long or unusual line). Kept
    /// out of [`decode`](Self::decode), so that the whole-reply path stays small.
    #[inline(never)]
    fn decode_lines(&mut self, buf: &mut BytesMut) -> Result<Option<Reply>, DecodeError> {
        loop {
            if !self.framer.is_discarding() && buf.len() >= 4 {
                self.line_goes_on = p::continues(&buf[..4]);
            }
            let line = match self.framer.next_line(buf) {
                Ok(Some(line)) => line,
                Ok(None) => return Ok(None),
                Err(e) => {
                    let in_reply = self.asm.partial.take().is_some() || self.skipping;
                    let goes_on = self.line_goes_on.take().unwrap_or(in_reply);
                    let was_skipping = self.skipping;
                    self.skipping = goes_on;
                    if was_skipping {
                        continue;
                    }
                    return Err(e);
                }
            };
            self.line_goes_on = None;
            if self.asm.partial.is_none() && !self.skipping {
                // Fast path: a single-line reply, built in place.
                if let Ok(parsed) = p::reply_line(&line)
                    && parsed.last
                {
                    let code = ReplyCode(parsed.code);
                    let mut text = line;
                    text.advance(parsed.text_start);
                    let enhanced = split_enhanced(code, &mut text);
                    return Ok(Some(Reply::single(code, enhanced, p::reply_text(text))));
                }
            }
            if let (Some(partial), false) = (&mut self.asm.partial, self.skipping) {
                // Fast path: a continuation or last line of the reply being collected.
                if let Ok(parsed) = p::reply_line(&line)
                    && parsed.code == partial.code.0
                    && (parsed.last || partial.line_count() + 1 < self.max_lines)
                {
                    let mut text = line;
                    text.advance(parsed.text_start);
                    if let Some(e) = partial.enhanced {
                        strip_same(e, &mut text);
                    }
                    partial.rest_mut().push(p::reply_text(text));
                    if parsed.last {
                        return Ok(self.asm.partial.take());
                    }
                    continue;
                }
            }
            if self.skipping {
                if p::continues(&line) == Some(false) {
                    self.skipping = false;
                }
                continue;
            }
            match self.asm.push(line, self.max_lines) {
                Ok(Some(reply)) => return Ok(Some(reply)),
                Ok(None) => {}
                Err((e, goes_on)) => {
                    self.skipping = goes_on;
                    return Err(e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The head test of the whole-reply scan (three digits checked at once, in
    /// `p::reply_code`) agrees with the `Reply-line` grammar on every first four octets
    /// that matter.
    #[test]
    fn line_head_agrees_with_the_reply_line_parser() {
        let octets: Vec<u8> =
            (b'0'..=b'9').chain([b' ', b'-', b'\r', b'\n', b'/', b':', 0, 0xff]).collect();
        for &a in &octets {
            for &b in &octets {
                for &c in &octets {
                    for &sep in &octets {
                        let line = [a, b, c, sep];
                        // `Reply-code = %x32-35 %x30-35 %x30-39`, octet by octet.
                        let code = match line {
                            [a @ b'2'..=b'5', b @ b'0'..=b'5', c @ b'0'..=b'9', _] => Some(
                                u16::from(a - b'0') * 100
                                    + u16::from(b - b'0') * 10
                                    + u16::from(c - b'0'),
                            ),
                            _ => None,
                        };
                        let want = code.and_then(|code| match sep {
                            b' ' => Some((code, true, 4)),
                            b'-' => Some((code, false, 4)),
                            b'\r' => Some((code, true, 3)),
                            _ => None,
                        });
                        assert_eq!(line_head(&line), want, "{line:?}");
                        assert_eq!(line_head(&line[..3]), None);
                    }
                }
            }
        }
    }
}
