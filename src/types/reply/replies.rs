//! Ready-made replies with fixed text: the ones a server sends most, each with the
//! enhanced status code (RFC 3463, registry of RFC 5248) that goes with it.
//!
//! Each is a `const` [`Reply`]: using one builds a fresh value that shares the static
//! text, with no allocation. Send one with [`Reply::encode_with`] and the
//! [`EnhancedCodes`](crate::types::EnhancedCodes) mode of the session, so that the
//! enhanced code is left out where ENHANCEDSTATUSCODES is not offered (RFC 2034 §3).
//!
//! Replies whose text names the server or the client (the 220 greeting, the EHLO reply,
//! 221 with the domain) are built at run time with [`Reply::new`].
//!
//! ```
//! use esmtp::replies;
//! assert_eq!(replies::OK.to_string(), "250 2.0.0 OK\r\n");
//! assert_eq!(replies::START_MAIL_INPUT.to_string(), "354 Start mail input; end with <CRLF>.<CRLF>\r\n");
//! ```

// A `Reply` holds `Bytes`, whose static form has a pointer cell that is never written:
// each use of these constants is a fresh value, with nothing shared but the static text.
#![allow(clippy::declare_interior_mutable_const)]

use crate::types::{EnhancedStatusCode as E, Reply, ReplyCode as C};

macro_rules! replies {
    ($($(#[$doc:meta])* $name:ident = ($code:ident, $enhanced:ident, $text:literal);)*) => {
        $(
            $(#[$doc])*
            pub const $name: Reply = Reply::from_static_enhanced(C::$code, E::$enhanced, $text);
        )*
    };
}

replies! {
    /// `250 2.0.0 OK`: the requested action completed (RFC 5321 §4.2.2; X.0.0, RFC 3463
    /// §3.1). The reply to NOOP and RSET, and the usual one to a command that succeeded.
    OK = (OK, OK, "OK");
    /// `250 2.0.0 Message accepted for delivery`: the reply to the end of DATA or to the
    /// last BDAT chunk (RFC 5321 §4.1.1.4, RFC 3030 §2).
    MESSAGE_ACCEPTED = (OK, OK, "Message accepted for delivery");
    /// `250 2.1.0 Sender OK`: MAIL accepted (RFC 5321 §4.1.1.2; X.1.0, RFC 3463 §3.2).
    SENDER_OK = (OK, OTHER_ADDRESS, "Sender OK");
    /// `250 2.1.5 Recipient OK`: RCPT accepted (RFC 5321 §4.1.1.3; X.1.5 "Destination
    /// address valid", RFC 3463 §3.2).
    RECIPIENT_OK = (OK, DESTINATION_ADDRESS_VALID, "Recipient OK");
    /// `221 2.0.0 Bye`: the reply to QUIT (RFC 5321 §4.1.1.10). RFC 5321 §4.2 has the
    /// server's domain in it; build it with [`Reply::new`] to name the domain.
    BYE = (CLOSING, OK, "Bye");
    /// `354 Start mail input; end with <CRLF>.<CRLF>`: the reply to DATA (RFC 5321
    /// §4.2.3). A 3xx reply carries no enhanced code (RFC 2034 §4).
    START_MAIL_INPUT = (START_MAIL_INPUT, OK, "Start mail input; end with <CRLF>.<CRLF>");
    /// `214 2.0.0 See RFC 5321`: a reply to HELP (RFC 5321 §4.1.1.8). DESIGN.md fixes
    /// 214 2.0.0 for HELP; the text is the server's to choose.
    HELP = (HELP_MESSAGE, OK, "See RFC 5321");
    /// `252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery`
    /// (RFC 5321 §4.2.3, §3.5.3). The enhanced code is the one DESIGN.md fixes (as sendmail
    /// sends); the registry of RFC 5248 associates 252 with X.5.0.
    CANNOT_VRFY = (CANNOT_VERIFY, SYNTAX_ERROR, "Cannot VRFY user, but will accept message and attempt delivery");
    /// `220 2.0.0 Ready to start TLS`: the reply to STARTTLS (RFC 3207 §4).
    READY_TO_START_TLS = (READY, OK, "Ready to start TLS");
    /// `235 2.7.0 Authentication succeeded` (RFC 4954 §6).
    AUTH_SUCCEEDED = (AUTH_SUCCEEDED, OTHER_SECURITY, "Authentication succeeded");

    /// `421 4.7.0 Service not available, closing transmission channel` (RFC 5321 §4.2.3):
    /// the session ends, e.g. after too many bad commands (DESIGN.md).
    SERVICE_NOT_AVAILABLE = (SERVICE_NOT_AVAILABLE, OTHER_SECURITY, "Service not available, closing transmission channel");
    /// `452 4.5.3 Too many recipients` (RFC 5321 §4.5.3.1.10; X.5.3, RFC 3463 §3.6).
    TOO_MANY_RECIPIENTS = (INSUFFICIENT_STORAGE, TOO_MANY_RECIPIENTS, "Too many recipients");
    /// `454 4.7.0 TLS not available due to temporary reason` (RFC 3207 §4).
    TLS_NOT_AVAILABLE = (TEMPORARY_FAILURE, OTHER_SECURITY, "TLS not available due to temporary reason");
    /// `454 4.7.0 Temporary authentication failure` (RFC 4954 §6).
    TEMPORARY_AUTH_FAILURE = (TEMPORARY_FAILURE, OTHER_SECURITY, "Temporary authentication failure");

    /// `500 5.5.1 Command unrecognized` (RFC 5321 §4.2.3; X.5.1 "Invalid command").
    COMMAND_UNRECOGNIZED = (SYNTAX_ERROR, INVALID_COMMAND, "Command unrecognized");
    /// `500 5.5.2 Line too long` (RFC 5321 §4.5.3.1.4; X.5.2 "Syntax error").
    LINE_TOO_LONG = (SYNTAX_ERROR, SYNTAX_ERROR, "Line too long");
    /// `500 5.5.6 Authentication Exchange line is too long` (RFC 4954 §4, §6).
    AUTH_LINE_TOO_LONG = (SYNTAX_ERROR, AUTH_EXCHANGE_LINE_TOO_LONG, "Authentication Exchange line is too long");
    /// `501 5.5.4 Syntax error in parameters or arguments` (RFC 5321 §4.2.3; X.5.4
    /// "Invalid command arguments").
    SYNTAX_ERROR = (PARAMETER_SYNTAX_ERROR, INVALID_COMMAND_ARGUMENTS, "Syntax error in parameters or arguments");
    /// `502 5.5.1 Command not implemented` (RFC 5321 §4.2.3): also the reply to a verb of
    /// an extension not offered (DESIGN.md).
    COMMAND_NOT_IMPLEMENTED = (COMMAND_NOT_IMPLEMENTED, INVALID_COMMAND, "Command not implemented");
    /// `503 5.5.1 Bad sequence of commands` (RFC 5321 §4.2.3).
    BAD_SEQUENCE = (BAD_SEQUENCE, INVALID_COMMAND, "Bad sequence of commands");
    /// `504 5.5.4 Command parameter not implemented` (RFC 5321 §4.2.3).
    PARAMETER_NOT_IMPLEMENTED = (PARAMETER_NOT_IMPLEMENTED, INVALID_COMMAND_ARGUMENTS, "Command parameter not implemented");
    /// `530 5.7.0 Authentication required` (RFC 4954 §6).
    AUTH_REQUIRED = (AUTH_REQUIRED, OTHER_SECURITY, "Authentication required");
    /// `530 5.7.0 Must issue a STARTTLS command first` (RFC 3207 §4).
    STARTTLS_REQUIRED = (AUTH_REQUIRED, OTHER_SECURITY, "Must issue a STARTTLS command first");
    /// `534 5.7.9 Authentication mechanism is too weak` (RFC 4954 §6).
    AUTH_MECHANISM_TOO_WEAK = (AUTH_MECHANISM_TOO_WEAK, AUTH_MECHANISM_TOO_WEAK, "Authentication mechanism is too weak");
    /// `535 5.7.8 Authentication credentials invalid` (RFC 4954 §6).
    AUTH_CREDENTIALS_INVALID = (AUTH_CREDENTIALS_INVALID, AUTH_CREDENTIALS_INVALID, "Authentication credentials invalid");
    /// `538 5.7.11 Encryption required for requested authentication mechanism`
    /// (RFC 4954 §6).
    ENCRYPTION_REQUIRED = (ENCRYPTION_REQUIRED, ENCRYPTION_REQUIRED_FOR_AUTH, "Encryption required for requested authentication mechanism");
    /// `550 5.1.1 No such user` (RFC 5321 §4.2.3; X.1.1 "Bad destination mailbox
    /// address").
    NO_SUCH_USER = (MAILBOX_UNAVAILABLE, BAD_DESTINATION_MAILBOX, "No such user");
    /// `552 5.3.4 Message size exceeds fixed maximum message size` (RFC 1870 §6.1; X.3.4
    /// "Message too big for system").
    MESSAGE_TOO_BIG = (EXCEEDED_STORAGE, MESSAGE_TOO_BIG, "Message size exceeds fixed maximum message size");
    /// `554 5.3.0 Transaction failed` (RFC 5321 §4.2.3; X.3.0 "Other or undefined mail
    /// system status").
    TRANSACTION_FAILED = (TRANSACTION_FAILED, OTHER_MAIL_SYSTEM, "Transaction failed");
    /// `554 5.5.0 No valid recipients`: the reply to DATA when no RCPT was accepted
    /// (RFC 5321 §3.3, §4.1.1.4; X.5.0 "Other or undefined protocol status").
    NO_VALID_RECIPIENTS = (TRANSACTION_FAILED, OTHER_PROTOCOL, "No valid recipients");
    /// `555 5.5.4 MAIL FROM/RCPT TO parameters not recognized or not implemented`
    /// (RFC 5321 §4.2.3): also the reply to a parameter of an extension not offered
    /// (DESIGN.md).
    PARAMETERS_NOT_RECOGNIZED = (PARAMETERS_NOT_RECOGNIZED, INVALID_COMMAND_ARGUMENTS, "MAIL FROM/RCPT TO parameters not recognized or not implemented");
}
