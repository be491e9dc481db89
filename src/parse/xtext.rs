//! `xtext` (RFC 3461 §4): the encoding of ENVID, ORCPT and the MAIL `AUTH=` parameter.

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while1};
use nom::combinator::recognize;
use nom::multi::many0_count;

use super::{SResult, Span, octet};
use crate::types::grammar::{is_upper_hex, is_xchar};

/// ```text
/// xtext   = *( xchar / hexchar )
/// xchar   = any ASCII CHAR between "!" (33) and "~" (126) inclusive,
///           except for "+" and "="
/// hexchar = ASCII "+" immediately followed by two upper case
///           hexadecimal digits
/// ```
/// (RFC 3461 §4).
pub(crate) fn xtext(i: Span<'_>) -> SResult<'_, Span<'_>> {
    recognize(many0_count(alt((take_while1(is_xchar), hexchar)))).parse(i)
}

/// `hexchar = "+" 2(%x30-39 / %x41-46)` (RFC 3461 §4).
fn hexchar(i: Span<'_>) -> SResult<'_, Span<'_>> {
    recognize((tag("+"), octet(is_upper_hex), octet(is_upper_hex))).parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use proptest::prelude::*;

    fn whole(s: &[u8]) -> bool {
        let line = Bytes::copy_from_slice(s);
        matches!(xtext(Span::new(&line)), Ok((rest, _)) if rest.is_empty())
    }

    #[test]
    fn rfc_3461_examples() {
        assert!(whole(b"e+3Dmc2@example.com"));
        assert!(whole(b""));
        assert!(!whole(b"a+2"), "truncated hexchar");
        assert!(!whole(b"a+2b"), "hex is upper case");
        assert!(!whole(b"a=b"));
    }

    proptest! {
        /// The rule and the check values make on their own (`XText::new`) agree.
        #[test]
        fn agrees_with_the_value_check(s in proptest::collection::vec(prop_oneof![
            Just(b'+'), Just(b'='), Just(b'A'), Just(b'f'), Just(b'3'), b'!'..=b'~', any::<u8>()
        ], 0..12)) {
            prop_assert_eq!(whole(&s), crate::types::grammar::is_xtext(&s));
        }
    }
}
