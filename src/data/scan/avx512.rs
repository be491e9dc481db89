//! The test of a block for AVX-512VL: the hot loop of the AVX2 build ([`Skip`]), with the
//! three line compares of a position joined by one three-input logic instruction
//! (`vpternlogd`) instead of three two-input ones, and the marks of a block OR-ed three at
//! a time. The vectors stay 256 bits wide, as in the AVX2 build: no 512-bit instruction
//! runs, so the core keeps its clock.
//!
//! Only this loop is written for AVX-512; the rest of the block scan is the AVX2 build.
//! Compiling the whole scan for AVX-512 instead lets the compiler use 512-bit registers in
//! the rarely run code and join only some of the logic operations, which measured slower
//! than the AVX2 build (the figures are in the commit history).
//!
//! `unsafe` here: calling a function built for CPU features is sound exactly when the CPU
//! has them, which [`Avx512::detect`] establishes before an [`Avx512`] exists; and the
//! unaligned loads read inside a slice whose length was checked.

#![allow(unsafe_code)]

use std::arch::x86_64::{
    __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256,
    _mm256_min_epi8, _mm256_min_epu8, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    _mm256_setzero_si256, _mm256_ternarylogic_epi32,
};

use super::Want;
use super::avx2::{self, Avx2};
use super::portable::{BLOCK, Odd, Skip, WINDOW, window};

/// [`Scanner::find`](super::Scanner::find) in the AVX2 build with this block test.
#[inline]
pub(super) fn find(
    avx2: Avx2,
    cpu: Avx512,
    s: &[u8],
    from: usize,
    limit: usize,
    want: Want,
) -> Option<usize> {
    avx2::find_with(avx2, s, from, limit, want, cpu)
}

/// Proof that the running CPU has AVX2, AVX-512F and AVX-512VL: only
/// [`detect`](Self::detect) makes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Avx512(());

impl Avx512 {
    /// An `Avx512` if the running CPU has what its [`Skip`] is built for.
    pub(super) fn detect() -> Option<Self> {
        (std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl"))
        .then_some(Self(()))
    }
}

impl Skip for Avx512 {
    #[inline(always)]
    fn skip<const BARE: bool, const NUL: bool, const HIGH: bool>(
        self,
        s: &[u8],
        i: usize,
        last: usize,
    ) -> usize {
        // SAFETY: `self` exists only if `detect` found every feature `skip_blocks` is
        // built for on the running CPU.
        unsafe { skip_blocks::<BARE, NUL, HIGH>(s, i, last) }
    }
}

/// The 32-octet groups of a block.
const GROUPS: usize = BLOCK / 32;

/// `a | b | c` in one instruction.
#[inline]
#[target_feature(enable = "avx2,avx512f,avx512vl")]
fn or3(a: __m256i, b: __m256i, c: __m256i) -> __m256i {
    _mm256_ternarylogic_epi32::<0xFE>(a, b, c)
}

/// [`Skip::skip`] for an [`Avx512`].
#[target_feature(enable = "avx2,avx512f,avx512vl")]
fn skip_blocks<const BARE: bool, const NUL: bool, const HIGH: bool>(
    s: &[u8],
    mut i: usize,
    last: usize,
) -> usize {
    // Cut to the last window's end: each window is then inside `s` by the loop's test.
    let s = &s[..last.checked_add(WINDOW).expect("the windows are inside `s`")];
    let cr = _mm256_set1_epi8(b'\r' as i8);
    let lf = _mm256_set1_epi8(b'\n' as i8);
    let dot = _mm256_set1_epi8(b'.' as i8);
    while i <= last {
        let w = window(s, i);
        let load = |at: usize| -> __m256i {
            let v: &[u8; 32] = w[at..at + 32].try_into().expect("inside the window");
            // SAFETY: `v` is 32 readable octets; the load has no alignment requirement.
            unsafe { _mm256_loadu_si256(v.as_ptr().cast()) }
        };
        let mut odd = _mm256_set1_epi8(Odd::<NUL, HIGH>::START as i8);
        let mut marks = [_mm256_setzero_si256(); GROUPS];
        for (g, m) in marks.iter_mut().enumerate() {
            let at = 32 * g;
            let a = load(at);
            let is_lf = _mm256_cmpeq_epi8(load(at + 1), lf);
            let is_dot = _mm256_cmpeq_epi8(load(at + 2), dot);
            *m = if BARE {
                // (cr ^ lf) | (lf & dot): the truth table of `line_mark`, with `cr` as the
                // first operand (bit 2 of the index), `lf` the second (bit 1) and `dot`
                // the third (bit 0).
                _mm256_ternarylogic_epi32::<0xBC>(_mm256_cmpeq_epi8(a, cr), is_lf, is_dot)
            } else {
                _mm256_and_si256(is_lf, is_dot)
            };
            odd = match (NUL, HIGH) {
                (true, true) => _mm256_min_epi8(odd, a),
                (true, false) => _mm256_min_epu8(odd, a),
                (false, true) => _mm256_or_si256(odd, a),
                (false, false) => odd,
            };
        }
        // Every mark is 0xff, so its sign bit says it; so does the sign bit of `found`.
        let found = match (NUL, HIGH) {
            (true, true) => _mm256_cmpgt_epi8(_mm256_set1_epi8(1), odd),
            (true, false) => _mm256_cmpeq_epi8(odd, _mm256_setzero_si256()),
            (false, true) => odd,
            (false, false) => _mm256_setzero_si256(),
        };
        // The eight marks and `found` OR-ed together three at a time.
        let [m0, m1, m2, m3, m4, m5, m6, m7] = marks;
        let any = or3(or3(m0, m1, m2), or3(m3, m4, m5), or3(m6, m7, found));
        if _mm256_movemask_epi8(any) != 0 {
            return i;
        }
        i += BLOCK;
    }
    i
}
