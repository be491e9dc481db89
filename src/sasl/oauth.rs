//! OAuth 2.0 bearer tokens: XOAUTH2 (Google's and Microsoft's form) and OAUTHBEARER
//! (RFC 7628).
//!
//! ```text
//! XOAUTH2:     "user=" user ^A "auth=Bearer " token ^A ^A
//! OAUTHBEARER: gs2-header kvsep *kvpair kvsep          (RFC 7628 §3.1)
//!              kvpair = key "=" value kvsep, kvsep = %x01
//! ```
//!
//! A refused token gets a JSON error challenge (RFC 7628 §3.2.2); the client answers it
//! with a dummy response (`^A` for OAUTHBEARER, RFC 7628 §3.2.3; the empty response for
//! XOAUTH2) and the server then fails the exchange.

use crate::types::Mechanism;

use super::{
    Credentials, Gs2Flag, Gs2Header, Outcome, SaslClientConfig, SaslError, Secret, ServerStep,
    TokenCheck, TokenVerdict, utf8,
};

/// The `kvsep` of RFC 7628 §3.1.
const KVSEP: char = '\x01';

/// Which of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    XOAuth2,
    OAuthBearer,
}

impl Kind {
    fn of(mechanism: &Mechanism) -> Kind {
        if *mechanism == Mechanism::XOAuth2 { Kind::XOAuth2 } else { Kind::OAuthBearer }
    }
}

/// Where an OAuth client stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientState {
    Initial,
    Sent,
    /// The server sent an error challenge and got the dummy response.
    Refused,
}

/// XOAUTH2 or OAUTHBEARER, client side.
#[derive(Debug)]
pub(super) struct OAuthClient {
    kind: Kind,
    credentials: Credentials,
    host: Option<String>,
    port: Option<u16>,
    state: ClientState,
    server_message: Option<String>,
}

impl OAuthClient {
    pub(super) fn new(
        mechanism: &Mechanism,
        credentials: Credentials,
        options: &SaslClientConfig,
    ) -> OAuthClient {
        OAuthClient {
            kind: Kind::of(mechanism),
            credentials,
            host: options.oauth_host.clone(),
            port: options.oauth_port,
            state: ClientState::Initial,
            server_message: None,
        }
    }

    /// The client's message. OAUTHBEARER names the authorization identity in `a=`: the
    /// credentials' authzid, or else their user name (RFC 7628 §3.1 leaves it optional;
    /// servers commonly expect the user).
    fn message(&mut self) -> Secret {
        self.state = ClientState::Sent;
        let c = &self.credentials;
        let mut m = String::new();
        match self.kind {
            Kind::XOAuth2 => {
                m.push_str("user=");
                m.push_str(&c.username);
                m.push(KVSEP);
            }
            Kind::OAuthBearer => {
                let authzid =
                    c.authzid.as_deref().or(Some(c.username.as_str())).filter(|a| !a.is_empty());
                let header = Gs2Header { flag: Gs2Flag::No, authzid: authzid.map(str::to_owned) };
                m.push_str(&header.encode());
                m.push(KVSEP);
                if let Some(host) = &self.host {
                    m.push_str(&format!("host={host}{KVSEP}"));
                }
                if let Some(port) = self.port {
                    m.push_str(&format!("port={port}{KVSEP}"));
                }
            }
        }
        let mut out = Vec::with_capacity(m.len() + c.secret.len() + 16);
        out.extend_from_slice(m.as_bytes());
        out.extend_from_slice(b"auth=Bearer ");
        out.extend_from_slice(c.secret.expose());
        out.extend_from_slice(&[0x01, 0x01]);
        Secret::new(out)
    }

    pub(super) fn initial_response(&mut self) -> Option<Secret> {
        (self.state == ClientState::Initial).then(|| self.message())
    }

    pub(super) fn step(&mut self, challenge: &[u8]) -> Result<Secret, SaslError> {
        match self.state {
            ClientState::Initial if challenge.is_empty() => Ok(self.message()),
            ClientState::Initial => Err(SaslError::Malformed("unexpected OAuth challenge")),
            // Any challenge after the message is the JSON error (RFC 7628 §3.2.2): answer
            // with the dummy response; the server's failure follows.
            ClientState::Sent => {
                self.state = ClientState::Refused;
                self.server_message = Some(String::from_utf8_lossy(challenge).into_owned());
                Ok(match self.kind {
                    Kind::XOAuth2 => Secret::default(),
                    Kind::OAuthBearer => Secret::new(vec![0x01]),
                })
            }
            ClientState::Refused => {
                Err(SaslError::ServerRejected(self.server_message.clone().unwrap_or_default()))
            }
        }
    }

    pub(super) fn is_complete(&self) -> bool {
        self.state == ClientState::Sent
    }

    pub(super) fn server_message(&self) -> Option<&str> {
        self.server_message.as_deref()
    }
}

/// Where an OAuth server stands.
#[derive(Debug)]
enum ServerState {
    Start,
    AwaitMessage,
    AwaitVerdict {
        authzid: Option<String>,
    },
    /// The error challenge went out; the client's dummy response ends the exchange.
    Failing,
    Done,
}

/// XOAUTH2 or OAUTHBEARER, server side.
#[derive(Debug)]
pub(super) struct OAuthServer {
    kind: Kind,
    state: ServerState,
}

impl OAuthServer {
    pub(super) fn new(mechanism: &Mechanism) -> OAuthServer {
        OAuthServer { kind: Kind::of(mechanism), state: ServerState::Start }
    }

    pub(super) fn start(&mut self, initial: Option<&[u8]>) -> ServerStep {
        if !matches!(self.state, ServerState::Start) {
            return ServerStep::Failure(SaslError::OutOfOrder);
        }
        match initial {
            Some(message) => self.message(message),
            None => {
                self.state = ServerState::AwaitMessage;
                ServerStep::Challenge(Vec::new())
            }
        }
    }

    pub(super) fn step(&mut self, response: &[u8]) -> ServerStep {
        match std::mem::replace(&mut self.state, ServerState::Done) {
            ServerState::AwaitMessage => self.message(response),
            // RFC 7628 §3.2.3: the response to the error is `^A`; whatever it is, the
            // exchange has failed.
            ServerState::Failing => ServerStep::Failure(SaslError::AuthenticationFailed),
            _ => ServerStep::Failure(SaslError::OutOfOrder),
        }
    }

    fn message(&mut self, message: &[u8]) -> ServerStep {
        self.state = ServerState::Done;
        let parsed = match self.kind {
            Kind::XOAuth2 => parse_xoauth2(message),
            Kind::OAuthBearer => parse_oauthbearer(message),
        };
        match parsed {
            Ok((check, authzid)) => {
                self.state = ServerState::AwaitVerdict { authzid };
                ServerStep::VerifyToken(check)
            }
            Err(e) => ServerStep::Failure(e),
        }
    }

    pub(super) fn token_verified(&mut self, verdict: TokenVerdict) -> ServerStep {
        let ServerState::AwaitVerdict { authzid } =
            std::mem::replace(&mut self.state, ServerState::Done)
        else {
            return ServerStep::Failure(SaslError::OutOfOrder);
        };
        match verdict {
            TokenVerdict::Valid { authcid } => ServerStep::Success(Outcome { authzid, authcid }),
            TokenVerdict::Invalid { error } => {
                self.state = ServerState::Failing;
                ServerStep::Challenge(error.into_bytes())
            }
        }
    }
}

/// The kvpairs of a message body that ends in `kvsep kvsep` (after its leading part):
/// `key "=" value` each, RFC 7628 §3.1 (`key = 1*(ALPHA)`, `value = *(VCHAR / SP / HTAB /
/// CR / LF)`), with UTF-8 let through in values for XOAUTH2's `user=`.
fn kvpairs(body: &str) -> Result<Vec<(&str, &str)>, SaslError> {
    const BAD: SaslError = SaslError::Malformed("invalid OAuth kvpairs");
    // Each kvpair ends in its own kvsep, and one more ends the message.
    let body = body.strip_suffix(KVSEP).ok_or(BAD)?;
    if !body.is_empty() && !body.ends_with(KVSEP) {
        return Err(BAD);
    }
    body.split_terminator(KVSEP)
        .map(|pair| {
            let (key, value) = pair.split_once('=').ok_or(BAD)?;
            let key_ok = !key.is_empty() && key.bytes().all(|c| c.is_ascii_alphabetic());
            let value_ok = value
                .bytes()
                .all(|c| matches!(c, 0x21..=0x7E | b' ' | b'\t' | b'\r' | b'\n' | 0x80..));
            if key_ok && value_ok { Ok((key, value)) } else { Err(BAD) }
        })
        .collect()
}

/// The token of `auth=Bearer <token>`, empty for an empty `auth=` (the scheme is case-insensitive, RFC 7235 §2.1).
fn bearer(pairs: &[(&str, &str)]) -> Result<Secret, SaslError> {
    let auth = pairs
        .iter()
        .find(|(k, _)| *k == "auth")
        .map(|(_, v)| *v)
        .ok_or(SaslError::Malformed("OAuth message without auth="))?;
    // An empty `auth=` asks the server which scope it needs (RFC 7628 §4.3): the program
    // sees an empty token and answers with its JSON error.
    if auth.is_empty() {
        return Ok(Secret::default());
    }
    match auth.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() => {
            Ok(Secret::from(token))
        }
        _ => Err(SaslError::Malformed("OAuth auth= is not a bearer token")),
    }
}

/// `"user=" user ^A "auth=Bearer " token ^A ^A`.
fn parse_xoauth2(message: &[u8]) -> Result<(TokenCheck, Option<String>), SaslError> {
    let text = utf8(message, "XOAUTH2 message is not UTF-8")?;
    let pairs = kvpairs(text)?;
    let user = pairs.iter().find(|(k, _)| *k == "user").map(|(_, v)| (*v).to_owned());
    let token = bearer(&pairs)?;
    Ok((TokenCheck { user, token, host: None, port: None }, None))
}

/// RFC 7628 §3.1: `gs2-header kvsep *kvpair kvsep`. OAUTHBEARER has no channel binding:
/// the flag is `n` or `y`.
fn parse_oauthbearer(message: &[u8]) -> Result<(TokenCheck, Option<String>), SaslError> {
    let text = utf8(message, "OAUTHBEARER message is not UTF-8")?;
    let (header, _, rest) = Gs2Header::parse(text)?;
    if matches!(header.flag, Gs2Flag::Bind(_)) {
        return Err(SaslError::Malformed("OAUTHBEARER has no channel binding"));
    }
    let body = rest
        .strip_prefix(KVSEP)
        .ok_or(SaslError::Malformed("OAUTHBEARER needs ^A after the GS2 header"))?;
    let pairs = kvpairs(body)?;
    let token = bearer(&pairs)?;
    let host = pairs.iter().find(|(k, _)| *k == "host").map(|(_, v)| (*v).to_owned());
    let port = match pairs.iter().find(|(k, _)| *k == "port") {
        Some((_, v)) => {
            Some(v.parse().map_err(|_| SaslError::Malformed("OAUTHBEARER port is not a port"))?)
        }
        None => None,
    };
    let check = TokenCheck { user: header.authzid.clone(), token, host, port };
    Ok((check, header.authzid))
}
