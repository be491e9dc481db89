//! The typed EHLO capability set (RFC 5321 §4.1.1.1): one module per job.
//!
//! - `extension`: [`Extension`], one `ehlo-line`, typed;
//! - `capabilities`: [`Capabilities`], the set a server offers, and its queries.
//!
//! Reading a set from a reply (`Capabilities::from_ehlo`) is the codec's business, with
//! the EHLO grammar of the parse layer; nothing here parses.

mod capabilities;
mod extension;

pub use capabilities::*;
pub use extension::*;
