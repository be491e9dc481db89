//! The portable block scan compiled for AVX2: the same safe code, which the compiler
//! vectorises 32 octets wide instead of SSE2's 16, and with a signed octet minimum
//! (`vpminsb`) for the NUL and high-bit test.
//!
//! `unsafe` here: calling a function built for a CPU feature is sound exactly when the CPU
//! has it, and an [`Avx2`] exists only after `is_x86_feature_detected!("avx2")` said so.

#![allow(unsafe_code)]

use super::Want;
use super::portable::{Marked, Skip, find_blocks};

/// Proof that the running CPU has AVX2: only [`detect`](Self::detect) makes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Avx2(());

impl Avx2 {
    /// An `Avx2` if the running CPU has AVX2.
    pub(super) fn detect() -> Option<Self> {
        std::arch::is_x86_feature_detected!("avx2").then_some(Self(()))
    }
}

/// [`Scanner::find`](super::Scanner::find) in the AVX2 build.
#[inline]
pub(super) fn find(cpu: Avx2, s: &[u8], from: usize, limit: usize, want: Want) -> Option<usize> {
    find_with(cpu, s, from, limit, want, Marked::<true>)
}

/// The block scan compiled for AVX2, with the blocks that need no attention passed over by
/// `skip`: [`Marked`], or the AVX-512VL loop of `avx512.rs`.
#[inline(always)]
pub(super) fn find_with<K: Skip>(
    _: Avx2,
    s: &[u8],
    from: usize,
    limit: usize,
    want: Want,
    skip: K,
) -> Option<usize> {
    /// One function per kind of search, each with its loop to itself.
    #[target_feature(enable = "avx2")]
    fn run<const BARE: bool, const NUL: bool, const HIGH: bool>(
        s: &[u8],
        from: usize,
        limit: usize,
        skip: impl Skip,
    ) -> Option<usize> {
        find_blocks::<BARE, NUL, HIGH, true, _>(s, from, limit, skip)
    }
    // SAFETY: an `Avx2` was given, so the running CPU has AVX2, all that `run`'s target
    // feature asks for; `run` itself is safe code.
    unsafe { by_want!(want, run(s, from, limit, skip)) }
}
