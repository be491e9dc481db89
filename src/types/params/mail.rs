//! The MAIL parameters (RFC 5321 §4.1.1.2 `Mail-parameters`): their values and the
//! typed set [`MailParameters`].

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};

use super::*;
use crate::types::Text;
use crate::types::grammar::is_date_time;

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

/// The parameters of a MAIL command (RFC 5321 §4.1.1.2 `Mail-parameters`).
///
/// Typed: `SIZE` (RFC 1870), `BODY` (RFC 6152, RFC 3030), `RET` and `ENVID` (RFC 3461),
/// `SMTPUTF8` (RFC 6531), `AUTH` (RFC 4954 §5), `BY` (RFC 2852), `HOLDFOR` / `HOLDUNTIL`
/// (RFC 4865), `MT-PRIORITY` (RFC 6710), `REQUIRETLS` (RFC 8689). Anything else is kept in
/// [`others`](Self::others). Encoding writes the typed parameters in that order, then the
/// others in the order received.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MailParameters {
    // The fields are crate-visible so that the command parser fills them as it reads the
    // parameters (the one list of them is here); each holds a value already checked.
    pub(crate) size: Option<u64>,
    pub(crate) body: Option<Body>,
    pub(crate) ret: Option<Ret>,
    pub(crate) envid: Option<XText>,
    pub(crate) smtputf8: bool,
    pub(crate) auth: Option<MailAuth>,
    /// BY, HOLDFOR/HOLDUNTIL and MT-PRIORITY are rare: boxed, so the common MAIL command
    /// stays small to move around (and allocates only when one of them is present).
    rare: Option<Box<RareMailParameters>>,
    pub(crate) requiretls: bool,
    pub(crate) others: Vec<Parameter>,
}

/// The rare MAIL parameters, boxed in [`MailParameters`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct RareMailParameters {
    pub(crate) by: Option<DeliverBy>,
    pub(crate) hold: Option<Hold>,
    pub(crate) mt_priority: Option<Priority>,
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

    /// The rare parameters, to be set: boxed on first use. Only for a value about to be
    /// stored (an empty box would make the set differ from one without it).
    pub(crate) fn rare_mut(&mut self) -> &mut RareMailParameters {
        self.rare.get_or_insert_default()
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
