//! The codec: stream decoders and the parse entry points of the values.
//!
//! This layer puts [`parse`](crate::parse) (the grammar), [`line`](crate::line) (framing)
//! and [`types`](crate::types) (the values) together. None of them names it.

mod command;
mod reply;
