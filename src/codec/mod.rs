//! The codec: stream decoders and the parse entry points of the values.
//!
//! This layer puts `parse` (the grammar), [`line`](crate::line) (framing)
//! and [`types`](crate::types) (the values) together. None of them names it.

mod command;
mod reply;

pub use command::{CommandConfig, CommandDecoder};

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
