//! SASL client and server sides against each other (proptest, with names and passwords
//! that SASLprep maps), tampered exchanges, Debug output that shows no secret, and the
//! client's mechanism preference.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use esmtp::sasl::{
    ChannelBinding, ChannelBindingType, ClientExchange, Credentials, DeterministicRandom, Outcome,
    ReplyClass, SaslClientConfig, SaslError, SaslServerConfig, ScramAlgorithm, Secret,
    ServerExchange, ServerStep, StoredCredentials, TokenVerdict, choose_mechanism,
    preferred_mechanism,
};
use esmtp::{Capabilities, Extension, Mechanism};
use proptest::prelude::*;

/// What the embedding program knows: one user, the password (or token) as it stored it.
struct Program {
    username: String,
    password: String,
    iterations: u32,
}

/// SASLprep, as the program would apply it to what it stores (RFC 4013).
fn prep(s: &str) -> String {
    stringprep::saslprep(s).expect("valid").into_owned()
}

impl Program {
    /// Answers one question of the server exchange.
    fn answer(&self, s: &mut ServerExchange, step: ServerStep) -> ServerStep {
        match step {
            ServerStep::VerifyPassword(check) => s.password_verified(
                check.authcid == prep(&self.username) && check.password_is(&self.password),
            ),
            ServerStep::NeedPassword(lookup) => s.provide_password(
                (lookup.authcid == self.username).then(|| Secret::from(self.password.as_str())),
            ),
            ServerStep::NeedScramCredentials(lookup) => {
                let known = lookup.authcid == prep(&self.username);
                let stored = known.then(|| {
                    StoredCredentials::derive(
                        lookup.algorithm,
                        &self.password,
                        b"NaCl-NaCl",
                        self.iterations,
                    )
                    .expect("derive")
                });
                s.provide_scram_credentials(stored)
            }
            ServerStep::VerifyToken(check) => {
                let verdict = if check.token.expose() == self.password.as_bytes() {
                    TokenVerdict::Valid { authcid: self.username.clone() }
                } else {
                    TokenVerdict::Invalid { error: r#"{"status":"invalid_token"}"#.into() }
                };
                s.token_verified(verdict)
            }
            other => other,
        }
    }
}

/// Runs a whole exchange: the client's error (it would cancel) or the server's end.
fn run(
    c: &mut ClientExchange,
    s: &mut ServerExchange,
    program: &Program,
    initial_response: bool,
) -> Result<Outcome, SaslError> {
    let ir = if initial_response { c.initial_response() } else { None };
    let mut step = s.start(ir.as_ref().map(Secret::expose));
    for _ in 0..10 {
        step = match program.answer(s, step) {
            ServerStep::Challenge(ch) => match c.step(&ch) {
                Ok(response) => s.step(response.expose()),
                Err(e) => return Err(e),
            },
            ServerStep::Success(o) => return Ok(o),
            ServerStep::Failure(e) => return Err(e),
            other => panic!("unanswered {other:?}"),
        };
    }
    panic!("exchange does not end");
}

fn exchanges(
    mech: &Mechanism,
    creds: Credentials,
    client_options: &SaslClientConfig,
    server_options: &SaslServerConfig,
    seed: u64,
) -> Result<(ClientExchange, ServerExchange), SaslError> {
    let mut rng = DeterministicRandom::new(seed);
    let c = ClientExchange::new(mech, creds, client_options, &mut rng)?;
    let s = ServerExchange::new(mech, server_options, &mut rng)?;
    Ok((c, s))
}

fn binding(data: &[u8]) -> ChannelBinding {
    ChannelBinding::tls_exporter(data.try_into().expect("32 octets"))
}

/// Fast settings for generated runs: the iteration count is a parameter like any other.
fn options() -> (SaslClientConfig, SaslServerConfig) {
    let mut client = SaslClientConfig::default();
    client.min_iterations = 16;
    client.channel_binding = Some(binding(&[7; 32]));
    let mut server = SaslServerConfig::default();
    server.channel_bindings = vec![binding(&[7; 32])];
    (client, server)
}

/// The client's settings for `mech`: a client with binding data picks a `-PLUS`
/// mechanism when the server offers one, so the plain ones run without it (with it, they
/// would say `y` and be refused as a downgrade: see `downgrade_rule`).
fn client_for(mech: &Mechanism, options: &SaslClientConfig) -> SaslClientConfig {
    let mut options = options.clone();
    if !mech.uses_channel_binding() {
        options.channel_binding = None;
    }
    options
}

const PASSWORD_MECHANISMS: [Mechanism; 7] = [
    Mechanism::Plain,
    Mechanism::Login,
    Mechanism::CramMd5,
    Mechanism::ScramSha1,
    Mechanism::ScramSha256,
    Mechanism::ScramSha1Plus,
    Mechanism::ScramSha256Plus,
];

/// A name or password as the program stores it, and a spelling of it that SASLprep maps
/// to the same string: U+00A0 for some spaces (RFC 3454 C.1.2, mapped to SPACE), U+00AD
/// SOFT HYPHEN inserted (B.1, mapped to nothing).
fn spelled() -> impl Strategy<Value = (String, String)> {
    (
        proptest::collection::vec(
            prop_oneof![
                6 => proptest::char::range('a', 'z'),
                1 => Just(' '),
                1 => Just(','),
                1 => Just('='),
                1 => Just('@'),
                1 => Just('é'),
                1 => Just('ß'),
                1 => Just('日'),
            ],
            1..12,
        ),
        any::<u64>(),
    )
        .prop_filter("not only spaces", |(chars, _)| chars.iter().any(|c| *c != ' '))
        .prop_map(|(chars, bits)| {
            let stored: String = chars.iter().collect();
            let mut typed = String::new();
            for (i, c) in chars.iter().enumerate() {
                if bits >> (i % 32) & 1 == 1 {
                    typed.push('\u{AD}');
                }
                typed.push(if *c == ' ' && bits >> (32 + i % 32) & 1 == 1 { '\u{A0}' } else { *c });
            }
            (stored, typed)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Right credentials authenticate with every password mechanism, with and without the
    /// initial response, the client typing what SASLprep maps to what the program stores
    /// (CRAM-MD5 has no SASLprep: there the client types the stored form).
    #[test]
    fn client_and_server_agree(
        (user, user_typed) in spelled(),
        (password, password_typed) in spelled(),
        ir in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let (client_options, server_options) = options();
        let program = Program { username: user.clone(), password: password.clone(), iterations: 16 };
        for mech in &PASSWORD_MECHANISMS {
            let client_options = client_for(mech, &client_options);
            let creds = if *mech == Mechanism::CramMd5 {
                Credentials::password(user.clone(), password.as_str())
            } else {
                Credentials::password(user_typed.clone(), password_typed.as_str())
            };
            let (mut c, mut s) = exchanges(mech, creds, &client_options, &server_options, seed).unwrap();
            let outcome = run(&mut c, &mut s, &program, ir);
            prop_assert!(outcome.is_ok(), "{mech}: {outcome:?}");
            let expected = if *mech == Mechanism::CramMd5 { user.clone() } else { prep(&user) };
            prop_assert_eq!(outcome.unwrap().authcid, expected);
            prop_assert!(c.is_complete(), "{}", mech);
        }
    }

    /// A wrong password fails with every password mechanism; the SCRAM client learns it
    /// from `e=invalid-proof`.
    #[test]
    fn wrong_password_fails(
        (user, _) in spelled(),
        (password, _) in spelled(),
        seed in any::<u64>(),
    ) {
        let (client_options, server_options) = options();
        let program = Program { username: user.clone(), password: format!("{password}x"), iterations: 16 };
        for mech in &PASSWORD_MECHANISMS {
            let client_options = client_for(mech, &client_options);
            let creds = Credentials::password(user.clone(), password.as_str());
            let (mut c, mut s) = exchanges(mech, creds, &client_options, &server_options, seed).unwrap();
            match run(&mut c, &mut s, &program, true) {
                Err(SaslError::AuthenticationFailed) => {}
                Err(SaslError::ServerRejected(e)) => prop_assert_eq!(e, "invalid-proof"),
                other => prop_assert!(false, "{mech}: {other:?}"),
            }
        }
    }

    /// Tokens: the right one authenticates, a wrong one gets the JSON error, the dummy
    /// response, and the failure.
    #[test]
    fn oauth_client_and_server_agree(
        (user, _) in spelled(),
        token in "[A-Za-z0-9._~+/-]{1,40}=*",
        right in any::<bool>(),
    ) {
        let program = Program { username: user.clone(), password: token.clone(), iterations: 1 };
        for mech in [Mechanism::XOAuth2, Mechanism::OAuthBearer] {
            let sent = if right { token.clone() } else { format!("{token}x") };
            let creds = Credentials::bearer_token(user.clone(), sent.as_str());
            let (mut c, mut s) = exchanges(&mech, creds, &SaslClientConfig::default(), &SaslServerConfig::default(), 1).unwrap();
            let outcome = run(&mut c, &mut s, &program, true);
            if right {
                prop_assert_eq!(outcome.unwrap().authcid, user.clone());
                prop_assert!(c.is_complete());
            } else {
                prop_assert_eq!(outcome, Err(SaslError::AuthenticationFailed));
                prop_assert!(!c.is_complete());
                prop_assert_eq!(c.server_message(), Some(r#"{"status":"invalid_token"}"#));
            }
        }
    }

    /// Whatever a client sends, at any step, a server exchange never panics, never ends in
    /// success without the program's say-so, and ends within a few steps.
    #[test]
    fn servers_survive_arbitrary_responses(
        responses in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 1..5),
        ir in any::<bool>(),
    ) {
        let (_, server_options) = options();
        let all = [&PASSWORD_MECHANISMS[..], &[Mechanism::XOAuth2, Mechanism::OAuthBearer]].concat();
        for mech in &all {
            let mut s = ServerExchange::new(mech, &server_options, &mut DeterministicRandom::new(0)).unwrap();
            let mut step = s.start(if ir { Some(&responses[0][..]) } else { None });
            for r in &responses {
                step = match step {
                    ServerStep::Challenge(_) => s.step(r),
                    ServerStep::VerifyPassword(_) => s.password_verified(false),
                    ServerStep::NeedPassword(_) => s.provide_password(None),
                    ServerStep::NeedScramCredentials(_) => s.provide_scram_credentials(None),
                    ServerStep::VerifyToken(_) => s.token_verified(TokenVerdict::Invalid { error: "{}".into() }),
                    ServerStep::Success(_) => { prop_assert!(false, "{mech} succeeded"); unreachable!() }
                    _ => break,
                };
            }
        }
    }
}

// --- tampered SCRAM exchanges ----------------------------------------------------------

const SHA1_CLIENT_FIRST: &[u8] = b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL";
const SHA1_SERVER_FIRST: &[u8] =
    b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
const SHA1_CLIENT_FINAL: &[u8] =
    b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
const SHA1_SERVER_FINAL: &[u8] = b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

fn rfc5802_client() -> ClientExchange {
    let mut rng = DeterministicRandom::with_nonces(["fyko+d2lbbFgONRv9qkxdawL"]);
    let creds = Credentials::password("user", "pencil");
    let mut c =
        ClientExchange::new(&Mechanism::ScramSha1, creds, &SaslClientConfig::default(), &mut rng)
            .unwrap();
    assert_eq!(c.initial_response().unwrap().expose(), SHA1_CLIENT_FIRST);
    c
}

/// The RFC 5802 §5 server, up to the client-final message.
fn rfc5802_server() -> ServerExchange {
    let mut rng = DeterministicRandom::with_nonces(["3rfcNHYJY1ZVvWVs7j"]);
    let mut s =
        ServerExchange::new(&Mechanism::ScramSha1, &SaslServerConfig::default(), &mut rng).unwrap();
    assert!(matches!(s.start(Some(SHA1_CLIENT_FIRST)), ServerStep::NeedScramCredentials(_)));
    let salt = STANDARD.decode("QSXCR+Q6sek8bf92").unwrap();
    let stored = StoredCredentials::derive(ScramAlgorithm::Sha1, "pencil", &salt, 4096).unwrap();
    assert!(matches!(s.provide_scram_credentials(Some(stored)), ServerStep::Challenge(_)));
    s
}

/// The server's answer to a client-final message, which must be a failure: the `e=`
/// challenge, then the failure on the client's response.
fn server_refuses(client_final: &[u8]) -> (String, SaslError) {
    let mut s = rfc5802_server();
    let ServerStep::Challenge(e) = s.step(client_final) else { panic!("no e= challenge") };
    let ServerStep::Failure(err) = s.step(b"") else { panic!("no failure") };
    (String::from_utf8(e).unwrap(), err)
}

#[test]
fn wrong_server_signature_fails_the_client() {
    let mut c = rfc5802_client();
    assert_eq!(c.step(SHA1_SERVER_FIRST).unwrap().expose(), SHA1_CLIENT_FINAL);
    assert!(c.step(SHA1_SERVER_FINAL).is_ok());
    let mut c = rfc5802_client();
    c.step(SHA1_SERVER_FIRST).unwrap();
    assert_eq!(c.step(b"v=rmF9pqV8S7suAoZWja4dJRkFsKA=").unwrap_err(), SaslError::ServerSignature);
    assert!(!c.is_complete());
    let mut c = rfc5802_client();
    c.step(SHA1_SERVER_FIRST).unwrap();
    assert_eq!(
        c.step(b"e=invalid-proof").unwrap_err(),
        SaslError::ServerRejected("invalid-proof".into())
    );
    assert_eq!(c.server_message(), Some("invalid-proof"));
}

/// A server that answers 235 without its signature has not proved anything.
#[test]
fn client_is_not_complete_without_the_server_final() {
    let mut c = rfc5802_client();
    c.step(SHA1_SERVER_FIRST).unwrap();
    assert!(!c.is_complete());
}

#[test]
fn altered_nonces_fail() {
    // The client's nonce altered in the client-final message.
    let tampered = String::from_utf8(SHA1_CLIENT_FINAL.to_vec()).unwrap().replace("fyko", "fykO");
    let (e, err) = server_refuses(tampered.as_bytes());
    assert_eq!((e.as_str(), err), ("e=other-error", SaslError::NonceMismatch));
    // A server-first whose nonce does not extend the client's, or does not extend it.
    for first in [
        &b"r=fykO+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"[..],
        b"r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096",
        b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,NHYJ,s=QSXCR+Q6sek8bf92,i=4096",
    ] {
        let mut c = rfc5802_client();
        assert!(c.step(first).is_err(), "{}", String::from_utf8_lossy(first));
        assert!(!c.is_complete());
    }
}

#[test]
fn altered_proofs_and_extensions_fail() {
    let tampered =
        String::from_utf8(SHA1_CLIENT_FINAL.to_vec()).unwrap().replace("p=v0X8", "p=v0X9");
    let (e, err) = server_refuses(tampered.as_bytes());
    assert_eq!((e.as_str(), err), ("e=invalid-proof", SaslError::AuthenticationFailed));
    // RFC 5802 §5.1: a mandatory extension that is not understood fails the exchange.
    let mut s = ServerExchange::new(
        &Mechanism::ScramSha1,
        &SaslServerConfig::default(),
        &mut DeterministicRandom::new(0),
    )
    .unwrap();
    let step = s.start(Some(b"n,,m=ext,n=user,r=abc"));
    assert!(matches!(step, ServerStep::Failure(SaslError::Malformed(_))));
    let mut c = rfc5802_client();
    assert!(matches!(
        c.step(b"m=ext,r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4096"),
        Err(SaslError::Malformed(_))
    ));
}

/// Every truncation of each message fails, on both sides; none panics.
#[test]
fn truncated_messages_fail() {
    for n in 0..SHA1_CLIENT_FINAL.len() {
        let (e, _) = server_refuses(&SHA1_CLIENT_FINAL[..n]);
        assert!(e.starts_with("e="), "{n}");
    }
    for n in 0..SHA1_SERVER_FIRST.len() {
        let mut c = rfc5802_client();
        assert!(c.step(&SHA1_SERVER_FIRST[..n]).is_err(), "server-first cut at {n}");
    }
    for n in 0..SHA1_SERVER_FINAL.len() {
        let mut c = rfc5802_client();
        c.step(SHA1_SERVER_FIRST).unwrap();
        assert!(c.step(&SHA1_SERVER_FINAL[..n]).is_err(), "server-final cut at {n}");
        assert!(!c.is_complete());
    }
    // Client-first messages cut before the nonce has begun.
    for n in 0..SHA1_CLIENT_FIRST.len() - "fyko+d2lbbFgONRv9qkxdawL".len() {
        let mut s = ServerExchange::new(
            &Mechanism::ScramSha1,
            &SaslServerConfig::default(),
            &mut DeterministicRandom::new(0),
        )
        .unwrap();
        assert!(matches!(s.start(Some(&SHA1_CLIENT_FIRST[..n])), ServerStep::Failure(_)), "{n}");
    }
    let plain = b"\0tim\0tanstaaftanstaaf";
    for n in 0..5 {
        let mut s = ServerExchange::new(
            &Mechanism::Plain,
            &SaslServerConfig::default(),
            &mut DeterministicRandom::new(0),
        )
        .unwrap();
        assert!(
            matches!(s.start(Some(&plain[..n])), ServerStep::Failure(SaslError::Malformed(_))),
            "{n}"
        );
    }
    let bearer = b"n,a=u,\x01auth=Bearer abc\x01\x01";
    for n in 0..bearer.len() {
        let mut s = ServerExchange::new(
            &Mechanism::OAuthBearer,
            &SaslServerConfig::default(),
            &mut DeterministicRandom::new(0),
        )
        .unwrap();
        assert!(
            matches!(s.start(Some(&bearer[..n])), ServerStep::Failure(SaslError::Malformed(_))),
            "{n}"
        );
    }
}

// --- channel binding and the downgrade rule (RFC 5802 §6) ------------------------------

fn with_binding(kind: ChannelBindingType, data: &[u8]) -> (SaslClientConfig, SaslServerConfig) {
    let mut c = SaslClientConfig::default();
    c.channel_binding = Some(ChannelBinding::new(kind, data));
    c.min_iterations = 16;
    let mut s = SaslServerConfig::default();
    s.channel_bindings = vec![ChannelBinding::new(kind, data)];
    (c, s)
}

fn user_program() -> Program {
    Program { username: "user".into(), password: "pencil".into(), iterations: 16 }
}

#[test]
fn plus_binds_to_the_channel() {
    for kind in [ChannelBindingType::TlsExporter, ChannelBindingType::TlsServerEndPoint] {
        for mech in [Mechanism::ScramSha1Plus, Mechanism::ScramSha256Plus] {
            let (co, so) = with_binding(kind, b"0123456789abcdef0123456789abcdef");
            let creds = Credentials::password("user", "pencil");
            let (mut c, mut s) = exchanges(&mech, creds.clone(), &co, &so, 3).unwrap();
            let first = c.initial_response().unwrap();
            assert!(first.expose().starts_with(format!("p={kind},,").as_bytes()));
            assert!(matches!(s.start(Some(first.expose())), ServerStep::NeedScramCredentials(_)));
            let (mut c, mut s) = exchanges(&mech, creds.clone(), &co, &so, 3).unwrap();
            assert_eq!(run(&mut c, &mut s, &user_program(), false).unwrap().authcid, "user");

            // The same exchange where the server sees another channel (a man in the middle
            // terminating TLS): the binding does not match.
            let (_, other) = with_binding(kind, b"fedcba9876543210fedcba9876543210");
            let (mut c, mut s) = exchanges(&mech, creds, &co, &other, 3).unwrap();
            assert_eq!(
                run(&mut c, &mut s, &user_program(), true),
                Err(SaslError::ServerRejected("channel-bindings-dont-match".into()))
            );
        }
    }
}

#[test]
fn channel_binding_type_must_be_one_the_server_has() {
    let (co, _) = with_binding(ChannelBindingType::TlsExporter, &[1; 32]);
    let (_, so) = with_binding(ChannelBindingType::TlsServerEndPoint, &[1; 32]);
    let (mut c, mut s) = exchanges(
        &Mechanism::ScramSha256Plus,
        Credentials::password("user", "pencil"),
        &co,
        &so,
        0,
    )
    .unwrap();
    assert_eq!(
        run(&mut c, &mut s, &user_program(), true),
        Err(SaslError::UnsupportedChannelBinding)
    );
}

/// `y` on a plain SCRAM mechanism: fine for a server without `-PLUS`, a downgrade for one
/// that offers it. `p=` on a plain mechanism and `n`/`y` on a `-PLUS` one are refused too.
#[test]
fn downgrade_rule() {
    let (co, so) = with_binding(ChannelBindingType::TlsExporter, &[9; 32]);
    let creds = Credentials::password("user", "pencil");
    let (mut c, mut s) = exchanges(&Mechanism::ScramSha256, creds.clone(), &co, &so, 0).unwrap();
    let first = c.initial_response().unwrap();
    assert!(first.expose().starts_with(b"y,,n=user,r="));
    assert!(matches!(s.start(Some(first.expose())), ServerStep::Failure(SaslError::Downgrade)));
    assert_eq!(SaslError::Downgrade.reply_class(), ReplyClass::AuthenticationFailed);

    let (mut c, mut s) =
        exchanges(&Mechanism::ScramSha256, creds, &co, &SaslServerConfig::default(), 0).unwrap();
    assert_eq!(run(&mut c, &mut s, &user_program(), true).unwrap().authcid, "user");

    let plus = |m: &Mechanism, msg: &[u8]| {
        let mut s = ServerExchange::new(m, &so, &mut DeterministicRandom::new(0)).unwrap();
        s.start(Some(msg))
    };
    assert!(matches!(
        plus(&Mechanism::ScramSha256, b"p=tls-exporter,,n=user,r=abc"),
        ServerStep::Failure(SaslError::Downgrade)
    ));
    assert!(matches!(
        plus(&Mechanism::ScramSha256Plus, b"n,,n=user,r=abc"),
        ServerStep::Failure(SaslError::Downgrade)
    ));
    assert!(matches!(
        plus(&Mechanism::ScramSha256Plus, b"y,,n=user,r=abc"),
        ServerStep::Failure(SaslError::Downgrade)
    ));
    assert!(matches!(
        plus(&Mechanism::ScramSha256Plus, b"p=tls-unique,,n=user,r=abc"),
        ServerStep::Failure(SaslError::UnsupportedChannelBinding)
    ));
}

/// A client that says `y` first and then binds as `n` in `c=` is caught by the binding
/// check (the GS2 header is part of `c=`).
#[test]
fn gs2_header_cannot_change_between_messages() {
    let mut s = ServerExchange::new(
        &Mechanism::ScramSha1,
        &SaslServerConfig::default(),
        &mut DeterministicRandom::with_nonces(["3rfcNHYJY1ZVvWVs7j"]),
    )
    .unwrap();
    let ServerStep::NeedScramCredentials(_) =
        s.start(Some(b"y,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"))
    else {
        panic!()
    };
    let salt = STANDARD.decode("QSXCR+Q6sek8bf92").unwrap();
    s.provide_scram_credentials(Some(
        StoredCredentials::derive(ScramAlgorithm::Sha1, "pencil", &salt, 4096).unwrap(),
    ));
    let ServerStep::Challenge(e) = s.step(SHA1_CLIENT_FINAL) else { panic!() };
    assert_eq!(e, b"e=channel-bindings-dont-match");
    assert!(matches!(s.step(b""), ServerStep::Failure(SaslError::ChannelBindingMismatch)));
}

#[test]
fn plus_needs_binding_data() {
    let mut rng = DeterministicRandom::new(0);
    let creds = Credentials::password("user", "pencil");
    let e = ClientExchange::new(
        &Mechanism::ScramSha256Plus,
        creds,
        &SaslClientConfig::default(),
        &mut rng,
    )
    .unwrap_err();
    assert_eq!(e, SaslError::ChannelBindingRequired);
    let e =
        ServerExchange::new(&Mechanism::ScramSha256Plus, &SaslServerConfig::default(), &mut rng)
            .unwrap_err();
    assert!(matches!(e, SaslError::UnsupportedMechanism(_)));
}

#[test]
fn iteration_count_limits() {
    let mut c = rfc5802_client();
    let low = b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4095";
    assert_eq!(
        c.step(low).unwrap_err(),
        SaslError::IterationCountTooLow { iterations: 4095, minimum: 4096 }
    );
    assert_eq!(
        SaslError::IterationCountTooLow { iterations: 1, minimum: 2 }.reply().code().as_u16(),
        534
    );
    let mut c = rfc5802_client();
    let high = b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4294967295";
    assert!(matches!(c.step(high), Err(SaslError::IterationCountTooHigh { .. })));
    for bad in ["i=0", "i=-1", "i=+4096", "i=4294967296", "i= 4096", "i="] {
        let mut c = rfc5802_client();
        let msg = format!("r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,{bad}");
        assert!(c.step(msg.as_bytes()).is_err(), "{bad}");
    }
}

/// An unknown user gets a made-up salt and fails at the proof like a wrong password.
#[test]
fn unknown_scram_user_looks_like_a_wrong_password() {
    let mut s = ServerExchange::new(
        &Mechanism::ScramSha1,
        &SaslServerConfig::default(),
        &mut DeterministicRandom::with_nonces(["3rfcNHYJY1ZVvWVs7j"]),
    )
    .unwrap();
    s.start(Some(SHA1_CLIENT_FIRST));
    let ServerStep::Challenge(first) = s.provide_scram_credentials(None) else { panic!() };
    assert!(first.starts_with(b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s="));
    assert!(first.ends_with(b",i=4096"));
    let ServerStep::Challenge(e) = s.step(SHA1_CLIENT_FINAL) else { panic!() };
    assert_eq!(e, b"e=invalid-proof");
}

#[test]
fn out_of_order_calls_fail_cleanly() {
    let mut s = rfc5802_server();
    assert!(matches!(s.password_verified(true), ServerStep::Failure(SaslError::OutOfOrder)));
    assert!(s.is_finished());
    let mut s = ServerExchange::new(
        &Mechanism::Plain,
        &SaslServerConfig::default(),
        &mut DeterministicRandom::new(0),
    )
    .unwrap();
    assert!(matches!(s.step(b"\0a\0b"), ServerStep::Failure(SaslError::OutOfOrder)));
    let mut s = ServerExchange::new(
        &Mechanism::Plain,
        &SaslServerConfig::default(),
        &mut DeterministicRandom::new(0),
    )
    .unwrap();
    s.start(None);
    assert!(matches!(s.start(None), ServerStep::Failure(SaslError::OutOfOrder)));
    assert!(matches!(
        s.token_verified(TokenVerdict::Valid { authcid: "x".into() }),
        ServerStep::Failure(_)
    ));
    let mut rng = DeterministicRandom::new(0);
    for m in [Mechanism::Gssapi, Mechanism::DigestMd5, Mechanism::parse(b"X-FOO").unwrap()] {
        assert!(matches!(
            ServerExchange::new(&m, &SaslServerConfig::default(), &mut rng),
            Err(SaslError::UnsupportedMechanism(_))
        ));
    }
    let token = Credentials::bearer_token("u", "t");
    let e = ClientExchange::new(&Mechanism::Plain, token, &SaslClientConfig::default(), &mut rng)
        .unwrap_err();
    assert_eq!(e.reply().code().as_u16(), 504);
}

// --- Debug shows no secret -------------------------------------------------------------

const SECRET: &str = "S3cr3t-P4ssw0rd-Token";

fn assert_hidden(what: &str, debug: String) {
    let b64 = STANDARD.encode(SECRET);
    assert!(
        !debug.contains(SECRET) && !debug.contains("S3cr3t"),
        "{what} shows the secret: {debug}"
    );
    assert!(!debug.contains(&b64[..12]), "{what} shows the secret in base64: {debug}");
    assert!(!debug.contains("83, 51, 99"), "{what} shows the secret's octets: {debug}");
}

#[test]
fn debug_shows_no_secret() {
    let stored = StoredCredentials::derive(ScramAlgorithm::Sha256, SECRET, b"salt", 16).unwrap();
    let key_octets = format!("{:?}", stored.stored_key());
    let server_key = format!("{:?}", stored.server_key());
    let debug = format!("{stored:?}");
    assert!(!debug.contains(&key_octets[1..20]) && !debug.contains(&server_key[1..20]), "{debug}");
    assert!(!debug.contains(&STANDARD.encode(stored.stored_key())), "{debug}");
    assert_hidden("Secret", format!("{:?}", Secret::from(SECRET)));
    assert_hidden("password Credentials", format!("{:?}", Credentials::password("u", SECRET)));
    assert_hidden("token Credentials", format!("{:#?}", Credentials::bearer_token("u", SECRET)));

    let (mut co, so) = options();
    co.min_iterations = 1;
    let program = Program { username: "user".into(), password: SECRET.into(), iterations: 16 };
    let mechs = [&PASSWORD_MECHANISMS[..], &[Mechanism::XOAuth2, Mechanism::OAuthBearer]].concat();
    for mech in &mechs {
        let creds = if mech.as_str().contains("OAUTH") {
            Credentials::bearer_token("user", SECRET)
        } else {
            Credentials::password("user", SECRET)
        };
        let (mut c, mut s) = exchanges(mech, creds, &client_for(mech, &co), &so, 5).unwrap();
        assert_hidden(mech.as_str(), format!("{c:?}"));
        // Every state of both sides, and every step the server hands out.
        let ir = c.initial_response();
        assert_hidden(mech.as_str(), format!("{ir:?} {c:?}"));
        let mut step = s.start(ir.as_ref().map(Secret::expose));
        for _ in 0..8 {
            assert_hidden(mech.as_str(), format!("{step:?} {s:?} {c:?}"));
            step = match step {
                ServerStep::Challenge(ch) => {
                    let r = c.step(&ch).unwrap();
                    assert_hidden(mech.as_str(), format!("{r:?} {c:?}"));
                    s.step(r.expose())
                }
                ServerStep::Success(_) | ServerStep::Failure(_) => break,
                question => program.answer(&mut s, question),
            };
        }
        assert!(matches!(step, ServerStep::Success(_)), "{mech}: {step:?}");
        assert_hidden(mech.as_str(), format!("{s:?} {c:?}"));
    }
}

// --- mechanism preference --------------------------------------------------------------

fn mechs(names: &str) -> Vec<Mechanism> {
    names.split(' ').map(|n| n.parse().unwrap()).collect()
}

#[test]
fn client_prefers_the_strongest_offered() {
    let pw = Credentials::password("u", "p");
    let token = Credentials::bearer_token("u", "t");
    let plain = SaslClientConfig::default();
    let (bound, _) = options();
    let all = mechs(
        "LOGIN PLAIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256 SCRAM-SHA-256-PLUS SCRAM-SHA-1-PLUS XOAUTH2 OAUTHBEARER",
    );
    let pick = |offered: &[Mechanism],
                creds: &Credentials,
                o: &SaslClientConfig,
                plaintext: bool| { choose_mechanism(offered, creds, o, plaintext) };
    assert_eq!(pick(&all, &pw, &bound, false), Some(Mechanism::ScramSha256Plus));
    assert_eq!(pick(&all, &pw, &plain, false), Some(Mechanism::ScramSha256));
    assert_eq!(
        pick(&mechs("SCRAM-SHA-1-PLUS SCRAM-SHA-1"), &pw, &bound, false),
        Some(Mechanism::ScramSha1Plus)
    );
    assert_eq!(
        pick(&mechs("SCRAM-SHA-1 CRAM-MD5"), &pw, &plain, false),
        Some(Mechanism::ScramSha1)
    );
    assert_eq!(pick(&mechs("PLAIN CRAM-MD5 LOGIN"), &pw, &plain, true), Some(Mechanism::CramMd5));
    assert_eq!(pick(&mechs("LOGIN PLAIN"), &pw, &plain, true), Some(Mechanism::Plain));
    assert_eq!(pick(&mechs("LOGIN"), &pw, &plain, true), Some(Mechanism::Login));
    assert_eq!(
        pick(&mechs("LOGIN PLAIN"), &pw, &plain, false),
        None,
        "no plaintext unless allowed"
    );
    assert_eq!(pick(&mechs("GSSAPI NTLM"), &pw, &plain, true), None);
    assert_eq!(pick(&all, &token, &plain, false), Some(Mechanism::OAuthBearer));
    assert_eq!(pick(&mechs("PLAIN XOAUTH2"), &token, &plain, true), Some(Mechanism::XOAuth2));
    assert_eq!(pick(&mechs("PLAIN SCRAM-SHA-256"), &token, &plain, true), None);
}

#[test]
fn preference_reads_the_ehlo_capabilities() {
    let mut caps = Capabilities::new("mx.example.com", "hello").unwrap();
    let pw = Credentials::password("u", "p");
    assert_eq!(preferred_mechanism(&caps, &pw, &SaslClientConfig::default(), true), None);
    caps.insert(Extension::Auth(mechs("PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1"))).unwrap();
    assert_eq!(
        preferred_mechanism(&caps, &pw, &SaslClientConfig::default(), true),
        Some(Mechanism::ScramSha1)
    );
    // What a server built on this layer offers, the client can use.
    let (bound, so) = options();
    let offered = so.mechanisms(false);
    assert_eq!(choose_mechanism(&offered, &pw, &bound, false), Some(Mechanism::ScramSha256Plus));
    assert!(
        !offered.contains(&Mechanism::Plain) && so.mechanisms(true).contains(&Mechanism::Login)
    );
    assert!(!SaslServerConfig::default().mechanisms(true).contains(&Mechanism::ScramSha256Plus));
}

/// The exchanges and what they hand out can move between threads and tasks (a server
/// hands a decision to another task, as with MAIL and RCPT).
#[test]
fn exchange_types_are_send_and_sync() {
    fn check<T: Send + Sync + 'static>() {}
    check::<ClientExchange>();
    check::<ServerExchange>();
    check::<ServerStep>();
    check::<SaslError>();
    check::<StoredCredentials>();
    check::<Credentials>();
    check::<Secret>();
}
