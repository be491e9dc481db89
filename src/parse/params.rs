//! `Mail-parameters` and `Rcpt-parameters` (RFC 5321 §4.1.2) into
//! [`MailParameters`] / [`RcptParameters`].
//!
//! ```text
//! Mail-parameters  = esmtp-param *(SP esmtp-param)
//! Rcpt-parameters  = esmtp-param *(SP esmtp-param)
//! esmtp-param      = esmtp-keyword ["=" esmtp-value]
//! ```

use bytes::Bytes;

use super::{PError, class, is_let_dig, parse_u64};
use crate::error::DecodeErrorKind;
use crate::types::is_xtext;
use crate::types::{
    Body, DeliverBy, Hold, MAX_ENVID_LEN, MAX_XTEXT_PARAM_LEN, MailAuth, MailParameters, Notify,
    Orcpt, Parameter, Priority, RcptParameters, Ret, Text, XText,
};

/// How lenient the parameter list parser is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ParamOptions {
    /// Refuse parameters without a typed field (555) instead of keeping them.
    pub(crate) reject_unknown: bool,
    /// Accept runs of spaces between parameters (RFC: exactly one SP).
    pub(crate) extra_spaces: bool,
}

/// An `esmtp-param` split into keyword and value, with its length in the list.
type Param<'a> = (&'a [u8], Option<&'a [u8]>, usize);

/// One `esmtp-param`, split: `(keyword, value, length)`.
///
/// ```text
/// esmtp-param   = esmtp-keyword ["=" esmtp-value]
/// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
/// esmtp-value   = 1*(%d33-60 / %d62-126)   ; RFC 6531 §3.3 adds UTF8-non-ascii
/// ```
///
/// `p` is the rest of a parameter list; the parameter ends at the first SP or at the end,
/// and its length is returned too, so the list is scanned once.
pub(crate) fn esmtp_param(p: &[u8]) -> Result<Param<'_>, PError> {
    const KEYWORD: PError = PError::new("malformed parameter keyword");
    const VALUE: PError = PError::new("malformed parameter value");
    let k = class::run(p, class::ESMTP_KEYWORD);
    if k == 0 || !is_let_dig(p[0]) {
        return Err(KEYWORD);
    }
    let keyword = &p[..k];
    match p.get(k) {
        None | Some(b' ') => Ok((keyword, None, k)),
        Some(b'=') => {
            let v = &p[k + 1..];
            let n = class::run(v, class::ESMTP_VALUE);
            if n == 0 || v.get(n).is_some_and(|&c| c != b' ') {
                return Err(VALUE);
            }
            let value = &v[..n];
            if !value.is_ascii() && std::str::from_utf8(value).is_err() {
                return Err(VALUE);
            }
            Ok((keyword, Some(value), k + 1 + n))
        }
        Some(_) => Err(KEYWORD),
    }
}

/// Splits a parameter list on SP, calling `f` for each `esmtp-param`.
fn for_each_param<'a>(
    i: &'a [u8],
    opts: ParamOptions,
    mut f: impl FnMut(&'a [u8], Option<&'a [u8]>) -> Result<(), PError>,
) -> Result<(), PError> {
    let mut rest = i;
    loop {
        if opts.extra_spaces {
            while let [b' ', tail @ ..] = rest {
                rest = tail;
            }
            if rest.is_empty() {
                return Ok(());
            }
        }
        let (keyword, value, end) = esmtp_param(rest)?;
        f(keyword, value)?;
        if end == rest.len() {
            return Ok(());
        }
        rest = &rest[end + 1..];
        if rest.is_empty() && !opts.extra_spaces {
            return Err(PError::new("trailing space after parameters"));
        }
    }
}

const DUPLICATE: PError = PError::new("duplicate parameter");

fn set_once<T>(slot: &mut Option<T>, value: T) -> Result<(), PError> {
    if slot.is_some() {
        return Err(DUPLICATE);
    }
    *slot = Some(value);
    Ok(())
}

fn flag_once(slot: &mut bool, value: Option<&[u8]>, name: &'static str) -> Result<(), PError> {
    if value.is_some() {
        return Err(PError::new(name));
    }
    if *slot {
        return Err(DUPLICATE);
    }
    *slot = true;
    Ok(())
}

fn need(value: Option<&[u8]>) -> Result<&[u8], PError> {
    value.ok_or(PError::new("parameter needs a value"))
}

fn unknown(
    src: &Bytes,
    keyword: &[u8],
    value: Option<&[u8]>,
    opts: ParamOptions,
    others: &mut Vec<Parameter>,
) -> Result<(), PError> {
    if opts.reject_unknown {
        return Err(PError::with_kind(
            DecodeErrorKind::UnrecognizedParameter,
            "parameter unrecognized",
        ));
    }
    if others.iter().any(|o| o.keyword().as_bytes().eq_ignore_ascii_case(keyword)) {
        return Err(DUPLICATE);
    }
    others.push(Parameter::from_checked(
        Text::from_checked(crate::parse::share(src, keyword)),
        value.map(|v| Text::from_checked(crate::parse::share(src, v))),
    ));
    Ok(())
}

/// `Mail-parameters` (RFC 5321 §4.1.2) with the typed MAIL parameters:
///
/// ```text
/// size-param   = "SIZE=" size-value          ; RFC 1870 §3: 1*20DIGIT
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
pub(crate) fn mail_parameters(
    src: &Bytes,
    i: &[u8],
    opts: ParamOptions,
) -> Result<MailParameters, PError> {
    let mut size = None;
    let mut body = None;
    let mut ret = None;
    let mut envid = None;
    let mut smtputf8 = false;
    let mut auth = None;
    let mut by = None;
    let mut hold = None;
    let mut priority = None;
    let mut requiretls = false;
    let mut others = Vec::new();
    for_each_param(i, opts, |k, v| {
        match k.len() {
            4 if k.eq_ignore_ascii_case(b"SIZE") => {
                let n = parse_u64(need(v)?)
                    .ok_or(PError::new("SIZE is a number of at most 20 digits"))?;
                set_once(&mut size, n)
            }
            4 if k.eq_ignore_ascii_case(b"BODY") => {
                let b = Body::parse(need(v)?)
                    .ok_or(PError::new("BODY is 7BIT, 8BITMIME or BINARYMIME"))?;
                set_once(&mut body, b)
            }
            3 if k.eq_ignore_ascii_case(b"RET") => {
                let r = Ret::parse(need(v)?).ok_or(PError::new("RET is FULL or HDRS"))?;
                set_once(&mut ret, r)
            }
            5 if k.eq_ignore_ascii_case(b"ENVID") => {
                let v = need(v)?;
                if v.len() > MAX_ENVID_LEN || !is_xtext(v) {
                    return Err(PError::new("ENVID is at most 100 characters of xtext"));
                }
                set_once(&mut envid, XText::from_checked(crate::parse::share(src, v)))
            }
            8 if k.eq_ignore_ascii_case(b"SMTPUTF8") => {
                flag_once(&mut smtputf8, v, "SMTPUTF8 takes no value")
            }
            4 if k.eq_ignore_ascii_case(b"AUTH") => {
                let v = need(v)?;
                if v.len() > MAX_XTEXT_PARAM_LEN {
                    return Err(PError::new("AUTH= is at most 500 characters"));
                }
                let a = MailAuth::parse(src, v).ok_or(PError::new("AUTH= is xtext or <>"))?;
                set_once(&mut auth, a)
            }
            2 if k.eq_ignore_ascii_case(b"BY") => {
                let b =
                    DeliverBy::parse(need(v)?).ok_or(PError::new("BY is <seconds>;N or R[T]"))?;
                set_once(&mut by, b)
            }
            7 if k.eq_ignore_ascii_case(b"HOLDFOR") => {
                let v = need(v)?;
                let n = (v.len() <= 9).then(|| parse_u64(v)).flatten();
                let n = n.ok_or(PError::new("HOLDFOR is at most 9 digits"))?;
                // At most 9 digits, so it fits in u32.
                let h = Hold::For(u32::try_from(n).unwrap_or(u32::MAX));
                set_once(&mut hold, h).map_err(|_| PError::new("HOLDFOR and HOLDUNTIL together"))
            }
            9 if k.eq_ignore_ascii_case(b"HOLDUNTIL") => {
                let v = need(v)?;
                let t = Hold::until_checked(src, v)
                    .ok_or(PError::new("HOLDUNTIL is an RFC 3339 date-time"))?;
                set_once(&mut hold, t).map_err(|_| PError::new("HOLDFOR and HOLDUNTIL together"))
            }
            11 if k.eq_ignore_ascii_case(b"MT-PRIORITY") => {
                let p =
                    Priority::parse(need(v)?).ok_or(PError::new("MT-PRIORITY is from -9 to 9"))?;
                set_once(&mut priority, p)
            }
            10 if k.eq_ignore_ascii_case(b"REQUIRETLS") => {
                flag_once(&mut requiretls, v, "REQUIRETLS takes no value")
            }
            _ => unknown(src, k, v, opts, &mut others),
        }
    })?;
    Ok(MailParameters::from_parts(
        size, body, ret, envid, smtputf8, auth, by, hold, priority, requiretls, others,
    ))
}

/// `Rcpt-parameters` (RFC 5321 §4.1.2) with the typed RCPT parameters:
///
/// ```text
/// notify-param = "NOTIFY=" ("NEVER" / 1#("SUCCESS" / "FAILURE" / "DELAY"))  ; RFC 3461 §4.1
/// orcpt-param  = "ORCPT=" addr-type ";" xtext                               ; RFC 3461 §4.2
/// ```
pub(crate) fn rcpt_parameters(
    src: &Bytes,
    i: &[u8],
    opts: ParamOptions,
) -> Result<RcptParameters, PError> {
    let mut notify = None;
    let mut orcpt = None;
    let mut others = Vec::new();
    for_each_param(i, opts, |k, v| match k.len() {
        6 if k.eq_ignore_ascii_case(b"NOTIFY") => {
            let n = Notify::parse(need(v)?)
                .ok_or(PError::new("NOTIFY is NEVER or a list of SUCCESS, FAILURE, DELAY"))?;
            set_once(&mut notify, n)
        }
        5 if k.eq_ignore_ascii_case(b"ORCPT") => {
            let v = need(v)?;
            if v.len() > MAX_XTEXT_PARAM_LEN {
                return Err(PError::new("ORCPT is at most 500 characters"));
            }
            let o = Orcpt::parse(src, v).ok_or(PError::new("ORCPT is addr-type;xtext"))?;
            set_once(&mut orcpt, o)
        }
        _ => unknown(src, k, v, opts, &mut others),
    })?;
    Ok(RcptParameters::from_parts(notify, orcpt, others))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: ParamOptions = ParamOptions { reject_unknown: false, extra_spaces: false };

    fn mail(s: &str) -> Result<MailParameters, &'static str> {
        let src = Bytes::copy_from_slice(s.as_bytes());
        mail_parameters(&src, &src, STRICT).map_err(|e| e.reason)
    }

    fn rcpt(s: &str) -> Result<RcptParameters, &'static str> {
        let src = Bytes::copy_from_slice(s.as_bytes());
        rcpt_parameters(&src, &src, STRICT).map_err(|e| e.reason)
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
        assert_eq!((by.time(), by.mode(), by.trace()), (120, crate::types::ByMode::Return, true));
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
        let src = Bytes::from_static(b"PRDR");
        let strict = ParamOptions { reject_unknown: true, extra_spaces: false };
        let err = mail_parameters(&src, &src, strict).unwrap_err();
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
        let src = Bytes::from_static(b"SIZE=1   BODY=7BIT  ");
        let lax = ParamOptions { reject_unknown: false, extra_spaces: true };
        let p = mail_parameters(&src, &src, lax).unwrap();
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
        assert!(rcpt("NOTIFY=NEVER,DELAY").is_err());
        assert!(rcpt("NOTIFY=DELAY,DELAY").is_err());
        assert!(rcpt("NOTIFY=").is_err());
        assert!(rcpt("ORCPT=rfc822").is_err());
        assert!(rcpt("ORCPT=;a@b").is_err());
    }

    #[test]
    fn parsed_values_share_the_input() {
        let src = Bytes::copy_from_slice(b"ENVID=abc X-K=v");
        let p = mail_parameters(&src, &src, STRICT).unwrap();
        let envid = p.envid().unwrap().as_str().as_ptr();
        assert!(src.as_ptr_range().contains(&envid));
    }
}
