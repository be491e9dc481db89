//! [`Capabilities`]: the capability set of an EHLO or LHLO reply (RFC 5321 §4.1.1.1).
//!
//! ```text
//! ehlo-ok-rsp    = ( "250" SP Domain [ SP ehlo-greet ] CRLF )
//!                  / ( "250-" Domain [ SP ehlo-greet ] CRLF
//!                  *( "250-" ehlo-line CRLF )
//!                  "250" SP ehlo-line CRLF )
//! ```

use crate::error::ValidationError;
use crate::types::reply::is_reply_text;
use crate::types::{Extension, Mechanism, Reply, ReplyCode, Text};

/// The capability set a server offers in its EHLO (or LHLO) reply (RFC 5321 §4.1.1.1),
/// with the domain and greeting of its first line.
///
/// Read from a reply with [`from_ehlo`](Self::from_ehlo), or built by a server with
/// [`new`](Self::new) and [`insert`](Self::insert), and turned into the reply with
/// [`to_ehlo_reply`](Self::to_ehlo_reply); `from_ehlo(&caps.to_ehlo_reply(..)?)` gives an
/// equal set. It holds the list of [`Extension`]s in the server's order, and every query
/// looks through that list. Keywords are case-insensitive everywhere (RFC 5321 §2.4).
/// Equality ignores the order of the extensions.
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

impl Extension {
    /// Whether two extensions have the same keyword (case-insensitive, RFC 5321 §2.4):
    /// they cannot both be in one set.
    pub(crate) fn same_keyword(&self, other: &Extension) -> bool {
        self.keyword().eq_ignore_ascii_case(other.keyword())
    }
}

/// Checks the domain and greeting of the first line of an EHLO reply.
fn check_first_line(domain: &str, greeting: &str) -> Result<(), ValidationError> {
    if domain.is_empty() || !is_reply_text(domain.as_bytes()) || domain.contains([' ', '\t']) {
        return Err(ValidationError::new(
            "EHLO domain",
            "empty, or holds SP, HT or a control character",
        ));
    }
    if !is_reply_text(greeting.as_bytes()) {
        return Err(ValidationError::new("EHLO greeting", "holds a control character"));
    }
    Ok(())
}

impl Capabilities {
    /// An empty set for a server to fill, with the domain and greeting of the first line.
    ///
    /// `Err` when `domain` is empty or holds SP, HT or control characters, or `greeting`
    /// holds control characters other than HT.
    pub fn new(domain: &str, greeting: &str) -> Result<Capabilities, ValidationError> {
        check_first_line(domain, greeting)?;
        Ok(Capabilities {
            domain: Text::copy_from_str(domain),
            greeting: Text::copy_from_str(greeting),
            extensions: Vec::new(),
        })
    }

    /// A set from parts the EHLO reader has put together.
    pub(crate) fn from_parts(domain: Text, greeting: Text, extensions: Vec<Extension>) -> Self {
        Capabilities { domain, greeting, extensions }
    }

    /// Adds an extension already checked to read back as itself, or replaces the one with
    /// its keyword; returns the one it replaced.
    pub(crate) fn insert_checked(&mut self, ext: Extension) -> Option<Extension> {
        match self.extensions.iter().position(|e| e.same_keyword(&ext)) {
            Some(i) => Some(std::mem::replace(&mut self.extensions[i], ext)),
            None => {
                self.extensions.push(ext);
                None
            }
        }
    }

    /// Removes the extension with this keyword (case-insensitive).
    pub fn remove(&mut self, keyword: &str) -> Option<Extension> {
        let i = self.extensions.iter().position(|e| e.keyword().eq_ignore_ascii_case(keyword))?;
        Some(self.extensions.remove(i))
    }

    /// The EHLO reply offering this set (RFC 5321 §4.1.1.1): `domain [SP greeting]` on the
    /// first line, one `ehlo-line` per extension after it.
    ///
    /// `Err` when `domain` or `greeting` are invalid as for [`new`](Self::new), or the
    /// first line would read as an enhanced status code.
    pub fn to_ehlo_reply(&self, domain: &str, greeting: &str) -> Result<Reply, ValidationError> {
        check_first_line(domain, greeting)?;
        let first =
            if greeting.is_empty() { domain.to_owned() } else { format!("{domain} {greeting}") };
        let lines = std::iter::once(first).chain(self.extensions.iter().map(|e| e.to_string()));
        let reply = Reply::from_lines(ReplyCode::OK, None, lines)?;
        if reply.enhanced_code().is_some() {
            return Err(ValidationError::new(
                "EHLO domain",
                "reads as an enhanced status code (RFC 2034 §4)",
            ));
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
        self.extensions.iter().find(|e| e.keyword().eq_ignore_ascii_case(keyword))
    }

    /// Whether an extension with this keyword (case-insensitive) is offered, typed or
    /// kept as [`Extension::Other`].
    pub fn has(&self, keyword: &str) -> bool {
        self.get(keyword).is_some()
    }

    /// Whether this typed extension (by its variant, parameters aside) is offered.
    fn has_typed(&self, ext: &Extension) -> bool {
        let variant = std::mem::discriminant(ext);
        self.extensions.iter().any(|e| std::mem::discriminant(e) == variant)
    }

    /// The first extension `pick` gives a value for.
    fn find<'a, T>(&'a self, pick: impl FnMut(&'a Extension) -> Option<T>) -> Option<T> {
        self.extensions.iter().find_map(pick)
    }

    /// The SIZE limit in octets (RFC 1870 §4): `None` when SIZE is not offered, has no
    /// number, or is 0 ("no fixed maximum"). Use `has("SIZE")` to know whether the
    /// `SIZE=` MAIL parameter may be sent.
    pub fn size_limit(&self) -> Option<u64> {
        self.find(|e| match e {
            Extension::Size(n) => Some(*n),
            _ => None,
        })
        .flatten()
        .filter(|&n| n > 0)
    }

    /// The SASL mechanisms offered with AUTH (RFC 4954 §3), in the server's order; empty
    /// when AUTH is not offered.
    pub fn auth_mechanisms(&self) -> &[Mechanism] {
        self.find(|e| match e {
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
        self.has_typed(&Extension::Pipelining)
    }

    /// CHUNKING (RFC 3030): BDAT.
    pub fn supports_chunking(&self) -> bool {
        self.has_typed(&Extension::Chunking)
    }

    /// BINARYMIME (RFC 3030); only usable together with CHUNKING.
    pub fn supports_binarymime(&self) -> bool {
        self.has_typed(&Extension::BinaryMime)
    }

    /// 8BITMIME (RFC 6152).
    pub fn supports_8bitmime(&self) -> bool {
        self.has_typed(&Extension::EightBitMime)
    }

    /// SMTPUTF8 (RFC 6531). The deprecated UTF8SMTP keyword does not count.
    pub fn supports_smtputf8(&self) -> bool {
        self.has_typed(&Extension::SmtpUtf8)
    }

    /// Whether the server advertised the deprecated UTF8SMTP keyword (for reporting only).
    pub fn offers_deprecated_utf8smtp(&self) -> bool {
        self.has_typed(&Extension::Utf8Smtp)
    }

    /// DSN (RFC 3461).
    pub fn supports_dsn(&self) -> bool {
        self.has_typed(&Extension::Dsn)
    }

    /// STARTTLS (RFC 3207).
    pub fn supports_starttls(&self) -> bool {
        self.has_typed(&Extension::StartTls)
    }

    /// ENHANCEDSTATUSCODES (RFC 2034).
    pub fn supports_enhanced_status_codes(&self) -> bool {
        self.has_typed(&Extension::EnhancedStatusCodes)
    }

    /// REQUIRETLS (RFC 8689).
    pub fn supports_requiretls(&self) -> bool {
        self.has_typed(&Extension::RequireTls)
    }

    /// DELIVERBY (RFC 2852): `Some(min)` when offered, `min` the minimum by-time in
    /// seconds if the server gave one.
    pub fn deliver_by(&self) -> Option<Option<u64>> {
        self.find(|e| match e {
            Extension::DeliverBy(min) => Some(*min),
            _ => None,
        })
    }

    /// MT-PRIORITY (RFC 6710): `Some(profile)` when offered.
    pub fn mt_priority(&self) -> Option<Option<&Text>> {
        self.find(|e| match e {
            Extension::MtPriority(profile) => Some(profile.as_ref()),
            _ => None,
        })
    }

    /// FUTURERELEASE (RFC 4865): the longest hold in seconds and the latest release time.
    pub fn future_release(&self) -> Option<(u64, &Text)> {
        self.find(|e| match e {
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
