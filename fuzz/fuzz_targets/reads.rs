//! Shared by the fuzz targets that feed a decoder in reads: how the fuzzer's cut list turns
//! a stream into reads.

/// `stream` as consecutive reads whose lengths cycle through `cuts` (each at least one
/// octet, the last one shortened to what is left); one read of everything when `cuts` is
/// empty.
pub fn reads<'a>(stream: &'a [u8], cuts: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut rest = stream;
    let mut cut = cuts.iter().cycle();
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = cut.next().map_or(rest.len(), |&c| usize::from(c).max(1).min(rest.len()));
        let (read, tail) = rest.split_at(n);
        rest = tail;
        Some(read)
    })
}
