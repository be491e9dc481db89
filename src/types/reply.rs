//! See [`crate::types`].
