//! The typed EHLO capability set: [`Extension`] and [`Capabilities`].
//!
//! RFC 5321 §4.1.1.1:
//!
//! ```text
//! ehlo-ok-rsp    = ( "250" SP Domain [ SP ehlo-greet ] CRLF )
//!                  / ( "250-" Domain [ SP ehlo-greet ] CRLF
//!                  *( "250-" ehlo-line CRLF )
//!                  "250" SP ehlo-line CRLF )
//! ehlo-greet     = 1*(%d0-9 / %d11-12 / %d14-127)
//! ehlo-line      = ehlo-keyword *( SP ehlo-param )
//! ehlo-keyword   = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
//! ehlo-param     = 1*(%d33-126)
//! ```
//!
//! Real servers stray from this, and [`Capabilities::from_ehlo`] takes them as they are:
//! keywords in any case (they are case-insensitive, RFC 5321 §2.4), runs of spaces or tabs
//! between parameters, blank lines (smtp-sink ends with `250 `), keywords repeated, and the
//! legacy `AUTH=LOGIN PLAIN` line of pre-RFC 2554 servers, whose mechanisms are merged into
//! the `AUTH` list. Unknown and `X`-prefixed keywords (PRDR, PIPECONNECT, XCLIENT, ...) are
//! kept with their parameters, and so is the full greeting text of the first line.

use std::fmt;

use bytes::Bytes;

use crate::error::{DecodeError, DecodeErrorKind};
use crate::parse::parse_u64;
use crate::parse::reply as p;
use crate::types::{Mechanism, Reply, ReplyCode, Text};

const fn cap_err(reason: &'static str) -> DecodeError {
    DecodeError::new(DecodeErrorKind::Capability, reason)
}

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

/// A zero-copy `Text` for `part`, a piece of the valid UTF-8 text held in `base` cut at
/// ASCII octets.
fn shared(base: &Bytes, part: &[u8]) -> Text {
    Text::from_checked(base.slice_ref(part))
}

fn is_digits(s: &[u8], max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.iter().all(u8::is_ascii_digit)
}

/// The keywords with a typed [`Extension`] variant, recognised by their [`FoldedKey`]:
/// one integer match whatever the case the server wrote them in (RFC 5321 §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyword {
    EightBitMime,
    Atrn,
    Auth,
    BinaryMime,
    Burl,
    Chunking,
    DeliverBy,
    Dsn,
    EnhancedStatusCodes,
    Etrn,
    Expn,
    FutureRelease,
    Help,
    MtPriority,
    NoSoliciting,
    Pipelining,
    RequireTls,
    Size,
    SmtpUtf8,
    StartTls,
    Utf8Smtp,
    Vrfy,
}

macro_rules! keyword_keys {
    ($($name:ident = $text:literal;)*) => {
        impl Keyword {
            /// The typed keyword an `ehlo-keyword` names, if any (RFC 5321 §4.1.1.1:
            /// `ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")`, compared without
            /// regard to case, §2.4).
            #[inline]
            fn of(keyword: &[u8]) -> Option<Keyword> {
                crate::parse::reply::match_folded!(keyword, Keyword { $($name = $text;)* })
            }
        }
    };
}

keyword_keys! {
    EightBitMime = "8BITMIME";
    Atrn = "ATRN";
    Auth = "AUTH";
    BinaryMime = "BINARYMIME";
    Burl = "BURL";
    Chunking = "CHUNKING";
    DeliverBy = "DELIVERBY";
    Dsn = "DSN";
    EnhancedStatusCodes = "ENHANCEDSTATUSCODES";
    Etrn = "ETRN";
    Expn = "EXPN";
    FutureRelease = "FUTURERELEASE";
    Help = "HELP";
    MtPriority = "MT-PRIORITY";
    NoSoliciting = "NO-SOLICITING";
    Pipelining = "PIPELINING";
    RequireTls = "REQUIRETLS";
    Size = "SIZE";
    SmtpUtf8 = "SMTPUTF8";
    StartTls = "STARTTLS";
    Utf8Smtp = "UTF8SMTP";
    Vrfy = "VRFY";
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

    /// One bit per typed variant; `None` for [`Extension::Other`].
    fn typed_bit(&self) -> Option<u32> {
        let i = match self {
            Extension::EightBitMime => 0,
            Extension::Atrn => 1,
            Extension::Auth(_) => 2,
            Extension::BinaryMime => 3,
            Extension::Burl(_) => 4,
            Extension::Chunking => 5,
            Extension::DeliverBy(_) => 6,
            Extension::Dsn => 7,
            Extension::EnhancedStatusCodes => 8,
            Extension::Etrn => 9,
            Extension::Expn => 10,
            Extension::FutureRelease { .. } => 11,
            Extension::Help => 12,
            Extension::MtPriority(_) => 13,
            Extension::NoSoliciting(_) => 14,
            Extension::Pipelining => 15,
            Extension::RequireTls => 16,
            Extension::Size(_) => 17,
            Extension::SmtpUtf8 => 18,
            Extension::StartTls => 19,
            Extension::Utf8Smtp => 20,
            Extension::Vrfy => 21,
            Extension::Other { .. } => return None,
        };
        Some(1 << i)
    }

    /// Parses one `ehlo-line` (the text of a line after `250-`), leniently as the module
    /// documentation describes. `None` for a blank line.
    pub fn parse(line: &str) -> Option<Extension> {
        let base = Bytes::copy_from_slice(line.as_bytes());
        Self::parse_shared(&base, &base).map(|(ext, _)| ext)
    }

    /// Parses one `ehlo-line = ehlo-keyword *( SP ehlo-param )` (RFC 5321 §4.1.1.1, RFC
    /// 1869 §4.3), `line`, which lies in `base` and is valid UTF-8; parameters kept as text
    /// share `base`. The flag says whether the keyword is a known one whose
    /// parameters were outside its syntax (so the extension is [`Extension::Other`]).
    fn parse_shared(base: &Bytes, line: &[u8]) -> Option<(Extension, bool)> {
        let (keyword, rest) = p::ehlo_line(line)?;
        let Some(known) = Keyword::of(keyword) else {
            return Some((Self::other(base, keyword, rest), false));
        };
        Some(match Self::typed(base, known, rest) {
            Some(ext) => (ext, false),
            None => (Self::other(base, keyword, rest), true),
        })
    }

    /// An extension kept as sent.
    fn other(base: &Bytes, keyword: &[u8], rest: &[u8]) -> Extension {
        Extension::Other {
            keyword: shared(base, keyword),
            params: p::ehlo_params(rest).map(|b| shared(base, b)).collect(),
        }
    }

    /// The typed extension for a known keyword, `None` when its parameters are outside the
    /// syntax its RFC gives them.
    #[inline]
    fn typed(base: &Bytes, keyword: Keyword, rest: &[u8]) -> Option<Extension> {
        let flag = match keyword {
            Keyword::EightBitMime => Extension::EightBitMime,
            Keyword::Atrn => Extension::Atrn,
            Keyword::BinaryMime => Extension::BinaryMime,
            Keyword::Chunking => Extension::Chunking,
            Keyword::Dsn => Extension::Dsn,
            Keyword::EnhancedStatusCodes => Extension::EnhancedStatusCodes,
            Keyword::Etrn => Extension::Etrn,
            Keyword::Expn => Extension::Expn,
            Keyword::Help => Extension::Help,
            Keyword::Pipelining => Extension::Pipelining,
            Keyword::RequireTls => Extension::RequireTls,
            Keyword::SmtpUtf8 => Extension::SmtpUtf8,
            Keyword::StartTls => Extension::StartTls,
            Keyword::Utf8Smtp => Extension::Utf8Smtp,
            Keyword::Vrfy => Extension::Vrfy,
            Keyword::Auth => return Some(Extension::Auth(auth_mechanisms(base, rest))),
            Keyword::Burl => {
                return Some(Extension::Burl(
                    p::ehlo_params(rest).map(|b| shared(base, b)).collect(),
                ));
            }
            _ => return Self::with_params(base, keyword, rest),
        };
        Some(flag)
    }

    /// The extensions whose parameters have a syntax of their own.
    fn with_params(base: &Bytes, keyword: Keyword, rest: &[u8]) -> Option<Extension> {
        let mut it = p::ehlo_params(rest);
        let (a, b) = (it.next(), it.next());
        let more = it.next().is_some();
        let one = if b.is_none() { a } else { None };
        match keyword {
            Keyword::Size => match (a, one) {
                (None, _) => Some(Extension::Size(None)),
                (_, Some(n)) if is_digits(n, 20) => parse_u64(n).map(|n| Extension::Size(Some(n))),
                _ => None,
            },
            Keyword::DeliverBy => match (a, one) {
                (None, _) => Some(Extension::DeliverBy(None)),
                (_, Some(n)) if is_digits(n, 9) => {
                    parse_u64(n).map(|n| Extension::DeliverBy(Some(n)))
                }
                _ => None,
            },
            Keyword::FutureRelease => match (a, b, more) {
                (Some(i), Some(t), false) if is_digits(i, 9) && i[0] != b'0' => {
                    parse_u64(i).map(|n| Extension::FutureRelease {
                        max_interval: n,
                        max_datetime: shared(base, t),
                    })
                }
                _ => None,
            },
            Keyword::MtPriority => match (a, one) {
                (None, _) => Some(Extension::MtPriority(None)),
                (_, Some(prof))
                    if prof.len() <= 20
                        && prof.iter().all(|&c| {
                            c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')
                        }) =>
                {
                    Some(Extension::MtPriority(Some(shared(base, prof))))
                }
                _ => None,
            },
            Keyword::NoSoliciting => match (a, one) {
                (None, _) => Some(Extension::NoSoliciting(Vec::new())),
                (_, Some(list)) if list.split(|&c| c == b',').all(|k| !k.is_empty()) => {
                    Some(Extension::NoSoliciting(
                        list.split(|&c| c == b',').map(|k| shared(base, k)).collect(),
                    ))
                }
                _ => None,
            },
            _ => None,
        }
    }
}

/// `AUTH mechanism*` (RFC 4954 §3): the valid mechanism names, each once, in order.
fn auth_mechanisms(base: &Bytes, rest: &[u8]) -> Vec<Mechanism> {
    let mut mechs: Vec<Mechanism> = Vec::with_capacity(p::ehlo_params(rest).count());
    for m in p::ehlo_params(rest).filter_map(|m| Mechanism::parse_shared(base, m)) {
        if !mechs.contains(&m) {
            mechs.push(m);
        }
    }
    mechs
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

/// The capability set a server offers in its EHLO (or LHLO) reply (RFC 5321 §4.1.1.1),
/// with the domain and greeting of its first line.
///
/// Built from a reply with [`from_ehlo`](Self::from_ehlo), or by a server with
/// [`new`](Self::new) and [`insert`](Self::insert), and turned into the reply with
/// [`to_ehlo_reply`](Self::to_ehlo_reply); `from_ehlo(&caps.to_ehlo_reply(..)?)` gives an
/// equal set. Keywords are case-insensitive everywhere. Equality ignores the order of the
/// extensions.
///
/// ```
/// use esmtp::{Capabilities, Mechanism, Reply};
/// let reply = Reply::parse(
///     b"250-mx.example.com Hello [192.0.2.1]\r\n250-SIZE 35882577\r\n\
///       250-AUTH LOGIN PLAIN\r\n250-AUTH=LOGIN\r\n250-PRDR\r\n250 pipelining\r\n",
/// ).unwrap();
/// let caps = Capabilities::from_ehlo(&reply).unwrap();
/// assert_eq!(caps.domain(), "mx.example.com");
/// assert_eq!(caps.greeting(), "Hello [192.0.2.1]");
/// assert_eq!(caps.size_limit(), Some(35882577));
/// assert_eq!(caps.auth_mechanisms(), [Mechanism::Login, Mechanism::Plain]);
/// assert!(caps.supports_pipelining() && caps.has("prdr"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Capabilities {
    domain: Text,
    greeting: Text,
    extensions: Vec<Extension>,
}

impl PartialEq for Capabilities {
    fn eq(&self, other: &Self) -> bool {
        self.domain == other.domain
            && self.greeting == other.greeting
            && self.extensions.len() == other.extensions.len()
            && self.extensions.iter().all(|e| other.extensions.contains(e))
    }
}

impl Eq for Capabilities {}

fn same_keyword(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether two extensions have the same keyword: typed ones by variant, cheaply.
fn same_extension(a: &Extension, b: &Extension) -> bool {
    match (a, b) {
        (Extension::Other { .. }, _) | (_, Extension::Other { .. }) => {
            same_keyword(a.keyword(), b.keyword())
        }
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

impl Capabilities {
    /// An empty set for a server to fill, with the domain and greeting of the first line.
    ///
    /// `Err` when `domain` is empty or holds SP, HT or control characters, or `greeting`
    /// holds control characters other than HT.
    pub fn new(domain: &str, greeting: &str) -> Result<Capabilities, DecodeError> {
        if domain.is_empty() || !p::is_valid_text(domain) || domain.contains([' ', '\t']) {
            return Err(cap_err("invalid EHLO domain"));
        }
        if !p::is_valid_text(greeting) {
            return Err(cap_err("invalid EHLO greeting"));
        }
        Ok(Capabilities {
            domain: Text::copy_from_str(domain),
            greeting: Text::copy_from_str(greeting),
            extensions: Vec::new(),
        })
    }

    /// Reads the capability set from a server's reply to EHLO or LHLO.
    ///
    /// `Err` ([`DecodeErrorKind::Capability`]) only when the reply is not a 250; everything
    /// else is taken leniently (see the module documentation). The first line is split at
    /// its first space into the domain and the greeting, which is kept whole. For a
    /// repeated keyword the first occurrence counts, except that `AUTH` lines are merged and
    /// a typed extension replaces a malformed earlier one of the same keyword.
    pub fn from_ehlo(reply: &Reply) -> Result<Capabilities, DecodeError> {
        if reply.code() != ReplyCode::OK {
            return Err(cap_err("EHLO reply is not 250"));
        }
        let mut lines = reply.shared_lines();
        let (domain, greeting) = match lines.next() {
            Some((base, first)) => match first.iter().position(|&c| c == b' ') {
                Some(sp) => (shared(base, &first[..sp]), shared(base, &first[sp + 1..])),
                None => (shared(base, first), Text::default()),
            },
            None => (Text::default(), Text::default()),
        };
        let mut caps = Capabilities {
            domain,
            greeting,
            extensions: Vec::with_capacity(reply.line_count() - 1),
        };
        // Typed extensions seen so far, one bit per variant: repeats are found without a scan.
        let mut seen: u32 = 0;
        // Whether a known keyword was kept as `Other` (its parameters outside its syntax),
        // which a later well-formed line of the same keyword replaces.
        let mut malformed_known = false;
        for (base, line) in lines {
            let Some((ext, malformed)) = Extension::parse_shared(base, line) else {
                continue;
            };
            malformed_known |= malformed;
            if let Some(bit) = ext.typed_bit() {
                let first = seen & bit == 0;
                seen |= bit;
                if first && !(malformed_known && caps.has_other(ext.keyword())) {
                    caps.extensions.push(ext);
                    continue;
                }
            }
            caps.merge(ext);
        }
        Ok(caps)
    }

    /// Whether an [`Extension::Other`] with this keyword is present.
    fn has_other(&self, keyword: &str) -> bool {
        self.extensions
            .iter()
            .any(|e| matches!(e, Extension::Other { keyword: k, .. } if same_keyword(k, keyword)))
    }

    /// Adds `ext` as [`from_ehlo`](Self::from_ehlo) would on reading it again.
    fn merge(&mut self, ext: Extension) {
        let pos = self.position_of(&ext);
        match (pos, ext) {
            (None, ext) => self.extensions.push(ext),
            (Some(i), Extension::Auth(more)) => match &mut self.extensions[i] {
                Extension::Auth(mechs) => {
                    for m in more {
                        if !mechs.contains(&m) {
                            mechs.push(m);
                        }
                    }
                }
                other => *other = Extension::Auth(more),
            },
            (Some(i), ext) => {
                if matches!(self.extensions[i], Extension::Other { .. })
                    && !matches!(ext, Extension::Other { .. })
                {
                    self.extensions[i] = ext;
                }
            }
        }
    }

    fn position_of(&self, ext: &Extension) -> Option<usize> {
        self.extensions.iter().position(|e| same_extension(e, ext))
    }

    /// Adds (or replaces) an extension, returning the one it replaced.
    ///
    /// `Err` when the extension would not read back as itself from an EHLO reply: a
    /// parameter with spaces or control characters, an [`Extension::Other`] whose keyword
    /// is a known one with valid parameters, an empty list where the syntax needs entries,
    /// repeated AUTH mechanisms, and the like.
    pub fn insert(&mut self, ext: Extension) -> Result<Option<Extension>, DecodeError> {
        let line = ext.to_string();
        if !p::is_valid_text(&line) || Extension::parse(&line).as_ref() != Some(&ext) {
            return Err(cap_err("extension does not survive its EHLO line form"));
        }
        match self.position_of(&ext) {
            Some(i) => Ok(Some(std::mem::replace(&mut self.extensions[i], ext))),
            None => {
                self.extensions.push(ext);
                Ok(None)
            }
        }
    }

    /// Removes the extension with this keyword (case-insensitive).
    pub fn remove(&mut self, keyword: &str) -> Option<Extension> {
        let i = self.extensions.iter().position(|e| same_keyword(e.keyword(), keyword))?;
        Some(self.extensions.remove(i))
    }

    /// The EHLO reply offering this set (RFC 5321 §4.1.1.1): `domain [SP greeting]` on the
    /// first line, one `ehlo-line` per extension after it.
    ///
    /// `Err` when `domain` or `greeting` are invalid as for [`new`](Self::new), or the
    /// first line would read as an enhanced status code.
    pub fn to_ehlo_reply(&self, domain: &str, greeting: &str) -> Result<Reply, DecodeError> {
        Capabilities::new(domain, greeting)?;
        let first =
            if greeting.is_empty() { domain.to_owned() } else { format!("{domain} {greeting}") };
        let lines = std::iter::once(first).chain(self.extensions.iter().map(|e| e.to_string()));
        let reply = Reply::from_lines(ReplyCode::OK, None, lines)?;
        if reply.enhanced_code().is_some() {
            return Err(cap_err("EHLO domain reads as an enhanced status code"));
        }
        Ok(reply)
    }

    /// The domain the server gave on the first line.
    pub fn domain(&self) -> &Text {
        &self.domain
    }

    /// The rest of the first line after the domain (`ehlo-greet`), kept whole; empty if
    /// none.
    pub fn greeting(&self) -> &Text {
        &self.greeting
    }

    /// The extensions, in the order the server listed them.
    pub fn iter(&self) -> std::slice::Iter<'_, Extension> {
        self.extensions.iter()
    }

    /// The number of extensions.
    pub fn len(&self) -> usize {
        self.extensions.len()
    }

    /// Whether no extension is offered.
    pub fn is_empty(&self) -> bool {
        self.extensions.is_empty()
    }

    /// The extension with this keyword (case-insensitive), if offered.
    pub fn get(&self, keyword: &str) -> Option<&Extension> {
        self.extensions.iter().find(|e| same_keyword(e.keyword(), keyword))
    }

    /// Whether an extension with this keyword (case-insensitive) is offered.
    pub fn has(&self, keyword: &str) -> bool {
        self.get(keyword).is_some()
    }

    fn has_ext(&self, ext: &Extension) -> bool {
        self.extensions.contains(ext)
    }

    /// The SIZE limit in octets (RFC 1870 §4): `None` when SIZE is not offered, has no
    /// number, or is 0 ("no fixed maximum"). Use `has("SIZE")` to know whether the
    /// `SIZE=` MAIL parameter may be sent.
    pub fn size_limit(&self) -> Option<u64> {
        self.extensions.iter().find_map(|e| match e {
            Extension::Size(Some(n)) if *n > 0 => Some(*n),
            _ => None,
        })
    }

    /// The SASL mechanisms offered with AUTH (RFC 4954 §3), in the server's order; empty
    /// when AUTH is not offered.
    pub fn auth_mechanisms(&self) -> &[Mechanism] {
        self.extensions
            .iter()
            .find_map(|e| match e {
                Extension::Auth(m) => Some(m.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Whether AUTH offers this mechanism.
    pub fn supports_auth(&self, mechanism: &Mechanism) -> bool {
        self.auth_mechanisms().contains(mechanism)
    }

    /// PIPELINING (RFC 2920).
    pub fn supports_pipelining(&self) -> bool {
        self.has_ext(&Extension::Pipelining)
    }

    /// CHUNKING (RFC 3030): BDAT.
    pub fn supports_chunking(&self) -> bool {
        self.has_ext(&Extension::Chunking)
    }

    /// BINARYMIME (RFC 3030); only usable together with CHUNKING.
    pub fn supports_binarymime(&self) -> bool {
        self.has_ext(&Extension::BinaryMime)
    }

    /// 8BITMIME (RFC 6152).
    pub fn supports_8bitmime(&self) -> bool {
        self.has_ext(&Extension::EightBitMime)
    }

    /// SMTPUTF8 (RFC 6531). The deprecated UTF8SMTP keyword does not count.
    pub fn supports_smtputf8(&self) -> bool {
        self.has_ext(&Extension::SmtpUtf8)
    }

    /// Whether the server advertised the deprecated UTF8SMTP keyword (for reporting only).
    pub fn offers_deprecated_utf8smtp(&self) -> bool {
        self.has_ext(&Extension::Utf8Smtp)
    }

    /// DSN (RFC 3461).
    pub fn supports_dsn(&self) -> bool {
        self.has_ext(&Extension::Dsn)
    }

    /// STARTTLS (RFC 3207).
    pub fn supports_starttls(&self) -> bool {
        self.has_ext(&Extension::StartTls)
    }

    /// ENHANCEDSTATUSCODES (RFC 2034).
    pub fn supports_enhanced_status_codes(&self) -> bool {
        self.has_ext(&Extension::EnhancedStatusCodes)
    }

    /// REQUIRETLS (RFC 8689).
    pub fn supports_requiretls(&self) -> bool {
        self.has_ext(&Extension::RequireTls)
    }

    /// DELIVERBY (RFC 2852): `Some(min)` when offered, `min` the minimum by-time in
    /// seconds if the server gave one.
    pub fn deliver_by(&self) -> Option<Option<u64>> {
        self.extensions.iter().find_map(|e| match e {
            Extension::DeliverBy(min) => Some(*min),
            _ => None,
        })
    }

    /// MT-PRIORITY (RFC 6710): `Some(profile)` when offered.
    pub fn mt_priority(&self) -> Option<Option<&Text>> {
        self.extensions.iter().find_map(|e| match e {
            Extension::MtPriority(profile) => Some(profile.as_ref()),
            _ => None,
        })
    }

    /// FUTURERELEASE (RFC 4865): the longest hold in seconds and the latest release time.
    pub fn future_release(&self) -> Option<(u64, &Text)> {
        self.extensions.iter().find_map(|e| match e {
            Extension::FutureRelease { max_interval, max_datetime } => {
                Some((*max_interval, max_datetime))
            }
            _ => None,
        })
    }
}

impl<'a> IntoIterator for &'a Capabilities {
    type Item = &'a Extension;
    type IntoIter = std::slice::Iter<'a, Extension>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl TryFrom<&Reply> for Capabilities {
    type Error = DecodeError;
    fn try_from(reply: &Reply) -> Result<Self, Self::Error> {
        Capabilities::from_ehlo(reply)
    }
}
