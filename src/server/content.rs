//! Message content: DATA through the [`DotUnstuffer`](crate::data::DotUnstuffer), BDAT
//! chunks through the [`BdatDecoder`]; slices of the input buffer handed out as
//! [`Event::Data`].
//!
//! DATA is unstuffed in the input buffer itself
//! ([`DotUnstuffer::decode_in_place`](crate::data::DotUnstuffer::decode_in_place)): the
//! octets after each transparency dot move up over it, so a read of content with many
//! dotted lines is one event rather than one per dotted line. Moving a short stretch of
//! octets within a buffer that is in cache costs less than handing out, and having the
//! program take, one more event; a long one is not moved (it starts the next event).

use bytes::Bytes;

use crate::data::{BdatDecoder, DataEvent, DataOutcome};
use crate::types::{EnhancedStatusCode, Reply, ReplyCode};

use super::Server;
use super::output::{Event, Output};
use super::session::Phase;

/// `250 2.0.0 <n> octets received`: a BDAT chunk other than the last was taken, as in
/// the examples of RFC 3030 §4.
fn chunk_received(size: u64) -> Reply {
    let text = format!("{size} octets received");
    Reply::with_enhanced(ReplyCode::OK, EnhancedStatusCode::OK, &text)
        .unwrap_or(crate::types::replies::OK)
}

impl Server {
    /// DATA content: the next chunk, the end, or a need for input.
    pub(super) fn step_data(&mut self) -> Option<Output> {
        let Phase::Data(unstuffer) = &mut self.phase else { return None };
        match unstuffer.decode_in_place(&mut self.input) {
            None => Some(Output::NeedInput),
            Some(DataEvent::Chunk(chunk)) => self.content(chunk),
            Some(DataEvent::End(summary)) => {
                self.phase = Phase::Command;
                self.decoder.reset();
                if summary.outcome == DataOutcome::Ok {
                    return self.message_end(Some(summary));
                }
                // Too big, a bare CR/LF or an over-long line: refused, nothing kept
                // (RFC 1870 §6.2, RFC 5321 §2.3.8).
                self.write_message_reply(&summary.outcome.reply());
                self.emit(Event::MessageAborted)
            }
        }
    }

    /// One piece of content for the program, counted into the message size.
    fn content(&mut self, chunk: Bytes) -> Option<Output> {
        if let Some(t) = self.session.transaction.as_mut() {
            t.size += chunk.len() as u64;
        }
        if chunk.is_empty() {
            return None;
        }
        Some(Output::Event(Event::Data(chunk)))
    }

    /// Starts taking an accepted BDAT chunk (RFC 3030 §2).
    pub(super) fn take_chunk(&mut self, size: u64, last: bool) {
        self.phase = Phase::Bdat { decoder: BdatDecoder::new(size, last), size, refused: None };
    }

    /// Drains a refused BDAT chunk; once it is read, `reply` follows, `copies` times
    /// (RFC 3030 §2: a refused chunk is still read, never executed as commands).
    pub(super) fn drain_chunk(&mut self, size: u64, last: bool, reply: Reply, copies: usize) {
        let decoder = BdatDecoder::discarding(size, last);
        self.phase = Phase::Bdat { decoder, size, refused: Some((reply, copies)) };
    }

    /// Fails the open transaction at a BDAT chunk (its start refused, or the chunk takes
    /// the message over SIZE): the chunk is drained and answered with `reply`, and so are
    /// the chunks pipelined after it (RFC 3030 §2).
    pub(super) fn fail_chunk(&mut self, size: u64, last: bool, reply: Reply) {
        let transaction = self.session.transaction.take();
        let recipients = transaction.map_or(0, |t| t.lmtp_recipients.len());
        self.drain_failed_chunk(size, last, reply, recipients);
    }

    /// Drains a chunk of a failed transaction with `reply`; up to its LAST chunk, the
    /// next BDAT still belongs to it. The reply to a LAST chunk is the reply to the
    /// message, so in LMTP it goes once to each of the `recipients` accepted in the
    /// transaction (RFC 2033 §4.3).
    pub(super) fn drain_failed_chunk(
        &mut self,
        size: u64,
        last: bool,
        reply: Reply,
        recipients: usize,
    ) {
        if !last {
            self.session.failed_chunks = Some((reply.clone(), recipients));
        }
        let copies = if last { recipients.max(1) } else { 1 };
        self.drain_chunk(size, last, reply, copies);
    }

    /// BDAT octets: the next piece, the end of the chunk, or a need for input.
    pub(super) fn step_bdat(&mut self) -> Option<Output> {
        let Phase::Bdat { decoder, .. } = &mut self.phase else { return None };
        if let Some(chunk) = decoder.decode(&mut self.input) {
            return self.content(chunk);
        }
        if !decoder.is_complete() {
            return Some(Output::NeedInput);
        }
        let last = decoder.is_last();
        let Phase::Bdat { refused, size, .. } = std::mem::replace(&mut self.phase, Phase::Command)
        else {
            return None;
        };
        self.decoder.reset();
        match refused {
            Some((reply, copies)) => {
                for _ in 0..copies {
                    self.write(&reply);
                }
                None
            }
            None if last => self.message_end(None),
            None => {
                self.write(&chunk_received(size));
                None
            }
        }
    }
}
