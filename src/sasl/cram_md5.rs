//! CRAM-MD5 (RFC 2195): the server sends a unique challenge `<stamp@host>`, the client
//! answers `user SP hex(HMAC-MD5(password, challenge))`.

use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;

use super::{
    Credentials, Outcome, PasswordLookup, Randomness, SaslError, Secret, ServerStep, utf8,
};

type HmacMd5 = Hmac<Md5>;

/// HMAC-MD5 of the challenge keyed with the password (RFC 2195 §2, RFC 2104).
fn mac(password: &[u8], challenge: &[u8]) -> HmacMd5 {
    // HMAC takes a key of any length (RFC 2104 §2): a longer one is hashed first.
    let mut mac =
        <HmacMd5 as KeyInit>::new_from_slice(password).expect("HMAC takes any key length");
    mac.update(challenge);
    mac
}

/// CRAM-MD5, client side.
#[derive(Debug)]
pub(super) struct CramMd5Client {
    credentials: Credentials,
    answered: bool,
}

impl CramMd5Client {
    pub(super) fn new(credentials: Credentials) -> CramMd5Client {
        CramMd5Client { credentials, answered: false }
    }

    pub(super) fn step(&mut self, challenge: &[u8]) -> Result<Secret, SaslError> {
        if self.answered || challenge.is_empty() {
            return Err(SaslError::Malformed("unexpected CRAM-MD5 challenge"));
        }
        self.answered = true;
        let digest = mac(self.credentials.secret.expose(), challenge).finalize().into_bytes();
        let mut response = String::with_capacity(self.credentials.username.len() + 33);
        response.push_str(&self.credentials.username);
        response.push(' ');
        for b in digest {
            response.push_str(&format!("{b:02x}"));
        }
        Ok(Secret::from(response))
    }

    pub(super) fn is_complete(&self) -> bool {
        self.answered
    }
}

/// Where a CRAM-MD5 server stands.
#[derive(Debug)]
enum State {
    Start,
    AwaitResponse,
    AwaitPassword { authcid: String, digest: [u8; 16] },
    Done,
}

/// CRAM-MD5, server side.
#[derive(Debug)]
pub(super) struct CramMd5Server {
    challenge: Vec<u8>,
    state: State,
}

impl CramMd5Server {
    /// The challenge is `<stamp@hostname>` in the form of an RFC 5322 msg-id (RFC 2195
    /// §2); the stamp is a nonce of `rng`, which must be unique.
    pub(super) fn new(
        hostname: &str,
        rng: &mut dyn Randomness,
    ) -> Result<CramMd5Server, SaslError> {
        let stamp = rng.nonce()?;
        let fits = |s: &str| super::is_printable(s) && !s.contains(['<', '>', '@']);
        if !fits(&stamp) {
            return Err(SaslError::Randomness);
        }
        if !fits(hostname) {
            return Err(SaslError::Malformed("CRAM-MD5 host name is not printable"));
        }
        Ok(CramMd5Server {
            challenge: format!("<{stamp}@{hostname}>").into_bytes(),
            state: State::Start,
        })
    }

    pub(super) fn start(&mut self, initial: Option<&[u8]>) -> ServerStep {
        if !matches!(self.state, State::Start) {
            return ServerStep::Failure(SaslError::OutOfOrder);
        }
        self.state = State::Done;
        if initial.is_some() {
            // CRAM-MD5 is server-first: an initial response is a protocol error (RFC 4954 §4).
            return ServerStep::Failure(SaslError::Malformed("CRAM-MD5 takes no initial response"));
        }
        self.state = State::AwaitResponse;
        ServerStep::Challenge(self.challenge.clone())
    }

    /// `response = user SP digest`, the digest in 32 lower-case hex digits (RFC 2195 §2).
    pub(super) fn step(&mut self, response: &[u8]) -> ServerStep {
        if !matches!(self.state, State::AwaitResponse) {
            return ServerStep::Failure(SaslError::OutOfOrder);
        }
        self.state = State::Done;
        let parsed = utf8(response, "CRAM-MD5 response is not UTF-8").and_then(|text| {
            let (user, hex) = text
                .rsplit_once(' ')
                .ok_or(SaslError::Malformed("CRAM-MD5 response needs a space"))?;
            let digest = parse_hex(hex)
                .ok_or(SaslError::Malformed("CRAM-MD5 digest is not 32 hex digits"))?;
            if user.is_empty() {
                return Err(SaslError::Malformed("empty CRAM-MD5 user name"));
            }
            Ok((user.to_owned(), digest))
        });
        match parsed {
            Ok((authcid, digest)) => {
                self.state = State::AwaitPassword { authcid: authcid.clone(), digest };
                ServerStep::NeedPassword(PasswordLookup { authcid })
            }
            Err(e) => ServerStep::Failure(e),
        }
    }

    pub(super) fn provide_password(&mut self, password: Option<Secret>) -> ServerStep {
        let State::AwaitPassword { authcid, digest } =
            std::mem::replace(&mut self.state, State::Done)
        else {
            return ServerStep::Failure(SaslError::OutOfOrder);
        };
        match password {
            // Mac::verify_slice compares in constant time.
            Some(p) if mac(p.expose(), &self.challenge).verify_slice(&digest).is_ok() => {
                ServerStep::Success(Outcome { authzid: None, authcid })
            }
            _ => ServerStep::Failure(SaslError::AuthenticationFailed),
        }
    }
}

/// 32 lower-case hex digits as 16 octets.
fn parse_hex(hex: &str) -> Option<[u8; 16]> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let hex = hex.as_bytes();
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *o = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(out)
}
