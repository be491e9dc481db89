//! Reading capabilities: [`Capabilities::from_ehlo`], [`Extension::parse`] and
//! [`Mechanism::parse`], with the EHLO grammar of `parse::ehlo`; and
//! [`Capabilities::insert`], which checks an extension by reading its line back.

use std::str::FromStr;

use crate::error::{DecodeError, DecodeErrorKind, ValidationError};
use crate::parse::ehlo as p;
use crate::types::{Capabilities, Extension, Mechanism, Reply, ReplyCode, Text, is_reply_text};

/// The domain and the greeting of the first line of an EHLO reply (RFC 5321 §4.1.1.1:
/// `Domain [ SP ehlo-greet ]`): split at the first SP, the greeting kept whole.
fn domain_and_greeting(first: &Text) -> (Text, Text) {
    let base = first.as_shared();
    match first.as_str().split_once(' ') {
        Some((domain, greeting)) => (
            Text::from_utf8(base.slice_ref(domain.as_bytes())).unwrap_or_default(),
            Text::from_utf8(base.slice_ref(greeting.as_bytes())).unwrap_or_default(),
        ),
        None => (first.clone(), Text::default()),
    }
}

/// Adds `ext`, read from a later line than those in `list`, as [`Capabilities::from_ehlo`]
/// documents: the first line of a keyword counts, except that AUTH lines are merged and a
/// typed extension replaces one of its keyword kept as [`Extension::Other`] (a line whose
/// parameters were outside its syntax).
fn add_read(list: &mut Vec<Extension>, ext: Extension) {
    let Some(i) = list.iter().position(|e| e.same_keyword(&ext)) else {
        list.push(ext);
        return;
    };
    match (&mut list[i], ext) {
        (Extension::Auth(mechanisms), Extension::Auth(more)) => {
            for m in more {
                if !mechanisms.contains(&m) {
                    mechanisms.push(m);
                }
            }
        }
        (Extension::Other { .. }, ext) if !matches!(ext, Extension::Other { .. }) => {
            list[i] = ext;
        }
        _ => {}
    }
}

impl Capabilities {
    /// Reads the capability set from a server's reply to EHLO or LHLO (RFC 5321
    /// §4.1.1.1).
    ///
    /// `Err` ([`DecodeErrorKind::Capability`]) only when the reply is not a 250; everything
    /// else is taken leniently: keywords in any case, runs of spaces or tabs between
    /// parameters, blank lines, and the legacy `AUTH=LOGIN PLAIN` line of pre-RFC 2554
    /// servers, whose mechanisms are merged into the `AUTH` list. Unknown and
    /// `X`-prefixed keywords (PRDR, PIPECONNECT, XCLIENT, ...) are kept with their
    /// parameters. The first line is split at its first space into the domain and the
    /// greeting, which is kept whole. For a repeated keyword the first occurrence counts,
    /// except that `AUTH` lines are merged and a typed extension replaces a malformed
    /// earlier one of the same keyword.
    pub fn from_ehlo(reply: &Reply) -> Result<Capabilities, DecodeError> {
        if reply.code() != ReplyCode::OK {
            return Err(DecodeError::new(DecodeErrorKind::Capability, "EHLO reply is not 250"));
        }
        let mut lines = reply.lines();
        let (domain, greeting) = lines.next().map(domain_and_greeting).unwrap_or_default();
        let mut extensions = Vec::with_capacity(lines.len());
        for line in lines {
            if let Some(ext) = p::extension(line.as_shared(), line.as_bytes()) {
                add_read(&mut extensions, ext);
            }
        }
        Ok(Capabilities::from_parts(domain, greeting, extensions))
    }

    /// Adds (or replaces) an extension, returning the one it replaced.
    ///
    /// `Err` when the extension would not read back as itself from an EHLO reply: a
    /// parameter with spaces or control characters, an [`Extension::Other`] whose keyword
    /// is a known one with valid parameters, an empty list where the syntax needs entries,
    /// repeated AUTH mechanisms, and the like. (The check reads the extension's line back
    /// with the EHLO grammar, which is why this builder lives beside the reader.)
    pub fn insert(&mut self, ext: Extension) -> Result<Option<Extension>, ValidationError> {
        let line = ext.to_string();
        if !is_reply_text(line.as_bytes()) || Extension::parse(&line).as_ref() != Some(&ext) {
            return Err(ValidationError::new(
                "EHLO extension",
                "does not read back as itself from its ehlo-line",
            ));
        }
        Ok(self.insert_checked(ext))
    }
}

impl TryFrom<&Reply> for Capabilities {
    type Error = DecodeError;
    fn try_from(reply: &Reply) -> Result<Self, Self::Error> {
        Capabilities::from_ehlo(reply)
    }
}

impl Extension {
    /// Parses one `ehlo-line` (the text of a line after `250-`, RFC 5321 §4.1.1.1),
    /// leniently as [`Capabilities::from_ehlo`] describes. `None` for a blank line.
    pub fn parse(line: &str) -> Option<Extension> {
        let line = Text::copy_from_str(line);
        p::extension(line.as_shared(), line.as_bytes())
    }
}

impl Mechanism {
    /// Parses a `sasl-mech` (RFC 4422 §3.1), case-insensitively (RFC 4954 §8).
    ///
    /// Returns `None` unless `name` is 1 to 20 characters of `A-Z a-z 0-9 - _`.
    ///
    /// ```
    /// use esmtp::Mechanism;
    /// assert_eq!(Mechanism::parse(b"cram-md5"), Some(Mechanism::CramMd5));
    /// assert_eq!(Mechanism::parse(b"NOT VALID"), None);
    /// ```
    pub fn parse(name: &[u8]) -> Option<Mechanism> {
        p::auth_mechanism(name)
    }
}

impl FromStr for Mechanism {
    type Err = DecodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mechanism::parse(s.as_bytes())
            .ok_or(DecodeError::new(DecodeErrorKind::Syntax, "invalid SASL mechanism name"))
    }
}
