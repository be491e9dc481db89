//! The driver shared by the `sasl_*` targets: a server exchange fed arbitrary client
//! responses, the program's answers taken from the input too. It must never panic, end
//! in success when the program refused, or go on after its end.

use arbitrary::Arbitrary;
use esmtp::Mechanism;
use esmtp::sasl::{
    ChannelBinding, DeterministicRandom, SaslServerConfig, Secret, ServerExchange, ServerStep,
    StoredCredentials, TokenVerdict,
};

/// One exchange: which of the target's mechanisms, the initial response (if any), the
/// responses to the challenges, and the program's answers in order.
#[derive(Arbitrary, Debug)]
pub struct Input {
    pub variant: u8,
    pub with_binding: bool,
    pub initial: Option<Vec<u8>>,
    pub responses: Vec<Vec<u8>>,
    pub answers: Vec<bool>,
}

pub fn drive(mechanisms: &[Mechanism], input: &Input) {
    let mechanism = &mechanisms[usize::from(input.variant) % mechanisms.len()];
    let mut options = SaslServerConfig::default();
    if input.with_binding || mechanism.uses_channel_binding() {
        options.channel_bindings = vec![
            ChannelBinding::tls_exporter([7; 32]),
            ChannelBinding::tls_server_end_point(vec![1; 32]),
        ];
    }
    let mut rng = DeterministicRandom::with_nonces(["servernonce"]);
    let mut s = ServerExchange::new(mechanism, &options, &mut rng).expect("served mechanism");
    let mut answers = input.answers.iter().copied();
    let mut responses = input.responses.iter();
    // Whether the program refused at some point: then the exchange must not succeed.
    let mut refused = false;
    let mut step = s.start(input.initial.as_deref());
    loop {
        step = match step {
            ServerStep::Challenge(_) => match responses.next() {
                Some(r) => s.step(r),
                None => return,
            },
            ServerStep::VerifyPassword(check) => {
                let ok = answers.next().unwrap_or(false);
                refused |= !ok;
                let _ = check.password_is("pencil");
                s.password_verified(ok)
            }
            ServerStep::NeedPassword(_) => {
                let ok = answers.next().unwrap_or(false);
                refused |= !ok;
                s.provide_password(ok.then(|| Secret::from("pencil")))
            }
            ServerStep::NeedScramCredentials(lookup) => {
                let ok = answers.next().unwrap_or(false);
                let stored = ok.then(|| {
                    StoredCredentials::derive(lookup.algorithm, "pencil", b"salt", 1)
                        .expect("derive")
                });
                // Unknown users go on with made-up credentials that never verify.
                refused |= !ok;
                s.provide_scram_credentials(stored)
            }
            ServerStep::VerifyToken(_) => {
                let ok = answers.next().unwrap_or(false);
                refused |= !ok;
                s.token_verified(if ok {
                    TokenVerdict::Valid { authcid: "user".into() }
                } else {
                    TokenVerdict::Invalid { error: r#"{"status":"invalid_token"}"#.into() }
                })
            }
            ServerStep::Success(outcome) => {
                assert!(!refused, "success after a refusal: {outcome:?}");
                break;
            }
            ServerStep::Failure(e) => {
                let _ = e.reply();
                break;
            }
            _ => break,
        };
    }
    assert!(s.is_finished());
    assert!(matches!(s.step(b""), ServerStep::Failure(_)));
}
