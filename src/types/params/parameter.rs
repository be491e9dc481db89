//! A parameter kept as it came: `esmtp-param = esmtp-keyword ["=" esmtp-value]`
//! (RFC 5321 §4.1.2).

use std::fmt;

use bytes::{BufMut, BytesMut};

use super::*;
use crate::types::Text;
use crate::types::grammar::{is_esmtp_keyword, is_esmtp_value};

// ---------------------------------------------------------------------------------------
// Generic parameter
// ---------------------------------------------------------------------------------------

/// A parameter this crate has no type for, kept verbatim: `esmtp-param = esmtp-keyword
/// ["=" esmtp-value]` (RFC 5321 §4.1.2; `esmtp-value` extended with UTF-8 by RFC 6531
/// §3.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Parameter {
    pub(super) keyword: Text,
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

    pub(super) fn encode(&self, buf: &mut BytesMut) {
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

/// Whether `keyword` is one of `known`, ignoring case (RFC 5321 §2.4).
fn is_known(known: &[&str], keyword: &str) -> bool {
    known.iter().any(|k| k.eq_ignore_ascii_case(keyword))
}

/// Adds a parameter without a typed field to `others`, refusing a keyword that has one
/// (in `known`) and a duplicate.
pub(super) fn push_other(
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
