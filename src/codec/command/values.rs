//! The text forms of the values in a command that are read with the command grammar:
//! address literals, hosts, mailboxes, paths and `NOTIFY`. (Values whose text is a single
//! token, such as `Domain` or `XText`, check it themselves.)

use std::str::FromStr;

use crate::error::ValidationError;
use crate::parse::{SResult, Span, address, parse_all};
use crate::types::{AddressLiteral, ForwardPath, Host, Mailbox, Notify, ReversePath};

/// Runs the grammar rule `p` over all of `s`; `what` names the value in the error.
fn read<T>(
    what: &'static str,
    s: &str,
    p: impl for<'a> Fn(Span<'a>) -> SResult<'a, T>,
) -> Result<T, ValidationError> {
    parse_all(s, p).map_err(|reason| ValidationError::new(what, reason))
}

impl AddressLiteral {
    /// A literal from its wire form (`[192.0.2.1]`, `[IPv6:2001:db8::1]`, `[tag:content]`).
    pub fn new(s: &str) -> Result<Self, ValidationError> {
        read("address literal", s, address::address_literal)
    }
}

impl FromStr for AddressLiteral {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl Host {
    /// A domain or an address literal, checked.
    pub fn new(s: &str) -> Result<Self, ValidationError> {
        read("host", s, address::host)
    }
}

impl FromStr for Host {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl FromStr for Mailbox {
    type Err = ValidationError;
    /// Parses `local-part@domain` (no angle brackets).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let m = read("mailbox", s, address::mailbox)?;
        // A mailbox alone may be longer than a path allows; refuse it as `new` does.
        Self::new(m.local_part().clone(), m.domain().clone())
    }
}

impl FromStr for ReversePath {
    type Err = ValidationError;
    /// Parses `<>`, `<mailbox>` (a source route is dropped), and for convenience the empty
    /// string (null) and a bare `mailbox`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Ok(Self::Null);
        }
        if !s.starts_with('<') {
            return s.parse().map(Self::Mailbox);
        }
        read("reverse-path", s, address::reverse_path)
    }
}

impl FromStr for ForwardPath {
    type Err = ValidationError;
    /// Parses `<Postmaster>`, `<mailbox>` (a source route is dropped), and for convenience
    /// a bare `Postmaster` or `mailbox`. `<>` is refused.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("Postmaster") {
            return Ok(Self::Postmaster);
        }
        if !s.starts_with('<') {
            return s.parse().map(Self::Mailbox);
        }
        read("forward-path", s, address::forward_path)
    }
}

impl FromStr for Notify {
    type Err = ValidationError;
    /// Parses `NEVER` or a comma-separated list of `SUCCESS`, `FAILURE`, `DELAY` (RFC 3461
    /// §4.1).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        read("parameter", s, crate::parse::params::notify_value).map_err(|_| {
            ValidationError::new(
                "parameter",
                "NOTIFY is NEVER or a list of SUCCESS, FAILURE, DELAY",
            )
        })
    }
}
