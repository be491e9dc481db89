//! `xtext` (RFC 3461 §4): the encoding of ENVID, ORCPT and AUTH= values.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use bytes::Bytes;

use super::*;
use crate::types::Text;
use crate::types::grammar::{is_upper_hex, is_xchar, is_xtext};

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
