//! The command grammar: one line (without CRLF) into a [`Command`].
//!
//! The verb is matched case-insensitively with one 4-octet load; then each command's rule
//! (quoted in [`Command`]'s documentation) parses its arguments. Addresses come from
//! [`super::address`], parameters from [`super::params`].

use bytes::Bytes;

use super::address;
use super::params::{ParamOptions, mail_parameters, rcpt_parameters};
use super::{PError, flatten, parse_u64};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::types::{
    Argument, Command, CommandConfig, Domain, Etrn, InitialResponse, Mechanism, Text,
    UnknownCommand, is_argument, is_base64, is_unknown_verb,
};

const fn verb(v: &[u8; 4]) -> u32 {
    u32::from_be_bytes(*v)
}

/// Upper-cases the four octets of a verb for comparison. `c & 0xDF` equals an upper-case
/// letter only when `c` is that letter in either case, so no other octet can alias one.
#[inline]
fn fold4(v: &[u8]) -> u32 {
    u32::from_be_bytes([v[0], v[1], v[2], v[3]]) & 0xDFDF_DFDF
}

fn syntax(reason: &'static str) -> DecodeError {
    DecodeError::syntax(reason)
}

fn no_argument(
    arg: Option<&[u8]>,
    cmd: Command,
    reason: &'static str,
) -> Result<Command, DecodeError> {
    match arg {
        None => Ok(cmd),
        Some(_) => Err(syntax(reason)),
    }
}

/// [`command`] of a `line` whose value cannot hold any part of it: `DATA`, `RSET`,
/// `QUIT`, `STARTTLS`, `NOOP` and `HELP` alone, and `BDAT` (`None` for any other line).
/// The decoder parses these straight out of its input buffer and then only advances past
/// them, without making the line a shared buffer of its own: two atomic reference-count
/// operations fewer on the commands that come once per message or chunk.
#[inline]
pub(crate) fn command_without_text(
    line: &[u8],
    cfg: &CommandConfig,
) -> Option<Result<Command, DecodeError>> {
    let line = trim_lax(line, cfg);
    let cmd = match line {
        [_, _, _, _] => match fold4(line) {
            v if v == verb(b"DATA") => Command::Data,
            v if v == verb(b"RSET") => Command::Rset,
            v if v == verb(b"QUIT") => Command::Quit,
            v if v == verb(b"NOOP") => Command::Noop(None),
            v if v == verb(b"HELP") => Command::Help(None),
            _ => return None,
        },
        [_, _, _, _, b' ', arg @ ..] if fold4(line) == verb(b"BDAT") => {
            return Some(bdat(Some(arg)).map_err(|e| name_bare_line_end(e, line)));
        }
        [_, _, _, _, _, _, _, _] if line.eq_ignore_ascii_case(b"STARTTLS") => Command::StartTls,
        _ => return None,
    };
    Some(Ok(cmd))
}

/// `command` = one of the rules in [`Command`]'s documentation.
pub(crate) fn command(src: &Bytes, cfg: &CommandConfig) -> Result<Command, DecodeError> {
    let line = trim_lax(src, cfg);
    // No whole-line scan for CR and LF up front: every rule below refuses control
    // characters except an unknown command's argument, which `unknown` checks; when a rule
    // fails, a stray CR or LF is named as the cause.
    let sp = super::find_short(line, b' ');
    let (verb_bytes, arg) = match sp {
        Some(i) => (&line[..i], Some(&line[i + 1..])),
        None => (line, None),
    };
    let cmd = match verb_bytes.len() {
        4 => match fold4(verb_bytes) {
            v if v == verb(b"MAIL") => mail(src, arg, cfg),
            v if v == verb(b"RCPT") => rcpt(src, arg, cfg),
            v if v == verb(b"EHLO") => host_arg(src, arg).map(Command::Ehlo),
            v if v == verb(b"HELO") => host_arg(src, arg).map(Command::Helo),
            v if v == verb(b"LHLO") => host_arg(src, arg).map(Command::Lhlo),
            v if v == verb(b"DATA") => no_argument(arg, Command::Data, "DATA takes no argument"),
            v if v == verb(b"BDAT") => bdat(arg),
            v if v == verb(b"RSET") => no_argument(arg, Command::Rset, "RSET takes no argument"),
            v if v == verb(b"QUIT") => no_argument(arg, Command::Quit, "QUIT takes no argument"),
            v if v == verb(b"NOOP") => optional_argument(src, arg).map(Command::Noop),
            v if v == verb(b"HELP") => optional_argument(src, arg).map(Command::Help),
            v if v == verb(b"VRFY") => required_argument(src, arg).map(Command::Vrfy),
            v if v == verb(b"EXPN") => required_argument(src, arg).map(Command::Expn),
            v if v == verb(b"AUTH") => auth(src, arg),
            v if v == verb(b"ETRN") => etrn(src, arg),
            v if v == verb(b"ATRN") => atrn(src, arg),
            _ => unknown(src, verb_bytes, arg),
        },
        8 if verb_bytes.eq_ignore_ascii_case(b"STARTTLS") => {
            // RFC 3207 §4: "STARTTLS" CRLF; 501 when parameters are given.
            no_argument(arg, Command::StartTls, "STARTTLS takes no argument")
        }
        _ => unknown(src, verb_bytes, arg),
    };
    cmd.map_err(|e| name_bare_line_end(e, line))
}

/// The line without the trailing spaces and tabs that [`CommandConfig::lax_spacing`]
/// forgives.
#[inline]
fn trim_lax<'a>(mut line: &'a [u8], cfg: &CommandConfig) -> &'a [u8] {
    if cfg.lax_spacing {
        while let [rest @ .., b' ' | b'\t'] = line {
            line = rest;
        }
    }
    line
}

/// The error of a `line` that failed: a stray CR or LF in it is named as the cause.
fn name_bare_line_end(e: DecodeError, line: &[u8]) -> DecodeError {
    match memchr::memchr2(b'\r', b'\n', line) {
        Some(_) => BARE_LINE_END,
        None => e,
    }
}

const BARE_LINE_END: DecodeError =
    DecodeError::new(DecodeErrorKind::BareLineEnding, "bare CR or LF in command");

/// `Command::Unknown`: any verb of printable ASCII, with its raw argument.
fn unknown(src: &Bytes, verb: &[u8], arg: Option<&[u8]>) -> Result<Command, DecodeError> {
    if !is_unknown_verb(verb) {
        return Err(DecodeError::new(DecodeErrorKind::UnknownCommand, "command unrecognized"));
    }
    if arg.is_some_and(|a| memchr::memchr2(b'\r', b'\n', a).is_some()) {
        return Err(BARE_LINE_END);
    }
    let argument = arg.map(|a| crate::parse::share(src, a)).unwrap_or_default();
    Ok(Command::Unknown(UnknownCommand::from_checked(
        Text::from_checked(crate::parse::share(src, verb)),
        argument,
    )))
}

/// `String` arguments (VRFY, EXPN): see [`Argument`].
fn required_argument(src: &Bytes, arg: Option<&[u8]>) -> Result<Argument, DecodeError> {
    match arg {
        Some(a) if is_argument(a) => Ok(Argument::from_checked(src, a)),
        _ => Err(syntax("argument required")),
    }
}

/// `[ SP String ]` (HELP, NOOP).
fn optional_argument(src: &Bytes, arg: Option<&[u8]>) -> Result<Option<Argument>, DecodeError> {
    arg.map(|a| required_argument(src, Some(a))).transpose()
}

/// `( Domain / address-literal )` after EHLO, HELO or LHLO. RFC 5321 gives HELO only
/// `Domain`; an address literal is accepted there too, as wherever a domain is.
fn host_arg(src: &Bytes, arg: Option<&[u8]>) -> Result<crate::types::Host, DecodeError> {
    let a = arg.ok_or(syntax("domain or address literal required"))?;
    match address::host(src, a) {
        Ok(([], host)) => Ok(host),
        Ok(_) => Err(syntax("unexpected text after the domain")),
        Err(e) => Err(flatten(e).into_decode_error(DecodeErrorKind::Syntax)),
    }
}

/// Matches a case-insensitive `prefix` (e.g. `FROM:`) at the start of `arg`, then the
/// optional spaces a lenient configuration allows.
fn keyword_colon<'a>(
    arg: Option<&'a [u8]>,
    prefix: &[u8],
    cfg: &CommandConfig,
) -> Option<&'a [u8]> {
    let a = arg?;
    if a.len() < prefix.len() || !a[..prefix.len()].eq_ignore_ascii_case(prefix) {
        return None;
    }
    let mut rest = &a[prefix.len()..];
    if cfg.space_after_colon {
        while let [b' ', tail @ ..] = rest {
            rest = tail;
        }
    }
    Some(rest)
}

fn param_options(cfg: &CommandConfig) -> ParamOptions {
    ParamOptions { reject_unknown: cfg.reject_unknown_parameters, extra_spaces: cfg.lax_spacing }
}

/// What follows a path: nothing, or SP and the parameters.
fn after_path(rest: &[u8]) -> Result<Option<&[u8]>, DecodeError> {
    match rest {
        [] => Ok(None),
        [b' ', params @ ..] => Ok(Some(params)),
        _ => Err(syntax("expected SP between the address and its parameters")),
    }
}

const NON_ASCII: DecodeError =
    DecodeError::new(DecodeErrorKind::NonAsciiAddress, "UTF-8 address without SMTPUTF8");

/// `mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF` (RFC 5321 §4.1.1.2).
fn mail(src: &Bytes, arg: Option<&[u8]>, cfg: &CommandConfig) -> Result<Command, DecodeError> {
    let rest = keyword_colon(arg, b"FROM:", cfg).ok_or(syntax("expected MAIL FROM:<address>"))?;
    let (rest, reverse_path) = address::reverse_path(src, rest)
        .map_err(|e| flatten(e).into_decode_error(DecodeErrorKind::SenderSyntax))?;
    let params = match after_path(rest)? {
        Some(p) => mail_parameters(src, p, param_options(cfg))
            .map_err(|e| e.into_decode_error(DecodeErrorKind::Syntax))?,
        None => Default::default(),
    };
    // Only a MAIL that does not announce SMTPUTF8 (or a config without it) needs a look.
    if !cfg.utf8_addresses || !params.smtputf8() {
        if reverse_path.needs_smtputf8() {
            return Err(NON_ASCII);
        }
        if params.needs_smtputf8() {
            return Err(syntax("UTF-8 parameter value without SMTPUTF8"));
        }
    }
    Ok(Command::Mail { reverse_path, params })
}

/// `rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path )
/// [SP Rcpt-parameters] CRLF` (RFC 5321 §4.1.1.3).
fn rcpt(src: &Bytes, arg: Option<&[u8]>, cfg: &CommandConfig) -> Result<Command, DecodeError> {
    let rest = keyword_colon(arg, b"TO:", cfg).ok_or(syntax("expected RCPT TO:<address>"))?;
    let (rest, forward_path) = address::forward_path(src, rest)
        .map_err(|e| flatten(e).into_decode_error(DecodeErrorKind::MailboxSyntax))?;
    let params = match after_path(rest)? {
        Some(p) => rcpt_parameters(src, p, param_options(cfg))
            .map_err(|e| e.into_decode_error(DecodeErrorKind::Syntax))?,
        None => Default::default(),
    };
    if !cfg.utf8_addresses {
        if forward_path.needs_smtputf8() {
            return Err(NON_ASCII);
        }
        if params.needs_smtputf8() {
            return Err(syntax("UTF-8 parameter value without SMTPUTF8"));
        }
    }
    Ok(Command::Rcpt { forward_path, params })
}

/// `bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CRLF`, `chunk-size = 1*DIGIT`,
/// `end-marker = "LAST"` (RFC 3030 §2). A size that does not fit 64 bits is an error.
fn bdat(arg: Option<&[u8]>) -> Result<Command, DecodeError> {
    let a = arg.ok_or(syntax("BDAT needs a chunk size"))?;
    let (size, last) = match super::find_short(a, b' ') {
        Some(i) if a[i + 1..].eq_ignore_ascii_case(b"LAST") => (&a[..i], true),
        Some(_) => return Err(syntax("BDAT takes a size and LAST only")),
        None => (a, false),
    };
    let size = parse_u64(size).ok_or(syntax("BDAT chunk size is at most 20 digits"))?;
    Ok(Command::Bdat { size, last })
}

/// `"AUTH" SP sasl-mech [SP initial-response]`, `initial-response = base64 / "="`
/// (RFC 4954 §4); `sasl-mech = 1*20mech-char` (RFC 4422 §3.1, matched case-insensitively).
fn auth(src: &Bytes, arg: Option<&[u8]>) -> Result<Command, DecodeError> {
    let a = arg.ok_or(syntax("AUTH needs a mechanism"))?;
    let (mech, response) = match super::find_short(a, b' ') {
        Some(i) => (&a[..i], Some(&a[i + 1..])),
        None => (a, None),
    };
    let mechanism = Mechanism::parse(mech).ok_or(syntax("malformed SASL mechanism name"))?;
    let initial_response = match response {
        None => None,
        Some(r) if r == b"=" || is_base64(r) => Some(InitialResponse::from_checked(src, r)),
        Some(_) => return Err(syntax("initial response is not base64")),
    };
    Ok(Command::Auth { mechanism, initial_response })
}

fn whole_domain(src: &Bytes, s: &[u8]) -> Result<Domain, PError> {
    match address::domain(src, s) {
        Ok(([], d)) => Ok(d),
        Ok(_) => Err(PError::new("malformed domain")),
        Err(e) => Err(flatten(e)),
    }
}

/// `ETRN [<option character>]<node name>` (RFC 1985 §5): `@` for the node and its
/// subdomains, `#` for a named queue.
fn etrn(src: &Bytes, arg: Option<&[u8]>) -> Result<Command, DecodeError> {
    let a = arg.ok_or(syntax("ETRN needs a node name"))?;
    let etrn = match a {
        [b'#', q @ ..] if is_argument(q) && !q.contains(&b' ') => {
            Etrn::Queue(Argument::from_checked(src, q))
        }
        [b'@', d @ ..] => Etrn::Subdomains(
            whole_domain(src, d).map_err(|e| e.into_decode_error(DecodeErrorKind::Syntax))?,
        ),
        d => Etrn::Node(
            whole_domain(src, d).map_err(|e| e.into_decode_error(DecodeErrorKind::Syntax))?,
        ),
    };
    Ok(Command::Etrn(etrn))
}

/// `atrn = "ATRN" [SP domain *("," domain)]` (RFC 2645 §5.2.1).
fn atrn(src: &Bytes, arg: Option<&[u8]>) -> Result<Command, DecodeError> {
    let mut domains = Vec::new();
    if let Some(a) = arg {
        for d in a.split(|&c| c == b',') {
            domains.push(
                whole_domain(src, d).map_err(|e| e.into_decode_error(DecodeErrorKind::Syntax))?,
            );
        }
    }
    Ok(Command::Atrn(domains))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Lines near the ones [`command_without_text`] takes: its verbs and others, in any
    /// case, with arguments, spaces, tabs, CR, LF and other octets after them.
    fn near_lines() -> impl Strategy<Value = Vec<u8>> {
        let verb = prop_oneof![
            Just(&b"DATA"[..]),
            Just(&b"RSET"[..]),
            Just(&b"QUIT"[..]),
            Just(&b"NOOP"[..]),
            Just(&b"HELP"[..]),
            Just(&b"BDAT"[..]),
            Just(&b"STARTTLS"[..]),
            Just(&b"STARTTL"[..]),
            Just(&b"EHLO"[..]),
            Just(&b"XDAT"[..]),
            Just(&b"DAT"[..]),
        ];
        let case = proptest::collection::vec(any::<bool>(), 8);
        let tail = proptest::collection::vec(
            prop_oneof![
                4 => Just(b' '),
                1 => Just(b'\t'),
                1 => Just(b'\r'),
                1 => Just(b'\n'),
                4 => b'0'..=b'9',
                3 => prop_oneof![Just(b'L'), Just(b'A'), Just(b'S'), Just(b'T'), Just(b'l')],
                2 => b'!'..=b'~',
                1 => any::<u8>(),
            ],
            0..12,
        );
        (verb, case, tail).prop_map(|(verb, case, tail)| {
            let mut line: Vec<u8> = verb
                .iter()
                .zip(case.iter().cycle())
                .map(|(&c, &lower)| if lower { c.to_ascii_lowercase() } else { c })
                .collect();
            line.extend_from_slice(&tail);
            line
        })
    }

    proptest! {
        /// Wherever the decoder parses without a buffer of the line's own, the result
        /// (command or error) is the one the full parser gives, under either config.
        #[test]
        fn without_text_agrees_with_the_full_parse(line in near_lines(), lenient in any::<bool>()) {
            let cfg = if lenient { CommandConfig::lenient() } else { CommandConfig::default() };
            if let Some(fast) = command_without_text(&line, &cfg) {
                prop_assert_eq!(fast, command(&Bytes::copy_from_slice(&line), &cfg));
            }
        }
    }

    #[test]
    fn without_text_takes_the_text_free_commands_only() {
        let cfg = CommandConfig::default();
        for (line, cmd) in [
            (&b"DATA"[..], Command::Data),
            (b"rset", Command::Rset),
            (b"Quit", Command::Quit),
            (b"NOOP", Command::Noop(None)),
            (b"help", Command::Help(None)),
            (b"StartTLS", Command::StartTls),
            (b"BDAT 1024 LAST", Command::Bdat { size: 1024, last: true }),
        ] {
            assert_eq!(command_without_text(line, &cfg), Some(Ok(cmd)), "{line:?}");
        }
        // Errors that need no part of the line are given too.
        assert!(matches!(
            command_without_text(b"BDAT 99999999999999999999999", &cfg),
            Some(Err(_))
        ));
        // Anything that can keep text goes to the full parser.
        for line in [&b"NOOP hello"[..], b"HELP MAIL", b"EHLO a.example", b"XDAT", b"DATA\t", b""] {
            assert_eq!(command_without_text(line, &cfg), None, "{line:?}");
        }
    }
}
