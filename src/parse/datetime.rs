//! `date-time` (RFC 3339 §5.6), the value of the HOLDUNTIL parameter (RFC 4865 §4).

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while_m_n, take_while1};
use nom::combinator::{opt, recognize};

use super::{SResult, Span};

fn digits<'a>(n: usize) -> impl Parser<Span<'a>, Output = Span<'a>, Error = super::PError> {
    take_while_m_n(n, n, |c: u8| c.is_ascii_digit())
}

/// ```text
/// date-time      = full-date "T" full-time
/// full-date      = date-fullyear "-" date-month "-" date-mday
/// date-fullyear  = 4DIGIT
/// date-month     = 2DIGIT  ; 01-12
/// date-mday      = 2DIGIT  ; 01-28, 01-29, 01-30, 01-31 based on month/year
/// ```
/// (RFC 3339 §5.6; "T" and "Z" may be lower case, §5.6 NOTE). Ranges are not checked.
pub(crate) fn date_time(i: Span<'_>) -> SResult<'_, Span<'_>> {
    let full_date = (digits(4), tag("-"), digits(2), tag("-"), digits(2));
    recognize((full_date, tag_no_case("T"), full_time)).parse(i)
}

/// ```text
/// full-time      = partial-time time-offset
/// partial-time   = time-hour ":" time-minute ":" time-second [time-secfrac]
/// time-secfrac   = "." 1*DIGIT
/// time-offset    = "Z" / time-numoffset
/// time-numoffset = ("+" / "-") time-hour ":" time-minute
/// ```
/// (RFC 3339 §5.6).
fn full_time(i: Span<'_>) -> SResult<'_, Span<'_>> {
    let time_secfrac = (tag("."), take_while1(|c: u8| c.is_ascii_digit()));
    let partial_time = (digits(2), tag(":"), digits(2), tag(":"), digits(2), opt(time_secfrac));
    let time_numoffset = (alt((tag("+"), tag("-"))), digits(2), tag(":"), digits(2));
    let time_offset = alt((tag_no_case("Z"), recognize(time_numoffset)));
    recognize((partial_time, time_offset)).parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use proptest::prelude::*;

    fn whole(s: &[u8]) -> bool {
        let line = Bytes::copy_from_slice(s);
        matches!(date_time(Span::new(&line)), Ok((rest, _)) if rest.is_empty())
    }

    #[test]
    fn rfc_3339_examples() {
        assert!(whole(b"1985-04-12T23:20:50.52Z"));
        assert!(whole(b"1996-12-19T16:39:57-08:00"));
        assert!(whole(b"2030-01-01t00:00:00z"));
        assert!(!whole(b"2030-01-01T00:00:00"), "offset required");
        assert!(!whole(b"2030-01-01T00:00:00.Z"));
        assert!(!whole(b"tomorrow"));
    }

    proptest! {
        /// The rule and the check `Hold::until` makes agree.
        #[test]
        fn agrees_with_the_value_check(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,3})?([Zz]|[+-][0-9]{2}:[0-9]{2}|[+-][0-9]{2})?") {
            prop_assert_eq!(whole(s.as_bytes()), crate::types::grammar::is_date_time(s.as_bytes()));
        }
    }
}
