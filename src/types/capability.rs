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
use std::sync::OnceLock;

use bytes::Bytes;

use crate::error::{DecodeError, DecodeErrorKind};
use crate::parse::parse_u64;
use crate::parse::reply as p;
use crate::types::{EnhancedStatusCode, Mechanism, Reply, ReplyCode, Text};

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

/// The keywords with a typed [`Extension`] variant, recognised by their
/// [`FoldedKey`](crate::parse::reply::FoldedKey):
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
                Keyword::of_key(crate::parse::reply::folded_key(keyword))
            }

            /// [`Keyword::of`] the keyword with this [`FoldedKey`](crate::parse::reply::FoldedKey).
            #[inline(always)]
            fn of_key(key: crate::parse::reply::FoldedKey) -> Option<Keyword> {
                crate::parse::reply::match_folded!(key, Keyword { $($name = $text;)* })
            }
        }
    };
}

impl Keyword {
    /// The keywords whose parameters the summary looks at: the AUTH mechanisms, the SIZE
    /// number, and the ones whose typed variant needs its parameters in their syntax.
    /// Any other typed keyword is typed whatever parameters follow it.
    const WITH_PARAMS: u32 = Keyword::Auth.bit()
        | Keyword::Size.bit()
        | Keyword::DeliverBy.bit()
        | Keyword::FutureRelease.bit()
        | Keyword::MtPriority.bit()
        | Keyword::NoSoliciting.bit();

    /// Its bit in a set of keywords.
    const fn bit(self) -> u32 {
        1 << self as u32
    }
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

    /// The [`Keyword`] of a typed variant; `None` for [`Extension::Other`].
    fn typed_keyword(&self) -> Option<Keyword> {
        Some(match self {
            Extension::EightBitMime => Keyword::EightBitMime,
            Extension::Atrn => Keyword::Atrn,
            Extension::Auth(_) => Keyword::Auth,
            Extension::BinaryMime => Keyword::BinaryMime,
            Extension::Burl(_) => Keyword::Burl,
            Extension::Chunking => Keyword::Chunking,
            Extension::DeliverBy(_) => Keyword::DeliverBy,
            Extension::Dsn => Keyword::Dsn,
            Extension::EnhancedStatusCodes => Keyword::EnhancedStatusCodes,
            Extension::Etrn => Keyword::Etrn,
            Extension::Expn => Keyword::Expn,
            Extension::FutureRelease { .. } => Keyword::FutureRelease,
            Extension::Help => Keyword::Help,
            Extension::MtPriority(_) => Keyword::MtPriority,
            Extension::NoSoliciting(_) => Keyword::NoSoliciting,
            Extension::Pipelining => Keyword::Pipelining,
            Extension::RequireTls => Keyword::RequireTls,
            Extension::Size(_) => Keyword::Size,
            Extension::SmtpUtf8 => Keyword::SmtpUtf8,
            Extension::StartTls => Keyword::StartTls,
            Extension::Utf8Smtp => Keyword::Utf8Smtp,
            Extension::Vrfy => Keyword::Vrfy,
            Extension::Other { .. } => return None,
        })
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
            Keyword::Size => return size_param(rest).map(Extension::Size),
            _ => return Self::with_params(base, keyword, rest),
        };
        Some(flag)
    }

    /// The extensions other than SIZE (see [`size_param`]) whose parameters have a syntax
    /// of their own.
    fn with_params(base: &Bytes, keyword: Keyword, rest: &[u8]) -> Option<Extension> {
        let mut it = p::ehlo_params(rest);
        let (a, b) = (it.next(), it.next());
        let more = it.next().is_some();
        let one = if b.is_none() { a } else { None };
        match keyword {
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

/// The parameter of `SIZE [number]` (RFC 1870 §4: `number = 1*20DIGIT`): `Some(None)`
/// for none, `None` when the parameters are outside that syntax.
#[inline]
fn size_param(rest: &[u8]) -> Option<Option<u64>> {
    let mut it = p::ehlo_params(rest);
    match (it.next(), it.next()) {
        (None, _) => Some(None),
        (Some(n), None) if is_digits(n, 20) => parse_u64(n).map(Some),
        _ => None,
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
/// What a client asks on every session is answered from a summary that
/// [`from_ehlo`](Self::from_ehlo) fills while it reads the lines: the `supports_*` queries,
/// [`has`](Self::has) for the keywords [`Extension`] has a variant for,
/// [`size_limit`](Self::size_limit), and [`supports_auth`](Self::supports_auth) for the
/// mechanisms [`Mechanism`] has a variant for. The [`Extension`] values themselves are built
/// from a reply that [`ReplyDecoder`](crate::ReplyDecoder) read whole the first time
/// something borrows them ([`iter`](Self::iter), [`get`](Self::get),
/// [`auth_mechanisms`](Self::auth_mechanisms), ...), and kept.
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
#[derive(Clone, Default)]
pub struct Capabilities {
    domain: Text,
    greeting: Text,
    summary: Summary,
    extensions: Extensions,
}

/// The answers to the common queries of [`Capabilities`], kept in step with its list of
/// extensions: [`Summary::of`] the list, or [`Summary::read_line`] over the lines the list
/// is read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Summary {
    /// One [`Keyword::bit`] per keyword offered, typed or kept as [`Extension::Other`].
    offered: u32,
    /// One [`Keyword::bit`] per keyword offered as its typed [`Extension`].
    typed: u32,
    /// The number of the typed [`Extension::Size`], if it has one.
    size: Option<u64>,
    /// One [`Mechanism::known_bit`] per mechanism the typed [`Extension::Auth`] offers.
    auth: u32,
}

impl Summary {
    /// The summary of a list of extensions as [`read_extensions`] or a server builds it: a
    /// typed extension at most once per keyword.
    fn of(extensions: &[Extension]) -> Summary {
        let mut s = Summary::default();
        for ext in extensions {
            if let Some(k) = ext.typed_keyword() {
                s.offered |= k.bit();
                s.typed |= k.bit();
            } else if let Extension::Other { keyword, .. } = ext {
                s.offered |= Keyword::of(keyword.as_bytes()).map_or(0, Keyword::bit);
            }
            match ext {
                Extension::Size(n) => s.size = *n,
                Extension::Auth(mechs) => s.auth |= mechs.iter().fold(0, |a, m| a | m.known_bit()),
                _ => {}
            }
        }
        s
    }

    /// Takes in one `ehlo-line`, `line` (lying in `base`), as [`read_extensions`] would
    /// add it to a list, so that after every line the summary is [`Summary::of`] that list:
    /// a keyword is typed when any of its lines parses as typed, the first typed SIZE
    /// line gives the number, and AUTH lines are merged.
    fn read_line(&mut self, base: &Bytes, line: &[u8]) {
        if let Some((keyword, rest)) = p::ehlo_line(line) {
            self.read_keyword(base, keyword, rest);
        }
    }

    /// [`read_line`](Self::read_line) over the lines of `raw` from `pos`, the start of
    /// the second line; `raw` is the wire form of a multi-line reply whose lines carry no
    /// enhanced code (see [`Reply::wire_form`]). Each line is
    /// `Reply-code ( "-" / SP ) textstring CRLF`, or a bare code and CRLF (RFC 5321 §4.2),
    /// as the reply decoder checked; a line that is a keyword alone is looked at once. The
    /// usual line, a keyword at the start of its text, has its keyword's key read in words
    /// as the line is scanned ([`p::wire_keyword`]); the others go through
    /// [`p::ehlo_line_in`].
    fn read_wire(&mut self, raw: &Bytes, mut pos: usize) {
        while let Some(after_code) = raw.get(pos + 3..) {
            let Some((&sep, text)) = after_code.split_first() else {
                return;
            };
            if sep == b'\r' {
                // A bare code: a blank line.
                pos += 5;
                continue;
            }
            let cr = match p::wire_keyword(text) {
                // The usual line: a keyword at the start of the text, its key read as the
                // line is scanned.
                Some((key, end)) => {
                    let Some(after) = text.get(end..) else {
                        return;
                    };
                    let cr = match after.first() {
                        Some(b'\r') => end,
                        _ => match p::find_cr(after) {
                            Some(cr) => end + cr,
                            None => return,
                        },
                    };
                    if let Some(k) = Keyword::of_key(key) {
                        let from = end + usize::from(after.first() == Some(&b'='));
                        self.read_known::<true>(raw, k, &text[from..cr]);
                    }
                    cr
                }
                None => {
                    let Some((parsed, cr)) = p::ehlo_line_in(text) else {
                        return;
                    };
                    if let Some((keyword, rest)) = parsed {
                        self.read_keyword(raw, keyword, rest);
                    }
                    cr
                }
            };
            pos += 4 + cr + 2;
        }
    }

    /// Takes in the `ehlo-line` with this keyword and parameter text (lying in `base`).
    #[inline]
    fn read_keyword(&mut self, base: &Bytes, keyword: &[u8], rest: &[u8]) {
        if let Some(k) = Keyword::of(keyword) {
            self.read_known::<false>(base, k, rest);
        }
    }

    /// Takes in the `ehlo-line` of this typed keyword with this parameter text (lying in
    /// `base`). Most keywords are typed whatever follows them; the few whose parameters
    /// count are read out of line. `WIRE`: `rest` is wire-form text, `textstring`
    /// (RFC 5321 §4.2), whose parameters can be read in words.
    #[inline(always)]
    fn read_known<const WIRE: bool>(&mut self, base: &Bytes, k: Keyword, rest: &[u8]) {
        let bit = k.bit();
        self.offered |= bit;
        if bit & Keyword::WITH_PARAMS == 0 {
            self.typed |= bit;
        } else {
            self.read_params::<WIRE>(base, k, rest);
        }
    }

    /// [`read_known`](Self::read_known) for a keyword in [`Keyword::WITH_PARAMS`].
    #[inline(never)]
    fn read_params<const WIRE: bool>(&mut self, base: &Bytes, k: Keyword, rest: &[u8]) {
        let bit = k.bit();
        let typed = match k {
            Keyword::Auth if WIRE => {
                self.auth |= wire_auth_bits(rest);
                true
            }
            Keyword::Auth => {
                for name in p::ehlo_params(rest) {
                    self.auth |= Mechanism::known_bit_of(name);
                }
                true
            }
            Keyword::Size => match size_param(rest) {
                Some(n) => {
                    if self.typed & bit == 0 {
                        self.size = n;
                    }
                    true
                }
                None => false,
            },
            _ => Extension::with_params(base, k, rest).is_some(),
        };
        if typed {
            self.typed |= bit;
        }
    }
}

/// The [`Mechanism::known_bit`]s of the mechanisms named in `rest`, the parameters of an
/// AUTH line in wire form (`textstring`, RFC 5321 §4.2): what
/// [`Mechanism::known_bit_of`] gives for each of [`p::ehlo_params`], each name's key read
/// in words ([`p::wire_param`]).
#[inline]
fn wire_auth_bits(rest: &[u8]) -> u32 {
    let mut bits = 0;
    let mut at = 0;
    while let Some(skip) =
        rest.get(at..).and_then(|r| r.iter().position(|&c| c != b' ' && c != b'\t'))
    {
        at += skip;
        let len = match p::wire_param(&rest[at..]) {
            Some((key, len)) => {
                bits |= Mechanism::known_bit_of_key(key);
                len
            }
            // Longer than any mechanism name: passed over.
            None => p::ehlo_params(&rest[at..]).next().map_or(rest.len() - at, <[u8]>::len),
        };
        at += len;
    }
    bits
}

/// How [`Capabilities`] holds its extensions.
#[derive(Clone)]
enum Extensions {
    /// Built: by [`Capabilities::from_ehlo`] from a reply held line by line, or by a
    /// server.
    List(Vec<Extension>),
    /// The wire form of an EHLO reply that [`ReplyDecoder`](crate::ReplyDecoder) read
    /// whole (see [`Reply::wire_form`]), read into a list on first use.
    Wire { raw: Bytes, enhanced: Option<EnhancedStatusCode>, list: OnceLock<Vec<Extension>> },
}

impl Default for Extensions {
    fn default() -> Self {
        Extensions::List(Vec::new())
    }
}

impl Extensions {
    fn list(&self) -> &[Extension] {
        match self {
            Extensions::List(list) => list,
            Extensions::Wire { raw, enhanced, list } => {
                list.get_or_init(|| read_wire_extensions(raw, *enhanced))
            }
        }
    }

    fn into_list(self) -> Vec<Extension> {
        match self {
            Extensions::List(list) => list,
            Extensions::Wire { raw, enhanced, list } => {
                list.into_inner().unwrap_or_else(|| read_wire_extensions(&raw, enhanced))
            }
        }
    }
}

/// The extensions of the lines after the first of an EHLO reply in wire form.
fn read_wire_extensions(raw: &Bytes, enhanced: Option<EnhancedStatusCode>) -> Vec<Extension> {
    read_extensions(Reply::wire_lines(raw, enhanced).skip(1))
}

/// The extensions of the `ehlo-line`s `lines` (each with the buffer it lies in), as
/// [`Capabilities::from_ehlo`] documents: for a repeated keyword the first occurrence
/// counts, except that `AUTH` lines are merged and a typed extension replaces a malformed
/// earlier one of the same keyword.
fn read_extensions<'a>(lines: impl Iterator<Item = (&'a Bytes, &'a [u8])>) -> Vec<Extension> {
    let mut list = Vec::with_capacity(lines.size_hint().0);
    // Typed extensions seen so far, one bit per keyword: repeats are found without a scan.
    let mut seen: u32 = 0;
    // Whether a known keyword was kept as `Other` (its parameters outside its syntax),
    // which a later well-formed line of the same keyword replaces.
    let mut malformed_known = false;
    for (base, line) in lines {
        let Some((ext, malformed)) = Extension::parse_shared(base, line) else {
            continue;
        };
        malformed_known |= malformed;
        if let Some(bit) = ext.typed_keyword().map(Keyword::bit) {
            let first = seen & bit == 0;
            seen |= bit;
            if first && !(malformed_known && has_other(&list, ext.keyword())) {
                list.push(ext);
                continue;
            }
        }
        merge(&mut list, ext);
    }
    list
}

/// Whether an [`Extension::Other`] with this keyword is in `list`.
fn has_other(list: &[Extension], keyword: &str) -> bool {
    list.iter()
        .any(|e| matches!(e, Extension::Other { keyword: k, .. } if same_keyword(k, keyword)))
}

/// Adds `ext` to `list` as [`read_extensions`] does with a keyword already there.
fn merge(list: &mut Vec<Extension>, ext: Extension) {
    let pos = position_of(list, &ext);
    match (pos, ext) {
        (None, ext) => list.push(ext),
        (Some(i), Extension::Auth(more)) => match &mut list[i] {
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
            if matches!(list[i], Extension::Other { .. }) && !matches!(ext, Extension::Other { .. })
            {
                list[i] = ext;
            }
        }
    }
}

fn position_of(list: &[Extension], ext: &Extension) -> Option<usize> {
    list.iter().position(|e| same_extension(e, ext))
}

impl fmt::Debug for Capabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Capabilities")
            .field("domain", &self.domain)
            .field("greeting", &self.greeting)
            .field("extensions", &self.list())
            .finish()
    }
}

impl PartialEq for Capabilities {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.list(), other.list());
        self.domain == other.domain
            && self.greeting == other.greeting
            && a.len() == b.len()
            && a.iter().all(|e| b.contains(e))
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

/// The domain and greeting of the first line of an EHLO reply, if it has one.
fn first_line(first: Option<(&Bytes, &[u8])>) -> (Text, Text) {
    match first {
        Some((base, text)) => domain_and_greeting(base, text),
        None => (Text::default(), Text::default()),
    }
}

/// The first line's text (lying in `base`) split at its first space into the domain and
/// the greeting, which is kept whole.
#[inline]
fn domain_and_greeting(base: &Bytes, text: &[u8]) -> (Text, Text) {
    match p::find_octet::<b' '>(text) {
        Some(sp) => (shared(base, &text[..sp]), shared(base, &text[sp + 1..])),
        None => (shared(base, text), Text::default()),
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
            ..Capabilities::default()
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
        let (domain, greeting, summary, extensions) = match reply.wire_form() {
            // Read whole: the summary now, the extensions when asked for.
            Some((raw, None)) => {
                // `Reply-code "-" textstring CRLF` first: the text is what lies between.
                let cr = p::find_cr(raw).unwrap_or(raw.len());
                let (domain, greeting) =
                    domain_and_greeting(raw, raw.get(4..cr).unwrap_or_default());
                let mut summary = Summary::default();
                summary.read_wire(raw, cr + 2);
                let list = OnceLock::new();
                (
                    domain,
                    greeting,
                    summary,
                    Extensions::Wire { raw: raw.clone(), enhanced: None, list },
                )
            }
            Some((raw, enhanced)) => {
                let (domain, greeting) = first_line(lines.next());
                let mut summary = Summary::default();
                for (base, line) in lines {
                    summary.read_line(base, line);
                }
                let list = OnceLock::new();
                (domain, greeting, summary, Extensions::Wire { raw: raw.clone(), enhanced, list })
            }
            None => {
                let (domain, greeting) = first_line(lines.next());
                let list = read_extensions(lines);
                (domain, greeting, Summary::of(&list), Extensions::List(list))
            }
        };
        Ok(Capabilities { domain, greeting, summary, extensions })
    }

    /// The extensions, read from the reply if not yet done.
    fn list(&self) -> &[Extension] {
        self.extensions.list()
    }

    /// Runs `edit` on the list of extensions and brings the summary up to date.
    fn edit<R>(&mut self, edit: impl FnOnce(&mut Vec<Extension>) -> R) -> R {
        let mut list = std::mem::take(&mut self.extensions).into_list();
        let out = edit(&mut list);
        self.summary = Summary::of(&list);
        self.extensions = Extensions::List(list);
        out
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
        Ok(self.edit(|list| match position_of(list, &ext) {
            Some(i) => Some(std::mem::replace(&mut list[i], ext)),
            None => {
                list.push(ext);
                None
            }
        }))
    }

    /// Removes the extension with this keyword (case-insensitive).
    pub fn remove(&mut self, keyword: &str) -> Option<Extension> {
        self.edit(|list| {
            let i = list.iter().position(|e| same_keyword(e.keyword(), keyword))?;
            Some(list.remove(i))
        })
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
        let lines = std::iter::once(first).chain(self.list().iter().map(|e| e.to_string()));
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
        self.list().iter()
    }

    /// The number of extensions.
    pub fn len(&self) -> usize {
        self.list().len()
    }

    /// Whether no extension is offered.
    pub fn is_empty(&self) -> bool {
        self.list().is_empty()
    }

    /// The extension with this keyword (case-insensitive), if offered.
    pub fn get(&self, keyword: &str) -> Option<&Extension> {
        self.list().iter().find(|e| same_keyword(e.keyword(), keyword))
    }

    /// Whether an extension with this keyword (case-insensitive) is offered.
    pub fn has(&self, keyword: &str) -> bool {
        match Keyword::of(keyword.as_bytes()) {
            Some(k) => self.summary.offered & k.bit() != 0,
            None => self.get(keyword).is_some(),
        }
    }

    /// Whether the typed extension of this keyword is offered.
    fn has_typed(&self, keyword: Keyword) -> bool {
        self.summary.typed & keyword.bit() != 0
    }

    /// The SIZE limit in octets (RFC 1870 §4): `None` when SIZE is not offered, has no
    /// number, or is 0 ("no fixed maximum"). Use `has("SIZE")` to know whether the
    /// `SIZE=` MAIL parameter may be sent.
    pub fn size_limit(&self) -> Option<u64> {
        self.summary.size.filter(|&n| n > 0)
    }

    /// The SASL mechanisms offered with AUTH (RFC 4954 §3), in the server's order; empty
    /// when AUTH is not offered.
    pub fn auth_mechanisms(&self) -> &[Mechanism] {
        if !self.has_typed(Keyword::Auth) {
            return &[];
        }
        self.list()
            .iter()
            .find_map(|e| match e {
                Extension::Auth(m) => Some(m.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Whether AUTH offers this mechanism.
    pub fn supports_auth(&self, mechanism: &Mechanism) -> bool {
        match mechanism.known_bit() {
            0 => self.auth_mechanisms().contains(mechanism),
            bit => self.summary.auth & bit != 0,
        }
    }

    /// PIPELINING (RFC 2920).
    pub fn supports_pipelining(&self) -> bool {
        self.has_typed(Keyword::Pipelining)
    }

    /// CHUNKING (RFC 3030): BDAT.
    pub fn supports_chunking(&self) -> bool {
        self.has_typed(Keyword::Chunking)
    }

    /// BINARYMIME (RFC 3030); only usable together with CHUNKING.
    pub fn supports_binarymime(&self) -> bool {
        self.has_typed(Keyword::BinaryMime)
    }

    /// 8BITMIME (RFC 6152).
    pub fn supports_8bitmime(&self) -> bool {
        self.has_typed(Keyword::EightBitMime)
    }

    /// SMTPUTF8 (RFC 6531). The deprecated UTF8SMTP keyword does not count.
    pub fn supports_smtputf8(&self) -> bool {
        self.has_typed(Keyword::SmtpUtf8)
    }

    /// Whether the server advertised the deprecated UTF8SMTP keyword (for reporting only).
    pub fn offers_deprecated_utf8smtp(&self) -> bool {
        self.has_typed(Keyword::Utf8Smtp)
    }

    /// DSN (RFC 3461).
    pub fn supports_dsn(&self) -> bool {
        self.has_typed(Keyword::Dsn)
    }

    /// STARTTLS (RFC 3207).
    pub fn supports_starttls(&self) -> bool {
        self.has_typed(Keyword::StartTls)
    }

    /// ENHANCEDSTATUSCODES (RFC 2034).
    pub fn supports_enhanced_status_codes(&self) -> bool {
        self.has_typed(Keyword::EnhancedStatusCodes)
    }

    /// REQUIRETLS (RFC 8689).
    pub fn supports_requiretls(&self) -> bool {
        self.has_typed(Keyword::RequireTls)
    }

    /// DELIVERBY (RFC 2852): `Some(min)` when offered, `min` the minimum by-time in
    /// seconds if the server gave one.
    pub fn deliver_by(&self) -> Option<Option<u64>> {
        if !self.has_typed(Keyword::DeliverBy) {
            return None;
        }
        self.list().iter().find_map(|e| match e {
            Extension::DeliverBy(min) => Some(*min),
            _ => None,
        })
    }

    /// MT-PRIORITY (RFC 6710): `Some(profile)` when offered.
    pub fn mt_priority(&self) -> Option<Option<&Text>> {
        if !self.has_typed(Keyword::MtPriority) {
            return None;
        }
        self.list().iter().find_map(|e| match e {
            Extension::MtPriority(profile) => Some(profile.as_ref()),
            _ => None,
        })
    }

    /// FUTURERELEASE (RFC 4865): the longest hold in seconds and the latest release time.
    pub fn future_release(&self) -> Option<(u64, &Text)> {
        if !self.has_typed(Keyword::FutureRelease) {
            return None;
        }
        self.list().iter().find_map(|e| match e {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An `ehlo-line` from a vocabulary of the forms real servers send and the malformed
    /// ones the typed variants must not take: known keywords in any case, unknown ones,
    /// the legacy `AUTH=` form, parameters in and out of their syntax, odd spacing, blank
    /// lines.
    fn ehlo_line() -> impl Strategy<Value = String> {
        let keyword = prop::sample::select(vec![
            "SIZE",
            "size",
            "AUTH",
            "auth",
            "AUTH=",
            "PIPELINING",
            "8BITMIME",
            "DSN",
            "CHUNKING",
            "DELIVERBY",
            "MT-PRIORITY",
            "FUTURERELEASE",
            "NO-SOLICITING",
            "BURL",
            "SMTPUTF8",
            "UTF8SMTP",
            "STARTTLS",
            "PRDR",
            "X-EXPS",
            "=x",
            "",
            "ENHANCEDSTATUSCODES",
            "VRFY",
        ]);
        let params = prop::sample::select(vec![
            "",
            " 100",
            " 0",
            " lots",
            " 1 2",
            " 123456789012345678901",
            " 18446744073709551616",
            " PLAIN LOGIN",
            " plain x-foo CRAM-MD5",
            "LOGIN PLAIN",
            " \t 52428800 ",
            " MIXER",
            " 3600 2030-01-01T00:00:00Z",
            " a,b",
            " a,,b",
            " imap",
            " NTLM GSSAPI XOAUTH2",
        ]);
        (prop::sample::select(vec!["", " ", "\t"]), keyword, params)
            .prop_map(|(lead, k, p)| format!("{lead}{k}{p}"))
    }

    /// The summary every query is answered from, and the answers themselves.
    fn answers(c: &Capabilities) -> (Summary, Vec<bool>, Option<u64>, Vec<Mechanism>) {
        let flags = vec![
            c.supports_pipelining(),
            c.supports_chunking(),
            c.supports_8bitmime(),
            c.supports_dsn(),
            c.supports_smtputf8(),
            c.offers_deprecated_utf8smtp(),
            c.supports_starttls(),
            c.supports_enhanced_status_codes(),
            c.has("size"),
            c.has("AUTH"),
            c.has("prdr"),
            c.has("MT-PRIORITY"),
            c.supports_auth(&Mechanism::Plain),
            c.supports_auth(&Mechanism::Ntlm),
            c.supports_auth(&Mechanism::parse(b"X-FOO").unwrap()),
            c.deliver_by().is_some(),
            c.mt_priority().is_some(),
            c.future_release().is_some(),
        ];
        (c.summary, flags, c.size_limit(), c.auth_mechanisms().to_vec())
    }

    proptest! {
        /// The summary `from_ehlo` fills while reading a reply read whole (with and without
        /// enhanced codes) is the summary of the extensions it reads later, and the same as
        /// for the reply held line by line.
        #[test]
        fn summary_is_in_step_with_the_extensions(
            lines in prop::collection::vec(ehlo_line(), 0..12),
            last in prop::sample::select(vec!["", " ", " SIZE 5", " PIPELINING"]),
            enhanced in any::<bool>(),
        ) {
            let code = if enhanced { "250-2.0.0 " } else { "250-" };
            let mut wire = format!("{code}mx.example.com hi\r\n");
            for line in &lines {
                wire.push_str(&format!("{code}{line}\r\n"));
            }
            match (enhanced, last) {
                (true, "") => wire.push_str("250 2.0.0\r\n"),
                (true, _) => wire.push_str(&format!("250 2.0.0{last}\r\n")),
                (false, _) => wire.push_str(&format!("250{last}\r\n")),
            }
            let reply = Reply::parse(wire.as_bytes()).unwrap();
            prop_assert!(reply.wire_form().is_some());
            let by_line =
                Reply::from_lines(reply.code(), reply.enhanced_code(), reply.lines()).unwrap();
            prop_assert!(by_line.wire_form().is_none());
            let (lazy, built) =
                (Capabilities::from_ehlo(&reply).unwrap(), Capabilities::from_ehlo(&by_line).unwrap());
            prop_assert_eq!(lazy.summary, Summary::of(lazy.list()));
            prop_assert_eq!(answers(&lazy), answers(&built));
            prop_assert_eq!(&lazy, &built);
        }
    }

    proptest! {
        /// The mechanisms read from an AUTH line in wire form are those read parameter
        /// by parameter: known names in any case and spacing, unknown and overlong ones,
        /// and names with "=" in them.
        #[test]
        fn wire_auth_bits_agree_with_the_params(
            names in prop::collection::vec(prop::sample::select(vec![
                "PLAIN", "login", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER", "SCRAM-SHA-256-PLUS",
                "scram-sha-1", "GSSAPI", "NTLM", "EXTERNAL", "X-FOO", "PLAIN=1", "=PLAIN",
                "XOAUTH", "PLAIN-CLIENTTOKEN", "A-NAME-OF-TWENTY-FOUR-XX", "ANONYMOUS",
            ]), 0..8),
            gaps in prop::collection::vec(prop::sample::select(vec![" ", "  ", "\t", " \t "]), 8),
            lead in any::<bool>(),
        ) {
            let mut rest = String::new();
            for (i, name) in names.iter().enumerate() {
                if i > 0 || lead {
                    rest.push_str(gaps[i]);
                }
                rest.push_str(name);
            }
            let by_param =
                p::ehlo_params(rest.as_bytes()).fold(0, |a, m| a | Mechanism::known_bit_of(m));
            prop_assert_eq!(wire_auth_bits(rest.as_bytes()), by_param);
        }
    }

    /// Edits bring the summary up to date.
    #[test]
    fn edits_keep_the_summary() {
        let reply = Reply::parse(b"250-mx\r\n250-SIZE 10\r\n250 AUTH PLAIN\r\n").unwrap();
        let mut c = Capabilities::from_ehlo(&reply).unwrap();
        assert_eq!(c.size_limit(), Some(10));
        c.insert(Extension::Size(Some(20))).unwrap();
        assert_eq!(c.size_limit(), Some(20));
        c.remove("auth");
        assert!(!c.has("AUTH") && !c.supports_auth(&Mechanism::Plain));
        c.insert(Extension::Pipelining).unwrap();
        assert!(c.supports_pipelining());
        assert_eq!(c.summary, Summary::of(c.list()));
    }
}
