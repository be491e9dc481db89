//! Session state: what the machine is reading, what the client has established, the open
//! transaction, and the decision the program owes.

use crate::data::{BdatDecoder, DotUnstuffer};
use crate::types::{ForwardPath, Host, Reply, ReplyCode};

use super::request::Kind;

/// What the next input octets are.
#[derive(Debug)]
pub(crate) enum Phase {
    /// Command lines.
    Command,
    /// DATA content, up to `<CRLF>.<CRLF>`.
    Data(DotUnstuffer),
    /// The octets of one BDAT chunk. `refused`: they are drained and this reply follows
    /// (RFC 3030 §2: a refused chunk is still read, never executed as commands), as many
    /// times as the count says (in LMTP, once per accepted recipient after a LAST chunk,
    /// RFC 2033 §4.2).
    Bdat { decoder: BdatDecoder, size: u64, refused: Option<(Reply, usize)> },
    /// One line of an AUTH exchange (RFC 4954 §4).
    AuthResponse,
    /// The `220` to STARTTLS is out; the transport must start TLS.
    StartTls,
    /// Done.
    Closed,
}

/// What the client has established (forgotten at STARTTLS, RFC 3207 §4.2).
#[derive(Debug, Default)]
pub(crate) struct Session {
    /// HELO (`Some(false)`) or EHLO (`Some(true)`) accepted.
    pub(crate) hello: Option<bool>,
    /// Under TLS.
    pub(crate) tls: bool,
    /// Authenticated (RFC 4954).
    pub(crate) authenticated: bool,
    /// The open mail transaction, from an accepted MAIL.
    pub(crate) transaction: Option<Transaction>,
    /// A transaction failed at a BDAT chunk that was not its last: the reply that chunk
    /// got and the recipients accepted in the transaction (LMTP). The chunks the client
    /// pipelined after it are drained and get the same reply (RFC 3030 §2); the next
    /// command that is not BDAT forgets it.
    pub(crate) failed_chunks: Option<(Reply, usize)>,
}

impl Session {
    /// Whether extensions are in effect: the client said EHLO (RFC 5321 §4.1.1.1).
    pub(crate) fn extended(&self) -> bool {
        self.hello == Some(true)
    }
}

/// One mail transaction (RFC 5321 §3.3).
#[derive(Debug, Default, Clone)]
pub(crate) struct Transaction {
    /// MAIL carried SMTPUTF8 (RFC 6531 §3.4): UTF-8 recipients are allowed.
    pub(crate) smtputf8: bool,
    /// MAIL carried BODY=BINARYMIME: content only by BDAT (RFC 3030 §3).
    pub(crate) binary: bool,
    /// Recipients accepted.
    pub(crate) recipients: usize,
    /// LMTP (RFC 2033 §4.2): the accepted recipients in RCPT order, each owed its own
    /// reply after the content. Empty in SMTP.
    pub(crate) lmtp_recipients: Vec<ForwardPath>,
    /// Content has started in BDAT chunks (the DataStart decision was accepted).
    pub(crate) bdat: bool,
    /// Octets of content taken so far.
    pub(crate) size: u64,
}

/// The decision the program owes, with what the machine needs to act on the answer.
#[derive(Debug)]
pub(crate) enum Decision {
    /// `client`: the name the client gave, for the reply's first line.
    Hello {
        extended: bool,
        client: Host,
    },
    Mail(Transaction),
    /// `lmtp`: the recipient, remembered once accepted (RFC 2033 §4.2).
    Rcpt {
        lmtp: Option<ForwardPath>,
    },
    /// `bdat`: the size and LAST of the first chunk.
    DataStart {
        bdat: Option<(u64, bool)>,
    },
    MessageEnd,
    Vrfy,
    Expn,
    Help,
    Etrn,
    Atrn,
    Auth,
    /// A verb of one of the program's own extensions.
    Command,
}

impl Decision {
    /// Whether `code` is of the class that accepts this decision (RFC 5321 §4.3.2): the
    /// `354` intermediate reply for DATA, a positive completion for everything else.
    pub(crate) fn accepted_by(&self, code: ReplyCode) -> bool {
        match self {
            Decision::DataStart { bdat: None } => code.is_positive_intermediate(),
            _ => code.is_positive_completion(),
        }
    }

    pub(crate) fn kind(&self) -> Kind {
        match self {
            Decision::Hello { .. } => Kind::Hello,
            Decision::Mail(_) => Kind::Mail,
            Decision::Rcpt { .. } => Kind::Rcpt,
            Decision::DataStart { .. } => Kind::DataStart,
            Decision::MessageEnd => Kind::MessageEnd,
            Decision::Vrfy => Kind::Vrfy,
            Decision::Expn => Kind::Expn,
            Decision::Help => Kind::Help,
            Decision::Etrn => Kind::Etrn,
            Decision::Atrn => Kind::Atrn,
            Decision::Auth => Kind::Auth,
            Decision::Command => Kind::Command,
        }
    }
}
