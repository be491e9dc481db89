//! Placeholder until the reply/capability work lands: SASL mechanism names.

use std::fmt;
use std::str::FromStr;

use crate::types::Text;

/// A SASL mechanism name (RFC 4422 §3.1). Placeholder.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Mechanism {
    /// PLAIN
    Plain,
    /// Any other
    Other(Text),
}

impl Mechanism {
    /// Parses a name.
    pub fn parse(name: &[u8]) -> Option<Mechanism> {
        std::str::from_utf8(name).ok()?.to_ascii_uppercase().parse().ok()
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Plain => "PLAIN",
            Self::Other(t) => t,
        }
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mechanism {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        if s.eq_ignore_ascii_case("PLAIN") {
            Ok(Self::Plain)
        } else if !s.is_empty()
            && s.len() <= 20
            && s.bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
        {
            Ok(Self::Other(Text::copy_from_str(s)))
        } else {
            Err(())
        }
    }
}
