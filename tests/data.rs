//! Message content: end-of-data detection (and SMTP smuggling), dot-unstuffing at read
//! boundaries, limits, BDAT, and stuff/unstuff round trips under any cut of the stream.

use bytes::BytesMut;
use esmtp::data::{
    BareLineEndings, BdatDecoder, BdatWriter, DataConfig, DataEvent, DataOutcome, DataSummary,
    DotStuffer, DotUnstuffer, LineEndingPolicy,
};
use esmtp::types::{EnhancedStatusCode, ReplyCode};
use proptest::prelude::*;

#[path = "common/normalized.rs"]
mod normalized;
use normalized::normalized;

/// Feeds `reads` one after the other; returns the content, the summary (if the end was
/// found) and what is left in the buffer.
fn unstuff_reads(config: DataConfig, reads: &[&[u8]]) -> (Vec<u8>, Option<DataSummary>, Vec<u8>) {
    let mut u = DotUnstuffer::new(config);
    let mut buf = BytesMut::new();
    let mut content = Vec::new();
    let mut end = None;
    for r in reads {
        buf.extend_from_slice(r);
        while let Some(ev) = u.decode(&mut buf) {
            match ev {
                DataEvent::Chunk(c) => content.extend_from_slice(&c),
                DataEvent::End(s) => end = Some(s),
            }
        }
    }
    (content, end, buf.to_vec())
}

fn unstuff(input: &[u8]) -> (Vec<u8>, Option<DataSummary>, Vec<u8>) {
    unstuff_reads(DataConfig::default(), &[input])
}

fn accept() -> DataConfig {
    let mut c = DataConfig::default();
    c.bare_line_endings = BareLineEndings::Keep;
    c
}

fn normalize() -> DataConfig {
    let mut c = DataConfig::default();
    c.bare_line_endings = BareLineEndings::Normalize;
    c
}

/// Each bare line ending policy.
fn policy() -> impl Strategy<Value = BareLineEndings> {
    prop::sample::select(vec![
        BareLineEndings::Reject,
        BareLineEndings::Normalize,
        BareLineEndings::Keep,
    ])
}

#[test]
fn end_of_data_and_what_follows() {
    let (content, end, rest) = unstuff(b"Subject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n");
    assert_eq!(content, b"Subject: hi\r\n\r\nbody\r\n");
    let end = end.expect("end found");
    assert_eq!((end.outcome, end.size), (DataOutcome::Ok, 21));
    assert_eq!(rest, b"QUIT\r\n", "pipelined commands stay for the command decoder");
}

/// RFC 5321 §4.1.1.4: the DATA line's CRLF starts the first line, so `.` CRLF first is an
/// empty message.
#[test]
fn empty_message_and_one_dot_line() {
    let (content, end, rest) = unstuff(b".\r\nNOOP\r\n");
    assert!(content.is_empty());
    assert_eq!(end.unwrap().size, 0);
    assert_eq!(rest, b"NOOP\r\n");
    // A message whose one line is a single dot is sent stuffed as "..".
    let (content, end, _) = unstuff(b"..\r\n.\r\n");
    assert_eq!(content, b".\r\n");
    assert_eq!(end.map(|e| (e.outcome, e.size)), Some((DataOutcome::Ok, 3)));
    let (content, _, _) = unstuff(b"..leading\r\n...two\r\nmid.dle\r\n.\r\n");
    assert_eq!(content, b".leading\r\n..two\r\nmid.dle\r\n");
}

/// SMTP smuggling (CVE-2023-51764/51765/51766): only CRLF . CRLF ends the data.
#[test]
fn smuggling_sequences_never_end_data() {
    for fake in [&b"\n.\n"[..], b"\r\n.\n", b"\n.\r\n", b"\r.\r", b"\r.\r\n", b"\n..\n"] {
        let mut msg = b"a".to_vec();
        msg.extend_from_slice(fake);
        msg.extend_from_slice(
            b"MAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n",
        );
        // Without the real end, nothing ends and nothing is left over.
        for config in [DataConfig::default(), accept()] {
            let (_, end, _) = unstuff_reads(config, &[&msg]);
            assert!(end.is_none(), "{:?} ended the data", String::from_utf8_lossy(fake));
        }
        // With the real end, the default policy refuses the whole message.
        msg.extend_from_slice(b"\r\n.\r\n");
        let (_, end, rest) = unstuff(&msg);
        let end = end.unwrap();
        assert_eq!(end.outcome, DataOutcome::BareLineEnding, "{:?}", String::from_utf8_lossy(fake));
        assert!(rest.is_empty());
        // Accepting bare line ends keeps the smuggled lines as content.
        let (content, end, _) = unstuff_reads(accept(), &[&msg]);
        assert_eq!(end.unwrap().outcome, DataOutcome::Ok);
        assert!(content.windows(9).any(|w| w == b"MAIL FROM"));
    }
}

/// `CR LF . LF` must not silently lose its dot and continue.
#[test]
fn crlf_dot_lf_keeps_its_dot() {
    let (content, end, _) = unstuff_reads(accept(), &[b"a\r\n.\nb\r\n.\r\n"]);
    assert_eq!(content, b"a\r\n.\nb\r\n");
    let end = end.unwrap();
    assert!(end.bare_lf);
    let (_, end, _) = unstuff(b"a\r\n.\nb\r\n.\r\n");
    assert_eq!(end.unwrap().outcome, DataOutcome::BareLineEnding);
}

/// `BareLineEndings::Normalize` (Postfix 3.9's default): a line ending in a bare LF is
/// stored as a CRLF line. The content before the LF is a slice of the input, the CRLF a
/// chunk of its own; the summary still reports the bare LF, and the size is the stored one.
#[test]
fn normalize_stores_lf_lines_as_crlf_lines() {
    let wire = b"Subject: x\n\nbody\nline\r\n.\r\nQUIT\r\n";
    let mut u = DotUnstuffer::new(normalize());
    let mut buf = BytesMut::from(&wire[..]);
    let (base, len) = (buf.as_ptr() as usize, buf.len());
    let mut chunks = Vec::new();
    let end = loop {
        match u.decode(&mut buf) {
            Some(DataEvent::Chunk(c)) => chunks.push(c),
            Some(DataEvent::End(s)) => break s,
            None => panic!("no end"),
        }
    };
    let texts: Vec<&[u8]> = chunks.iter().map(|c| &c[..]).collect();
    let want: [&[u8]; 6] = [b"Subject: x", b"\r\n", b"\r\n", b"body", b"\r\n", b"line\r\n"];
    assert_eq!(texts, want);
    for c in &chunks {
        let inside = (base..base + len).contains(&(c.as_ptr() as usize));
        assert_eq!(inside, &c[..] != b"\r\n", "{c:?}: only the CRLFs are not input slices");
    }
    assert_eq!(&buf[..], b"QUIT\r\n");
    assert_eq!(
        (end.outcome, end.size, end.bare_lf, end.bare_cr),
        (DataOutcome::Ok, 26, true, false)
    );

    // Mixed CRLF and LF lines, an empty LF line after a CRLF, and an LF line at the start.
    let (content, end, _) = unstuff_reads(normalize(), &[b"\na\r\nb\nc\r\n\nd\n\ne\r\n.\r\n"]);
    assert_eq!(content, b"\r\na\r\nb\r\nc\r\n\r\nd\r\n\r\ne\r\n");
    let end = end.unwrap();
    assert_eq!((end.outcome, end.size, end.bare_lf), (DataOutcome::Ok, 21, true));
    // Only CRLF lines: as under the other policies, nothing reported.
    let (content, end, _) = unstuff_reads(normalize(), &[b"a\r\n..b\r\n.\r\n"]);
    assert_eq!(content, b"a\r\n.b\r\n");
    let end = end.unwrap();
    assert_eq!((end.outcome, end.bare_lf, end.bare_cr), (DataOutcome::Ok, false, false));
}

/// Under `Normalize` a line after a bare LF is a line for the transparency rule (RFC 5321
/// §4.5.2): its leading dot is dropped, as after a CRLF. But it never starts the end
/// marker: `.<CRLF>` there is content and keeps its dot, as `.<LF>` does anywhere.
#[test]
fn normalize_dots_after_a_bare_lf() {
    for (wire, want) in [
        (&b"a\n..b\r\n.\r\n"[..], &b"a\r\n.b\r\n"[..]),
        (b"a\n.b\r\n.\r\n", b"a\r\nb\r\n"),
        (b"a\n.\r\nb\r\n.\r\n", b"a\r\n.\r\nb\r\n"),
        (b"a\n.\nb\r\n.\r\n", b"a\r\n.\r\nb\r\n"),
        (b"a\r\n.\nb\r\n.\r\n", b"a\r\n.\r\nb\r\n"),
        (b".\n.\r\n..\r\n.\r\n", b".\r\n.\r\n.\r\n"),
    ] {
        let (content, end, rest) = unstuff_reads(normalize(), &[wire]);
        let name = String::from_utf8_lossy(wire);
        assert_eq!(content, want, "{name:?}");
        let end = end.unwrap_or_else(|| panic!("{name:?}: no end"));
        assert_eq!((end.outcome, end.size), (DataOutcome::Ok, want.len() as u64), "{name:?}");
        assert!(rest.is_empty(), "{name:?}");
    }
}

/// SMTP smuggling (CVE-2023-51764/51765/51766) under `Normalize`: `\n.\n`, `\r\n.\n` and
/// `\n.\r\n` never end the data, though each is stored as a dot line; only the real
/// `<CRLF>.<CRLF>` does, and what follows the fake one is the message's content.
#[test]
fn normalize_smuggling_sequences_never_end_data() {
    let smuggled = b"MAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n";
    for fake in [&b"\n.\n"[..], b"\r\n.\n", b"\n.\r\n", b"\n..\n", b"\n.\n.\r\n"] {
        let name = String::from_utf8_lossy(fake);
        let msg = [&b"a"[..], fake, smuggled].concat();
        let (_, end, rest) = unstuff_reads(normalize(), &[&msg]);
        assert!(end.is_none(), "{name:?} ended the data");
        assert!(rest.is_empty(), "{name:?}");
        let msg = [&msg[..], b"\r\n.\r\nQUIT\r\n"].concat();
        for cut in 0..=msg.len() {
            let (content, end, rest) = unstuff_reads(normalize(), &[&msg[..cut], &msg[cut..]]);
            let end = end.unwrap_or_else(|| panic!("{name:?}, cut at {cut}: no end"));
            assert_eq!((end.outcome, end.bare_lf), (DataOutcome::Ok, true), "{name:?}");
            assert_eq!(rest, b"QUIT\r\n", "{name:?}, cut at {cut}");
            assert!(content.starts_with(b"a\r\n.\r\n"), "{name:?}, cut at {cut}");
            assert!(content.ends_with(&[&smuggled[..], b"\r\n"].concat()), "{name:?}");
        }
    }
}

/// A bare LF cut from what is around it at every place, in two reads and three, and one
/// octet at a time: the same content, end and summary.
#[test]
fn normalize_bare_lf_at_read_boundaries() {
    let input = b"ab\n..c\n\nd\n.\r\n\r\n.\r\nQUIT\r\n";
    let want: &[u8] = b"ab\r\n.c\r\n\r\nd\r\n.\r\n\r\n";
    let (content, end, rest) = unstuff_reads(normalize(), &[input]);
    assert_eq!((&content[..], &rest[..]), (want, &b"QUIT\r\n"[..]));
    let end = end.expect("end found");
    assert_eq!((end.outcome, end.size), (DataOutcome::Ok, want.len() as u64));
    for a in 0..=input.len() {
        for b in a..=input.len() {
            let reads = [&input[..a], &input[a..b], &input[b..]];
            let (c, e, r) = unstuff_reads(normalize(), &reads);
            assert_eq!((&c[..], e, &r[..]), (want, Some(end), &b"QUIT\r\n"[..]), "cut {a} {b}");
        }
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(
        unstuff_reads(normalize(), &bytes),
        (want.to_vec(), Some(end), b"QUIT\r\n".to_vec())
    );
}

/// Under `Normalize` a bare CR is refused as under `Reject` (RFC 5321 §2.3.8): 554 5.6.0,
/// nothing yielded from it on, drained to the real end. Wherever the reads are cut.
#[test]
fn normalize_refuses_bare_cr() {
    // Each message, and the most of it that may be yielded: the stored content up to the
    // bare CR.
    for (wire, most) in [
        (&b"a\rb\r\n.\r\nQUIT\r\n"[..], &b"a\r"[..]),
        (b"a\nb\r\r\n.\r\nQUIT\r\n", b"a\r\nb\r"),
        (b"a\n\rb\r\n.\r\nQUIT\r\n", b"a\r\n\r"),
        (b".\rx\r\n.\r\nQUIT\r\n", b"\r"),
        (b"a\r.\r\n.\r\nQUIT\r\n", b"a\r"),
        (b"a\r\n\r.\r\n.\r\nQUIT\r\n", b"a\r\n\r"),
    ] {
        let name = String::from_utf8_lossy(wire);
        for cut in 0..=wire.len() {
            let (content, end, rest) = unstuff_reads(normalize(), &[&wire[..cut], &wire[cut..]]);
            let end = end.unwrap_or_else(|| panic!("{name:?}, cut at {cut}: no end"));
            assert_eq!((end.outcome, end.bare_cr), (DataOutcome::BareLineEnding, true), "{name:?}");
            assert!(most.starts_with(&content), "{name:?}, cut at {cut}: {content:?}");
            assert_eq!(rest, b"QUIT\r\n", "{name:?}, cut at {cut}");
        }
    }
}

/// Under `Normalize` the limits are on the content as stored: each bare LF counts two
/// octets toward `max_size` (RFC 1870) and ends a text line, counted as its CRLF, for
/// `max_line` (RFC 5321 §4.5.3.1.6).
#[test]
fn normalize_limits_count_the_stored_content() {
    // Ten `x<LF>` lines and an empty CRLF line: 22 octets sent, 32 stored.
    let wire = [b"x\n".repeat(10), b"\r\n.\r\n".to_vec()].concat();
    for (max, want) in [(31, DataOutcome::TooBig), (32, DataOutcome::Ok)] {
        let mut config = normalize();
        config.max_size = Some(max);
        for cut in 0..=wire.len() {
            let end = unstuff_reads(config.clone(), &[&wire[..cut], &wire[cut..]]).1.unwrap();
            assert_eq!((end.outcome, end.size), (want, 32), "max {max}, cut at {cut}");
        }
    }
    let mut config = normalize();
    config.max_line = Some(1000);
    let cases = [
        ([vec![b'a'; 998], b"\n".to_vec()].concat(), DataOutcome::Ok),
        ([vec![b'a'; 999], b"\n".to_vec()].concat(), DataOutcome::LineTooLong),
        // One line of 1203 octets under `Keep`; two lines here.
        (
            [vec![b'a'; 600], b"\n".to_vec(), vec![b'b'; 600], b"\n".to_vec()].concat(),
            DataOutcome::Ok,
        ),
        (
            [vec![b'a'; 500], b"\n".to_vec(), vec![b'b'; 998], b"\r\n".to_vec()].concat(),
            DataOutcome::Ok,
        ),
        (
            [vec![b'a'; 500], b"\n".to_vec(), vec![b'b'; 999], b"\r\n".to_vec()].concat(),
            DataOutcome::LineTooLong,
        ),
    ];
    for (text, want) in cases {
        let wire = [&text[..], b"\r\n.\r\n"].concat();
        for cut in 0..=wire.len() {
            let end = unstuff_reads(config.clone(), &[&wire[..cut], &wire[cut..]]).1.unwrap();
            assert_eq!(end.outcome, want, "{} octets, cut at {cut}", text.len());
        }
    }
}

/// Dots and line ends split across reads: `\r` | `\n.` | `\r\n`, and every other cut.
#[test]
fn dots_at_read_boundaries() {
    let input = b"x\r\n..y\r\n.\r\nQUIT\r\n";
    let (want, want_end, want_rest) = unstuff(input);
    assert_eq!(want, b"x\r\n.y\r\n");
    let want_end = want_end.expect("end found");
    assert_eq!((want_end.outcome, want_end.size), (DataOutcome::Ok, 7));
    let reads: [&[u8]; 3] = [b"x\r", b"\n.", b".y\r\n.\r\nQUIT\r\n"];
    assert_eq!(unstuff_reads(DataConfig::default(), &reads).0, want);
    let reads: [&[u8]; 4] = [b"x\r\n..y", b"\r", b"\n.", b"\r\nQUIT\r\n"];
    let (c, end, rest) = unstuff_reads(DataConfig::default(), &reads);
    assert_eq!((c, rest), (want.clone(), want_rest.clone()));
    assert_eq!(end, Some(want_end));
    for cut in 0..=input.len() {
        let (c, end, rest) = unstuff_reads(DataConfig::default(), &[&input[..cut], &input[cut..]]);
        assert_eq!((&c, &rest), (&want, &want_rest), "cut at {cut}");
        assert_eq!(end, Some(want_end), "cut at {cut}");
    }
    // One octet at a time.
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let (c, end, rest) = unstuff_reads(DataConfig::default(), &bytes);
    assert_eq!((c, rest), (want, want_rest));
    assert_eq!(end, Some(want_end));
}

#[test]
fn chunks_are_slices_of_the_input() {
    let mut u = DotUnstuffer::default();
    let mut buf = BytesMut::from(&b"line one\r\n..two\r\n.\r\n"[..]);
    let base = buf.as_ptr() as usize;
    let mut starts = Vec::new();
    while let Some(DataEvent::Chunk(c)) = u.decode(&mut buf) {
        starts.push(c.as_ptr() as usize - base);
    }
    // "line one\r\n" from 0, then "..two" minus its first dot from 11.
    assert_eq!(starts, [0, 11]);
}

/// A buffer used up by chunks that are then dropped goes back to the front of its
/// allocation: the next read fills the same memory. Reads ending in a CR, or in a CR LF
/// that the end marker may follow, use it up too: nothing is held back.
#[test]
fn used_up_buffer_is_refilled_in_place() {
    let mut u = DotUnstuffer::default();
    let mut buf = BytesMut::with_capacity(256);
    let base = buf.as_ptr() as usize;
    let reads = [
        &b"one\r\n..two\r\nthr"[..],
        b"ee\r\n..four\r\n",
        b"..five\r",
        b"\nsix\r",
        b"\n",
        b"seven\r\n",
    ];
    for read in reads {
        buf.extend_from_slice(read);
        assert_eq!(buf.as_ptr() as usize - base, 0, "{read:?}");
        while let Some(ev) = u.decode(&mut buf) {
            assert!(matches!(ev, DataEvent::Chunk(_)));
        }
        assert!(buf.is_empty(), "{read:?}");
    }
    buf.extend_from_slice(b".\r\nQUIT\r\n");
    let Some(DataEvent::End(end)) = u.decode(&mut buf) else { panic!("no end") };
    assert_eq!((end.outcome, end.size, &buf[..]), (DataOutcome::Ok, 44, &b"QUIT\r\n"[..]));
}

/// A reader that keeps the chunks keeps their memory, and the used-up buffer keeps the
/// spare capacity it had: a read that reserves little before reading (one octet, as some
/// framing code does) still has room. Once the chunks are dropped, the next `None` gives
/// the buffer all of its allocation back, at the front. The same for BDAT.
#[test]
fn held_chunks_leave_the_buffer_its_spare_capacity() {
    let mut u = DotUnstuffer::default();
    let mut buf = BytesMut::with_capacity(1024);
    let base = buf.as_ptr() as usize;
    buf.extend_from_slice(b"one\r\n..two\r\n");
    let mut held = Vec::new();
    while let Some(DataEvent::Chunk(c)) = u.decode(&mut buf) {
        held.push(c);
    }
    assert_eq!(held.concat(), b"one\r\n.two\r\n");
    buf.reserve(1);
    assert!(buf.capacity() >= 1024 - 13, "capacity {}", buf.capacity());
    drop(held);
    assert_eq!(u.decode(&mut buf), None);
    assert_eq!((buf.as_ptr() as usize - base, buf.capacity() >= 1024), (0, true));

    let mut d = BdatDecoder::new(100, true);
    let mut buf = BytesMut::with_capacity(1024);
    let base = buf.as_ptr() as usize;
    buf.extend_from_slice(&[b'x'; 40]);
    let held = d.decode(&mut buf).expect("40 octets");
    assert_eq!(d.decode(&mut buf), None);
    buf.reserve(1);
    assert!(buf.capacity() >= 1024 - 40, "capacity {}", buf.capacity());
    drop(held);
    assert_eq!(d.decode(&mut buf), None);
    assert_eq!((buf.as_ptr() as usize - base, buf.capacity() >= 1024), (0, true));
}

/// The reader may add to the buffer between two events, and may keep the chunks.
#[test]
fn buffer_grown_between_events() {
    let wire = b"a\r\n..b\r\n..c\r\nd\r\n.\r\nQUIT\r\n";
    for first in 0..wire.len() {
        for step in 1..6 {
            let mut u = DotUnstuffer::default();
            let mut buf = BytesMut::from(&wire[..first]);
            let mut fed = first;
            let mut chunks = Vec::new();
            let mut end = None;
            loop {
                match u.decode(&mut buf) {
                    Some(DataEvent::Chunk(c)) => chunks.push(c),
                    Some(DataEvent::End(s)) => {
                        end = Some(s);
                        break;
                    }
                    None if fed == wire.len() => break,
                    None => {}
                }
                let next = (fed + step).min(wire.len());
                buf.extend_from_slice(&wire[fed..next]);
                fed = next;
            }
            let content: Vec<u8> = chunks.concat();
            assert_eq!(content, b"a\r\n.b\r\n.c\r\nd\r\n", "first {first} step {step}");
            assert_eq!(end.map(|s| s.outcome), Some(DataOutcome::Ok));
            assert_eq!(&buf[..], &wire[wire.len() - 6..fed], "first {first} step {step}");
        }
    }
}

#[test]
fn content_without_final_crlf_and_eight_bit_and_nul() {
    let (content, end, _) = unstuff(b"no newline at end\r\n.\r\n");
    assert_eq!(content, b"no newline at end\r\n");
    assert!(!end.unwrap().eight_bit);
    let (_, end, _) = unstuff("caf\u{e9}\r\n.\r\n".as_bytes());
    assert!(end.unwrap().eight_bit);
    let (_, end, _) = unstuff(b"a\0b\r\n.\r\n");
    let end = end.unwrap();
    assert!(end.nul && !end.eight_bit);
}

/// RFC 1870: past the declared limit, drain without buffering and report 552 at the end.
#[test]
fn size_limit_drains_and_reports() {
    let mut config = DataConfig::default();
    config.max_size = Some(100);
    let mut u = DotUnstuffer::new(config);
    let mut buf = BytesMut::new();
    let mut yielded = 0;
    let line = [b'x'; 78];
    for _ in 0..1000 {
        buf.extend_from_slice(&line);
        buf.extend_from_slice(b"\r\n");
        while let Some(ev) = u.decode(&mut buf) {
            if let DataEvent::Chunk(c) = ev {
                yielded += c.len();
            }
        }
        assert!(buf.is_empty(), "buffer holds {} octets", buf.len());
    }
    buf.extend_from_slice(b".\r\n");
    let Some(DataEvent::End(end)) = u.decode(&mut buf) else { panic!("no end") };
    assert_eq!(end.outcome, DataOutcome::TooBig);
    let reply = end.outcome.reply();
    assert_eq!(
        (reply.code(), reply.enhanced_code()),
        (ReplyCode::EXCEEDED_STORAGE, Some(EnhancedStatusCode::MESSAGE_TOO_BIG))
    );
    assert_eq!(end.size, 80_000);
    assert!(yielded <= 100 + 80, "yielded {yielded}");
}

/// Each outcome gives the reply a server sends after the end of data, with its enhanced
/// code (RFC 3463), whose class is the reply code's: 250 2.0.0, 552 5.3.4 (RFC 1870 §6.2),
/// 554 5.6.0.
#[test]
fn outcome_replies() {
    for (outcome, code, enhanced) in [
        (DataOutcome::Ok, ReplyCode::OK, EnhancedStatusCode::OK),
        (DataOutcome::TooBig, ReplyCode::EXCEEDED_STORAGE, EnhancedStatusCode::MESSAGE_TOO_BIG),
        (DataOutcome::LineTooLong, ReplyCode::TRANSACTION_FAILED, EnhancedStatusCode::OTHER_MEDIA),
        (
            DataOutcome::BareLineEnding,
            ReplyCode::TRANSACTION_FAILED,
            EnhancedStatusCode::OTHER_MEDIA,
        ),
    ] {
        let reply = outcome.reply();
        assert_eq!((reply.code(), reply.enhanced_code()), (code, Some(enhanced)), "{outcome:?}");
        assert!(!reply.is_multiline() && !reply.first_line().as_str().is_empty(), "{outcome:?}");
    }
    let mut wire = BytesMut::new();
    DataOutcome::TooBig.reply().encode(&mut wire);
    assert_eq!(&wire[..], b"552 5.3.4 Message too big for system\r\n");
}

/// RFC 5321 §4.5.3.1.6: 1000 octets per text line including CRLF, when asked for.
#[test]
fn optional_line_limit() {
    let mut config = DataConfig::default();
    config.max_line = Some(1000);
    let ok = [vec![b'a'; 998], b"\r\n.\r\n".to_vec()].concat();
    assert_eq!(unstuff_reads(config.clone(), &[&ok]).1.unwrap().outcome, DataOutcome::Ok);
    let long = [vec![b'a'; 999], b"\r\n.\r\n".to_vec()].concat();
    let cut: Vec<&[u8]> = long.chunks(7).collect();
    assert_eq!(unstuff_reads(config, &cut).1.unwrap().outcome, DataOutcome::LineTooLong);
    assert_eq!(unstuff(&long).1.unwrap().outcome, DataOutcome::Ok, "off by default");
}

/// RFC 5321 §4.5.3.1.6: the 1000-octet limit of a text line does "not count the leading
/// dot duplicated for transparency". A 1000-octet line (CRLF included) that begins with a
/// dot goes on the wire as 1001 octets and is within the limit; one octet more is not.
/// The line is tried first in the message and after another line, in one read and cut
/// anywhere (the dot is dropped where a line starts a read, or inside a read).
#[test]
fn line_limit_does_not_count_the_transparency_dot() {
    let mut config = DataConfig::default();
    config.max_line = Some(1000);
    for (text, want) in [(998, DataOutcome::Ok), (999, DataOutcome::LineTooLong)] {
        // `text` octets before the CRLF, the first of them a dot.
        let line = [b".".to_vec(), vec![b'a'; text - 1], b"\r\n".to_vec()].concat();
        for before in [&b""[..], b"x\r\n"] {
            let content = [before, &line].concat();
            let mut s = DotStuffer::default();
            let mut wire = BytesMut::new();
            s.stuff(&content, &mut wire);
            s.finish(&mut wire);
            assert_eq!(wire.len(), content.len() + 1 + 3, "one transparency dot, then .CRLF");
            for cut in 0..=wire.len() {
                let (got, end, _) = unstuff_reads(config.clone(), &[&wire[..cut], &wire[cut..]]);
                let end = end.expect("end found");
                assert_eq!(end.outcome, want, "line of {} octets, cut at {cut}", text + 2);
                if want == DataOutcome::Ok {
                    assert_eq!(got, content);
                }
            }
        }
    }
}

/// RFC 5321 §2.3.8: only CRLF ends a line. Where bare LF is accepted as content, it does not
/// end the text line the limit applies to: two 600-octet halves joined by a bare LF are one
/// line of 1203 octets. A 1000-octet line with a bare LF inside is within the limit, and a
/// CRLF cut between two reads still ends a line.
#[test]
fn bare_lf_does_not_restart_the_line_count() {
    let mut config = accept();
    config.max_line = Some(1000);
    let cases = [
        ([vec![b'a'; 600], b"\n".to_vec(), vec![b'b'; 600]].concat(), DataOutcome::LineTooLong),
        ([vec![b'a'; 500], b"\n".to_vec(), vec![b'b'; 497]].concat(), DataOutcome::Ok),
        ([vec![b'a'; 500], b"\n".to_vec(), vec![b'b'; 498]].concat(), DataOutcome::LineTooLong),
        ([vec![b'a'; 998], b"\r\n".to_vec(), vec![b'b'; 998]].concat(), DataOutcome::Ok),
    ];
    for (text, want) in cases {
        let wire = [&text[..], b"\r\n.\r\n"].concat();
        for cut in 0..=wire.len() {
            let (got, end, _) = unstuff_reads(config.clone(), &[&wire[..cut], &wire[cut..]]);
            let end = end.expect("end found");
            assert_eq!(end.outcome, want, "{} octets, cut at {cut}", text.len());
            if want == DataOutcome::Ok {
                assert_eq!(got, &wire[..wire.len() - 3]);
            }
        }
    }
}

#[test]
fn stuffer_doubles_dots_across_pieces_and_ends() {
    let mut s = DotStuffer::default();
    let mut out = BytesMut::new();
    for piece in [&b".starts\r\nnext\r"[..], b"\n", b".", b"dot\r\n", b"end"] {
        s.stuff(piece, &mut out);
    }
    s.finish(&mut out);
    assert_eq!(&out[..], b"..starts\r\nnext\r\n..dot\r\nend\r\n.\r\n");
    // Empty content: just the end marker; content ending in CRLF gets no extra one.
    let mut out = BytesMut::new();
    s.finish(&mut out);
    assert_eq!(&out[..], b".\r\n");
    let mut out = BytesMut::new();
    s.stuff(b"a\r\n", &mut out);
    s.finish(&mut out);
    assert_eq!(&out[..], b"a\r\n.\r\n");
}

#[test]
fn stuffer_line_ending_policy() {
    let mut s = DotStuffer::default();
    let mut out = BytesMut::new();
    s.stuff(b"a\n.b\rc\r", &mut out);
    s.finish(&mut out);
    assert_eq!(&out[..], b"a\r\n..b\r\nc\r\n.\r\n", "bare LF and bare CR become CRLF");
    let mut s = DotStuffer::new(LineEndingPolicy::Keep);
    let mut out = BytesMut::new();
    s.stuff(b"a\n.b\r\n", &mut out);
    s.finish(&mut out);
    assert_eq!(&out[..], b"a\n.b\r\n.\r\n", "kept: a bare LF starts no line");
}

#[test]
fn bdat_decoder_takes_exactly_the_announced_octets() {
    let mut d = BdatDecoder::new(10, false);
    let mut buf = BytesMut::from(&b"0123"[..]);
    assert_eq!(d.decode(&mut buf).unwrap(), &b"0123"[..]);
    assert_eq!(d.decode(&mut buf), None);
    buf.extend_from_slice(b"456789BDAT 0 LAST\r\n");
    assert_eq!(d.decode(&mut buf).unwrap(), &b"456789"[..]);
    assert!(d.is_complete() && !d.is_last());
    assert_eq!(&buf[..], b"BDAT 0 LAST\r\n");
    assert_eq!(d.decode(&mut buf), None, "nothing past the chunk");
    // BDAT 0 LAST.
    let mut d = BdatDecoder::new(0, true);
    assert!(d.is_complete() && d.is_last());
    assert_eq!(d.decode(&mut buf), None);
    // Binary content, including what looks like commands and end markers.
    let payload: Vec<u8> = (0..=255u8).chain(*b"\r\n.\r\nQUIT\r\n").collect();
    let mut d = BdatDecoder::new(payload.len() as u64, true);
    let mut buf = BytesMut::from(&payload[..]);
    buf.extend_from_slice(b"QUIT\r\n");
    assert_eq!(d.decode(&mut buf).unwrap(), payload);
    assert_eq!(&buf[..], b"QUIT\r\n");
}

/// As with the unstuffer, a buffer a BDAT chunk uses up is refilled in place, whether the
/// chunk is taken or discarded.
#[test]
fn bdat_used_up_buffer_is_refilled_in_place() {
    for discard in [false, true] {
        let mut d =
            if discard { BdatDecoder::discarding(30, true) } else { BdatDecoder::new(30, true) };
        let mut buf = BytesMut::with_capacity(64);
        let base = buf.as_ptr() as usize;
        let mut taken = Vec::new();
        for read in [&b"0123456789"[..], b"abcdefghij", b"ABCDEFGHIJQUIT\r\n"] {
            buf.extend_from_slice(read);
            assert_eq!(buf.as_ptr() as usize - base, 0, "discard {discard}, {read:?}");
            while let Some(chunk) = d.decode(&mut buf) {
                taken.extend_from_slice(&chunk);
            }
        }
        assert!(d.is_complete());
        assert_eq!(&buf[..], b"QUIT\r\n");
        let want: &[u8] = if discard { b"" } else { b"0123456789abcdefghijABCDEFGHIJ" };
        assert_eq!(taken, want);
    }
}

#[test]
fn bdat_refused_chunk_is_discarded_not_parsed() {
    let mut d = BdatDecoder::discarding(12, false);
    let mut buf = BytesMut::from(&b"RSET\r\nQUIT\r\nNOOP\r\n"[..]);
    assert_eq!(d.decode(&mut buf), None);
    assert!(d.is_complete());
    assert_eq!(&buf[..], b"NOOP\r\n");
    // Sizes near u64::MAX never wrap.
    let mut d = BdatDecoder::new(u64::MAX, false);
    let mut buf = BytesMut::from(&b"abc"[..]);
    assert_eq!(d.decode(&mut buf).unwrap().len(), 3);
    assert_eq!(d.remaining(), u64::MAX - 3);
}

#[test]
fn bdat_writer_chunks_and_last() {
    let mut w = BdatWriter::new(4);
    let mut out = BytesMut::new();
    w.write(b"abcdef", &mut out);
    w.write(b"gh", &mut out);
    w.finish(&mut out);
    assert_eq!(&out[..], b"BDAT 4\r\nabcdBDAT 4\r\nefghBDAT 0 LAST\r\n");
    let mut out = BytesMut::new();
    w.write(b"xyz", &mut out);
    w.finish(&mut out);
    assert_eq!(&out[..], b"BDAT 3 LAST\r\nxyz");
}

fn content() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            4 => any::<u8>(),
            3 => Just(b'.'),
            3 => Just(b'\r'),
            3 => Just(b'\n'),
        ],
        0..200,
    )
}

fn cut(data: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = data;
    for &n in cuts.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let n = n.min(rest.len());
        out.push(rest[..n].to_vec());
        rest = &rest[n..];
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn unstuff_of_stuff_is_the_normalized_content(
        x in content(),
        pieces in proptest::collection::vec(1usize..20, 1..10),
        reads in proptest::collection::vec(1usize..20, 1..10),
        trailer in proptest::collection::vec(any::<u8>(), 0..20),
    ) {
        let mut s = DotStuffer::default();
        let mut wire = BytesMut::new();
        for p in cut(&x, &pieces) {
            s.stuff(&p, &mut wire);
        }
        s.finish(&mut wire);
        let wire_len = wire.len();
        wire.extend_from_slice(&trailer);
        let read_vecs = cut(&wire, &reads);
        let read_refs: Vec<&[u8]> = read_vecs.iter().map(|v| &v[..]).collect();
        let (got, end, rest) = unstuff_reads(DataConfig::default(), &read_refs);
        let end = end.expect("end found");
        prop_assert_eq!(end.outcome, DataOutcome::Ok);
        prop_assert_eq!(&got, &normalized(&x));
        // The end is found at the same place whatever the cuts: the trailer is untouched.
        prop_assert_eq!(&rest, &trailer);
        prop_assert_eq!(wire_len + trailer.len() - rest.len(), wire_len);
    }

    #[test]
    fn any_cut_gives_the_same_result(
        wire in proptest::collection::vec(prop_oneof![any::<u8>(), Just(b'.'), Just(b'\r'), Just(b'\n')], 0..300),
        reads in proptest::collection::vec(1usize..40, 1..10),
        policy in policy(),
    ) {
        let mut config = DataConfig::default();
        config.bare_line_endings = policy;
        let whole = unstuff_reads(config.clone(), &[&wire]);
        let read_vecs = cut(&wire, &reads);
        let read_refs: Vec<&[u8]> = read_vecs.iter().map(|v| &v[..]).collect();
        let pieces = unstuff_reads(config, &read_refs);
        prop_assert_eq!(&whole.1, &pieces.1);
        prop_assert_eq!(&whole.2, &pieces.2);
        if whole.1.is_some_and(|s| s.outcome == DataOutcome::Ok) {
            prop_assert_eq!(&whole.0, &pieces.0);
        } else {
            // Content is yielded up to the first problem, and where a read ends decides
            // how much of it came before: one must be a prefix of the other.
            let (a, b) = (&whole.0, &pieces.0);
            let n = a.len().min(b.len());
            prop_assert_eq!(&a[..n], &b[..n]);
        }
    }

    #[test]
    fn bdat_round_trip(x in proptest::collection::vec(any::<u8>(), 0..300), size in 1usize..64,
                       reads in proptest::collection::vec(1usize..50, 1..8)) {
        let mut w = BdatWriter::new(size);
        let mut wire = BytesMut::new();
        w.write(&x, &mut wire);
        w.finish(&mut wire);
        // Parse the BDAT lines with the command codec and the payloads with the decoder.
        let mut buf = BytesMut::new();
        let mut decoder = esmtp::CommandDecoder::default();
        let mut current: Option<BdatDecoder> = None;
        let mut got = Vec::new();
        let mut last_seen = false;
        for r in cut(&wire, &reads) {
            buf.extend_from_slice(&r);
            loop {
                if let Some(d) = current.as_mut() {
                    while let Some(c) = d.decode(&mut buf) {
                        got.extend_from_slice(&c);
                    }
                    if !d.is_complete() {
                        break;
                    }
                    last_seen |= d.is_last();
                    current = None;
                }
                match decoder.decode(&mut buf) {
                    Ok(Some(esmtp::Command::Bdat { size, last })) => current = Some(BdatDecoder::new(size, last)),
                    Ok(None) => break,
                    other => prop_assert!(false, "unexpected {:?}", other),
                }
            }
        }
        if let Some(d) = current {
            last_seen |= d.is_complete() && d.is_last();
        }
        prop_assert!(last_seen);
        prop_assert_eq!(got, x);
    }
}

/// Found by fuzzing: with two problems in one message, the outcome must not depend on
/// where the reads were cut.
#[test]
fn outcome_does_not_depend_on_cuts() {
    let mut config = DataConfig::default();
    config.max_size = Some(4);
    let input = b"abcdefgh\r\nx\ny\r\n.\r\n";
    let whole = unstuff_reads(config.clone(), &[input]).1.unwrap();
    for cut in 1..input.len() {
        let split = unstuff_reads(config.clone(), &[&input[..cut], &input[cut..]]).1.unwrap();
        assert_eq!(split, whole, "cut at {cut}");
    }
    assert_eq!(whole.outcome, DataOutcome::BareLineEnding);
}

/// The unstuffer written plainly, octet by octet, on the whole input: the content, the
/// summary (if the end is there) and where the end marker ends. Limits are checked on the
/// whole content at the end.
///
/// Under `Normalize` a bare LF is stored as CRLF and starts a line, where a dot is a
/// transparency dot, but `.<CRLF>` there does not end the data and keeps its dot.
fn reference(config: &DataConfig, wire: &[u8]) -> Option<(Vec<u8>, DataSummary, usize)> {
    let normalize = config.bare_line_endings == BareLineEndings::Normalize;
    // `raw`: the content unstuffed but not normalized, where bare line ends are judged.
    let (mut out, mut raw) = (Vec::new(), Vec::new());
    let mut k = 0;
    let (mut line_start, mut after_bare_lf) = (true, false);
    loop {
        if line_start && !after_bare_lf && wire[k..].starts_with(b".\r\n") {
            k += 3;
            break;
        }
        let &b = wire.get(k)?;
        let rest = &wire[k + 1..];
        if line_start && b == b'.' && !rest.starts_with(b"\n") && !rest.starts_with(b"\r\n") {
            // A transparency dot (a dot before a line end is kept).
            k += 1;
            line_start = false;
            continue;
        }
        let crlf = b == b'\n' && raw.last() == Some(&b'\r');
        let bare_lf = b == b'\n' && !crlf;
        raw.push(b);
        if normalize && bare_lf {
            out.extend_from_slice(b"\r\n");
        } else {
            out.push(b);
        }
        line_start = crlf || (normalize && bare_lf);
        after_bare_lf = normalize && bare_lf;
        k += 1;
    }
    let bare_cr =
        raw.iter().enumerate().any(|(i, &b)| b == b'\r' && raw.get(i + 1) != Some(&b'\n'));
    let bare_lf =
        raw.iter().enumerate().any(|(i, &b)| b == b'\n' && (i == 0 || raw[i - 1] != b'\r'));
    let size = out.len() as u64;
    // RFC 5321 §4.5.3.1.6 and §2.3.8: text lines end with CRLF only, and their length
    // counts the CRLF but not a transparency dot (already dropped from `out`).
    let long_line = config.max_line.is_some_and(|max| {
        let mut line = 0;
        out.iter().enumerate().any(|(i, &b)| {
            line += 1;
            let long = line > max;
            if b == b'\n' && i > 0 && out[i - 1] == b'\r' {
                line = 0;
            }
            long
        })
    });
    let refused = match config.bare_line_endings {
        BareLineEndings::Reject => bare_cr || bare_lf,
        BareLineEndings::Normalize => bare_cr,
        _ => false,
    };
    let outcome = if refused {
        DataOutcome::BareLineEnding
    } else if config.max_size.is_some_and(|max| size > max) {
        DataOutcome::TooBig
    } else if long_line {
        DataOutcome::LineTooLong
    } else {
        DataOutcome::Ok
    };
    let summary = DataSummary {
        size,
        eight_bit: out.iter().any(|&b| b >= 0x80),
        nul: out.contains(&0),
        bare_cr,
        bare_lf,
        outcome,
    };
    Some((out, summary, k))
}

/// Mostly plain text, with line ends, dots, end markers, NULs and 8-bit octets here and
/// there: long runs without anything to find, as in real mail.
fn sparse_wire() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        12 => proptest::collection::vec(b'a'..=b'z', 1..90),
        6 => Just(b"\r\n".to_vec()),
        2 => Just(b"\r\n.".to_vec()),
        1 => Just(b"\r\n..".to_vec()),
        1 => Just(b"\r\n.\r\n".to_vec()),
        1 => Just(b".".to_vec()),
        1 => Just(b"\r".to_vec()),
        1 => Just(b"\n".to_vec()),
        1 => Just(b"\n.".to_vec()),
        1 => Just(b"\n..".to_vec()),
        1 => Just(vec![0]),
        1 => (0x80u8..=0xff).prop_map(|b| vec![b]),
    ];
    proptest::collection::vec(token, 0..60).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The streaming unstuffer agrees with the plain one, whatever the cuts.
    #[test]
    fn unstuffer_matches_reference(
        wire in sparse_wire(),
        reads in proptest::collection::vec(1usize..300, 1..10),
        policy in policy(),
        max in proptest::option::of(0u64..2000),
        max_line in proptest::option::of(2usize..200),
    ) {
        let mut config = DataConfig::default();
        config.bare_line_endings = policy;
        config.max_size = max;
        config.max_line = max_line;
        let read_vecs = cut(&wire, &reads);
        let read_refs: Vec<&[u8]> = read_vecs.iter().map(|v| &v[..]).collect();
        let (got, end, rest) = unstuff_reads(config.clone(), &read_refs);
        match reference(&config, &wire) {
            Some((want, summary, consumed)) => {
                prop_assert_eq!(end, Some(summary));
                prop_assert_eq!(&rest[..], &wire[consumed..]);
                if summary.outcome == DataOutcome::Ok {
                    prop_assert_eq!(got, want);
                } else {
                    prop_assert_eq!(&got[..], &want[..got.len()]);
                }
            }
            None => {
                prop_assert_eq!(end, None);
                prop_assert!(rest.len() <= 2);
            }
        }
    }
}

/// Every property found at every offset of a long line, across the block boundaries of the
/// scan and at the end of a read.
#[test]
fn properties_at_every_offset() {
    for at in 0..300 {
        for (odd, what) in
            [(&b"\r"[..], "bare CR"), (b"\n", "bare LF"), (b"\0", "NUL"), (b"\xe9", "8-bit")]
        {
            let mut wire = vec![b'x'; 300];
            wire.splice(at..at, odd.iter().copied());
            wire.extend_from_slice(b"\r\n.\r\n");
            // In one read, and with a read ending just before, at and after it.
            for cut in [wire.len(), at, at + 1, at + 2] {
                let (_, end, rest) = unstuff_reads(accept(), &[&wire[..cut], &wire[cut..]]);
                let end = end.unwrap_or_else(|| panic!("{what} at {at}, cut {cut}: no end"));
                assert!(rest.is_empty());
                let found = match what {
                    "bare CR" => end.bare_cr && !end.bare_lf,
                    "bare LF" => end.bare_lf && !end.bare_cr,
                    "NUL" => end.nul && !end.eight_bit,
                    _ => end.eight_bit && !end.nul,
                };
                assert!(found, "{what} at {at}, cut {cut}: {end:?}");
            }
        }
        // The end marker at every offset, and nothing before it taken for one.
        let mut wire = vec![b'x'; at];
        wire.extend_from_slice(b"\r\n.\r\nQUIT\r\n");
        let (content, end, rest) = unstuff(&wire);
        assert_eq!(end.map(|e| e.outcome), Some(DataOutcome::Ok), "end at {at}");
        assert_eq!(content.len(), at + 2);
        assert_eq!(rest, b"QUIT\r\n");
    }
}

/// Unstuffs `wire` cut into `reads` both ways under one configuration: the same content
/// octet for octet, the same end and summary, the same octets left in the buffer.
fn in_place_matches_decode(
    wire: &[u8],
    reads: &[usize],
    policy: BareLineEndings,
    max: Option<u64>,
    max_line: Option<usize>,
) -> Result<(), TestCaseError> {
    let mut config = DataConfig::default();
    config.bare_line_endings = policy;
    config.max_size = max;
    config.max_line = max_line;
    let read_vecs = cut(wire, reads);
    let read_refs: Vec<&[u8]> = read_vecs.iter().map(|v| &v[..]).collect();
    let (content, end, rest) = unstuff_reads(config.clone(), &read_refs);
    let (in_place, in_place_end, in_place_rest, _) = unstuff_reads_in_place(config, &read_refs);
    prop_assert_eq!(in_place, content);
    prop_assert_eq!(in_place_end, end);
    prop_assert_eq!(in_place_rest, rest);
    Ok(())
}

/// As [`unstuff_reads`], through [`DotUnstuffer::decode_in_place`]; also returns the
/// number of chunks.
fn unstuff_reads_in_place(
    config: DataConfig,
    reads: &[&[u8]],
) -> (Vec<u8>, Option<DataSummary>, Vec<u8>, usize) {
    let mut u = DotUnstuffer::new(config);
    let mut buf = BytesMut::new();
    let (mut content, mut end, mut chunks) = (Vec::new(), None, 0);
    for r in reads {
        buf.extend_from_slice(r);
        while let Some(ev) = u.decode_in_place(&mut buf) {
            match ev {
                DataEvent::Chunk(c) => {
                    assert!(!c.is_empty(), "no empty chunk");
                    content.extend_from_slice(&c);
                    chunks += 1;
                }
                DataEvent::End(s) => end = Some(s),
            }
        }
        if end.is_none() {
            // Only what may yet become the end marker at a line start is held back.
            assert!(matches!(&buf[..], b"" | b"." | b".\r"), "held {:?}", &buf[..]);
        }
    }
    (content, end, buf.to_vec(), chunks)
}

/// Unstuffing in place takes the transparency dots out of the buffer itself: a read of
/// many dotted lines is one chunk, a slice at the front of the buffer (RFC 5321 §4.5.2).
#[test]
fn in_place_gives_one_chunk_per_read() {
    let mut u = DotUnstuffer::default();
    let mut buf = BytesMut::with_capacity(256);
    let base = buf.as_ptr() as usize;
    let reads: [&[u8]; 3] = [b"one\r\n..two\r\n..three\r\nfour", b"\r\n...five\r\n..", b"six\r\n"];
    let mut chunks = Vec::new();
    for read in reads {
        buf.extend_from_slice(read);
        assert_eq!(buf.as_ptr() as usize, base, "every read goes to the same memory");
        let Some(DataEvent::Chunk(c)) = u.decode_in_place(&mut buf) else { panic!("a chunk") };
        assert_eq!(c.as_ptr() as usize, base, "the chunk is the front of the buffer");
        chunks.push(c.to_vec());
        drop(c);
        assert_eq!(u.decode_in_place(&mut buf), None, "one chunk per read");
    }
    assert_eq!(chunks, [&b"one\r\n.two\r\n.three\r\nfour"[..], b"\r\n..five\r\n.", b"six\r\n"]);
    buf.extend_from_slice(b".\r\nQUIT\r\n");
    let Some(DataEvent::End(end)) = u.decode_in_place(&mut buf) else { panic!("no end") };
    assert_eq!((end.outcome, end.size, &buf[..]), (DataOutcome::Ok, 39, &b"QUIT\r\n"[..]));

    // The content before the end marker comes first, then the end.
    let (content, end, rest, chunks) =
        unstuff_reads_in_place(DataConfig::default(), &[b"a\r\n..b\r\n.\r\nQUIT\r\n"]);
    assert_eq!(
        (&content[..], end.map(|e| e.size), &rest[..]),
        (&b"a\r\n.b\r\n"[..], Some(7), &b"QUIT\r\n"[..])
    );
    assert_eq!(chunks, 1);
    // Under `Normalize` the CRLF of a bare LF is still a chunk of its own, after the
    // content before it.
    let (content, _, _, chunks) = unstuff_reads_in_place(normalize(), &[b"a\r\n..b\nc\r\n.\r\n"]);
    assert_eq!((&content[..], chunks), (&b"a\r\n.b\r\nc\r\n"[..], 3));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// In place or not, under any cut, any policy and any limits: the same content
    /// octet for octet (also when a problem stops it), the same end and summary, the same
    /// octets left in the buffer.
    #[test]
    fn in_place_yields_what_decode_yields(
        wire in prop_oneof![sparse_wire(), proptest::collection::vec(
            prop_oneof![any::<u8>(), Just(b'.'), Just(b'\r'), Just(b'\n')], 0..300)],
        reads in proptest::collection::vec(1usize..300, 1..10),
        policy in policy(),
        max in proptest::option::of(0u64..2000),
        max_line in proptest::option::of(2usize..200),
    ) {
        in_place_matches_decode(&wire, &reads, policy, max, max_line)?;
    }
}

/// Unstuffing in place moves only short stretches: after a dotted line, a long line starts
/// the next chunk where it lies in the buffer, unmoved.
#[test]
fn in_place_does_not_move_long_stretches() {
    let mut wire = b"a\r\n..b\r\n..".to_vec();
    let long = [b'x'; 5000];
    wire.extend_from_slice(&long);
    wire.extend_from_slice(b"\r\n..c\r\n");
    let mut u = DotUnstuffer::default();
    let mut buf = BytesMut::from(&wire[..]);
    let base = buf.as_ptr() as usize;
    let mut chunks = Vec::new();
    while let Some(DataEvent::Chunk(c)) = u.decode_in_place(&mut buf) {
        chunks.push((c.as_ptr() as usize - base, c.to_vec()));
    }
    let mut second = b".".to_vec();
    second.extend_from_slice(&long);
    second.extend_from_slice(b"\r\n.c\r\n");
    // "a\r\n.b\r\n" moved together; the long line from the octet after its dot.
    assert_eq!(chunks, [(0, b"a\r\n.b\r\n".to_vec()), (9, second)]);
}

/// Long lines between dotted ones, in any order, with the odd pieces that change how a
/// line is read.
fn long_line_wire() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        4 => (1000usize..3000).prop_map(|n| vec![b'x'; n]),
        4 => Just(b"\r\n..".to_vec()),
        2 => Just(b"\r\n".to_vec()),
        1 => Just(b"\r\n.".to_vec()),
        1 => Just(b"\r\n.\r\n".to_vec()),
        1 => Just(b"\r".to_vec()),
        1 => Just(b"\n..".to_vec()),
    ];
    proptest::collection::vec(token, 0..12).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// As `in_place_yields_what_decode_yields`, with stretches longer than
    /// `decode_in_place` moves and reads that hold them.
    #[test]
    fn in_place_yields_what_decode_yields_with_long_lines(
        wire in long_line_wire(),
        reads in proptest::collection::vec(1usize..8000, 1..6),
        policy in policy(),
        max in proptest::option::of(0u64..20000),
        max_line in proptest::option::of(500usize..4000),
    ) {
        in_place_matches_decode(&wire, &reads, policy, max, max_line)?;
    }
}
