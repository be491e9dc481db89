//! Message content on the wire: the DATA transparency procedure and BDAT chunks, for both
//! directions, as streaming codecs that never hold a whole message.
//!
//! Receiving:
//! - [`DotUnstuffer`] takes what follows a 354 reply, in reads of any size, and yields the
//!   content as [`Bytes`] slices of the input with the transparency dot removed (RFC 5321
//!   §4.5.2), then the end of data with a [`DataSummary`]. What follows the end marker
//!   stays in the buffer for the command decoder.
//! - [`BdatDecoder`] takes exactly the octets a `BDAT n` announced (RFC 3030 §2), or
//!   discards them when the chunk is refused.
//!
//! Sending:
//! - [`DotStuffer`] doubles leading dots, normalises line ends and writes the final
//!   `CRLF . CRLF`.
//! - [`BdatWriter`] cuts content into `BDAT n` / `BDAT n LAST` chunks.
//!
//! Only `<CRLF>.<CRLF>` ends data. `LF . LF`, `CR LF . LF`, `LF . CR LF` and `CR . CR` never
//! do (SMTP smuggling, CVE-2023-51764, CVE-2023-51765, CVE-2023-51766).

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::types::itoa_u64;

#[cfg(target_arch = "x86_64")]
mod ternary;
#[cfg(target_arch = "x86_64")]
use ternary::Ternary;

/// What to do with a CR or LF that is not part of a CRLF pair in message content (RFC 5321
/// §2.3.8: clients must not send them).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BareLineEndings {
    /// Refuse the message: drain to the real end of data, yield nothing more after the
    /// first bare CR or LF, and report [`DataOutcome::BareLineEnding`] so the server
    /// answers 5xx and stores nothing. The default.
    #[default]
    Reject,
    /// Keep them as data (they are still reported in the [`DataSummary`]).
    Accept,
}

/// Limits and policies of a [`DotUnstuffer`].
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DataConfig {
    /// Largest message in octets (after unstuffing), as advertised with SIZE (RFC 1870).
    /// Past it nothing more is yielded and the end reports [`DataOutcome::TooBig`] (552).
    /// `None`: no limit.
    pub max_size: Option<u64>,
    /// Longest text line in octets including CRLF (RFC 5321 §4.5.3.1.6 sets 1000). `None`
    /// (the default): not checked.
    pub max_line: Option<usize>,
    /// Bare CR and bare LF policy.
    pub bare_line_endings: BareLineEndings,
}

impl Default for DataConfig {
    fn default() -> Self {
        Self { max_size: None, max_line: None, bare_line_endings: BareLineEndings::Reject }
    }
}

/// How a message's content ended.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataOutcome {
    /// Complete and within the limits.
    Ok,
    /// Larger than [`DataConfig::max_size`]: 552 5.3.4 (RFC 1870 §6.2).
    TooBig,
    /// A line longer than [`DataConfig::max_line`]: 500 5.5.2? RFC 5321 §4.5.3.1.6 leaves
    /// the reply to the server; 552 5.3.4 or 554 5.6.0 are common.
    LineTooLong,
    /// A bare CR or LF under [`BareLineEndings::Reject`]: refuse with 554 5.6.0 (or 550).
    BareLineEnding,
}

impl DataOutcome {
    /// The reply code a server sends for this outcome after the end of data (250 for
    /// [`DataOutcome::Ok`]).
    pub fn reply_code(self) -> u16 {
        match self {
            Self::Ok => 250,
            Self::TooBig => 552,
            Self::LineTooLong | Self::BareLineEnding => 554,
        }
    }

    /// The enhanced status code `(class, subject, detail)` for this outcome.
    pub fn enhanced_code(self) -> (u8, u16, u16) {
        match self {
            Self::Ok => (2, 0, 0),
            Self::TooBig => (5, 3, 4),
            Self::LineTooLong | Self::BareLineEnding => (5, 6, 0),
        }
    }
}

/// What the unstuffer learned about a message, reported at its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DataSummary {
    /// Octets of content after unstuffing (counted even past the size limit).
    pub size: u64,
    /// Whether any octet had the high bit set (needs BODY=8BITMIME, RFC 6152).
    pub eight_bit: bool,
    /// Whether a NUL octet was seen.
    pub nul: bool,
    /// Whether a CR not followed by LF was seen.
    pub bare_cr: bool,
    /// Whether an LF not preceded by CR was seen.
    pub bare_lf: bool,
    /// The outcome.
    pub outcome: DataOutcome,
}

/// One step of a [`DotUnstuffer`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataEvent {
    /// Content, unstuffed; a slice of the input buffer.
    Chunk(Bytes),
    /// The end of data (`<CRLF>.<CRLF>` was consumed).
    End(DataSummary),
}

/// Receives DATA content: removes the transparency dots and finds the end of data
/// (RFC 5321 §4.5.2, §4.1.1.4).
///
/// Feed it the buffer holding what followed the 354 reply; call [`decode`](Self::decode)
/// until it returns `None` (read more) or [`DataEvent::End`]. The start of data counts as
/// the start of a line (the CRLF of the DATA command precedes it), so `.<CRLF>` first is an
/// empty message.
///
/// A line that is a dot followed by a bare LF (`.<LF>`) is not an end marker and its dot
/// is kept as data rather than dropped as a transparency dot: a peer sending it did not
/// stuff, and dropping the dot silently would hide an end marker from whoever reads the
/// content with LF line ends. Under the default policy the bare LF refuses the message
/// anyway.
///
/// When the end reports an outcome other than [`DataOutcome::Ok`], discard what was
/// yielded: after the first problem nothing more is yielded, but chunks before it were.
#[derive(Clone, Debug)]
pub struct DotUnstuffer {
    config: DataConfig,
    /// The next octet starts a line.
    line_start: bool,
    /// The last chunk ended with a CR whose next octet was not there yet.
    cr_pending: bool,
    /// Octets of the current text line seen so far (only with `max_line`), without a
    /// transparency dot.
    line_len: usize,
    /// The last octet counted into `line_len` was a CR.
    line_cr: bool,
    size: u64,
    eight_bit: bool,
    nul: bool,
    bare_cr: bool,
    bare_lf: bool,
    long_line: bool,
    done: bool,
    /// The build of the block scan the CPU can run.
    simd: Simd,
}

impl Default for DotUnstuffer {
    fn default() -> Self {
        Self::new(DataConfig::default())
    }
}

impl DotUnstuffer {
    /// An unstuffer for one message.
    pub fn new(config: DataConfig) -> Self {
        Self {
            config,
            line_start: true,
            cr_pending: false,
            line_len: 0,
            line_cr: false,
            size: 0,
            eight_bit: false,
            nul: false,
            bare_cr: false,
            bare_lf: false,
            long_line: false,
            done: false,
            simd: Simd::detect(),
        }
    }

    /// Whether the end of data has been found.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Ready for the next message, same configuration.
    pub fn reset(&mut self) {
        *self = Self::new(self.config.clone());
    }

    /// The next content chunk or the end, or `None` when more input is needed (or the end
    /// was already reported).
    ///
    /// The chunks use up the buffer unless it ends in `.` or `.<CR>` at the start of a
    /// line, which may yet become the end marker. When it is used up and this returns
    /// `None` or the end, the buffer is moved back to the front of its allocation, with all
    /// of it as spare capacity, if the chunks have been dropped by then
    /// ([`BytesMut::try_reclaim`]): the next read goes to the same memory, still in cache.
    /// Chunks still held keep their memory, and the buffer keeps the spare capacity it had.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Option<DataEvent> {
        let was_done = self.done;
        if let Some(chunk) = self.next_chunk(buf) {
            return Some(DataEvent::Chunk(chunk));
        }
        reclaim(buf);
        (self.done && !was_done).then(|| DataEvent::End(self.summary()))
    }

    /// [`decode`](Self::decode) itself: the next chunk, or `None` when more input is
    /// needed or the end marker was just consumed (then `done` is set). The chunk alone
    /// is returned, not an event, so the common return carries nothing but it.
    fn next_chunk(&mut self, buf: &mut BytesMut) -> Option<Bytes> {
        loop {
            if self.done || buf.is_empty() {
                return None;
            }
            if self.cr_pending {
                // The last chunk ended with a CR: its next octet is here.
                self.cr_pending = false;
                if buf[0] == b'\n' {
                    // The LF of a CRLF cut between two reads: the line ends with it, and the
                    // next octet starts one, with its own look at a dot.
                    let lf = cut(buf, 1, 1);
                    self.line_start = true;
                    if self.account(&lf) {
                        return Some(lf);
                    }
                    continue;
                }
                // RFC 5321 §2.3.8: a CR not followed by LF.
                self.bare_cr = true;
            }
            if self.line_start && buf[0] == b'.' {
                match buf.get(1..3) {
                    Some(b"\r\n") => {
                        buf.advance(3);
                        self.done = true;
                        return None;
                    }
                    // ".\r" and "." could still become the end marker: wait.
                    None if buf[1..] == b"\r\n"[..buf.len() - 1] => return None,
                    _ => {}
                }
                self.line_start = false;
                if buf.get(1) != Some(&b'\n') {
                    // A transparency dot (RFC 5321 §4.5.2): drop it. It does not count
                    // toward the line limit (§4.5.3.1.6).
                    buf.advance(1);
                    continue;
                }
            }
            // A last CR is taken with the chunk but left out of the scan: its next octet,
            // which says whether it is bare, is not there yet (`cr_pending`). A last CR LF
            // is taken too: whatever follows starts a line, the end marker's dot included
            // (RFC 5321 §4.1.1.4: the CR LF before `.<CRLF>` ends the last line of the
            // content). So nothing is left in the buffer, and it can be reclaimed whole
            // (see `decode`) rather than grow after a held-back tail.
            let cr_last = buf[buf.len() - 1] == b'\r';
            let limit = buf.len() - usize::from(cr_last);
            // `dot`: the chunk ends with a line end whose next line starts with a
            // transparency dot, known as one already: it is dropped with the chunk, without
            // another pass through the line start.
            let (take, dot) = match self.scan(buf, limit) {
                // What follows the dot of `\r\n.` is there and is neither the CR of the end
                // marker nor an LF that keeps the dot: the dot is a transparency dot (RFC
                // 5321 §4.5.2).
                Some(p) if buf.get(p + 3).is_some_and(|&c| c != b'\r' && c != b'\n') => {
                    self.line_start = false;
                    (p + 2, true)
                }
                Some(p) => {
                    self.line_start = true;
                    (p + 2, false)
                }
                None => {
                    self.line_start = buf.ends_with(b"\r\n");
                    self.cr_pending = cr_last;
                    (buf.len(), false)
                }
            };
            // With a transparency dot, the cut is after the dot, which is then left out of
            // the chunk: one cut for both. A dot is never the buffer's last octet.
            let chunk = cut(buf, take, take + usize::from(dot));
            if self.account(&chunk) {
                return Some(chunk);
            }
        }
    }

    /// Records the size and line lengths of `chunk` (its other properties were recorded by
    /// [`scan`](Self::scan)); says whether to yield it (not after any problem).
    fn account(&mut self, chunk: &[u8]) -> bool {
        self.size = self.size.saturating_add(chunk.len() as u64);
        if let Some(max) = self.config.max_line
            && !self.long_line
        {
            self.long_line = self.line_too_long(chunk, max);
        }
        self.outcome() == DataOutcome::Ok
    }

    /// Finds the first `\r\n.` in `s` (its CR is always before `limit`) and records what
    /// the octets before it, or before `limit` if there is none, hold: a bare CR or LF
    /// (RFC 5321 §2.3.8), a NUL, an octet with the high bit set. Returns the position of the
    /// CR.
    ///
    /// `limit` leaves out a last CR, so each CR before it has its next octet in `s`, and each
    /// LF has its previous octet in `s` unless it is the first, which follows a line start,
    /// a dropped dot or an octet that is not a CR (the LF after a chunk's last CR is taken
    /// on its own, before any scan: see `cr_pending`): whether a line end is bare is decided
    /// exactly, whatever the cut into reads.
    #[inline]
    fn scan(&mut self, s: &[u8], limit: usize) -> Option<usize> {
        if limit == 0 {
            return None;
        }
        self.bare_lf |= s[0] == b'\n';
        match self.simd {
            Simd::Portable => self.scan_portable(s, limit),
            #[cfg(target_arch = "x86_64")]
            Simd::Avx2(avx2) => self.scan_avx2(s, limit, avx2, Marked::<true>),
            #[cfg(target_arch = "x86_64")]
            Simd::Ternary(avx2, ternary) => self.scan_avx2(s, limit, avx2, ternary),
        }
    }

    /// [`scan`](Self::scan) in the portable build ([`blocks_portable`]).
    #[inline(never)]
    fn scan_portable(&mut self, s: &[u8], limit: usize) -> Option<usize> {
        scan_with!(self, s, limit, blocks_portable())
    }

    /// [`scan`](Self::scan) with the block scans compiled for AVX2 ([`blocks_avx2`]),
    /// unmarked blocks passed over by `skip`.
    #[cfg(target_arch = "x86_64")]
    fn scan_avx2<K: Skip>(&mut self, s: &[u8], limit: usize, avx2: Avx2, skip: K) -> Option<usize> {
        scan_with!(self, s, limit, blocks_avx2(avx2, skip))
    }

    /// [`scan`](Self::scan) from `from`, a block of [`BLOCK`] positions at a time, with the
    /// marks [`marked`] is told to look for; the blocks without any are passed over by
    /// `skip`. Stops when it has learned something, so that the caller picks the narrower
    /// search.
    #[inline(always)]
    fn scan_blocks<
        const BARE: bool,
        const NUL: bool,
        const HIGH: bool,
        const MIN: bool,
        K: Skip,
    >(
        &mut self,
        s: &[u8],
        from: usize,
        limit: usize,
        skip: K,
    ) -> Step {
        let mut i = from;
        // Whole windows: their blocks end at least two octets before the end of `s`, so
        // before `limit`.
        if let Some(last) = s.len().checked_sub(WINDOW) {
            // The first block where the scan starts, the next ones on 64-octet boundaries:
            // fewer of their loads then straddle two cache lines.
            let misaligned = (s.as_ptr() as usize).wrapping_add(i) % 64;
            if misaligned != 0 && i <= last {
                if skip.skip::<BARE, NUL, HIGH>(s, i, i) == i
                    && let Some(step) = self.visit::<BARE, NUL, HIGH>(s, i, limit, window(s, i))
                {
                    return step;
                }
                i += BLOCK - misaligned;
            }
            while i <= last {
                i = skip.skip::<BARE, NUL, HIGH>(s, i, last);
                if i > last {
                    break;
                }
                if let Some(step) = self.visit::<BARE, NUL, HIGH>(s, i, limit, window(s, i)) {
                    return step;
                }
                i += BLOCK;
            }
            // The last whole window, overlapping blocks already scanned: if it is unmarked,
            // only the two positions after its block can be left, and `look` decides them
            // (a CR among them is followed by an octet of `s`, as it is before `limit`).
            if i < limit && !marked::<BARE, NUL, HIGH, MIN>(window(s, last)) {
                for k in (last + BLOCK).max(i)..limit {
                    let end = self.look(s, k);
                    debug_assert!(!end, "no `\\r\\n.` fits in the last two octets");
                }
                return Step::Limit;
            }
        }
        while i < limit {
            // The last blocks (fewer than WINDOW octets are left): padded with spaces, which
            // mark nothing. Marks at or past `limit` are ignored.
            let mut w = [b' '; WINDOW];
            w[..s.len() - i].copy_from_slice(&s[i..]);
            if marked::<BARE, NUL, HIGH, MIN>(&w)
                && let Some(step) = self.visit::<BARE, NUL, HIGH>(s, i, limit, &w)
            {
                return step;
            }
            i += BLOCK;
        }
        Step::Limit
    }

    /// Goes to each marked position of the block at `i` (its window is `w`), [`LANES`] at
    /// a time: the end if one starts there, or that something was learned, or `None` to
    /// go on (then nothing was learned: what is known when it starts is what was known
    /// when the scan started). A group of lanes without a mark is passed over with
    /// one test, without working out where its marks are: a block is marked mostly for one
    /// `\r\n.`, and the groups after it are not looked at. Inlined, so that its marks are
    /// computed by the scan's own build (AVX2 where the CPU has it); it holds no call
    /// either.
    #[inline(always)]
    fn visit<const BARE: bool, const NUL: bool, const HIGH: bool>(
        &mut self,
        s: &[u8],
        i: usize,
        limit: usize,
        w: &[u8; WINDOW],
    ) -> Option<Step> {
        let known = (self.bare_cr, self.bare_lf, self.nul, self.eight_bit);
        for j in (0..BLOCK).step_by(LANES) {
            if i + j >= limit {
                break;
            }
            let group: &[u8; LANES + 2] = w[j..j + LANES + 2].try_into().expect("in the window");
            let marks = marks::<BARE, NUL, HIGH>(group);
            if marks.iter().fold(0, |any, &m| any | m) == 0 {
                continue;
            }
            // The first marked lane: the least of the lanes' numbers where marked, 0xff
            // elsewhere (a reduction to one octet, shorter than building a mask of the
            // lanes). Most often its mark is the `\r\n.` that marked the block.
            let first =
                (0u8..).zip(&marks).fold(u8::MAX, |a, (l, &m)| a.min(l | m.wrapping_sub(1)));
            let k = i + j + usize::from(first);
            if k >= limit {
                break;
            }
            if self.look(s, k) {
                return Some(Step::End(k));
            }
            // The lanes after it.
            let mut bits = 0u32;
            for (l, &m) in marks.iter().enumerate() {
                bits |= u32::from(m) << l;
            }
            bits &= (u32::MAX << first) << 1;
            while bits != 0 {
                let k = i + j + bits.trailing_zeros() as usize;
                if k >= limit {
                    break;
                }
                if self.look(s, k) {
                    return Some(Step::End(k));
                }
                bits &= bits - 1;
            }
        }
        ((self.bare_cr, self.bare_lf, self.nul, self.eight_bit) != known)
            .then(|| Step::Learned((i + BLOCK).min(limit)))
    }

    /// The exact test of position `k` (before the limit): whether `\r\n.` starts there;
    /// otherwise records a bare CR at `k`, a bare LF at `k + 1`, a NUL or high-bit octet
    /// at `k`.
    fn look(&mut self, s: &[u8], k: usize) -> bool {
        let a = s[k];
        let lf_next = s.get(k + 1) == Some(&b'\n');
        if a == b'\r' {
            if !lf_next {
                self.bare_cr = true;
            } else if s.get(k + 2) == Some(&b'.') {
                return true;
            }
        } else if lf_next {
            self.bare_lf = true;
        }
        self.nul |= a == 0;
        self.eight_bit |= a >= 0x80;
        false
    }

    /// The outcome so far. It depends only on the content, never on how it was cut into
    /// reads: a refused line ending first, then the size, then the line length.
    fn outcome(&self) -> DataOutcome {
        if (self.bare_cr || self.bare_lf)
            && self.config.bare_line_endings == BareLineEndings::Reject
        {
            DataOutcome::BareLineEnding
        } else if self.config.max_size.is_some_and(|max| self.size > max) {
            DataOutcome::TooBig
        } else if self.long_line {
            DataOutcome::LineTooLong
        } else {
            DataOutcome::Ok
        }
    }

    /// Adds `chunk` to the length of the current text line; says whether a line grew past
    /// `max`. Only CRLF ends a line (RFC 5321 §2.3.8): a bare LF accepted as content is an
    /// octet of the line. A chunk's first LF may end a CRLF whose CR ended the last chunk.
    fn line_too_long(&mut self, chunk: &[u8], max: usize) -> bool {
        let mut start = 0;
        for lf in memchr::memchr_iter(b'\n', chunk) {
            let crlf = match lf.checked_sub(1) {
                Some(cr) => chunk[cr] == b'\r',
                None => self.line_cr,
            };
            if crlf {
                if self.line_len + (lf + 1 - start) > max {
                    return true;
                }
                self.line_len = 0;
                start = lf + 1;
            }
        }
        self.line_len += chunk.len() - start;
        self.line_cr = chunk.last() == Some(&b'\r');
        self.line_len > max
    }

    fn summary(&self) -> DataSummary {
        DataSummary {
            size: self.size,
            eight_bit: self.eight_bit,
            nul: self.nul,
            bare_cr: self.bare_cr,
            bare_lf: self.bare_lf,
            outcome: self.outcome(),
        }
    }
}

/// Splits the first `cut` octets off `buf` and returns the first `take` of them.
#[inline(always)]
fn cut(buf: &mut BytesMut, take: usize, cut: usize) -> Bytes {
    let mut chunk = buf.split_to(cut);
    chunk.truncate(take);
    chunk.freeze()
}

/// Moves an empty `buf` back to the front of its allocation, with all of it as spare
/// capacity, if no chunk cut from it is still held; otherwise leaves it as it is, with the
/// spare capacity it has.
///
/// Why: a decoder that uses up its buffer leaves it empty at the end of what it held. The
/// next read would go further along the allocation, to memory not in cache and at another
/// offset (a 16 KiB copy whose destination is not at its source's offset modulo 64 was
/// measured up to 1.8 times slower), until `reserve` finds no room and moves back. Once
/// the reader has dropped the chunks, the front is free again. An empty buffer is never
/// left with less spare capacity than it had: a reader that reserves little (one octet
/// before a read, as some framing code does) still gets a full read.
fn reclaim(buf: &mut BytesMut) {
    if buf.is_empty() {
        // More than the buffer has left: `try_reclaim` then looks at the front of the
        // allocation, which it takes only when no other handle refers to it. It never
        // allocates and never shrinks the buffer.
        let _ = buf.try_reclaim(buf.capacity() + 1);
    }
}

/// The builds of the block scan ([`DotUnstuffer::scan_blocks`]), the slowest first; a
/// `DotUnstuffer` takes the fastest the running CPU can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Simd {
    /// SSE2 on x86_64 (its baseline), whatever LLVM makes of the loops elsewhere.
    Portable,
    /// Built for AVX2: [`blocks_avx2`] with [`marked`] in the hot loop.
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2),
    /// Built for AVX2, with the hot loop built for AVX-512VL ([`ternary`]).
    #[cfg(target_arch = "x86_64")]
    Ternary(Avx2, Ternary),
}

impl Simd {
    /// The fastest build the running CPU can run.
    fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = Avx2::detect() {
            return match Ternary::detect() {
                Some(ternary) => Self::Ternary(avx2, ternary),
                None => Self::Avx2(avx2),
            };
        }
        Self::Portable
    }
}

/// Proof that the running CPU has AVX2: only [`detect`](Self::detect) makes one.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Avx2(());

#[cfg(target_arch = "x86_64")]
impl Avx2 {
    fn detect() -> Option<Self> {
        std::arch::is_x86_feature_detected!("avx2").then_some(Self(()))
    }
}

/// How a build of the block scan passes over the blocks that hold nothing to look at.
trait Skip: Copy {
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
/// inlined into: the hot loop of the scan, with no call inside, so the compare constants
/// stay in registers.
#[derive(Clone, Copy)]
struct Marked<const MIN: bool>;

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
fn window(s: &[u8], i: usize) -> &[u8; WINDOW] {
    s[i..i + WINDOW].try_into().expect("WINDOW octets")
}

/// [`DotUnstuffer::scan`] with `$blocks`, one of [`blocks_portable`] and [`blocks_avx2`]
/// (given `$args` after its own): block scans from the start of `$s` until the end or
/// `$limit`, each time with the search for the marks still looked for. A property already
/// seen need not be looked for again: with fewer kinds of marks, an 8-bit message or one
/// with bare line ends stays on the fast path.
macro_rules! scan_with {
    ($u:expr, $s:expr, $limit:expr, $blocks:ident($($args:expr),*)) => {{
        let (u, s, limit): (&mut DotUnstuffer, &[u8], usize) = ($u, $s, $limit);
        let mut from = 0;
        loop {
            let bare = !(u.bare_cr && u.bare_lf);
            let step = match (bare, !u.nul, !u.eight_bit) {
                (true, true, true) => $blocks::<true, true, true>(u, s, from, limit, $($args),*),
                (true, true, false) => $blocks::<true, true, false>(u, s, from, limit, $($args),*),
                (true, false, true) => $blocks::<true, false, true>(u, s, from, limit, $($args),*),
                (true, false, false) => {
                    $blocks::<true, false, false>(u, s, from, limit, $($args),*)
                }
                (false, true, true) => $blocks::<false, true, true>(u, s, from, limit, $($args),*),
                (false, true, false) => {
                    $blocks::<false, true, false>(u, s, from, limit, $($args),*)
                }
                (false, false, true) => {
                    $blocks::<false, false, true>(u, s, from, limit, $($args),*)
                }
                (false, false, false) => {
                    $blocks::<false, false, false>(u, s, from, limit, $($args),*)
                }
            };
            match step {
                Step::End(p) => return Some(p),
                Step::Limit => return None,
                Step::Learned(next) => from = next,
            }
        }
    }};
}
use scan_with;

/// [`DotUnstuffer::scan_blocks`] in the portable build: SSE2 on x86_64, with
/// [`PORTABLE_MIN`].
#[inline(always)]
fn blocks_portable<const BARE: bool, const NUL: bool, const HIGH: bool>(
    u: &mut DotUnstuffer,
    s: &[u8],
    from: usize,
    limit: usize,
) -> Step {
    u.scan_blocks::<BARE, NUL, HIGH, PORTABLE_MIN, _>(s, from, limit, Marked::<PORTABLE_MIN>)
}

/// [`DotUnstuffer::scan_blocks`] compiled for AVX2: the same safe code, which LLVM then
/// vectorises 32 octets wide instead of SSE2's 16, with `skip` passing over the unmarked
/// blocks. One function per kind of search, each with its hot loop to itself (so that the
/// compare constants stay in registers).
///
/// With `ternary.rs` and `text.rs`, the crate's only `unsafe`: calling a function built
/// for a CPU feature is sound exactly when the CPU has it, and an [`Avx2`] exists only
/// after `is_x86_feature_detected!("avx2")` said so.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
#[inline(always)]
fn blocks_avx2<const BARE: bool, const NUL: bool, const HIGH: bool>(
    u: &mut DotUnstuffer,
    s: &[u8],
    from: usize,
    limit: usize,
    _: Avx2,
    skip: impl Skip,
) -> Step {
    #[target_feature(enable = "avx2")]
    fn run<const BARE: bool, const NUL: bool, const HIGH: bool>(
        u: &mut DotUnstuffer,
        s: &[u8],
        from: usize,
        limit: usize,
        skip: impl Skip,
    ) -> Step {
        u.scan_blocks::<BARE, NUL, HIGH, true, _>(s, from, limit, skip)
    }
    // SAFETY: an `Avx2` was given, so the running CPU has AVX2: all that `run`'s target
    // feature asks for; `run` itself is safe code.
    unsafe { run::<BARE, NUL, HIGH>(u, s, from, limit, skip) }
}

/// Where [`DotUnstuffer::scan_blocks`] stopped.
enum Step {
    /// `\r\n.` starts here.
    End(usize),
    /// Nothing up to the limit.
    Limit,
    /// A property was seen for the first time; the scan goes on from here.
    Learned(usize),
}

/// Whether the portable build of the block scan folds NUL and high-bit octets with a
/// minimum ([`marked`]): not with x86_64's baseline SSE2, which has no signed octet
/// minimum; elsewhere (NEON) it has.
const PORTABLE_MIN: bool = !cfg!(target_arch = "x86_64");

/// Positions [`marked`] looks at per step.
const BLOCK: usize = 256;
/// Octets [`marked`] folds side by side: one AVX2 vector, two SSE2 ones.
const LANES: usize = 32;
/// A block and the two octets after it, so a `\r\n.` starting in the block is seen whole.
const WINDOW: usize = BLOCK + 2;

/// Whether a position of the block `w[..BLOCK]` needs a closer look: a `\r\n.` starts
/// there (the end of data or a transparency dot, RFC 5321 §4.5.2); or, if `BARE`, it holds
/// a CR not followed by LF or precedes an LF without being a CR (RFC 5321 §2.3.8); or, if
/// `NUL` or `HIGH`, it holds a NUL or an octet with the high bit set.
///
/// Each position `k` is compared with `w[k + 1]` and `w[k + 2]` through three overlapping
/// windows instead of shifting masks across positions, and the line marks are OR-ed lane
/// by lane; NUL and high-bit octets are not marked one by one but folded into each lane's
/// lowest octet (or its OR): one `vpminsb` per 32 octets with AVX2 ([`Odd::fold`]). That
/// takes `MIN`, a build with a signed octet minimum; SSE2 has none (`pminsb` is SSE4.1),
/// so without `MIN` they are marked one by one like the line ends, a compare and an OR.
/// Written so, the loop compiles to compares and one vector test per block on x86_64
/// (SSE2, or AVX2 with 32 octets a compare where the CPU has it: see
/// [`DotUnstuffer::scan_blocks`]), with no branch inside the block. The masks are exact:
/// a CRLF pair is a CR at `k` with an LF at `k + 1`, so `cr(k) != lf(k + 1)` holds
/// exactly where a pair is broken, by its CR or by its LF. The window reaches two octets
/// past the block, so pairs and `\r\n.` across block ends are seen; the one LF whose
/// previous octet is not in the buffer, the chunk's first, is tested by
/// [`DotUnstuffer::scan`]. Plain text and CRLF pairs leave a block unmarked; a marked
/// block is rare (a `\r\n.`, or a property seen for the first time) and is gone through
/// position by position ([`DotUnstuffer::visit`]).
#[inline(always)]
fn marked<const BARE: bool, const NUL: bool, const HIGH: bool, const MIN: bool>(
    w: &[u8; WINDOW],
) -> bool {
    // Per lane, so that the block's two tests meet in one vector and one test of it
    // rather than each being reduced across lanes on its own.
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
    // A `\r\n.` is also `\n.`; without a CR before it, it is a bare LF anyway.
    if BARE { (cr ^ lf) | (lf & dot) } else { lf & dot }
}

/// The NUL and high-bit test of [`marked`], for the properties `NUL` and `HIGH` still
/// looked for: octets are folded into one accumulator with a single operation each
/// (a minimum or an OR, one vector instruction for 32 octets with AVX2), and
/// [`found`](Self::found) says whether any of them was such an octet; or each is marked
/// on its own ([`mark`](Self::mark)).
struct Odd<const NUL: bool, const HIGH: bool>;

impl<const NUL: bool, const HIGH: bool> Odd<NUL, HIGH> {
    /// The accumulator before any octet: what [`fold`](Self::fold) leaves unchanged for
    /// an octet that is neither NUL nor high-bit.
    const START: u8 = match (NUL, HIGH) {
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

// ---------------------------------------------------------------------------------------

/// Receives the payload of one `BDAT n [LAST]` command (RFC 3030 §2): exactly `n` octets,
/// across reads, as slices of the input; no dot-stuffing, no end marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BdatDecoder {
    remaining: u64,
    last: bool,
    discard: bool,
}

impl BdatDecoder {
    /// A decoder for a chunk of `size` octets.
    pub fn new(size: u64, last: bool) -> Self {
        Self { remaining: size, last, discard: false }
    }

    /// A decoder that consumes and drops a chunk the server refused, so its octets are never
    /// read as commands (RFC 3030 §2: the server must still read the whole chunk).
    pub fn discarding(size: u64, last: bool) -> Self {
        Self { remaining: size, last, discard: true }
    }

    /// Octets still to come.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// Whether the announced octets have all been taken.
    pub fn is_complete(&self) -> bool {
        self.remaining == 0
    }

    /// Whether the command carried LAST.
    pub fn is_last(&self) -> bool {
        self.last
    }

    /// Whether this decoder discards.
    pub fn is_discarding(&self) -> bool {
        self.discard
    }

    /// Takes the next part of the payload from the front of `buf`: `Some(chunk)` unless
    /// discarding, the chunk is complete, or `buf` is empty.
    ///
    /// When the buffer is used up and this returns `None`, it is moved back to the front of
    /// its allocation if the chunks have been dropped, as with
    /// [`DotUnstuffer::decode`].
    pub fn decode(&mut self, buf: &mut BytesMut) -> Option<Bytes> {
        let n = usize::try_from(self.remaining).unwrap_or(usize::MAX).min(buf.len());
        if n == 0 {
            reclaim(buf);
            return None;
        }
        self.remaining -= n as u64;
        if self.discard {
            buf.advance(n);
            reclaim(buf);
            None
        } else {
            Some(buf.split_to(n).freeze())
        }
    }
}

// ---------------------------------------------------------------------------------------

/// What a [`DotStuffer`] does with bare CR and bare LF in the content it is given.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LineEndingPolicy {
    /// Send every bare CR and bare LF as CRLF (RFC 5321 §2.3.8: clients must send line
    /// ends only as CRLF). The default.
    #[default]
    Normalize,
    /// Send the content's octets unchanged (a receiver with the default policy refuses
    /// such a message).
    Keep,
}

/// Sends DATA content: doubles a dot at the start of each line (RFC 5321 §4.5.2), writes
/// line ends as CRLF, and ends with `<CRLF>.<CRLF>`, adding the CRLF when the content does
/// not end with one.
///
/// Content may come in pieces of any size; a line starting in a later piece is still
/// handled.
#[derive(Clone, Debug, Default)]
pub struct DotStuffer {
    policy: LineEndingPolicy,
    /// The next octet starts a line.
    mid_line: bool,
    /// The last octet written was a CR whose LF has not been seen.
    pending_cr: bool,
}

impl DotStuffer {
    /// A stuffer with this bare line-ending policy.
    pub fn new(policy: LineEndingPolicy) -> Self {
        Self { policy, mid_line: false, pending_cr: false }
    }

    /// Stuffs `piece` into `out`.
    pub fn stuff(&mut self, piece: &[u8], out: &mut BytesMut) {
        out.reserve(piece.len() + piece.len() / 64 + 4);
        let mut rest = piece;
        while !rest.is_empty() {
            if self.pending_cr {
                self.pending_cr = false;
                if rest[0] == b'\n' {
                    out.put_u8(b'\n');
                    rest = &rest[1..];
                    self.mid_line = false;
                    continue;
                }
                if self.policy == LineEndingPolicy::Normalize {
                    out.put_u8(b'\n');
                    self.mid_line = false;
                }
            }
            if !self.mid_line && rest[0] == b'.' {
                out.put_u8(b'.');
            }
            self.mid_line = true;
            match memchr::memchr2(b'\r', b'\n', rest) {
                None => {
                    out.put_slice(rest);
                    return;
                }
                Some(k) => {
                    out.put_slice(&rest[..k]);
                    if rest[k] == b'\r' {
                        out.put_u8(b'\r');
                        self.pending_cr = true;
                    } else {
                        // A bare LF: a CR before it would have been pending.
                        if self.policy == LineEndingPolicy::Normalize {
                            out.put_u8(b'\r');
                            self.mid_line = false;
                        }
                        out.put_u8(b'\n');
                    }
                    rest = &rest[k + 1..];
                }
            }
        }
    }

    /// Writes the end of data: a CRLF if the content did not end with one, then `.<CRLF>`.
    /// The stuffer is then ready for another message.
    pub fn finish(&mut self, out: &mut BytesMut) {
        if self.pending_cr {
            out.put_u8(b'\n');
        } else if self.mid_line {
            out.put_slice(b"\r\n");
        }
        out.put_slice(b".\r\n");
        *self = Self::new(self.policy);
    }
}

// ---------------------------------------------------------------------------------------

/// Cuts content into BDAT chunks (RFC 3030 §2): `BDAT n<CRLF>` and `n` octets for each
/// full chunk, then `BDAT n LAST<CRLF>` with the rest at [`finish`](Self::finish) —
/// `BDAT 0 LAST` when nothing is left.
#[derive(Clone, Debug)]
pub struct BdatWriter {
    chunk_size: usize,
    pending: BytesMut,
}

impl BdatWriter {
    /// A writer of chunks of `chunk_size` octets (at least 1).
    pub fn new(chunk_size: usize) -> Self {
        Self { chunk_size: chunk_size.max(1), pending: BytesMut::new() }
    }

    /// Adds content; writes every chunk that is full.
    pub fn write(&mut self, piece: &[u8], out: &mut BytesMut) {
        let mut rest = piece;
        while !rest.is_empty() {
            let room = self.chunk_size - self.pending.len();
            let n = room.min(rest.len());
            if self.pending.is_empty() && n == self.chunk_size {
                // A whole chunk straight from the input.
                Self::emit(&rest[..n], false, out);
            } else {
                self.pending.extend_from_slice(&rest[..n]);
                if self.pending.len() == self.chunk_size {
                    Self::emit(&self.pending, false, out);
                    self.pending.clear();
                }
            }
            rest = &rest[n..];
        }
    }

    /// Writes the last chunk (possibly empty) with LAST. The writer is then ready for
    /// another message.
    pub fn finish(&mut self, out: &mut BytesMut) {
        Self::emit(&self.pending, true, out);
        self.pending.clear();
    }

    fn emit(payload: &[u8], last: bool, out: &mut BytesMut) {
        out.reserve(payload.len() + 32);
        out.put_slice(b"BDAT ");
        out.put_slice(itoa_u64(payload.len() as u64).as_bytes());
        if last {
            out.put_slice(b" LAST");
        }
        out.put_slice(b"\r\n");
        out.put_slice(payload);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every event of `u` on `wire`, cut into reads of `read` octets.
    fn events(mut u: DotUnstuffer, wire: &[u8], read: usize) -> Vec<DataEvent> {
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for piece in wire.chunks(read.max(1)) {
            buf.extend_from_slice(piece);
            while let Some(ev) = u.decode(&mut buf) {
                out.push(ev);
            }
        }
        out
    }

    /// The builds of the block scan the running CPU can run, besides the portable one.
    fn simd_builds() -> Vec<Simd> {
        #[allow(unused_mut)]
        let mut builds = Vec::new();
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = Avx2::detect() {
            builds.push(Simd::Avx2(avx2));
            if let Some(ternary) = Ternary::detect() {
                builds.push(Simd::Ternary(avx2, ternary));
            }
        }
        builds
    }

    /// Octets where every kind of mark is common: most blocks are looked at position by
    /// position, and every property is learned early.
    fn dense_wire() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                40 => Just(b'a'),
                4 => Just(b'\r'),
                4 => Just(b'\n'),
                3 => Just(b'.'),
                1 => Just(0u8),
                1 => Just(0xC3u8),
                1 => Just(b'\t'),
            ],
            0..3000,
        )
    }

    /// Well-formed CRLF lines of letters, a few starting with a stuffed dot, with at most
    /// six odd pieces put anywhere (a NUL, a high-bit octet, a lone CR, LF or dot, or
    /// these next to a dot or a line end): long stretches that the hot loop passes over,
    /// and single marks for it to find, each kind while the others are still looked for.
    fn sparse_wire() -> impl Strategy<Value = Vec<u8>> {
        let line = (0usize..120, prop::bool::weighted(0.1), any::<u8>());
        let pieces: Vec<&[u8]> = vec![
            b"\0", b"\xC3", b"\r", b"\n", b".", b"\n.", b"\r.", b"\r-.", b"\r\n.\n", b"\n.\r\n",
        ];
        let odd = (any::<prop::sample::Index>(), prop::sample::select(pieces));
        (proptest::collection::vec(line, 0..80), proptest::collection::vec(odd, 0..7)).prop_map(
            |(lines, odd)| {
                let mut wire = Vec::new();
                for (len, dot, seed) in lines {
                    if dot {
                        wire.extend_from_slice(b"..");
                    }
                    wire.extend((0..len).map(|k| b'a' + (seed as usize + k) as u8 % 26));
                    wire.extend_from_slice(b"\r\n");
                }
                for (at, piece) in odd {
                    let at = at.index(wire.len() + 1);
                    wire.splice(at..at, piece.iter().copied());
                }
                wire
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// Every build of the block scan the CPU can run finds the same things as the
        /// portable one: the same chunks, the same end, the same summary. The builds differ
        /// in more than width: on x86_64 SSE2's looks for NUL and high-bit octets with
        /// compares, AVX2's with a minimum (see `marked`), and the AVX-512VL hot loop is
        /// written apart (`ternary.rs`). (On a CPU without AVX2 or AVX-512VL the missing
        /// builds are left out, and if only the portable one is left the test proves
        /// nothing more than determinism.)
        #[test]
        fn simd_builds_and_portable_scan_agree(
            wire in prop_oneof![dense_wire(), sparse_wire()],
            read in 1usize..700,
            accept in any::<bool>(),
        ) {
            let mut config = DataConfig::default();
            if accept {
                config.bare_line_endings = BareLineEndings::Accept;
            }
            let mut wire = wire;
            wire.extend_from_slice(b"\r\n.\r\n");
            let portable =
                DotUnstuffer { simd: Simd::Portable, ..DotUnstuffer::new(config.clone()) };
            let expected = events(portable, &wire, read);
            for simd in simd_builds() {
                let fast = DotUnstuffer { simd, ..DotUnstuffer::new(config.clone()) };
                prop_assert_eq!(events(fast, &wire, read), expected.clone(), "{:?}", simd);
            }
        }
    }
}
