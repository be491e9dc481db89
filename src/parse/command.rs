//! The command grammar: one line (without its CRLF) into a [`Command`] (RFC 5321 §4.1.1
//! and the extension verbs).
//!
//! [`command`] picks the rule by its verb; once a known verb has matched, its rule is
//! committed (a bad argument is a syntax error, not an unknown command).

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_till, take_while1};
use nom::character::complete::digit1;
use nom::combinator::{eof, map, map_opt, opt, rest, value, verify};
use nom::multi::separated_list1;
use nom::sequence::{preceded, terminated};

use super::address::{domain, forward_path, host, reverse_path};
use super::params::{ParamOptions, mail_parameters, rcpt_parameters};
use super::{PError, SResult, Span, expect, parse_u64, sp, with_kind};
use crate::error::DecodeErrorKind;
use crate::types::grammar::{is_argument, is_base64, is_vchar};
use crate::types::{
    Argument, Command, Etrn, InitialResponse, MailParameters, RcptParameters, UnknownCommand,
};

/// What the grammar allows beyond RFC 5321, set from the command configuration.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Leniency {
    /// Spaces between `FROM:` / `TO:` and the path.
    pub(crate) space_after_colon: bool,
    /// Runs of spaces between parameters.
    pub(crate) extra_spaces: bool,
    /// Parameters without a typed field are refused (555).
    pub(crate) reject_unknown_parameters: bool,
    /// UTF-8 addresses are accepted (RFC 6531) where SMTPUTF8 announces them.
    pub(crate) utf8_addresses: bool,
}

impl Leniency {
    fn params(self) -> ParamOptions {
        ParamOptions {
            reject_unknown: self.reject_unknown_parameters,
            extra_spaces: self.extra_spaces,
        }
    }
}

/// `command`: one of the rules below, picked by its verb (case-insensitive, RFC 5321
/// §2.4); any other verb of printable ASCII is kept as [`Command::Unknown`].
pub(crate) fn command(i: Span<'_>, cfg: Leniency) -> SResult<'_, Command> {
    // The verb is the line up to its first SP; it names the one rule that can match.
    let verb = i.split(|&c| c == b' ').next().unwrap_or_default();
    let rule = match verb {
        &[a, b, c, d] => match [a, b, c, d].map(|c| c.to_ascii_uppercase()) {
            [b'M', b'A', b'I', b'L'] => return mail(i, cfg),
            [b'R', b'C', b'P', b'T'] => return rcpt(i, cfg),
            [b'E', b'H', b'L', b'O'] => ehlo,
            [b'H', b'E', b'L', b'O'] => helo,
            [b'L', b'H', b'L', b'O'] => lhlo,
            [b'D', b'A', b'T', b'A'] => data,
            [b'B', b'D', b'A', b'T'] => bdat,
            [b'R', b'S', b'E', b'T'] => rset,
            [b'V', b'R', b'F', b'Y'] => vrfy,
            [b'E', b'X', b'P', b'N'] => expn,
            [b'H', b'E', b'L', b'P'] => help,
            [b'N', b'O', b'O', b'P'] => noop,
            [b'Q', b'U', b'I', b'T'] => quit,
            [b'A', b'U', b'T', b'H'] => auth,
            [b'E', b'T', b'R', b'N'] => etrn,
            [b'A', b'T', b'R', b'N'] => atrn,
            _ => unknown,
        },
        _ if verb.eq_ignore_ascii_case(b"STARTTLS") => starttls,
        _ => unknown,
    };
    rule(i)
}

/// A verb: matched case-insensitively, and only as a whole word (followed by SP or the end
/// of the line).
fn verb<'a>(name: &'static str) -> impl Parser<Span<'a>, Output = Span<'a>, Error = PError> {
    move |i: Span<'a>| match i.after_no_case(name.as_bytes()) {
        Some(rest) if matches!(rest.first(), None | Some(b' ')) => Ok(i.cut(name.len())),
        _ => PError::error(),
    }
}

/// The end of a line whose rule takes nothing more.
fn end<'a>(reason: &'static str) -> impl Parser<Span<'a>, Output = Span<'a>, Error = PError> {
    move |i: Span<'a>| match i.is_empty() {
        true => Ok((i, i)),
        false => PError::fail(reason),
    }
}

/// `ehlo = "EHLO" SP ( Domain / address-literal ) CRLF` (RFC 5321 §4.1.1.1).
pub(crate) fn ehlo(i: Span<'_>) -> SResult<'_, Command> {
    let (i, _) = verb("EHLO").parse(i)?;
    let (i, host) = hello_argument(i)?;
    Ok((i, Command::Ehlo(host)))
}

/// `helo = "HELO" SP Domain CRLF` (RFC 5321 §4.1.1.1); an address literal is taken here
/// too, as wherever a domain is.
pub(crate) fn helo(i: Span<'_>) -> SResult<'_, Command> {
    let (i, _) = verb("HELO").parse(i)?;
    let (i, host) = hello_argument(i)?;
    Ok((i, Command::Helo(host)))
}

/// `lhlo = "LHLO" SP ( Domain / address-literal ) CRLF` (RFC 2033 §4.1).
pub(crate) fn lhlo(i: Span<'_>) -> SResult<'_, Command> {
    let (i, _) = verb("LHLO").parse(i)?;
    let (i, host) = hello_argument(i)?;
    Ok((i, Command::Lhlo(host)))
}

/// `SP ( Domain / address-literal )` and the end of the line.
fn hello_argument(i: Span<'_>) -> SResult<'_, crate::types::Host> {
    const REQUIRED: &str = "domain or address literal required";
    let (i, _) = expect(REQUIRED, sp).parse(i)?;
    let (i, host) = expect(REQUIRED, host).parse(i)?;
    let (i, _) = end("unexpected text after the domain").parse(i)?;
    Ok((i, host))
}

/// `mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF` (RFC 5321 §4.1.1.2).
///
/// A reverse-path or parameter with UTF-8 needs the SMTPUTF8 parameter (RFC 6531 §3.4)
/// and a configuration that takes UTF-8 addresses: 553 5.6.7 otherwise.
pub(crate) fn mail(i: Span<'_>, cfg: Leniency) -> SResult<'_, Command> {
    let (i, _) = verb("MAIL").parse(i)?;
    let i = after_keyword(i, b" FROM:", cfg, "expected MAIL FROM:<address>")?;
    let (i, reverse_path) = with_kind(DecodeErrorKind::SenderSyntax, reverse_path(i))?;
    let mut params = MailParameters::default();
    let (i, _) = after_path(i, |i| mail_parameters(i, cfg.params(), &mut params))?;
    // RFC 6531 §3.4: UTF-8 only where SMTPUTF8 announces it.
    if !cfg.utf8_addresses || !params.smtputf8() {
        if reverse_path.needs_smtputf8() {
            return Err(nom::Err::Failure(NON_ASCII));
        }
        if params.needs_smtputf8() {
            return PError::fail("UTF-8 parameter value without SMTPUTF8");
        }
    }
    Ok((i, Command::Mail { reverse_path, params }))
}

/// `rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path )
/// [SP Rcpt-parameters] CRLF` (RFC 5321 §4.1.1.3).
///
/// Whether the transaction announced SMTPUTF8 is not known here: a server checks a UTF-8
/// forward-path against its MAIL.
pub(crate) fn rcpt(i: Span<'_>, cfg: Leniency) -> SResult<'_, Command> {
    let (i, _) = verb("RCPT").parse(i)?;
    let i = after_keyword(i, b" TO:", cfg, "expected RCPT TO:<address>")?;
    let (i, forward_path) = with_kind(DecodeErrorKind::MailboxSyntax, forward_path(i))?;
    let mut params = RcptParameters::default();
    let (i, _) = after_path(i, |i| rcpt_parameters(i, cfg.params(), &mut params))?;
    if !cfg.utf8_addresses {
        if forward_path.needs_smtputf8() {
            return Err(nom::Err::Failure(NON_ASCII));
        }
        if params.needs_smtputf8() {
            return PError::fail("UTF-8 parameter value without SMTPUTF8");
        }
    }
    Ok((i, Command::Rcpt { forward_path, params }))
}

const NON_ASCII: PError =
    PError::with_kind(DecodeErrorKind::NonAsciiAddress, "UTF-8 address without SMTPUTF8");

/// `" FROM:"` / `" TO:"` (case-insensitive), then the spaces before the path where the
/// configuration forgives them; `reason` when the keyword is missing.
fn after_keyword<'a>(
    i: Span<'a>,
    keyword: &[u8],
    cfg: Leniency,
    reason: &'static str,
) -> Result<Span<'a>, nom::Err<PError>> {
    let Some(i) = i.after_no_case(keyword) else {
        return PError::fail(reason);
    };
    match cfg.space_after_colon {
        true => Ok(i.run(|c| c == b' ').0),
        false => Ok(i),
    }
}

/// `[SP parameters]` and the end of the line, after a path.
fn after_path<'a>(
    i: Span<'a>,
    params: impl FnOnce(Span<'a>) -> SResult<'a, ()>,
) -> SResult<'a, ()> {
    if i.is_empty() {
        return Ok((i, ()));
    }
    let (i, _) = expect("expected SP between the address and its parameters", sp).parse(i)?;
    let (i, params) = params(i)?;
    let (i, _) = end("malformed parameter").parse(i)?;
    Ok((i, params))
}

/// `data = "DATA" CRLF` (RFC 5321 §4.1.1.4).
pub(crate) fn data(i: Span<'_>) -> SResult<'_, Command> {
    let (i, _) = verb("DATA").parse(i)?;
    let (i, _) = end("DATA takes no argument").parse(i)?;
    Ok((i, Command::Data))
}

/// `rset = "RSET" CRLF` (RFC 5321 §4.1.1.5).
pub(crate) fn rset(i: Span<'_>) -> SResult<'_, Command> {
    let (i, _) = verb("RSET").parse(i)?;
    let (i, _) = end("RSET takes no argument").parse(i)?;
    Ok((i, Command::Rset))
}

/// `quit = "QUIT" CRLF` (RFC 5321 §4.1.1.10).
pub(crate) fn quit(i: Span<'_>) -> SResult<'_, Command> {
    let (i, _) = verb("QUIT").parse(i)?;
    let (i, _) = end("QUIT takes no argument").parse(i)?;
    Ok((i, Command::Quit))
}

/// `"STARTTLS" CRLF` (RFC 3207 §4: 501 when parameters are given).
pub(crate) fn starttls(i: Span<'_>) -> SResult<'_, Command> {
    let (i, _) = verb("STARTTLS").parse(i)?;
    let (i, _) = end("STARTTLS takes no argument").parse(i)?;
    Ok((i, Command::StartTls))
}

/// `vrfy = "VRFY" SP String CRLF` (RFC 5321 §4.1.1.6).
pub(crate) fn vrfy(i: Span<'_>) -> SResult<'_, Command> {
    let (i, argument) = preceded(verb("VRFY"), required_string).parse(i)?;
    Ok((i, Command::Vrfy(argument)))
}

/// `expn = "EXPN" SP String CRLF` (RFC 5321 §4.1.1.7).
pub(crate) fn expn(i: Span<'_>) -> SResult<'_, Command> {
    let (i, argument) = preceded(verb("EXPN"), required_string).parse(i)?;
    Ok((i, Command::Expn(argument)))
}

/// `help = "HELP" [ SP String ] CRLF` (RFC 5321 §4.1.1.8).
pub(crate) fn help(i: Span<'_>) -> SResult<'_, Command> {
    let (i, topic) = preceded(verb("HELP"), optional_string).parse(i)?;
    Ok((i, Command::Help(topic)))
}

/// `noop = "NOOP" [ SP String ] CRLF` (RFC 5321 §4.1.1.9).
pub(crate) fn noop(i: Span<'_>) -> SResult<'_, Command> {
    let (i, argument) = preceded(verb("NOOP"), optional_string).parse(i)?;
    Ok((i, Command::Noop(argument)))
}

/// `String` as this crate takes it (see [`Argument`]): the rest of the line, non-empty,
/// UTF-8, no control characters.
fn string(i: Span<'_>) -> SResult<'_, Argument> {
    map(verify(rest, |a: &Span<'_>| is_argument(a)), |a: Span<'_>| Argument::from_checked(a.text()))
        .parse(i)
}

/// `SP String` and the end of the line.
fn required_string(i: Span<'_>) -> SResult<'_, Argument> {
    expect("argument required", preceded(sp, string)).parse(i)
}

/// `[ SP String ]` and the end of the line.
fn optional_string(i: Span<'_>) -> SResult<'_, Option<Argument>> {
    alt((value(None, eof), map(required_string, Some))).parse(i)
}

/// ```text
/// bdat-cmd   = "BDAT" SP chunk-size [ SP end-marker ] CRLF
/// chunk-size = 1*DIGIT
/// end-marker = "LAST"
/// ```
/// (RFC 3030 §2). A size beyond 64 bits is refused, never wrapped.
pub(crate) fn bdat(i: Span<'_>) -> SResult<'_, Command> {
    let chunk_size = map_opt(digit1, |d: Span<'_>| parse_u64(&d));
    let end_marker = opt(preceded(sp, tag_no_case("LAST")));
    let args = (preceded(sp, chunk_size), end_marker, eof);
    let args = expect("BDAT takes a chunk size of at most 20 digits and LAST", args);
    let (i, (size, last, _)) = preceded(verb("BDAT"), args).parse(i)?;
    Ok((i, Command::Bdat { size, last: last.is_some() }))
}

/// ```text
/// "AUTH" SP sasl-mech [SP initial-response] CRLF
/// initial-response = base64 / "="
/// ```
/// (RFC 4954 §4); `sasl-mech = 1*20mech-char` (RFC 4422 §3.1), matched case-insensitively.
pub(crate) fn auth(i: Span<'_>) -> SResult<'_, Command> {
    let sasl_mech =
        map_opt(take_till(|c| c == b' '), |m: Span<'_>| super::ehlo::auth_mechanism(&m));
    let mech = expect("malformed SASL mechanism name", preceded(sp, sasl_mech));
    let response = alt((
        value(None, eof),
        map(preceded(sp, expect("initial response is not base64", initial_response)), Some),
    ));
    let (rest, (_, mechanism, initial_response)) = (verb("AUTH"), mech, response).parse(i)?;
    Ok((rest, Command::Auth { mechanism, initial_response }))
}

/// `initial-response = base64 / "="` (RFC 4954 §4), the whole rest of the line.
fn initial_response(i: Span<'_>) -> SResult<'_, InitialResponse> {
    let response = verify(rest, |r: &Span<'_>| &**r == b"=" || is_base64(r));
    map(response, |r: Span<'_>| InitialResponse::from_checked(r.text())).parse(i)
}

/// `"ETRN" SP [ "@" / "#" ] node-name CRLF` (RFC 1985 §5): "@" for the node and its
/// subdomains, "#" for a named queue.
pub(crate) fn etrn(i: Span<'_>) -> SResult<'_, Command> {
    let queue = verify(rest, |q: &Span<'_>| is_argument(q) && !q.contains(&b' '));
    let argument = alt((
        preceded(tag("#"), map(queue, |q: Span<'_>| Etrn::Queue(Argument::from_checked(q.text())))),
        preceded(tag("@"), map(terminated(domain, eof), Etrn::Subdomains)),
        map(terminated(domain, eof), Etrn::Node),
    ));
    let argument = expect("ETRN takes a node name, @domain or #queue", preceded(sp, argument));
    let (i, argument) = preceded(verb("ETRN"), argument).parse(i)?;
    Ok((i, Command::Etrn(argument)))
}

/// `atrn = "ATRN" [SP domain *("," domain)]` (RFC 2645 §5.2.1).
pub(crate) fn atrn(i: Span<'_>) -> SResult<'_, Command> {
    let domains = terminated(separated_list1(tag(","), domain), eof);
    let argument = alt((map(eof, |_| Vec::new()), preceded(sp, domains)));
    let argument = expect("ATRN takes domains separated by commas", argument);
    let (i, domains) = preceded(verb("ATRN"), argument).parse(i)?;
    Ok((i, Command::Atrn(domains)))
}

/// Any other verb of printable ASCII, with the rest of the line as its argument: kept, so
/// a proxy can pass it on.
pub(crate) fn unknown(i: Span<'_>) -> SResult<'_, Command> {
    const UNKNOWN: DecodeErrorKind = DecodeErrorKind::UnknownCommand;
    let mut unknown_verb = expect("command unrecognized", take_while1(is_vchar));
    let argument = alt((map(eof, |_| None), map(preceded(sp, rest), Some)));
    let (i, verb) = with_kind(UNKNOWN, unknown_verb.parse(i))?;
    let (rest, argument) = with_kind(UNKNOWN, expect("command unrecognized", argument).parse(i))?;
    if argument.is_some_and(|a: Span<'_>| a.contains(&b'\r') || a.contains(&b'\n')) {
        return PError::fail("bare CR or LF in command");
    }
    let argument = argument.map(|a| a.share()).unwrap_or_default();
    Ok((rest, Command::Unknown(UnknownCommand::from_checked(verb.text(), argument))))
}
