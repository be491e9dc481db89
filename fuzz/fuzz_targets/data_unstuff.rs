//! `DotUnstuffer` on arbitrary input cut into arbitrary reads: never panics, finds the end
//! at the same place whatever the cuts, never ends before a real `<CRLF>.<CRLF>`, and holds
//! nothing back but a `.` or `.<CR>` at a line start.
#![no_main]

use bytes::BytesMut;
use esmtp::data::{BareLineEndings, DataConfig, DataEvent, DataSummary, DotUnstuffer};
use libfuzzer_sys::fuzz_target;

mod reads;

fn run(config: &DataConfig, input: &[u8], cuts: &[u8]) -> (Option<DataSummary>, usize, usize) {
    let mut u = DotUnstuffer::new(config.clone());
    let mut buf = BytesMut::new();
    let mut consumed = 0;
    let mut end = None;
    for read in reads::reads(input, cuts) {
        buf.extend_from_slice(read);
        let before = buf.len();
        while let Some(ev) = u.decode(&mut buf) {
            if let DataEvent::End(s) = ev {
                end = Some(s);
            }
        }
        consumed += before - buf.len();
        if end.is_none() {
            // Only what may yet become the end marker at a line start is held back.
            assert!(matches!(&buf[..], b"" | b"." | b".\r"), "held {:?}", &buf[..]);
        }
    }
    (end, consumed, buf.len())
}

fuzz_target!(|input: (Vec<u8>, Vec<u8>, bool, Option<u16>)| {
    let (data, cuts, accept, max) = input;
    let mut config = DataConfig::default();
    if accept {
        config.bare_line_endings = BareLineEndings::Accept;
    }
    config.max_size = max.map(u64::from);
    let whole = run(&config, &data, &[]);
    let pieces = run(&config, &data, &cuts);
    assert_eq!(whole, pieces);
    if let (Some(summary), consumed, _) = whole {
        // The end marker is the last thing consumed, and it is a real CRLF . CRLF (or the
        // first line is ".\r\n").
        let head = &data[..consumed];
        assert!(head.ends_with(b".\r\n"));
        assert!(consumed == 3 || head.ends_with(b"\r\n.\r\n"), "ended early: {head:?}");
        // What the summary says of the content holds of the octets before the marker's
        // dot, checked one by one here (the scan finds it a block at a time, in whichever
        // build this CPU runs). A dropped transparency dot changes none of it.
        let wire = &head[..consumed - 3];
        assert_eq!(summary.nul, wire.contains(&0), "NUL");
        assert_eq!(summary.eight_bit, wire.iter().any(|&c| c >= 0x80), "8-bit");
        let bare_cr = (0..wire.len()).any(|k| wire[k] == b'\r' && wire.get(k + 1) != Some(&b'\n'));
        let bare_lf = (0..wire.len()).any(|k| wire[k] == b'\n' && (k == 0 || wire[k - 1] != b'\r'));
        assert_eq!(summary.bare_cr, bare_cr, "bare CR");
        assert_eq!(summary.bare_lf, bare_lf, "bare LF");
    }
});
