//! [`Extension`]: one EHLO service extension (RFC 5321 §2.2, §4.1.1.1), typed.
//!
//! ```text
//! ehlo-line      = ehlo-keyword *( SP ehlo-param )
//! ehlo-keyword   = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
//! ehlo-param     = 1*(%d33-126)
//! ```

use std::fmt;

use crate::types::{Mechanism, Text};

/// One EHLO service extension (RFC 5321 §2.2, §4.1.1.1: `ehlo-line`), typed.
///
/// Parameters are typed where the defining RFC gives them a syntax. A known keyword whose
/// parameters do not follow that syntax (say `SIZE lots`) is kept as [`Extension::Other`]
/// with its parameters, so nothing is lost and nothing is guessed. Keywords defined without
/// parameters are recognised even when a server appends some, which are then dropped.
///
/// [`Display`](fmt::Display) gives the `ehlo-line` form (`SIZE 52428800`).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Extension {
    /// `8BITMIME` (RFC 6152).
    EightBitMime,
    /// `ATRN` (RFC 2645): on-demand mail relay.
    Atrn,
    /// `AUTH mechanism*` (RFC 4954 §3), including the legacy `AUTH=` form, merged. Invalid
    /// mechanism names (RFC 4422 §3.1) are dropped; repeats are listed once.
    Auth(Vec<Mechanism>),
    /// `BINARYMIME` (RFC 3030).
    BinaryMime,
    /// `BURL [burl-param*]` (RFC 4468 §3): e.g. `imap` or `imap://host`.
    Burl(Vec<Text>),
    /// `CHUNKING` (RFC 3030).
    Chunking,
    /// `DELIVERBY [min-by-time]` (RFC 2852 §4: `min-by-time = [1*9DIGIT]`), in seconds.
    DeliverBy(Option<u64>),
    /// `DSN` (RFC 3461).
    Dsn,
    /// `ENHANCEDSTATUSCODES` (RFC 2034).
    EnhancedStatusCodes,
    /// `ETRN` (RFC 1985).
    Etrn,
    /// `EXPN` (RFC 5321 §4.1.1.7).
    Expn,
    /// `FUTURERELEASE max-future-release-interval max-future-release-date-time`
    /// (RFC 4865 §3).
    FutureRelease {
        /// The longest hold, in seconds (`future-release-integer = %x31-39 *8DIGIT`).
        max_interval: u64,
        /// The latest release time (`date-time`, RFC 3339), as sent.
        max_datetime: Text,
    },
    /// `HELP` (RFC 5321 §4.1.1.8).
    Help,
    /// `MT-PRIORITY [priority-profile]` (RFC 6710 §3:
    /// `priority-profile = 1*20(ALPHA / DIGIT / "-" / "_" / ".")`), e.g. `MIXER`.
    MtPriority(Option<Text>),
    /// `NO-SOLICITING [Solicitation-keywords]` (RFC 3865 §2), the comma-separated keywords.
    NoSoliciting(Vec<Text>),
    /// `PIPELINING` (RFC 2920).
    Pipelining,
    /// `REQUIRETLS` (RFC 8689).
    RequireTls,
    /// `SIZE [number]` (RFC 1870 §4: `1*20DIGIT`); `Some(0)` means no fixed limit.
    Size(Option<u64>),
    /// `SMTPUTF8` (RFC 6531).
    SmtpUtf8,
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// `UTF8SMTP`: the experimental predecessor of SMTPUTF8 (RFC 5336, obsoleted by RFC
    /// 6531). Recognised and reported, never used: it is not SMTPUTF8.
    Utf8Smtp,
    /// `VRFY` (RFC 5321 §4.1.1.6).
    Vrfy,
    /// Any other keyword (`X`-prefixed, PRDR, PIPECONNECT, LIMITS, ...) or a known keyword
    /// with parameters outside its syntax, kept as sent.
    Other {
        /// The keyword, as sent.
        keyword: Text,
        /// Its parameters.
        params: Vec<Text>,
    },
}

impl Extension {
    /// The keyword: canonical upper case for the typed variants, as sent for
    /// [`Extension::Other`].
    pub fn keyword(&self) -> &str {
        match self {
            Extension::Auth(_) => "AUTH",
            Extension::Burl(_) => "BURL",
            Extension::DeliverBy(_) => "DELIVERBY",
            Extension::FutureRelease { .. } => "FUTURERELEASE",
            Extension::MtPriority(_) => "MT-PRIORITY",
            Extension::NoSoliciting(_) => "NO-SOLICITING",
            Extension::Size(_) => "SIZE",
            Extension::Other { keyword, .. } => keyword.as_str(),
            Extension::EightBitMime => "8BITMIME",
            Extension::Atrn => "ATRN",
            Extension::BinaryMime => "BINARYMIME",
            Extension::Chunking => "CHUNKING",
            Extension::Dsn => "DSN",
            Extension::EnhancedStatusCodes => "ENHANCEDSTATUSCODES",
            Extension::Etrn => "ETRN",
            Extension::Expn => "EXPN",
            Extension::Help => "HELP",
            Extension::Pipelining => "PIPELINING",
            Extension::RequireTls => "REQUIRETLS",
            Extension::SmtpUtf8 => "SMTPUTF8",
            Extension::StartTls => "STARTTLS",
            Extension::Utf8Smtp => "UTF8SMTP",
            Extension::Vrfy => "VRFY",
        }
    }
}

impl fmt::Display for Extension {
    /// The `ehlo-line` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())?;
        match self {
            Extension::Auth(mechs) => mechs.iter().try_for_each(|m| write!(f, " {m}")),
            Extension::Burl(params) | Extension::Other { params, .. } => {
                params.iter().try_for_each(|p| write!(f, " {p}"))
            }
            Extension::DeliverBy(Some(n)) | Extension::Size(Some(n)) => write!(f, " {n}"),
            Extension::FutureRelease { max_interval, max_datetime } => {
                write!(f, " {max_interval} {max_datetime}")
            }
            Extension::MtPriority(Some(profile)) => write!(f, " {profile}"),
            Extension::NoSoliciting(keywords) => {
                for (i, k) in keywords.iter().enumerate() {
                    f.write_str(if i == 0 { " " } else { "," })?;
                    f.write_str(k)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
