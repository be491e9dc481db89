//! The vocabulary: validated values, each with `Display` in wire form and, where it is a
//! protocol element, `encode(&mut BytesMut)`.
//!
//! Every public constructor validates; there is no public way to build an invalid value,
//! and encoding a valid value always gives bytes that parse back to an equal value.

mod address;
mod auth;
mod capability;
mod command;
pub(crate) mod grammar;
mod params;
mod reply;
mod text;

pub use address::*;
pub use auth::*;
pub use capability::*;
pub use command::*;
pub use params::*;
pub use reply::*;
pub use text::*;
