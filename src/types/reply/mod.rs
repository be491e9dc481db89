//! Replies (RFC 5321 §4.2): one module per job.
//!
//! - `code`: the basic reply code [`ReplyCode`], its class and category;
//! - `enhanced`: [`EnhancedStatusCode`] (RFC 3463, RFC 2034) and the RFC 5248 registry;
//! - `reply`: the [`Reply`] value, its constructors and its wire form;
//! - [`replies`]: ready-made replies a server sends.
//!
//! How replies are read from the wire (`Reply::parse`, the stream decoder) is the codec's
//! business; nothing here parses.

mod code;
mod enhanced;
pub mod replies;
#[allow(clippy::module_inception)]
mod reply;

pub use code::*;
pub use enhanced::*;
pub use reply::*;
