//! The content scan of DATA: the one loop that looks at every octet of a message.
//!
//! It answers one question over a byte slice ([`Scanner::find`]): the first position from a
//! given one that needs the unstuffer's attention. A position needs it when
//!
//! - an LF and a dot follow it: it is the CR of a `\r\n.` (the end of data or a
//!   transparency dot, RFC 5321 §4.5.2), or it precedes a bare LF;
//! - it holds a CR not followed by LF, or it is not a CR and an LF follows it (a bare CR
//!   or bare LF, RFC 5321 §2.3.8), if [`Want::bare`];
//! - it holds a NUL, if [`Want::nul`], or an octet with the high bit set, if
//!   [`Want::high`].
//!
//! [`portable::reference`] says exactly that, one position at a time. The builds find the
//! same positions a block at a time:
//!
//! - `portable.rs`: the block scan in plain Rust, which the compiler vectorises for the
//!   target's baseline (SSE2 on x86_64, NEON on aarch64); the build everywhere else;
//! - `avx2.rs`: the same code compiled for AVX2, chosen at run time where the CPU has it;
//! - `avx512.rs`: its hot loop, the test of a block, written with AVX-512VL instructions
//!   on 256-bit vectors, chosen at run time where the CPU has AVX-512F and AVX-512VL.
//!
//! Plain text and CRLF pairs need no attention, so the scan runs through a message's lines
//! and stops only where something is: a dotted line, a property seen for the first time.
//! The tests check every build the CPU can run against the reference.
//!
//! The crate's `unsafe` for the scan stays in `avx2.rs` and `avx512.rs`: calling code built
//! for a CPU feature, once the feature was detected.

/// Calls `$f::<BARE, NUL, HIGH>($args)` with the const parameters that the [`Want`] `$want`
/// holds: each kind of search is compiled on its own, with only the tests it needs.
macro_rules! by_want {
    ($want:expr, $f:ident($($arg:expr),* $(,)?)) => {{
        let want: $crate::data::scan::Want = $want;
        match (want.bare, want.nul, want.high) {
            (true, true, true) => $f::<true, true, true>($($arg),*),
            (true, true, false) => $f::<true, true, false>($($arg),*),
            (true, false, true) => $f::<true, false, true>($($arg),*),
            (true, false, false) => $f::<true, false, false>($($arg),*),
            (false, true, true) => $f::<false, true, true>($($arg),*),
            (false, true, false) => $f::<false, true, false>($($arg),*),
            (false, false, true) => $f::<false, false, true>($($arg),*),
            (false, false, false) => $f::<false, false, false>($($arg),*),
        }
    }};
}

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod portable;

/// What a scan stops for besides an LF followed by a dot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Want {
    /// A bare CR or a bare LF (RFC 5321 §2.3.8).
    pub(super) bare: bool,
    /// A NUL octet.
    pub(super) nul: bool,
    /// An octet with the high bit set (RFC 6152).
    pub(super) high: bool,
}

/// A build of the scan that the running CPU can run: [`detect`](Self::detect) picks the
/// fastest. Opaque to the protocol code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Scanner(Build);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Build {
    /// [`portable`]: the build for any CPU.
    Portable,
    /// [`avx2`]: the portable block scan compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    Avx2(avx2::Avx2),
    /// [`avx2`] with the block test of [`avx512`].
    #[cfg(target_arch = "x86_64")]
    Avx512(avx2::Avx2, avx512::Avx512),
}

impl Scanner {
    /// The build for any CPU.
    #[cfg(test)]
    pub(super) const PORTABLE: Self = Self(Build::Portable);

    /// The fastest build the running CPU can run.
    pub(super) fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = avx2::Avx2::detect() {
            return Self(match avx512::Avx512::detect() {
                Some(avx512) => Build::Avx512(avx2, avx512),
                None => Build::Avx2(avx2),
            });
        }
        Self(Build::Portable)
    }

    /// The first position `k` with `from <= k < limit` that needs attention (see the module
    /// documentation), judged on `s[k]`, `s[k + 1]` and `s[k + 2]` where `s` has them; or
    /// `None`.
    #[inline]
    pub(super) fn find(self, s: &[u8], from: usize, limit: usize, want: Want) -> Option<usize> {
        match self.0 {
            Build::Portable => portable::find(s, from, limit, want),
            #[cfg(target_arch = "x86_64")]
            Build::Avx2(avx2) => avx2::find(avx2, s, from, limit, want),
            #[cfg(target_arch = "x86_64")]
            Build::Avx512(avx2, avx512) => avx512::find(avx2, avx512, s, from, limit, want),
        }
    }

    /// Every build the running CPU can run besides the portable one.
    #[cfg(test)]
    pub(super) fn builds() -> Vec<Self> {
        #[allow(unused_mut)]
        let mut builds = Vec::new();
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = avx2::Avx2::detect() {
            builds.push(Self(Build::Avx2(avx2)));
            if let Some(avx512) = avx512::Avx512::detect() {
                builds.push(Self(Build::Avx512(avx2, avx512)));
            }
        }
        builds
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn want() -> impl Strategy<Value = Want> {
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(bare, nul, high)| Want {
            bare,
            nul,
            high,
        })
    }

    /// Octets where every kind of position is common.
    fn dense() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                30 => Just(b'a'),
                3 => Just(b'\r'),
                3 => Just(b'\n'),
                3 => Just(b'.'),
                1 => Just(0u8),
                1 => Just(0xC3u8),
            ],
            0..1200,
        )
    }

    /// Long runs of plain text with at most four odd octets anywhere: the blocks without
    /// anything, and single finds at every offset of a block.
    fn sparse() -> impl Strategy<Value = Vec<u8>> {
        let odd = (any::<prop::sample::Index>(), prop::sample::select(&b"\r\n.\0\x80\xff"[..]));
        (0usize..1500, proptest::collection::vec(odd, 0..5)).prop_map(|(len, odd)| {
            let mut s: Vec<u8> =
                (0..len).map(|k| if k % 80 == 78 { b'\r' } else { b'x' }).collect();
            for k in (0..len).filter(|k| k % 80 == 79) {
                s[k] = b'\n';
            }
            for (at, octet) in odd {
                if len > 0 {
                    s[at.index(len)] = octet;
                }
            }
            s
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Every build the CPU can run finds what the one-position-at-a-time reference finds,
        /// from any start to any limit, with any properties looked for; and so does each
        /// caller's next call from just past the find, to the end of the slice.
        #[test]
        fn every_build_agrees_with_the_reference(
            s in prop_oneof![dense(), sparse()],
            from in any::<prop::sample::Index>(),
            limit in any::<prop::sample::Index>(),
            want in want(),
            // Where the slice starts in memory, so the scan's first block is at every
            // offset of a 64-octet line.
            offset in 0usize..64,
        ) {
            let mut padded = vec![b'x'; offset];
            padded.extend_from_slice(&s);
            let s = &padded[offset..];
            let limit = limit.index(s.len() + 1);
            let from = from.index(s.len() + 1);
            for build in std::iter::once(Scanner::PORTABLE).chain(Scanner::builds()) {
                let mut at = from;
                loop {
                    let want_k = portable::reference(s, at, limit, want);
                    let k = build.find(s, at, limit, want);
                    prop_assert_eq!(k, want_k, "{:?} from {}", build, at);
                    match k {
                        Some(k) => at = k + 1,
                        None => break,
                    }
                }
            }
        }
    }

    /// The reference itself, on the cases the module documentation names.
    #[test]
    fn reference_stops_where_the_documentation_says() {
        let all = Want { bare: true, nul: true, high: true };
        let none = Want { bare: false, nul: false, high: false };
        let find = |s: &[u8], want| portable::reference(s, 0, s.len(), want);
        assert_eq!(find(b"ab\r\n.x", none), Some(2), "the CR of CR LF dot");
        assert_eq!(find(b"ab\n.x", none), Some(1), "before a bare LF and a dot");
        assert_eq!(find(b"ab\r\nx\r\n", all), None, "text and CRLF pairs");
        assert_eq!(find(b"ab\rx", all), Some(2), "a bare CR");
        assert_eq!(find(b"ab\rx", none), None);
        assert_eq!(find(b"ab\nx", all), Some(1), "before a bare LF");
        assert_eq!(find(b"\nx", all), None, "a first LF is the caller's to judge");
        assert_eq!(find(b"ab\0", all), Some(2), "a NUL");
        assert_eq!(find(b"ab\xe9", all), Some(2), "a high-bit octet");
        assert_eq!(find(b"ab\xe9\0", Want { high: false, ..all }), Some(3));
        assert_eq!(find(b"ab\r", all), Some(2), "a last CR, if the limit takes it");
        assert_eq!(portable::reference(b"ab\r", 0, 2, all), None);
    }
}
