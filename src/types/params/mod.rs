//! MAIL and RCPT parameters (RFC 5321 §4.1.2 `Mail-parameters`, `Rcpt-parameters`), typed.
//!
//! ```text
//! Mail-parameters  = esmtp-param *(SP esmtp-param)
//! Rcpt-parameters  = esmtp-param *(SP esmtp-param)
//! esmtp-param      = esmtp-keyword ["=" esmtp-value]
//! esmtp-keyword    = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
//! esmtp-value      = 1*(%d33-60 / %d62-126)
//! ```
//!
//! The parameters this crate knows get typed fields ([`MailParameters`],
//! [`RcptParameters`]); any other parameter is kept verbatim as a [`Parameter`], so a relay
//! or proxy loses nothing. Keywords are case-insensitive on input and upper-case on output
//! (unknown keywords keep their spelling). A parameter given twice is an error. Known
//! parameters of a typical MAIL or RCPT hold no heap allocation (the rare BY, HOLDFOR,
//! HOLDUNTIL and MT-PRIORITY share one box).

mod mail;
mod parameter;
mod rcpt;
mod xtext;

pub use mail::*;
pub use parameter::*;
pub use rcpt::*;
pub use xtext::*;

use crate::error::ValidationError;

/// A [`ValidationError`] about a parameter.
fn invalid(reason: &'static str) -> ValidationError {
    ValidationError::new("parameter", reason)
}

/// Formats a `u64` in decimal without allocating.
pub(crate) struct DecimalBuf {
    buf: [u8; 20],
    start: usize,
}

impl DecimalBuf {
    pub(crate) fn as_bytes(&mut self) -> &[u8] {
        &self.buf[self.start..]
    }
}

pub(crate) fn itoa_u64(mut n: u64) -> DecimalBuf {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    DecimalBuf { buf, start: i }
}
