//! The reply grammar: RFC 5321 §4.2, RFC 3463 §2 / RFC 2034 §4, RFC 5321 §4.1.1.1.
//!
//! These parsers sit on the hot path of every client, so they are written byte by byte
//! rather than with nom combinators: a reply line is three digits, one separator and
//! free text, and the fastest correct parser for that is a handful of comparisons.
//!
//! ```text
//! Reply-line     = *( Reply-code "-" [ textstring ] CRLF )
//!                  Reply-code [ SP textstring ] CRLF
//! Reply-code     = %x32-35 %x30-35 %x30-39
//! textstring     = 1*(%d09 / %d32-126) ; HT, SP, Printable US-ASCII
//! ```

use bytes::Bytes;

use crate::parse::PError;
use crate::types::Text;

/// `Reply-code = %x32-35 %x30-35 %x30-39` (RFC 5321 §4.2): the value of three octets, or
/// `None` when they are not a reply code.
#[inline(always)]
pub(crate) fn reply_code(d: &[u8]) -> Option<u16> {
    let &[a, b, c, ..] = d else {
        return None;
    };
    // The three digits tested at once, without a branch for each.
    let (a, b, c) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'), c.wrapping_sub(b'0'));
    if !((a.wrapping_sub(2) < 4) & (b < 6) & (c < 10)) {
        return None;
    }
    Some(u16::from(a) * 100 + u16::from(b) * 10 + u16::from(c))
}

/// One reply line (without its CRLF) split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReplyLine {
    /// The reply code.
    pub(crate) code: u16,
    /// `true` for `Reply-code [ SP textstring ]`, the last line of a reply; `false` for
    /// `Reply-code "-" [ textstring ]`.
    pub(crate) last: bool,
    /// Offset of the text in the line (3 for a bare code, else 4).
    pub(crate) text_start: usize,
}

/// Parses one `Reply-line` element (RFC 5321 §4.2) without its CRLF.
///
/// A last line of just the code (`250`) and one with an empty text (`250 `) are both valid:
/// the text is optional in the ABNF.
#[inline]
pub(crate) fn reply_line(line: &[u8]) -> Result<ReplyLine, PError> {
    let Some(code) = reply_code(line) else {
        return Err(PError::new(if line.len() < 3 {
            "reply line shorter than a reply code"
        } else {
            "reply line does not start with a reply code"
        }));
    };
    match line.get(3) {
        None => Ok(ReplyLine { code, last: true, text_start: 3 }),
        Some(b' ') => Ok(ReplyLine { code, last: true, text_start: 4 }),
        Some(b'-') => Ok(ReplyLine { code, last: false, text_start: 4 }),
        Some(_) => Err(PError::new("reply code not followed by SP, \"-\" or the line end")),
    }
}

/// Where a reply line says its reply goes on: `Some(true)` for `xyz-`, `Some(false)` for
/// `xyz SP` and `xyz` (also when a line end follows the code), `None` when the octets are not the start of a reply line.
#[inline]
pub(crate) fn continues(start: &[u8]) -> Option<bool> {
    reply_code(start)?;
    match start.get(3) {
        Some(b'-') => Some(true),
        Some(b' ' | b'\r' | b'\n') | None => Some(false),
        Some(_) => None,
    }
}

/// A 1*3digit number (RFC 3463 §2 `subject` / `detail`), and the octets it used.
#[inline]
fn one_to_three_digits(s: &[u8]) -> Option<(u16, usize)> {
    let mut n: u16 = 0;
    let mut i = 0;
    while i < 3 {
        match s.get(i) {
            Some(&d) if d.is_ascii_digit() => n = n * 10 + u16::from(d - b'0'),
            _ => break,
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

/// `status-code = class "." subject "." detail` (RFC 3463 §2, RFC 2034 §4) at the start
/// of reply text, whose class must be `class` (RFC 2034 §4: "a 2xx response must
/// incorporate a 2.X.X code ..."), followed by SP or the end of the text.
///
/// Returns `(subject, detail, octets to skip)`, the octets including one SP. Leading
/// zeros are accepted (`1*3digit` allows them) and do not change the value.
///
/// Text that does not start with the class and "." (most text without a code), and the
/// usual form, one digit each (`2.1.5 Ok`), are answered here, inline; the rest (a longer
/// subject or detail) goes to [`enhanced_prefix_general`], which accepts every form (the
/// two agree wherever both answer).
#[inline(always)]
pub(crate) fn enhanced_prefix(text: &[u8], class: u8) -> Option<(u16, u16, usize)> {
    match *text {
        [c, b'.', ref rest @ ..] if c == class => {
            if let [s @ b'0'..=b'9', b'.', d @ b'0'..=b'9', ref tail @ ..] = *rest {
                match tail.first() {
                    None => return Some((u16::from(s - b'0'), u16::from(d - b'0'), 5)),
                    Some(b' ') => return Some((u16::from(s - b'0'), u16::from(d - b'0'), 6)),
                    Some(_) => {}
                }
            }
            let (subject, detail, used) = enhanced_prefix_general(text, class)?;
            Some((subject, detail, usize::from(used)))
        }
        _ => None,
    }
}

/// [`enhanced_prefix`] for every form of `status-code` (RFC 3463 §2). The octets used (at
/// most ten) come back as a `u8`, so that the answer fits in a register: an answer the
/// caller gets in memory, merged with its inline one, made the caller store the inline
/// one in halves and load it whole (a store-forwarding stall).
#[inline(never)]
pub(crate) fn enhanced_prefix_general(text: &[u8], class: u8) -> Option<(u16, u16, u8)> {
    if text.len() < 5 || text[0] != class || text[1] != b'.' {
        return None;
    }
    let (subject, n) = one_to_three_digits(&text[2..])?;
    let mut i = 2 + n;
    if text.get(i) != Some(&b'.') {
        return None;
    }
    i += 1;
    let (detail, n) = one_to_three_digits(&text[i..])?;
    i += n;
    // `i` is at most 2 + 3 + 1 + 3 = 9 here.
    let used = i as u8;
    match text.get(i) {
        None => Some((subject, detail, used)),
        Some(b' ') => Some((subject, detail, used + 1)),
        Some(_) => None,
    }
}

/// `status-code` (RFC 3463 §2) as a whole string: `(class, subject, detail)`.
pub(crate) fn status_code(s: &[u8]) -> Option<(u8, u16, u16)> {
    let class = *s.first()?;
    if !matches!(class, b'2' | b'4' | b'5') {
        return None;
    }
    let (subject, detail, used) = enhanced_prefix(s, class)?;
    (used == s.len() && s.last() != Some(&b' ')).then_some((class - b'0', subject, detail))
}

/// Whether an octet may appear in reply text as it is: `textstring` (RFC 5321 §4.2: HT,
/// SP, printable US-ASCII) plus any non-ASCII octet, which must then form UTF-8
/// (`UTF8-non-ascii`, RFC 6531 §3.3).
#[inline]
const fn is_text_octet(c: u8) -> bool {
    c == b'\t' || (c >= 0x20 && c != 0x7f)
}

/// `HT / %d32-126`: a `textstring` octet (RFC 5321 §4.2).
#[inline]
const fn is_plain(c: u8) -> bool {
    (c >= 0x20 && c < 0x7f) || c == b'\t'
}

/// One bit (the high one) set in each octet of `w` that is not `%d32-126`, that is a
/// control character (HT, CR and LF among them), DEL or a non-ASCII octet. Only the
/// lowest set bit is exact: a borrow or carry from a flagged octet may flag the octets
/// above it. So it is 0 exactly when all eight octets are `%d32-126`.
#[inline]
const fn special_octets(w: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let below_space = w.wrapping_sub(LO * 0x20) & !w;
    let del_or_high = w.wrapping_add(LO) | w;
    (below_space | del_or_high) & HI
}

/// Whether any of sixteen octets is not `%d32-126`: written as a fold over a fixed-size
/// array so that the compiler makes it one 16-octet vector compare (SSE2 on x86-64), with
/// no `unsafe` and no target-specific code.
#[inline]
fn any_special16(chunk: &[u8; 16]) -> bool {
    chunk.iter().fold(false, |acc, &c| acc | !(0x20..0x7f).contains(&c))
}

/// The offset of the first octet of `s` that is not `%d32-126`, eight octets at a time.
#[inline]
fn first_special(s: &[u8]) -> Option<usize> {
    let mut rest = s;
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        let special = special_octets(u64::from_le_bytes(*word));
        if special != 0 {
            return Some(s.len() - rest.len() + (special.trailing_zeros() / 8) as usize);
        }
        rest = tail;
    }
    let k = rest.iter().position(|&c| !(0x20..0x7f).contains(&c))?;
    Some(s.len() - rest.len() + k)
}

/// The end of one line of reply text: the offset of the CR of the first CRLF in `s` when
/// every octet before it is `textstring` (RFC 5321 §4.2: HT, SP, printable US-ASCII).
/// `None` when there is no CRLF in `s`, or another octet comes first (bare CR or LF,
/// another control character, non-ASCII text): the line-by-line decoder deals with those.
///
/// Sixteen octets at a time while they are all `%d32-126`; the chunk that is not is then
/// looked at as two words to find the octet that stopped the scan. The text check and the
/// search for the line end are one pass.
#[inline(always)]
pub(crate) fn crlf_after_text(s: &[u8]) -> Option<usize> {
    let mut rest = s;
    loop {
        let j = loop {
            let Some((chunk, tail)) = rest.split_first_chunk::<16>() else {
                break first_special(rest)?;
            };
            if any_special16(chunk) {
                // Two words; one of them holds the octet.
                break first_special(chunk)?;
            }
            rest = tail;
        };
        // The octet that stopped the scan and the next, as one load: a CRLF ends the line,
        // HT is text, anything else (and a stop at the last octet, where no CRLF fits) is
        // not this line's end.
        let &[c, next] = rest.get(j..)?.first_chunk::<2>()?;
        if [c, next] == *b"\r\n" {
            return Some(s.len() - rest.len() + j);
        }
        if c != b'\t' {
            return None;
        }
        rest = &rest[j + 1..];
    }
}

/// The offset of the first CR in `s`, eight octets at a time.
#[inline]
pub(crate) fn find_cr(s: &[u8]) -> Option<usize> {
    find_octet::<b'\r'>(s)
}

/// The offset of the first octet `C` in `s`, eight octets at a time.
#[inline]
pub(crate) fn find_octet<const C: u8>(s: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    let mut i = 0;
    while let Some(chunk) = s.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ (LO * u64::from(C));
        // The lowest octet found is exact: only a zero octet below it could borrow.
        let zero = x.wrapping_sub(LO) & !x & (LO * 0x80);
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s[i..].iter().position(|&c| c == C).map(|k| i + k)
}

/// Whether every octet is HT, SP or printable ASCII: the common case, eight octets at a
/// time.
#[inline]
fn is_plain_ascii(s: &[u8]) -> bool {
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        if special_octets(u64::from_le_bytes(word)) != 0 && !c.iter().all(|&b| is_plain(b)) {
            return false;
        }
    }
    chunks.remainder().iter().all(|&b| is_plain(b))
}

/// Whether `s` is valid reply text for *output*: HT, SP, printable ASCII and UTF-8
/// (what [`reply_text`] keeps unchanged).
pub(crate) fn is_valid_text(s: &str) -> bool {
    s.bytes().all(is_text_octet)
}

/// Reply text from the wire: zero-copy when it is `textstring` or UTF-8.
///
/// Policy for what real servers send outside the grammar: the reply code is what a client
/// acts on, so text never makes a reply fail. Invalid UTF-8 sequences and control
/// characters (other than HT) are each replaced by U+FFFD; only then is the text copied.
#[inline]
pub(crate) fn reply_text(text: Bytes) -> Text {
    if is_plain_ascii(&text) {
        return Text::from_checked(text);
    }
    reply_text_slow(text)
}

#[cold]
fn reply_text_slow(text: Bytes) -> Text {
    if let Ok(s) = std::str::from_utf8(&text)
        && s.bytes().all(is_text_octet)
    {
        return Text::from_checked(text);
    }
    let lossy = String::from_utf8_lossy(&text);
    let cleaned: String = lossy
        .chars()
        .map(|c| if c.is_ascii_control() && c != '\t' { '\u{FFFD}' } else { c })
        .collect();
    Text::from(cleaned)
}

/// `ehlo-line = ehlo-keyword *( SP ehlo-param )` (RFC 5321 §4.1.1.1), leniently:
/// parameters may be separated by any run of SP or HT, and `KEYWORD=param` (the legacy
/// `AUTH=LOGIN PLAIN` form of pre-RFC 2554 servers) splits at the first "=".
///
/// Returns the keyword and the parameter text after it, or `None` for a blank line (some
/// servers, smtp-sink among them, end the EHLO reply with `250 `). Every split is at an
/// ASCII octet, so UTF-8 text stays UTF-8 in both parts.
#[inline]
pub(crate) fn ehlo_line(line: &[u8]) -> Option<EhloLine<'_>> {
    let start = line.iter().position(|&c| !is_wsp(c))?;
    let token = &line[start..];
    // Only the first "=" of the token counts, and not when it is the first octet.
    let end = token_end::<false>(token, token[0] != b'=');
    match token.get(end) {
        Some(b'=') => Some((&token[..end], &token[end + 1..])),
        _ => Some(token.split_at(end)),
    }
}

/// An `ehlo-line` split into its keyword and the parameter text after it.
pub(crate) type EhloLine<'a> = (&'a [u8], &'a [u8]);

/// [`ehlo_line`] for a line that `text` holds with what follows it: `text` starts after the
/// line's `Reply-code` and separator and holds its CR. Returns what `ehlo_line` gives for
/// the line and the offset of its CR; `None` when `text` has no CR.
///
/// A line that is a keyword alone (`PIPELINING`) is looked at once: the scan for the end
/// of the keyword stops at its CR.
#[inline]
pub(crate) fn ehlo_line_in(text: &[u8]) -> Option<(Option<EhloLine<'_>>, usize)> {
    let start = text.iter().position(|&c| !is_wsp(c))?;
    let token = &text[start..];
    if token[0] == b'\r' {
        return Some((None, start));
    }
    let end = token_end::<true>(token, token[0] != b'=');
    let (keyword, from) = match token.get(end) {
        Some(b'\r') => return Some((Some((&token[..end], &[])), start + end)),
        Some(b'=') => (&token[..end], end + 1),
        _ => (&token[..end], end),
    };
    let cr = from + find_cr(&token[from..])?;
    Some((Some((keyword, &token[from..cr])), start + cr))
}

/// The offset of the first SP or HT in `s` (or "=", with `eq`; or CR, with `CR`), else
/// `s.len()`: the end of an `ehlo-keyword` or `ehlo-param`. Eight octets at a time: a word
/// is looked at octet by octet only when it holds an octet below "!" or an "=".
#[inline]
fn token_end<const CR: bool>(s: &[u8], eq: bool) -> usize {
    let is_end = |c: u8| is_wsp(c) || (eq && c == b'=') || (CR && c == b'\r');
    let mut i = 0;
    while let Some(chunk) = s.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let below_bang = w.wrapping_sub(LO * 0x21) & !w;
        let x = w ^ (LO * u64::from(b'='));
        let equals = if eq { x.wrapping_sub(LO) & !x } else { 0 };
        let hits = (below_bang | equals) & HI;
        if hits == 0 {
            i += 8;
            continue;
        }
        // The lowest flagged octet is exact; it may be a control character, not an end.
        let j = i + (hits.trailing_zeros() / 8) as usize;
        if is_end(s[j]) {
            return j;
        }
        i = j + 1;
    }
    s[i..].iter().position(|&c| is_end(c)).map_or(s.len(), |k| i + k)
}

/// SP or HT.
#[inline]
const fn is_wsp(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// The parameters of an `ehlo-line`: `ehlo-param = 1*(%d33-126)`, split at any run of SP
/// or HT.
#[inline]
pub(crate) fn ehlo_params(rest: &[u8]) -> EhloParams<'_> {
    EhloParams { rest }
}

/// Iterator over the parameters of an `ehlo-line`.
#[derive(Debug, Clone)]
pub(crate) struct EhloParams<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for EhloParams<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let start = self.rest.iter().position(|&c| !is_wsp(c))?;
        let tail = &self.rest[start..];
        let len = token_end::<false>(tail, false);
        let (param, rest) = tail.split_at(len);
        self.rest = rest;
        Some(param)
    }
}

/// A keyword (`ehlo-keyword`, RFC 5321 §4.1.1.1; `sasl-mech`, RFC 4422 §3.1) of up to 24
/// octets, folded to upper case (both are case-insensitive) and packed into its length and
/// three words, so that recognising it is a few integer compares: see [`folded_key`].
pub(crate) type FoldedKey = (usize, u64, u64, u64);

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = LO * 0x80;

/// `w` with each octet `a`-`z` turned into `A`-`Z`, eight at a time.
#[inline]
const fn upper_word(w: u64) -> u64 {
    let x = w & !HI;
    let from_a = x.wrapping_add(LO * (0x80 - b'a' as u64));
    let past_z = x.wrapping_add(LO * (0x80 - b'z' as u64 - 1));
    let lower = from_a & !past_z & !w & HI;
    w - (lower >> 2)
}

/// Eight octets of `s` from `at`, little-endian (0 when there are not eight).
#[inline]
const fn read_u64(s: &[u8], at: usize) -> u64 {
    match s.split_at(at).1 {
        [a, b, c, d, e, f, g, h, ..] => u64::from_le_bytes([*a, *b, *c, *d, *e, *f, *g, *h]),
        _ => 0,
    }
}

/// Four octets of `s` from `at`, little-endian (0 when there are not four).
#[inline]
const fn read_u32(s: &[u8], at: usize) -> u64 {
    match s.split_at(at).1 {
        [a, b, c, d, ..] => u32::from_le_bytes([*a, *b, *c, *d]) as u64,
        _ => 0,
    }
}

/// `Some(Type::Name)` for the `Name = "TEXT"` entry whose [`FoldedKey`] is `$key`, else
/// `None`: the entries' keys are constants, so a name is matched ignoring ASCII case with
/// one integer match on its key.
macro_rules! match_folded {
    ($key:expr, $ty:ident { $($name:ident = $text:literal;)* }) => {{
        mod keys {
            use crate::parse::reply::{folded_key, FoldedKey};
            $(#[allow(non_upper_case_globals)]
            pub(super) const $name: FoldedKey = folded_key($text.as_bytes());)*
        }
        match $key {
            $(keys::$name => Some($ty::$name),)*
            _ => None,
        }
    }};
}
pub(crate) use match_folded;

/// The octets of `s` from `at`, up to eight, little-endian; zero octets past its end.
#[inline(always)]
fn read_u64_padded(s: &[u8], at: usize) -> u64 {
    let rest = s.get(at..).unwrap_or_default();
    match rest.first_chunk::<8>() {
        Some(word) => u64::from_le_bytes(*word),
        None => {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(word)
        }
    }
}

/// The octets of `w` that end an `ehlo-keyword` (with `EQ`) or an `ehlo-param` in
/// wire-form reply text: SP, HT, "=" (with `EQ`) and the CR of the line end (text that
/// [`crlf_after_text`] passed holds no other octet below "!"), and the zero octets
/// [`read_u64_padded`] adds. Only the lowest flag is exact.
#[inline(always)]
const fn token_stops<const EQ: bool>(w: u64) -> u64 {
    let below_bang = w.wrapping_sub(LO * 0x21) & !w;
    let x = w ^ (LO * b'=' as u64);
    let equals = if EQ { x.wrapping_sub(LO) & !x } else { 0 };
    (below_bang | equals) & HI
}

/// The [`FoldedKey`] of the `ehlo-keyword` that starts the text of a line of a wire-form
/// reply, and the offset of the octet after it: SP, HT, "=" or the line's CR, which `text`
/// must hold (it is what [`crlf_after_text`] passed, the line's CRLF and maybe more).
/// What [`ehlo_line_in`] would give as the keyword, straight from the words it is read
/// in, for a keyword of 1 to 24 octets. `None` when the text starts with SP, HT or "="
/// (or is empty) or the keyword is longer: `ehlo_line_in` takes those.
#[inline(always)]
pub(crate) fn wire_keyword(text: &[u8]) -> Option<(FoldedKey, usize)> {
    wire_token::<true>(text)
}

/// The [`FoldedKey`] of the `ehlo-param` that starts `text`, wire-form reply text, and its
/// length: what [`ehlo_params`] would give first for `text` without its leading white
/// space, when that is 1 to 24 octets; `None` otherwise. The parameter ends at SP, HT, the
/// line's CR or the end of `text`. See [`wire_keyword`], which is this with "=" ending
/// the token too.
#[inline(always)]
pub(crate) fn wire_param(text: &[u8]) -> Option<(FoldedKey, usize)> {
    wire_token::<false>(text)
}

/// [`wire_keyword`] (`EQ`) and [`wire_param`].
#[inline(always)]
fn wire_token<const EQ: bool>(text: &[u8]) -> Option<(FoldedKey, usize)> {
    let w0 = read_u64_padded(text, 0);
    let stops = token_stops::<EQ>(w0);
    if stops != 0 {
        let n = (stops.trailing_zeros() / 8) as usize;
        let a = match n {
            0 => return None,
            1..=3 => w0 & ((1 << (8 * n)) - 1),
            _ => (w0 & 0xffff_ffff) | ((w0 >> (8 * (n - 4))) << 32),
        };
        return Some(((n, upper_word(a), 0, 0), n));
    }
    // Eight octets or more: each read below lies before the stop, so within `text`.
    let w1 = read_u64_padded(text, 8);
    let stops = token_stops::<EQ>(w1);
    if stops != 0 {
        let n = 8 + (stops.trailing_zeros() / 8) as usize;
        let b = read_u64(text, n - 8);
        return Some(((n, upper_word(w0), upper_word(b), 0), n));
    }
    let stops = token_stops::<EQ>(read_u64_padded(text, 16));
    if stops != 0 {
        let n = 16 + (stops.trailing_zeros() / 8) as usize;
        // Sixteen octets are two words; more are three, the last ending at the stop.
        let c = if n == 16 { 0 } else { upper_word(read_u64(text, n - 8)) };
        return Some(((n, upper_word(w0), upper_word(w1), c), n));
    }
    None
}

/// The [`FoldedKey`] of `s`: its length and its octets in up to three (overlapping) words,
/// upper-cased. Two strings of at most 24 octets have the same key exactly when they are
/// equal ignoring ASCII case; longer strings all get the key `(0, 0, 0, 0)`, which no
/// keyword has.
#[inline]
pub(crate) const fn folded_key(s: &[u8]) -> FoldedKey {
    let n = s.len();
    let (a, b, c) = match n {
        1..=3 => {
            let mut w = 0;
            let mut i = 0;
            while i < n {
                w |= (s[i] as u64) << (8 * i);
                i += 1;
            }
            (w, 0, 0)
        }
        4..=7 => (read_u32(s, 0) | read_u32(s, n - 4) << 32, 0, 0),
        8..=16 => (read_u64(s, 0), read_u64(s, n - 8), 0),
        17..=24 => (read_u64(s, 0), read_u64(s, 8), read_u64(s, n - 8)),
        _ => return (0, 0, 0, 0),
    };
    (n, upper_word(a), upper_word(b), upper_word(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The line end as the definition says it, octet by octet: the first octet that is not
    /// HT or `%d32-126` must be the CR of a CRLF.
    fn crlf_after_text_reference(s: &[u8]) -> Option<usize> {
        let i = s.iter().position(|&c| !is_plain(c))?;
        (s[i] == b'\r' && s.get(i + 1) == Some(&b'\n')).then_some(i)
    }

    /// [`enhanced_prefix_general`] with the octets used as a `usize`, as
    /// [`enhanced_prefix`] gives them.
    fn general(text: &[u8], class: u8) -> Option<(u16, u16, usize)> {
        enhanced_prefix_general(text, class).map(|(s, d, used)| (s, d, usize::from(used)))
    }

    /// Octets that stress the scans: text (`text` in 60 of the other octets, so that
    /// 16-octet runs of it are common), HT, CR, LF, digits and dots (for enhanced codes),
    /// SP, DEL, a control character and non-ASCII.
    fn reply_octets(max: usize, text: u32) -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                text => b'!'..=b'~',
                4 => Just(b' '),
                3 => Just(b'\t'),
                3 => Just(b'\r'),
                3 => Just(b'\n'),
                6 => b'0'..=b'9',
                6 => Just(b'.'),
                1 => Just(0x7f_u8),
                1 => Just(0_u8),
                1 => 0x80_u8..=0xff,
            ],
            0..max,
        )
    }

    /// Wire-form line text: `textstring` octets weighted towards keyword characters and
    /// the octets that end a keyword, then the line's CRLF and what may follow it.
    fn wire_text() -> impl Strategy<Value = Vec<u8>> {
        let octet = prop_oneof![
            20 => b'A'..=b'Z',
            10 => b'a'..=b'z',
            4 => b'0'..=b'9',
            2 => Just(b'-'),
            2 => Just(b'='),
            3 => Just(b' '),
            2 => Just(b'\t'),
            2 => b'!'..=b'~',
        ];
        (proptest::collection::vec(octet, 0..40), proptest::collection::vec(any::<u8>(), 0..12))
            .prop_map(|(text, after)| [&text[..], b"\r\n", &after[..]].concat())
    }

    proptest! {
        /// The keyword `wire_keyword` reads in words is the one `ehlo_line_in` finds, with
        /// the same key `folded_key` gives it; it leaves to `ehlo_line_in` exactly the
        /// lines that start with SP, HT, "=" or the CR, and keywords of 24 octets or more.
        #[test]
        fn wire_keyword_agrees_with_ehlo_line_in(text in wire_text()) {
            let (parsed, _) = ehlo_line_in(&text).expect("the text holds its CR");
            let first = text[0];
            match wire_keyword(&text) {
                Some((key, end)) => {
                    let (keyword, _) = parsed.expect("a keyword");
                    prop_assert_eq!(keyword.len(), end);
                    prop_assert_eq!(key, folded_key(keyword));
                    prop_assert!(matches!(text[end], b' ' | b'\t' | b'=' | b'\r'));
                }
                None => prop_assert!(
                    matches!(first, b' ' | b'\t' | b'=' | b'\r')
                        || parsed.is_some_and(|(keyword, _)| keyword.len() >= 24)
                ),
            }
        }

        /// The parameter `wire_param` reads in words is the first `ehlo_params` gives,
        /// with the key `folded_key` gives it, for text that holds its line's CR and for
        /// text cut before it; only parameters of 24 octets or more are left to
        /// `ehlo_params`.
        #[test]
        fn wire_param_agrees_with_ehlo_params(text in wire_text(), cut in any::<prop::sample::Index>()) {
            let cr = find_cr(&text).expect("the text holds its CR");
            for text in [&text[..], &text[..cut.index(cr + 1)]] {
                let start = text.iter().position(|&c| !is_wsp(c)).unwrap_or(text.len());
                let text = &text[start..];
                let first = ehlo_params(text).next().filter(|p| p[0] != b'\r');
                let first = first.map(|p| &p[..find_cr(p).unwrap_or(p.len())]);
                match (wire_param(text), first) {
                    (Some((key, len)), Some(param)) => {
                        prop_assert_eq!(len, param.len());
                        prop_assert_eq!(key, folded_key(param));
                    }
                    (None, Some(param)) => prop_assert!(param.len() >= 24),
                    (None, None) => {}
                    (Some(_), None) => prop_assert!(false, "a parameter where there is none"),
                }
            }
        }

        /// The 16-octet scan with its word-by-word tail finds the same line end as the
        /// octet-by-octet definition, wherever the CRLF, tabs and other octets fall.
        #[test]
        fn crlf_scan_agrees_with_the_reference(s in reply_octets(90, 20), t in reply_octets(90, 600)) {
            prop_assert_eq!(crlf_after_text(&t), crlf_after_text_reference(&t));
            prop_assert_eq!(crlf_after_text(&s), crlf_after_text_reference(&s));
        }

        /// The inline recogniser of the usual enhanced code (one digit each) and the general
        /// one give the same answer on every text and class.
        #[test]
        fn enhanced_prefix_fast_and_general_agree(
            text in reply_octets(12, 20),
            class in prop_oneof![Just(b'2'), Just(b'4'), Just(b'5'), any::<u8>()],
        ) {
            prop_assert_eq!(enhanced_prefix(&text, class), general(&text, class));
        }

        /// The same on texts that start like an enhanced code and then go wrong anywhere.
        #[test]
        fn enhanced_prefix_fast_and_general_agree_near_codes(
            class in prop_oneof![Just(b'2'), Just(b'4'), Just(b'5')],
            code in "[0-9]{1,4}\\.[0-9]{1,4}",
            tail in reply_octets(4, 20),
        ) {
            let mut text = vec![class, b'.'];
            text.extend_from_slice(code.as_bytes());
            text.extend_from_slice(&tail);
            prop_assert_eq!(enhanced_prefix(&text, class), general(&text, class));
        }
    }

    /// RFC 5321 §4.2: `Reply-code = %x32-35 %x30-35 %x30-39`.
    #[test]
    fn reply_code_follows_the_abnf() {
        assert_eq!(reply_code(b"250"), Some(250));
        assert_eq!(reply_code(b"559"), Some(559));
        assert_eq!(reply_code(b"200"), Some(200));
        assert_eq!(reply_code(b"199"), None);
        assert_eq!(reply_code(b"600"), None);
        assert_eq!(reply_code(b"260"), None, "second digit 6");
        assert_eq!(reply_code(b"25"), None);
        assert_eq!(reply_code(b"25a"), None);
    }

    #[test]
    fn reply_line_forms() {
        assert_eq!(reply_line(b"250"), Ok(ReplyLine { code: 250, last: true, text_start: 3 }));
        assert_eq!(reply_line(b"250 "), Ok(ReplyLine { code: 250, last: true, text_start: 4 }));
        assert_eq!(reply_line(b"250-x"), Ok(ReplyLine { code: 250, last: false, text_start: 4 }));
        assert!(reply_line(b"250x").is_err());
        assert!(reply_line(b"2500").is_err());
        assert!(reply_line(b"").is_err());
        assert_eq!(continues(b"250-"), Some(true));
        assert_eq!(continues(b"250 "), Some(false));
        assert_eq!(continues(b"250"), Some(false));
        assert_eq!(continues(b"25"), None);
        assert_eq!(continues(b"250x"), None);
    }

    /// RFC 3463 §2: `subject = 1*3digit`, `detail = 1*3digit`; values above 255 are kept.
    #[test]
    fn enhanced_prefix_keeps_three_digit_values() {
        assert_eq!(enhanced_prefix(b"5.7.515 Access denied", b'5'), Some((7, 515, 8)));
        assert_eq!(enhanced_prefix(b"4.7.650 x", b'4'), Some((7, 650, 8)));
        assert_eq!(enhanced_prefix(b"2.0.0", b'2'), Some((0, 0, 5)));
        assert_eq!(enhanced_prefix(b"2.0.0 Ok", b'5'), None, "class must agree");
        assert_eq!(enhanced_prefix(b"2.0.0Ok", b'2'), None);
        assert_eq!(enhanced_prefix(b"2.0.1000 x", b'2'), None, "four digits");
        assert_eq!(enhanced_prefix(b"2.0. x", b'2'), None);
        assert_eq!(enhanced_prefix(b"2..0 x", b'2'), None);
        assert_eq!(status_code(b"5.1.10"), Some((5, 1, 10)));
        assert_eq!(status_code(b"3.1.1"), None);
        assert_eq!(status_code(b"5.1.1 "), None);
    }

    #[test]
    fn swar_text_check_agrees_with_the_octet_check() {
        for c in 0..=255u8 {
            for pos in 0..17 {
                let mut s = vec![b'a'; 17];
                s[pos] = c;
                assert_eq!(is_plain_ascii(&s), is_plain(c), "octet {c:#x} at {pos}");
            }
        }
        assert!(is_plain_ascii(b"") && is_plain_ascii(b"\t\t\t\t\t\t\t\t\t"));
    }

    #[test]
    fn crlf_scan_agrees_with_the_octet_check() {
        // 40 octets: the CRLF and the octet tested fall in the 16-octet chunks, in either
        // word of a chunk, and in the tail after them.
        for c in 0..=255u8 {
            for pos in 0..37 {
                let mut s = vec![b'a'; 40];
                s[pos] = c;
                s[38] = b'\r';
                s[39] = b'\n';
                let want = if c == b'\r' {
                    None
                } else if is_plain(c) {
                    Some(38)
                } else {
                    None
                };
                assert_eq!(crlf_after_text(&s), want, "octet {c:#x} at {pos}");
                s[pos + 1] = b'\n';
                if c == b'\r' {
                    assert_eq!(crlf_after_text(&s), Some(pos), "CRLF at {pos}");
                }
            }
        }
        assert_eq!(crlf_after_text(b"ab\tc\r\n"), Some(4));
        assert_eq!(crlf_after_text(b"abcdefgh\r"), None, "CR without LF at the end");
        assert_eq!(crlf_after_text(b"abc\ndef\r\n"), None, "bare LF");
        assert_eq!(crlf_after_text(b"\r\n"), Some(0));
        assert_eq!(crlf_after_text(b""), None);
    }

    #[test]
    fn text_policy() {
        assert_eq!(reply_text(Bytes::from_static(b"Ok\tfine")), "Ok\tfine");
        assert_eq!(reply_text(Bytes::from_static("grüße".as_bytes())), "grüße");
        assert_eq!(reply_text(Bytes::from_static(b"a\xffb")), "a\u{FFFD}b");
        assert_eq!(reply_text(Bytes::from_static(b"a\x00b\rc")), "a\u{FFFD}b\u{FFFD}c");
        assert!(is_valid_text("x\ty ü") && !is_valid_text("x\ry") && !is_valid_text("\x7f"));
    }

    #[test]
    fn token_end_agrees_with_the_octet_check() {
        for c in 0..=255u8 {
            for pos in 0..17 {
                let mut s = vec![b'a'; 20];
                s[pos] = c;
                for eq in [false, true] {
                    let end = c == b' ' || c == b'\t' || (eq && c == b'=');
                    let want = if end { pos } else { 20 };
                    assert_eq!(token_end::<false>(&s, eq), want, "octet {c:#x} at {pos}, eq {eq}");
                    let want = if end || c == b'\r' { pos } else { 20 };
                    assert_eq!(token_end::<true>(&s, eq), want, "octet {c:#x} at {pos}, eq {eq}");
                }
            }
        }
    }

    #[test]
    fn find_octet_agrees_with_position() {
        for c in 0..=255u8 {
            for pos in 0..19 {
                let mut s = vec![b'a'; 19];
                s[pos] = c;
                assert_eq!(find_cr(&s), s.iter().position(|&c| c == b'\r'), "{c:#x} at {pos}");
                let sp = s.iter().position(|&c| c == b' ');
                assert_eq!(find_octet::<b' '>(&s), sp, "{c:#x} at {pos}");
                s[18] = b'\r';
                assert_eq!(find_cr(&s), s.iter().position(|&c| c == b'\r'), "{c:#x} at {pos}");
            }
        }
    }

    #[test]
    fn ehlo_lines() {
        let line = |s: &'static str| ehlo_line(s.as_bytes());
        assert_eq!(line("SIZE 1000"), Some((&b"SIZE"[..], &b" 1000"[..])));
        assert_eq!(line("AUTH=LOGIN PLAIN"), Some((&b"AUTH"[..], &b"LOGIN PLAIN"[..])));
        assert_eq!(line("  PIPELINING  "), Some((&b"PIPELINING"[..], &b"  "[..])));
        assert_eq!(line("\tA=B C"), Some((&b"A"[..], &b"B C"[..])));
        assert_eq!(line("=x"), Some((&b"=x"[..], &b""[..])));
        assert_eq!(line("=a=b c"), Some((&b"=a=b"[..], &b" c"[..])));
        assert_eq!(line("a=b=c"), Some((&b"a"[..], &b"b=c"[..])));
        assert_eq!(line("a b=c"), Some((&b"a"[..], &b" b=c"[..])));
        assert_eq!(line(" "), None);
        assert_eq!(line(""), None);
        // The same lines followed by their CRLF and more.
        for l in ["SIZE 1000", "AUTH=LOGIN PLAIN", "  PIPELINING  ", "\tA=B C", "=x", "=a=b c"]
            .into_iter()
            .chain(["a=b=c", "a b=c", " ", "", "CHUNKING", "X\x01Y z", "K ="])
        {
            let text = format!("{l}\r\n250 SIZE 1 =\r\n");
            let (parsed, cr) = ehlo_line_in(text.as_bytes()).unwrap();
            assert_eq!((parsed, cr), (line(l), l.len()), "{l:?}");
        }
        assert_eq!(ehlo_line_in(b"SIZE 10"), None, "no CR");
        assert_eq!(ehlo_params(b"  a \t b ").collect::<Vec<_>>(), vec![b"a", b"b"]);
    }

    /// Keys are equal exactly when the strings are, ignoring ASCII case.
    #[test]
    fn folded_keys() {
        let words = [
            "DSN",
            "dsn",
            "DSn",
            "ATRN",
            "AUTH",
            "auth",
            "VRFY",
            "8BITMIME",
            "8bitmime",
            "STARTTLS",
            "SMTPUTF8",
            "UTF8SMTP",
            "PIPELINING",
            "MT-PRIORITY",
            "mt-priority",
            "FUTURERELEASE",
            "NO-SOLICITING",
            "ENHANCEDSTATUSCODES",
            "enhancedstatuscodes",
            "SCRAM-SHA-256-PLUS",
            "A2345678901234567890",
            "a",
            "A",
            "ab",
            "@",
            "`",
            "[",
            "{",
            "\u{e9}",
            "\u{c9}",
            "X-EXPS",
            "x-exps",
            "XOAUTH2",
            "XOAUTH",
            "DSN\u{0}",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    folded_key(a.as_bytes()) == folded_key(b.as_bytes()),
                    a.eq_ignore_ascii_case(b),
                    "{a:?} {b:?}"
                );
            }
        }
        for c in 0..=255u8 {
            let w = upper_word(u64::from_le_bytes([c; 8]));
            assert_eq!(w, u64::from_le_bytes([c.to_ascii_uppercase(); 8]), "{c:#x}");
        }
        assert_eq!(folded_key(&[b'A'; 25]), (0, 0, 0, 0));
        assert_eq!(folded_key(b""), (0, 0, 0, 0));
    }
}
