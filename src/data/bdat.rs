//! BDAT chunks (RFC 3030 §2): the payload of one `BDAT n [LAST]` command is exactly `n`
//! octets, with no dot-stuffing and no end marker.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::reclaim;
use crate::types::itoa_u64;

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
    /// [`DotUnstuffer::decode`](super::DotUnstuffer::decode).
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
