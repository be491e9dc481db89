//! [`ServerContext`]: a [`ServerConfig`] prepared once for all the connections it serves.
//!
//! Everything that is the same for every connection of a configuration is worked out
//! here once: the normalised configuration, the octets of the `220` greeting, of the
//! `221` to QUIT, and of the replies to HELO and EHLO/LHLO before and under TLS (the
//! capability lists differ: STARTTLS is withdrawn under TLS, RFC 3207 §4.2, and the AUTH
//! mechanisms may differ). A connection then copies octets instead of rendering replies.
//! The context is immutable once built, so what it prepared can never disagree with the
//! configuration it holds; that is why it is a type of its own rather than a cache
//! inside [`ServerConfig`], whose fields are public.

use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};

use super::config::ServerConfig;
use crate::error::ValidationError;
use crate::types::{EnhancedCodes, EnhancedStatusCode, Host, Reply, ReplyCode, replies};

/// The words between the server's name and the client's on the first line of the reply to
/// HELO, EHLO and LHLO (`250-mx.example greets client.example`, RFC 5321 §4.1.1.1: the
/// text after the domain is free).
const GREETS: &str = "greets";

/// A [`ServerConfig`] prepared once to serve many connections: what every connection
/// would otherwise build again (the greeting, the EHLO reply's capability lines before
/// and under TLS, the `221`) is rendered here, once, by the same code that renders any
/// reply.
///
/// Cloning is one reference-count increment. A program that serves many connections
/// builds one context and gives each [`Server`](super::Server) a clone;
/// [`Server::new`](super::Server::new) also takes a [`ServerConfig`] directly (it then
/// builds a context for that one connection).
///
/// ```
/// use esmtp::{Server, ServerConfig, ServerContext};
///
/// let mut config = ServerConfig::default();
/// config.hostname = "mx.example".into();
/// let context = ServerContext::new(config);
/// for _connection in 0..3 {
///     let server = Server::new(context.clone());
///     assert_eq!(server.config().hostname, "mx.example");
/// }
/// ```
#[derive(Debug, Clone)]
pub struct ServerContext(Arc<Prepared>);

#[derive(Debug)]
struct Prepared {
    config: ServerConfig,
    /// The `220` greeting (RFC 5321 §4.2; no enhanced code, RFC 2034 §3).
    greeting: Bytes,
    /// The reply to an accepted HELO.
    helo: HelloReply,
    /// The reply to an accepted EHLO or LHLO, before TLS and under TLS.
    ehlo: [HelloReply; 2],
    /// The `221` to QUIT, naming the server (RFC 5321 §4.2), enhanced code as offered.
    bye: Bytes,
}

/// The reply to an accepted HELO, EHLO or LHLO, prepared but for the client's name: the
/// first line up to that name, and the lines that follow it (the capabilities).
#[derive(Debug)]
pub(super) struct HelloReply {
    /// `250-<hostname> greets` (or `250 ` when nothing follows), without its CRLF.
    first: Bytes,
    /// Whether the client's name ends the first line; not in the fallback reply written
    /// when the hostname cannot start one (see [`HelloReply::new`]).
    names_client: bool,
    /// The lines after the first, CRLFs included: one per extension offered.
    rest: Bytes,
}

impl HelloReply {
    /// Splits the wire form of `reply`, whose first line is `<hostname> greets`, after
    /// that line. Without a valid reply (a hostname that is not a domain a reply can
    /// carry), `250 localhost` as before, naming no one and offering nothing.
    fn new(reply: Result<Reply, ValidationError>) -> HelloReply {
        let (reply, names_client) = match reply {
            Ok(reply) => (reply, true),
            Err(_) => (Reply::from_static(ReplyCode::OK, "localhost"), false),
        };
        // RFC 2034 §3: no enhanced code in a reply to HELO, EHLO or LHLO.
        let mut octets = encoded(&reply, EnhancedCodes::Omit);
        // Reply text holds no CR: the first one ends the first line.
        let end = octets.iter().position(|&b| b == b'\r').unwrap_or(octets.len());
        let rest = octets.split_off((end + 2).min(octets.len()));
        octets.truncate(end);
        HelloReply { first: octets, names_client, rest }
    }

    /// Writes the reply, naming `client` on its first line.
    fn write(&self, out: &mut BytesMut, client: &Host) {
        out.put_slice(&self.first);
        if self.names_client {
            out.put_u8(b' ');
            client.encode(out);
        }
        out.put_slice(b"\r\n");
        out.put_slice(&self.rest);
    }
}

/// The wire form of `reply`, enhanced codes as `mode` says.
fn encoded(reply: &Reply, mode: EnhancedCodes) -> Bytes {
    let mut buf = BytesMut::new();
    reply.encode_with(&mut buf, mode);
    buf.freeze()
}

impl ServerContext {
    /// Prepares `config` for the connections it will serve. Settings that depend on
    /// others are applied here: the content limit of [`ServerConfig::data`] is
    /// [`ServerConfig::max_message_size`], and without SMTPUTF8 the parser refuses UTF-8
    /// addresses (RFC 6531 §3.7.4.2).
    pub fn new(mut config: ServerConfig) -> ServerContext {
        config.data.max_size = config.max_message_size;
        config.commands.utf8_addresses &= config.smtputf8;
        let host = &config.hostname;
        let greeting = Reply::new(ReplyCode::READY, &format!("{host} {}", config.greeting))
            .unwrap_or(Reply::from_static(ReplyCode::READY, "ESMTP"));
        let helo = HelloReply::new(Reply::new(ReplyCode::OK, &format!("{host} {GREETS}")));
        let ehlo = [false, true]
            .map(|tls| HelloReply::new(config.capabilities(tls).to_ehlo_reply(host, GREETS)));
        // RFC 5321 §4.2: the 221 names the server.
        let text = format!("{host} Service closing transmission channel");
        let bye = Reply::with_enhanced(ReplyCode::CLOSING, EnhancedStatusCode::OK, &text)
            .unwrap_or(replies::BYE);
        let bye = encoded(&bye, EnhancedCodes::for_server(config.enhanced_status_codes, false));
        ServerContext(Arc::new(Prepared {
            greeting: encoded(&greeting, EnhancedCodes::Omit),
            helo,
            ehlo,
            bye,
            config,
        }))
    }

    /// The configuration, as normalised by [`new`](Self::new).
    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    /// The `220` greeting.
    pub(super) fn greeting(&self) -> &Bytes {
        &self.0.greeting
    }

    /// The `221` to QUIT.
    pub(super) fn bye(&self) -> &Bytes {
        &self.0.bye
    }

    /// Writes the reply to an accepted HELO (`extended` false) or EHLO/LHLO, with the
    /// capabilities in effect before or under TLS, naming `client`.
    pub(super) fn write_hello_reply(
        &self,
        out: &mut BytesMut,
        extended: bool,
        tls: bool,
        client: &Host,
    ) {
        let reply = if extended { &self.0.ehlo[usize::from(tls)] } else { &self.0.helo };
        reply.write(out, client);
    }
}

impl From<ServerConfig> for ServerContext {
    fn from(config: ServerConfig) -> ServerContext {
        ServerContext::new(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Domain;

    /// The reply rendered whole for this client, as the server did before the context:
    /// what the prepared octets plus the client's name must equal.
    fn rendered_whole(config: &ServerConfig, extended: bool, tls: bool, client: &str) -> Bytes {
        let host = &config.hostname;
        let greets = format!("{GREETS} {client}");
        let reply = if extended {
            config.capabilities(tls).to_ehlo_reply(host, &greets)
        } else {
            Reply::new(ReplyCode::OK, &format!("{host} {greets}"))
        };
        encoded(
            &reply.unwrap_or(Reply::from_static(ReplyCode::OK, "localhost")),
            EnhancedCodes::Omit,
        )
    }

    #[test]
    fn prepared_hello_replies_equal_the_replies_rendered_whole() {
        let client = Host::Domain(Domain::new("client.example").unwrap());
        // Valid names, one that reads as an enhanced code (RFC 2034 §4), one with SP,
        // one with a control character.
        for hostname in ["mx.example", "2.0.0", "two words", "bad\r\nname", ""] {
            for starttls in [false, true] {
                let config = ServerConfig {
                    hostname: hostname.into(),
                    starttls,
                    auth_mechanisms: vec![crate::types::Mechanism::Plain],
                    ..ServerConfig::default()
                };
                let context = ServerContext::new(config.clone());
                for (extended, tls) in [(false, false), (true, false), (true, true)] {
                    let mut out = BytesMut::new();
                    context.write_hello_reply(&mut out, extended, tls, &client);
                    let whole = rendered_whole(&config, extended, tls, "client.example");
                    assert_eq!(out, whole, "{hostname:?} extended {extended} tls {tls}");
                }
            }
        }
    }
}
