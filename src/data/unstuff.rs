//! Receiving DATA content: the protocol state of dot-unstuffing and end-of-data detection
//! (RFC 5321 §4.5.2, §4.1.1.4). Every octet is looked at through [`Scanner::find`]; this
//! file holds what the octets mean.

use bytes::{Buf, Bytes, BytesMut};

use super::scan::{Scanner, Want};
use super::{BareLineEndings, DataConfig, DataEvent, DataOutcome, DataSummary, reclaim};

/// Receives DATA content: removes the transparency dots and finds the end of data
/// (RFC 5321 §4.5.2, §4.1.1.4).
///
/// Feed it the buffer holding what followed the 354 reply; call [`decode`](Self::decode)
/// (or [`decode_in_place`](Self::decode_in_place)) until it returns `None` (read more) or
/// [`DataEvent::End`]. The start of data counts as
/// the start of a line (the CRLF of the DATA command precedes it), so `.<CRLF>` first is an
/// empty message.
///
/// A line that is a dot followed by a bare LF (`.<LF>`) is not an end marker and its dot
/// is kept as data rather than dropped as a transparency dot: a peer sending it did not
/// stuff, and dropping the dot silently would hide an end marker from whoever reads the
/// content with LF line ends. Under the default policy the bare LF refuses the message
/// anyway. For the same reason, under [`BareLineEndings::Normalize`], where a bare LF
/// ends a line, a `.<CRLF>` line after it is content with its dot (only a CRLF before it
/// makes it the end marker).
///
/// Under [`BareLineEndings::Normalize`] each bare LF is yielded as a CRLF chunk of its own
/// (not a slice of the input), after the content before it.
///
/// When the end reports an outcome other than [`DataOutcome::Ok`], discard what was
/// yielded: after the first problem nothing more is yielded, but chunks before it were.
/// [`DataOutcome::reply`] is the reply to send.
#[derive(Clone, Debug)]
pub struct DotUnstuffer {
    config: DataConfig,
    /// The next octet starts a line.
    line_start: bool,
    /// The line that `line_start` says starts follows a bare LF (under
    /// [`BareLineEndings::Normalize`]): `.<CRLF>` there is content, not the end marker.
    after_bare_lf: bool,
    /// A bare LF was just taken out of the buffer (under [`BareLineEndings::Normalize`]):
    /// the CRLF that stands for it is the next chunk.
    crlf_pending: bool,
    /// A piece of content (whether to keep it, its length, the octets cut after it) that
    /// the last call found and left at the front of the buffer to start the next chunk
    /// (see [`MOVE_AT_MOST`]).
    scanned: Option<(bool, usize, usize)>,
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
            after_bare_lf: false,
            crlf_pending: false,
            scanned: None,
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
    /// Each chunk is a slice of the buffer as it came: a chunk ends before each
    /// transparency dot (RFC 5321 §4.5.2), so a message yields about one chunk per dotted
    /// line. [`decode_in_place`](Self::decode_in_place) yields the same content in fewer
    /// chunks.
    ///
    /// The chunks use up the buffer unless it ends in `.` or `.<CR>` at the start of a
    /// line, which may yet become the end marker. When it is used up and this returns
    /// `None` or the end, the buffer is moved back to the front of its allocation, with all
    /// of it as spare capacity, if the chunks have been dropped by then
    /// ([`BytesMut::try_reclaim`]): the next read goes to the same memory.
    /// Chunks still held keep their memory, and the buffer keeps the spare capacity it had.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Option<DataEvent> {
        self.next_event(buf, false)
    }

    /// As [`decode`](Self::decode), but the transparency dots are taken out of the buffer
    /// itself: the octets after each are moved up to close the gap, so a chunk runs on
    /// across dotted lines, up to the end of the buffer or the end marker (or, under
    /// [`BareLineEndings::Normalize`], up to the next bare LF, whose CRLF follows as its
    /// own chunk). A reader that feeds reads of many lines then gets about one chunk per
    /// read rather than one per dotted line, each still a slice of the buffer. Only short
    /// stretches between dots are moved (up to 2 KiB): after a longer one the chunk ends
    /// at the dot, and the next starts where it lies, so content with few dotted lines is
    /// not moved at all and yields much as `decode` does.
    ///
    /// The content is the same as `decode` yields, octet for octet, under any cut into
    /// reads; so are the end, the summary, what stays in the buffer and how the buffer is
    /// given back its memory.
    pub fn decode_in_place(&mut self, buf: &mut BytesMut) -> Option<DataEvent> {
        self.next_event(buf, true)
    }

    /// [`decode`](Self::decode), or with `join` [`decode_in_place`](Self::decode_in_place).
    fn next_event(&mut self, buf: &mut BytesMut, join: bool) -> Option<DataEvent> {
        let was_done = self.done;
        if let Some(chunk) = self.next_chunk(buf, join) {
            return Some(DataEvent::Chunk(chunk));
        }
        reclaim(buf);
        (self.done && !was_done).then(|| DataEvent::End(self.summary()))
    }

    /// The next chunk, or `None` when more input is needed or the end marker was just
    /// consumed (then `done` is set). Without `join`, each piece of content the loop finds
    /// is a chunk; with `join`, the pieces are gathered at the front of the buffer
    /// ([`Gather`]) until the loop would wait, end, or yield a CRLF of its own.
    fn next_chunk(&mut self, buf: &mut BytesMut, join: bool) -> Option<Bytes> {
        let mut at = Gather::default();
        loop {
            if let Some((keep, take, skip)) = self.scanned.take() {
                at.take(buf, keep, take, skip);
                if !join && at.has_content() {
                    return at.finish(buf);
                }
                continue;
            }
            if self.crlf_pending {
                // A bare LF under `Normalize`, stored as CRLF, after the content before it.
                if at.has_content() {
                    return at.finish(buf);
                }
                self.crlf_pending = false;
                let crlf = Bytes::from_static(b"\r\n");
                if self.account(&crlf) {
                    return Some(crlf);
                }
            }
            let s = at.unread(buf);
            if self.done || s.is_empty() {
                return at.finish(buf);
            }
            if self.cr_pending {
                // The last chunk ended with a CR: its next octet is here.
                self.cr_pending = false;
                if s[0] == b'\n' {
                    // The LF of a CRLF cut between two reads: the line ends with it, and the
                    // next octet starts one, with its own look at a dot.
                    self.line_start = true;
                    self.after_bare_lf = false;
                    let keep = self.account(&s[..1]);
                    at.take(buf, keep, 1, 0);
                    if !join && at.has_content() {
                        return at.finish(buf);
                    }
                    continue;
                }
                // RFC 5321 §2.3.8: a CR not followed by LF.
                self.bare_cr = true;
            }
            if self.line_start && s[0] == b'.' {
                match s.get(1..3) {
                    // Only after a CRLF (RFC 5321 §4.1.1.4): never after a bare LF. The
                    // content gathered before it goes first; the marker is found again by
                    // the next call.
                    Some(b"\r\n") if !self.after_bare_lf => {
                        if at.has_content() {
                            return at.finish(buf);
                        }
                        buf.advance(3);
                        self.done = true;
                        return None;
                    }
                    // ".\r" and "." could still become the end marker, or a dot kept
                    // before a line end: wait.
                    None if s[1..] == b"\r\n"[..s.len() - 1] => return at.finish(buf),
                    _ => {}
                }
                self.line_start = false;
                // A dot before a line end that does not end the data is kept (see the
                // type's documentation).
                if s[1] != b'\n' && !s[1..].starts_with(b"\r\n") {
                    // A transparency dot (RFC 5321 §4.5.2): drop it. It does not count
                    // toward the line limit (§4.5.3.1.6).
                    at.take(buf, false, 0, 1);
                    continue;
                }
            }
            // A last CR is taken with the chunk but left out of the scan: its next octet,
            // which says whether it is bare, is not there yet (`cr_pending`). A last CR LF
            // is taken too: whatever follows starts a line, the end marker's dot included
            // (RFC 5321 §4.1.1.4: the CR LF before `.<CRLF>` ends the last line of the
            // content). So nothing is left in the buffer, and it can be reclaimed whole
            // (see `decode`) rather than grow after a held-back tail.
            let cr_last = s[s.len() - 1] == b'\r';
            let limit = s.len() - usize::from(cr_last);
            // `skip`: octets cut after the piece and left out of it. A transparency dot (the
            // piece ends with a line end whose next line starts with one, known as one
            // already) is dropped with the piece, without another pass through the line
            // start; so is a bare LF under `Normalize`.
            let (take, skip) = match self.scan(s, limit) {
                // What follows the dot of `\r\n.` is there and is neither the CR of the end
                // marker nor an LF that keeps the dot: the dot is a transparency dot (RFC
                // 5321 §4.5.2).
                Some(Stop::CrlfDot(p))
                    if s.get(p + 3).is_some_and(|&c| c != b'\r' && c != b'\n') =>
                {
                    self.line_start = false;
                    (p + 2, 1)
                }
                Some(Stop::CrlfDot(p)) => {
                    self.line_start = true;
                    self.after_bare_lf = false;
                    (p + 2, 0)
                }
                // Under `Normalize`: the LF is left out, the CRLF that stands for it comes
                // next, and a line starts after it.
                Some(Stop::BareLf(p)) => {
                    self.crlf_pending = true;
                    self.line_start = true;
                    self.after_bare_lf = true;
                    (p, 1)
                }
                None => {
                    self.line_start = s.ends_with(b"\r\n");
                    self.after_bare_lf = false;
                    self.cr_pending = cr_last;
                    (s.len(), 0)
                }
            };
            // With a transparency dot or a bare LF, the cut is after it, and it is then left
            // out of the piece. A dot is never the buffer's last octet.
            let keep = self.account(&s[..take]);
            if keep && take > MOVE_AT_MOST && at.has_gap() {
                // Too long to move: it starts the next chunk where it lies.
                self.scanned = Some((keep, take, skip));
                return at.finish(buf);
            }
            at.take(buf, keep, take, skip);
            if !join && at.has_content() {
                return at.finish(buf);
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

    /// Finds the first `\r\n.` in `s` (its CR is always before `limit`), or under
    /// [`BareLineEndings::Normalize`] the first bare LF if it comes before, and records what
    /// the octets before it, or before `limit` if there is none, hold: a bare CR or LF
    /// (RFC 5321 §2.3.8), a NUL, an octet with the high bit set.
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
    fn scan(&mut self, s: &[u8], limit: usize) -> Option<Stop> {
        if limit == 0 {
            return None;
        }
        if s[0] == b'\n' {
            self.bare_lf = true;
            if self.normalize() {
                return Some(Stop::BareLf(0));
            }
        }
        let mut from = 0;
        while let Some(k) = self.scanner.find(s, from, limit, self.want()) {
            if let Some(stop) = self.look(s, k) {
                return Some(stop);
            }
            from = k + 1;
        }
        None
    }

    /// What the scan still has to stop for besides `\r\n.`: the properties not yet seen,
    /// and under [`BareLineEndings::Normalize`] every bare LF.
    fn want(&self) -> Want {
        Want {
            bare: self.normalize() || !(self.bare_cr && self.bare_lf),
            nul: !self.nul,
            high: !self.eight_bit,
        }
    }

    /// The exact test of position `k` (before the limit): records a NUL or high-bit octet
    /// at `k`, a bare CR at `k`, a bare LF at `k + 1`; says whether `\r\n.` starts at `k`,
    /// or under [`BareLineEndings::Normalize`] a bare LF is at `k + 1`.
    fn look(&mut self, s: &[u8], k: usize) -> Option<Stop> {
        let a = s[k];
        self.nul |= a == 0;
        self.eight_bit |= a >= 0x80;
        let lf_next = s.get(k + 1) == Some(&b'\n');
        if a == b'\r' {
            if !lf_next {
                self.bare_cr = true;
            } else if s.get(k + 2) == Some(&b'.') {
                return Some(Stop::CrlfDot(k));
            }
        } else if lf_next {
            self.bare_lf = true;
            if self.normalize() {
                return Some(Stop::BareLf(k + 1));
            }
        }
        None
    }

    fn normalize(&self) -> bool {
        self.config.bare_line_endings == BareLineEndings::Normalize
    }

    /// The outcome so far. It depends only on the content, never on how it was cut into
    /// reads: a refused line ending first, then the size, then the line length.
    fn outcome(&self) -> DataOutcome {
        let refused = match self.config.bare_line_endings {
            BareLineEndings::Reject => self.bare_cr || self.bare_lf,
            BareLineEndings::Normalize => self.bare_cr,
            BareLineEndings::Keep => false,
        };
        if refused {
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
    /// `max`. Only CRLF ends a line (RFC 5321 §2.3.8): a bare LF kept as content is an
    /// octet of the line (under `Normalize` it reaches here as a CRLF chunk). A chunk's first LF may end a CRLF whose CR ended the last chunk.
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

/// Where [`DotUnstuffer::scan`] stopped.
enum Stop {
    /// At the CR of a `\r\n.`.
    CrlfDot(usize),
    /// At a bare LF, under [`BareLineEndings::Normalize`].
    BareLf(usize),
}

/// The longest piece of content that [`DotUnstuffer::decode_in_place`] moves up over a
/// transparency dot to join it to the content before it. A longer piece starts the next
/// chunk where it lies instead: moving it would cost more than handing out one more chunk.
/// So content with a dotted line every few lines comes in one chunk per read, and content
/// with few dotted lines, as most mail is, is hardly moved at all.
const MOVE_AT_MOST: usize = 2048;

/// The content [`DotUnstuffer::next_chunk`] has gathered for its next chunk, at the front
/// of the buffer (`buf[..len]`), and how far it has looked (`buf[..read]`). While nothing
/// is gathered, what it passes over leaves the buffer at once, so the next piece of content
/// starts the chunk where it lies, unmoved; a piece after a gap (a dropped dot) is moved up
/// to the end of the content before it.
#[derive(Default)]
struct Gather {
    len: usize,
    read: usize,
}

impl Gather {
    fn has_content(&self) -> bool {
        self.len > 0
    }

    /// Whether octets were dropped after the content gathered: the next piece would be
    /// moved to join it.
    fn has_gap(&self) -> bool {
        self.len > 0 && self.read > self.len
    }

    /// The octets not yet looked at.
    fn unread<'b>(&self, buf: &'b BytesMut) -> &'b [u8] {
        &buf[self.read..]
    }

    /// Passes over the next `take + skip` octets: the first `take` are content if `keep`
    /// (and dropped otherwise, as the `skip` after them always are).
    fn take(&mut self, buf: &mut BytesMut, keep: bool, take: usize, skip: usize) {
        let kept = if keep { take } else { 0 };
        if self.len == 0 {
            // Nothing looked at is left in the buffer: the content starts the chunk where
            // it lies.
            debug_assert_eq!(self.read, 0);
            if kept == 0 {
                buf.advance(take + skip);
                return;
            }
        } else if kept > 0 && self.read != self.len {
            buf.copy_within(self.read..self.read + kept, self.len);
        }
        self.len += kept;
        self.read += take + skip;
    }

    /// The gathered content as a chunk, cut from the buffer with what was looked at
    /// after it; `None` if there is none.
    fn finish(self, buf: &mut BytesMut) -> Option<Bytes> {
        if self.len == 0 {
            return None;
        }
        let mut chunk = buf.split_to(self.read);
        chunk.truncate(self.len);
        Some(chunk.freeze())
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
            policy in prop::sample::select(vec![
                BareLineEndings::Reject,
                BareLineEndings::Normalize,
                BareLineEndings::Keep,
            ]),
        ) {
            let config = DataConfig { bare_line_endings: policy, ..DataConfig::default() };
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
