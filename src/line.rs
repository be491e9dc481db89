//! The CRLF line framer under the command and reply decoders.
//!
//! RFC 5321 §2.3.8: lines end in `<CRLF>`; bare CR and bare LF are not line ends.
//! §4.5.3.1.4 / §4.5.3.1.5 bound a command line to 512 octets and a reply line to 512
//! octets, both *including* the CRLF.
//!
//! [`LineFramer`] finds the next line in a caller's [`BytesMut`]:
//! - it remembers how far it has already scanned, so a line fed one byte per read costs
//!   linear, not quadratic, time (the httparse trick);
//! - it never looks further than the limit: a line longer than the limit is discarded as
//!   it arrives (the buffer is drained, not grown) and reported once, as a recoverable
//!   [`DecodeErrorKind::LineTooLong`], when its end finally arrives;
//! - a line that ends in a bare LF is an error by default ([`LineEnding::Crlf`]); the
//!   lenient [`LineEnding::CrlfOrLf`] accepts it as a line end.
//!
//! Lines are returned as [`Bytes`] split off the front of the buffer: no copying.

use bytes::{Buf, Bytes, BytesMut};

use crate::error::{DecodeError, DecodeErrorKind};

/// The default line limit: 512 octets including CRLF (RFC 5321 §4.5.3.1.4).
pub const DEFAULT_MAX_LINE: usize = 512;

/// Which octets end a line.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LineEnding {
    /// Only CRLF ends a line (RFC 5321 §2.3.8). A line ending in a bare LF is consumed and
    /// reported as [`DecodeErrorKind::BareLineEnding`]. The default.
    #[default]
    Crlf,
    /// CRLF or a bare LF ends a line: a common deviation of old or hand-written clients.
    CrlfOrLf,
}

/// Splits CRLF-terminated lines off a byte buffer, within a length limit.
#[derive(Debug, Clone)]
pub struct LineFramer {
    max_len: usize,
    ending: LineEnding,
    /// Octets at the front of the buffer already known to hold no LF.
    scanned: usize,
    /// Inside an over-long line: drop input up to and including the next LF.
    discarding: bool,
}

impl Default for LineFramer {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_LINE, LineEnding::Crlf)
    }
}

impl LineFramer {
    /// A framer for lines of at most `max_len` octets including the line end.
    ///
    /// A `max_len` below 2 is raised to 2 (room for CRLF alone).
    pub fn new(max_len: usize, ending: LineEnding) -> Self {
        Self { max_len: max_len.max(2), ending, scanned: 0, discarding: false }
    }

    /// The line limit in octets, including CRLF.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Changes the line limit (for example after an extension raised it). Takes effect at
    /// the next call.
    pub fn set_max_len(&mut self, max_len: usize) {
        self.max_len = max_len.max(2);
        self.scanned = self.scanned.min(self.max_len);
    }

    /// The line-ending policy.
    pub fn line_ending(&self) -> LineEnding {
        self.ending
    }

    /// Forgets scan progress. Call it when something other than this framer consumed
    /// octets from the front of the buffer (for example a DATA or BDAT decoder).
    pub fn reset(&mut self) {
        self.scanned = 0;
        self.discarding = false;
    }

    /// True while the framer is dropping the rest of an over-long line.
    pub fn is_discarding(&self) -> bool {
        self.discarding
    }

    /// Splits the next complete line off the front of `buf`, without its line end.
    ///
    /// - `Ok(Some(line))`: one line was consumed.
    /// - `Ok(None)`: no complete line yet; everything in `buf` is kept for the next call
    ///   (unless it belongs to an over-long line, which is dropped).
    /// - `Err(_)`: one bad line (too long, or ending in a bare LF under
    ///   [`LineEnding::Crlf`]) was consumed entirely; call again for the next one.
    pub fn next_line(&mut self, buf: &mut BytesMut) -> Result<Option<Bytes>, DecodeError> {
        Ok(self.find_line(buf)?.map(|(len, end)| split_line(buf, len, end)))
    }

    /// [`next_line`](Self::next_line) without the split: `Ok(Some((len, end)))` when the
    /// line is `buf[..len]` and its line end runs to `end`, both still in `buf` for the
    /// caller to consume (with [`BytesMut::split_to`], or [`Buf::advance`] when the line
    /// need not be kept: no reference count is touched then). Errors and `Ok(None)` are
    /// those of `next_line`, with what they consume already consumed.
    pub(crate) fn find_line(
        &mut self,
        buf: &mut BytesMut,
    ) -> Result<Option<(usize, usize)>, DecodeError> {
        if self.discarding {
            return self.discard(buf);
        }
        // The buffer may have been shortened by someone else; never trust a stale offset.
        let start = self.scanned.min(buf.len());
        let window = buf.len().min(self.max_len);
        let found = if start < window {
            memchr::memchr(b'\n', &buf[start..window]).map(|i| start + i)
        } else {
            None
        };
        match found {
            Some(lf) => {
                self.scanned = 0;
                if lf > 0 && buf[lf - 1] == b'\r' {
                    Ok(Some((lf - 1, lf + 1)))
                } else if self.ending == LineEnding::Crlf {
                    buf.advance(lf + 1);
                    Err(DecodeError::new(
                        DecodeErrorKind::BareLineEnding,
                        "line ended by a bare LF",
                    ))
                } else {
                    Ok(Some((lf, lf + 1)))
                }
            }
            None if buf.len() >= self.max_len => {
                // No line end within the limit: the line is too long. Drop what we hold
                // of it and keep dropping until its end arrives.
                self.scanned = 0;
                self.discarding = true;
                buf.advance(self.max_len);
                self.discard(buf)
            }
            None => {
                self.scanned = window;
                Ok(None)
            }
        }
    }

    fn discard<T>(&mut self, buf: &mut BytesMut) -> Result<Option<T>, DecodeError> {
        match memchr::memchr(b'\n', buf) {
            Some(lf) => {
                buf.advance(lf + 1);
                self.discarding = false;
                Err(DecodeError::new(DecodeErrorKind::LineTooLong, "line too long"))
            }
            None => {
                buf.clear();
                Ok(None)
            }
        }
    }
}

/// The line that [`LineFramer::find_line`] found as `(len, end)`, split off `buf` as a
/// shared buffer of its own, without its line end.
#[inline]
pub(crate) fn split_line(buf: &mut BytesMut, len: usize, end: usize) -> Bytes {
    let mut line = buf.split_to(end);
    line.truncate(len);
    line.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(framer: &mut LineFramer, input: &[u8]) -> Vec<Result<Vec<u8>, DecodeErrorKind>> {
        let mut buf = BytesMut::from(input);
        let mut out = Vec::new();
        loop {
            match framer.next_line(&mut buf) {
                Ok(Some(l)) => out.push(Ok(l.to_vec())),
                Ok(None) => break,
                Err(e) => out.push(Err(e.kind())),
            }
        }
        out
    }

    #[test]
    fn splits_crlf_lines_and_keeps_partial() {
        let mut f = LineFramer::default();
        let mut buf = BytesMut::from(&b"NOOP\r\nQUIT\r\nRS"[..]);
        assert_eq!(f.next_line(&mut buf).unwrap().unwrap(), &b"NOOP"[..]);
        assert_eq!(f.next_line(&mut buf).unwrap().unwrap(), &b"QUIT"[..]);
        assert_eq!(f.next_line(&mut buf).unwrap(), None);
        assert_eq!(&buf[..], b"RS");
        buf.extend_from_slice(b"ET\r\n");
        assert_eq!(f.next_line(&mut buf).unwrap().unwrap(), &b"RSET"[..]);
        assert!(buf.is_empty());
    }

    /// RFC 5321 §4.5.3.1.4: 512 octets including CRLF is the largest valid command line.
    #[test]
    fn limit_is_inclusive_of_crlf() {
        let mut f = LineFramer::default();
        let mut ok = vec![b'a'; 510];
        ok.extend_from_slice(b"\r\n");
        assert_eq!(lines(&mut f, &ok), vec![Ok(vec![b'a'; 510])]);
        let mut long = vec![b'a'; 511];
        long.extend_from_slice(b"\r\nNOOP\r\n");
        assert_eq!(
            lines(&mut f, &long),
            vec![Err(DecodeErrorKind::LineTooLong), Ok(b"NOOP".to_vec())]
        );
    }

    #[test]
    fn overlong_line_is_not_buffered() {
        let mut f = LineFramer::new(16, LineEnding::Crlf);
        let mut buf = BytesMut::new();
        for _ in 0..1000 {
            buf.extend_from_slice(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
            assert_eq!(f.next_line(&mut buf), Ok(None));
            assert!(buf.len() < 16, "buffer grew to {}", buf.len());
        }
        buf.extend_from_slice(b"yy\r\nQUIT\r\n");
        assert_eq!(f.next_line(&mut buf).unwrap_err().kind(), DecodeErrorKind::LineTooLong);
        assert_eq!(f.next_line(&mut buf).unwrap().unwrap(), &b"QUIT"[..]);
    }

    #[test]
    fn bare_lf_policy() {
        let mut strict = LineFramer::default();
        assert_eq!(
            lines(&mut strict, b"NOOP\nQUIT\r\n"),
            vec![Err(DecodeErrorKind::BareLineEnding), Ok(b"QUIT".to_vec())]
        );
        let mut lenient = LineFramer::new(512, LineEnding::CrlfOrLf);
        assert_eq!(
            lines(&mut lenient, b"NOOP\nQUIT\r\n"),
            vec![Ok(b"NOOP".to_vec()), Ok(b"QUIT".to_vec())]
        );
        // A lone CR is not a line end.
        assert_eq!(lines(&mut lenient, b"NO\rOP\r\n"), vec![Ok(b"NO\rOP".to_vec())]);
    }

    #[test]
    fn byte_at_a_time_scans_each_byte_once() {
        let mut f = LineFramer::new(100_000, LineEnding::Crlf);
        let mut buf = BytesMut::new();
        for _ in 0..50_000 {
            buf.extend_from_slice(b"a");
            assert_eq!(f.next_line(&mut buf), Ok(None));
            // The offset tracks the buffer, so the next search starts at the new byte.
            assert_eq!(f.scanned, buf.len());
        }
        buf.extend_from_slice(b"\r\n");
        assert_eq!(f.next_line(&mut buf).unwrap().unwrap().len(), 50_000);
    }

    #[test]
    fn crlf_split_across_reads_at_the_limit() {
        let mut f = LineFramer::new(8, LineEnding::Crlf);
        let mut buf = BytesMut::from(&b"abcdef\r"[..]);
        assert_eq!(f.next_line(&mut buf), Ok(None));
        buf.extend_from_slice(b"\n");
        assert_eq!(f.next_line(&mut buf).unwrap().unwrap(), &b"abcdef"[..]);
        // 9 octets with CRLF: one too many.
        let mut buf = BytesMut::from(&b"abcdefg\r"[..]);
        assert_eq!(f.next_line(&mut buf), Ok(None));
        buf.extend_from_slice(b"\n");
        assert_eq!(f.next_line(&mut buf).unwrap_err().kind(), DecodeErrorKind::LineTooLong);
        assert!(buf.is_empty());
    }
}
