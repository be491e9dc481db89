//! Sending DATA content: the transparency procedure of RFC 5321 §4.5.2.

use bytes::{BufMut, BytesMut};

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
