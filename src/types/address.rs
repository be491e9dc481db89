//! Addresses (RFC 5321 §4.1.2, §4.1.3; RFC 6531 §3.3): [`Domain`], [`AddressLiteral`],
//! [`Host`], [`LocalPart`], [`Mailbox`], [`ReversePath`], [`ForwardPath`].
//!
//! Every type validates on construction and displays in wire form. Parsed values share the
//! buffer of the line they came from. The types that are built from their wire text
//! (`AddressLiteral::new`, `Host::new`, `FromStr` of mailboxes and paths) get those entry
//! points from the codec, next to the grammar they run; `Domain::new` and `LocalPart::new`
//! check their text here, with the character classes the grammar uses. UTF-8 is accepted where RFC
//! 6531 allows it, and `needs_smtputf8()` says when a value may only be sent to a server
//! that offers SMTPUTF8.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use bytes::{BufMut, BytesMut};

use crate::error::ValidationError;
use crate::types::Text;
use crate::types::grammar::{check_domain, check_local_part, is_dcontent, is_ldh_str};

/// RFC 5321 §4.5.3.1.1: "The maximum total length of a user name or other local-part is
/// 64 octets."
pub const MAX_LOCAL_PART_LEN: usize = 64;
/// RFC 5321 §4.5.3.1.2: "The maximum total length of a domain name or number is 255
/// octets."
pub const MAX_DOMAIN_LEN: usize = 255;
/// RFC 5321 §4.5.3.1.3: "The maximum total length of a reverse-path or forward-path is 256
/// octets (including the punctuation and element separators)."
pub const MAX_PATH_LEN: usize = 256;

// ---------------------------------------------------------------------------------------

/// A domain name: `Domain = sub-domain *("." sub-domain)`,
/// `sub-domain = Let-dig [Ldh-str]` (RFC 5321 §4.1.2), or with U-labels
/// (`sub-domain =/ U-label`, RFC 6531 §3.3), at most 255 octets.
///
/// Domain names are case-insensitive (RFC 5321 §2.4): equality and hashing ignore ASCII
/// case; the spelling is kept for display. A U-label is checked to be UTF-8, not for IDNA
/// validity; [`needs_smtputf8`](Self::needs_smtputf8) tells whether one is present.
#[derive(Clone)]
pub struct Domain(Text);

impl Domain {
    /// A domain, checked.
    pub fn new(s: &str) -> Result<Self, ValidationError> {
        check_domain(s.as_bytes()).map_err(|reason| ValidationError::new("domain", reason))?;
        Ok(Self(Text::copy_from_str(s)))
    }

    pub(crate) fn from_checked(t: Text) -> Self {
        Self(t)
    }

    /// The domain as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the domain has U-labels, which only SMTPUTF8 may carry (RFC 6531).
    pub fn needs_smtputf8(&self) -> bool {
        !self.0.is_ascii()
    }

    /// Writes the domain.
    pub fn encode(&self, buf: &mut BytesMut) {
        buf.put_slice(self.0.as_bytes());
    }
}

impl PartialEq for Domain {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().eq_ignore_ascii_case(other.0.as_bytes())
    }
}

impl Eq for Domain {}

impl Hash for Domain {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for b in self.0.as_bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
        state.write_u8(0xff);
    }
}

impl fmt::Debug for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Domain({:?})", self.as_str())
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Domain {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

// ---------------------------------------------------------------------------------------

/// An address literal (RFC 5321 §4.1.3):
///
/// ```text
/// address-literal  = "[" ( IPv4-address-literal /
///                    IPv6-address-literal /
///                    General-address-literal ) "]"
/// ```
///
/// IP literals are kept as addresses: `[IPv6:0:0:0:0:0:0:0:1]` displays as `[IPv6:::1]`,
/// which parses back to the same value.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AddressLiteral {
    /// `IPv4-address-literal = Snum 3("." Snum)`.
    Ipv4(Ipv4Addr),
    /// `IPv6-address-literal = "IPv6:" IPv6-addr`, in any of its four forms.
    Ipv6(Ipv6Addr),
    /// `General-address-literal = Standardized-tag ":" 1*dcontent` (rare: boxed, to keep
    /// the common values small).
    General(Box<GeneralAddressLiteral>),
}

/// `General-address-literal = Standardized-tag ":" 1*dcontent`,
/// `Standardized-tag = Ldh-str`, `dcontent = %d33-90 / %d94-126` (RFC 5321 §4.1.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GeneralAddressLiteral {
    tag: Text,
    content: Text,
}

impl GeneralAddressLiteral {
    /// The standardized tag.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The content after the colon.
    pub fn content(&self) -> &str {
        &self.content
    }
}

impl AddressLiteral {
    /// A general literal, `tag:content`; fails for the tag `IPv6` and for malformed parts.
    pub fn general(tag: &str, content: &str) -> Result<Self, ValidationError> {
        let err = |reason| Err(ValidationError::new("address literal", reason));
        if tag.eq_ignore_ascii_case("IPv6") {
            return err("the IPv6 tag is not a general literal");
        }
        if !is_ldh_str(tag.as_bytes()) {
            return err("the tag is not an Ldh-str");
        }
        if content.is_empty() || !content.bytes().all(is_dcontent) {
            return err("the content is not 1*dcontent");
        }
        Ok(Self::general_checked(Text::copy_from_str(tag), Text::copy_from_str(content)))
    }

    pub(crate) fn general_checked(tag: Text, content: Text) -> Self {
        Self::General(Box::new(GeneralAddressLiteral { tag, content }))
    }

    /// Writes the literal, brackets included.
    pub fn encode(&self, buf: &mut BytesMut) {
        buf.put_slice(self.to_string().as_bytes());
    }
}

impl fmt::Display for AddressLiteral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ipv4(a) => write!(f, "[{a}]"),
            Self::Ipv6(a) => write!(f, "[IPv6:{a}]"),
            Self::General(g) => write!(f, "[{}:{}]", g.tag, g.content),
        }
    }
}

impl From<Ipv4Addr> for AddressLiteral {
    fn from(a: Ipv4Addr) -> Self {
        Self::Ipv4(a)
    }
}

impl From<Ipv6Addr> for AddressLiteral {
    fn from(a: Ipv6Addr) -> Self {
        Self::Ipv6(a)
    }
}

// ---------------------------------------------------------------------------------------

/// `Domain / address-literal`: what follows "@" in a mailbox, and the argument of EHLO,
/// HELO and LHLO (RFC 5321 §4.1.1.1, §4.1.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    /// A domain name.
    Domain(Domain),
    /// An address literal.
    Literal(AddressLiteral),
}

impl Host {
    /// Whether this needs SMTPUTF8 (a domain with U-labels).
    pub fn needs_smtputf8(&self) -> bool {
        matches!(self, Self::Domain(d) if d.needs_smtputf8())
    }

    /// Writes the domain or literal.
    pub fn encode(&self, buf: &mut BytesMut) {
        match self {
            Self::Domain(d) => d.encode(buf),
            Self::Literal(l) => l.encode(buf),
        }
    }

    fn wire_len(&self) -> usize {
        match self {
            Self::Domain(d) => d.as_str().len(),
            Self::Literal(l) => l.to_string().len(),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Domain(d) => fmt::Display::fmt(d, f),
            Self::Literal(l) => fmt::Display::fmt(l, f),
        }
    }
}

impl From<Domain> for Host {
    fn from(d: Domain) -> Self {
        Self::Domain(d)
    }
}

impl From<AddressLiteral> for Host {
    fn from(l: AddressLiteral) -> Self {
        Self::Literal(l)
    }
}

// ---------------------------------------------------------------------------------------

/// The part of a mailbox before "@": `Local-part = Dot-string / Quoted-string`
/// (RFC 5321 §4.1.2), at most 64 octets, with UTF-8 where RFC 6531 §3.3 allows it.
///
/// Kept in wire form: a quoted local part keeps its quotes and quoted-pairs, so it encodes
/// back to what was received; [`value`](Self::value) gives the unquoted content and
/// [`minimal`](Self::minimal) the form with the least quoting.
///
/// Equality and hashing go by the value: "all quoted forms MUST be treated as equivalent"
/// (RFC 5321 §4.1.2), so `"abc"`, `"a\bc"` and `abc` are equal. They stay case-sensitive
/// (§2.4: only the destination host may decide otherwise).
#[derive(Clone)]
pub struct LocalPart(Text);

impl PartialEq for LocalPart {
    fn eq(&self, other: &Self) -> bool {
        if !self.is_quoted() && !other.is_quoted() {
            return self.0 == other.0;
        }
        self.value() == other.value()
    }
}

impl Eq for LocalPart {}

impl Hash for LocalPart {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value().hash(state)
    }
}

impl LocalPart {
    /// A local part in wire form (`john.smith` or `"john smith"`), checked.
    pub fn new(s: &str) -> Result<Self, ValidationError> {
        check_local_part(s.as_bytes())
            .map_err(|reason| ValidationError::new("local part", reason))?;
        Ok(Self(Text::copy_from_str(s)))
    }

    /// The local part that stands for `value`: as a Dot-string when it is one, otherwise
    /// quoted, with `"` and `\` escaped. Fails for control characters and beyond 64 octets.
    pub fn from_value(value: &str) -> Result<Self, ValidationError> {
        if let Ok(lp) = Self::new(value)
            && !lp.is_quoted()
        {
            return Ok(lp);
        }
        let mut quoted = String::with_capacity(value.len() + 2);
        quoted.push('"');
        for c in value.chars() {
            if c == '"' || c == '\\' {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        Self::new(&quoted)
    }

    pub(crate) fn from_checked(t: Text) -> Self {
        Self(t)
    }

    /// The wire form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same local part with the least quoting possible: a Dot-string when the value
    /// is one, which is what a sender SHOULD transmit (RFC 5321 §4.1.2).
    pub fn minimal(&self) -> LocalPart {
        if !self.is_quoted() {
            return self.clone();
        }
        // The value of a valid local part always makes a valid local part again (it has
        // no control characters and is no longer than the quoted form).
        Self::from_value(&self.value()).unwrap_or_else(|_| self.clone())
    }

    /// Whether this is a Quoted-string.
    pub fn is_quoted(&self) -> bool {
        self.0.starts_with('"')
    }

    /// The content: a Dot-string as is, a Quoted-string without its quotes and with each
    /// quoted-pair replaced by the character it quotes.
    pub fn value(&self) -> Cow<'_, str> {
        if !self.is_quoted() {
            return Cow::Borrowed(self.as_str());
        }
        let inner = &self.0[1..self.0.len() - 1];
        if !inner.contains('\\') {
            return Cow::Borrowed(inner);
        }
        let mut out = String::with_capacity(inner.len());
        let mut escaped = false;
        for c in inner.chars() {
            if c == '\\' && !escaped {
                escaped = true;
            } else {
                out.push(c);
                escaped = false;
            }
        }
        Cow::Owned(out)
    }

    /// Whether the local part has UTF-8 beyond ASCII, which only SMTPUTF8 may carry.
    pub fn needs_smtputf8(&self) -> bool {
        !self.0.is_ascii()
    }
}

impl fmt::Debug for LocalPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LocalPart({:?})", self.as_str())
    }
}

impl fmt::Display for LocalPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LocalPart {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

// ---------------------------------------------------------------------------------------

/// `Mailbox = Local-part "@" ( Domain / address-literal )` (RFC 5321 §4.1.2).
///
/// A mailbox always fits a path: local part, "@" and host together are at most 254 octets
/// (256 with the angle brackets, §4.5.3.1.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mailbox {
    local_part: LocalPart,
    domain: Host,
}

impl Mailbox {
    /// A mailbox; fails when it would not fit a 256-octet path.
    pub fn new(local_part: LocalPart, domain: impl Into<Host>) -> Result<Self, ValidationError> {
        let domain = domain.into();
        if local_part.as_str().len() + 1 + domain.wire_len() > MAX_PATH_LEN - 2 {
            return Err(ValidationError::new("mailbox", "longer than a 256-octet path allows"));
        }
        Ok(Self { local_part, domain })
    }

    pub(crate) fn from_parts_unchecked(local_part: LocalPart, domain: Host) -> Self {
        Self { local_part, domain }
    }

    /// The local part.
    pub fn local_part(&self) -> &LocalPart {
        &self.local_part
    }

    /// The domain or address literal.
    pub fn domain(&self) -> &Host {
        &self.domain
    }

    /// Whether the mailbox needs SMTPUTF8 (RFC 6531).
    pub fn needs_smtputf8(&self) -> bool {
        self.local_part.needs_smtputf8() || self.domain.needs_smtputf8()
    }

    /// Writes `local-part@domain`.
    pub fn encode(&self, buf: &mut BytesMut) {
        buf.put_slice(self.local_part.as_str().as_bytes());
        buf.put_u8(b'@');
        self.domain.encode(buf);
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local_part, self.domain)
    }
}

// ---------------------------------------------------------------------------------------

/// `Reverse-path = Path / "<>"` (RFC 5321 §4.1.2): the sender, or the null path of
/// notifications (§4.5.5).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ReversePath {
    /// `<>`.
    Null,
    /// `<mailbox>`.
    Mailbox(Mailbox),
}

impl ReversePath {
    /// Whether the path needs SMTPUTF8.
    pub fn needs_smtputf8(&self) -> bool {
        matches!(self, Self::Mailbox(m) if m.needs_smtputf8())
    }

    /// The mailbox, unless this is the null path.
    pub fn mailbox(&self) -> Option<&Mailbox> {
        match self {
            Self::Null => None,
            Self::Mailbox(m) => Some(m),
        }
    }

    /// Writes `<>` or `<mailbox>`.
    pub fn encode(&self, buf: &mut BytesMut) {
        buf.put_u8(b'<');
        if let Self::Mailbox(m) = self {
            m.encode(buf);
        }
        buf.put_u8(b'>');
    }
}

impl fmt::Display for ReversePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("<>"),
            Self::Mailbox(m) => write!(f, "<{m}>"),
        }
    }
}

impl From<Mailbox> for ReversePath {
    fn from(m: Mailbox) -> Self {
        Self::Mailbox(m)
    }
}

/// `Forward-path = Path` (RFC 5321 §4.1.2), or `<Postmaster>` with no domain, which every
/// server must accept (§4.1.1.3, §4.5.1). `<Postmaster@domain>` is an ordinary mailbox.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ForwardPath {
    /// `<Postmaster>` (matched case-insensitively, written as `<Postmaster>`).
    Postmaster,
    /// `<mailbox>`.
    Mailbox(Mailbox),
}

impl ForwardPath {
    /// Whether the path needs SMTPUTF8.
    pub fn needs_smtputf8(&self) -> bool {
        matches!(self, Self::Mailbox(m) if m.needs_smtputf8())
    }

    /// The mailbox, unless this is `<Postmaster>`.
    pub fn mailbox(&self) -> Option<&Mailbox> {
        match self {
            Self::Postmaster => None,
            Self::Mailbox(m) => Some(m),
        }
    }

    /// Writes `<Postmaster>` or `<mailbox>`.
    pub fn encode(&self, buf: &mut BytesMut) {
        match self {
            Self::Postmaster => buf.put_slice(b"<Postmaster>"),
            Self::Mailbox(m) => {
                buf.put_u8(b'<');
                m.encode(buf);
                buf.put_u8(b'>');
            }
        }
    }
}

impl fmt::Display for ForwardPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Postmaster => f.write_str("<Postmaster>"),
            Self::Mailbox(m) => write!(f, "<{m}>"),
        }
    }
}

impl From<Mailbox> for ForwardPath {
    fn from(m: Mailbox) -> Self {
        Self::Mailbox(m)
    }
}
