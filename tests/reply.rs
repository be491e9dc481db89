//! Replies: parsing, encoding, the stream decoder and its limits (RFC 5321 §4.2, RFC 2034,
//! RFC 3463), with replies captured from real servers (../shared/peers/ehlo-captures.txt).

use bytes::BytesMut;
use esmtp::line::LineEnding;
use esmtp::{
    DecodeError, DecodeErrorKind, EnhancedCodes, EnhancedStatusCode, Reply, ReplyCategory,
    ReplyClass, ReplyCode, ReplyConfig, ReplyDecoder, StatusClass, ValidationError, replies,
};
use proptest::prelude::*;

/// A decoder configuration with these limits (`ReplyConfig` is `#[non_exhaustive]`).
fn config(max_line_len: usize, max_lines: usize) -> ReplyConfig {
    let mut config = ReplyConfig::default();
    config.max_line_len = max_line_len;
    config.max_lines = max_lines;
    config
}

/// The error of building reply text that holds a control character.
fn text_error(result: Result<impl std::fmt::Debug, ValidationError>) {
    let e = result.unwrap_err();
    assert_eq!((e.what(), e.reason()), ("reply text", "holds CR, LF or another control character"));
}

fn lines(r: &Reply) -> Vec<&str> {
    r.lines().map(|l| l.as_str()).collect()
}

/// Decodes everything in `input`, fed in one piece; errors as their kinds.
fn decode_all(dec: &mut ReplyDecoder, input: &[u8]) -> Vec<Result<Reply, DecodeErrorKind>> {
    let mut buf = BytesMut::from(input);
    let mut out = Vec::new();
    loop {
        match dec.decode(&mut buf) {
            Ok(Some(r)) => out.push(Ok(r)),
            Ok(None) => break,
            Err(e) => out.push(Err(e.kind())),
        }
    }
    out
}

/// Decodes `input` fed in the given chunk sizes (cycled).
fn decode_chunked(input: &[u8], sizes: &[usize]) -> Vec<Result<Reply, DecodeErrorKind>> {
    decode_chunked_with(ReplyDecoder::default(), input, sizes)
}

/// [`decode_chunked`] with a configured decoder.
fn decode_chunked_with(
    mut dec: ReplyDecoder,
    input: &[u8],
    sizes: &[usize],
) -> Vec<Result<Reply, DecodeErrorKind>> {
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut i = 0;
    while pos < input.len() {
        let n = sizes[i % sizes.len()].max(1).min(input.len() - pos);
        i += 1;
        buf.extend_from_slice(&input[pos..pos + n]);
        pos += n;
        loop {
            match dec.decode(&mut buf) {
                Ok(Some(r)) => out.push(Ok(r)),
                Ok(None) => break,
                Err(e) => out.push(Err(e.kind())),
            }
        }
    }
    out
}

// --- ReplyCode ----------------------------------------------------------------------------

/// RFC 5321 §4.2: `Reply-code = %x32-35 %x30-35 %x30-39`; §4.2.1 classes and categories.
#[test]
fn reply_code_range_class_and_category() {
    for v in 0..1000u16 {
        let valid = (2..=5).contains(&(v / 100)) && v / 10 % 10 <= 5;
        assert_eq!(ReplyCode::new(v).is_ok(), valid, "{v}");
        assert_eq!(v.to_string().parse::<ReplyCode>().is_ok(), valid && v >= 100, "{v}");
    }
    let c = ReplyCode::new(354).unwrap();
    assert!(c.is_positive_intermediate() && c.is_positive() && !c.is_positive_completion());
    assert_eq!(c.class(), ReplyClass::PositiveIntermediate);
    assert_eq!(c.category(), ReplyCategory::MailSystem);
    assert_eq!(ReplyCode::OK.class(), ReplyClass::PositiveCompletion);
    assert_eq!(ReplyCode::SERVICE_NOT_AVAILABLE.category(), ReplyCategory::Connections);
    assert_eq!(ReplyCode::HELP_MESSAGE.category(), ReplyCategory::Information);
    assert!(
        ReplyCode::LOCAL_ERROR.is_transient() && ReplyCode::LOCAL_ERROR.is_transient_negative()
    );
    assert!(
        ReplyCode::MAILBOX_UNAVAILABLE.is_permanent()
            && !ReplyCode::MAILBOX_UNAVAILABLE.is_transient()
    );
    assert_eq!(ReplyCode::DOES_NOT_ACCEPT_MAIL.as_u16(), 521, "RFC 7504");
    assert_eq!(ReplyCode::DOMAIN_DOES_NOT_ACCEPT_MAIL.as_u16(), 556, "RFC 7504");
    assert_eq!(ReplyCode::AUTH_CONTINUE.as_u16(), 334, "RFC 4954");
    assert_eq!(ReplyCode::AUTH_SUCCEEDED.as_u16(), 235, "RFC 4954");
    assert_eq!(ReplyCode::START_MAIL_INPUT.to_string(), "354");
    for bad in ["25", "2500", "", "600", "2a0"] {
        assert_eq!(bad.parse::<ReplyCode>().unwrap_err().kind(), DecodeErrorKind::ReplySyntax);
    }
    assert_eq!(ReplyCode::new(600).unwrap_err().what(), "reply code");
    assert_eq!(ReplyCode::try_from(199).unwrap_err().what(), "reply code");
}

// --- EnhancedStatusCode -------------------------------------------------------------------

/// RFC 3463 §2: subject and detail are 1*3digit; values above 255 are kept exactly
/// (Microsoft sends 5.7.515 and 4.7.650).
#[test]
fn enhanced_codes_above_255_are_kept() {
    for s in ["5.7.515", "4.7.650", "2.999.999", "5.1.10"] {
        let c: EnhancedStatusCode = s.parse().unwrap();
        assert_eq!(c.to_string(), s);
    }
    let r =
        Reply::parse(b"550 5.7.515 Access denied, sending domain does not pass DMARC\r\n").unwrap();
    assert_eq!(r.enhanced_code().unwrap().detail(), 515);
    assert_eq!(r.first_line(), "Access denied, sending domain does not pass DMARC");
    let r = Reply::parse(
        b"451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited\r\n",
    )
    .unwrap();
    assert_eq!(r.enhanced_code().unwrap().to_string(), "4.7.650");
    for bad in ["3.0.0", "5.1", "5.1.1000", "5..1", "5.1.1.", "x.1.1", "5.1.1 ", ""] {
        let e = bad.parse::<EnhancedStatusCode>().unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::ReplySyntax, "{bad:?}");
    }
    let e = EnhancedStatusCode::new(StatusClass::Success, 1000, 0).unwrap_err();
    assert_eq!(e.what(), "enhanced status code");
    assert_eq!(EnhancedStatusCode::new(StatusClass::Success, 0, 1000).unwrap_err(), e);
}

/// RFC 5248 §2.4 and the RFCs registering later codes: titles by subject and detail.
#[test]
fn registry_titles() {
    let cases = [
        (EnhancedStatusCode::BAD_DESTINATION_MAILBOX, "5.1.1", "Bad destination mailbox address"),
        (EnhancedStatusCode::RECIPIENT_NULL_MX, "5.1.10", "Recipient address has null MX"),
        (
            EnhancedStatusCode::AUTH_CREDENTIALS_INVALID,
            "5.7.8",
            "Authentication credentials invalid",
        ),
        (
            EnhancedStatusCode::PASSWORD_TRANSITION_NEEDED,
            "4.7.12",
            "A password transition is needed",
        ),
        (EnhancedStatusCode::REQUIRETLS_REQUIRED, "5.7.30", "REQUIRETLS support required"),
        (
            EnhancedStatusCode::NON_ASCII_ADDRESS_NOT_PERMITTED,
            "5.6.7",
            "Non-ASCII addresses not permitted for that sender/recipient",
        ),
        (EnhancedStatusCode::SPF_VALIDATION_FAILED, "5.7.23", "SPF validation failed"),
        (EnhancedStatusCode::DESTINATION_ADDRESS_VALID, "2.1.5", "Destination address valid"),
        (EnhancedStatusCode::OK, "2.0.0", "Other undefined Status"),
    ];
    for (code, s, title) in cases {
        assert_eq!(code.to_string(), s);
        assert_eq!(s.parse::<EnhancedStatusCode>().unwrap(), code);
        assert_eq!(code.description(), Some(title));
        assert_eq!(
            code.with_class(StatusClass::PersistentTransientFailure).description(),
            Some(title)
        );
    }
    assert_eq!("5.7.515".parse::<EnhancedStatusCode>().unwrap().description(), None);
    assert_eq!(EnhancedStatusCode::MAILBOX_FULL.subject_description(), Some("Mailbox Status"));
}

// --- Reply::parse ----------------------------------------------------------------------------

/// Replies from ../shared/peers/ehlo-captures.txt, exactly as received.
#[test]
fn captured_replies() {
    let r = Reply::parse(b"220 peers-postfix.test ESMTP peers-postfix\r\n").unwrap();
    assert_eq!((r.code(), r.enhanced_code()), (ReplyCode::READY, None));
    assert_eq!(r.first_line(), "peers-postfix.test ESMTP peers-postfix");

    let r = Reply::parse(b"220 2.0.0 Ready to start TLS\r\n").unwrap();
    assert_eq!(r.enhanced_code(), Some(EnhancedStatusCode::OK));
    assert_eq!(r.text(), "Ready to start TLS");

    let r = Reply::parse(b"555 5.5.4 Unsupported option: FOO=BAR\r\n").unwrap();
    assert_eq!(r.code(), ReplyCode::PARAMETERS_NOT_RECOGNIZED);
    assert_eq!(r.enhanced_code(), Some(EnhancedStatusCode::INVALID_COMMAND_ARGUMENTS));

    // Exim: trailing space kept; multi-line 503 without enhanced codes.
    let r =
        Reply::parse(b"501 <a@b> FOO=BAR: malformed address: FOO=BAR may not follow <a@b> \r\n")
            .unwrap();
    assert!(r.first_line().ends_with("<a@b> "));
    let r = Reply::parse(
        b"503-All RCPT commands were rejected with this error:\r\n503-503 sender not yet given\r\n\
          503 valid RCPT command must precede DATA\r\n",
    )
    .unwrap();
    assert_eq!(r.code(), ReplyCode::BAD_SEQUENCE);
    assert_eq!(
        lines(&r),
        [
            "All RCPT commands were rejected with this error:",
            "503 sender not yet given",
            "valid RCPT command must precede DATA"
        ]
    );

    // aiosmtpd: an enhanced code on a 501.
    let r = Reply::parse(b"501 5.5.2 Can't decode base64\r\n").unwrap();
    assert_eq!(r.enhanced_code(), Some(EnhancedStatusCode::SYNTAX_ERROR));
    // smtp-sink's EHLO reply ends with "250 " (empty text).
    let r = Reply::parse(b"250-peers-smtp-sink.test\r\n250-DSN\r\n250 \r\n").unwrap();
    assert_eq!(lines(&r), ["peers-smtp-sink.test", "DSN", ""]);
}

/// RFC 5321 §4.2: the text is optional, so `250` and `250 ` are complete last lines.
#[test]
fn last_line_without_text() {
    for input in [&b"250\r\n"[..], b"250 \r\n", b"250", b"250 "] {
        let r = Reply::parse(input).unwrap();
        assert_eq!((r.code(), r.first_line().as_str()), (ReplyCode::OK, ""), "{input:?}");
    }
    let r = Reply::parse(b"250-first\r\n250\r\n").unwrap();
    assert_eq!(lines(&r), ["first", ""]);
    assert_eq!(r.to_string(), "250-first\r\n250\r\n");
}

/// RFC 5321 §4.2.1: every line of a multi-line reply carries the same code.
#[test]
fn differing_codes_are_an_error_not_merged() {
    let e = Reply::parse(b"250-first\r\n251 second\r\n").unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::ReplyCodeMismatch);
    let e = Reply::parse(b"250-first\r\n550-second\r\n550 third\r\n").unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::ReplyCodeMismatch);
}

#[test]
fn malformed_replies() {
    let cases: &[&[u8]] = &[
        b"",
        b"\r\n",
        b"25 ok\r\n",
        b"250x ok\r\n",
        b"2500 ok\r\n",
        b"600 ok\r\n",
        b"199 ok\r\n",
        b"abc ok\r\n",
        b"250-more to come\r\n",
        b"250 ok\n",
        b"250 ok\r\n250 again\r\n",
        b"250 ok\r\ngarbage",
    ];
    for input in cases {
        let e = Reply::parse(input).unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::ReplySyntax, "{:?}", String::from_utf8_lossy(input));
    }
}

/// The documented text policy: invalid UTF-8 and control characters become U+FFFD; valid
/// UTF-8 (RFC 6531 §3.3) stays as it is.
#[test]
fn non_utf8_text_is_replaced_not_rejected() {
    let r = Reply::parse(b"550 5.1.1 Benutzer unbekannt: M\xfcller\r\n").unwrap();
    assert_eq!(r.code(), ReplyCode::MAILBOX_UNAVAILABLE);
    assert_eq!(r.first_line(), "Benutzer unbekannt: M\u{FFFD}ller");
    let r = Reply::parse("250 Grüße\r\n".as_bytes()).unwrap();
    assert_eq!(r.first_line(), "Grüße");
    let r = Reply::parse(b"250 a\x00b\x1bc\r\n").unwrap();
    assert_eq!(r.first_line(), "a\u{FFFD}b\u{FFFD}c");
    // What comes out encodes and parses back to the same reply.
    assert_eq!(Reply::parse(&r.to_bytes()).unwrap(), r);
}

/// RFC 2034 §4: the same code on every line; stripped from each, the text after it kept.
#[test]
fn enhanced_code_on_every_line() {
    let r = Reply::parse(b"550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.1 third\r\n").unwrap();
    assert_eq!(r.enhanced_code(), Some(EnhancedStatusCode::DELIVERY_NOT_AUTHORIZED));
    assert_eq!(lines(&r), ["first", "second", "third"]);
    // A line that does not repeat it keeps its text; a differing code stays in the text.
    let r = Reply::parse(b"550-5.7.1 first\r\n550-no code\r\n550 5.7.2 other\r\n").unwrap();
    assert_eq!(lines(&r), ["first", "no code", "5.7.2 other"]);
    // A code whose class disagrees with the reply's is text (RFC 2034 §4).
    let r = Reply::parse(b"250 5.0.0 odd\r\n").unwrap();
    assert_eq!((r.enhanced_code(), r.first_line().as_str()), (None, "5.0.0 odd"));
    // 3xx replies take none (RFC 2034 §4); a 334 challenge is left alone.
    let r = Reply::parse(b"334 VXNlcm5hbWU6\r\n").unwrap();
    assert_eq!((r.enhanced_code(), r.first_line().as_str()), (None, "VXNlcm5hbWU6"));
    // Exactly one SP after the code is the separator.
    let r = Reply::parse(b"250 2.0.0  two spaces\r\n").unwrap();
    assert_eq!(r.first_line(), " two spaces");
    assert_eq!(r.to_string(), "250 2.0.0  two spaces\r\n");
}

// --- Encoding --------------------------------------------------------------------------------

#[test]
fn encode_forms() {
    let r = Reply::new(ReplyCode::OK, "Ok").unwrap();
    assert_eq!(r.to_string(), "250 Ok\r\n");
    let r = Reply::with_enhanced(
        ReplyCode::MAILBOX_UNAVAILABLE,
        EnhancedStatusCode::BAD_DESTINATION_MAILBOX,
        "No such user",
    )
    .unwrap();
    assert_eq!(r.to_string(), "550 5.1.1 No such user\r\n");
    let r = Reply::from_lines(ReplyCode::OK, Some(EnhancedStatusCode::OK), ["a", "", "c"]).unwrap();
    assert_eq!(r.to_string(), "250-2.0.0 a\r\n250-2.0.0\r\n250 2.0.0 c\r\n");
    let mut r = Reply::new(ReplyCode::HELP_MESSAGE, "Commands:").unwrap();
    r.push_line("HELO EHLO MAIL").unwrap();
    assert_eq!(r.to_string(), "214-Commands:\r\n214 HELO EHLO MAIL\r\n");
    text_error(r.push_line("x\r\n250 injected"));
    assert_eq!(r.line_count(), 2, "a refused line is not added");
    text_error(Reply::new(ReplyCode::OK, "a\nb"));
    text_error(Reply::new(ReplyCode::OK, "bell\x07"));
    text_error(Reply::with_enhanced(ReplyCode::OK, EnhancedStatusCode::OK, "a\rb"));
    text_error(Reply::from_lines(ReplyCode::OK, None, ["ok", "del\x7f"]));
    // The enhanced code takes its class from the reply code (RFC 3463 §2, RFC 2034 §4);
    // 3xx takes none.
    let r = Reply::with_enhanced(ReplyCode::OK, EnhancedStatusCode::MAILBOX_FULL, "x").unwrap();
    assert_eq!(r.to_string(), "250 2.2.2 x\r\n");
    let r = Reply::with_enhanced(ReplyCode::START_MAIL_INPUT, EnhancedStatusCode::OK, "x").unwrap();
    assert_eq!((r.enhanced_code(), r.to_string().as_str()), (None, "354 x\r\n"));
    // A leading code in the text is recognised by the constructor as by the parser.
    let r = Reply::new(ReplyCode::OK, "2.1.0 Sender ok").unwrap();
    assert_eq!(r.enhanced_code(), Some("2.1.0".parse().unwrap()));
    assert_eq!(r.first_line(), "Sender ok");
}

/// RFC 2034 §3 (4): a server offering ENHANCEDSTATUSCODES puts codes on every 2xx/4xx/5xx
/// reply except the greeting and HELO/EHLO replies; 3xx never.
#[test]
fn enhanced_codes_on_output() {
    let enc = |r: &Reply, mode| {
        let mut b = BytesMut::new();
        r.encode_with(&mut b, mode);
        String::from_utf8(b.to_vec()).unwrap()
    };
    let plain = Reply::new(ReplyCode::OK, "Ok").unwrap();
    assert_eq!(enc(&plain, EnhancedCodes::Always), "250 2.0.0 Ok\r\n");
    assert_eq!(enc(&plain, EnhancedCodes::AsIs), "250 Ok\r\n");
    let bye = Reply::new(ReplyCode::CLOSING, "Bye").unwrap();
    assert_eq!(enc(&bye, EnhancedCodes::for_server(true, false)), "221 2.0.0 Bye\r\n");
    let greet = Reply::new(ReplyCode::READY, "mx.example ESMTP").unwrap();
    assert_eq!(enc(&greet, EnhancedCodes::for_server(true, true)), "220 mx.example ESMTP\r\n");
    let data = Reply::new(ReplyCode::START_MAIL_INPUT, "go on").unwrap();
    assert_eq!(enc(&data, EnhancedCodes::Always), "354 go on\r\n");
    let tmp = Reply::from_lines(ReplyCode::LOCAL_ERROR, None, ["a", "b"]).unwrap();
    assert_eq!(enc(&tmp, EnhancedCodes::Always), "451-4.0.0 a\r\n451 4.0.0 b\r\n");
    let coded = Reply::with_enhanced(
        ReplyCode::MAILBOX_UNAVAILABLE,
        EnhancedStatusCode::BAD_DESTINATION_MAILBOX,
        "x",
    )
    .unwrap();
    assert_eq!(enc(&coded, EnhancedCodes::Omit), "550 x\r\n");
    assert_eq!(enc(&coded, EnhancedCodes::for_server(false, false)), "550 x\r\n");
}

#[test]
fn reply_for_a_decode_error() {
    let e = DecodeError::new(DecodeErrorKind::MailboxSyntax, "bad recipient address syntax");
    let r = Reply::from(e);
    assert_eq!(r.to_string(), "553 5.1.3 bad recipient address syntax\r\n");
    let r = Reply::from(DecodeError::new(DecodeErrorKind::LineTooLong, "line too long"));
    assert_eq!((r.code().as_u16(), r.enhanced_code().unwrap().to_string()), (500, "5.5.2".into()));
}

// --- ReplyDecoder ----------------------------------------------------------------------------

#[test]
fn decoder_several_replies_in_one_read() {
    let mut dec = ReplyDecoder::default();
    let out = decode_all(
        &mut dec,
        b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n554-5.5.1 Error:\r\n554 5.5.1 no valid recipients\r\n354 End data",
    );
    let codes: Vec<u16> = out.iter().map(|r| r.as_ref().unwrap().code().as_u16()).collect();
    assert_eq!(codes, [250, 250, 554]);
    assert_eq!(lines(out[2].as_ref().unwrap()), ["Error:", "no valid recipients"]);
}

/// A 100 KB line gives one error and no memory growth; the next reply decodes.
#[test]
fn decoder_bounds_line_length() {
    let mut dec = ReplyDecoder::default();
    let mut buf = BytesMut::new();
    buf.extend_from_slice(b"250 ");
    for _ in 0..100 {
        buf.extend_from_slice(&[b'x'; 1024]);
        assert_eq!(dec.decode(&mut buf), Ok(None));
        assert!(buf.len() <= 4096, "buffer holds {}", buf.len());
    }
    buf.extend_from_slice(b"\r\n221 Bye\r\n");
    assert_eq!(dec.decode(&mut buf).unwrap_err().kind(), DecodeErrorKind::LineTooLong);
    assert_eq!(dec.decode(&mut buf).unwrap().unwrap().code(), ReplyCode::CLOSING);
}

/// An over-long *continuation* line fails its reply, and the rest of that reply is dropped:
/// one error for one reply, and the next reply is still matched.
#[test]
fn decoder_overlong_continuation_resyncs_at_last_line() {
    let mut input = b"250-".to_vec();
    input.extend(std::iter::repeat_n(b'y', 10_000));
    input.extend_from_slice(b"\r\n250-more\r\n250 end\r\n354 next\r\n");
    for sizes in [&[input.len()][..], &[1], &[7, 13], &[4096]] {
        let out = decode_chunked(&input, sizes);
        assert_eq!(out.len(), 2, "{sizes:?}: {out:?}");
        assert_eq!(out[0].as_ref().unwrap_err(), &DecodeErrorKind::LineTooLong);
        assert_eq!(out[1].as_ref().unwrap().code(), ReplyCode::START_MAIL_INPUT);
    }
}

/// 10,000 continuation lines: an error once the limit is passed, memory bounded, and the
/// following reply decodes.
#[test]
fn decoder_bounds_lines_per_reply() {
    let mut dec = ReplyDecoder::new(config(esmtp::DEFAULT_MAX_REPLY_LINE, 100));
    let mut buf = BytesMut::new();
    let mut errors = 0;
    for i in 0..10_000 {
        buf.extend_from_slice(b"250-line\r\n");
        match dec.decode(&mut buf) {
            Ok(None) => {}
            Err(e) => {
                assert_eq!(e.kind(), DecodeErrorKind::TooManyReplyLines);
                assert_eq!(i, 99, "reported when line 100 says more follow");
                errors += 1;
            }
            Ok(Some(r)) => panic!("unexpected reply {r:?}"),
        }
        assert!(buf.is_empty());
    }
    assert_eq!(errors, 1);
    buf.extend_from_slice(b"250 last of the flood\r\n220 fresh\r\n");
    assert_eq!(dec.decode(&mut buf).unwrap().unwrap().code(), ReplyCode::READY);
    // Exactly at the limit is fine.
    let mut dec = ReplyDecoder::new(config(esmtp::DEFAULT_MAX_REPLY_LINE, 3));
    let out = decode_all(
        &mut dec,
        b"250-a\r\n250-b\r\n250 c\r\n250-a\r\n250-b\r\n250-c\r\n250 d\r\n221 x\r\n",
    );
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].as_ref().unwrap().line_count(), 3);
    assert_eq!(out[1].as_ref().unwrap_err(), &DecodeErrorKind::TooManyReplyLines);
    assert_eq!(out[2].as_ref().unwrap().code(), ReplyCode::CLOSING);
}

#[test]
fn decoder_code_mismatch_resyncs() {
    let mut dec = ReplyDecoder::default();
    // The mismatching line is a last line: it ends the broken reply.
    let out = decode_all(&mut dec, b"250-a\r\n251 b\r\n221 bye\r\n");
    assert_eq!(out[0].as_ref().unwrap_err(), &DecodeErrorKind::ReplyCodeMismatch);
    assert_eq!(out[1].as_ref().unwrap().code(), ReplyCode::CLOSING);
    assert_eq!(out.len(), 2);
    // A mismatching continuation: dropped up to the next last line.
    let out = decode_all(&mut dec, b"250-a\r\n550-b\r\n550 c\r\n221 bye\r\n");
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(out[0].as_ref().unwrap_err(), &DecodeErrorKind::ReplyCodeMismatch);
    // A malformed line between replies is one failed reply by itself.
    let out = decode_all(&mut dec, b"hello\r\n250 ok\r\n");
    assert_eq!(out[0].as_ref().unwrap_err(), &DecodeErrorKind::ReplySyntax);
    assert_eq!(out[1].as_ref().unwrap().code(), ReplyCode::OK);
    // Inside a reply it belongs to that reply.
    let out = decode_all(&mut dec, b"250-a\r\ngarbage\r\n250 end\r\n220 next\r\n");
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(out[1].as_ref().unwrap().code(), ReplyCode::READY);
}

#[test]
fn decoder_line_ending_policy() {
    let mut dec = ReplyDecoder::default();
    let out = decode_all(&mut dec, b"250 bare\n220 ok\r\n");
    assert_eq!(out[0].as_ref().unwrap_err(), &DecodeErrorKind::BareLineEnding);
    assert_eq!(out[1].as_ref().unwrap().code(), ReplyCode::READY);
    let mut dec = ReplyDecoder::new(ReplyConfig::lenient());
    assert_eq!(ReplyConfig::lenient().line_ending, LineEnding::CrlfOrLf);
    let out = decode_all(&mut dec, b"250-a\n250 b\r\n");
    assert_eq!(lines(out[0].as_ref().unwrap()), ["a", "b"]);
}

#[test]
fn decoder_holds_partial_reply_across_reads() {
    let mut dec = ReplyDecoder::default();
    let mut buf = BytesMut::from(&b"250-peers-exim.test Hello\r\n250-SIZE\r\n250 HE"[..]);
    assert_eq!(dec.decode(&mut buf), Ok(None));
    assert!(dec.is_partial());
    buf.extend_from_slice(b"LP\r\n");
    let r = dec.decode(&mut buf).unwrap().unwrap();
    assert_eq!(lines(&r), ["peers-exim.test Hello", "SIZE", "HELP"]);
    assert!(!dec.is_partial());
}

// --- Properties -----------------------------------------------------------------------------

fn arb_code() -> impl Strategy<Value = ReplyCode> {
    (2u16..=5, 0u16..=5, 0u16..=9)
        .prop_map(|(a, b, c)| ReplyCode::new(a * 100 + b * 10 + c).unwrap())
}

fn arb_line() -> impl Strategy<Value = String> {
    // textstring plus UTF-8, with leading digits and dots to stress code recognition.
    prop_oneof![
        "[ -~\t]{0,40}",
        "[245]\\.[0-9]{1,3}\\.[0-9]{1,3}( [ -~]{0,10})?",
        "[ a-zäöü€\t]{0,20}",
    ]
}

fn arb_reply() -> impl Strategy<Value = Reply> {
    (arb_code(), any::<bool>(), 0u16..1000, 0u16..1000, prop::collection::vec(arb_line(), 1..6))
        .prop_map(|(code, with_esc, s, d, lines)| {
            let esc = match code.status_class() {
                Some(class) if with_esc => Some(EnhancedStatusCode::new(class, s, d).unwrap()),
                _ => None,
            };
            Reply::from_lines(code, esc, lines).unwrap()
        })
}

proptest! {
    #[test]
    fn enhanced_code_round_trip(class in prop::sample::select(vec![2u8, 4, 5]), s in 0u16..1000, d in 0u16..1000) {
        let c = EnhancedStatusCode::new(StatusClass::from_u8(class).unwrap(), s, d).unwrap();
        let text = c.to_string();
        prop_assert_eq!(text.parse::<EnhancedStatusCode>().unwrap(), c);
        let mut b = BytesMut::new();
        c.encode(&mut b);
        prop_assert_eq!(&b[..], text.as_bytes());
    }

    /// Encoding then parsing gives an equal reply (DESIGN: values round-trip).
    #[test]
    fn reply_round_trip(r in arb_reply()) {
        let wire = r.to_bytes();
        let back = Reply::parse(&wire).unwrap();
        prop_assert_eq!(&back, &r);
        // With or without the final CRLF.
        prop_assert_eq!(&Reply::parse(&wire[..wire.len() - 2]).unwrap(), &r);
        prop_assert_eq!(&r.to_string().parse::<Reply>().unwrap(), &r);
    }

    /// Split anywhere: any chunking of a stream gives the same replies.
    #[test]
    fn decoder_split_anywhere(
        replies in prop::collection::vec(arb_reply(), 1..6),
        sizes in prop::collection::vec(1usize..20, 1..8),
    ) {
        let mut wire = Vec::new();
        for r in &replies {
            wire.extend_from_slice(&r.to_bytes());
        }
        let whole = decode_chunked(&wire, &[wire.len()]);
        let chunked = decode_chunked(&wire, &sizes);
        let expected: Vec<Result<Reply, DecodeErrorKind>> = replies.into_iter().map(Ok).collect();
        prop_assert_eq!(&whole, &expected);
        prop_assert_eq!(&chunked, &expected);
    }

    /// Valid replies with a few octets changed: the decoder's whole-reply scan (input in
    /// one piece) and its line-by-line reader (one octet at a time) agree, reply for reply
    /// and error for error. Most changes land in the first ten octets of a line, where the
    /// scan's shortcuts are (the code, the separator, an enhanced code); the others anywhere.
    #[test]
    fn decoder_whole_and_line_by_line_agree_on_mutated_replies(
        replies in prop::collection::vec(arb_reply(), 1..5),
        edits in prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                prop::option::weighted(0.7, 0usize..10),
                prop_oneof![
                    6 => prop::sample::select(b"\r\n- \t.".to_vec()),
                    6 => b'0'..=b'9',
                    3 => prop::sample::select(vec![0x7f_u8, 0, 0xc3, 0x1f]),
                    1 => any::<u8>(),
                ],
            ),
            0..4,
        ),
    ) {
        let mut wire = Vec::new();
        for r in &replies {
            wire.extend_from_slice(&r.to_bytes());
        }
        let starts: Vec<usize> = std::iter::once(0)
            .chain(wire.iter().enumerate().filter(|&(_, &c)| c == b'\n').map(|(i, _)| i + 1))
            .filter(|&i| i < wire.len())
            .collect();
        for (at, in_head, octet) in edits {
            let i = match in_head {
                Some(k) => (starts[at.index(starts.len())] + k).min(wire.len() - 1),
                None => at.index(wire.len()),
            };
            wire[i] = octet;
        }
        prop_assert_eq!(decode_chunked(&wire, &[wire.len()]), decode_chunked(&wire, &[1]));
    }

    /// Arbitrary bytes, arbitrarily split: same outputs as in one piece, no panic.
    #[test]
    fn decoder_split_anywhere_on_garbage(
        input in prop::collection::vec(prop_oneof![Just(b'\r'), Just(b'\n'), Just(b'-'), Just(b' '), Just(b'2'), Just(b'5'), any::<u8>()], 0..300),
        sizes in prop::collection::vec(1usize..20, 1..8),
    ) {
        prop_assert_eq!(decode_chunked(&input, &[input.len().max(1)]), decode_chunked(&input, &sizes));
    }
}

/// Pieces of a reply stream for [`decoder_state_survives_splits_and_small_limits`]: whole
/// single- and multi-line replies (some with enhanced codes, tabs, 8-bit or control
/// octets, a bare code, an empty text), lines that go on, malformed and truncated lines,
/// bare LFs and lines longer than the small limits used there.
fn arb_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![
            &b"250 ok\r\n"[..],
            b"250 2.1.5 Ok\r\n",
            b"451 4.7.650 rate limited\r\n",
            b"250\r\n",
            b"250 \r\n",
            b"354 go\tahead\r\n",
            b"550 caf\xc3\xa9 \x01 \x7f\r\n",
            b"250-a\r\n250 b\r\n",
            b"250-2.0.0 a\r\n250-2.0.0 b\r\n250 2.0.0 c\r\n",
            b"250-one\r\n",
            b"250 two\r\n",
            b"550-x\r\n",
            b"251 mismatch\r\n",
            b"25",
            b"2500 bad\r\n",
            b"hello\r\n",
            b"250 bare lf\n",
            b"\r\n",
            b"250 a line that is longer than the limits\r\n",
            b"250-another line longer than the limit\r\n",
            // Over-long, and wherever it is split the rest looks like a reply.
            b"250 x250 x250 x250 x250 x250 x250 x250 x250 x\r\n",
        ])
        .prop_map(|p| p.to_vec()),
        "[2-5][0-5][0-9][ -][ -~\t]{0,30}\r\n".prop_map(String::into_bytes),
    ]
}

proptest! {
    /// A stream of well-formed, malformed and over-long replies, in any chunks, under small
    /// line and lines-per-reply limits: what the decoder gives does not depend on how the
    /// input was split, so the whole-reply path (tried only when no partial reply, dropped
    /// reply, over-long line or partial line is pending) never takes octets the
    /// line-by-line reader is in the middle of.
    #[test]
    fn decoder_state_survives_splits_and_small_limits(
        pieces in prop::collection::vec(arb_piece(), 1..12),
        sizes in prop::collection::vec(1usize..40, 1..6),
        max_line_len in 8usize..40,
        max_lines in 1usize..4,
    ) {
        let input = pieces.concat();
        let config = config(max_line_len, max_lines);
        let by_octet = decode_chunked_with(ReplyDecoder::new(config), &input, &[1]);
        let whole = decode_all(&mut ReplyDecoder::new(config), &input);
        let chunked = decode_chunked_with(ReplyDecoder::new(config), &input, &sizes);
        prop_assert_eq!(&whole, &by_octet);
        prop_assert_eq!(&chunked, &by_octet);
    }
}

/// Decodes `input` in one piece (so the whole-reply scan sees every reply that is there)
/// and one octet at a time (so every line goes through the line-by-line reader); both must
/// give the same replies and errors.
fn assert_whole_and_line_by_line_agree(input: &[u8]) {
    let whole = decode_chunked(input, &[input.len()]);
    let by_octet = decode_chunked(input, &[1]);
    assert_eq!(whole, by_octet, "{:?}", String::from_utf8_lossy(input));
}

/// Every head of a first line (code digits in and out of range, each separator, line
/// ends where they should not be), followed by a second line and a reply after it: the
/// whole-reply scan takes exactly what the line-by-line reader takes.
#[test]
fn decoder_whole_and_line_by_line_agree_on_every_line_head() {
    let octets = b"012569 -\r\nx";
    for &a in octets {
        for &b in octets {
            for &c in octets {
                for &sep in octets {
                    let mut input = vec![a, b, c, sep];
                    input.extend_from_slice(b"x\r\n250 ok\r\n");
                    assert_whole_and_line_by_line_agree(&input);
                }
            }
        }
    }
}

/// Every start of reply text of up to six octets from the ones enhanced codes are made of,
/// after a 2xx, 3xx and 5xx code: the enhanced code is recognised (or not) alike on both
/// paths.
#[test]
fn decoder_whole_and_line_by_line_agree_on_enhanced_code_forms() {
    let octets = b"235.1 x";
    let mut text = [0u8; 6];
    for n in 0..=6 {
        for k in 0..octets.len().pow(n as u32) {
            let mut k = k;
            for t in text.iter_mut().take(n) {
                *t = octets[k % octets.len()];
                k /= octets.len();
            }
            for code in [&b"250 "[..], b"354 ", b"550 ", b"250-"] {
                let mut input = code.to_vec();
                input.extend_from_slice(&text[..n]);
                input.extend_from_slice(b"\r\n");
                if code[3] == b'-' {
                    input.extend_from_slice(b"250 ");
                    input.extend_from_slice(&text[..n]);
                    input.extend_from_slice(b"\r\n");
                }
                assert_whole_and_line_by_line_agree(&input);
            }
        }
    }
}

/// After `reset` (e.g. a TLS hand-off with a fresh buffer) a half-read reply is forgotten.
#[test]
fn decoder_reset_forgets_partial_state() {
    let mut dec = ReplyDecoder::default();
    let mut buf = BytesMut::from(&b"250-one\r\n250-two\r\n"[..]);
    assert_eq!(dec.decode(&mut buf), Ok(None));
    assert!(dec.is_partial());
    dec.reset();
    assert!(!dec.is_partial());
    let mut fresh = BytesMut::from(&b"250 after\r\n"[..]);
    let r = dec.decode(&mut fresh).unwrap().unwrap();
    assert_eq!(lines(&r), ["after"]);
}

/// `lines()` is exact-size and double-ended; `line(i)` and `text()` agree with it.
#[test]
fn line_accessors() {
    let r = Reply::parse(b"250-a\r\n250-b\r\n250 c\r\n").unwrap();
    assert_eq!(r.lines().len(), 3);
    assert_eq!(r.lines().rev().map(|l| l.as_str()).collect::<Vec<_>>(), ["c", "b", "a"]);
    assert_eq!(r.line(1).map(|l| l.as_str()), Some("b"));
    assert_eq!(r.line(3), None);
    assert_eq!(r.text(), "a\nb\nc");
    assert!(r.is_multiline());
}

fn hash_of(r: &Reply) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    r.hash(&mut h);
    h.finish()
}

/// A reply read whole (kept in its wire form), read line by line, and built from its lines
/// is the same reply: equal, hashed alike, with the same lines, text, encoding and Debug.
#[test]
fn whole_and_line_by_line_replies_agree() {
    let inputs: &[&[u8]] = &[
        b"250-mx.example.com\r\n250-PIPELINING\r\n250 SIZE 1000\r\n",
        b"550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.1 third\r\n",
        b"550-5.7.1 first\r\n550-5.7.2 other code kept\r\n550-5.7.1\r\n550 no code\r\n",
        b"451-4.7.650 rate limited\r\n451 4.7.650\r\n",
        b"250-\r\n250-\t tab\r\n250\r\n",
        b"214-2.0.0 \tHELO\tEHLO\r\n214 2.0.0 End of HELP info\r\n",
        b"354-a\r\n354 3.0.0 not an enhanced code for 3xx\r\n",
        b"250-2.0.0\r\n250 2.0.0\r\n",
    ];
    for input in inputs {
        let whole = Reply::parse(input).unwrap();
        let mut by_line = decode_chunked(input, &[1]);
        assert_eq!(by_line.len(), 1);
        let by_line = by_line.remove(0).unwrap();
        let rebuilt =
            Reply::from_lines(whole.code(), whole.enhanced_code(), whole.lines()).unwrap();
        for other in [&by_line, &rebuilt] {
            assert_eq!(&whole, other);
            assert_eq!(hash_of(&whole), hash_of(other));
            assert_eq!(lines(&whole), lines(other));
            assert_eq!(whole.text(), other.text());
            assert_eq!(whole.to_bytes(), other.to_bytes());
            assert_eq!(format!("{whole:?}"), format!("{other:?}"));
            assert_eq!(whole.line_count(), other.line_count());
            assert_eq!(whole.first_line(), other.first_line());
        }
        assert_eq!(Reply::parse(&whole.to_bytes()), Ok(whole.clone()));
        let decoded = decode_all(&mut ReplyDecoder::default(), input);
        assert_eq!(decoded, vec![Ok(whole.clone())]);
        assert_eq!(whole.clone(), whole);
    }
}

/// Changing a reply read whole keeps its lines as they were read.
#[test]
fn whole_reply_edits_keep_the_lines() {
    let input = b"550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.1 third\r\n";
    let mut r = Reply::parse(input).unwrap();
    r.set_enhanced_code(None);
    assert_eq!(lines(&r), ["first", "second", "third"]);
    assert_eq!(r.to_string(), "550-first\r\n550-second\r\n550 third\r\n");
    let mut r = Reply::parse(input).unwrap();
    r.push_line("fourth").unwrap();
    assert_eq!(lines(&r), ["first", "second", "third", "fourth"]);
    assert_eq!(r.line(3).map(|l| l.as_str()), Some("fourth"));
    let mut r = Reply::parse(input).unwrap();
    r.set_enhanced_code(Some(EnhancedStatusCode::MAILBOX_FULL));
    assert_eq!(lines(&r), ["first", "second", "third"]);
    assert_eq!(r.enhanced_code().map(|e| e.to_string()), Some("5.2.2".into()));
    // The class follows the reply code; a 3xx reply keeps none.
    let mut r = Reply::new(ReplyCode::INSUFFICIENT_STORAGE, "full").unwrap();
    r.set_enhanced_code(Some(EnhancedStatusCode::MAILBOX_FULL));
    assert_eq!(r.to_string(), "452 4.2.2 full\r\n");
    let mut r = Reply::new(ReplyCode::START_MAIL_INPUT, "go").unwrap();
    r.set_enhanced_code(Some(EnhancedStatusCode::OK));
    assert_eq!(r.enhanced_code(), None);
}

/// The decoder reads a reply whole when it can and line by line when it cannot; the
/// outputs are the same, across limits and odd lines.
#[test]
fn decoder_whole_and_line_by_line_agree_at_the_limits() {
    let input = b"250-a\r\n250-b\r\n250 c\r\n250 next\r\n";
    for max_lines in 1..5 {
        let config = config(esmtp::DEFAULT_MAX_REPLY_LINE, max_lines);
        let whole = decode_all(&mut ReplyDecoder::new(config), input);
        let by_byte = decode_chunked_with(ReplyDecoder::new(config), input, &[1]);
        assert_eq!(whole, by_byte, "max_lines {max_lines}");
    }
    for max_len in 8..16 {
        let config = config(max_len, esmtp::DEFAULT_MAX_REPLY_LINES);
        let input = b"250-abcd\r\n250-abcdefgh\r\n250 x\r\n250 abcdefghi\r\n250 ok\r\n";
        let whole = decode_all(&mut ReplyDecoder::new(config), input);
        let chunked = decode_chunked_with(ReplyDecoder::new(config), input, &[3]);
        assert_eq!(whole, chunked, "max_line_len {max_len}");
    }
}

// --- Constructors for servers --------------------------------------------------------------

/// RFC 3463 §2 / RFC 2034 §4: the class of the enhanced code is the first digit of the
/// reply code, whatever class the constant was written with; 3xx replies carry none.
#[test]
fn with_enhanced_takes_the_class_of_the_reply_code() {
    let cases = [
        (ReplyCode::INSUFFICIENT_STORAGE, EnhancedStatusCode::MAILBOX_FULL, "452 4.2.2 x\r\n"),
        (ReplyCode::EXCEEDED_STORAGE, EnhancedStatusCode::MAILBOX_FULL, "552 5.2.2 x\r\n"),
        (ReplyCode::OK, EnhancedStatusCode::DESTINATION_ADDRESS_VALID, "250 2.1.5 x\r\n"),
        (ReplyCode::LOCAL_ERROR, EnhancedStatusCode::DESTINATION_ADDRESS_VALID, "451 4.1.5 x\r\n"),
        (ReplyCode::MAILBOX_UNAVAILABLE, EnhancedStatusCode::OK, "550 5.0.0 x\r\n"),
        (ReplyCode::AUTH_SUCCEEDED, EnhancedStatusCode::OTHER_SECURITY, "235 2.7.0 x\r\n"),
        (ReplyCode::START_MAIL_INPUT, EnhancedStatusCode::OTHER_SECURITY, "354 x\r\n"),
        (ReplyCode::AUTH_CONTINUE, EnhancedStatusCode::OK, "334 x\r\n"),
    ];
    for (code, enhanced, wire) in cases {
        let r = Reply::with_enhanced(code, enhanced, "x").unwrap();
        assert_eq!(r.to_string(), wire);
        assert_eq!(Reply::parse(wire.as_bytes()).unwrap(), r, "{wire:?} reads back");
        let lines = Reply::from_lines(code, Some(enhanced), ["x"]).unwrap();
        assert_eq!(lines, r);
        let mut set = Reply::new(code, "x").unwrap();
        set.set_enhanced_code(Some(enhanced));
        assert_eq!(set, r);
    }
    let r =
        Reply::with_enhanced(ReplyCode::LOCAL_ERROR, EnhancedStatusCode::MAILBOX_FULL, "").unwrap();
    assert_eq!(r.to_string(), "451 4.2.2\r\n");
}

const QUEUED: Reply = Reply::from_static(ReplyCode::OK, "Queued");
const QUEUED_CODED: Reply = Reply::from_static(ReplyCode::OK, "2.0.0 Queued");
const FULL: Reply = Reply::from_static_enhanced(
    ReplyCode::INSUFFICIENT_STORAGE,
    EnhancedStatusCode::MAILBOX_FULL,
    "Mailbox full",
);
const GO_AHEAD: Reply =
    Reply::from_static_enhanced(ReplyCode::START_MAIL_INPUT, EnhancedStatusCode::OK, "Go ahead");

/// The `const` constructors give what the checked ones give, in `const` items.
#[test]
fn static_constructors_agree_with_the_checked_ones() {
    assert_eq!(QUEUED, Reply::new(ReplyCode::OK, "Queued").unwrap());
    assert_eq!(QUEUED.to_string(), "250 Queued\r\n");
    // A leading enhanced code of the reply's class is recognised, as by `new` and on input.
    assert_eq!(QUEUED_CODED, Reply::new(ReplyCode::OK, "2.0.0 Queued").unwrap());
    assert_eq!(QUEUED_CODED.enhanced_code(), Some(EnhancedStatusCode::OK));
    assert_eq!(QUEUED_CODED.first_line(), "Queued");
    assert_eq!(
        FULL,
        Reply::with_enhanced(
            ReplyCode::INSUFFICIENT_STORAGE,
            EnhancedStatusCode::MAILBOX_FULL,
            "Mailbox full"
        )
        .unwrap()
    );
    assert_eq!(FULL.to_string(), "452 4.2.2 Mailbox full\r\n");
    assert_eq!(GO_AHEAD.to_string(), "354 Go ahead\r\n");
    for r in [QUEUED, QUEUED_CODED, FULL, GO_AHEAD] {
        assert_eq!(Reply::parse(&r.to_bytes()).unwrap(), r);
    }
}

/// Misuse of the `const` constructors at run time panics (in a `const` item it does not
/// compile; see the doc tests of `Reply::from_static`).
#[test]
#[should_panic(expected = "reply text holds CR, LF or another control character")]
fn static_constructor_refuses_a_line_break() {
    let text: &'static str = Box::leak(String::from("Ok\r\n250 injected").into_boxed_str());
    let _ = Reply::from_static(ReplyCode::OK, text);
}

/// Each ready-made reply, byte for byte, checked against the RFC that defines it; each
/// reads back as itself, and the mode a server without ENHANCEDSTATUSCODES uses drops the
/// enhanced code (RFC 2034 §3).
#[test]
fn ready_made_replies() {
    let cases: &[(Reply, &str)] = &[
        (replies::OK, "250 2.0.0 OK\r\n"),
        (replies::MESSAGE_ACCEPTED, "250 2.0.0 Message accepted for delivery\r\n"),
        (replies::SENDER_OK, "250 2.1.0 Sender OK\r\n"),
        (replies::RECIPIENT_OK, "250 2.1.5 Recipient OK\r\n"),
        (replies::BYE, "221 2.0.0 Bye\r\n"),
        (replies::START_MAIL_INPUT, "354 Start mail input; end with <CRLF>.<CRLF>\r\n"),
        (replies::HELP, "214 2.0.0 See RFC 5321\r\n"),
        (
            replies::CANNOT_VRFY,
            "252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery\r\n",
        ),
        (replies::READY_TO_START_TLS, "220 2.0.0 Ready to start TLS\r\n"),
        (replies::AUTH_SUCCEEDED, "235 2.7.0 Authentication succeeded\r\n"),
        (
            replies::SERVICE_NOT_AVAILABLE,
            "421 4.7.0 Service not available, closing transmission channel\r\n",
        ),
        (replies::TOO_MANY_RECIPIENTS, "452 4.5.3 Too many recipients\r\n"),
        (replies::TLS_NOT_AVAILABLE, "454 4.7.0 TLS not available due to temporary reason\r\n"),
        (replies::TEMPORARY_AUTH_FAILURE, "454 4.7.0 Temporary authentication failure\r\n"),
        (replies::COMMAND_UNRECOGNIZED, "500 5.5.1 Command unrecognized\r\n"),
        (replies::LINE_TOO_LONG, "500 5.5.2 Line too long\r\n"),
        (replies::AUTH_LINE_TOO_LONG, "500 5.5.6 Authentication Exchange line is too long\r\n"),
        (replies::SYNTAX_ERROR, "501 5.5.4 Syntax error in parameters or arguments\r\n"),
        (replies::COMMAND_NOT_IMPLEMENTED, "502 5.5.1 Command not implemented\r\n"),
        (replies::BAD_SEQUENCE, "503 5.5.1 Bad sequence of commands\r\n"),
        (replies::PARAMETER_NOT_IMPLEMENTED, "504 5.5.4 Command parameter not implemented\r\n"),
        (replies::AUTH_REQUIRED, "530 5.7.0 Authentication required\r\n"),
        (replies::STARTTLS_REQUIRED, "530 5.7.0 Must issue a STARTTLS command first\r\n"),
        (replies::AUTH_MECHANISM_TOO_WEAK, "534 5.7.9 Authentication mechanism is too weak\r\n"),
        (replies::AUTH_CREDENTIALS_INVALID, "535 5.7.8 Authentication credentials invalid\r\n"),
        (
            replies::ENCRYPTION_REQUIRED,
            "538 5.7.11 Encryption required for requested authentication mechanism\r\n",
        ),
        (replies::NO_SUCH_USER, "550 5.1.1 No such user\r\n"),
        (replies::MESSAGE_TOO_BIG, "552 5.3.4 Message size exceeds fixed maximum message size\r\n"),
        (replies::TRANSACTION_FAILED, "554 5.3.0 Transaction failed\r\n"),
        (replies::NO_VALID_RECIPIENTS, "554 5.5.0 No valid recipients\r\n"),
        (
            replies::PARAMETERS_NOT_RECOGNIZED,
            "555 5.5.4 MAIL FROM/RCPT TO parameters not recognized or not implemented\r\n",
        ),
    ];
    for (reply, wire) in cases {
        assert_eq!(reply.to_string(), *wire);
        assert_eq!(&Reply::parse(wire.as_bytes()).unwrap(), reply, "{wire:?}");
        let mut omitted = BytesMut::new();
        reply.encode_with(&mut omitted, EnhancedCodes::Omit);
        let plain = match reply.enhanced_code() {
            Some(e) => wire.replacen(&format!(" {e}"), "", 1),
            None => wire.to_string(),
        };
        assert_eq!(std::str::from_utf8(&omitted).unwrap(), plain);
    }
}

/// `DecodeError::reply` gives the reply to send, with its enhanced code (RFC 3463).
#[test]
fn decode_error_gives_the_reply_to_send() {
    let cases = [
        (DecodeErrorKind::LineTooLong, "500 5.5.2"),
        (DecodeErrorKind::BareLineEnding, "500 5.5.2"),
        (DecodeErrorKind::UnknownCommand, "500 5.5.1"),
        (DecodeErrorKind::Syntax, "501 5.5.4"),
        (DecodeErrorKind::UnrecognizedParameter, "555 5.5.4"),
        (DecodeErrorKind::SenderSyntax, "553 5.1.7"),
        (DecodeErrorKind::MailboxSyntax, "553 5.1.3"),
        (DecodeErrorKind::NonAsciiAddress, "553 5.6.7"),
        (DecodeErrorKind::ReplySyntax, "500 5.5.2"),
    ];
    for (kind, head) in cases {
        let reply = DecodeError::new(kind, "why").reply();
        assert_eq!(reply.to_string(), format!("{head} why\r\n"), "{kind:?}");
    }
    // A reason that is not valid reply text is not sent as it is.
    let reply = DecodeError::new(DecodeErrorKind::Syntax, "bad\r\n").reply();
    assert_eq!(reply.to_string(), "501 5.5.4 syntax error\r\n");
}
