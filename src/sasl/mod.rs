//! SASL mechanisms (RFC 4422) as pure exchanges, client and server side.
//!
//! SMTP AUTH (RFC 4954) carries a SASL exchange in `334` challenges and client response
//! lines, both base64. This module only computes: it takes and gives the *decoded*
//! payloads, and leaves the base64, the reply codes and the session order to the `Client`
//! and `Server` machines. It knows nothing of sockets, clocks or TLS; randomness comes
//! from a [`Randomness`] the caller hands in, and channel binding data (RFC 5929, RFC 9266)
//! from the caller's TLS stack.
//!
//! Mechanisms, both sides: `PLAIN` (RFC 4616), `LOGIN`, `CRAM-MD5` (RFC 2195),
//! `SCRAM-SHA-1` and `SCRAM-SHA-256` with their `-PLUS` forms (RFC 5802, RFC 7677),
//! `XOAUTH2` and `OAUTHBEARER` (RFC 7628).
//!
//! - Client side: a [`ClientExchange`] built from [`Credentials`]. It says whether it has
//!   an initial response (RFC 4954 §4), then answers each challenge with
//!   [`step`](ClientExchange::step) until the server's final reply; after a `235` the
//!   machine asks [`is_complete`](ClientExchange::is_complete) (for SCRAM: whether the
//!   server proved it knows the password). [`preferred_mechanism`] picks the strongest
//!   mechanism the server offers.
//! - Server side: a [`ServerExchange`], [`start`](ServerExchange::start)ed with the initial
//!   response if any, then fed each response with [`step`](ServerExchange::step). Each
//!   call returns a [`ServerStep`]: a challenge to send, a question for the program (check
//!   a password, look up a password or SCRAM credentials, judge a token), or the end.
//!   The program answers with the matching method and gets the next step.
//! - Errors: [`SaslError`], with [`SaslError::reply_class`] telling which RFC 4954 §6
//!   reply applies.
//!
//! Secrets (passwords, tokens, responses that carry them) are [`Secret`]s: `Debug` prints
//! nothing of them and they are zeroed on drop.
//!
//! ```
//! use esmtp::Mechanism;
//! use esmtp::sasl::{
//!     ClientExchange, SaslClientConfig, Credentials, DeterministicRandom, ServerExchange,
//!     SaslServerConfig, ServerStep, StoredCredentials, ScramAlgorithm,
//! };
//!
//! let mut rng = DeterministicRandom::new(7); // OsRandom outside tests
//! let creds = Credentials::password("user", "pencil");
//! let mut client =
//!     ClientExchange::new(&Mechanism::ScramSha256, creds, &SaslClientConfig::default(), &mut rng)?;
//! let mut server =
//!     ServerExchange::new(&Mechanism::ScramSha256, &SaslServerConfig::default(), &mut rng)?;
//!
//! // AUTH SCRAM-SHA-256 <client-first>: the server asks for the user's stored credentials.
//! let first = client.initial_response().expect("SCRAM sends an initial response");
//! let ServerStep::NeedScramCredentials(lookup) = server.start(Some(first.expose())) else {
//!     panic!("expected a lookup")
//! };
//! assert_eq!(lookup.authcid, "user");
//! let stored = StoredCredentials::derive(ScramAlgorithm::Sha256, "pencil", b"salt", 4096)?;
//! let mut step = server.provide_scram_credentials(Some(stored));
//! // 334 challenges and client responses, until the server is done.
//! loop {
//!     match step {
//!         ServerStep::Challenge(challenge) => {
//!             let response = client.step(&challenge)?;
//!             step = server.step(response.expose());
//!         }
//!         ServerStep::Success(outcome) => {
//!             assert_eq!(outcome.authcid, "user");
//!             break;
//!         }
//!         other => panic!("unexpected {other:?}"),
//!     }
//! }
//! assert!(client.is_complete(), "the client checked the server's signature");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cram_md5;
mod login;
mod oauth;
mod plain;
mod random;
mod scram;
mod secret;

use std::fmt;

use crate::types::{Capabilities, EnhancedStatusCode, Mechanism, Reply, ReplyCode, replies};

pub use random::{DeterministicRandom, OsRandom, Randomness};
pub use scram::{ScramAlgorithm, StoredCredentials};
pub use secret::Secret;

/// Which reply RFC 4954 §6 gives for a failed exchange; see [`SaslError::reply_class`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplyClass {
    /// 501 5.5.2: a response that cannot be decoded or does not follow the mechanism's
    /// syntax.
    Malformed,
    /// 504 5.5.4: the mechanism is not supported.
    UnsupportedMechanism,
    /// 535 5.7.8: the credentials are invalid.
    AuthenticationFailed,
    /// 534 5.7.9: the mechanism is weaker than policy permits.
    MechanismTooWeak,
    /// 538 5.7.11: the mechanism needs an encrypted session.
    EncryptionRequired,
    /// 454 4.7.0: a temporary failure on the server's side.
    TemporaryFailure,
}

impl ReplyClass {
    /// The reply a server sends (RFC 4954 §6), with its enhanced status code (RFC 3463).
    pub const fn reply(self) -> Reply {
        match self {
            ReplyClass::Malformed => Reply::from_static_enhanced(
                ReplyCode::PARAMETER_SYNTAX_ERROR,
                EnhancedStatusCode::SYNTAX_ERROR,
                "Malformed authentication response",
            ),
            ReplyClass::UnsupportedMechanism => Reply::from_static_enhanced(
                ReplyCode::PARAMETER_NOT_IMPLEMENTED,
                EnhancedStatusCode::INVALID_COMMAND_ARGUMENTS,
                "Unrecognized authentication type",
            ),
            ReplyClass::AuthenticationFailed => replies::AUTH_CREDENTIALS_INVALID,
            ReplyClass::MechanismTooWeak => replies::AUTH_MECHANISM_TOO_WEAK,
            ReplyClass::EncryptionRequired => replies::ENCRYPTION_REQUIRED,
            ReplyClass::TemporaryFailure => replies::TEMPORARY_AUTH_FAILURE,
        }
    }
}

/// Why a SASL exchange failed, on either side.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaslError {
    /// The peer's message does not follow the mechanism's syntax (truncated, a missing
    /// attribute, bad base64 inside SCRAM, bad UTF-8, ...).
    #[error("malformed SASL message: {0}")]
    Malformed(&'static str),
    /// A name or password holds what SASLprep (RFC 4013) prohibits.
    #[error("string refused by SASLprep (RFC 4013)")]
    Prohibited,
    /// The credentials are wrong, the user is unknown, or the program refused.
    #[error("authentication failed")]
    AuthenticationFailed,
    /// SCRAM: the client-final nonce is not the one the server built (RFC 5802 §5.1).
    #[error("SCRAM nonce does not match")]
    NonceMismatch,
    /// SCRAM: the channel binding in the client-final message is not this channel's
    /// (RFC 5802 §6).
    #[error("channel binding does not match")]
    ChannelBindingMismatch,
    /// SCRAM: the client asked for a channel binding type the server has no data for.
    #[error("unsupported channel binding type")]
    UnsupportedChannelBinding,
    /// SCRAM: the client said `y` (it supports channel binding but thinks the server does
    /// not) while this server offers `-PLUS`: a downgrade (RFC 5802 §6). Also a `-PLUS`
    /// mechanism without `p=`, or `p=` on a mechanism without `-PLUS`.
    #[error("channel binding downgrade")]
    Downgrade,
    /// A `-PLUS` mechanism without channel binding data to bind to.
    #[error("channel binding data required")]
    ChannelBindingRequired,
    /// SCRAM client: the server's signature does not verify; the server does not know the
    /// password, and the exchange MUST be considered failed (RFC 5802 §5).
    #[error("server signature does not verify")]
    ServerSignature,
    /// The server refused, with its reason: a SCRAM `e=` value (RFC 5802 §7) or an OAuth
    /// JSON error (RFC 7628 §3.2.2).
    #[error("server refused: {0}")]
    ServerRejected(String),
    /// SCRAM client: the server's iteration count is below the configured minimum
    /// (RFC 7677 §4: at least 4096).
    #[error("SCRAM iteration count {iterations} below the minimum {minimum}")]
    IterationCountTooLow {
        /// The count the server sent.
        iterations: u32,
        /// The configured minimum.
        minimum: u32,
    },
    /// SCRAM client: the server's iteration count is above the configured maximum (a
    /// server could otherwise make the client compute for hours).
    #[error("SCRAM iteration count {iterations} above the maximum {maximum}")]
    IterationCountTooHigh {
        /// The count the server sent.
        iterations: u32,
        /// The configured maximum.
        maximum: u32,
    },
    /// This crate has no exchange for the mechanism, or has not the credentials it needs
    /// (a password for a token mechanism, a token for a password one).
    #[error("unsupported SASL mechanism {0}")]
    UnsupportedMechanism(Mechanism),
    /// The mechanism is weaker than policy permits; for the machines and programs to
    /// report (RFC 4954 §6, 534).
    #[error("mechanism too weak")]
    MechanismTooWeak,
    /// The mechanism needs an encrypted session; for the machines to report before TLS
    /// (RFC 4954 §6, 538).
    #[error("encryption required for this mechanism")]
    EncryptionRequired,
    /// A call the exchange did not expect in its state: a step after the end, an answer
    /// to a question it did not ask.
    #[error("SASL exchange driven out of order")]
    OutOfOrder,
    /// The randomness source failed.
    #[error("randomness unavailable")]
    Randomness,
}

impl SaslError {
    /// The reply a server sends for this error (RFC 4954 §6), ready to encode.
    pub fn reply(&self) -> Reply {
        self.reply_class().reply()
    }

    /// Which RFC 4954 §6 reply applies to this error.
    pub fn reply_class(&self) -> ReplyClass {
        match self {
            SaslError::Malformed(_) | SaslError::Prohibited => ReplyClass::Malformed,
            SaslError::AuthenticationFailed
            | SaslError::NonceMismatch
            | SaslError::ChannelBindingMismatch
            | SaslError::UnsupportedChannelBinding
            | SaslError::Downgrade
            | SaslError::ServerSignature
            | SaslError::ServerRejected(_) => ReplyClass::AuthenticationFailed,
            SaslError::IterationCountTooLow { .. } | SaslError::MechanismTooWeak => {
                ReplyClass::MechanismTooWeak
            }
            SaslError::IterationCountTooHigh { .. } => ReplyClass::Malformed,
            SaslError::UnsupportedMechanism(_) | SaslError::ChannelBindingRequired => {
                ReplyClass::UnsupportedMechanism
            }
            SaslError::EncryptionRequired => ReplyClass::EncryptionRequired,
            SaslError::OutOfOrder | SaslError::Randomness => ReplyClass::TemporaryFailure,
        }
    }
}

/// A channel binding type (RFC 5056), named as in the IANA registry.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelBindingType {
    /// `tls-exporter` (RFC 9266): 32 octets exported from TLS with the label
    /// `EXPORTER-Channel-Binding` and an empty context. The one to use with TLS 1.3.
    TlsExporter,
    /// `tls-server-end-point` (RFC 5929 §4): the hash of the server's certificate.
    TlsServerEndPoint,
}

impl ChannelBindingType {
    /// The registered name, as in the GS2 header's `p=` (RFC 5802 §7 `cb-name`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ChannelBindingType::TlsExporter => "tls-exporter",
            ChannelBindingType::TlsServerEndPoint => "tls-server-end-point",
        }
    }

    /// The type this registered name stands for (names are case-sensitive).
    pub fn from_name(name: &str) -> Option<ChannelBindingType> {
        match name {
            "tls-exporter" => Some(ChannelBindingType::TlsExporter),
            "tls-server-end-point" => Some(ChannelBindingType::TlsServerEndPoint),
            _ => None,
        }
    }
}

impl fmt::Display for ChannelBindingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Channel binding data for a `-PLUS` mechanism: its type and the octets the caller's TLS
/// stack gave for this connection. The crate does no TLS.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ChannelBinding {
    kind: ChannelBindingType,
    data: Vec<u8>,
}

impl ChannelBinding {
    /// Data of the given type.
    pub fn new(kind: ChannelBindingType, data: impl Into<Vec<u8>>) -> ChannelBinding {
        ChannelBinding { kind, data: data.into() }
    }

    /// `tls-exporter` (RFC 9266 §2): the 32 octets of `export_keying_material` with the
    /// label `EXPORTER-Channel-Binding` and an empty context.
    pub fn tls_exporter(keying_material: [u8; 32]) -> ChannelBinding {
        ChannelBinding::new(ChannelBindingType::TlsExporter, keying_material)
    }

    /// `tls-server-end-point` (RFC 5929 §4.1): the hash of the server certificate (with
    /// the certificate's signature hash, SHA-256 for MD5 or SHA-1).
    pub fn tls_server_end_point(certificate_hash: impl Into<Vec<u8>>) -> ChannelBinding {
        ChannelBinding::new(ChannelBindingType::TlsServerEndPoint, certificate_hash)
    }

    /// The binding type.
    pub fn kind(&self) -> ChannelBindingType {
        self.kind
    }

    /// The binding data.
    pub fn data(&self) -> &[u8] {
        &self.data
    }
}

impl fmt::Debug for ChannelBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The data is derived from the TLS secrets: show only its size.
        f.debug_struct("ChannelBinding")
            .field("kind", &self.kind)
            .field("len", &self.data.len())
            .finish()
    }
}

/// What a client authenticates with: a password or a bearer token.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// A password: PLAIN, LOGIN, CRAM-MD5, SCRAM.
    Password,
    /// An OAuth 2.0 bearer token: XOAUTH2, OAUTHBEARER.
    BearerToken,
}

/// A client's credentials: the authentication identity, an optional authorization
/// identity (RFC 4422 §2), and a password or a bearer token.
///
/// `Debug` shows the identities and nothing of the secret.
#[derive(Debug, Clone)]
pub struct Credentials {
    authzid: Option<String>,
    username: String,
    secret: Secret,
    kind: SecretKind,
}

impl Credentials {
    /// A user name and a password.
    pub fn password(username: impl Into<String>, password: impl Into<Secret>) -> Credentials {
        Credentials {
            authzid: None,
            username: username.into(),
            secret: password.into(),
            kind: SecretKind::Password,
        }
    }

    /// A user name and an OAuth 2.0 bearer token (RFC 6750).
    pub fn bearer_token(username: impl Into<String>, token: impl Into<Secret>) -> Credentials {
        Credentials {
            authzid: None,
            username: username.into(),
            secret: token.into(),
            kind: SecretKind::BearerToken,
        }
    }

    /// The same credentials, asking to act as `authzid` (RFC 4422 §2). For OAUTHBEARER the
    /// authorization identity is the `a=` of the GS2 header; XOAUTH2 has none.
    pub fn with_authzid(mut self, authzid: impl Into<String>) -> Credentials {
        self.authzid = Some(authzid.into());
        self
    }

    /// The authentication identity (user name).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The authorization identity, if one is asked for.
    pub fn authzid(&self) -> Option<&str> {
        self.authzid.as_deref()
    }

    /// Whether the secret is a password or a token.
    pub fn kind(&self) -> SecretKind {
        self.kind
    }

    /// The password or token.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }
}

/// Client-side settings of the SASL exchanges (the `Client` machine will hold one).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaslClientConfig {
    /// Channel binding data of this connection, when the TLS stack gives it. With it the
    /// client prefers `-PLUS` mechanisms, and on a plain SCRAM mechanism says `y`
    /// ("I could bind, the server seems not to", RFC 5802 §6) instead of `n`.
    pub channel_binding: Option<ChannelBinding>,
    /// The smallest SCRAM iteration count accepted from a server. Default 4096 (RFC 7677
    /// §4, RFC 5802 §9).
    pub min_iterations: u32,
    /// The largest SCRAM iteration count accepted from a server, so a hostile server
    /// cannot make the client compute without end. Default 10 000 000.
    pub max_iterations: u32,
    /// OAUTHBEARER `host=` (RFC 7628 §3.1): the server name the client connected to.
    pub oauth_host: Option<String>,
    /// OAUTHBEARER `port=` (RFC 7628 §3.1).
    pub oauth_port: Option<u16>,
}

impl Default for SaslClientConfig {
    fn default() -> Self {
        SaslClientConfig {
            channel_binding: None,
            min_iterations: 4096,
            max_iterations: 10_000_000,
            oauth_host: None,
            oauth_port: None,
        }
    }
}

/// Server-side settings of the SASL exchanges, for one connection.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaslServerConfig {
    /// The host name in CRAM-MD5 challenges (`<unique.stamp@hostname>`, RFC 2195 §2).
    /// Default `localhost`.
    pub hostname: String,
    /// Channel binding data of this connection, one per type the TLS stack gives. When
    /// there is any, the server offers the `-PLUS` SCRAM mechanisms, and a client that says
    /// `y` on a plain SCRAM mechanism is refused as a downgrade (RFC 5802 §6). Empty by
    /// default (no TLS, or no binding data).
    pub channel_bindings: Vec<ChannelBinding>,
}

impl Default for SaslServerConfig {
    fn default() -> Self {
        SaslServerConfig { hostname: "localhost".into(), channel_bindings: Vec::new() }
    }
}

impl SaslServerConfig {
    /// The mechanisms this layer serves, strongest first, for the EHLO `AUTH` keyword: the
    /// `-PLUS` ones only when there is channel binding data; PLAIN and LOGIN only when
    /// `plaintext` (the machine passes whether the session is under TLS or configured to
    /// allow them).
    pub fn mechanisms(&self, plaintext: bool) -> Vec<Mechanism> {
        let mut list = Vec::new();
        if !self.channel_bindings.is_empty() {
            list.extend([Mechanism::ScramSha256Plus, Mechanism::ScramSha1Plus]);
        }
        list.extend([Mechanism::ScramSha256, Mechanism::ScramSha1, Mechanism::CramMd5]);
        if plaintext {
            list.extend([Mechanism::Plain, Mechanism::Login]);
        }
        list.extend([Mechanism::OAuthBearer, Mechanism::XOAuth2]);
        list
    }
}

/// The strongest mechanism `offered` that these credentials can use, strongest first:
/// SCRAM-SHA-256-PLUS and SCRAM-SHA-1-PLUS (only with channel binding data),
/// SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, then PLAIN and LOGIN (only when
/// `allow_plaintext`: under TLS, or when configured); OAUTHBEARER then XOAUTH2 for a
/// bearer token.
pub fn choose_mechanism(
    offered: &[Mechanism],
    credentials: &Credentials,
    options: &SaslClientConfig,
    allow_plaintext: bool,
) -> Option<Mechanism> {
    let order: &[Mechanism] = match credentials.kind {
        SecretKind::BearerToken => &[Mechanism::OAuthBearer, Mechanism::XOAuth2],
        SecretKind::Password => &[
            Mechanism::ScramSha256Plus,
            Mechanism::ScramSha1Plus,
            Mechanism::ScramSha256,
            Mechanism::ScramSha1,
            Mechanism::CramMd5,
            Mechanism::Plain,
            Mechanism::Login,
        ],
    };
    order
        .iter()
        .filter(|m| options.channel_binding.is_some() || !m.uses_channel_binding())
        .filter(|m| allow_plaintext || !m.is_plaintext())
        .find(|m| offered.contains(m))
        .cloned()
}

/// [`choose_mechanism`] among the mechanisms an EHLO reply offers (RFC 4954 §3).
pub fn preferred_mechanism(
    capabilities: &Capabilities,
    credentials: &Credentials,
    options: &SaslClientConfig,
    allow_plaintext: bool,
) -> Option<Mechanism> {
    choose_mechanism(capabilities.auth_mechanisms(), credentials, options, allow_plaintext)
}

/// The client side of one exchange.
///
/// Drive it as RFC 4954 §4 does: if [`initial_response`](Self::initial_response) gives a
/// response, send it with `AUTH`; answer each `334` challenge (decoded) with
/// [`step`](Self::step) (on `Err`, cancel with `*`); after the final `235`, trust it only
/// if [`is_complete`](Self::is_complete).
#[derive(Debug)]
pub struct ClientExchange {
    mechanism: Mechanism,
    inner: ClientInner,
}

/// The mechanism-specific client state.
#[derive(Debug)]
enum ClientInner {
    Plain(plain::PlainClient),
    Login(login::LoginClient),
    CramMd5(cram_md5::CramMd5Client),
    Scram(Box<scram::ScramClient>),
    OAuth(oauth::OAuthClient),
}

impl ClientExchange {
    /// An exchange of `mechanism` for these credentials. The SCRAM client nonce is drawn
    /// from `rng` here.
    ///
    /// Fails with [`SaslError::UnsupportedMechanism`] for a mechanism this crate has no
    /// exchange for or that does not fit the credentials' kind,
    /// [`SaslError::ChannelBindingRequired`] for a `-PLUS` mechanism without
    /// [`SaslClientConfig::channel_binding`], [`SaslError::Prohibited`] when SCRAM's SASLprep
    /// refuses the name or password.
    pub fn new(
        mechanism: &Mechanism,
        credentials: Credentials,
        options: &SaslClientConfig,
        rng: &mut dyn Randomness,
    ) -> Result<ClientExchange, SaslError> {
        let unsupported = || SaslError::UnsupportedMechanism(mechanism.clone());
        let password = credentials.kind == SecretKind::Password;
        let inner = match mechanism {
            Mechanism::Plain if password => {
                ClientInner::Plain(plain::PlainClient::new(credentials))
            }
            Mechanism::Login if password => {
                ClientInner::Login(login::LoginClient::new(credentials))
            }
            Mechanism::CramMd5 if password => {
                ClientInner::CramMd5(cram_md5::CramMd5Client::new(credentials))
            }
            Mechanism::ScramSha1
            | Mechanism::ScramSha1Plus
            | Mechanism::ScramSha256
            | Mechanism::ScramSha256Plus
                if password =>
            {
                ClientInner::Scram(Box::new(scram::ScramClient::new(
                    mechanism,
                    credentials,
                    options,
                    rng,
                )?))
            }
            Mechanism::XOAuth2 | Mechanism::OAuthBearer if !password => {
                ClientInner::OAuth(oauth::OAuthClient::new(mechanism, credentials, options))
            }
            _ => return Err(unsupported()),
        };
        Ok(ClientExchange { mechanism: mechanism.clone(), inner })
    }

    /// The mechanism.
    pub fn mechanism(&self) -> &Mechanism {
        &self.mechanism
    }

    /// Whether the mechanism is client-first: it has a response to send with the `AUTH`
    /// command itself (RFC 4954 §4) — PLAIN, SCRAM, XOAUTH2, OAUTHBEARER.
    pub fn has_initial_response(&self) -> bool {
        !matches!(self.inner, ClientInner::Login(_) | ClientInner::CramMd5(_))
    }

    /// The initial response, once, for a client-first mechanism; `None` for the others and
    /// on later calls. A client that does not send it answers the server's empty `334`
    /// challenge with [`step`](Self::step) instead, which then gives the same response.
    pub fn initial_response(&mut self) -> Option<Secret> {
        match &mut self.inner {
            ClientInner::Plain(c) => c.initial_response(),
            ClientInner::Login(_) | ClientInner::CramMd5(_) => None,
            ClientInner::Scram(c) => c.initial_response(),
            ClientInner::OAuth(c) => c.initial_response(),
        }
    }

    /// The response to one (decoded) `334` challenge.
    ///
    /// An `Err` ends the exchange: the machine cancels it (`*`, RFC 4954 §4). An OAuth
    /// error challenge (RFC 7628 §3.2.2) is answered `Ok` with the dummy response the
    /// mechanism asks for, and the exchange then expects the server's failure; see
    /// [`server_message`](Self::server_message).
    pub fn step(&mut self, challenge: &[u8]) -> Result<Secret, SaslError> {
        match &mut self.inner {
            ClientInner::Plain(c) => c.step(challenge),
            ClientInner::Login(c) => c.step(challenge),
            ClientInner::CramMd5(c) => c.step(challenge),
            ClientInner::Scram(c) => c.step(challenge),
            ClientInner::OAuth(c) => c.step(challenge),
        }
    }

    /// Whether the client has all it expects: every message sent and, for SCRAM, the
    /// server's signature verified (RFC 5802 §5). A `235` that arrives before this is true
    /// must not be trusted.
    pub fn is_complete(&self) -> bool {
        match &self.inner {
            ClientInner::Plain(c) => c.is_complete(),
            ClientInner::Login(c) => c.is_complete(),
            ClientInner::CramMd5(c) => c.is_complete(),
            ClientInner::Scram(c) => c.is_complete(),
            ClientInner::OAuth(c) => c.is_complete(),
        }
    }

    /// The error the server explained itself with, if any: an OAuth JSON error
    /// (RFC 7628 §3.2.2) or a SCRAM `e=` value.
    pub fn server_message(&self) -> Option<&str> {
        match &self.inner {
            ClientInner::Scram(c) => c.server_message(),
            ClientInner::OAuth(c) => c.server_message(),
            _ => None,
        }
    }
}

/// Who authenticated: the end of a successful exchange.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Outcome {
    /// The authorization identity asked for (RFC 4422 §2), if any: the identity to act as.
    pub authzid: Option<String>,
    /// The authentication identity whose credentials were checked.
    pub authcid: String,
}

/// PLAIN or LOGIN: the client sent a password; the program checks it and answers
/// [`ServerExchange::password_verified`].
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct PasswordCheck {
    /// The authorization identity asked for; the program decides whether `authcid` may act
    /// as it (RFC 4616 §2).
    pub authzid: Option<String>,
    /// The authentication identity, after SASLprep (RFC 4013).
    pub authcid: String,
    /// The password, after SASLprep.
    pub password: Secret,
}

impl PasswordCheck {
    /// Whether the password is `expected` (after SASLprep of `expected`), compared in
    /// constant time. A convenience for programs that keep plaintext passwords.
    pub fn password_is(&self, expected: &str) -> bool {
        use subtle::ConstantTimeEq;
        match stringprep::saslprep(expected) {
            Ok(prepared) => bool::from(prepared.as_bytes().ct_eq(self.password.expose())),
            Err(_) => false,
        }
    }
}

/// CRAM-MD5: the exchange needs the user's password to check the digest; the program
/// answers [`ServerExchange::provide_password`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PasswordLookup {
    /// The user name the client sent.
    pub authcid: String,
}

/// SCRAM: the exchange needs the user's stored credentials; the program answers
/// [`ServerExchange::provide_scram_credentials`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScramLookup {
    /// The algorithm the stored credentials must be for.
    pub algorithm: ScramAlgorithm,
    /// The authorization identity asked for, if any.
    pub authzid: Option<String>,
    /// The user name, decoded and after SASLprep.
    pub authcid: String,
}

/// XOAUTH2 or OAUTHBEARER: the program judges the token and answers
/// [`ServerExchange::token_verified`].
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct TokenCheck {
    /// XOAUTH2's `user=`, or OAUTHBEARER's authorization identity (`a=` of the GS2
    /// header, RFC 7628 §3.1), if any.
    pub user: Option<String>,
    /// The bearer token (`auth=Bearer <token>`); empty when the client sent an empty
    /// `auth=` to learn the scope it needs (RFC 7628 §4.3): answer it with
    /// [`TokenVerdict::Invalid`].
    pub token: Secret,
    /// OAUTHBEARER `host=`, if sent.
    pub host: Option<String>,
    /// OAUTHBEARER `port=`, if sent.
    pub port: Option<u16>,
}

/// The program's judgement of a bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TokenVerdict {
    /// The token is valid and belongs to `authcid`.
    Valid {
        /// Whose token it is.
        authcid: String,
    },
    /// The token is refused; `error` is the JSON error object sent to the client
    /// (RFC 7628 §3.2.2), e.g. `{"status":"invalid_token"}`.
    Invalid {
        /// The JSON error object.
        error: String,
    },
}

/// What the server does next: the result of every [`ServerExchange`] call.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum ServerStep {
    /// Send this challenge (`334` with its base64) and feed the response to
    /// [`ServerExchange::step`].
    Challenge(Vec<u8>),
    /// Check a password ([`ServerExchange::password_verified`]).
    VerifyPassword(PasswordCheck),
    /// Look up a password ([`ServerExchange::provide_password`]).
    NeedPassword(PasswordLookup),
    /// Look up SCRAM credentials ([`ServerExchange::provide_scram_credentials`]).
    NeedScramCredentials(ScramLookup),
    /// Judge a bearer token ([`ServerExchange::token_verified`]).
    VerifyToken(TokenCheck),
    /// Authenticated (`235`).
    Success(Outcome),
    /// Failed; [`SaslError::reply_class`] tells the reply.
    Failure(SaslError),
}

/// The server side of one exchange: see [`ServerStep`] for the loop.
///
/// After `Success` or `Failure` every call returns `Failure(SaslError::OutOfOrder)`.
#[derive(Debug)]
pub struct ServerExchange {
    mechanism: Mechanism,
    inner: ServerInner,
    finished: bool,
}

/// The mechanism-specific server state.
#[derive(Debug)]
enum ServerInner {
    Plain(plain::PlainServer),
    Login(login::LoginServer),
    CramMd5(cram_md5::CramMd5Server),
    Scram(Box<scram::ScramServer>),
    OAuth(oauth::OAuthServer),
}

impl ServerExchange {
    /// An exchange of `mechanism`. The SCRAM server nonce or the CRAM-MD5 challenge is
    /// drawn from `rng` here.
    ///
    /// Fails with [`SaslError::UnsupportedMechanism`] for a mechanism this crate does not
    /// serve, or a `-PLUS` one when `options` has no channel binding data.
    pub fn new(
        mechanism: &Mechanism,
        options: &SaslServerConfig,
        rng: &mut dyn Randomness,
    ) -> Result<ServerExchange, SaslError> {
        let inner = match mechanism {
            Mechanism::Plain => ServerInner::Plain(plain::PlainServer::default()),
            Mechanism::Login => ServerInner::Login(login::LoginServer::default()),
            Mechanism::CramMd5 => {
                ServerInner::CramMd5(cram_md5::CramMd5Server::new(&options.hostname, rng)?)
            }
            Mechanism::ScramSha1
            | Mechanism::ScramSha1Plus
            | Mechanism::ScramSha256
            | Mechanism::ScramSha256Plus => {
                ServerInner::Scram(Box::new(scram::ScramServer::new(mechanism, options, rng)?))
            }
            Mechanism::XOAuth2 | Mechanism::OAuthBearer => {
                ServerInner::OAuth(oauth::OAuthServer::new(mechanism))
            }
            _ => return Err(SaslError::UnsupportedMechanism(mechanism.clone())),
        };
        Ok(ServerExchange { mechanism: mechanism.clone(), inner, finished: false })
    }

    /// The mechanism.
    pub fn mechanism(&self) -> &Mechanism {
        &self.mechanism
    }

    /// Whether the exchange has ended in `Success` or `Failure`.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Starts the exchange with the `AUTH` command's initial response, decoded (`=` is
    /// `Some(b"")`, RFC 4954 §4), or `None`.
    pub fn start(&mut self, initial_response: Option<&[u8]>) -> ServerStep {
        self.drive(|inner| match inner {
            ServerInner::Plain(s) => s.start(initial_response),
            ServerInner::Login(s) => s.start(initial_response),
            ServerInner::CramMd5(s) => s.start(initial_response),
            ServerInner::Scram(s) => s.start(initial_response),
            ServerInner::OAuth(s) => s.start(initial_response),
        })
    }

    /// Feeds the client's (decoded) response to the last challenge.
    pub fn step(&mut self, response: &[u8]) -> ServerStep {
        self.drive(|inner| match inner {
            ServerInner::Plain(s) => s.step(response),
            ServerInner::Login(s) => s.step(response),
            ServerInner::CramMd5(s) => s.step(response),
            ServerInner::Scram(s) => s.step(response),
            ServerInner::OAuth(s) => s.step(response),
        })
    }

    /// Answers [`ServerStep::VerifyPassword`]: whether the password is right and the
    /// authentication identity may act as the authorization identity.
    pub fn password_verified(&mut self, ok: bool) -> ServerStep {
        self.drive(|inner| match inner {
            ServerInner::Plain(s) => s.password_verified(ok),
            ServerInner::Login(s) => s.password_verified(ok),
            _ => ServerStep::Failure(SaslError::OutOfOrder),
        })
    }

    /// Answers [`ServerStep::NeedPassword`] with the user's password, or `None` for an
    /// unknown user.
    pub fn provide_password(&mut self, password: Option<Secret>) -> ServerStep {
        self.drive(|inner| match inner {
            ServerInner::CramMd5(s) => s.provide_password(password),
            _ => ServerStep::Failure(SaslError::OutOfOrder),
        })
    }

    /// Answers [`ServerStep::NeedScramCredentials`] with the user's stored credentials, or
    /// `None` for an unknown user (or one not allowed to act as the authorization
    /// identity). For `None` the exchange goes on with made-up credentials and fails at
    /// the proof, so a client cannot tell unknown users from wrong passwords
    /// (RFC 5802 §9).
    pub fn provide_scram_credentials(
        &mut self,
        credentials: Option<StoredCredentials>,
    ) -> ServerStep {
        self.drive(|inner| match inner {
            ServerInner::Scram(s) => s.provide_credentials(credentials),
            _ => ServerStep::Failure(SaslError::OutOfOrder),
        })
    }

    /// Answers [`ServerStep::VerifyToken`]. A refused token is answered with the JSON
    /// error challenge, and the exchange fails on the client's dummy response
    /// (RFC 7628 §3.2.2).
    pub fn token_verified(&mut self, verdict: TokenVerdict) -> ServerStep {
        self.drive(|inner| match inner {
            ServerInner::OAuth(s) => s.token_verified(verdict),
            _ => ServerStep::Failure(SaslError::OutOfOrder),
        })
    }

    /// Runs one call unless the exchange has ended, and notes when it ends.
    fn drive(&mut self, call: impl FnOnce(&mut ServerInner) -> ServerStep) -> ServerStep {
        if self.finished {
            return ServerStep::Failure(SaslError::OutOfOrder);
        }
        let step = call(&mut self.inner);
        if matches!(step, ServerStep::Success(_) | ServerStep::Failure(_)) {
            self.finished = true;
        }
        step
    }
}

/// RFC 5802 §7 `printable = %x21-2B / %x2D-7E` (no `,`), at least one character.
pub(crate) fn is_printable(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| matches!(c, 0x21..=0x2B | 0x2D..=0x7E))
}

/// SASLprep (RFC 4013) of a name or password.
pub(crate) fn saslprep(s: &str) -> Result<String, SaslError> {
    stringprep::saslprep(s).map(|c| c.into_owned()).map_err(|_| SaslError::Prohibited)
}

/// UTF-8 text of a peer's message, or a [`SaslError::Malformed`].
pub(crate) fn utf8<'a>(octets: &'a [u8], what: &'static str) -> Result<&'a str, SaslError> {
    std::str::from_utf8(octets).map_err(|_| SaslError::Malformed(what))
}

/// RFC 5802 §7 `saslname`, encoding side: `,` as `=2C`, `=` as `=3D`.
pub(crate) fn encode_saslname(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            ',' => out.push_str("=2C"),
            '=' => out.push_str("=3D"),
            c => out.push(c),
        }
    }
    out
}

/// RFC 5802 §7 `saslname = 1*(value-safe-char / "=2C" / "=3D")`, decoding side: any other
/// `=`, a `,` or a NUL is an error, and so is an empty name.
pub(crate) fn decode_saslname(name: &str) -> Result<String, SaslError> {
    const BAD: SaslError = SaslError::Malformed("invalid saslname");
    if name.is_empty() || name.contains(['\0', ',']) {
        return Err(BAD);
    }
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(i) = rest.find('=') {
        out.push_str(&rest[..i]);
        match rest.get(i..i + 3) {
            Some("=2C") => out.push(','),
            Some("=3D") => out.push('='),
            _ => return Err(BAD),
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The GS2 channel binding flag (RFC 5802 §7 `gs2-cbind-flag`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Gs2Flag {
    /// `n`: the client does not support channel binding.
    No,
    /// `y`: the client supports it but thinks the server does not.
    Yes,
    /// `p=cb-name`: the client binds to this channel binding type.
    Bind(String),
}

/// A parsed GS2 header (RFC 5802 §7 `gs2-header = gs2-cbind-flag "," [ authzid ] ","`),
/// shared by SCRAM and OAUTHBEARER (RFC 7628 §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gs2Header {
    pub(crate) flag: Gs2Flag,
    pub(crate) authzid: Option<String>,
}

impl Gs2Header {
    /// Splits `message` into its GS2 header (parsed), the header's text (with its final
    /// `,`) and the rest.
    pub(crate) fn parse(message: &str) -> Result<(Gs2Header, &str, &str), SaslError> {
        const BAD: SaslError = SaslError::Malformed("invalid GS2 header");
        let (flag, after_flag) = message.split_once(',').ok_or(BAD)?;
        let (authzid, rest) = after_flag.split_once(',').ok_or(BAD)?;
        let flag = match flag {
            "n" => Gs2Flag::No,
            "y" => Gs2Flag::Yes,
            _ => match flag.strip_prefix("p=") {
                Some(name)
                    if !name.is_empty()
                        && name
                            .bytes()
                            .all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-') =>
                {
                    Gs2Flag::Bind(name.to_owned())
                }
                _ => return Err(BAD),
            },
        };
        let authzid = match authzid {
            "" => None,
            a => Some(decode_saslname(a.strip_prefix("a=").ok_or(BAD)?)?),
        };
        let header_len = message.len() - rest.len();
        Ok((Gs2Header { flag, authzid }, &message[..header_len], rest))
    }

    /// The wire form, with its final `,`.
    pub(crate) fn encode(&self) -> String {
        let flag = match &self.flag {
            Gs2Flag::No => "n".to_owned(),
            Gs2Flag::Yes => "y".to_owned(),
            Gs2Flag::Bind(name) => format!("p={name}"),
        };
        match &self.authzid {
            Some(a) => format!("{flag},a={},", encode_saslname(a)),
            None => format!("{flag},,"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saslname_round_trips_and_refuses_stray_equals() {
        for name in ["user", "a,b=c", "=,=,", "ünïcode"] {
            assert_eq!(decode_saslname(&encode_saslname(name)).unwrap(), name);
        }
        for bad in ["", "a=2", "a=3d", "a=", "a,b", "a\0b", "=41"] {
            assert!(decode_saslname(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn gs2_header_parses_and_encodes() {
        let (h, text, rest) = Gs2Header::parse("p=tls-exporter,a=me=2Cyou,n=x,r=y").unwrap();
        assert_eq!(h.flag, Gs2Flag::Bind("tls-exporter".into()));
        assert_eq!(h.authzid.as_deref(), Some("me,you"));
        assert_eq!((text, rest), ("p=tls-exporter,a=me=2Cyou,", "n=x,r=y"));
        assert_eq!(h.encode(), text);
        let (h, text, _) = Gs2Header::parse("n,,n=x").unwrap();
        assert_eq!((h.flag, h.authzid, text), (Gs2Flag::No, None, "n,,"));
        for bad in ["", "n", "n,", "x,,", "p=,,", "p=a b,,", "n,b=x,", "n,a=,", "N,,"] {
            assert!(Gs2Header::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reply_classes_follow_rfc4954_section_6() {
        let wire = |e: SaslError| e.reply().to_string();
        assert_eq!(
            wire(SaslError::Malformed("x")),
            "501 5.5.2 Malformed authentication response\r\n"
        );
        assert_eq!(
            wire(SaslError::AuthenticationFailed),
            "535 5.7.8 Authentication credentials invalid\r\n"
        );
        assert_eq!(
            wire(SaslError::MechanismTooWeak),
            "534 5.7.9 Authentication mechanism is too weak\r\n"
        );
        assert_eq!(
            wire(SaslError::EncryptionRequired),
            "538 5.7.11 Encryption required for requested authentication mechanism\r\n"
        );
        assert_eq!(wire(SaslError::Randomness), "454 4.7.0 Temporary authentication failure\r\n");
        assert_eq!(
            wire(SaslError::UnsupportedMechanism(Mechanism::Ntlm)),
            "504 5.5.4 Unrecognized authentication type\r\n"
        );
    }

    #[test]
    fn printable_excludes_comma_and_controls() {
        assert!(is_printable("fyko+d2lbbFgONRv9qkxdawL"));
        assert!(is_printable("%hvYDpWUa2RaTCAfuxFIlj)ZNlHsPRvbGPKvLSwVkgR"));
        assert!(!is_printable(""));
        assert!(!is_printable("a,b"));
        assert!(!is_printable("a b"));
        assert!(!is_printable("é"));
    }
}
