//! The grammar: nom parsers named after the ABNF rules of RFC 5321 and the extension RFCs.
//!
//! Everything here is `pub(crate)`. The command parsers work on a [`Span`]: a part of one
//! complete line (without its CRLF) held in a shared buffer, so the values they build hold
//! `Bytes` slices of that line ([`Span::share`]) instead of copies. The character classes
//! the rules are built from are those the values check themselves against
//! (`crate::types::grammar`), so a value built by hand and one parsed agree.
//!
//! Each parser is one ABNF rule, named after it, with the rule and its RFC section in its
//! doc comment. A parser returns nom's `Error` when its rule does not start here (an
//! alternative may still match) and `Failure` once the input is committed to the rule and
//! breaks it; either carries a [`PError`] with a short reason for the reply text.

pub(crate) mod address;
pub(crate) mod command;
pub(crate) mod datetime;
pub(crate) mod ehlo;
pub(crate) mod params;
pub(crate) mod reply;
pub(crate) mod xtext;

use std::iter::{Copied, Enumerate};
use std::slice::Iter;

use bytes::Bytes;
use nom::{CompareResult, Needed, Parser};

use crate::error::{DecodeError, DecodeErrorKind};
use crate::types::Text;

/// The error type of every parser here: a static reason, and optionally the error kind
/// (and so the reply code) when the parser knows better than its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PError {
    pub(crate) reason: &'static str,
    pub(crate) kind: Option<DecodeErrorKind>,
}

impl PError {
    pub(crate) const fn new(reason: &'static str) -> Self {
        Self { reason, kind: None }
    }

    pub(crate) const fn with_kind(kind: DecodeErrorKind, reason: &'static str) -> Self {
        Self { reason, kind: Some(kind) }
    }

    /// A nom error: the rule does not start here (an alternative may still match).
    pub(crate) const fn error<T>() -> Result<T, nom::Err<Self>> {
        Err(nom::Err::Error(Self::new("syntax error")))
    }

    /// A nom failure (no backtracking) with this reason.
    pub(crate) const fn fail<T>(reason: &'static str) -> Result<T, nom::Err<Self>> {
        Err(nom::Err::Failure(Self::new(reason)))
    }

    /// The public error, using `default` unless the parser chose a kind.
    pub(crate) const fn into_decode_error(self, default: DecodeErrorKind) -> DecodeError {
        let kind = match self.kind {
            Some(k) => k,
            None => default,
        };
        DecodeError::new(kind, self.reason)
    }
}

impl<I> nom::error::ParseError<I> for PError {
    fn from_error_kind(_input: I, _kind: nom::error::ErrorKind) -> Self {
        Self::new("syntax error")
    }

    fn append(_input: I, _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // Prefer the more specific of two alternatives' errors.
        if other.reason != "syntax error" { other } else { self }
    }
}

/// The result type of the parsers over a [`Span`] (commands).
pub(crate) type SResult<'a, T> = nom::IResult<Span<'a>, T, PError>;

/// The result of a parser over a plain byte slice (the reply and EHLO grammar).
pub(crate) type PResult<'a, T> = nom::IResult<&'a [u8], T, PError>;

/// The part of `src` that `part` (a subslice of it) covers, as a shared slice: parsed
/// values keep a reference to the input instead of a copy.
pub(crate) fn share(src: &Bytes, part: &[u8]) -> Bytes {
    if part.is_empty() {
        return Bytes::new();
    }
    src.slice_ref(part)
}

/// Flattens a nom error into a [`PError`] (`Incomplete` cannot happen on complete input).
pub(crate) fn flatten(err: nom::Err<PError>) -> PError {
    match err {
        nom::Err::Error(e) | nom::Err::Failure(e) => e,
        nom::Err::Incomplete(_) => PError::new("incomplete input"),
    }
}

/// Part of a line held in a shared buffer: the input of the command grammar.
///
/// It behaves as `&[u8]` for nom; [`share`](Self::share) turns what a rule matched into a
/// `Bytes` slice of the line, so parsed values share the line instead of copying it.
#[derive(Clone, Copy)]
pub(crate) struct Span<'a> {
    line: &'a Bytes,
    part: &'a [u8],
}

impl<'a> Span<'a> {
    /// All of `line`.
    #[inline]
    pub(crate) fn new(line: &'a Bytes) -> Self {
        Self { line, part: line }
    }

    /// The octets as a slice of the shared line (no copy).
    #[inline]
    pub(crate) fn share(&self) -> Bytes {
        if self.part.is_empty() {
            return Bytes::new();
        }
        // `part` is always a subslice of `line` (every Span comes from `new` and nom's
        // slicing below), so the offset is in range.
        let start = self.part.as_ptr() as usize - self.line.as_ptr() as usize;
        self.line.slice(start..start + self.part.len())
    }

    /// The octets as text sharing the line. Every rule that ends in a `Text` admits only
    /// ASCII or checked UTF-8.
    #[inline]
    pub(crate) fn text(&self) -> Text {
        Text::from_checked(self.share())
    }

    #[inline]
    fn with(&self, part: &'a [u8]) -> Self {
        Self { line: self.line, part }
    }

    /// The first `n` octets and what follows them, in nom's order: `(rest, first)`.
    #[inline]
    pub(crate) fn cut(&self, n: usize) -> (Self, Self) {
        let (first, rest) = self.part.split_at(n);
        (self.with(rest), self.with(first))
    }

    /// What follows `prefix`, when the octets start with it.
    #[inline]
    pub(crate) fn after(&self, prefix: &[u8]) -> Option<Self> {
        self.part.strip_prefix(prefix).map(|rest| self.with(rest))
    }

    /// What follows `prefix`, matched ignoring ASCII case (RFC 5321 §2.4: verbs and
    /// argument keywords are case-insensitive).
    #[inline]
    pub(crate) fn after_no_case(&self, prefix: &[u8]) -> Option<Self> {
        match self.part.get(..prefix.len()) {
            Some(head) if head.eq_ignore_ascii_case(prefix) => {
                Some(self.with(&self.part[prefix.len()..]))
            }
            _ => None,
        }
    }

    /// The longest run of octets of `class` at the front, and what follows it:
    /// `(rest, run)`. A rule that is a run of one character class is one such scan.
    #[inline]
    pub(crate) fn run(&self, class: impl Fn(u8) -> bool) -> (Self, Self) {
        let n = self.part.iter().position(|&c| !class(c)).unwrap_or(self.part.len());
        self.cut(n)
    }
}

impl std::ops::Deref for Span<'_> {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.part
    }
}

impl std::fmt::Debug for Span<'_> {
    #[inline]
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Span({:?})", String::from_utf8_lossy(self.part))
    }
}

impl PartialEq for Span<'_> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.part == other.part
    }
}

impl<'a> nom::Input for Span<'a> {
    type Item = u8;
    type Iter = Copied<Iter<'a, u8>>;
    type IterIndices = Enumerate<Self::Iter>;

    #[inline]
    fn input_len(&self) -> usize {
        self.part.len()
    }

    #[inline]
    fn take(&self, index: usize) -> Self {
        self.with(&self.part[..index])
    }

    #[inline]
    fn take_from(&self, index: usize) -> Self {
        self.with(&self.part[index..])
    }

    #[inline]
    fn take_split(&self, index: usize) -> (Self, Self) {
        let (prefix, suffix) = self.part.split_at(index);
        (self.with(suffix), self.with(prefix))
    }

    #[inline]
    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(u8) -> bool,
    {
        self.part.iter().position(|&c| predicate(c))
    }

    #[inline]
    fn iter_elements(&self) -> Self::Iter {
        self.part.iter().copied()
    }

    #[inline]
    fn iter_indices(&self) -> Self::IterIndices {
        self.iter_elements().enumerate()
    }

    #[inline]
    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        if self.part.len() >= count { Ok(count) } else { Err(Needed::new(count - self.part.len())) }
    }
}

impl nom::Offset for Span<'_> {
    #[inline]
    fn offset(&self, second: &Self) -> usize {
        second.part.as_ptr() as usize - self.part.as_ptr() as usize
    }
}

impl<'b> nom::Compare<&'b str> for Span<'_> {
    #[inline]
    fn compare(&self, t: &'b str) -> CompareResult {
        self.part.compare(t)
    }
    #[inline]
    fn compare_no_case(&self, t: &'b str) -> CompareResult {
        self.part.compare_no_case(t)
    }
}

impl<'b> nom::Compare<&'b [u8]> for Span<'_> {
    #[inline]
    fn compare(&self, t: &'b [u8]) -> CompareResult {
        self.part.compare(t)
    }
    #[inline]
    fn compare_no_case(&self, t: &'b [u8]) -> CompareResult {
        self.part.compare_no_case(t)
    }
}

/// One octet of the class `class`.
pub(crate) fn octet<'a>(
    class: fn(u8) -> bool,
) -> impl Parser<Span<'a>, Output = u8, Error = PError> {
    move |i: Span<'a>| match i.first() {
        Some(&c) if class(c) => Ok((i.with(&i.part[1..]), c)),
        _ => Err(nom::Err::Error(PError::new("syntax error"))),
    }
}

/// `SP` (RFC 5234 Appendix B.1).
pub(crate) fn sp(i: Span<'_>) -> SResult<'_, Span<'_>> {
    match i.first() {
        Some(b' ') => Ok(i.cut(1)),
        _ => PError::error(),
    }
}

/// `p`, committed: where it does not match, the input breaks the rule the caller is in,
/// for `reason` (keeping the error kind `p` chose, if any). Failures of `p` keep their own
/// reason.
pub(crate) fn expect<'a, O>(
    reason: &'static str,
    mut p: impl Parser<Span<'a>, Output = O, Error = PError>,
) -> impl Parser<Span<'a>, Output = O, Error = PError> {
    move |i| match p.parse(i) {
        Err(nom::Err::Error(e)) => Err(nom::Err::Failure(PError { reason, kind: e.kind })),
        r => r,
    }
}

/// `p`, whose output must pass `check`; what fails the check is a failure for its reason.
pub(crate) fn check<'a, O>(
    mut p: impl Parser<Span<'a>, Output = O, Error = PError>,
    check: impl Fn(&O) -> Result<(), &'static str>,
) -> impl Parser<Span<'a>, Output = O, Error = PError> {
    move |i| {
        let (rest, o) = p.parse(i)?;
        match check(&o) {
            Ok(()) => Ok((rest, o)),
            Err(reason) => PError::fail(reason),
        }
    }
}

/// The result of a rule, with its errors and failures reported as `kind` unless it chose
/// one itself.
pub(crate) fn with_kind<T>(kind: DecodeErrorKind, result: SResult<'_, T>) -> SResult<'_, T> {
    result.map_err(|e| e.map(|e| PError { reason: e.reason, kind: Some(e.kind.unwrap_or(kind)) }))
}

/// Parses a non-empty run of ASCII digits as `u64`.
///
/// Returns `None` for an empty input, a non-digit, or a value that does not fit in 64
/// bits (21 or more digits, or 20 digits above `u64::MAX`): numbers never wrap.
pub(crate) fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 20 {
        return None;
    }
    let mut n: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(n)
}

/// Runs `p` over all of `s` (copied into a buffer of its own), for the constructors that
/// parse a value's text form.
pub(crate) fn parse_all<T>(
    s: &str,
    p: impl for<'a> Fn(Span<'a>) -> SResult<'a, T>,
) -> Result<T, &'static str> {
    let line = Bytes::copy_from_slice(s.as_bytes());
    match p(Span::new(&line)) {
        Ok((rest, v)) if rest.is_empty() => Ok(v),
        Ok(_) => Err("unexpected text after the value"),
        Err(e) => Err(flatten(e).reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_u64_never_wraps() {
        assert_eq!(parse_u64(b"0"), Some(0));
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b"000000000000000000001"), None, "21 digits");
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"12a"), None);
        assert_eq!(parse_u64(b"-1"), None);
    }

    #[test]
    fn spans_share_the_line() {
        let line = Bytes::from_static(b"EHLO a.example");
        let (rest, verb) =
            nom::bytes::complete::tag::<_, _, PError>("EHLO").parse(Span::new(&line)).unwrap();
        assert_eq!(verb.share(), "EHLO");
        assert_eq!(rest.share().as_ptr(), line[4..].as_ptr());
    }
}
