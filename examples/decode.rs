//! Decodes SMTP client commands and prints what the codec makes of each line.
//!
//! ```text
//! cargo run --example decode                 # a built-in sample session
//! cargo run --example decode -- FILE         # a transcript, one command per line
//! printf 'EHLO x\r\n' | cargo run --example decode -- -
//! ```
//!
//! Options: `--lenient` accepts the common deviations (bare LF, `MAIL FROM: <a@b>`, extra
//! spaces); `--help`. Unknown options exit with status 64.

use std::io::Read;
use std::process::ExitCode;

use bytes::BytesMut;
use esmtp::{Command, CommandConfig, CommandDecoder};

const SAMPLE: &[u8] = b"EHLO client.example.org\r\n\
MAIL FROM:<alice@example.org> SIZE=1200 BODY=8BITMIME\r\n\
RCPT TO:<bob@example.com> NOTIFY=SUCCESS,FAILURE\r\n\
RCPT TO:<Postmaster>\r\n\
RCPT TO:<\"odd person\"@[IPv6:2001:db8::1]>\r\n\
mail from:<>\r\n\
RCPT TO:<a@b.example>SIZE=1\r\n\
BDAT 99999999999999999999999 LAST\r\n\
XCLIENT ADDR=192.0.2.1\r\n\
DATA\r\n";

const USAGE: &str = "usage: decode [--lenient] [FILE|-]\n\
Decodes SMTP command lines (CRLF-terminated) and prints each command in canonical form,\n\
or the reply a server would send for a bad line. Without FILE, a built-in sample.";

fn main() -> ExitCode {
    let mut lenient = false;
    let mut path = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--lenient" => lenient = true,
            s if s.starts_with("--") => {
                eprintln!("decode: unknown option {s}");
                return ExitCode::from(64);
            }
            s if path.is_none() => path = Some(s.to_owned()),
            s => {
                eprintln!("decode: unexpected argument {s}");
                return ExitCode::from(64);
            }
        }
    }
    let input = match path.as_deref() {
        None => SAMPLE.to_vec(),
        Some("-") => {
            let mut v = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut v) {
                eprintln!("decode: stdin: {e}");
                return ExitCode::from(1);
            }
            v
        }
        Some(p) => match std::fs::read(p) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("decode: {p}: {e}");
                return ExitCode::from(1);
            }
        },
    };
    let config = if lenient { CommandConfig::lenient() } else { CommandConfig::default() };
    let mut decoder = CommandDecoder::new(config);
    let mut buf = BytesMut::from(&input[..]);
    loop {
        match decoder.decode(&mut buf) {
            Ok(Some(command)) => describe(&command),
            Ok(None) => break,
            // The reply a server sends for the bad line: code, enhanced code, reason.
            Err(e) => println!("error    -> {}", e.reply().to_string().trim_end()),
        }
    }
    if !buf.is_empty() {
        println!("(incomplete line left: {:?})", String::from_utf8_lossy(&buf));
    }
    ExitCode::SUCCESS
}

fn describe(command: &Command) {
    let extra = match command {
        Command::Mail { reverse_path, params } => {
            format!("  sender={reverse_path} size={:?} body={:?}", params.size(), params.body())
        }
        Command::Rcpt { forward_path, params } => {
            format!("  recipient={forward_path} notify={:?}", params.notify())
        }
        Command::Unknown(u) => format!("  unknown verb {:?}", u.verb()),
        _ => String::new(),
    };
    println!("{:<8} {command}{extra}", command.verb());
}
