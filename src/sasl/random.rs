//! Randomness for nonces and challenges, behind a small trait so tests are deterministic.
//!
//! The crate draws no randomness of its own (DESIGN.md): every exchange that needs a nonce
//! (SCRAM, RFC 5802 §5.1) or a unique challenge (CRAM-MD5, RFC 2195 §2) takes a
//! [`Randomness`] when it is built. [`OsRandom`] asks the operating system through the
//! `getrandom` crate; [`DeterministicRandom`] replays given nonces and a seeded stream, for
//! tests and known-answer vectors only.

use std::collections::VecDeque;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::SaslError;

/// The octets of randomness behind a default nonce: 18 octets, 24 base64 characters.
const NONCE_OCTETS: usize = 18;

/// A source of unpredictable octets and nonces.
pub trait Randomness {
    /// Fills `buf` with unpredictable octets.
    fn fill_bytes(&mut self, buf: &mut [u8]) -> Result<(), SaslError>;

    /// A fresh nonce: printable ASCII without `,` (RFC 5802 §7 `printable`), also fit for
    /// the unique part of a CRAM-MD5 challenge (RFC 2195 §2).
    ///
    /// The default is 18 octets of [`fill_bytes`](Self::fill_bytes) in base64: 24
    /// characters, 144 bits.
    fn nonce(&mut self) -> Result<String, SaslError> {
        let mut raw = [0u8; NONCE_OCTETS];
        self.fill_bytes(&mut raw)?;
        Ok(STANDARD.encode(raw))
    }
}

impl<R: Randomness + ?Sized> Randomness for &mut R {
    fn fill_bytes(&mut self, buf: &mut [u8]) -> Result<(), SaslError> {
        (**self).fill_bytes(buf)
    }

    fn nonce(&mut self) -> Result<String, SaslError> {
        (**self).nonce()
    }
}

/// The operating system's randomness (`getrandom`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct OsRandom;

impl Randomness for OsRandom {
    fn fill_bytes(&mut self, buf: &mut [u8]) -> Result<(), SaslError> {
        getrandom::fill(buf).map_err(|_| SaslError::Randomness)
    }
}

/// Predictable "randomness" for tests and known-answer vectors: never use it to
/// authenticate anyone.
///
/// [`nonce`](Randomness::nonce) first returns the nonces given to
/// [`with_nonces`](Self::with_nonces), in order, then base64 of the seeded stream; the
/// stream is SplitMix64 of the seed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeterministicRandom {
    state: u64,
    nonces: VecDeque<String>,
}

impl DeterministicRandom {
    /// A stream seeded with `seed`, with no given nonces.
    pub fn new(seed: u64) -> DeterministicRandom {
        DeterministicRandom { state: seed, nonces: VecDeque::new() }
    }

    /// A stream (seed 0) whose first nonces are these, as given (they are not checked
    /// here; the exchanges refuse a nonce that is not `printable`).
    pub fn with_nonces<I, S>(nonces: I) -> DeterministicRandom
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        DeterministicRandom { state: 0, nonces: nonces.into_iter().map(Into::into).collect() }
    }

    /// SplitMix64: the next 64 bits of the stream.
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Randomness for DeterministicRandom {
    fn fill_bytes(&mut self, buf: &mut [u8]) -> Result<(), SaslError> {
        for chunk in buf.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }

    fn nonce(&mut self) -> Result<String, SaslError> {
        if let Some(given) = self.nonces.pop_front() {
            return Ok(given);
        }
        let mut raw = [0u8; NONCE_OCTETS];
        self.fill_bytes(&mut raw)?;
        Ok(STANDARD.encode(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_nonces_are_printable_and_differ() {
        let (a, b) = (OsRandom.nonce().unwrap(), OsRandom.nonce().unwrap());
        assert_eq!(a.len(), 24);
        assert_ne!(a, b);
        assert!(super::super::is_printable(&a));
    }

    #[test]
    fn deterministic_replays_then_streams() {
        let mut r = DeterministicRandom::with_nonces(["abc"]);
        assert_eq!(r.nonce().unwrap(), "abc");
        let n = r.nonce().unwrap();
        assert_eq!(n.len(), 24);
        let mut again = DeterministicRandom::with_nonces(["abc"]);
        again.nonce().unwrap();
        assert_eq!(again.nonce().unwrap(), n);
        assert_ne!(DeterministicRandom::new(1).nonce().unwrap(), n);
    }
}
