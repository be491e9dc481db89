//! SASL known answers: every example exchange of RFC 4616 §4, RFC 2195 §2, RFC 5802 §5,
//! RFC 7677 §3 and RFC 7628 §4 (and Google's XOAUTH2 example), replayed byte for byte
//! against the client side and the server side.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use esmtp::Mechanism;
use esmtp::sasl::{
    ClientExchange, Credentials, DeterministicRandom, ReplyClass, SaslClientConfig, SaslError,
    SaslServerConfig, ScramAlgorithm, Secret, ServerExchange, ServerStep, StoredCredentials,
    TokenVerdict,
};

fn client(mech: Mechanism, creds: Credentials, nonces: &[&str]) -> ClientExchange {
    client_with(mech, creds, &SaslClientConfig::default(), nonces)
}

fn client_with(
    mech: Mechanism,
    creds: Credentials,
    options: &SaslClientConfig,
    nonces: &[&str],
) -> ClientExchange {
    let mut rng = DeterministicRandom::with_nonces(nonces.iter().copied());
    ClientExchange::new(&mech, creds, options, &mut rng).expect("client exchange")
}

fn server(mech: Mechanism, options: &SaslServerConfig, nonces: &[&str]) -> ServerExchange {
    let mut rng = DeterministicRandom::with_nonces(nonces.iter().copied());
    ServerExchange::new(&mech, options, &mut rng).expect("server exchange")
}

fn challenge(step: ServerStep) -> Vec<u8> {
    match step {
        ServerStep::Challenge(c) => c,
        other => panic!("expected a challenge, got {other:?}"),
    }
}

fn b64(s: &str) -> Vec<u8> {
    STANDARD.decode(s).expect("base64 in the RFC")
}

// --- PLAIN, RFC 4616 §4 -------------------------------------------------------------

/// First example: no initial response; the server's empty challenge asks for the message
/// `<NUL>tim<NUL>tanstaaftanstaaf`, which is right.
#[test]
fn rfc4616_example_1() {
    let message = b"\0tim\0tanstaaftanstaaf";
    let mut c = client(Mechanism::Plain, Credentials::password("tim", "tanstaaftanstaaf"), &[]);
    assert!(c.has_initial_response());
    assert_eq!(c.step(b"").unwrap().expose(), message);
    assert!(c.is_complete());
    assert!(c.step(b"").is_err(), "nothing after the message");

    let mut s = server(Mechanism::Plain, &SaslServerConfig::default(), &[]);
    assert_eq!(challenge(s.start(None)), b"");
    let ServerStep::VerifyPassword(check) = s.step(message) else { panic!() };
    assert_eq!((check.authzid.as_deref(), check.authcid.as_str()), (None, "tim"));
    assert_eq!(check.password.expose(), b"tanstaaftanstaaf");
    assert!(check.password_is("tanstaaftanstaaf") && !check.password_is("tanstaaf"));
    let ServerStep::Success(outcome) = s.password_verified(true) else { panic!() };
    assert_eq!((outcome.authzid, outcome.authcid.as_str()), (None, "tim"));
    assert!(s.is_finished());
    assert!(matches!(s.step(b""), ServerStep::Failure(SaslError::OutOfOrder)));
}

/// Second example: an initial response asking to act as Ursel; the server refuses
/// ("Not authorized to requested authorization identity").
#[test]
fn rfc4616_example_2() {
    let message = b"Ursel\0Kurt\0xipj3plmq";
    let creds = Credentials::password("Kurt", "xipj3plmq").with_authzid("Ursel");
    let mut c = client(Mechanism::Plain, creds, &[]);
    assert_eq!(c.initial_response().unwrap().expose(), message);
    assert!(c.initial_response().is_none(), "once");

    let mut s = server(Mechanism::Plain, &SaslServerConfig::default(), &[]);
    let ServerStep::VerifyPassword(check) = s.start(Some(message)) else { panic!() };
    assert_eq!((check.authzid.as_deref(), check.authcid.as_str()), (Some("Ursel"), "Kurt"));
    let ServerStep::Failure(e) = s.password_verified(false) else { panic!() };
    assert_eq!(e, SaslError::AuthenticationFailed);
    assert_eq!(e.reply().code().as_u16(), 535);
}

// --- LOGIN (no RFC; the de-facto prompts) --------------------------------------------

#[test]
fn login_prompts_and_answers() {
    let mut c = client(Mechanism::Login, Credentials::password("tim", "tanstaaftanstaaf"), &[]);
    assert!(!c.has_initial_response() && c.initial_response().is_none());
    let mut s = server(Mechanism::Login, &SaslServerConfig::default(), &[]);
    let prompt = challenge(s.start(None));
    assert_eq!(prompt, b"Username:");
    assert_eq!(STANDARD.encode(&prompt), "VXNlcm5hbWU6");
    let user = c.step(&prompt).unwrap();
    assert_eq!(user.expose(), b"tim");
    let prompt = challenge(s.step(user.expose()));
    assert_eq!(STANDARD.encode(&prompt), "UGFzc3dvcmQ6");
    let password = c.step(&prompt).unwrap();
    assert!(c.is_complete());
    let ServerStep::VerifyPassword(check) = s.step(password.expose()) else { panic!() };
    assert!(check.password_is("tanstaaftanstaaf"));
    assert!(matches!(s.password_verified(true), ServerStep::Success(o) if o.authcid == "tim"));
}

/// The client answers what the prompt asks, whatever its wording or order.
#[test]
fn login_client_reads_the_prompt() {
    let mut c = client(Mechanism::Login, Credentials::password("u", "p"), &[]);
    assert_eq!(c.step(b"Password:").unwrap().expose(), b"p");
    assert_eq!(c.step(b"User Name").unwrap().expose(), b"u");
    assert!(c.step(b"Password:").is_err(), "two answers at most");
    let mut c = client(Mechanism::Login, Credentials::password("u", "p"), &[]);
    assert_eq!(c.step(b"?").unwrap().expose(), b"u");
    assert!(!c.is_complete());
    assert_eq!(c.step(b"?").unwrap().expose(), b"p");
    assert!(c.is_complete());
}

/// `AUTH LOGIN <user>`: the initial response is the user name.
#[test]
fn login_server_takes_the_user_name_as_initial_response() {
    let mut s = server(Mechanism::Login, &SaslServerConfig::default(), &[]);
    assert_eq!(challenge(s.start(Some(b"tim"))), b"Password:");
    let ServerStep::VerifyPassword(check) = s.step(b"pw") else { panic!() };
    assert_eq!(check.authcid, "tim");
    assert!(matches!(
        s.password_verified(false),
        ServerStep::Failure(SaslError::AuthenticationFailed)
    ));
}

// --- CRAM-MD5, RFC 2195 §2 -----------------------------------------------------------

const RFC2195_CHALLENGE: &[u8] = b"<1896.697170952@postoffice.reston.mci.net>";
const RFC2195_RESPONSE: &[u8] = b"tim b913a602c7eda7a495b4e6e7334d3890";

#[test]
fn rfc2195_example() {
    // The base64 of the challenge and of the response, as in RFC 2195 §2.
    assert_eq!(
        STANDARD.encode(RFC2195_CHALLENGE),
        "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"
    );
    assert_eq!(
        STANDARD.encode(RFC2195_RESPONSE),
        "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
    );
    let mut c = client(Mechanism::CramMd5, Credentials::password("tim", "tanstaaftanstaaf"), &[]);
    assert!(!c.has_initial_response());
    assert_eq!(c.step(RFC2195_CHALLENGE).unwrap().expose(), RFC2195_RESPONSE);
    assert!(c.is_complete());

    let mut options = SaslServerConfig::default();
    options.hostname = "postoffice.reston.mci.net".into();
    let mut s = server(Mechanism::CramMd5, &options, &["1896.697170952"]);
    assert_eq!(challenge(s.start(None)), RFC2195_CHALLENGE);
    let ServerStep::NeedPassword(lookup) = s.step(RFC2195_RESPONSE) else { panic!() };
    assert_eq!(lookup.authcid, "tim");
    let ServerStep::Success(outcome) = s.provide_password(Some(Secret::from("tanstaaftanstaaf")))
    else {
        panic!()
    };
    assert_eq!(outcome.authcid, "tim");

    for password in [Some(Secret::from("tanstaaf")), None] {
        let mut s = server(Mechanism::CramMd5, &options, &["1896.697170952"]);
        s.start(None);
        s.step(RFC2195_RESPONSE);
        assert!(matches!(
            s.provide_password(password),
            ServerStep::Failure(SaslError::AuthenticationFailed)
        ));
    }
}

#[test]
fn cram_md5_server_refuses_malformed_responses_and_initial_responses() {
    let options = SaslServerConfig::default();
    for bad in [
        &b"tim"[..],
        b"tim b913a602c7eda7a495b4e6e7334d389",
        b"tim B913A602C7EDA7A495B4E6E7334D3890",
        b" b913a602c7eda7a495b4e6e7334d3890",
        b"tim b913a602c7eda7a495b4e6e7334d3890 ",
        b"\xfftim b913a602c7eda7a495b4e6e7334d3890",
    ] {
        let mut s = server(Mechanism::CramMd5, &options, &[]);
        s.start(None);
        let ServerStep::Failure(e) = s.step(bad) else { panic!("{bad:?}") };
        assert_eq!(e.reply_class(), ReplyClass::Malformed, "{bad:?}");
    }
    let mut s = server(Mechanism::CramMd5, &options, &[]);
    assert!(matches!(s.start(Some(b"x")), ServerStep::Failure(SaslError::Malformed(_))));
}

// --- SCRAM-SHA-1, RFC 5802 §5 ----------------------------------------------------------

const SHA1_CLIENT_FIRST: &[u8] = b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL";
const SHA1_SERVER_FIRST: &[u8] =
    b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
const SHA1_CLIENT_FINAL: &[u8] =
    b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
const SHA1_SERVER_FINAL: &[u8] = b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

// --- SCRAM-SHA-256, RFC 7677 §3 --------------------------------------------------------

const SHA256_CLIENT_FIRST: &[u8] = b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
const SHA256_SERVER_FIRST: &[u8] =
    b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
const SHA256_CLIENT_FINAL: &[u8] = b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
const SHA256_SERVER_FINAL: &[u8] = b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

/// One SCRAM example, replayed against both sides.
struct ScramExample {
    mechanism: Mechanism,
    algorithm: ScramAlgorithm,
    client_nonce: &'static str,
    server_nonce: &'static str,
    salt: &'static str,
    messages: [&'static [u8]; 4],
}

const SCRAM_EXAMPLES: [ScramExample; 2] = [
    ScramExample {
        mechanism: Mechanism::ScramSha1,
        algorithm: ScramAlgorithm::Sha1,
        client_nonce: "fyko+d2lbbFgONRv9qkxdawL",
        server_nonce: "3rfcNHYJY1ZVvWVs7j",
        salt: "QSXCR+Q6sek8bf92",
        messages: [SHA1_CLIENT_FIRST, SHA1_SERVER_FIRST, SHA1_CLIENT_FINAL, SHA1_SERVER_FINAL],
    },
    ScramExample {
        mechanism: Mechanism::ScramSha256,
        algorithm: ScramAlgorithm::Sha256,
        client_nonce: "rOprNGfwEbeRWgbNEkqO",
        server_nonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
        salt: "W22ZaJ0SNY7soEsUEjb6gQ==",
        messages: [
            SHA256_CLIENT_FIRST,
            SHA256_SERVER_FIRST,
            SHA256_CLIENT_FINAL,
            SHA256_SERVER_FINAL,
        ],
    },
];

impl ScramExample {
    fn stored(&self) -> StoredCredentials {
        StoredCredentials::derive(self.algorithm, "pencil", &b64(self.salt), 4096).unwrap()
    }
}

#[test]
fn rfc5802_and_rfc7677_client_side() {
    for ex in &SCRAM_EXAMPLES {
        let [client_first, server_first, client_final, server_final] = ex.messages;
        let mut c = client(
            ex.mechanism.clone(),
            Credentials::password("user", "pencil"),
            &[ex.client_nonce],
        );
        assert_eq!(c.initial_response().unwrap().expose(), client_first);
        assert_eq!(c.step(server_first).unwrap().expose(), client_final);
        assert!(!c.is_complete(), "not before the server's signature");
        assert_eq!(c.step(server_final).unwrap().expose(), b"", "empty answer to the v= challenge");
        assert!(c.is_complete());
        assert!(c.step(b"").is_err(), "nothing after the end");
    }
}

#[test]
fn rfc5802_and_rfc7677_server_side() {
    for ex in &SCRAM_EXAMPLES {
        let [client_first, server_first, client_final, server_final] = ex.messages;
        let mut s = server(ex.mechanism.clone(), &SaslServerConfig::default(), &[ex.server_nonce]);
        let ServerStep::NeedScramCredentials(lookup) = s.start(Some(client_first)) else {
            panic!()
        };
        assert_eq!(
            (lookup.algorithm, lookup.authzid, lookup.authcid.as_str()),
            (ex.algorithm, None, "user")
        );
        assert_eq!(challenge(s.provide_scram_credentials(Some(ex.stored()))), server_first);
        assert_eq!(challenge(s.step(client_final)), server_final);
        let ServerStep::Success(outcome) = s.step(b"") else { panic!() };
        assert_eq!(outcome.authcid, "user");
    }
}

/// The same exchanges without the initial response: the server's empty challenge first.
#[test]
fn scram_without_initial_response() {
    for ex in &SCRAM_EXAMPLES {
        let mut c = client(
            ex.mechanism.clone(),
            Credentials::password("user", "pencil"),
            &[ex.client_nonce],
        );
        let mut s = server(ex.mechanism.clone(), &SaslServerConfig::default(), &[ex.server_nonce]);
        let empty = challenge(s.start(None));
        assert_eq!(empty, b"");
        assert_eq!(c.step(&empty).unwrap().expose(), ex.messages[0]);
        assert!(matches!(s.step(ex.messages[0]), ServerStep::NeedScramCredentials(_)));
    }
}

/// Stored credentials from their parts (as a program keeps them) work like derived ones.
#[test]
fn stored_credentials_from_parts() {
    let ex = &SCRAM_EXAMPLES[1];
    let d = ex.stored();
    let parts = StoredCredentials::new(
        d.algorithm(),
        d.salt(),
        d.iterations(),
        d.stored_key(),
        d.server_key(),
    )
    .unwrap();
    assert_eq!(parts, d);
    let mut s = server(ex.mechanism.clone(), &SaslServerConfig::default(), &[ex.server_nonce]);
    s.start(Some(ex.messages[0]));
    s.provide_scram_credentials(Some(parts));
    assert_eq!(challenge(s.step(ex.messages[2])), ex.messages[3]);
}

// --- OAUTHBEARER, RFC 7628 §4 ----------------------------------------------------------

const TOKEN: &str = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";

fn bearer_options(port: u16) -> SaslClientConfig {
    let mut options = SaslClientConfig::default();
    options.oauth_host = Some("server.example.com".into());
    options.oauth_port = Some(port);
    options
}

/// §4.1: the IMAP exchange (port 143) and the SMTP one (port 587), as base64.
#[test]
fn rfc7628_section_4_1() {
    let cases = [
        (
            143,
            "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB",
        ),
        (
            587,
            "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9NTg3AWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB",
        ),
    ];
    for (port, wire) in cases {
        let creds = Credentials::bearer_token("user@example.com", TOKEN);
        let mut c = client_with(Mechanism::OAuthBearer, creds, &bearer_options(port), &[]);
        let initial = c.initial_response().unwrap();
        assert_eq!(STANDARD.encode(initial.expose()), wire);
        assert!(c.is_complete());

        let mut s = server(Mechanism::OAuthBearer, &SaslServerConfig::default(), &[]);
        let ServerStep::VerifyToken(check) = s.start(Some(&b64(wire))) else { panic!() };
        assert_eq!(check.user.as_deref(), Some("user@example.com"));
        assert_eq!(check.token.expose(), TOKEN.as_bytes());
        assert_eq!((check.host.as_deref(), check.port), (Some("server.example.com"), Some(port)));
        let verdict = TokenVerdict::Valid { authcid: "user@example.com".into() };
        let ServerStep::Success(outcome) = s.token_verified(verdict) else { panic!() };
        assert_eq!(outcome.authzid.as_deref(), Some("user@example.com"));
    }
}

/// §4.3: an empty `auth=` asks for the scope; the JSON error challenge is answered with
/// `^A` ("AQ==") and the exchange fails.
#[test]
fn rfc7628_section_4_3() {
    let initial =
        b64("bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9AQE=");
    let error = "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=";
    let json = String::from_utf8(b64(error)).unwrap();
    assert!(json.starts_with(r#"{"status":"invalid_token","scope":"example_scope""#));

    let mut s = server(Mechanism::OAuthBearer, &SaslServerConfig::default(), &[]);
    let ServerStep::VerifyToken(check) = s.start(Some(&initial)) else { panic!() };
    assert!(check.token.is_empty());
    let challenge = challenge(s.token_verified(TokenVerdict::Invalid { error: json.clone() }));
    assert_eq!(STANDARD.encode(&challenge), error);

    let creds = Credentials::bearer_token("user@example.com", "expired");
    let mut c = client_with(Mechanism::OAuthBearer, creds, &bearer_options(143), &[]);
    c.initial_response().unwrap();
    let dummy = c.step(&challenge).unwrap();
    assert_eq!(STANDARD.encode(dummy.expose()), "AQ==");
    assert!(!c.is_complete());
    assert_eq!(c.server_message(), Some(json.as_str()));

    let ServerStep::Failure(e) = s.step(dummy.expose()) else { panic!() };
    assert_eq!(e.reply().code().as_u16(), 535);
}

/// §4.4, the SMTP failure. The RFC's initial response `n,user=someuser@example.com,^A...`
/// does not follow its own grammar (the GS2 authzid is `a=`), and this server refuses it;
/// with `a=` the exchange goes as the example shows: 334 with the JSON error, `AQ==`, 535.
#[test]
fn rfc7628_section_4_4() {
    let as_printed = b64(
        "bix1c2VyPXNvbWV1c2VyQGV4YW1wbGUuY29tLAFhdXRoPUJlYXJlciB2RjlkZnQ0cW1UYzJOdmIzUmxja0JoZEhSaGRtbHpkR0V1WTI5dENnPT0BAQ==",
    );
    assert!(as_printed.starts_with(b"n,user=someuser@example.com,\x01auth=Bearer "));
    let mut s = server(Mechanism::OAuthBearer, &SaslServerConfig::default(), &[]);
    assert!(matches!(s.start(Some(&as_printed)), ServerStep::Failure(SaslError::Malformed(_))));

    let token = "vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==";
    let corrected = [&b"n,a=someuser@example.com,"[..], &as_printed[28..]].concat();
    let creds = Credentials::bearer_token("someuser@example.com", token);
    let mut c = client(Mechanism::OAuthBearer, creds, &[]);
    assert_eq!(c.initial_response().unwrap().expose(), corrected);

    let error = "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NoZW1lcyI6ImJlYXJlciBtYWMiLCJzY29wZSI6Imh0dHBzOi8vbWFpbC5leGFtcGxlLmNvbS8ifQ==";
    let mut s = server(Mechanism::OAuthBearer, &SaslServerConfig::default(), &[]);
    let ServerStep::VerifyToken(check) = s.start(Some(&corrected)) else { panic!() };
    assert_eq!(check.token.expose(), token.as_bytes());
    let json = String::from_utf8(b64(error)).unwrap();
    let ch = challenge(s.token_verified(TokenVerdict::Invalid { error: json }));
    assert_eq!(STANDARD.encode(&ch), error);
    assert_eq!(c.step(&ch).unwrap().expose(), b"\x01");
    assert!(matches!(s.step(b"\x01"), ServerStep::Failure(SaslError::AuthenticationFailed)));
    assert!(c.step(b"more").is_err());
}

// --- XOAUTH2 (Google's "XOAUTH2 Mechanism" documentation) ------------------------------

#[test]
fn xoauth2_google_example() {
    let wire = "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==";
    let token = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg";
    let mut c =
        client(Mechanism::XOAuth2, Credentials::bearer_token("someuser@example.com", token), &[]);
    assert_eq!(STANDARD.encode(c.initial_response().unwrap().expose()), wire);

    let mut s = server(Mechanism::XOAuth2, &SaslServerConfig::default(), &[]);
    let ServerStep::VerifyToken(check) = s.start(Some(&b64(wire))) else { panic!() };
    assert_eq!(
        (check.user.as_deref(), check.token.expose()),
        (Some("someuser@example.com"), token.as_bytes())
    );
    let error = r#"{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}"#;
    let ch = challenge(s.token_verified(TokenVerdict::Invalid { error: error.into() }));
    assert_eq!(ch, error.as_bytes());
    // XOAUTH2 answers the error with the empty response.
    assert_eq!(c.step(&ch).unwrap().expose(), b"");
    assert_eq!(c.server_message(), Some(error));
    assert!(matches!(s.step(b""), ServerStep::Failure(SaslError::AuthenticationFailed)));
}
