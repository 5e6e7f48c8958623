//! A local SMTP server that accepts every message and keeps it: enough of the protocol for
//! lettre (EHLO, MAIL, RCPT, DATA, QUIT), on plain TCP.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = kept.clone();
                std::thread::spawn(move || converse(stream, &kept));
            }
        });
        Self { port, mails }
    }

    /// Every message received so far, headers and body as sent.
    pub fn mails(&self) -> Vec<String> {
        self.mails.lock().unwrap().clone()
    }
}

fn converse(stream: TcpStream, mails: &Mutex<Vec<String>>) {
    let mut out = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let _ = out.write_all(b"220 sink.test ESMTP\r\n");
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 0 {
        let command = line.trim_end().to_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-sink.test\r\n250 8BITMIME\r\n"
        } else if command.starts_with("DATA") {
            let _ = out.write_all(b"354 end with .\r\n");
            let mut mail = String::new();
            let mut data = String::new();
            while reader.read_line(&mut data).unwrap_or(0) > 0 && data != ".\r\n" {
                mail.push_str(&data);
                data.clear();
            }
            mails.lock().unwrap().push(mail);
            b"250 2.0.0 Ok: queued as SINK1\r\n"
        } else if command.starts_with("QUIT") {
            let _ = out.write_all(b"221 bye\r\n");
            return;
        } else {
            b"250 OK\r\n"
        };
        let _ = out.write_all(reply);
        line.clear();
    }
}
