//! Every value and state machine of the codec layer can move to another thread and be
//! shared between threads, as an async runtime's tasks need: a field that broke this (an
//! `Rc`, a `Cell`, a raw pointer) would fail to compile here.

use esmtp::data::{BdatDecoder, BdatWriter, DataConfig, DataEvent, DotStuffer, DotUnstuffer};
use esmtp::line::LineFramer;
use esmtp::*;

fn send_sync<T: Send + Sync + Unpin + 'static>() {}

#[test]
fn public_types_are_send_and_sync() {
    send_sync::<Command>();
    send_sync::<CommandDecoder>();
    send_sync::<CommandConfig>();
    send_sync::<Reply>();
    send_sync::<ReplyDecoder>();
    send_sync::<ReplyConfig>();
    send_sync::<Capabilities>();
    send_sync::<Extension>();
    send_sync::<Mechanism>();
    send_sync::<Mailbox>();
    send_sync::<ReversePath>();
    send_sync::<ForwardPath>();
    send_sync::<MailParameters>();
    send_sync::<RcptParameters>();
    send_sync::<Text>();
    send_sync::<DecodeError>();
    send_sync::<Error>();
    send_sync::<LineFramer>();
    send_sync::<DotUnstuffer>();
    send_sync::<DotStuffer>();
    send_sync::<BdatDecoder>();
    send_sync::<BdatWriter>();
    send_sync::<DataConfig>();
    send_sync::<DataEvent>();
}

/// The lazily built parts of a reply and a capability set are filled once, by whichever
/// thread asks first, and every thread sees the same values.
#[test]
fn lazy_parts_are_shared_between_threads() {
    let wire = b"250-mx.example.com hi\r\n250-SIZE 1000\r\n250-AUTH PLAIN LOGIN\r\n250 PRDR\r\n";
    let reply = Reply::parse(wire).unwrap();
    let caps = Capabilities::from_ehlo(&reply).unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let lines: Vec<String> = reply.lines().map(|l| l.to_string()).collect();
                    let keywords: Vec<String> = caps.iter().map(|e| e.to_string()).collect();
                    (lines, keywords)
                })
            })
            .collect();
        for h in handles {
            let (lines, keywords) = h.join().unwrap();
            assert_eq!(lines, ["mx.example.com hi", "SIZE 1000", "AUTH PLAIN LOGIN", "PRDR"]);
            assert_eq!(keywords, ["SIZE 1000", "AUTH PLAIN LOGIN", "PRDR"]);
        }
    });
}
