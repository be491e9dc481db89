//! Enhanced mail system status codes (RFC 3463, carried in replies by RFC 2034):
//! [`StatusClass`], [`EnhancedStatusCode`] and the codes of the RFC 5248 registry.
//!
//! ```text
//! status-code ::= class "." subject "." detail
//! class       ::= "2" / "4" / "5"
//! subject     ::= 1*3digit
//! detail      ::= 1*3digit
//! ```

use std::fmt;

use bytes::{BufMut, BytesMut};

use crate::error::ValidationError;

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
/// failure, unless the registry associates it with 2xx replies only). The class of a
/// constant matters only where the code stands alone: a reply takes the class from its
/// reply code (RFC 3463 §2, RFC 2034 §4), so `Reply::with_enhanced` with a 452 and
/// [`MAILBOX_FULL`](Self::MAILBOX_FULL) gives `452 4.2.2`. Use
/// [`with_class`](Self::with_class) for another class by hand.
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
    pub const fn new(
        class: StatusClass,
        subject: u16,
        detail: u16,
    ) -> Result<Self, ValidationError> {
        if subject > 999 || detail > 999 {
            return Err(ValidationError::new(
                "enhanced status code",
                "subject or detail above 999 (RFC 3463 §2: 1*3digit)",
            ));
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
        let (octets, len) = self.to_ascii();
        buf.put_slice(&octets[..len]);
    }

    /// `class.subject.detail` in ASCII: the octets (at most 11, `5.999.999`) and how many
    /// of them are used.
    pub(crate) fn to_ascii(self) -> ([u8; 11], usize) {
        let mut octets = [0; 11];
        octets[0] = b'0' + self.class.as_u8();
        octets[1] = b'.';
        let at = put_one_to_three_digits(&mut octets, 2, self.subject);
        octets[at] = b'.';
        let end = put_one_to_three_digits(&mut octets, at + 1, self.detail);
        (octets, end)
    }
}

impl fmt::Display for EnhancedStatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class.as_u8(), self.subject, self.detail)
    }
}

impl From<EnhancedStatusCode> for (u8, u16, u16) {
    fn from(c: EnhancedStatusCode) -> Self {
        (c.class.as_u8(), c.subject, c.detail)
    }
}

impl EnhancedStatusCode {
    /// The enhanced code of class `class` that starts reply text the constructors of
    /// `Reply` are given, followed by SP or the end of the text, and the octets it takes
    /// (its SP included): `status-code` (RFC 3463 §2) as RFC 2034 §4 places it. A
    /// `const fn`, so that replies with static text can be built in constants; the
    /// decoder reads the same rule from the wire with the grammar in `parse`, and the
    /// round-trip tests hold the two to the same answers.
    pub(crate) const fn leading(text: &[u8], class: StatusClass) -> Option<(Self, usize)> {
        if text.len() < 5 || text[0] != b'0' + class.as_u8() || text[1] != b'.' {
            return None;
        }
        let Some((subject, at)) = one_to_three_digits(text, 2) else {
            return None;
        };
        if at >= text.len() || text[at] != b'.' {
            return None;
        }
        let Some((detail, end)) = one_to_three_digits(text, at + 1) else {
            return None;
        };
        let used = if end == text.len() {
            end
        } else if text[end] == b' ' {
            end + 1
        } else {
            return None;
        };
        Some((EnhancedStatusCode { class, subject, detail }, used))
    }
}

/// Writes `n` (at most 999, which every constructor checks) as `1*3digit` (RFC 3463
/// §2), without leading zeros, at `octets[at..]`; returns the offset after it.
fn put_one_to_three_digits(octets: &mut [u8; 11], at: usize, n: u16) -> usize {
    let digits = [b'0' + (n / 100 % 10) as u8, b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8];
    let digits = match n {
        100.. => &digits[..],
        10..=99 => &digits[1..],
        _ => &digits[2..],
    };
    octets[at..at + digits.len()].copy_from_slice(digits);
    at + digits.len()
}

/// `1*3digit` at `text[from..]`: its value and the offset after it.
const fn one_to_three_digits(text: &[u8], from: usize) -> Option<(u16, usize)> {
    let mut n: u16 = 0;
    let mut i = from;
    while i < text.len() && i < from + 3 && text[i].is_ascii_digit() {
        n = n * 10 + (text[i] - b'0') as u16;
        i += 1;
    }
    if i == from { None } else { Some((n, i)) }
}
