//! `sink`: a real receiving SMTP server on tokio, built on the sans-IO [`esmtp::Server`].
//!
//! One task per connection runs the caller's loop of DESIGN.md: write what the machine
//! transmits, answer its decisions, start TLS (rustls) when it says so, read with the
//! RFC 5321 §4.5.3.2 timeout it gives. With `--out DIR` each accepted message is kept as
//! `DIR/<id>.eml` (the content exactly as received) and `DIR/<id>.json` (the envelope),
//! both written and synced before the final `250`.
//!
//! The command line is a contract (DESIGN.md, "Examples"); `--help` prints it. Unknown
//! flags and bad values exit 64 with one line on stderr.
//!
//! ```text
//! cargo run --release --example sink -- --listen 127.0.0.1:2600 --out got --tls-self --auth u:p
//! ```

use std::collections::HashMap;
use std::io::{self, Write as _};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::BytesMut;
use esmtp::data::BareLineEndings;
use esmtp::sasl::{OsRandom, Randomness, ScramAlgorithm, Secret, StoredCredentials, TokenVerdict};
use esmtp::server::{AuthAnswer, AuthQuestion, AuthRequest, RcptRequest};
use esmtp::{
    Event, MailParameters, Mechanism, Output, RcptParameters, Reply, ReplyCode, Server,
    ServerConfig, ServerContext,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

const USAGE: &str = "\
usage: sink [options]   a receiving SMTP server for tests (esmtp example)
  --listen ADDR            default 127.0.0.1:2525; prints \"listening on ADDR\" once bound
  --hostname NAME          greeting/EHLO name, default localhost
  --out DIR                keep each accepted message: DIR/<id>.eml (content as received)
                           and DIR/<id>.json (envelope), written and synced before the 250;
                           without --out messages are counted and dropped
  --tls-cert PEM --tls-key PEM   offer STARTTLS with this certificate (key in PKCS#8,
                           SEC1 or PKCS#1 PEM; ECDSA or RSA)
  --tls-self               offer STARTTLS with a self-signed certificate made at start-up
  --require-tls            MAIL, RCPT, DATA, AUTH before STARTTLS get 530 5.7.0
  --auth USER:PASS         offer AUTH (SCRAM-SHA-256, CRAM-MD5, PLAIN, LOGIN); repeatable;
                           PLAIN/LOGIN only after TLS unless --auth-plaintext
  --auth-plaintext         offer and accept PLAIN and LOGIN before TLS too
  --require-auth           MAIL before AUTH gets 530 5.7.0
  --max-size N             advertise SIZE N and enforce it (552 5.3.4); default 52428800
  --max-recipients N       default 100; the next RCPT gets 452 4.5.3
  --max-line N             command line limit, default 512 (RFC 5321 4.5.3.1.4); MAIL and
                           RCPT get N + 1536 for the parameters of the offered extensions
                           (RFC 3461 11: ORCPT up to 500 characters); AUTH lines keep 12288
  --bare-lf POLICY         reject (default) | normalize | keep
  --lmtp                   speak LMTP (LHLO, one reply per recipient after the data)
  --no-pipelining --no-chunking --no-8bitmime --no-smtputf8 --no-dsn --no-enhanced-codes
                           withhold that extension from EHLO and refuse its use
  --test-policy            recipients whose local part starts with \"reject\" get 550 5.1.1,
                           \"tempfail\" get 450 4.2.0, \"slow\" are accepted after 1 s
  --help                   this text
";

/// The exit status for a usage error (sysexits.h `EX_USAGE`).
const EX_USAGE: i32 = 64;

// ---------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------

/// What the command line asked for.
struct Options {
    listen: SocketAddr,
    hostname: String,
    out: Option<PathBuf>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    tls_self: bool,
    require_tls: bool,
    users: Vec<(String, String)>,
    auth_plaintext: bool,
    require_auth: bool,
    max_size: u64,
    max_recipients: usize,
    max_line: usize,
    bare_lf: BareLineEndings,
    no_pipelining: bool,
    no_chunking: bool,
    no_8bitmime: bool,
    no_smtputf8: bool,
    no_dsn: bool,
    no_enhanced_codes: bool,
    test_policy: bool,
    lmtp: bool,
}

/// A usage error: one line on stderr, exit 64.
fn usage_error(message: &str) -> ! {
    eprintln!("sink: {message} (see --help)");
    std::process::exit(EX_USAGE);
}

fn parse_number<T: std::str::FromStr + PartialOrd>(flag: &str, value: &str, min: T) -> T {
    match value.parse::<T>() {
        Ok(n) if n >= min => n,
        _ => usage_error(&format!("{flag}: bad value '{value}' (a positive number)")),
    }
}

fn parse_args(args: impl Iterator<Item = String>) -> Options {
    let mut o = Options {
        listen: SocketAddr::from(([127, 0, 0, 1], 2525)),
        hostname: "localhost".into(),
        out: None,
        tls_cert: None,
        tls_key: None,
        tls_self: false,
        require_tls: false,
        users: Vec::new(),
        auth_plaintext: false,
        require_auth: false,
        max_size: 52_428_800,
        max_recipients: 100,
        max_line: 512,
        bare_lf: BareLineEndings::Reject,
        no_pipelining: false,
        no_chunking: false,
        no_8bitmime: false,
        no_smtputf8: false,
        no_dsn: false,
        no_enhanced_codes: false,
        test_policy: false,
        lmtp: false,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        // `--flag=value` is read as `--flag value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let takes_value = matches!(
            flag.as_str(),
            "--listen"
                | "--hostname"
                | "--out"
                | "--tls-cert"
                | "--tls-key"
                | "--auth"
                | "--max-size"
                | "--max-recipients"
                | "--max-line"
                | "--bare-lf"
        );
        let value = if takes_value {
            match inline.or_else(|| args.next()) {
                Some(v) => v,
                None => usage_error(&format!("{flag} needs a value")),
            }
        } else {
            if inline.is_some() {
                usage_error(&format!("{flag} takes no value"));
            }
            String::new()
        };
        match flag.as_str() {
            "--help" | "-h" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            "--listen" => {
                o.listen = match value.to_socket_addrs().ok().and_then(|mut a| a.next()) {
                    Some(addr) => addr,
                    None => usage_error(&format!("--listen: bad address '{value}'")),
                }
            }
            "--hostname" => {
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic()) {
                    usage_error(&format!("--hostname: bad name '{value}'"));
                }
                o.hostname = value;
            }
            "--out" => o.out = Some(PathBuf::from(value)),
            "--tls-cert" => o.tls_cert = Some(PathBuf::from(value)),
            "--tls-key" => o.tls_key = Some(PathBuf::from(value)),
            "--tls-self" => o.tls_self = true,
            "--require-tls" => o.require_tls = true,
            "--auth" => match value.split_once(':') {
                Some((user, pass)) if !user.is_empty() && !pass.is_empty() => {
                    o.users.push((user.to_string(), pass.to_string()))
                }
                _ => usage_error("--auth: expected USER:PASS"),
            },
            "--auth-plaintext" => o.auth_plaintext = true,
            "--require-auth" => o.require_auth = true,
            "--max-size" => o.max_size = parse_number(&flag, &value, 1),
            "--max-recipients" => o.max_recipients = parse_number(&flag, &value, 1),
            "--max-line" => o.max_line = parse_number(&flag, &value, 1),
            "--bare-lf" => {
                o.bare_lf = match value.as_str() {
                    "reject" => BareLineEndings::Reject,
                    "normalize" => BareLineEndings::Normalize,
                    "keep" => BareLineEndings::Keep,
                    _ => usage_error(&format!(
                        "--bare-lf: bad policy '{value}' (reject, normalize or keep)"
                    )),
                }
            }
            "--lmtp" => o.lmtp = true,
            "--no-pipelining" => o.no_pipelining = true,
            "--no-chunking" => o.no_chunking = true,
            "--no-8bitmime" => o.no_8bitmime = true,
            "--no-smtputf8" => o.no_smtputf8 = true,
            "--no-dsn" => o.no_dsn = true,
            "--no-enhanced-codes" => o.no_enhanced_codes = true,
            "--test-policy" => o.test_policy = true,
            _ => usage_error(&format!("unknown option '{arg}'")),
        }
    }
    if o.tls_cert.is_some() != o.tls_key.is_some() {
        usage_error("--tls-cert and --tls-key go together");
    }
    if o.tls_self && o.tls_cert.is_some() {
        usage_error("--tls-self and --tls-cert exclude each other");
    }
    let tls = o.tls_self || o.tls_cert.is_some();
    if o.require_tls && !tls {
        usage_error("--require-tls needs --tls-cert/--tls-key or --tls-self");
    }
    if (o.require_auth || o.auth_plaintext) && o.users.is_empty() {
        usage_error("--require-auth and --auth-plaintext need --auth USER:PASS");
    }
    o
}

// ---------------------------------------------------------------------------------------
// Start-up: TLS, credentials, the Server's configuration
// ---------------------------------------------------------------------------------------

/// The rustls configuration for STARTTLS, with the `ring` provider.
fn tls_acceptor(o: &Options) -> Result<Option<TlsAcceptor>, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    let (certs, key) = if o.tls_self {
        let names = vec![o.hostname.clone(), "localhost".into(), "127.0.0.1".into()];
        let made = rcgen::generate_simple_self_signed(names)
            .map_err(|e| format!("--tls-self: cannot make a certificate: {e}"))?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
        (vec![made.cert.der().clone()], key)
    } else if let (Some(cert), Some(key)) = (&o.tls_cert, &o.tls_key) {
        let certs = CertificateDer::pem_file_iter(cert)
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| format!("--tls-cert {}: {e}", cert.display()))?;
        if certs.is_empty() {
            return Err(format!("--tls-cert {}: no certificate", cert.display()));
        }
        // PKCS#8, SEC1 (EC) or PKCS#1 (RSA), whichever the file holds.
        let key = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| format!("--tls-key {}: {e}", key.display()))?;
        (certs, key)
    } else {
        return Ok(None);
    };
    // ring rather than aws-lc-rs keeps the build free of cmake and a C toolchain. rustls
    // 0.23.48 deprecates it only for its lack of post-quantum key exchange, which a test
    // server can do without.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("TLS: certificate and key: {e}"))?;
    Ok(Some(TlsAcceptor::from(Arc::new(config))))
}

/// What every connection shares.
struct Shared {
    /// The configuration, prepared once (greeting, EHLO replies) for every connection.
    context: ServerContext,
    tls: Option<TlsAcceptor>,
    /// Passwords for PLAIN, LOGIN (checked) and CRAM-MD5 (looked up).
    passwords: HashMap<String, String>,
    /// SCRAM-SHA-256 credentials, derived once at start-up (RFC 5802 §3).
    scram: HashMap<String, StoredCredentials>,
    out: Option<PathBuf>,
    test_policy: bool,
}

/// The MAIL and RCPT line limit for a general limit of `max_line`: widened as much as the
/// library's default widens RFC 5321's 512 (`CommandConfig`: 2048 = 512 + 1536, room for
/// the parameters of every extension the sink offers).
fn mail_rcpt_line(max_line: usize) -> usize {
    let defaults = esmtp::CommandConfig::default();
    max_line.saturating_add(defaults.max_mail_rcpt_line - defaults.max_line)
}

fn shared(o: &Options) -> Result<Shared, String> {
    let tls = tls_acceptor(o)?;
    let mut config = ServerConfig::default();
    config.hostname = o.hostname.clone();
    config.lmtp = o.lmtp;
    config.sasl.hostname = o.hostname.clone();
    config.max_message_size = Some(o.max_size);
    config.max_recipients = o.max_recipients;
    // --max-line is the general limit; MAIL and RCPT keep the widening the extensions'
    // parameters need (RFC 5321 §4.5.3.1.4; RFC 3461 §5.4 and §11: an MTA MUST accept an
    // ORCPT of 500 characters), AUTH its 12288 (RFC 4954 §4).
    config.commands.max_line = o.max_line;
    config.commands.max_mail_rcpt_line = mail_rcpt_line(o.max_line);
    config.data.bare_line_endings = o.bare_lf;
    config.pipelining = !o.no_pipelining;
    config.chunking = !o.no_chunking;
    config.eight_bit_mime = !o.no_8bitmime;
    config.smtputf8 = !o.no_smtputf8;
    config.dsn = !o.no_dsn;
    config.enhanced_status_codes = !o.no_enhanced_codes;
    config.starttls = tls.is_some();
    config.tls_required = o.require_tls;
    config.auth_required = o.require_auth;
    config.auth_plaintext_without_tls = o.auth_plaintext;
    let mut passwords = HashMap::new();
    let mut scram = HashMap::new();
    if !o.users.is_empty() {
        config.auth_mechanisms =
            vec![Mechanism::ScramSha256, Mechanism::CramMd5, Mechanism::Plain, Mechanism::Login];
        for (user, pass) in &o.users {
            let mut salt = [0u8; 16];
            OsRandom.fill_bytes(&mut salt).map_err(|e| format!("randomness: {e}"))?;
            let stored = StoredCredentials::derive(ScramAlgorithm::Sha256, pass, &salt, 4096)
                .map_err(|e| format!("--auth {user}: {e}"))?;
            scram.insert(user.clone(), stored);
            passwords.insert(user.clone(), pass.clone());
        }
    }
    let context = ServerContext::new(config);
    Ok(Shared { context, tls, passwords, scram, out: o.out.clone(), test_policy: o.test_policy })
}

fn main() {
    let options = parse_args(std::env::args().skip(1));
    let shared = match shared(&options) {
        Ok(s) => Arc::new(s),
        Err(e) => usage_error(&e),
    };
    if let Some(dir) = &shared.out
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("sink: --out {}: {e}", dir.display());
        std::process::exit(1);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sink: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run(options.listen, shared)) {
        eprintln!("sink: {e}");
        std::process::exit(1);
    }
}

async fn run(listen: SocketAddr, shared: Arc<Shared>) -> io::Result<()> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {listen}: {e}")))?;
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "listening on {}", listener.local_addr()?)?;
    stdout.flush()?;
    drop(stdout);
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of descriptors and the like: wait a little rather than spin.
            Err(e) => {
                eprintln!("sink: accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let mut session = Session::default();
            if let Err(e) = serve(tcp, &shared, &mut session).await {
                eprintln!("sink: {peer}: {e}");
            }
            // Whatever was being received and not accepted is dropped.
            session.discard().await;
        });
    }
}

// ---------------------------------------------------------------------------------------
// One connection: the caller's loop
// ---------------------------------------------------------------------------------------

/// The transport, plain or under TLS after STARTTLS.
enum Conn {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
    /// Only while the TLS handshake holds the TCP stream.
    Handshake,
}

impl Conn {
    async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf).await,
            Conn::Tls(s) => s.read(buf).await,
            Conn::Handshake => Err(io::Error::other("no transport")),
        }
    }

    async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.write_all(bytes).await,
            Conn::Tls(s) => {
                s.write_all(bytes).await?;
                s.flush().await
            }
            Conn::Handshake => Err(io::Error::other("no transport")),
        }
    }

    async fn shutdown(&mut self) {
        let _ = match self {
            Conn::Plain(s) => s.shutdown().await,
            Conn::Tls(s) => s.shutdown().await,
            Conn::Handshake => Ok(()),
        };
    }
}

/// `421 4.4.2`: the peer said nothing within the RFC 5321 §4.5.3.2 timeout.
const TIMED_OUT: Reply = Reply::from_static(
    ReplyCode::SERVICE_NOT_AVAILABLE,
    "4.4.2 Timeout waiting for the client, closing",
);
/// `451 4.3.0`: the message could not be stored.
const NOT_STORED: Reply =
    Reply::from_static(ReplyCode::LOCAL_ERROR, "4.3.0 Cannot store the message, try later");
const REJECTED: Reply =
    Reply::from_static(ReplyCode::MAILBOX_UNAVAILABLE, "5.1.1 Recipient refused (test policy)");
const TEMPFAILED: Reply = Reply::from_static(
    ReplyCode::MAILBOX_BUSY,
    "4.2.0 Recipient temporarily refused (test policy)",
);

/// A token given back by the machine means the program broke the protocol of the API.
fn misuse<T>(_: T) -> io::Error {
    io::Error::other("decision token refused by the server")
}

async fn serve(tcp: TcpStream, shared: &Shared, session: &mut Session) -> io::Result<()> {
    let _ = tcp.set_nodelay(true);
    let mut conn = Conn::Plain(tcp);
    let mut server = Server::new(shared.context.clone());
    let mut buf = vec![0u8; 64 * 1024];
    let result = loop {
        match server.poll_output() {
            Output::Transmit(bytes) => {
                if let Err(e) = conn.write_all(&bytes).await {
                    break Err(e);
                }
            }
            Output::Event(event) => {
                if let Err(e) = on_event(event, &mut server, shared, session).await {
                    break Err(e);
                }
            }
            Output::StartTls => {
                let (Conn::Plain(tcp), Some(acceptor)) =
                    (std::mem::replace(&mut conn, Conn::Handshake), &shared.tls)
                else {
                    break Err(io::Error::other("STARTTLS without TLS set up"));
                };
                match timeout(server.read_timeout(), acceptor.accept(tcp)).await {
                    Ok(Ok(tls)) => conn = Conn::Tls(Box::new(tls)),
                    Ok(Err(e)) => break Err(io::Error::new(e.kind(), format!("TLS: {e}"))),
                    Err(_) => break Err(io::Error::other("TLS handshake timed out")),
                }
                server.tls_established().map_err(io::Error::other)?;
                // RFC 3207 §4.2: the session starts over; what the client said is forgotten.
                session.discard().await;
                *session = Session::default();
            }
            // Every decision is answered before the next poll.
            Output::AwaitingDecision => break Err(io::Error::other("a decision left pending")),
            Output::NeedInput => match timeout(server.read_timeout(), conn.read(&mut buf)).await {
                Err(_) => server.shutdown(TIMED_OUT),
                Ok(Ok(0)) => server.handle_eof(),
                Ok(Ok(n)) => server.handle_input(&buf[..n]).map_err(io::Error::other)?,
                Ok(Err(e)) => break Err(e),
            },
            Output::Close => break Ok(()),
            #[allow(unreachable_patterns)]
            _ => break Err(io::Error::other("unknown output")),
        }
    };
    conn.shutdown().await;
    result
}

/// The envelope and content of the transaction in progress.
#[derive(Default)]
struct Session {
    helo: String,
    auth: Option<String>,
    mail_from: String,
    mail_params: String,
    /// `{"address": ..., "params": {...}}` of each accepted RCPT, in order.
    rcpts: Vec<String>,
    bdat: bool,
    size: u64,
    /// The message being stored under `--out`: its id and its open `.eml` file.
    spool: Option<(String, PathBuf, tokio::fs::File)>,
}

impl Session {
    /// Drops the content received so far (and its partial file).
    async fn discard(&mut self) {
        if let Some((_, path, file)) = self.spool.take() {
            drop(file);
            let _ = tokio::fs::remove_file(path).await;
        }
        self.size = 0;
    }

    /// The envelope JSON of DESIGN.md.
    fn envelope(&self, id: &str, tls: bool) -> String {
        let auth = match &self.auth {
            Some(user) => json_string(user),
            None => "null".into(),
        };
        format!(
            "{{\"id\":{},\"helo\":{},\"tls\":{tls},\"auth\":{auth},\"mail_from\":{},\
             \"mail_params\":{},\"rcpt_to\":[{}],\"transport\":\"{}\",\"size\":{}}}\n",
            json_string(id),
            json_string(&self.helo),
            json_string(&self.mail_from),
            self.mail_params,
            self.rcpts.join(","),
            if self.bdat { "BDAT" } else { "DATA" },
            self.size,
        )
    }
}

async fn on_event(
    event: Event,
    server: &mut Server,
    shared: &Shared,
    s: &mut Session,
) -> io::Result<()> {
    match event {
        Event::Hello(req) => {
            s.helo = req.host().to_string();
            server.accept(req).map_err(misuse)
        }
        Event::Mail(req) => {
            s.discard().await;
            s.mail_from = req.reverse_path().mailbox().map(|m| m.to_string()).unwrap_or_default();
            s.mail_params = mail_params_json(req.params());
            s.rcpts.clear();
            server.accept(req).map_err(misuse)
        }
        Event::Rcpt(req) => on_rcpt(req, server, shared, s).await,
        Event::DataStart(req) => {
            s.discard().await;
            s.bdat = req.is_bdat();
            if let Some(dir) = &shared.out {
                let id = message_id();
                let path = dir.join(format!("{id}.eml"));
                match tokio::fs::File::create(&path).await {
                    Ok(file) => s.spool = Some((id, path, file)),
                    Err(e) => {
                        eprintln!("sink: {}: {e}", path.display());
                        return server.reject(req, NOT_STORED).map_err(misuse);
                    }
                }
            }
            server.accept(req).map_err(misuse)
        }
        Event::Data(chunk) => {
            s.size += chunk.len() as u64;
            if let Some((_, path, file)) = &mut s.spool
                && let Err(e) = file.write_all(&chunk).await
            {
                // The spool is dropped: the end of the message gets 451.
                eprintln!("sink: {}: {e}", path.display());
                let _ = tokio::fs::remove_file(&*path).await;
                s.spool = None;
            }
            Ok(())
        }
        Event::MessageAborted | Event::TransactionReset => {
            s.discard().await;
            Ok(())
        }
        Event::MessageEnd(req) => {
            let stored = store(shared, s, server.is_tls()).await;
            s.discard().await;
            match stored {
                Ok(Some(id)) => {
                    let reply = Reply::new(ReplyCode::OK, &format!("2.0.0 Ok: queued as {id}"))
                        .unwrap_or(Reply::from_static(ReplyCode::OK, "2.0.0 Ok"));
                    server.accept_with(req, reply).map_err(misuse)
                }
                Ok(None) => server.accept(req).map_err(misuse),
                Err(e) => {
                    eprintln!("sink: storing a message: {e}");
                    server.reject(req, NOT_STORED).map_err(misuse)
                }
            }
        }
        Event::Vrfy(req) => server.accept(req).map_err(misuse),
        Event::Expn(req) => server.accept(req).map_err(misuse),
        Event::Help(req) => server.accept(req).map_err(misuse),
        Event::Etrn(req) => server.accept(req).map_err(misuse),
        Event::Auth(req) => {
            let answer = auth_answer(&req, shared);
            server.answer_auth(req, answer).map_err(misuse)
        }
        Event::Authenticated(outcome) => {
            s.auth = Some(outcome.authcid);
            Ok(())
        }
        _ => Ok(()),
    }
}

async fn on_rcpt(
    req: RcptRequest,
    server: &mut Server,
    shared: &Shared,
    s: &mut Session,
) -> io::Result<()> {
    let local = req.forward_path().mailbox().map(|m| m.local_part().value().to_ascii_lowercase());
    if shared.test_policy {
        match local.as_deref() {
            Some(l) if l.starts_with("reject") => {
                return server.reject(req, REJECTED).map_err(misuse);
            }
            Some(l) if l.starts_with("tempfail") => {
                return server.reject(req, TEMPFAILED).map_err(misuse);
            }
            Some(l) if l.starts_with("slow") => tokio::time::sleep(Duration::from_secs(1)).await,
            _ => {}
        }
    }
    let address = match req.forward_path().mailbox() {
        Some(m) => m.to_string(),
        None => "Postmaster".into(),
    };
    s.rcpts.push(format!(
        "{{\"address\":{},\"params\":{}}}",
        json_string(&address),
        rcpt_params_json(req.params())
    ));
    server.accept(req).map_err(misuse)
}

/// The answers to the SASL exchange's questions, from the `--auth` table.
fn auth_answer(req: &AuthRequest, shared: &Shared) -> AuthAnswer {
    match req.question() {
        AuthQuestion::VerifyPassword(check) => {
            let ok = shared.passwords.get(&check.authcid).is_some_and(|p| check.password_is(p))
                // Acting as another identity is not allowed here (RFC 4616 §2).
                && check.authzid.as_ref().is_none_or(|z| *z == check.authcid);
            AuthAnswer::PasswordVerified(ok)
        }
        AuthQuestion::NeedPassword(lookup) => AuthAnswer::Password(
            shared.passwords.get(&lookup.authcid).map(|p| Secret::from(p.as_str())),
        ),
        AuthQuestion::NeedScramCredentials(lookup) => AuthAnswer::ScramCredentials(
            shared
                .scram
                .get(&lookup.authcid)
                .filter(|c| c.algorithm() == lookup.algorithm)
                .filter(|_| lookup.authzid.as_ref().is_none_or(|z| *z == lookup.authcid))
                .cloned(),
        ),
        // Not offered: bearer tokens are refused.
        _ => AuthAnswer::Token(TokenVerdict::Invalid {
            error: "{\"status\":\"invalid_token\"}".into(),
        }),
    }
}

/// Syncs the `.eml` and writes the `.json` (both flushed to disk before the `250`).
/// `Ok(None)` without `--out`.
async fn store(shared: &Shared, s: &mut Session, tls: bool) -> io::Result<Option<String>> {
    let Some(dir) = &shared.out else { return Ok(None) };
    let Some((id, _, file)) = &mut s.spool else {
        return Err(io::Error::other("the content could not be written"));
    };
    file.flush().await?;
    file.sync_all().await?;
    let id = id.clone();
    write_synced(&dir.join(format!("{id}.json")), s.envelope(&id, tls).as_bytes()).await?;
    // The content is kept: take it out of the session so `discard` leaves it alone.
    s.spool = None;
    Ok(Some(id))
}

async fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = tokio::fs::File::create(path).await?;
    file.write_all(bytes).await?;
    file.flush().await?;
    file.sync_all().await
}

/// A message id unique across connections and runs: time, process id, counter.
fn message_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}.{:06}-{}-{n}", now.as_secs(), now.subsec_micros(), std::process::id())
}

// ---------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------

/// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `{KEYWORD: value|null}` from the wire form ` KEY[=value] ...`, keywords upper-case;
/// `decoded` gives the value of the parameters whose wire value is xtext.
fn params_json(wire: &[u8], decoded: impl Fn(&str) -> Option<String>) -> String {
    let wire = String::from_utf8_lossy(wire);
    let mut fields = Vec::new();
    for param in wire.split(' ').filter(|p| !p.is_empty()) {
        let (keyword, value) = match param.split_once('=') {
            Some((k, v)) => (k.to_ascii_uppercase(), Some(v)),
            None => (param.to_ascii_uppercase(), None),
        };
        let value = match (decoded(&keyword), value) {
            (Some(v), _) => json_string(&v),
            (None, Some(v)) => json_string(v),
            (None, None) => "null".into(),
        };
        fields.push(format!("{}:{value}", json_string(&keyword)));
    }
    format!("{{{}}}", fields.join(","))
}

fn mail_params_json(params: &MailParameters) -> String {
    let mut wire = BytesMut::new();
    params.encode(&mut wire);
    params_json(&wire, |keyword| match keyword {
        // RFC 3461 §4.4: ENVID is xtext.
        "ENVID" => params.envid().map(|x| String::from_utf8_lossy(&x.decode()).into_owned()),
        // RFC 4954 §5: AUTH= is xtext, or <>.
        "AUTH" => params.auth().map(|a| match a {
            esmtp::MailAuth::Identity(x) => String::from_utf8_lossy(&x.decode()).into_owned(),
            _ => "<>".into(),
        }),
        _ => None,
    })
}

fn rcpt_params_json(params: &RcptParameters) -> String {
    let mut wire = BytesMut::new();
    params.encode(&mut wire);
    params_json(&wire, |keyword| match keyword {
        // RFC 3461 §4.2: addr-type ";" xtext; the type is kept.
        "ORCPT" => params.orcpt().map(|o| {
            format!("{};{}", o.addr_type(), String::from_utf8_lossy(&o.address().decode()))
        }),
        _ => None,
    })
}
