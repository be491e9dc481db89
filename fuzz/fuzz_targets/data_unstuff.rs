//! `DotUnstuffer` on arbitrary input cut into arbitrary reads, under each bare line ending
//! policy: never panics, holds nothing back but a `.` or `.<CR>` at a line start, and
//! agrees with a plain unstuffer written here, one octet at a time, on everything: the
//! content it yields, where the end of data is, and the summary (properties, size, and the
//! outcome under the size and line limits). `decode_in_place` gives the same as `decode`,
//! octet for octet, under the same cuts.
#![no_main]

use bytes::BytesMut;
use esmtp::data::{BareLineEndings, DataConfig, DataEvent, DataOutcome, DataSummary, DotUnstuffer};
use libfuzzer_sys::fuzz_target;

mod reads;

/// What the unstuffer gives for `input` cut by `cuts`, through `decode` or, with
/// `in_place`, `decode_in_place`: the content yielded, the summary if the end was found,
/// and the octets it consumed.
fn run(
    config: &DataConfig,
    input: &[u8],
    cuts: &[u8],
    in_place: bool,
) -> (Vec<u8>, Option<DataSummary>, usize) {
    let mut u = DotUnstuffer::new(config.clone());
    let decode = if in_place { DotUnstuffer::decode_in_place } else { DotUnstuffer::decode };
    let mut buf = BytesMut::new();
    let mut content = Vec::new();
    let mut consumed = 0;
    let mut end = None;
    for read in reads::reads(input, cuts) {
        buf.extend_from_slice(read);
        let before = buf.len();
        while let Some(ev) = decode(&mut u, &mut buf) {
            match ev {
                DataEvent::Chunk(c) => content.extend_from_slice(&c),
                DataEvent::End(s) => end = Some(s),
            }
        }
        consumed += before - buf.len();
        if end.is_none() {
            // Only what may yet become the end marker at a line start is held back.
            assert!(matches!(&buf[..], b"" | b"." | b".\r"), "held {:?}", &buf[..]);
        }
    }
    (content, end, consumed)
}

/// What the plain unstuffer gives: the content as stored, the content unstuffed but not
/// normalized (where bare line ends are judged), and the octets up to the end of the end
/// marker.
struct Want {
    out: Vec<u8>,
    raw: Vec<u8>,
    consumed: usize,
}

/// The unstuffer written plainly (RFC 5321 §4.5.2), one octet at a time on the whole
/// input; `None` when there is no end marker. With `normalize`
/// (`BareLineEndings::Normalize`), a bare LF is stored as CRLF and starts a line, where a
/// dot is a transparency dot, but `.<CRLF>` there is content with its dot, not the end.
fn reference(wire: &[u8], normalize: bool) -> Option<Want> {
    let (mut out, mut raw) = (Vec::new(), Vec::new());
    let mut k = 0;
    // The data starts a line: the DATA command's CRLF precedes it.
    let (mut line_start, mut after_bare_lf) = (true, false);
    loop {
        if line_start && !after_bare_lf && wire[k..].starts_with(b".\r\n") {
            return Some(Want { out, raw, consumed: k + 3 });
        }
        let &b = wire.get(k)?;
        let rest = &wire[k + 1..];
        if line_start && b == b'.' && !rest.starts_with(b"\n") && !rest.starts_with(b"\r\n") {
            // A transparency dot; a dot before a line end is kept.
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
        // Only CRLF starts a line (RFC 5321 §2.3.8), or a bare LF under `Normalize`.
        line_start = crlf || (normalize && bare_lf);
        after_bare_lf = normalize && bare_lf;
        k += 1;
    }
}

/// Whether `out[i]` is the LF of a CRLF.
fn crlf_at(out: &[u8], i: usize) -> bool {
    out[i] == b'\n' && i > 0 && out[i - 1] == b'\r'
}

/// The longest text line of the content: lines end with CRLF, and their length counts it
/// (RFC 5321 §4.5.3.1.6; a transparency dot is not in the content).
fn longest_line(out: &[u8]) -> usize {
    let (mut line, mut longest) = (0, 0);
    for i in 0..out.len() {
        line += 1;
        longest = longest.max(line);
        if crlf_at(out, i) {
            line = 0;
        }
    }
    longest
}

/// What the summary of the content `out` (stored) and `raw` (not normalized) must say,
/// under `config`.
fn summary(config: &DataConfig, out: &[u8], raw: &[u8]) -> DataSummary {
    let bare_cr = (0..raw.len()).any(|i| raw[i] == b'\r' && raw.get(i + 1) != Some(&b'\n'));
    let bare_lf = (0..raw.len()).any(|i| raw[i] == b'\n' && !crlf_at(raw, i));
    let size = out.len() as u64;
    let refused = match config.bare_line_endings {
        BareLineEndings::Reject => bare_cr || bare_lf,
        BareLineEndings::Normalize => bare_cr,
        _ => false,
    };
    let outcome = if refused {
        DataOutcome::BareLineEnding
    } else if config.max_size.is_some_and(|max| size > max) {
        DataOutcome::TooBig
    } else if config.max_line.is_some_and(|max| longest_line(out) > max) {
        DataOutcome::LineTooLong
    } else {
        DataOutcome::Ok
    };
    DataSummary {
        size,
        eight_bit: out.iter().any(|&b| b >= 0x80),
        nul: out.contains(&0),
        bare_cr,
        bare_lf,
        outcome,
    }
}

fuzz_target!(|input: (Vec<u8>, Vec<u8>, u8, Option<u16>, Option<u8>)| {
    let (data, cuts, policy, max_size, max_line) = input;
    let mut config = DataConfig::default();
    config.bare_line_endings = match policy % 3 {
        0 => BareLineEndings::Reject,
        1 => BareLineEndings::Normalize,
        _ => BareLineEndings::Keep,
    };
    config.max_size = max_size.map(u64::from);
    let normalize = config.bare_line_endings == BareLineEndings::Normalize;
    let want = reference(&data, normalize);
    // A line limit near the longest line, one under, at or over it, so that lines at the
    // limit are common; without an end marker, any.
    config.max_line = max_line.map(|m| match &want {
        Some(want) => (longest_line(&want.out) + usize::from(m % 3)).saturating_sub(1),
        None => usize::from(m),
    });
    let whole = run(&config, &data, &[], false);
    let pieces = run(&config, &data, &cuts, false);
    assert_eq!(run(&config, &data, &cuts, true), pieces, "in place, the same");
    let (content, end, consumed) = &pieces;
    match want {
        Some(want) => {
            let summary = summary(&config, &want.out, &want.raw);
            assert_eq!(*end, Some(summary));
            assert_eq!(*consumed, want.consumed, "the end is where the marker ends");
            if summary.outcome == DataOutcome::Ok {
                assert_eq!(*content, want.out);
            } else {
                // Nothing is yielded after the first problem; what came before is the
                // content's beginning (how much of it depends on the reads).
                assert_eq!(content[..], want.out[..content.len()]);
            }
        }
        None => assert_eq!(*end, None),
    }
    // Cut or whole, the same end and summary; the same content when it is all yielded.
    assert_eq!((whole.1, whole.2), (pieces.1, pieces.2));
    if whole.1.is_some_and(|s| s.outcome == DataOutcome::Ok) {
        assert_eq!(whole.0, pieces.0);
    }
});
