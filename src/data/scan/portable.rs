//! The scan in plain Rust: [`reference()`], the definition one position at a time, and the
//! block scan ([`find_blocks`]), the build for any CPU, which `avx2.rs` compiles again for
//! AVX2.
//!
//! The block scan tests [`BLOCK`] positions at once ([`marked`]), written as loops over
//! fixed-size arrays that the compiler turns into vector compares and one test per block,
//! with no branch inside a block. A marked block is rare (a `\r\n.`, or a property seen for
//! the first time) and is gone through [`LANES`] positions at a time ([`first_mark`]).

use super::Want;

/// The first position `k` with `from <= k < limit` that needs attention, one position at a
/// time: the definition the builds are checked against.
pub(super) fn reference(s: &[u8], from: usize, limit: usize, want: Want) -> Option<usize> {
    (from..limit.min(s.len())).find(|&k| attention(s, k, want))
}

/// Whether position `k` of `s` needs attention (see the [module documentation](super)).
fn attention(s: &[u8], k: usize, want: Want) -> bool {
    let a = s[k];
    let cr = a == b'\r';
    let lf = s.get(k + 1) == Some(&b'\n');
    let dot = s.get(k + 2) == Some(&b'.');
    (lf && dot) || (want.bare && cr != lf) || (want.nul && a == 0) || (want.high && a >= 0x80)
}

/// [`Scanner::find`](super::Scanner::find) in the portable build.
pub(super) fn find(s: &[u8], from: usize, limit: usize, want: Want) -> Option<usize> {
    /// One function per kind of search, each with its loop to itself.
    #[inline(never)]
    fn run<const BARE: bool, const NUL: bool, const HIGH: bool>(
        s: &[u8],
        from: usize,
        limit: usize,
    ) -> Option<usize> {
        find_blocks::<BARE, NUL, HIGH, PORTABLE_MIN, _>(s, from, limit, Marked::<PORTABLE_MIN>)
    }
    by_want!(want, run(s, from, limit))
}

/// Positions [`marked`] tests at once.
pub(super) const BLOCK: usize = 256;
/// Octets [`marked`] folds side by side: one AVX2 vector, two SSE2 ones.
const LANES: usize = 32;
/// A block and the two octets after it, so a `\r\n.` starting in the block is seen whole.
pub(super) const WINDOW: usize = BLOCK + 2;

/// Whether the portable build folds NUL and high-bit octets with a signed minimum
/// ([`Odd::fold`]): not on x86_64, whose baseline SSE2 has none; elsewhere (NEON) it has.
const PORTABLE_MIN: bool = !cfg!(target_arch = "x86_64");

/// How a build passes over the blocks that need no attention.
pub(super) trait Skip: Copy {
    /// The first block start from `i` on, in steps of [`BLOCK`], whose window
    /// (`s[i..i + WINDOW]`) [`marked`] would mark; or the first step past `last`.
    /// `last + WINDOW` is at most `s.len()`.
    fn skip<const BARE: bool, const NUL: bool, const HIGH: bool>(
        self,
        s: &[u8],
        i: usize,
        last: usize,
    ) -> usize;
}

/// [`Skip`] by [`marked`] itself, block by block, in the build of the function it is
/// inlined into.
#[derive(Clone, Copy)]
pub(super) struct Marked<const MIN: bool>;

impl<const MIN: bool> Skip for Marked<MIN> {
    #[inline(always)]
    fn skip<const BARE: bool, const NUL: bool, const HIGH: bool>(
        self,
        s: &[u8],
        mut i: usize,
        last: usize,
    ) -> usize {
        while i <= last && !marked::<BARE, NUL, HIGH, MIN>(window(s, i)) {
            i += BLOCK;
        }
        i
    }
}

/// The window of the block at `i`: its [`BLOCK`] octets and the two after them.
#[inline(always)]
pub(super) fn window(s: &[u8], i: usize) -> &[u8; WINDOW] {
    s[i..i + WINDOW].try_into().expect("WINDOW octets")
}

/// [`Scanner::find`](super::Scanner::find) a block at a time, for the search that `BARE`,
/// `NUL` and `HIGH` name; `MIN` as for [`marked`]; the blocks that need no attention are
/// passed over by `skip`. Inlined, so that it is compiled in the build of its caller.
#[inline(always)]
pub(super) fn find_blocks<
    const BARE: bool,
    const NUL: bool,
    const HIGH: bool,
    const MIN: bool,
    K: Skip,
>(
    s: &[u8],
    from: usize,
    limit: usize,
    skip: K,
) -> Option<usize> {
    // Nothing past `limit + 2` decides a position before it.
    let s = &s[..s.len().min(limit.saturating_add(2))];
    let limit = limit.min(s.len());
    let mut i = from;
    if i >= limit {
        return None;
    }
    if let Some(last) = s.len().checked_sub(WINDOW) {
        // The first block where the scan starts, the next ones on 64-octet boundaries,
        // where fewer of their loads straddle two cache lines.
        let misaligned = (s.as_ptr() as usize).wrapping_add(i) % 64;
        if misaligned != 0 && i <= last {
            if skip.skip::<BARE, NUL, HIGH>(s, i, i) == i {
                return first_mark::<BARE, NUL, HIGH>(i, limit, window(s, i));
            }
            i += BLOCK - misaligned;
        }
        if i <= last {
            i = skip.skip::<BARE, NUL, HIGH>(s, i, last);
            if i <= last {
                return first_mark::<BARE, NUL, HIGH>(i, limit, window(s, i));
            }
        }
        // The last whole window, overlapping blocks already scanned: if it needs no
        // attention, only the two positions after its block can be left.
        if i < limit && !marked::<BARE, NUL, HIGH, MIN>(window(s, last)) {
            let want = Want { bare: BARE, nul: NUL, high: HIGH };
            return reference(s, i.max(last + BLOCK), limit, want);
        }
    }
    while i < limit {
        // The last blocks (fewer than WINDOW octets are left): padded with spaces, which
        // mark nothing. Marks at or past `limit` are ignored.
        let mut w = [b' '; WINDOW];
        w[..s.len() - i].copy_from_slice(&s[i..]);
        if marked::<BARE, NUL, HIGH, MIN>(&w) {
            return first_mark::<BARE, NUL, HIGH>(i, limit, &w);
        }
        i += BLOCK;
    }
    None
}

/// The first position before `limit` that needs attention in the block at `i`, whose
/// window is `w`: [`LANES`] positions at a time, a group without any passed over with one
/// test. `None` if there is none before `limit`.
#[inline(always)]
fn first_mark<const BARE: bool, const NUL: bool, const HIGH: bool>(
    i: usize,
    limit: usize,
    w: &[u8; WINDOW],
) -> Option<usize> {
    for j in (0..BLOCK).step_by(LANES) {
        let group: &[u8; LANES + 2] = w[j..j + LANES + 2].try_into().expect("in the window");
        let marks = marks::<BARE, NUL, HIGH>(group);
        if marks.iter().fold(0, |any, &m| any | m) == 0 {
            continue;
        }
        let k = i + j + marks.iter().position(|&m| m != 0).expect("a mark");
        return (k < limit).then_some(k);
    }
    None
}

/// Whether a position of the block `w[..BLOCK]` needs attention.
///
/// Each position `k` is compared with `w[k + 1]` and `w[k + 2]` through three overlapping
/// windows, and the line marks are OR-ed lane by lane ([`line_mark`]). The masks are exact:
/// a CRLF pair is a CR at `k` with an LF at `k + 1`, so `cr(k) != lf(k + 1)` holds exactly
/// where a pair is broken, by its CR or by its LF. The window reaches two octets past the
/// block, so pairs and `\r\n.` across block ends are seen; the one LF whose previous octet
/// is not in the slice, its first, is the caller's to test.
///
/// NUL and high-bit octets are folded into each lane's signed minimum, where the build has
/// one (`MIN`), and marked one by one like the line ends otherwise ([`Odd`]).
#[inline(always)]
fn marked<const BARE: bool, const NUL: bool, const HIGH: bool, const MIN: bool>(
    w: &[u8; WINDOW],
) -> bool {
    // Per lane, so that the block's two tests meet in one vector and one test of it.
    let mut line = [0u8; LANES];
    let mut odd = [Odd::<NUL, HIGH>::START; LANES];
    for lanes in (0..BLOCK).step_by(LANES) {
        for l in 0..LANES {
            let k = lanes + l;
            line[l] |= line_mark::<BARE>(w[k], w[k + 1], w[k + 2]);
            if MIN {
                odd[l] = Odd::<NUL, HIGH>::fold(odd[l], w[k]);
            } else {
                line[l] |= Odd::<NUL, HIGH>::mark(w[k]);
            }
        }
    }
    let mut any = 0u8;
    for (line, odd) in line.into_iter().zip(odd) {
        any |= line | u8::from(MIN && Odd::<NUL, HIGH>::found(odd));
    }
    any != 0
}

/// The marks of a group of [`LANES`] positions of a block (`w`: the group and the two
/// octets after it) one by one: 1 where [`marked`] would look closer, else 0.
#[inline(always)]
fn marks<const BARE: bool, const NUL: bool, const HIGH: bool>(w: &[u8; LANES + 2]) -> [u8; LANES] {
    let mut marks = [0; LANES];
    for (k, m) in marks.iter_mut().enumerate() {
        *m = line_mark::<BARE>(w[k], w[k + 1], w[k + 2]) | Odd::<NUL, HIGH>::mark(w[k]);
    }
    marks
}

/// The line mark of a position holding `a`, followed by `b` and `c`: 1 or 0.
#[inline(always)]
fn line_mark<const BARE: bool>(a: u8, b: u8, c: u8) -> u8 {
    let cr = u8::from(a == b'\r');
    let lf = u8::from(b == b'\n');
    let dot = u8::from(c == b'.');
    if BARE { (cr ^ lf) | (lf & dot) } else { lf & dot }
}

/// The NUL and high-bit test for the properties `NUL` and `HIGH` still looked for: octets
/// are folded into one accumulator with one operation each (a minimum or an OR), and
/// [`found`](Self::found) says whether any of them was such an octet; or each is marked on
/// its own ([`mark`](Self::mark)).
pub(super) struct Odd<const NUL: bool, const HIGH: bool>;

impl<const NUL: bool, const HIGH: bool> Odd<NUL, HIGH> {
    /// The accumulator before any octet: what [`fold`](Self::fold) leaves unchanged for
    /// an octet that is neither NUL nor high-bit.
    pub(super) const START: u8 = match (NUL, HIGH) {
        (true, true) => 0x7f,
        (true, false) => 0xff,
        _ => 0,
    };

    #[inline(always)]
    fn fold(acc: u8, a: u8) -> u8 {
        match (NUL, HIGH) {
            // As signed octets, NUL and the high-bit octets are exactly those below 1:
            // the signed minimum.
            (true, true) => (acc as i8).min(a as i8) as u8,
            (true, false) => acc.min(a),
            (false, true) => acc | a,
            (false, false) => acc,
        }
    }

    /// The mark of one octet: 1 or 0.
    #[inline(always)]
    fn mark(a: u8) -> u8 {
        u8::from(Self::found(Self::fold(Self::START, a)))
    }

    #[inline(always)]
    fn found(acc: u8) -> bool {
        match (NUL, HIGH) {
            (true, true) => (acc as i8) < 1,
            (true, false) => acc == 0,
            (false, true) => acc >= 0x80,
            (false, false) => false,
        }
    }
}
