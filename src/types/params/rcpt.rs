//! The RCPT parameters (RFC 5321 §4.1.1.3 `Rcpt-parameters`): NOTIFY and ORCPT values
//! (RFC 3461) and the typed set [`RcptParameters`].

use std::fmt;

use bytes::{BufMut, BytesMut};

use super::*;
use crate::types::Text;
use crate::types::grammar::is_atom;

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

/// Keywords with a typed field in [`RcptParameters`].
const RCPT_KEYWORDS: &[&str] = &["NOTIFY", "ORCPT"];

/// The parameters of a RCPT command (RFC 5321 §4.1.1.3 `Rcpt-parameters`).
///
/// Typed: `NOTIFY` and `ORCPT` (RFC 3461). Anything else is kept in
/// [`others`](Self::others).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RcptParameters {
    // The fields are crate-visible so that the command parser fills them as it reads the
    // parameters (the one list of them is here); each holds a value already checked.
    pub(crate) notify: Option<Notify>,
    pub(crate) orcpt: Option<Orcpt>,
    pub(crate) others: Vec<Parameter>,
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
