//! MAIL and RCPT parameters (RFC 5321 §4.1.2 `Mail-parameters`, `Rcpt-parameters`), typed.
//!
//! ```text
//! Mail-parameters  = esmtp-param *(SP esmtp-param)
//! Rcpt-parameters  = esmtp-param *(SP esmtp-param)
//! esmtp-param      = esmtp-keyword ["=" esmtp-value]
//! esmtp-keyword    = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
//! esmtp-value      = 1*(%d33-60 / %d62-126)
//! ```
//!
//! The parameters this crate knows get typed fields ([`MailParameters`],
//! [`RcptParameters`]); any other parameter is kept verbatim as a [`Parameter`], so a relay
//! or proxy loses nothing. Keywords are case-insensitive on input and upper-case on output
//! (unknown keywords keep their spelling). A parameter given twice is an error. Known
//! parameters of a typical MAIL or RCPT hold no heap allocation (the rare BY, HOLDFOR,
//! HOLDUNTIL and MT-PRIORITY share one box).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::ValidationError;
use crate::types::Text;
use crate::types::grammar::{
    is_atom, is_date_time, is_esmtp_keyword, is_esmtp_value, is_upper_hex, is_xchar, is_xtext,
};

/// A [`ValidationError`] about a parameter.
fn invalid(reason: &'static str) -> ValidationError {
    ValidationError::new("parameter", reason)
}

// ---------------------------------------------------------------------------------------
// xtext
// ---------------------------------------------------------------------------------------

/// Text in the `xtext` encoding of RFC 3461 §4, kept in its encoded (wire) form.
///
/// ```text
/// xtext   = *( xchar / hexchar )
/// xchar   = any ASCII CHAR between "!" (33) and "~" (126) inclusive,
///           except for "+" and "=".
/// hexchar = ASCII "+" immediately followed by two upper case
///           hexadecimal digits
/// ```
///
/// Used by ENVID, ORCPT and the MAIL `AUTH=` parameter. [`XText::decode`] gives the octets
/// it stands for; [`XText::encode`] builds one from any octets.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct XText(Text);

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

fn hex_value(c: u8) -> u8 {
    debug_assert!(is_upper_hex(c));
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c.wrapping_sub(b'A') + 10,
    }
}

impl XText {
    /// An xtext value from its encoded form, checked.
    pub fn new(encoded: &str) -> Result<Self, ValidationError> {
        if is_xtext(encoded.as_bytes()) {
            Ok(Self(Text::copy_from_str(encoded)))
        } else {
            Err(ValidationError::new("xtext", "not xtext (RFC 3461 §4)"))
        }
    }

    /// Encodes any octets as xtext: `+`, `=` and octets outside 33..=126 become `+XX`.
    pub fn encode(value: &[u8]) -> Self {
        let mut out = String::with_capacity(value.len());
        for &c in value {
            if is_xchar(c) {
                out.push(c as char);
            } else {
                out.push('+');
                out.push(HEX_UPPER[usize::from(c >> 4)] as char);
                out.push(HEX_UPPER[usize::from(c & 15)] as char);
            }
        }
        Self(Text::from(out))
    }

    /// Octets a parser matched as xtext.
    pub(crate) fn from_checked(bytes: Bytes) -> Self {
        debug_assert!(is_xtext(&bytes));
        Self(Text::from_checked(bytes))
    }

    /// The encoded (wire) form.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The octets this xtext stands for. Borrows when there is nothing to decode.
    pub fn decode(&self) -> Cow<'_, [u8]> {
        let s = self.0.as_bytes();
        if !s.contains(&b'+') {
            return Cow::Borrowed(s);
        }
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            if s[i] == b'+' && i + 2 < s.len() {
                // Checked at construction: two upper-case hex digits follow.
                let hi = hex_value(s[i + 1]);
                let lo = hex_value(s[i + 2]);
                out.push(hi << 4 | lo);
                i += 3;
            } else {
                out.push(s[i]);
                i += 1;
            }
        }
        Cow::Owned(out)
    }

    /// The decoded value as UTF-8 text, if it is UTF-8.
    pub fn decode_utf8(&self) -> Option<Cow<'_, str>> {
        match self.decode() {
            Cow::Borrowed(b) => std::str::from_utf8(b).ok().map(Cow::Borrowed),
            Cow::Owned(v) => String::from_utf8(v).ok().map(Cow::Owned),
        }
    }

    /// The length of the encoded form in octets.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the encoded form is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for XText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "XText({:?})", self.0.as_str())
    }
}

impl fmt::Display for XText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl FromStr for XText {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

// ---------------------------------------------------------------------------------------
// Generic parameter
// ---------------------------------------------------------------------------------------

/// A parameter this crate has no type for, kept verbatim: `esmtp-param = esmtp-keyword
/// ["=" esmtp-value]` (RFC 5321 §4.1.2; `esmtp-value` extended with UTF-8 by RFC 6531
/// §3.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Parameter {
    keyword: Text,
    value: Option<Text>,
}

impl Parameter {
    /// A parameter, checked against the `esmtp-param` grammar.
    pub fn new(keyword: &str, value: Option<&str>) -> Result<Self, ValidationError> {
        if !is_esmtp_keyword(keyword.as_bytes()) {
            return Err(invalid("keyword is not an esmtp-keyword"));
        }
        if let Some(v) = value
            && !is_esmtp_value(v.as_bytes())
        {
            return Err(invalid("value is not an esmtp-value"));
        }
        Ok(Self { keyword: Text::copy_from_str(keyword), value: value.map(Text::copy_from_str) })
    }

    pub(crate) fn from_checked(keyword: Text, value: Option<Text>) -> Self {
        Self { keyword, value }
    }

    /// The keyword, spelled as received.
    pub fn keyword(&self) -> &str {
        &self.keyword
    }

    /// The value, if any.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// Whether the value holds UTF-8 beyond ASCII (only valid under SMTPUTF8).
    pub fn needs_smtputf8(&self) -> bool {
        self.value.as_ref().is_some_and(|v| !v.is_ascii())
    }

    fn encode(&self, buf: &mut BytesMut) {
        buf.put_slice(self.keyword.as_bytes());
        if let Some(v) = &self.value {
            buf.put_u8(b'=');
            buf.put_slice(v.as_bytes());
        }
    }
}

impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}={}", self.keyword, v),
            None => f.write_str(&self.keyword),
        }
    }
}

// ---------------------------------------------------------------------------------------
// MAIL parameter values
// ---------------------------------------------------------------------------------------

/// An enum of keyword values, matched case-insensitively on input and written upper-case,
/// with `as_str`, `Display` and `FromStr`.
macro_rules! keyword_values {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($err:literal) {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// The canonical keyword value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// The value `v` names, matched case-insensitively.
            pub(crate) fn from_keyword(v: &[u8]) -> Option<Self> {
                $(if v.eq_ignore_ascii_case($text.as_bytes()) {
                    return Some(Self::$variant);
                })+
                None
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::from_keyword(s.as_bytes()).ok_or(invalid($err))
            }
        }
    };
}

keyword_values! {
    /// `BODY=` (RFC 6152 §2, RFC 3030 §3): `body-value = "7BIT" / "8BITMIME" / "BINARYMIME"`.
    #[non_exhaustive]
    pub enum Body ("BODY is 7BIT, 8BITMIME or BINARYMIME") {
        /// `7BIT`: 7-bit ASCII content.
        SevenBit => "7BIT",
        /// `8BITMIME` (RFC 6152).
        EightBitMime => "8BITMIME",
        /// `BINARYMIME` (RFC 3030 §3); requires BDAT.
        BinaryMime => "BINARYMIME",
    }
}

keyword_values! {
    /// `RET=` (RFC 3461 §4.3): `ret-value = "FULL" / "HDRS"`.
    pub enum Ret ("RET is FULL or HDRS") {
        /// Return the full message in a DSN.
        Full => "FULL",
        /// Return only the headers.
        Hdrs => "HDRS",
    }
}

/// The MAIL `AUTH=` parameter (RFC 4954 §5): `auth-param = "AUTH=" xtext`, where the
/// xtext is the identity that submitted the message, or `<>` when it is unknown.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MailAuth {
    /// `AUTH=<>`: the submitter is unknown or not trusted.
    Unknown,
    /// `AUTH=xtext`: the submitter's identity (usually a mailbox).
    Identity(XText),
}

impl fmt::Display for MailAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown => f.write_str("<>"),
            Self::Identity(x) => fmt::Display::fmt(x, f),
        }
    }
}

/// `BY=` (RFC 2852 §4): `by-value = by-time ";" by-mode [by-trace]`,
/// `by-time = ["-" / "+"] 1*9digit`, `by-mode = "N" / "R"`, `by-trace = "T"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeliverBy {
    time: i32,
    mode: ByMode,
    trace: bool,
}

/// The `by-mode` of [`DeliverBy`] (RFC 2852 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByMode {
    /// `N`: notify the sender if the deadline passes.
    Notify,
    /// `R`: return the message if the deadline passes.
    Return,
}

impl DeliverBy {
    /// A deadline `time` seconds from now (at most 9 digits), with its mode. RFC 2852 §4:
    /// a negative or zero time is not allowed with [`ByMode::Return`].
    pub fn new(time: i32, mode: ByMode, trace: bool) -> Result<Self, ValidationError> {
        if time.unsigned_abs() > 999_999_999 {
            return Err(invalid("BY time has at most 9 digits"));
        }
        if mode == ByMode::Return && time <= 0 {
            return Err(invalid("BY time must be positive with mode R"));
        }
        Ok(Self { time, mode, trace })
    }

    /// Seconds until the deadline (negative: already past).
    pub fn time(&self) -> i32 {
        self.time
    }

    /// What to do when the deadline passes.
    pub fn mode(&self) -> ByMode {
        self.mode
    }

    /// Whether the `T` (trace) flag is set.
    pub fn trace(&self) -> bool {
        self.trace
    }
}

impl fmt::Display for DeliverBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match self.mode {
            ByMode::Notify => 'N',
            ByMode::Return => 'R',
        };
        write!(f, "{};{}{}", self.time, mode, if self.trace { "T" } else { "" })
    }
}

/// `HOLDFOR=` / `HOLDUNTIL=` (RFC 4865 §4): future release.
///
/// ```text
/// hold-for-param   = "HOLDFOR=" future-release-interval     ; 1*9DIGIT seconds
/// hold-until-param = "HOLDUNTIL=" future-release-date-time  ; RFC 3339 date-time, UTC
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Hold {
    /// Release after this many seconds.
    For(u32),
    /// Release at this RFC 3339 date-time (kept as given, syntax checked).
    Until(Text),
}

impl Hold {
    /// `HOLDUNTIL` at an RFC 3339 date-time, syntax checked.
    pub fn until(date_time: &str) -> Result<Self, ValidationError> {
        if is_date_time(date_time.as_bytes()) {
            Ok(Self::Until(Text::copy_from_str(date_time)))
        } else {
            Err(invalid("HOLDUNTIL is an RFC 3339 date-time"))
        }
    }

    /// `HOLDFOR` a number of seconds (at most 9 digits).
    pub fn for_seconds(seconds: u32) -> Result<Self, ValidationError> {
        if seconds > 999_999_999 {
            return Err(invalid("HOLDFOR has at most 9 digits"));
        }
        Ok(Self::For(seconds))
    }
}

/// `MT-PRIORITY=` (RFC 6710 §7): `priority-value = (["-"] NZDIGIT) / "0"`, -9 to 9.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Priority(i8);

impl Priority {
    /// A priority from -9 to 9.
    pub fn new(value: i8) -> Result<Self, ValidationError> {
        if (-9..=9).contains(&value) {
            Ok(Self(value))
        } else {
            Err(invalid("MT-PRIORITY is from -9 to 9"))
        }
    }

    /// The value, -9 to 9.
    pub fn get(self) -> i8 {
        self.0
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

// ---------------------------------------------------------------------------------------
// RCPT parameter values
// ---------------------------------------------------------------------------------------

/// `NOTIFY=` (RFC 3461 §4.1):
/// `notify-esmtp-value = "NEVER" / 1#notify-list-element`,
/// `notify-list-element = "SUCCESS" / "FAILURE" / "DELAY"`.
///
/// All three flags false means `NEVER`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Notify {
    /// Notify on successful delivery.
    pub success: bool,
    /// Notify on failure.
    pub failure: bool,
    /// Notify on delay.
    pub delay: bool,
}

impl Notify {
    /// `NOTIFY=NEVER`.
    pub const NEVER: Self = Self { success: false, failure: false, delay: false };

    /// Whether this is `NEVER`.
    pub fn is_never(self) -> bool {
        self == Self::NEVER
    }
}

impl fmt::Display for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_never() {
            return f.write_str("NEVER");
        }
        let mut sep = "";
        for (on, name) in
            [(self.success, "SUCCESS"), (self.failure, "FAILURE"), (self.delay, "DELAY")]
        {
            if on {
                write!(f, "{sep}{name}")?;
                sep = ",";
            }
        }
        Ok(())
    }
}

/// `ORCPT=` (RFC 3461 §4.2): `orcpt-parameter = "ORCPT=" original-recipient-address`,
/// `original-recipient-address = addr-type ";" xtext`, `addr-type = atom`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Orcpt {
    addr_type: Text,
    address: XText,
}

impl Orcpt {
    /// An original recipient of `addr_type` (an atom, usually `rfc822` or `utf-8`), with the
    /// address given decoded; it is xtext-encoded here.
    pub fn new(addr_type: &str, address: &str) -> Result<Self, ValidationError> {
        if !is_atom(addr_type.as_bytes()) {
            return Err(invalid("ORCPT addr-type is an atom"));
        }
        Ok(Self {
            addr_type: Text::copy_from_str(addr_type),
            address: XText::encode(address.as_bytes()),
        })
    }

    /// The address type, as sent (compare case-insensitively).
    pub fn addr_type(&self) -> &str {
        &self.addr_type
    }

    /// The address in its xtext form; [`XText::decode`] gives the address.
    pub fn address(&self) -> &XText {
        &self.address
    }

    /// An addr-type and xtext a parser matched.
    pub(crate) fn from_checked(addr_type: Text, address: XText) -> Self {
        Self { addr_type, address }
    }
}

impl fmt::Display for Orcpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{};{}", self.addr_type, self.address)
    }
}

// ---------------------------------------------------------------------------------------
// Parameter sets
// ---------------------------------------------------------------------------------------

/// Keywords with a typed field in [`MailParameters`].
const MAIL_KEYWORDS: &[&str] = &[
    "SIZE",
    "BODY",
    "RET",
    "ENVID",
    "SMTPUTF8",
    "AUTH",
    "BY",
    "HOLDFOR",
    "HOLDUNTIL",
    "MT-PRIORITY",
    "REQUIRETLS",
];

/// Keywords with a typed field in [`RcptParameters`].
const RCPT_KEYWORDS: &[&str] = &["NOTIFY", "ORCPT"];

fn is_known(known: &[&str], keyword: &str) -> bool {
    known.iter().any(|k| k.eq_ignore_ascii_case(keyword))
}

fn push_other(
    others: &mut Vec<Parameter>,
    known: &[&str],
    p: Parameter,
) -> Result<(), ValidationError> {
    if is_known(known, p.keyword()) {
        return Err(invalid("keyword has a typed field; use its setter"));
    }
    if others.iter().any(|o| o.keyword.eq_ignore_ascii_case(&p.keyword)) {
        return Err(invalid("duplicate parameter"));
    }
    others.push(p);
    Ok(())
}

/// The parameters of a MAIL command (RFC 5321 §4.1.1.2 `Mail-parameters`).
///
/// Typed: `SIZE` (RFC 1870), `BODY` (RFC 6152, RFC 3030), `RET` and `ENVID` (RFC 3461),
/// `SMTPUTF8` (RFC 6531), `AUTH` (RFC 4954 §5), `BY` (RFC 2852), `HOLDFOR` / `HOLDUNTIL`
/// (RFC 4865), `MT-PRIORITY` (RFC 6710), `REQUIRETLS` (RFC 8689). Anything else is kept in
/// [`others`](Self::others). Encoding writes the typed parameters in that order, then the
/// others in the order received.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MailParameters {
    size: Option<u64>,
    body: Option<Body>,
    ret: Option<Ret>,
    envid: Option<XText>,
    smtputf8: bool,
    auth: Option<MailAuth>,
    /// BY, HOLDFOR/HOLDUNTIL and MT-PRIORITY are rare: boxed, so the common MAIL command
    /// stays small to move around (and allocates only when one of them is present).
    rare: Option<Box<RareMailParameters>>,
    requiretls: bool,
    others: Vec<Parameter>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct RareMailParameters {
    by: Option<DeliverBy>,
    hold: Option<Hold>,
    mt_priority: Option<Priority>,
}

impl RareMailParameters {
    fn boxed(self) -> Option<Box<Self>> {
        (self != Self::default()).then(|| Box::new(self))
    }
}

/// RFC 3461 §4.4: "The ENVID parameter MAY be up to 100 characters in length."
pub const MAX_ENVID_LEN: usize = 100;
/// RFC 3461 §11 (b)/(c) give ORCPT up to 500 characters; RFC 4954 §5 gives `AUTH=` 500.
pub const MAX_XTEXT_PARAM_LEN: usize = 500;

impl MailParameters {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether there are no parameters at all.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        size: Option<u64>,
        body: Option<Body>,
        ret: Option<Ret>,
        envid: Option<XText>,
        smtputf8: bool,
        auth: Option<MailAuth>,
        by: Option<DeliverBy>,
        hold: Option<Hold>,
        mt_priority: Option<Priority>,
        requiretls: bool,
        others: Vec<Parameter>,
    ) -> Self {
        let rare = RareMailParameters { by, hold, mt_priority }.boxed();
        Self { size, body, ret, envid, smtputf8, auth, rare, requiretls, others }
    }

    /// `SIZE=`: the declared message size in octets (RFC 1870).
    pub fn size(&self) -> Option<u64> {
        self.size
    }
    /// Sets `SIZE=`.
    pub fn set_size(&mut self, size: Option<u64>) -> &mut Self {
        self.size = size;
        self
    }

    /// `BODY=`.
    pub fn body(&self) -> Option<Body> {
        self.body
    }
    /// Sets `BODY=`.
    pub fn set_body(&mut self, body: Option<Body>) -> &mut Self {
        self.body = body;
        self
    }

    /// `RET=` (DSN).
    pub fn ret(&self) -> Option<Ret> {
        self.ret
    }
    /// Sets `RET=`.
    pub fn set_ret(&mut self, ret: Option<Ret>) -> &mut Self {
        self.ret = ret;
        self
    }

    /// `ENVID=` (DSN), in xtext.
    pub fn envid(&self) -> Option<&XText> {
        self.envid.as_ref()
    }
    /// Sets `ENVID=`; at most [`MAX_ENVID_LEN`] characters of xtext (RFC 3461 §4.4).
    pub fn set_envid(&mut self, envid: Option<XText>) -> Result<&mut Self, ValidationError> {
        if envid.as_ref().is_some_and(|e| e.is_empty() || e.len() > MAX_ENVID_LEN) {
            return Err(invalid("ENVID is 1 to 100 characters of xtext"));
        }
        self.envid = envid;
        Ok(self)
    }

    /// `SMTPUTF8` (RFC 6531 §3.4).
    pub fn smtputf8(&self) -> bool {
        self.smtputf8
    }
    /// Sets `SMTPUTF8`.
    pub fn set_smtputf8(&mut self, on: bool) -> &mut Self {
        self.smtputf8 = on;
        self
    }

    /// `AUTH=` (RFC 4954 §5).
    pub fn auth(&self) -> Option<&MailAuth> {
        self.auth.as_ref()
    }
    /// Sets `AUTH=`; an identity is at most [`MAX_XTEXT_PARAM_LEN`] characters of xtext.
    pub fn set_auth(&mut self, auth: Option<MailAuth>) -> Result<&mut Self, ValidationError> {
        if let Some(MailAuth::Identity(x)) = &auth
            && (x.is_empty() || x.len() > MAX_XTEXT_PARAM_LEN)
        {
            return Err(invalid("AUTH= is 1 to 500 characters of xtext"));
        }
        self.auth = auth;
        Ok(self)
    }

    /// `BY=` (RFC 2852).
    pub fn by(&self) -> Option<DeliverBy> {
        self.rare.as_ref().and_then(|r| r.by)
    }
    /// Sets `BY=`.
    pub fn set_by(&mut self, by: Option<DeliverBy>) -> &mut Self {
        self.update_rare(|r| r.by = by)
    }

    /// `HOLDFOR=` or `HOLDUNTIL=` (RFC 4865).
    pub fn hold(&self) -> Option<&Hold> {
        self.rare.as_ref().and_then(|r| r.hold.as_ref())
    }
    /// Sets `HOLDFOR=` / `HOLDUNTIL=`.
    pub fn set_hold(&mut self, hold: Option<Hold>) -> &mut Self {
        self.update_rare(|r| r.hold = hold)
    }

    /// `MT-PRIORITY=` (RFC 6710).
    pub fn mt_priority(&self) -> Option<Priority> {
        self.rare.as_ref().and_then(|r| r.mt_priority)
    }
    /// Sets `MT-PRIORITY=`.
    pub fn set_mt_priority(&mut self, p: Option<Priority>) -> &mut Self {
        self.update_rare(|r| r.mt_priority = p)
    }

    fn update_rare(&mut self, f: impl FnOnce(&mut RareMailParameters)) -> &mut Self {
        let mut rare = self.rare.take().map(|b| *b).unwrap_or_default();
        f(&mut rare);
        self.rare = rare.boxed();
        self
    }

    /// `REQUIRETLS` (RFC 8689 §4.1).
    pub fn requiretls(&self) -> bool {
        self.requiretls
    }
    /// Sets `REQUIRETLS`.
    pub fn set_requiretls(&mut self, on: bool) -> &mut Self {
        self.requiretls = on;
        self
    }

    /// Parameters without a typed field, in the order received.
    pub fn others(&self) -> &[Parameter] {
        &self.others
    }

    /// Adds a parameter without a typed field. Refused for a keyword that has a typed
    /// field or that is already present (a repeated parameter is invalid).
    pub fn push_other(&mut self, p: Parameter) -> Result<&mut Self, ValidationError> {
        push_other(&mut self.others, MAIL_KEYWORDS, p)?;
        Ok(self)
    }

    /// Whether anything here needs SMTPUTF8: the `SMTPUTF8` parameter itself is the
    /// announcement, so this asks about UTF-8 in unknown parameter values.
    pub fn needs_smtputf8(&self) -> bool {
        self.others.iter().any(Parameter::needs_smtputf8)
    }

    /// Writes ` KEYWORD[=value]` for each parameter (each with its leading space).
    pub fn encode(&self, buf: &mut BytesMut) {
        fn kw(buf: &mut BytesMut, k: &str) {
            buf.put_u8(b' ');
            buf.put_slice(k.as_bytes());
        }
        if let Some(size) = self.size {
            kw(buf, "SIZE=");
            let mut tmp = itoa_u64(size);
            buf.put_slice(tmp.as_bytes());
        }
        if let Some(body) = self.body {
            kw(buf, "BODY=");
            buf.put_slice(body.as_str().as_bytes());
        }
        if let Some(ret) = self.ret {
            kw(buf, "RET=");
            buf.put_slice(ret.as_str().as_bytes());
        }
        if let Some(envid) = &self.envid {
            kw(buf, "ENVID=");
            buf.put_slice(envid.as_str().as_bytes());
        }
        if self.smtputf8 {
            kw(buf, "SMTPUTF8");
        }
        if let Some(auth) = &self.auth {
            kw(buf, "AUTH=");
            match auth {
                MailAuth::Unknown => buf.put_slice(b"<>"),
                MailAuth::Identity(x) => buf.put_slice(x.as_str().as_bytes()),
            }
        }
        if let Some(by) = self.by() {
            kw(buf, "BY=");
            buf.put_slice(by.to_string().as_bytes());
        }
        match self.hold() {
            Some(Hold::For(s)) => {
                kw(buf, "HOLDFOR=");
                let mut tmp = itoa_u64(u64::from(*s));
                buf.put_slice(tmp.as_bytes());
            }
            Some(Hold::Until(t)) => {
                kw(buf, "HOLDUNTIL=");
                buf.put_slice(t.as_bytes());
            }
            None => {}
        }
        if let Some(p) = self.mt_priority() {
            kw(buf, "MT-PRIORITY=");
            buf.put_slice(p.to_string().as_bytes());
        }
        if self.requiretls {
            kw(buf, "REQUIRETLS");
        }
        for p in &self.others {
            buf.put_u8(b' ');
            p.encode(buf);
        }
    }
}

/// The parameters of a RCPT command (RFC 5321 §4.1.1.3 `Rcpt-parameters`).
///
/// Typed: `NOTIFY` and `ORCPT` (RFC 3461). Anything else is kept in
/// [`others`](Self::others).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RcptParameters {
    notify: Option<Notify>,
    orcpt: Option<Orcpt>,
    others: Vec<Parameter>,
}

impl RcptParameters {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether there are no parameters at all.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub(crate) fn from_parts(
        notify: Option<Notify>,
        orcpt: Option<Orcpt>,
        others: Vec<Parameter>,
    ) -> Self {
        Self { notify, orcpt, others }
    }

    /// `NOTIFY=` (DSN).
    pub fn notify(&self) -> Option<Notify> {
        self.notify
    }
    /// Sets `NOTIFY=`.
    pub fn set_notify(&mut self, notify: Option<Notify>) -> &mut Self {
        self.notify = notify;
        self
    }

    /// `ORCPT=` (DSN).
    pub fn orcpt(&self) -> Option<&Orcpt> {
        self.orcpt.as_ref()
    }
    /// Sets `ORCPT=`; at most [`MAX_XTEXT_PARAM_LEN`] characters in all (RFC 3461 §11).
    pub fn set_orcpt(&mut self, orcpt: Option<Orcpt>) -> Result<&mut Self, ValidationError> {
        if orcpt
            .as_ref()
            .is_some_and(|o| o.addr_type.len() + 1 + o.address.len() > MAX_XTEXT_PARAM_LEN)
        {
            return Err(invalid("ORCPT is at most 500 characters"));
        }
        self.orcpt = orcpt;
        Ok(self)
    }

    /// Parameters without a typed field, in the order received.
    pub fn others(&self) -> &[Parameter] {
        &self.others
    }

    /// Adds a parameter without a typed field; refused for `NOTIFY`, `ORCPT` or a repeat.
    pub fn push_other(&mut self, p: Parameter) -> Result<&mut Self, ValidationError> {
        push_other(&mut self.others, RCPT_KEYWORDS, p)?;
        Ok(self)
    }

    /// Whether an unknown parameter's value holds UTF-8 beyond ASCII.
    pub fn needs_smtputf8(&self) -> bool {
        self.others.iter().any(Parameter::needs_smtputf8)
    }

    /// Writes ` KEYWORD[=value]` for each parameter (each with its leading space).
    pub fn encode(&self, buf: &mut BytesMut) {
        if let Some(n) = self.notify {
            buf.put_slice(b" NOTIFY=");
            buf.put_slice(n.to_string().as_bytes());
        }
        if let Some(o) = &self.orcpt {
            buf.put_slice(b" ORCPT=");
            buf.put_slice(o.addr_type.as_bytes());
            buf.put_u8(b';');
            buf.put_slice(o.address.as_str().as_bytes());
        }
        for p in &self.others {
            buf.put_u8(b' ');
            p.encode(buf);
        }
    }
}

/// Formats a `u64` in decimal without allocating.
pub(crate) struct DecimalBuf {
    buf: [u8; 20],
    start: usize,
}

impl DecimalBuf {
    pub(crate) fn as_bytes(&mut self) -> &[u8] {
        &self.buf[self.start..]
    }
}

pub(crate) fn itoa_u64(mut n: u64) -> DecimalBuf {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    DecimalBuf { buf, start: i }
}
