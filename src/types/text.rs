//! [`Text`]: UTF-8-checked text over [`Bytes`].
//!
//! One of the few places in the crate that use `unsafe`: [`Text::as_str`] skips the UTF-8
//! check that every constructor in this module has already made. The invariant is kept
//! here and nowhere else: each way to build a `Text` checks its octets (the crate-internal
//! `from_checked` too), and `Bytes` is immutable, so no caller elsewhere can break it.

#![allow(unsafe_code)]

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::str::Utf8Error;

use bytes::Bytes;

/// Immutable UTF-8 text that shares the buffer it was parsed from.
///
/// Cloning is a reference-count increment. Compares, hashes and orders like `str`.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Text(Bytes);

impl Text {
    /// Text from bytes, checked to be UTF-8.
    pub fn from_utf8(bytes: Bytes) -> Result<Self, Utf8Error> {
        if !bytes.is_ascii() {
            // The general decoder, for its error; ASCII needs no more than the word-wise
            // check.
            std::str::from_utf8(&bytes)?;
        }
        Ok(Self(bytes))
    }

    /// Text from a static string; no allocation.
    pub const fn from_static(s: &'static str) -> Self {
        Self(Bytes::from_static(s.as_bytes()))
    }

    /// Text that copies `s`.
    pub fn copy_from_str(s: &str) -> Self {
        Self(Bytes::copy_from_slice(s.as_bytes()))
    }

    /// Text from bytes a parser has matched against a rule that admits only ASCII or
    /// UTF-8. They are checked again here (cheap beside the parse, and ASCII is checked a
    /// word at a time), so [`as_str`](Self::as_str) never depends on a parser being right:
    /// octets that are not UTF-8 would be a parser bug, and are kept as replacement
    /// characters rather than trusted (debug builds, and so the fuzzers, stop on it).
    pub(crate) fn from_checked(bytes: Bytes) -> Self {
        match is_utf8(&bytes) {
            true => Self(bytes),
            false => {
                debug_assert!(false, "a parser passed non-UTF-8 text: {bytes:?}");
                Self::from(String::from_utf8_lossy(&bytes).into_owned())
            }
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // SAFETY: every constructor in this module checks that the octets are UTF-8
        // (`from_utf8`, `from_checked`) or takes them from a `str`/`String`
        // (`from_static`, `copy_from_str`, `From`), and `Bytes` is immutable.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The underlying shared buffer.
    pub fn as_shared(&self) -> &Bytes {
        &self.0
    }

    /// Gives back the underlying shared buffer.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// Whether any octet is outside US-ASCII.
    pub fn is_ascii(&self) -> bool {
        self.0.is_ascii()
    }
}

/// Whether `b` is UTF-8; ASCII, the common case on the wire, is checked a word at a time
/// without the general decoder.
fn is_utf8(b: &[u8]) -> bool {
    b.is_ascii() || std::str::from_utf8(b).is_ok()
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Self(Bytes::from(s))
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Self {
        Self::from_static(s)
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_utf8() {
        assert!(Text::from_utf8(Bytes::from_static(b"\xff")).is_err());
        let t = Text::from_utf8(Bytes::from_static("grüße".as_bytes())).unwrap();
        assert_eq!(t, "grüße");
        assert!(!t.is_ascii());
        assert_eq!(Text::from_static("abc").as_bytes(), b"abc");
    }

    /// A crate-internal caller that passes octets that are not UTF-8 cannot make `as_str`
    /// unsound: debug builds stop, release builds keep replacement characters instead.
    #[test]
    fn from_checked_checks() {
        let made = std::panic::catch_unwind(|| {
            Text::from_checked(Bytes::from_static(b"a\xffb")).as_str().to_owned()
        });
        if cfg!(debug_assertions) {
            assert!(made.is_err());
        } else {
            assert_eq!(made.unwrap(), "a\u{fffd}b");
        }
    }
}
