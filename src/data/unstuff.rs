//! Receiving DATA content: the protocol state of dot-unstuffing and end-of-data detection
//! (RFC 5321 §4.5.2, §4.1.1.4). Every octet is looked at through [`Scanner::find`]; this
//! file holds what the octets mean.

use bytes::{Buf, Bytes, BytesMut};

use super::scan::{Scanner, Want};
use super::{BareLineEndings, DataConfig, DataEvent, DataOutcome, DataSummary, reclaim};

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
    /// The build of the content scan that the running CPU can run.
    scanner: Scanner,
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
            scanner: Scanner::detect(),
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
    ///
    /// The scan stops at each position that may matter ([`Scanner::find`]); [`look`]
    /// decides what is there. A property already seen is no longer looked for, so an 8-bit
    /// message, say, does not stop the scan at each of its 8-bit octets.
    ///
    /// [`look`]: Self::look
    fn scan(&mut self, s: &[u8], limit: usize) -> Option<usize> {
        if limit == 0 {
            return None;
        }
        self.bare_lf |= s[0] == b'\n';
        let mut from = 0;
        while let Some(k) = self.scanner.find(s, from, limit, self.want()) {
            if self.look(s, k) {
                return Some(k);
            }
            from = k + 1;
        }
        None
    }

    /// What the scan still has to stop for besides `\r\n.`: the properties not yet seen.
    fn want(&self) -> Want {
        Want { bare: !(self.bare_cr && self.bare_lf), nul: !self.nul, high: !self.eight_bit }
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
fn cut(buf: &mut BytesMut, take: usize, cut: usize) -> Bytes {
    let mut chunk = buf.split_to(cut);
    chunk.truncate(take);
    chunk.freeze()
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

    /// Octets where every kind of mark is common: the scan stops often, and every property
    /// is learned early.
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
    /// these next to a dot or a line end): long stretches for the scan to pass over, and
    /// single marks for it to find, each kind while the others are still looked for.
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

        /// Whichever build of the scan it runs, the unstuffer yields the same chunks, the
        /// same end and the same summary as with the portable one. (`scan::tests` checks
        /// each build against the plain reference position by position; on a CPU without
        /// AVX2 only the portable build is left, and this proves only determinism.)
        #[test]
        fn every_scan_build_gives_the_same_events(
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
                DotUnstuffer { scanner: Scanner::PORTABLE, ..DotUnstuffer::new(config.clone()) };
            let expected = events(portable, &wire, read);
            for scanner in Scanner::builds() {
                let u = DotUnstuffer { scanner, ..DotUnstuffer::new(config.clone()) };
                prop_assert_eq!(events(u, &wire, read), expected.clone(), "{:?}", scanner);
            }
        }
    }
}
