//! [`ServerConfig`]: what the server offers, its limits and its policies.

use crate::codec::CommandConfig;
use crate::data::DataConfig;
use crate::sasl::SaslServerConfig;
use crate::types::{Capabilities, Extension, Mechanism, Text};

/// Configuration of a [`Server`](super::Server) session.
///
/// The default follows the RFCs: hostname `localhost`, PIPELINING, 8BITMIME,
/// ENHANCEDSTATUSCODES, SMTPUTF8, CHUNKING, DSN, HELP and SIZE (no fixed limit) offered;
/// VRFY answered with 252 but not advertised, EXPN and ETRN withheld; no TLS, no AUTH; 100
/// recipients per message (RFC 5321 §4.5.3.1.8), 20 bad commands before `421`.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The server's name, first word of the greeting and of the EHLO reply (RFC 5321
    /// §4.2). Default `localhost`.
    pub hostname: String,
    /// The text after the hostname in the `220` greeting. Default `ESMTP ready`.
    pub greeting: String,
    /// Offer SIZE (RFC 1870). Default on.
    pub size: bool,
    /// The largest message accepted, advertised with SIZE and enforced while content
    /// streams (`552 5.3.4`). `None` (the default): no fixed limit (a bare `SIZE`).
    pub max_message_size: Option<u64>,
    /// Offer PIPELINING (RFC 2920). Default on.
    pub pipelining: bool,
    /// Offer 8BITMIME (RFC 6152). Default on.
    pub eight_bit_mime: bool,
    /// Offer BINARYMIME (RFC 3030 §3); only takes effect with `chunking`. Default off.
    pub binary_mime: bool,
    /// Offer CHUNKING: the BDAT verb (RFC 3030). Default on.
    pub chunking: bool,
    /// Offer SMTPUTF8 (RFC 6531). Default on.
    pub smtputf8: bool,
    /// Offer DSN (RFC 3461): the RET, ENVID, NOTIFY and ORCPT parameters. Default on.
    pub dsn: bool,
    /// Offer ENHANCEDSTATUSCODES (RFC 2034) and write the codes in replies. Default on.
    pub enhanced_status_codes: bool,
    /// Offer HELP (RFC 5321 §4.1.1.8). HELP is answered either way (RFC 5321 §4.5.1
    /// makes it mandatory). Default on.
    pub help: bool,
    /// Advertise VRFY. VRFY is answered either way (RFC 5321 §4.5.1). Default off.
    pub vrfy: bool,
    /// Offer and accept EXPN (RFC 5321 §4.1.1.7); withheld it is `502 5.5.1`. Default off.
    pub expn: bool,
    /// Offer and accept ETRN (RFC 1985); withheld it is `502 5.5.1`. Default off.
    pub etrn: bool,
    /// Offer DELIVERBY (RFC 2852) and accept its `BY=` MAIL parameter: `Some(min)`
    /// advertises the shortest by-time accepted, in seconds (`Some(0)`: none advertised,
    /// RFC 2852 §4). A by-mode R with a by-time below the minimum is refused with
    /// `555 5.5.4` (RFC 2852 §3, §4); the program checks the rest against its own policy.
    /// Default `None`: withheld, `BY=` is `555 5.5.4`.
    pub deliver_by: Option<u64>,
    /// Offer FUTURERELEASE (RFC 4865) and accept `HOLDFOR=` / `HOLDUNTIL=`:
    /// `Some((max interval in seconds, latest release date-time as in RFC 3339))`, both
    /// advertised (RFC 4865 §3). A `HOLDFOR=` above the interval, or a `HOLDUNTIL=`
    /// later than the date-time, is refused with `501 5.5.4` (RFC 4865 §3 items 7, 8,
    /// 10, 11). The machine reads no clock: keeping the date-time current (now plus the
    /// interval) is the caller's. The EHLO reply that advertises it is prepared once per
    /// [`ServerContext`](super::ServerContext), so build a new context when the date-time
    /// should move on (say, every minute). Default `None`: withheld, the
    /// parameters are `555 5.5.4`.
    pub future_release: Option<(u64, String)>,
    /// Offer MT-PRIORITY (RFC 6710) and accept `MT-PRIORITY=`: `Some(profile)` advertises
    /// the priority profile (`MIXER`, `STANAG4406`, `NSEP`; an empty string advertises
    /// none, RFC 6710 §3). Default `None`: withheld, the parameter is `555 5.5.4`.
    pub mt_priority: Option<String>,
    /// Offer REQUIRETLS (RFC 8689 §2) under TLS, where its MAIL parameter is accepted;
    /// before TLS it is neither advertised nor accepted (`555 5.5.4`). Default off.
    pub requiretls: bool,
    /// Offer and accept ATRN (RFC 2645): after AUTH, an [`Event::Atrn`](super::Event::Atrn)
    /// asks the program; accepted, the roles turn (see
    /// [`Server::is_turned`](super::Server::is_turned)). Withheld it is `502 5.5.1`.
    /// Default off.
    pub atrn: bool,
    /// Speak LMTP (RFC 2033) instead of SMTP: LHLO opens the session (HELO and EHLO get
    /// `500 5.5.1`), and the end of each message is answered once per accepted recipient
    /// (see [`MessageRequest::recipients`](super::MessageRequest::recipients)). Default off.
    pub lmtp: bool,
    /// Report every command line read and reply written as an
    /// [`Event::Trace`](super::Event::Trace), AUTH payloads redacted (DESIGN.md). A caller
    /// that logs sessions matches it like any other event; one that does not leaves it
    /// off (the default) and never sees one.
    pub trace: bool,
    /// The caller's own EHLO keywords, advertised after the others. After EHLO, a
    /// command whose verb is one of these keywords is handed to the program as an
    /// [`Event::Command`](super::Event::Command) (before EHLO it gets `503 5.5.1`), and a
    /// MAIL or RCPT parameter whose keyword is one of them is accepted and kept in the
    /// request's `others()` for the program (RFC 5321 §4.1.1.11; any other unknown
    /// parameter gets `555 5.5.4`).
    pub extra_extensions: Vec<Extension>,
    /// TLS is available: offer STARTTLS (RFC 3207) before TLS. Default off.
    pub starttls: bool,
    /// Refuse everything but EHLO, HELO, NOOP, RSET, STARTTLS and QUIT with `530 5.7.0`
    /// until TLS is up (RFC 3207 §4). Before TLS the EHLO reply then offers only
    /// PIPELINING, ENHANCEDSTATUSCODES and STARTTLS (AUTH and the other extensions are
    /// unusable until then). Default off.
    pub tls_required: bool,
    /// The AUTH mechanisms offered (RFC 4954); empty (the default) withholds AUTH. Only
    /// mechanisms [`crate::sasl::ServerExchange`] serves make sense here.
    pub auth_mechanisms: Vec<Mechanism>,
    /// Offer and accept PLAIN and LOGIN before TLS. Default off: they get `538 5.7.11`
    /// then and are not advertised.
    pub auth_plaintext_without_tls: bool,
    /// Refuse MAIL with `530 5.7.0` until the client has authenticated. Default off.
    pub auth_required: bool,
    /// Settings of the SASL exchanges (CRAM-MD5 host name, channel bindings).
    pub sasl: SaslServerConfig,
    /// Recipients accepted per message; more get `452 4.5.3` (RFC 5321 §4.5.3.1.10).
    /// Default 100 (the minimum RFC 5321 §4.5.3.1.8 asks a server to accept).
    pub max_recipients: usize,
    /// Bad commands (unknown verbs, syntax errors) allowed per session; the next one gets
    /// `421 4.7.0` and the session closes (DESIGN.md). Default 20.
    pub max_bad_commands: usize,
    /// The command parser's limits and leniency. Its `max_auth_line` also bounds AUTH
    /// response lines (RFC 4954 §4: 12288).
    pub commands: CommandConfig,
    /// Content limits and the bare CR/LF policy of DATA. Its `max_size` is set from
    /// `max_message_size`.
    pub data: DataConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            hostname: "localhost".into(),
            greeting: "ESMTP ready".into(),
            size: true,
            max_message_size: None,
            pipelining: true,
            eight_bit_mime: true,
            binary_mime: false,
            chunking: true,
            smtputf8: true,
            dsn: true,
            enhanced_status_codes: true,
            help: true,
            vrfy: false,
            expn: false,
            etrn: false,
            deliver_by: None,
            future_release: None,
            mt_priority: None,
            requiretls: false,
            atrn: false,
            lmtp: false,
            trace: false,
            extra_extensions: Vec::new(),
            starttls: false,
            tls_required: false,
            auth_mechanisms: Vec::new(),
            auth_plaintext_without_tls: false,
            auth_required: false,
            sasl: SaslServerConfig::default(),
            max_recipients: 100,
            max_bad_commands: 20,
            commands: CommandConfig::default(),
            data: DataConfig::default(),
        }
    }
}

impl ServerConfig {
    /// The AUTH mechanisms offered now: PLAIN and LOGIN only under TLS or when configured.
    pub(crate) fn auth_offered(&self, tls: bool) -> Vec<Mechanism> {
        let plaintext = tls || self.auth_plaintext_without_tls;
        self.auth_mechanisms.iter().filter(|m| plaintext || !m.is_plaintext()).cloned().collect()
    }

    /// Whether `keyword` is one of the caller's own EHLO keywords (case-insensitive,
    /// RFC 5321 §2.4).
    pub(crate) fn extra_keyword(&self, keyword: &str) -> bool {
        self.extra_extensions.iter().any(|e| e.keyword().eq_ignore_ascii_case(keyword))
    }

    /// Whether BINARYMIME is in effect (it needs CHUNKING, RFC 3030 §3).
    pub(crate) fn binary_mime_offered(&self) -> bool {
        self.binary_mime && self.chunking
    }

    /// The capability set of the EHLO reply, in the session's state.
    pub(crate) fn capabilities(&self, tls: bool) -> Capabilities {
        let mut caps = Capabilities::default();
        let mut add = |on: bool, ext: Extension| {
            match ext {
                // The configured list may repeat a mechanism, which `insert` refuses.
                Extension::Auth(_) if on => drop(caps.insert(ext)),
                // Typed extensions of fixed form always read back as themselves: no need
                // to render and parse each one again for every EHLO.
                _ if on => drop(caps.insert_checked(ext)),
                _ => {}
            }
        };
        if self.tls_required && !tls {
            // RFC 3207 §4: until TLS every command but EHLO, HELO, NOOP, RSET, STARTTLS
            // and QUIT gets 530, so only what bears on those is advertised (AUTH in
            // particular is not, RFC 4954 §4 and §6): the client learns the rest from
            // the EHLO it must send again under TLS (RFC 3207 §4.2).
            add(self.pipelining, Extension::Pipelining);
            add(self.enhanced_status_codes, Extension::EnhancedStatusCodes);
            add(self.starttls, Extension::StartTls);
            return caps;
        }
        add(self.eight_bit_mime, Extension::EightBitMime);
        add(self.size, Extension::Size(self.max_message_size));
        add(self.dsn, Extension::Dsn);
        add(self.pipelining, Extension::Pipelining);
        add(self.binary_mime_offered(), Extension::BinaryMime);
        add(self.chunking, Extension::Chunking);
        add(self.smtputf8, Extension::SmtpUtf8);
        add(self.enhanced_status_codes, Extension::EnhancedStatusCodes);
        add(self.starttls && !tls, Extension::StartTls);
        let mechs = self.auth_offered(tls);
        add(!mechs.is_empty(), Extension::Auth(mechs));
        add(self.vrfy, Extension::Vrfy);
        add(self.expn, Extension::Expn);
        add(self.etrn, Extension::Etrn);
        add(self.atrn, Extension::Atrn);
        if let Some(min) = self.deliver_by {
            add(true, Extension::DeliverBy((min > 0).then_some(min)));
        }
        if let Some((max_interval, max_datetime)) = &self.future_release {
            let max_datetime = Text::copy_from_str(max_datetime);
            add(true, Extension::FutureRelease { max_interval: *max_interval, max_datetime });
        }
        if let Some(profile) = &self.mt_priority {
            let profile = (!profile.is_empty()).then(|| Text::copy_from_str(profile));
            add(true, Extension::MtPriority(profile));
        }
        add(self.requiretls && tls, Extension::RequireTls);
        add(self.help, Extension::Help);
        // The program's own are offered only if they read back as themselves.
        for ext in &self.extra_extensions {
            let _ = caps.insert(ext.clone());
        }
        caps
    }
}
