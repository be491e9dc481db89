//! SCRAM (RFC 5802) with SHA-1 and SHA-256 (RFC 7677), and their `-PLUS` forms with
//! channel binding (RFC 5802 §6, RFC 5929, RFC 9266).
//!
//! ```text
//! SaltedPassword  := Hi(Normalize(password), salt, i)      ; PBKDF2 with HMAC-H
//! ClientKey       := HMAC(SaltedPassword, "Client Key")
//! StoredKey       := H(ClientKey)
//! AuthMessage     := client-first-message-bare + "," +
//!                    server-first-message + "," +
//!                    client-final-message-without-proof
//! ClientSignature := HMAC(StoredKey, AuthMessage)
//! ClientProof     := ClientKey XOR ClientSignature
//! ServerKey       := HMAC(SaltedPassword, "Server Key")
//! ServerSignature := HMAC(ServerKey, AuthMessage)
//! ```
//!
//! (RFC 5802 §3.) The server keeps only salt, iteration count, StoredKey and ServerKey
//! ([`StoredCredentials`]); it recovers ClientKey from the proof and checks that its hash
//! is StoredKey. The client checks ServerSignature, which proves the server holds
//! ServerKey.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{EagerHash, Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::ValidationError;
use crate::types::Mechanism;

use super::{
    ChannelBinding, Credentials, Gs2Flag, Gs2Header, Outcome, Randomness, SaslClientConfig,
    SaslError, SaslServerConfig, ScramLookup, Secret, ServerStep, decode_saslname, encode_saslname,
    is_printable, saslprep, utf8,
};

/// The hash function of a SCRAM mechanism.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScramAlgorithm {
    /// SHA-1: `SCRAM-SHA-1` (RFC 5802).
    Sha1,
    /// SHA-256: `SCRAM-SHA-256` (RFC 7677).
    Sha256,
}

impl ScramAlgorithm {
    /// The algorithm of a SCRAM mechanism, and whether it is the `-PLUS` form.
    pub fn of(mechanism: &Mechanism) -> Option<(ScramAlgorithm, bool)> {
        match mechanism {
            Mechanism::ScramSha1 => Some((ScramAlgorithm::Sha1, false)),
            Mechanism::ScramSha1Plus => Some((ScramAlgorithm::Sha1, true)),
            Mechanism::ScramSha256 => Some((ScramAlgorithm::Sha256, false)),
            Mechanism::ScramSha256Plus => Some((ScramAlgorithm::Sha256, true)),
            _ => None,
        }
    }

    /// The size of the hash output, and so of StoredKey, ServerKey and the proof.
    pub const fn output_len(self) -> usize {
        match self {
            ScramAlgorithm::Sha1 => 20,
            ScramAlgorithm::Sha256 => 32,
        }
    }

    /// `HMAC(key, data)`.
    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            ScramAlgorithm::Sha1 => hmac_with::<Sha1>(key, data),
            ScramAlgorithm::Sha256 => hmac_with::<Sha256>(key, data),
        }
    }

    /// `H(data)`.
    fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramAlgorithm::Sha1 => Sha1::digest(data).to_vec(),
            ScramAlgorithm::Sha256 => Sha256::digest(data).to_vec(),
        }
    }

    /// `Hi(password, salt, i)`: PBKDF2 with HMAC-H, one block (RFC 5802 §2.2).
    fn salted_password(self, password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(vec![0u8; self.output_len()]);
        match self {
            ScramAlgorithm::Sha1 => {
                pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, iterations, &mut out)
            }
            ScramAlgorithm::Sha256 => {
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out)
            }
        }
        out
    }
}

/// `HMAC-D(key, data)` (RFC 2104).
fn hmac_with<D: EagerHash>(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length (RFC 2104 §2).
    let mut mac = <Hmac<D> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// What a SCRAM server keeps of a user's password (RFC 5802 §3): salt, iteration count,
/// StoredKey and ServerKey. They do not give the password, but they let whoever holds them
/// pose as the server, so keep them as secret as passwords.
///
/// `Debug` shows the algorithm, the iteration count and the sizes, nothing of the keys.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredCredentials {
    algorithm: ScramAlgorithm,
    salt: Vec<u8>,
    iterations: u32,
    stored_key: Zeroizing<Vec<u8>>,
    server_key: Zeroizing<Vec<u8>>,
}

impl StoredCredentials {
    /// Credentials from their parts, as read from the program's store. The keys must be
    /// [`output_len`](ScramAlgorithm::output_len) octets, the salt not empty, the
    /// iteration count at least 1.
    pub fn new(
        algorithm: ScramAlgorithm,
        salt: impl Into<Vec<u8>>,
        iterations: u32,
        stored_key: impl Into<Vec<u8>>,
        server_key: impl Into<Vec<u8>>,
    ) -> Result<StoredCredentials, ValidationError> {
        let (salt, stored_key, server_key) = (salt.into(), stored_key.into(), server_key.into());
        let what = "SCRAM stored credentials";
        if salt.is_empty() {
            return Err(ValidationError::new(what, "empty salt"));
        }
        if iterations == 0 {
            return Err(ValidationError::new(what, "iteration count 0"));
        }
        if stored_key.len() != algorithm.output_len() || server_key.len() != algorithm.output_len()
        {
            return Err(ValidationError::new(what, "key size is not the hash size"));
        }
        Ok(StoredCredentials {
            algorithm,
            salt,
            iterations,
            stored_key: Zeroizing::new(stored_key),
            server_key: Zeroizing::new(server_key),
        })
    }

    /// Derives the credentials from a password (after SASLprep, RFC 5802 §2.2), a salt
    /// (use at least 16 octets from a [`Randomness`], unique per user) and an iteration
    /// count (at least 4096, RFC 7677 §4; more is better).
    pub fn derive(
        algorithm: ScramAlgorithm,
        password: &str,
        salt: &[u8],
        iterations: u32,
    ) -> Result<StoredCredentials, ValidationError> {
        let what = "SCRAM stored credentials";
        if salt.is_empty() || iterations == 0 {
            return Err(ValidationError::new(what, "empty salt or iteration count 0"));
        }
        let password = Zeroizing::new(
            saslprep(password)
                .map_err(|_| ValidationError::new(what, "password refused by SASLprep"))?,
        );
        let keys = Keys::derive(algorithm, password.as_bytes(), salt, iterations);
        StoredCredentials::new(
            algorithm,
            salt,
            iterations,
            keys.stored_key.to_vec(),
            keys.server_key.to_vec(),
        )
    }

    /// The hash algorithm.
    pub fn algorithm(&self) -> ScramAlgorithm {
        self.algorithm
    }

    /// The salt.
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The iteration count.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// StoredKey.
    pub fn stored_key(&self) -> &[u8] {
        &self.stored_key
    }

    /// ServerKey.
    pub fn server_key(&self) -> &[u8] {
        &self.server_key
    }
}

impl fmt::Debug for StoredCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredCredentials")
            .field("algorithm", &self.algorithm)
            .field("salt_len", &self.salt.len())
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

/// The keys both sides derive from the salted password (RFC 5802 §3).
struct Keys {
    client_key: Zeroizing<Vec<u8>>,
    stored_key: Zeroizing<Vec<u8>>,
    server_key: Zeroizing<Vec<u8>>,
}

impl Keys {
    fn derive(algorithm: ScramAlgorithm, password: &[u8], salt: &[u8], iterations: u32) -> Keys {
        let salted = algorithm.salted_password(password, salt, iterations);
        let client_key = Zeroizing::new(algorithm.hmac(&salted, b"Client Key"));
        Keys {
            stored_key: Zeroizing::new(algorithm.hash(&client_key)),
            server_key: Zeroizing::new(algorithm.hmac(&salted, b"Server Key")),
            client_key,
        }
    }
}

/// The attributes of a SCRAM message in order: `attr "=" value`, split at `,` (RFC 5802
/// §5.1: "attributes ... are separated by commas"; values of the attributes used here
/// hold no comma).
fn attributes(message: &str) -> impl Iterator<Item = Result<(u8, &str), SaslError>> {
    message.split(',').map(|attr| match attr.as_bytes() {
        [name, b'=', ..] if name.is_ascii_alphabetic() => Ok((*name, &attr[2..])),
        _ => Err(SaslError::Malformed("invalid SCRAM attribute")),
    })
}

/// The next attribute, which must be `name`.
fn expect<'a>(
    attrs: &mut impl Iterator<Item = Result<(u8, &'a str), SaslError>>,
    name: u8,
    missing: &'static str,
) -> Result<&'a str, SaslError> {
    match attrs.next() {
        Some(Ok((n, value))) if n == name => Ok(value),
        Some(Err(e)) => Err(e),
        _ => Err(SaslError::Malformed(missing)),
    }
}

/// Any attributes left must be well-formed extensions (RFC 5802 §7 `extensions`), which
/// are ignored.
fn extensions<'a>(
    mut attrs: impl Iterator<Item = Result<(u8, &'a str), SaslError>>,
) -> Result<(), SaslError> {
    attrs.try_for_each(|a| a.map(drop))
}

/// A message must not start with the reserved `m=` (RFC 5802 §5.1: "If this extension is
/// not supported, authentication MUST fail").
fn refuse_mandatory_extension(message: &str) -> Result<(), SaslError> {
    if message.starts_with("m=") {
        return Err(SaslError::Malformed("mandatory SCRAM extension not supported"));
    }
    Ok(())
}

fn base64(value: &str, what: &'static str) -> Result<Vec<u8>, SaslError> {
    STANDARD.decode(value).map_err(|_| SaslError::Malformed(what))
}

/// `a XOR b`, of equal length.
fn xor(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.iter().zip(b).map(|(x, y)| x ^ y).collect()
}

/// Where a SCRAM client stands.
enum ClientState {
    Initial,
    SentFirst,
    SentFinal { server_signature: Vec<u8> },
    Complete,
    Failed,
}

/// SCRAM, client side.
pub(super) struct ScramClient {
    algorithm: ScramAlgorithm,
    gs2: Gs2Header,
    /// The `c=` input: the GS2 header and, for `p=`, the channel binding data.
    cbind_input: Vec<u8>,
    password: Secret,
    nonce: String,
    client_first_bare: String,
    min_iterations: u32,
    max_iterations: u32,
    state: ClientState,
    server_message: Option<String>,
}

impl fmt::Debug for ScramClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramClient")
            .field("algorithm", &self.algorithm)
            .field("gs2", &self.gs2)
            .field("client_first_bare", &self.client_first_bare)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The expected server signature is not shown: it would let a reader forge the
        // server's last message.
        f.write_str(match self {
            ClientState::Initial => "Initial",
            ClientState::SentFirst => "SentFirst",
            ClientState::SentFinal { .. } => "SentFinal",
            ClientState::Complete => "Complete",
            ClientState::Failed => "Failed",
        })
    }
}

impl ScramClient {
    /// The GS2 flag follows RFC 5802 §6: `p=` for `-PLUS`; `y` for a plain SCRAM mechanism
    /// when the client has binding data (it could bind, the server did not offer `-PLUS`);
    /// `n` otherwise.
    pub(super) fn new(
        mechanism: &Mechanism,
        credentials: Credentials,
        options: &SaslClientConfig,
        rng: &mut dyn Randomness,
    ) -> Result<ScramClient, SaslError> {
        let (algorithm, plus) = ScramAlgorithm::of(mechanism)
            .ok_or(SaslError::UnsupportedMechanism(mechanism.clone()))?;
        let (flag, binding): (Gs2Flag, &[u8]) = match (&options.channel_binding, plus) {
            (Some(cb), true) => (Gs2Flag::Bind(cb.kind().as_str().to_owned()), cb.data()),
            (None, true) => return Err(SaslError::ChannelBindingRequired),
            (Some(_), false) => (Gs2Flag::Yes, &[]),
            (None, false) => (Gs2Flag::No, &[]),
        };
        let gs2 = Gs2Header { flag, authzid: credentials.authzid.clone() };
        let mut cbind_input = gs2.encode().into_bytes();
        cbind_input.extend_from_slice(binding);
        let username = saslprep(&credentials.username)?;
        if username.is_empty() {
            return Err(SaslError::Prohibited);
        }
        let password = credentials.secret.expose_str().ok_or(SaslError::Prohibited)?;
        let password = Secret::from(saslprep(password)?);
        let nonce = rng.nonce()?;
        if !is_printable(&nonce) {
            return Err(SaslError::Randomness);
        }
        let client_first_bare = format!("n={},r={nonce}", encode_saslname(&username));
        Ok(ScramClient {
            algorithm,
            gs2,
            cbind_input,
            password,
            nonce,
            client_first_bare,
            min_iterations: options.min_iterations,
            max_iterations: options.max_iterations,
            state: ClientState::Initial,
            server_message: None,
        })
    }

    /// `client-first-message = gs2-header client-first-message-bare`.
    pub(super) fn initial_response(&mut self) -> Option<Secret> {
        if !matches!(self.state, ClientState::Initial) {
            return None;
        }
        self.state = ClientState::SentFirst;
        Some(Secret::from(format!("{}{}", self.gs2.encode(), self.client_first_bare)))
    }

    pub(super) fn step(&mut self, challenge: &[u8]) -> Result<Secret, SaslError> {
        let result = match std::mem::replace(&mut self.state, ClientState::Failed) {
            ClientState::Initial if challenge.is_empty() => {
                self.state = ClientState::Initial;
                return self.initial_response().ok_or(SaslError::OutOfOrder);
            }
            ClientState::SentFirst => self.client_final(challenge),
            ClientState::SentFinal { server_signature } => {
                self.verify(challenge, &server_signature)
            }
            _ => Err(SaslError::Malformed("unexpected SCRAM challenge")),
        };
        if result.is_err() {
            self.state = ClientState::Failed;
        }
        result
    }

    /// Reads the server-first message and builds the client-final one:
    ///
    /// ```text
    /// server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," extensions]
    /// client-final-message = channel-binding "," nonce ["," extensions] "," proof
    /// ```
    fn client_final(&mut self, challenge: &[u8]) -> Result<Secret, SaslError> {
        let server_first = utf8(challenge, "SCRAM server-first is not UTF-8")?;
        refuse_mandatory_extension(server_first)?;
        let mut attrs = attributes(server_first);
        let nonce = expect(&mut attrs, b'r', "SCRAM server-first without r=")?;
        let salt = expect(&mut attrs, b's', "SCRAM server-first without s=")?;
        let iterations = expect(&mut attrs, b'i', "SCRAM server-first without i=")?;
        extensions(attrs)?;
        // The server's nonce extends ours (RFC 5802 §5.1).
        if !nonce.starts_with(&self.nonce)
            || nonce.len() == self.nonce.len()
            || !is_printable(nonce)
        {
            return Err(SaslError::NonceMismatch);
        }
        let salt = base64(salt, "SCRAM salt is not base64")?;
        if salt.is_empty() {
            return Err(SaslError::Malformed("empty SCRAM salt"));
        }
        if !iterations.bytes().all(|c| c.is_ascii_digit()) {
            return Err(SaslError::Malformed("SCRAM iteration count is not a number"));
        }
        let iterations: u32 = iterations
            .parse()
            .map_err(|_| SaslError::Malformed("SCRAM iteration count is not a number"))?;
        if iterations < self.min_iterations.max(1) {
            return Err(SaslError::IterationCountTooLow {
                iterations,
                minimum: self.min_iterations,
            });
        }
        if iterations > self.max_iterations {
            return Err(SaslError::IterationCountTooHigh {
                iterations,
                maximum: self.max_iterations,
            });
        }
        let keys = Keys::derive(self.algorithm, self.password.expose(), &salt, iterations);
        let without_proof = format!("c={},r={nonce}", STANDARD.encode(&self.cbind_input));
        let auth_message = format!("{},{server_first},{without_proof}", self.client_first_bare);
        // With the proof, which goes on the wire, the signature gives ClientKey: wipe it.
        let client_signature =
            Zeroizing::new(self.algorithm.hmac(&keys.stored_key, auth_message.as_bytes()));
        let proof = xor(&keys.client_key, &client_signature);
        let server_signature = self.algorithm.hmac(&keys.server_key, auth_message.as_bytes());
        self.state = ClientState::SentFinal { server_signature };
        Ok(Secret::from(format!("{without_proof},p={}", STANDARD.encode(proof))))
    }

    /// `server-final-message = (server-error / verifier) ["," extensions]`; the signature
    /// is compared in constant time.
    fn verify(&mut self, challenge: &[u8], server_signature: &[u8]) -> Result<Secret, SaslError> {
        let server_final = utf8(challenge, "SCRAM server-final is not UTF-8")?;
        let mut attrs = attributes(server_final);
        match attrs.next() {
            Some(Ok((b'e', error))) => {
                self.server_message = Some(error.to_owned());
                Err(SaslError::ServerRejected(error.to_owned()))
            }
            Some(Ok((b'v', verifier))) => {
                extensions(attrs)?;
                let verifier = base64(verifier, "SCRAM verifier is not base64")?;
                if bool::from(verifier.ct_eq(server_signature)) {
                    self.state = ClientState::Complete;
                    // RFC 4954 §4: additional data with success came as a challenge; the
                    // client answers it with an empty response.
                    Ok(Secret::default())
                } else {
                    Err(SaslError::ServerSignature)
                }
            }
            _ => Err(SaslError::Malformed("SCRAM server-final without v= or e=")),
        }
    }

    pub(super) fn is_complete(&self) -> bool {
        matches!(self.state, ClientState::Complete)
    }

    pub(super) fn server_message(&self) -> Option<&str> {
        self.server_message.as_deref()
    }
}

/// What the server keeps between client-first and client-final.
#[derive(Debug)]
struct First {
    /// The GS2 header as sent: part of the expected `c=`.
    gs2_text: String,
    /// The channel binding data of the type the client chose, if `p=`.
    binding: Vec<u8>,
    bare: String,
    client_nonce: String,
    outcome: Outcome,
}

/// Where a SCRAM server stands.
#[derive(Debug)]
enum ServerState {
    Start,
    AwaitFirst,
    AwaitCredentials(First),
    AwaitFinal {
        first: First,
        server_first: String,
        credentials: Option<StoredCredentials>,
    },
    /// The server-final `v=` went out; the client's empty response ends it.
    AwaitAck(Outcome),
    /// The server-final `e=` went out; the client's response ends it in failure.
    Failing(SaslError),
    Done,
}

/// SCRAM, server side.
#[derive(Debug)]
pub(super) struct ScramServer {
    algorithm: ScramAlgorithm,
    plus: bool,
    bindings: Vec<ChannelBinding>,
    server_nonce: String,
    /// The salt of the made-up credentials for an unknown user.
    decoy_salt: [u8; 16],
    state: ServerState,
}

impl ScramServer {
    pub(super) fn new(
        mechanism: &Mechanism,
        options: &SaslServerConfig,
        rng: &mut dyn Randomness,
    ) -> Result<ScramServer, SaslError> {
        let unsupported = || SaslError::UnsupportedMechanism(mechanism.clone());
        let (algorithm, plus) = ScramAlgorithm::of(mechanism).ok_or_else(unsupported)?;
        if plus && options.channel_bindings.is_empty() {
            return Err(unsupported());
        }
        let server_nonce = rng.nonce()?;
        if !is_printable(&server_nonce) {
            return Err(SaslError::Randomness);
        }
        let mut decoy_salt = [0u8; 16];
        rng.fill_bytes(&mut decoy_salt)?;
        Ok(ScramServer {
            algorithm,
            plus,
            bindings: options.channel_bindings.clone(),
            server_nonce,
            decoy_salt,
            state: ServerState::Start,
        })
    }

    pub(super) fn start(&mut self, initial: Option<&[u8]>) -> ServerStep {
        if !matches!(self.state, ServerState::Start) {
            return ServerStep::Failure(SaslError::OutOfOrder);
        }
        match initial {
            Some(message) => self.first(message),
            None => {
                self.state = ServerState::AwaitFirst;
                ServerStep::Challenge(Vec::new())
            }
        }
    }

    pub(super) fn step(&mut self, response: &[u8]) -> ServerStep {
        match std::mem::replace(&mut self.state, ServerState::Done) {
            ServerState::AwaitFirst => self.first(response),
            ServerState::AwaitFinal { first, server_first, credentials } => {
                match self.verify_final(response, &first, &server_first, credentials.as_ref()) {
                    Ok(server_final) => {
                        self.state = ServerState::AwaitAck(first.outcome);
                        ServerStep::Challenge(server_final.into_bytes())
                    }
                    Err(e) => {
                        let challenge = format!("e={}", server_error_value(&e)).into_bytes();
                        self.state = ServerState::Failing(e);
                        ServerStep::Challenge(challenge)
                    }
                }
            }
            // RFC 4954 §4: the client answers the server-final challenge with an empty
            // response.
            ServerState::AwaitAck(outcome) if response.is_empty() => ServerStep::Success(outcome),
            ServerState::AwaitAck(_) => {
                ServerStep::Failure(SaslError::Malformed("SCRAM expects an empty last response"))
            }
            ServerState::Failing(e) => ServerStep::Failure(e),
            _ => ServerStep::Failure(SaslError::OutOfOrder),
        }
    }

    fn first(&mut self, message: &[u8]) -> ServerStep {
        self.state = ServerState::Done;
        match self.parse_first(message) {
            Ok(first) => {
                let lookup = ScramLookup {
                    algorithm: self.algorithm,
                    authzid: first.outcome.authzid.clone(),
                    authcid: first.outcome.authcid.clone(),
                };
                self.state = ServerState::AwaitCredentials(first);
                ServerStep::NeedScramCredentials(lookup)
            }
            Err(e) => ServerStep::Failure(e),
        }
    }

    /// ```text
    /// client-first-message      = gs2-header client-first-message-bare
    /// client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
    /// ```
    ///
    /// with the channel binding rules of RFC 5802 §6: a `-PLUS` mechanism needs `p=` with
    /// a type this server has data for; a plain one refuses `p=`, and refuses `y` when
    /// this server offers `-PLUS` (the client was led to believe it does not: a
    /// downgrade).
    fn parse_first(&self, message: &[u8]) -> Result<First, SaslError> {
        let message = utf8(message, "SCRAM client-first is not UTF-8")?;
        let (header, gs2_text, bare) = Gs2Header::parse(message)?;
        let binding = match (&header.flag, self.plus) {
            (Gs2Flag::Bind(name), true) => self
                .bindings
                .iter()
                .find(|b| b.kind().as_str() == name)
                .map(|b| b.data().to_vec())
                .ok_or(SaslError::UnsupportedChannelBinding)?,
            (Gs2Flag::Bind(_), false) | (Gs2Flag::No | Gs2Flag::Yes, true) => {
                return Err(SaslError::Downgrade);
            }
            (Gs2Flag::Yes, false) if !self.bindings.is_empty() => return Err(SaslError::Downgrade),
            (Gs2Flag::Yes | Gs2Flag::No, false) => Vec::new(),
        };
        refuse_mandatory_extension(bare)?;
        let mut attrs = attributes(bare);
        let username = expect(&mut attrs, b'n', "SCRAM client-first without n=")?;
        let client_nonce = expect(&mut attrs, b'r', "SCRAM client-first without r=")?;
        extensions(attrs)?;
        if !is_printable(client_nonce) {
            return Err(SaslError::Malformed("SCRAM nonce is not printable"));
        }
        let authcid = saslprep(&decode_saslname(username)?)?;
        Ok(First {
            gs2_text: gs2_text.to_owned(),
            binding,
            bare: bare.to_owned(),
            client_nonce: client_nonce.to_owned(),
            outcome: Outcome { authzid: header.authzid, authcid },
        })
    }

    /// The program's answer: the server-first message, from the user's credentials or,
    /// for an unknown user, from made-up ones that fail at the proof (RFC 5802 §9 lets a
    /// server hide which users exist).
    pub(super) fn provide_credentials(
        &mut self,
        credentials: Option<StoredCredentials>,
    ) -> ServerStep {
        let ServerState::AwaitCredentials(first) =
            std::mem::replace(&mut self.state, ServerState::Done)
        else {
            return ServerStep::Failure(SaslError::OutOfOrder);
        };
        if credentials.as_ref().is_some_and(|c| c.algorithm != self.algorithm) {
            return ServerStep::Failure(SaslError::OutOfOrder);
        }
        let (salt, iterations) = match &credentials {
            Some(c) => (c.salt.as_slice(), c.iterations),
            None => (&self.decoy_salt[..], 4096),
        };
        let server_first = format!(
            "r={}{},s={},i={iterations}",
            first.client_nonce,
            self.server_nonce,
            STANDARD.encode(salt)
        );
        let challenge = server_first.clone().into_bytes();
        self.state = ServerState::AwaitFinal { first, server_first, credentials };
        ServerStep::Challenge(challenge)
    }

    /// Checks the client-final message and gives the server-final one:
    ///
    /// ```text
    /// client-final-message-without-proof = channel-binding "," nonce ["," extensions]
    /// client-final-message = client-final-message-without-proof "," proof
    /// ```
    fn verify_final(
        &self,
        response: &[u8],
        first: &First,
        server_first: &str,
        credentials: Option<&StoredCredentials>,
    ) -> Result<String, SaslError> {
        let message = utf8(response, "SCRAM client-final is not UTF-8")?;
        let (without_proof, proof) = message
            .rsplit_once(",p=")
            .ok_or(SaslError::Malformed("SCRAM client-final without p="))?;
        let mut attrs = attributes(without_proof);
        let cbind = expect(&mut attrs, b'c', "SCRAM client-final without c=")?;
        let nonce = expect(&mut attrs, b'r', "SCRAM client-final without r=")?;
        extensions(attrs)?;
        let proof = base64(proof, "SCRAM proof is not base64")?;
        let cbind = base64(cbind, "SCRAM channel binding is not base64")?;
        let mut expected = first.gs2_text.as_bytes().to_vec();
        expected.extend_from_slice(&first.binding);
        if !bool::from(cbind.ct_eq(&expected)) {
            return Err(SaslError::ChannelBindingMismatch);
        }
        let nonce_ok =
            nonce.strip_prefix(first.client_nonce.as_str()) == Some(self.server_nonce.as_str());
        if !nonce_ok {
            return Err(SaslError::NonceMismatch);
        }
        let credentials = credentials.ok_or(SaslError::AuthenticationFailed)?;
        if proof.len() != self.algorithm.output_len() {
            return Err(SaslError::AuthenticationFailed);
        }
        let auth_message = format!("{},{server_first},{without_proof}", first.bare);
        let client_signature =
            Zeroizing::new(self.algorithm.hmac(&credentials.stored_key, auth_message.as_bytes()));
        let client_key = Zeroizing::new(xor(&proof, &client_signature));
        if !bool::from(self.algorithm.hash(&client_key).ct_eq(&credentials.stored_key)) {
            return Err(SaslError::AuthenticationFailed);
        }
        let server_signature =
            self.algorithm.hmac(&credentials.server_key, auth_message.as_bytes());
        Ok(format!("v={}", STANDARD.encode(server_signature)))
    }
}

/// The `server-error-value` of RFC 5802 §7 the server sends for an error.
fn server_error_value(e: &SaslError) -> &'static str {
    match e {
        SaslError::AuthenticationFailed => "invalid-proof",
        SaslError::ChannelBindingMismatch => "channel-bindings-dont-match",
        SaslError::Malformed(_) => "invalid-encoding",
        _ => "other-error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5802 §5's salt and password give the StoredKey the RFC's exchange implies;
    /// checked through the proof in tests/sasl.rs, here only the shape.
    #[test]
    fn derived_credentials_have_the_hash_size() {
        for alg in [ScramAlgorithm::Sha1, ScramAlgorithm::Sha256] {
            let c = StoredCredentials::derive(alg, "pencil", b"salt", 1).unwrap();
            assert_eq!(c.stored_key().len(), alg.output_len());
            assert_eq!(c.server_key().len(), alg.output_len());
            assert_ne!(c.stored_key(), c.server_key());
        }
        assert!(StoredCredentials::derive(ScramAlgorithm::Sha1, "pencil", b"", 1).is_err());
        assert!(StoredCredentials::derive(ScramAlgorithm::Sha1, "pencil", b"s", 0).is_err());
        assert!(StoredCredentials::derive(ScramAlgorithm::Sha1, "a\u{7}b", b"s", 1).is_err());
        assert!(
            StoredCredentials::new(ScramAlgorithm::Sha256, *b"s", 1, [0; 20], [0; 32]).is_err()
        );
    }

    #[test]
    fn attributes_split_and_check() {
        let got: Vec<_> = attributes("r=abc,s=QQ==,i=1").collect::<Result<_, _>>().unwrap();
        assert_eq!(got, [(b'r', "abc"), (b's', "QQ=="), (b'i', "1")]);
        assert!(attributes("r=a,,i=1").any(|a| a.is_err()));
        assert!(attributes("1=a").any(|a| a.is_err()));
        assert!(attributes("r").any(|a| a.is_err()));
    }
}
