//! PLAIN (RFC 4616): `message = [authzid] UTF8NUL authcid UTF8NUL passwd`, sent as the
//! client's first (usually initial) response; the server checks the password.

use super::{Credentials, Outcome, PasswordCheck, SaslError, Secret, ServerStep, saslprep, utf8};

/// PLAIN, client side.
#[derive(Debug)]
pub(super) struct PlainClient {
    credentials: Credentials,
    sent: bool,
}

impl PlainClient {
    pub(super) fn new(credentials: Credentials) -> PlainClient {
        PlainClient { credentials, sent: false }
    }

    /// The RFC 4616 §2 message.
    fn message(&mut self) -> Secret {
        self.sent = true;
        let c = &self.credentials;
        let authzid = c.authzid.as_deref().unwrap_or("");
        let mut m = Vec::with_capacity(authzid.len() + c.username.len() + c.secret.len() + 2);
        m.extend_from_slice(authzid.as_bytes());
        m.push(0);
        m.extend_from_slice(c.username.as_bytes());
        m.push(0);
        m.extend_from_slice(c.secret.expose());
        Secret::new(m)
    }

    pub(super) fn initial_response(&mut self) -> Option<Secret> {
        (!self.sent).then(|| self.message())
    }

    pub(super) fn step(&mut self, challenge: &[u8]) -> Result<Secret, SaslError> {
        // RFC 4616 §2: the server's only challenge is the empty one that asks for the
        // message when it was not sent with AUTH.
        if self.sent || !challenge.is_empty() {
            return Err(SaslError::Malformed("unexpected PLAIN challenge"));
        }
        Ok(self.message())
    }

    pub(super) fn is_complete(&self) -> bool {
        self.sent
    }
}

/// Where a PLAIN server stands.
#[derive(Debug, Default)]
enum State {
    #[default]
    Start,
    AwaitMessage,
    AwaitVerdict(Outcome),
    Done,
}

/// PLAIN, server side.
#[derive(Debug, Default)]
pub(super) struct PlainServer {
    state: State,
}

impl PlainServer {
    pub(super) fn start(&mut self, initial: Option<&[u8]>) -> ServerStep {
        if !matches!(self.state, State::Start) {
            return ServerStep::Failure(SaslError::OutOfOrder);
        }
        match initial {
            Some(message) => self.message(message),
            None => {
                self.state = State::AwaitMessage;
                ServerStep::Challenge(Vec::new())
            }
        }
    }

    pub(super) fn step(&mut self, response: &[u8]) -> ServerStep {
        match self.state {
            State::AwaitMessage => self.message(response),
            _ => ServerStep::Failure(SaslError::OutOfOrder),
        }
    }

    /// Parses the RFC 4616 §2 message and asks the program to check it.
    fn message(&mut self, message: &[u8]) -> ServerStep {
        self.state = State::Done;
        match parse(message) {
            Ok(check) => {
                let outcome =
                    Outcome { authzid: check.authzid.clone(), authcid: check.authcid.clone() };
                self.state = State::AwaitVerdict(outcome);
                ServerStep::VerifyPassword(check)
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

/// RFC 4616 §2:
///
/// ```text
/// message   = [authzid] UTF8NUL authcid UTF8NUL passwd
/// authcid   = 1*SAFE ; MUST accept up to 255 octets
/// authzid   = 1*SAFE ; MUST accept up to 255 octets
/// passwd    = 1*SAFE ; MUST accept up to 255 octets
/// SAFE      = UTF1 / UTF2 / UTF3 / UTF4   ; any UTF-8 character but NUL
/// ```
///
/// The authcid and password are handed on after SASLprep (RFC 4616 §2, §5: the server
/// compares prepared forms); the authzid as sent.
fn parse(message: &[u8]) -> Result<PasswordCheck, SaslError> {
    let text = utf8(message, "PLAIN message is not UTF-8")?;
    let mut parts = text.split('\0');
    let (Some(authzid), Some(authcid), Some(passwd), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SaslError::Malformed("PLAIN message needs exactly two NULs"));
    };
    if authcid.is_empty() || passwd.is_empty() {
        return Err(SaslError::Malformed("PLAIN authcid and passwd must not be empty"));
    }
    Ok(PasswordCheck {
        authzid: (!authzid.is_empty()).then(|| authzid.to_owned()),
        authcid: saslprep(authcid)?,
        password: Secret::from(saslprep(passwd)?),
    })
}
