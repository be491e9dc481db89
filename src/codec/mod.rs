//! The codec: stream decoders and the parse entry points of the values.
//!
//! This layer puts the crate-private grammar (`parse`), [`line`](crate::line) (framing)
//! and [`types`](crate::types) (the values) together. None of them names it.
//!
//! - `reply`: [`ReplyDecoder`] and [`ReplyConfig`], `Reply::parse`, `FromStr` for the
//!   reply values;
//! - `ehlo`: `Capabilities::from_ehlo`, `Extension::parse`, `Mechanism::parse`.

mod command;
mod ehlo;
mod reply;

pub use command::{CommandConfig, CommandDecoder};
pub use reply::{DEFAULT_MAX_REPLY_LINE, DEFAULT_MAX_REPLY_LINES, ReplyConfig, ReplyDecoder};

use crate::error::DecodeError;
use crate::types::Reply;

impl DecodeError {
    /// The reply a server sends for this error, ready to encode: its code, its enhanced
    /// status code (RFC 3463) and [`reason`](DecodeError::reason) as the text (RFC 5321
    /// §4.2.2).
    pub fn reply(&self) -> Reply {
        Reply::from(*self)
    }
}
