//! LOGIN: the de-facto exchange (draft-murchison-sasl-login) where the server prompts
//! `Username:` then `Password:` and the client answers each prompt.

use super::{Credentials, Outcome, PasswordCheck, SaslError, Secret, ServerStep, saslprep, utf8};

/// The server's prompts.
const USERNAME_PROMPT: &[u8] = b"Username:";
const PASSWORD_PROMPT: &[u8] = b"Password:";

/// LOGIN, client side.
#[derive(Debug)]
pub(super) struct LoginClient {
    credentials: Credentials,
    /// Answers given so far (the user name and the password: at most two).
    answered: u8,
    password_sent: bool,
}

impl LoginClient {
    pub(super) fn new(credentials: Credentials) -> LoginClient {
        LoginClient { credentials, answered: 0, password_sent: false }
    }

    /// Answers whatever the prompt asks: servers word their prompts differently (`User
    /// Name`, `Username:`, `Password:`...), so the words decide; a prompt with neither word
    /// is taken in the usual order, the user name first.
    pub(super) fn step(&mut self, challenge: &[u8]) -> Result<Secret, SaslError> {
        let prompt = String::from_utf8_lossy(challenge).to_ascii_lowercase();
        let wants_password = if prompt.contains("pass") {
            true
        } else if prompt.contains("user") {
            false
        } else {
            self.answered > 0
        };
        if self.answered >= 2 {
            return Err(SaslError::Malformed("unexpected LOGIN challenge"));
        }
        self.answered += 1;
        if wants_password {
            self.password_sent = true;
            Ok(self.credentials.secret.clone())
        } else {
            Ok(Secret::from(self.credentials.username.as_str()))
        }
    }

    pub(super) fn is_complete(&self) -> bool {
        self.password_sent
    }
}

/// Where a LOGIN server stands.
#[derive(Debug, Default)]
enum State {
    #[default]
    Start,
    AwaitUsername,
    AwaitPassword(String),
    AwaitVerdict(Outcome),
    Done,
}

/// LOGIN, server side.
#[derive(Debug, Default)]
pub(super) struct LoginServer {
    state: State,
}

impl LoginServer {
    /// Many clients send the user name as an initial response (`AUTH LOGIN dXNlcg==`); it
    /// is taken as the answer to `Username:`.
    pub(super) fn start(&mut self, initial: Option<&[u8]>) -> ServerStep {
        if !matches!(self.state, State::Start) {
            return ServerStep::Failure(SaslError::OutOfOrder);
        }
        match initial {
            Some(username) => self.username(username),
            None => {
                self.state = State::AwaitUsername;
                ServerStep::Challenge(USERNAME_PROMPT.to_vec())
            }
        }
    }

    pub(super) fn step(&mut self, response: &[u8]) -> ServerStep {
        match std::mem::replace(&mut self.state, State::Done) {
            State::AwaitUsername => self.username(response),
            State::AwaitPassword(username) => self.password(username, response),
            _ => ServerStep::Failure(SaslError::OutOfOrder),
        }
    }

    fn username(&mut self, response: &[u8]) -> ServerStep {
        self.state = State::Done;
        let name = match utf8(response, "LOGIN user name is not UTF-8") {
            Ok("") => return ServerStep::Failure(SaslError::Malformed("empty LOGIN user name")),
            Ok(name) => name,
            Err(e) => return ServerStep::Failure(e),
        };
        match saslprep(name) {
            Ok(name) => {
                self.state = State::AwaitPassword(name);
                ServerStep::Challenge(PASSWORD_PROMPT.to_vec())
            }
            Err(e) => ServerStep::Failure(e),
        }
    }

    fn password(&mut self, authcid: String, response: &[u8]) -> ServerStep {
        let prepared = utf8(response, "LOGIN password is not UTF-8").and_then(|p| match p {
            "" => Err(SaslError::Malformed("empty LOGIN password")),
            p => saslprep(p),
        });
        match prepared {
            Ok(password) => {
                self.state =
                    State::AwaitVerdict(Outcome { authzid: None, authcid: authcid.clone() });
                ServerStep::VerifyPassword(PasswordCheck {
                    authzid: None,
                    authcid,
                    password: Secret::from(password),
                })
            }
            Err(e) => ServerStep::Failure(e),
        }
    }

    pub(super) fn password_verified(&mut self, ok: bool) -> ServerStep {
        match std::mem::replace(&mut self.state, State::Done) {
            State::AwaitVerdict(outcome) if ok => ServerStep::Success(outcome),
            State::AwaitVerdict(_) => ServerStep::Failure(SaslError::AuthenticationFailed),
            _ => ServerStep::Failure(SaslError::OutOfOrder),
        }
    }
}
