//! `Mail-parameters` and `Rcpt-parameters` (RFC 5321 §4.1.2) into [`MailParameters`] /
//! [`RcptParameters`], with the values of the parameters this crate types.

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while_m_n, take_while1};
use nom::combinator::{map, map_opt, opt, value};
use nom::multi::fold;
use nom::sequence::{preceded, separated_pair};

use super::datetime::date_time;
use super::xtext::xtext;
use super::{PError, SResult, Span, check, expect, octet, parse_u64};
use crate::error::DecodeErrorKind;
use crate::types::grammar::{is_atext, is_esmtp_value_char, is_ldh, is_let_dig};
use crate::types::{
    Body, ByMode, DeliverBy, Hold, MAX_ENVID_LEN, MAX_XTEXT_PARAM_LEN, MailAuth, MailParameters,
    Notify, Orcpt, Parameter, Priority, RcptParameters, Ret, XText,
};

/// How lenient the parameter list parser is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ParamOptions {
    /// Refuse parameters without a typed field (555) instead of keeping them.
    pub(crate) reject_unknown: bool,
    /// Accept runs of spaces between parameters (RFC: exactly one SP).
    pub(crate) extra_spaces: bool,
}

/// `esmtp-param = esmtp-keyword ["=" esmtp-value]` (RFC 5321 §4.1.2).
pub(crate) fn esmtp_param(i: Span<'_>) -> SResult<'_, (Span<'_>, Option<Span<'_>>)> {
    let (i, keyword) = expect("malformed parameter keyword", esmtp_keyword).parse(i)?;
    let Some(v) = i.after(b"=") else {
        return Ok((i, (keyword, None)));
    };
    let (i, value) = expect("malformed parameter value", esmtp_value).parse(v)?;
    Ok((i, (keyword, Some(value))))
}

/// `esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")` (RFC 5321 §4.1.2).
pub(crate) fn esmtp_keyword(i: Span<'_>) -> SResult<'_, Span<'_>> {
    match i.first() {
        Some(&c) if is_let_dig(c) => {
            Ok(i.cut(1 + i[1..].iter().take_while(|&&c| is_ldh(c)).count()))
        }
        _ => PError::error(),
    }
}

/// `esmtp-value = 1*(%d33-60 / %d62-126)` (RFC 5321 §4.1.2); RFC 6531 §3.3 adds
/// `UTF8-non-ascii`, which must be well-formed.
pub(crate) fn esmtp_value(i: Span<'_>) -> SResult<'_, Span<'_>> {
    let (rest, v) = i.run(|c| is_esmtp_value_char(c) || c >= 0x80);
    if v.is_empty() {
        return PError::error();
    }
    match v.is_ascii() || std::str::from_utf8(&v).is_ok() {
        true => Ok((rest, v)),
        false => PError::fail("malformed UTF-8 in parameter value"),
    }
}

/// `esmtp-param *(SP esmtp-param)`, each handed to `add`; under
/// [`ParamOptions::extra_spaces`], runs of spaces (or tabs) anywhere between them.
fn parameter_list<'a>(
    i: Span<'a>,
    opts: ParamOptions,
    mut add: impl FnMut(Span<'a>, Option<Span<'a>>) -> Result<(), PError>,
) -> SResult<'a, ()> {
    let spaces = |i: Span<'a>| i.run(|c| c == b' ' || c == b'\t');
    let mut rest = if opts.extra_spaces { spaces(i).0 } else { i };
    while !rest.is_empty() {
        let (r, (keyword, value)) = esmtp_param(rest)?;
        add(keyword, value).map_err(nom::Err::Failure)?;
        if r.is_empty() {
            return Ok((r, ()));
        }
        let (r, between) = match opts.extra_spaces {
            true => spaces(r),
            false => r.cut(usize::from(r[0] == b' ')),
        };
        if between.is_empty() {
            return PError::fail("expected SP between parameters");
        }
        if r.is_empty() && !opts.extra_spaces {
            return PError::fail("trailing space after parameters");
        }
        rest = r;
    }
    Ok((rest, ()))
}

const DUPLICATE: PError = PError::new("duplicate parameter");

fn set_once<T>(slot: &mut Option<T>, value: T) -> Result<(), PError> {
    match slot.replace(value) {
        Some(_) => Err(DUPLICATE),
        None => Ok(()),
    }
}

fn flag_once(slot: &mut bool, value: Option<Span<'_>>, reason: &'static str) -> Result<(), PError> {
    if value.is_some() {
        return Err(PError::new(reason));
    }
    if std::mem::replace(slot, true) {
        return Err(DUPLICATE);
    }
    Ok(())
}

/// The value `v` of a parameter, all of it parsed by `p`; `reason` when it is missing or
/// does not match.
fn typed<'a, T>(
    v: Option<Span<'a>>,
    p: impl FnOnce(Span<'a>) -> SResult<'a, T>,
    reason: &'static str,
) -> Result<T, PError> {
    let v = v.ok_or(PError::new("parameter needs a value"))?;
    match p(v) {
        Ok((rest, t)) if rest.is_empty() => Ok(t),
        _ => Err(PError::new(reason)),
    }
}

/// A parameter without a typed field: kept, unless the configuration refuses it (555).
fn other(
    others: &mut Vec<Parameter>,
    keyword: Span<'_>,
    value: Option<Span<'_>>,
    opts: ParamOptions,
) -> Result<(), PError> {
    if opts.reject_unknown {
        return Err(PError::with_kind(
            DecodeErrorKind::UnrecognizedParameter,
            "parameter unrecognized",
        ));
    }
    if others.iter().any(|o| o.keyword().as_bytes().eq_ignore_ascii_case(&keyword)) {
        return Err(DUPLICATE);
    }
    others.push(Parameter::from_checked(keyword.text(), value.map(|v| v.text())));
    Ok(())
}

/// `Mail-parameters = esmtp-param *(SP esmtp-param)` (RFC 5321 §4.1.2), with the typed
/// MAIL parameters:
///
/// ```text
/// size-param   = "SIZE=" size-value          ; RFC 1870 §3
/// body-param   = "BODY=" ("7BIT" / "8BITMIME" / "BINARYMIME")   ; RFC 6152, RFC 3030
/// ret-param    = "RET=" ("FULL" / "HDRS")    ; RFC 3461 §4.3
/// envid-param  = "ENVID=" xtext              ; RFC 3461 §4.4, at most 100 characters
/// "SMTPUTF8"                                  ; RFC 6531 §3.4, no value
/// auth-param   = "AUTH=" xtext / "AUTH=<>"   ; RFC 4954 §5
/// by-param     = "BY=" by-value              ; RFC 2852 §4
/// hold-param   = "HOLDFOR=" 1*9DIGIT / "HOLDUNTIL=" date-time   ; RFC 4865 §4
/// "MT-PRIORITY=" priority-value              ; RFC 6710 §7
/// "REQUIRETLS"                                ; RFC 8689 §4, no value
/// ```
///
/// The parameters are read into `f`, which the command holds (not moved through the rules).
pub(crate) fn mail_parameters<'a>(
    i: Span<'a>,
    opts: ParamOptions,
    f: &mut MailParameters,
) -> SResult<'a, ()> {
    parameter_list(i, opts, |k, v| {
        let is = |name: &str| k.eq_ignore_ascii_case(name.as_bytes());
        if is("SIZE") {
            set_once(&mut f.size, typed(v, size_value, "SIZE is a number of at most 20 digits")?)
        } else if is("BODY") {
            set_once(&mut f.body, typed(v, body_value, "BODY is 7BIT, 8BITMIME or BINARYMIME")?)
        } else if is("RET") {
            set_once(&mut f.ret, typed(v, ret_value, "RET is FULL or HDRS")?)
        } else if is("ENVID") {
            let envid = typed(v, envid_value, "ENVID is at most 100 characters of xtext")?;
            set_once(&mut f.envid, envid)
        } else if is("SMTPUTF8") {
            flag_once(&mut f.smtputf8, v, "SMTPUTF8 takes no value")
        } else if is("AUTH") {
            set_once(
                &mut f.auth,
                typed(v, auth_value, "AUTH= is at most 500 characters of xtext or <>")?,
            )
        } else if is("BY") {
            set_once(&mut f.rare_mut().by, typed(v, by_value, "BY is <seconds>;N or R[T]")?)
        } else if is("HOLDFOR") || is("HOLDUNTIL") {
            let hold = match is("HOLDFOR") {
                true => typed(v, hold_for_value, "HOLDFOR is at most 9 digits")?,
                false => typed(v, hold_until_value, "HOLDUNTIL is an RFC 3339 date-time")?,
            };
            set_once(&mut f.rare_mut().hold, hold)
                .map_err(|_| PError::new("HOLDFOR and HOLDUNTIL together"))
        } else if is("MT-PRIORITY") {
            set_once(
                &mut f.rare_mut().mt_priority,
                typed(v, priority_value, "MT-PRIORITY is from -9 to 9")?,
            )
        } else if is("REQUIRETLS") {
            flag_once(&mut f.requiretls, v, "REQUIRETLS takes no value")
        } else {
            other(&mut f.others, k, v, opts)
        }
    })
}

/// `Rcpt-parameters = esmtp-param *(SP esmtp-param)` (RFC 5321 §4.1.2), with the typed
/// RCPT parameters:
///
/// ```text
/// notify-param = "NOTIFY=" notify-esmtp-value   ; RFC 3461 §4.1
/// orcpt-param  = "ORCPT=" original-recipient-address   ; RFC 3461 §4.2
/// ```
///
/// The parameters are read into `f`, which the command holds (not moved through the rules).
pub(crate) fn rcpt_parameters<'a>(
    i: Span<'a>,
    opts: ParamOptions,
    f: &mut RcptParameters,
) -> SResult<'a, ()> {
    parameter_list(i, opts, |k, v| {
        if k.eq_ignore_ascii_case(b"NOTIFY") {
            let n = typed(v, notify_value, "NOTIFY is NEVER or a list of SUCCESS, FAILURE, DELAY")?;
            set_once(&mut f.notify, n)
        } else if k.eq_ignore_ascii_case(b"ORCPT") {
            let o = typed(v, orcpt_value, "ORCPT is addr-type;xtext of at most 500 characters")?;
            set_once(&mut f.orcpt, o)
        } else {
            other(&mut f.others, k, v, opts)
        }
    })
}

/// `size-value = 1*20DIGIT` (RFC 1870 §3); a value beyond 64 bits is refused, never wrapped.
fn size_value(i: Span<'_>) -> SResult<'_, u64> {
    let (rest, digits) = i.run(|c| c.is_ascii_digit());
    match parse_u64(&digits) {
        Some(n) => Ok((rest, n)),
        None => PError::error(),
    }
}

/// `body-value = "7BIT" / "8BITMIME" / "BINARYMIME"` (RFC 6152 §2, RFC 3030 §3).
fn body_value(i: Span<'_>) -> SResult<'_, Body> {
    map_opt(take_while1(|_| true), |v: Span<'_>| Body::from_keyword(&v)).parse(i)
}

/// `ret-value = "FULL" / "HDRS"` (RFC 3461 §4.3).
fn ret_value(i: Span<'_>) -> SResult<'_, Ret> {
    map_opt(take_while1(|_| true), |v: Span<'_>| Ret::from_keyword(&v)).parse(i)
}

/// `envid-value = xtext`, "up to 100 characters" (RFC 3461 §4.4).
fn envid_value(i: Span<'_>) -> SResult<'_, XText> {
    let envid = check(xtext, |x| match (1..=MAX_ENVID_LEN).contains(&x.len()) {
        true => Ok(()),
        false => Err("ENVID is 1 to 100 characters"),
    });
    map(envid, |x| XText::from_checked(x.share())).parse(i)
}

/// `auth-param = "AUTH=" ( xtext / "<>" )` (RFC 4954 §5); an identity of at most 500
/// characters (RFC 4954 §5 refers to RFC 3461 §11's limit).
fn auth_value(i: Span<'_>) -> SResult<'_, MailAuth> {
    let identity = check(xtext, |x| match (1..=MAX_XTEXT_PARAM_LEN).contains(&x.len()) {
        true => Ok(()),
        false => Err("AUTH= is 1 to 500 characters"),
    });
    alt((
        value(MailAuth::Unknown, tag("<>")),
        map(identity, |x| MailAuth::Identity(XText::from_checked(x.share()))),
    ))
    .parse(i)
}

/// ```text
/// by-value = by-time ";" by-mode [by-trace]
/// by-time  = ["-" / "+"] 1*9digit
/// by-mode  = "N" / "R"
/// by-trace = "T"
/// ```
/// (RFC 2852 §4; a zero or negative time only with "N").
fn by_value(i: Span<'_>) -> SResult<'_, DeliverBy> {
    let sign = opt(alt((tag("-"), tag("+"))));
    let by_time = (sign, take_while_m_n(1, 9, |c: u8| c.is_ascii_digit()));
    let by_mode =
        alt((value(ByMode::Notify, tag_no_case("N")), value(ByMode::Return, tag_no_case("R"))));
    let by_trace = opt(tag_no_case("T"));
    let parts = separated_pair(by_time, tag(";"), (by_mode, by_trace));
    map_opt(parts, |((sign, digits), (mode, trace)): ((Option<Span<'_>>, Span<'_>), _)| {
        let n = i32::try_from(parse_u64(&digits)?).ok()?;
        let time = if sign.is_some_and(|s| &*s == b"-") { -n } else { n };
        DeliverBy::new(time, mode, trace.is_some()).ok()
    })
    .parse(i)
}

/// `future-release-interval = 1*9DIGIT` (RFC 4865 §4).
fn hold_for_value(i: Span<'_>) -> SResult<'_, Hold> {
    let seconds = take_while_m_n(1, 9, |c: u8| c.is_ascii_digit());
    map_opt(seconds, |d: Span<'_>| Some(Hold::For(u32::try_from(parse_u64(&d)?).ok()?))).parse(i)
}

/// `future-release-date-time = date-time` (RFC 4865 §4, RFC 3339 §5.6).
fn hold_until_value(i: Span<'_>) -> SResult<'_, Hold> {
    map(date_time, |t| Hold::Until(t.text())).parse(i)
}

/// `priority-value = (["-"] NZDIGIT) / "0"` (RFC 6710 §7).
fn priority_value(i: Span<'_>) -> SResult<'_, Priority> {
    let nzdigit = octet(|c| matches!(c, b'1'..=b'9'));
    let signed = map((opt(tag("-")), nzdigit), |(minus, d)| {
        let v = (d - b'0') as i8;
        if minus.is_some() { -v } else { v }
    });
    map_opt(alt((value(0, tag("0")), signed)), |v| Priority::new(v).ok()).parse(i)
}

/// ```text
/// notify-esmtp-value  = "NEVER" / 1#notify-list-element
/// notify-list-element = "SUCCESS" / "FAILURE" / "DELAY"
/// ```
/// (RFC 3461 §4.1); an element given twice is refused.
pub(crate) fn notify_value(i: Span<'_>) -> SResult<'_, Notify> {
    let element = || {
        alt((
            value(0u8, tag_no_case("SUCCESS")),
            value(1u8, tag_no_case("FAILURE")),
            value(2u8, tag_no_case("DELAY")),
        ))
    };
    let add = |seen: Option<u8>, e: u8| seen.filter(|s| s & 1 << e == 0).map(|s| s | 1 << e);
    let list = (element(), fold(0.., preceded(tag(","), element()), || Some(0u8), add));
    let list = map_opt(list, move |(first, seen)| {
        let seen = add(seen, first)?;
        Some(Notify { success: seen & 1 != 0, failure: seen & 2 != 0, delay: seen & 4 != 0 })
    });
    alt((value(Notify::NEVER, tag_no_case("NEVER")), list)).parse(i)
}

/// ```text
/// original-recipient-address = addr-type ";" xtext
/// addr-type = atom
/// ```
/// (RFC 3461 §4.2), at most 500 characters (RFC 3461 §11).
fn orcpt_value(i: Span<'_>) -> SResult<'_, Orcpt> {
    let address = separated_pair(take_while1(is_atext), tag(";"), xtext);
    let address = check(address, |(t, x)| match t.len() + 1 + x.len() <= MAX_XTEXT_PARAM_LEN {
        true => Ok(()),
        false => Err("ORCPT is at most 500 characters"),
    });
    map(address, |(t, x)| Orcpt::from_checked(t.text(), XText::from_checked(x.share()))).parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    const STRICT: ParamOptions = ParamOptions { reject_unknown: false, extra_spaces: false };

    fn parse<T: Default>(
        s: &str,
        opts: ParamOptions,
        p: impl for<'a> Fn(Span<'a>, ParamOptions, &mut T) -> SResult<'a, ()>,
    ) -> Result<T, PError> {
        let src = Bytes::copy_from_slice(s.as_bytes());
        let mut v = T::default();
        match p(Span::new(&src), opts, &mut v) {
            Ok((rest, ())) if rest.is_empty() => Ok(v),
            Ok(_) => Err(PError::new("left over")),
            Err(e) => Err(super::super::flatten(e)),
        }
    }

    fn mail(s: &str) -> Result<MailParameters, &'static str> {
        parse(s, STRICT, mail_parameters).map_err(|e| e.reason)
    }

    fn rcpt(s: &str) -> Result<RcptParameters, &'static str> {
        parse(s, STRICT, rcpt_parameters).map_err(|e| e.reason)
    }

    #[test]
    fn typed_mail_parameters() {
        let p = mail("SIZE=1000 BODY=8bitmime RET=hdrs ENVID=QQ314159 SMTPUTF8 AUTH=e+3Dmc2@example.com BY=120;rT HOLDFOR=60 MT-PRIORITY=-3 REQUIRETLS").unwrap();
        assert_eq!(p.size(), Some(1000));
        assert_eq!(p.body(), Some(Body::EightBitMime));
        assert_eq!(p.ret(), Some(Ret::Hdrs));
        assert_eq!(p.envid().unwrap().as_str(), "QQ314159");
        assert!(p.smtputf8() && p.requiretls());
        match p.auth().unwrap() {
            MailAuth::Identity(x) => assert_eq!(&*x.decode(), b"e=mc2@example.com"),
            other => panic!("{other:?}"),
        }
        let by = p.by().unwrap();
        assert_eq!((by.time(), by.mode(), by.trace()), (120, ByMode::Return, true));
        assert_eq!(p.hold(), Some(&Hold::For(60)));
        assert_eq!(p.mt_priority().unwrap().get(), -3);
        assert!(p.others().is_empty());
    }

    /// RFC 1870 §3: `size-value ::= 1*20DIGIT`; never wrap around.
    #[test]
    fn size_overflow_is_an_error() {
        assert_eq!(mail("SIZE=18446744073709551615").unwrap().size(), Some(u64::MAX));
        assert!(mail("SIZE=18446744073709551616").is_err());
        assert!(mail("SIZE=999999999999999999999").is_err());
        assert!(mail("SIZE=").is_err());
        assert!(mail("SIZE").is_err());
        assert!(mail("SIZE=-1").is_err());
    }

    #[test]
    fn duplicates_are_errors() {
        assert_eq!(mail("SIZE=1 SIZE=2"), Err("duplicate parameter"));
        assert_eq!(mail("size=1 SIZE=1"), Err("duplicate parameter"));
        assert_eq!(mail("SMTPUTF8 smtputf8"), Err("duplicate parameter"));
        assert_eq!(mail("X-A=1 x-a=2"), Err("duplicate parameter"));
        assert_eq!(
            mail("HOLDFOR=1 HOLDUNTIL=2030-01-01T00:00:00Z"),
            Err("HOLDFOR and HOLDUNTIL together")
        );
        assert_eq!(rcpt("NOTIFY=NEVER NOTIFY=DELAY"), Err("duplicate parameter"));
    }

    #[test]
    fn unknown_parameters_are_kept_or_refused() {
        let p = mail("X-Foo=bar PRDR").unwrap();
        let kept: Vec<_> = p.others().iter().map(|o| (o.keyword(), o.value())).collect();
        assert_eq!(kept, [("X-Foo", Some("bar")), ("PRDR", None)]);
        let strict = ParamOptions { reject_unknown: true, extra_spaces: false };
        let err = parse("PRDR", strict, mail_parameters).unwrap_err();
        assert_eq!(err.kind, Some(DecodeErrorKind::UnrecognizedParameter));
    }

    #[test]
    fn value_syntax() {
        assert!(mail("SMTPUTF8=yes").is_err());
        assert!(mail("BODY=9BIT").is_err());
        assert!(mail("X=a=b").is_err(), "'=' is not an esmtp-value char");
        assert!(mail("-X=1").is_err(), "keyword starts with ALPHA / DIGIT");
        assert!(mail("ENVID=a+2").is_err(), "truncated hexchar");
        assert!(mail("ENVID=a+2b").is_err(), "xtext hex is upper case");
        assert!(mail(&format!("ENVID={}", "a".repeat(101))).is_err());
        assert!(mail("MT-PRIORITY=-0").is_err());
        assert!(mail("MT-PRIORITY=10").is_err());
        assert!(mail("BY=0;R").is_err(), "RFC 2852 §4: R needs a positive time");
        assert!(mail("BY=-10;N").is_ok());
        assert!(mail("BY=1234567890;N").is_err(), "at most 9 digits");
        assert!(mail("HOLDUNTIL=2030-01-01T00:00:00.5+01:00").is_ok());
        assert!(mail("HOLDUNTIL=tomorrow").is_err());
        assert!(mail("X-U=caf\u{e9}").unwrap().needs_smtputf8());
    }

    #[test]
    fn spacing() {
        assert_eq!(mail("SIZE=1  BODY=7BIT"), Err("malformed parameter keyword"));
        assert_eq!(mail("SIZE=1 "), Err("trailing space after parameters"));
        let lax = ParamOptions { reject_unknown: false, extra_spaces: true };
        let p = parse("SIZE=1   BODY=7BIT  ", lax, mail_parameters).unwrap();
        assert_eq!((p.size(), p.body()), (Some(1), Some(Body::SevenBit)));
    }

    /// RFC 3461 §4.1, §4.2 examples.
    #[test]
    fn rcpt_parameters_typed() {
        let p = rcpt("NOTIFY=SUCCESS,failure ORCPT=rfc822;Bob@Example.COM").unwrap();
        assert_eq!(p.notify(), Some(Notify { success: true, failure: true, delay: false }));
        let o = p.orcpt().unwrap();
        assert_eq!((o.addr_type(), o.address().as_str()), ("rfc822", "Bob@Example.COM"));
        assert_eq!(rcpt("NOTIFY=NEVER").unwrap().notify(), Some(Notify::NEVER));
        assert_eq!(rcpt("NOTIFY=delay").unwrap().notify().map(|n| n.delay), Some(true));
        assert!(rcpt("NOTIFY=NEVER,DELAY").is_err());
        assert!(rcpt("NOTIFY=DELAY,DELAY").is_err());
        assert!(rcpt("NOTIFY=").is_err());
        assert!(rcpt("ORCPT=rfc822").is_err());
        assert!(rcpt("ORCPT=;a@b").is_err());
    }

    #[test]
    fn parsed_values_share_the_input() {
        let src = Bytes::copy_from_slice(b"ENVID=abc X-K=v");
        let mut p = MailParameters::default();
        mail_parameters(Span::new(&src), STRICT, &mut p).unwrap();
        let envid = p.envid().unwrap().as_str().as_ptr();
        assert!(src.as_ptr_range().contains(&envid));
    }
}
