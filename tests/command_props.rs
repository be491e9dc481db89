//! Properties of the command codec:
//! - encode then parse gives back an equal value, for every command and parameter type;
//! - any split of a byte stream into reads gives the same sequence of commands and errors.

mod common;

use bytes::BytesMut;
use common::address as addr;
use esmtp::{
    Argument, Body, ByMode, Command, CommandConfig, CommandDecoder, DecodeError, DeliverBy, Etrn,
    Hold, InitialResponse, MailAuth, MailParameters, Mechanism, Notify, Orcpt, Parameter, Priority,
    RcptParameters, Ret, UnknownCommand, XText,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

fn xtext(max: usize) -> impl Strategy<Value = XText> {
    vec(any::<u8>(), 1..max / 3).prop_map(|v| XText::encode(&v))
}

fn argument() -> impl Strategy<Value = Argument> {
    "[!-~][ -~]{0,30}".prop_map(|s| Argument::new(&s).unwrap())
}

fn unknown_param() -> impl Strategy<Value = Parameter> {
    ("X-[A-Za-z0-9-]{1,10}", option::of("[!-<>-~]{1,12}"))
        .prop_map(|(k, v)| Parameter::new(&k, v.as_deref()).unwrap())
}

prop_compose! {
    fn mail_params()(
        size in option::of(any::<u64>()),
        body in option::of(prop_oneof![Just(Body::SevenBit), Just(Body::EightBitMime), Just(Body::BinaryMime)]),
        ret in option::of(prop_oneof![Just(Ret::Full), Just(Ret::Hdrs)]),
        envid in option::of(xtext(100)),
        smtputf8 in any::<bool>(),
        auth in option::of(prop_oneof![Just(MailAuth::Unknown), xtext(500).prop_map(MailAuth::Identity)]),
        by in option::of((1..999_999_999i32, any::<bool>(), any::<bool>())),
        hold in option::of(prop_oneof![
            (0..999_999_999u32).prop_map(|s| Hold::for_seconds(s).unwrap()),
            Just(Hold::until("2031-02-03T04:05:06.7-08:00").unwrap()),
        ]),
        priority in option::of(-9..=9i8),
        requiretls in any::<bool>(),
        others in vec(unknown_param(), 0..3),
    ) -> MailParameters {
        let mut p = MailParameters::new();
        p.set_size(size).set_body(body).set_ret(ret).set_smtputf8(smtputf8).set_requiretls(requiretls);
        p.set_envid(envid).unwrap();
        p.set_auth(auth).unwrap();
        p.set_by(by.map(|(t, r, trace)| DeliverBy::new(t, if r { ByMode::Return } else { ByMode::Notify }, trace).unwrap()));
        p.set_hold(hold);
        p.set_mt_priority(priority.map(|v| Priority::new(v).unwrap()));
        for o in others {
            // Generated keywords may repeat; a repeat is refused, which is what we want.
            let _ = p.push_other(o);
        }
        p
    }
}

prop_compose! {
    fn rcpt_params()(
        notify in option::of((any::<bool>(), any::<bool>(), any::<bool>())),
        orcpt in option::of("[a-zA-Z0-9.@+=-]{1,40}"),
        others in vec(unknown_param(), 0..3),
    ) -> RcptParameters {
        let mut p = RcptParameters::new();
        p.set_notify(notify.map(|(success, failure, delay)| Notify { success, failure, delay }));
        p.set_orcpt(orcpt.map(|a| Orcpt::new("rfc822", &a).unwrap())).unwrap();
        for o in others {
            let _ = p.push_other(o);
        }
        p
    }
}

fn mechanism() -> impl Strategy<Value = Mechanism> {
    "[A-Z0-9_-]{1,20}".prop_map(|s| s.parse::<Mechanism>().unwrap())
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        addr::host().prop_map(Command::Helo),
        addr::host().prop_map(Command::Ehlo),
        addr::host().prop_map(Command::Lhlo),
        (addr::reverse_path(), mail_params()).prop_map(|(reverse_path, mut params)| {
            // A UTF-8 reverse-path must announce SMTPUTF8 (RFC 6531 §3.4).
            if reverse_path.needs_smtputf8() || params.needs_smtputf8() {
                params.set_smtputf8(true);
            }
            Command::Mail { reverse_path, params }
        }),
        (addr::forward_path(), rcpt_params())
            .prop_map(|(forward_path, params)| Command::Rcpt { forward_path, params }),
        Just(Command::Data),
        (any::<u64>(), any::<bool>()).prop_map(|(size, last)| Command::Bdat { size, last }),
        Just(Command::Rset),
        argument().prop_map(Command::Vrfy),
        argument().prop_map(Command::Expn),
        option::of(argument()).prop_map(Command::Help),
        option::of(argument()).prop_map(Command::Noop),
        Just(Command::Quit),
        Just(Command::StartTls),
        (mechanism(), option::of(vec(any::<u8>(), 0..64))).prop_map(|(mechanism, r)| {
            Command::Auth { mechanism, initial_response: r.map(|r| InitialResponse::from_data(&r)) }
        }),
        addr::domain().prop_map(|d| Command::Etrn(Etrn::Node(d))),
        addr::domain().prop_map(|d| Command::Etrn(Etrn::Subdomains(d))),
        "[!-~]{1,20}".prop_map(|q| Command::Etrn(Etrn::Queue(Argument::new(&q).unwrap()))),
        vec(addr::domain(), 0..4).prop_map(Command::Atrn),
        ("X[A-Z]{1,8}", "[ -~]{0,20}").prop_map(|(v, a)| {
            Command::Unknown(UnknownCommand::new(&v, a.trim_end().as_bytes()).unwrap())
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn encode_then_parse_is_identity(cmd in command()) {
        let wire = cmd.to_bytes();
        let parsed = Command::parse(&wire).map_err(|e| TestCaseError::fail(format!("{wire:?}: {e}")))?;
        prop_assert_eq!(&parsed, &cmd);
        prop_assert_eq!(parsed.to_bytes(), wire);
    }

    #[test]
    fn any_split_gives_the_same_commands(
        cmds in vec(command(), 1..12),
        junk in vec(prop_oneof![
            Just(b"MAIL FROM:<broken\r\n".to_vec()),
            Just(b"BDAT 99999999999999999999999\r\n".to_vec()),
            Just(b"NOOP\n".to_vec()),
            Just([b"NOOP ".to_vec(), vec![b'x'; 600], b"\r\n".to_vec()].concat()),
        ], 0..4),
        cuts in vec(1usize..64, 1..40),
    ) {
        let mut stream = Vec::new();
        for (i, c) in cmds.iter().enumerate() {
            stream.extend_from_slice(&c.to_bytes());
            if let Some(j) = junk.get(i) {
                stream.extend_from_slice(j);
            }
        }
        let whole = run(&stream, &[stream.len()]);
        let pieces = run(&stream, &cuts);
        prop_assert_eq!(&whole, &pieces);
        let decoded = whole.iter().filter(|r| r.is_ok()).count();
        prop_assert_eq!(decoded, cmds.len());
    }
}

fn run(stream: &[u8], cuts: &[usize]) -> Vec<Result<Command, DecodeError>> {
    let mut d = CommandDecoder::new(CommandConfig::default());
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut rest = stream;
    for n in cuts.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let n = (*n).min(rest.len());
        buf.extend_from_slice(&rest[..n]);
        rest = &rest[n..];
        loop {
            match d.decode(&mut buf) {
                Ok(Some(c)) => out.push(Ok(c)),
                Ok(None) => break,
                Err(e) => out.push(Err(e)),
            }
        }
    }
    out
}
