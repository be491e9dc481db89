//! See [`crate::parse`].
