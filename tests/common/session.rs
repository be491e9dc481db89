//! The in-memory session driver of the server tests: it feeds reads to a `Server` when it
//! asks for input (then EOF), answers each decision as the test's program says, starts
//! "TLS" at once when asked, and collects what the session produced.

use esmtp::sasl::PasswordCheck;
use esmtp::server::{AuthAnswer, AuthQuestion, Event, Output, Server, TraceLine};
use esmtp::{Error, Reply};

/// What a session produced.
#[derive(Debug, Default)]
pub struct Run {
    /// Every octet transmitted, in order.
    pub wire: Vec<u8>,
    /// Each `Transmit`, as a string.
    pub transmits: Vec<String>,
    /// The events other than content and trace, named (see [`name`]).
    pub events: Vec<String>,
    /// The same events whole: their `Debug` form without the token ids.
    pub event_details: Vec<String>,
    /// Content handed out with `Event::Data`.
    pub content: Vec<u8>,
    /// The trace lines, with `ServerConfig::trace`.
    pub trace: Vec<TraceLine>,
    /// The authentication identities that authenticated.
    pub authenticated: Vec<String>,
    /// How many times TLS was started.
    pub starttls: usize,
    /// The fatal error at the end, if any.
    pub error: Option<Error>,
    /// The most input the server held.
    pub max_buffered: usize,
}

impl Run {
    pub fn wire(&self) -> &str {
        std::str::from_utf8(&self.wire).unwrap()
    }

    /// [`Run::wire`] of a run not kept.
    pub fn into_wire(self) -> String {
        String::from_utf8(self.wire).unwrap()
    }
}

/// The program's answer to a decision event, as a policy returns it: `None` accepts with
/// the default reply; one positive reply is given with `accept_with`, one negative with
/// `reject`; several, at the end of a message, with `accept_each` (LMTP).
pub trait Answer {
    fn into_replies(self) -> Option<Vec<Reply>>;
}

impl Answer for Option<Reply> {
    fn into_replies(self) -> Option<Vec<Reply>> {
        self.map(|reply| vec![reply])
    }
}

impl Answer for Option<Vec<Reply>> {
    fn into_replies(self) -> Option<Vec<Reply>> {
        self
    }
}

/// The program: its answer to each decision event.
pub type Policy<'a, A> = &'a mut dyn FnMut(&Event) -> A;

pub fn accept_all(_: &Event) -> Option<Reply> {
    None
}

/// Runs `server` over `reads` (see [`drive_checking`]); a PLAIN or LOGIN password is right
/// when it is `secret`, whoever the user.
pub fn drive<A: Answer>(server: Server, reads: &[&[u8]], policy: Policy<A>) -> Run {
    drive_checking(server, reads, policy, &|check| check.password_is("secret"))
}

/// Feeds `reads` one by one whenever the server asks for input, then EOF; answers every
/// decision by `policy`, and each PLAIN or LOGIN password by `password` (RFC 4954 §4: the
/// program, not the exchange, knows the credentials); starts "TLS" when asked.
pub fn drive_checking<A: Answer>(
    mut server: Server,
    reads: &[&[u8]],
    policy: Policy<A>,
    password: &dyn Fn(&PasswordCheck) -> bool,
) -> Run {
    let mut run = Run::default();
    let mut reads = reads.iter();
    for _ in 0..1_000_000 {
        run.max_buffered = run.max_buffered.max(server.buffered());
        match server.poll_output() {
            Output::Transmit(bytes) => {
                run.wire.extend_from_slice(&bytes);
                run.transmits.push(String::from_utf8_lossy(&bytes).into_owned());
            }
            Output::Event(Event::Data(chunk)) => run.content.extend_from_slice(&chunk),
            Output::Event(Event::Trace(line)) => run.trace.push(line),
            Output::Event(event) => {
                run.events.push(name(&event));
                run.event_details.push(without_ids(&format!("{event:?}")));
                if let Event::Authenticated(outcome) = &event {
                    run.authenticated.push(outcome.authcid.clone());
                }
                answer(&mut server, event, policy, password);
            }
            Output::StartTls => {
                run.starttls += 1;
                server.tls_established().unwrap();
            }
            Output::NeedInput => match reads.next() {
                Some(read) => server.handle_input(read).unwrap(),
                None => server.handle_eof(),
            },
            Output::AwaitingDecision => panic!("every decision is answered at once"),
            Output::Close => {
                run.error = server.error().cloned();
                return run;
            }
        }
    }
    panic!("the session did not end");
}

/// An event in a few words.
pub fn name(event: &Event) -> String {
    match event {
        Event::Hello(r) => format!("hello {}", r.host()),
        Event::Mail(r) => format!("mail {}", r.reverse_path()),
        Event::Rcpt(r) => format!("rcpt {}", r.forward_path()),
        Event::DataStart(r) => format!("data-start bdat={}", r.is_bdat()),
        Event::MessageEnd(r) => format!("message-end {}", r.size()),
        Event::MessageAborted => "aborted".into(),
        Event::Vrfy(r) => format!("vrfy {}", r.argument()),
        Event::Help(_) => "help".into(),
        Event::Auth(_) => "auth".into(),
        Event::Authenticated(o) => format!("authenticated {}", o.authcid),
        Event::TransactionReset => "reset".into(),
        other => format!("{other:?}"),
    }
}

/// An event's `Debug` form without the token ids (unique in the process).
pub fn without_ids(debug: &str) -> String {
    let mut out = String::new();
    let mut rest = debug;
    while let Some(at) = rest.find("id: ") {
        out.push_str(&rest[..at]);
        rest = rest[at + 4..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out + rest
}

fn answer<A: Answer>(
    server: &mut Server,
    event: Event,
    policy: Policy<A>,
    password: &dyn Fn(&PasswordCheck) -> bool,
) {
    let replies = policy(&event).into_replies();
    macro_rules! decide {
        ($req:expr) => {
            decide!($req, replies)
        };
        ($req:expr, $replies:expr) => {
            match $replies.map(|mut r| (r.len(), r.pop())) {
                None => server.accept($req).unwrap(),
                Some((1, Some(r))) if r.code().is_positive() => {
                    server.accept_with($req, r).unwrap()
                }
                Some((1, Some(r))) => server.reject($req, r).unwrap(),
                other => panic!("one reply expected: {other:?}"),
            }
        };
    }
    match event {
        Event::Hello(r) => decide!(r),
        Event::Mail(r) => decide!(r),
        Event::Rcpt(r) => decide!(r),
        Event::DataStart(r) => decide!(r),
        Event::MessageEnd(r) => match replies {
            Some(replies) if replies.len() > 1 => server.accept_each(r, replies).unwrap(),
            other => decide!(r, other),
        },
        Event::Vrfy(r) => decide!(r),
        Event::Expn(r) => decide!(r),
        Event::Help(r) => decide!(r),
        Event::Etrn(r) => decide!(r),
        Event::Atrn(r) => decide!(r),
        Event::Command(r) => decide!(r),
        Event::Auth(r) => {
            let answer = match r.question() {
                AuthQuestion::VerifyPassword(check) => {
                    AuthAnswer::PasswordVerified(password(check))
                }
                other => panic!("not in these tests: {other:?}"),
            };
            server.answer_auth(r, answer).unwrap();
        }
        // Resets, traces and the like need no answer.
        _ => {}
    }
}

/// Runs one client session read whole, cut in two at every octet, and one octet per
/// read (issue 22: "each pipelined session delivered whole, in every 2-way split, and one
/// octet at a time, with identical output"): every run must write the same octets, raise
/// the same events and give the same content. Returns the whole run. `policy` must
/// answer the same event the same way every time (it is used for every run).
pub fn drive_every_way<A: Answer>(
    new_server: &dyn Fn() -> Server,
    input: &[u8],
    policy: Policy<A>,
) -> Run {
    let whole = drive(new_server(), &[input], policy);
    let check = |how: &str, run: Run| {
        assert_eq!(run.wire(), whole.wire(), "{how}");
        assert_eq!(run.event_details, whole.event_details, "{how}");
        assert_eq!(run.content, whole.content, "{how}");
    };
    for at in 1..input.len() {
        let (a, b) = input.split_at(at);
        check(&format!("cut at {at}"), drive(new_server(), &[a, b], policy));
    }
    let octets: Vec<&[u8]> = input.chunks(1).collect();
    check("one octet per read", drive(new_server(), &octets, policy));
    whole
}
