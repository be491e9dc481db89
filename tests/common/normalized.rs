//! The data round-trip oracle, shared by `tests/data.rs` and the `data_roundtrip` fuzz
//! target (which includes this file by path).

/// What `unstuff(stuff(x))` gives: every bare CR and bare LF becomes CRLF, and non-empty
/// content that does not end in a line end gets a CRLF.
pub fn normalized(x: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < x.len() {
        match x[k] {
            b'\r' if x.get(k + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                k += 2;
                continue;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            c => out.push(c),
        }
        k += 1;
    }
    if !out.is_empty() && !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}
