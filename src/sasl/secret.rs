//! [`Secret`]: passwords, tokens and the client responses that carry them.

use std::fmt;

use zeroize::Zeroizing;

/// Octets that must not leak: a password, a bearer token, or a client response that
/// carries one (the PLAIN message, the LOGIN password).
///
/// `Debug` prints `Secret(..)` and nothing of the content; there is no `Display`. The
/// octets are overwritten with zeros when the value is dropped (the `zeroize` crate). There
/// is no `PartialEq` either: compare through [`expose`](Self::expose) where a test needs
/// to, and with a constant-time compare where it matters.
#[derive(Clone, Default)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Wraps these octets.
    pub fn new(octets: impl Into<Vec<u8>>) -> Secret {
        Secret(Zeroizing::new(octets.into()))
    }

    /// The octets. Keep what you do with them short-lived.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The octets as UTF-8 text, when they are.
    pub fn expose_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The number of octets.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no octets.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret::new(s.as_bytes())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret::new(s.into_bytes())
    }
}

impl From<&[u8]> for Secret {
    fn from(s: &[u8]) -> Secret {
        Secret::new(s)
    }
}

impl From<Vec<u8>> for Secret {
    fn from(s: Vec<u8>) -> Secret {
        Secret::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_content() {
        let s = Secret::from("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(..)");
        assert_eq!(format!("{s:#?}"), "Secret(..)");
        assert_eq!(s.expose(), b"hunter2");
        assert_eq!(s.expose_str(), Some("hunter2"));
        assert_eq!((s.len(), s.is_empty()), (7, false));
    }
}
