//! A guard between stdio and tower-lsp-server's transport.
//!
//! tower-lsp-server stops reading for good after the first message it cannot decode (its framed
//! reader ends after an error), so one malformed message from a client would end the session;
//! and it leaves requests to unknown `$/` methods unanswered. This layer reads the client's
//! messages itself, with tolerant framing (header names in any case, unknown headers skipped,
//! garbage before a header resynchronised), and passes on only messages tower-lsp-server can
//! decode. Everything else is answered here: a body that is not JSON is a parse error (-32700),
//! JSON that is not a JSON-RPC 2.0 message an invalid request (-32600), a `$/` request
//! MethodNotFound (-32601). Answers from both sides reach stdout as whole frames.

use std::borrow::Cow;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt,
};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Id, Request, Response};

/// Header lines longer than this are garbage (skipped).
const MAX_HEADER_LINE: usize = 64 * 1024;
/// Bodies longer than this are refused (read and dropped) rather than buffered.
const MAX_BODY: usize = 512 * 1024 * 1024;

/// One framed message from a stream.
enum Frame {
    Body(Vec<u8>),
    /// A header block without a usable `Content-Length`.
    BadHeader,
    /// A `Content-Length` above [`MAX_BODY`]; the body was skipped.
    TooLarge,
}

/// Reads one header line (without its line break), at most [`MAX_HEADER_LINE`] bytes kept.
/// `None` at the end of the stream.
async fn read_header_line(input: &mut (impl AsyncBufRead + Unpin)) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    let mut any = false;
    loop {
        let buffer = input.fill_buf().await.ok()?;
        if buffer.is_empty() {
            return any.then_some(line);
        }
        any = true;
        let (chunk, done) = match buffer.iter().position(|&b| b == b'\n') {
            Some(i) => (&buffer[..i], i + 1),
            None => (buffer, buffer.len()),
        };
        if line.len() < MAX_HEADER_LINE {
            let room = MAX_HEADER_LINE - line.len();
            line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        let ended = done > chunk.len();
        input.consume(done);
        if ended {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Some(line);
        }
    }
}

/// Reads the next frame; `None` at the end of the stream.
async fn read_frame(input: &mut (impl AsyncBufRead + Unpin)) -> Option<Frame> {
    let mut length: Option<Option<usize>> = None;
    let mut saw_header = false;
    loop {
        let line = read_header_line(input).await?;
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue; // blank lines between messages
        }
        saw_header = true;
        // Garbage left over from a short `Content-Length` may precede the next header.
        let lower = line.to_ascii_lowercase();
        let needle = b"content-length:";
        if let Some(at) = lower.windows(needle.len()).position(|w| w == needle) {
            let value = String::from_utf8_lossy(&line[at + needle.len()..]);
            length = Some(value.trim().parse().ok());
        }
    }
    match length {
        Some(Some(n)) if n > MAX_BODY => {
            let mut skip = input.take(n as u64);
            let _ = tokio::io::copy(&mut skip, &mut tokio::io::sink()).await;
            Some(Frame::TooLarge)
        }
        Some(Some(n)) => {
            let mut body = vec![0; n];
            input.read_exact(&mut body).await.ok()?;
            Some(Frame::Body(body))
        }
        _ => Some(Frame::BadHeader),
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error(id: Value, code: i64, message: &str) -> Vec<u8> {
    let id = match id {
        Value::Number(_) | Value::String(_) => id,
        _ => Value::Null,
    };
    let response = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    frame(response.to_string().as_bytes())
}

/// The fields of a message that decide whether tower-lsp-server can decode it, read from the
/// body without building a tree of it: strings borrowed where they have no escapes, every other
/// value walked and checked (as parsing it into a `Value` would check it) but not kept.
#[derive(Default)]
struct Probe<'a> {
    jsonrpc: Option<Cow<'a, str>>,
    method: Option<Cow<'a, str>>,
    /// `Some(Id::Null)` for `"id": null`, `None` when there is no id.
    id: Option<Id>,
    result: bool,
    error: bool,
}

impl<'de> Deserialize<'de> for Probe<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ProbeVisitor)
    }
}

struct ProbeVisitor;

impl<'de> Visitor<'de> for ProbeVisitor {
    type Value = Probe<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON-RPC message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probe<'de>, A::Error> {
        let mut probe = Probe::default();
        let mut seen = std::collections::HashSet::new();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            // A repeated field: let the full decoding decide.
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom("duplicate field"));
            }
            match key.as_ref() {
                "jsonrpc" => probe.jsonrpc = Some(map.next_value::<Text>()?.0),
                "method" => probe.method = Some(map.next_value::<Text>()?.0),
                "id" => probe.id = Some(map.next_value()?),
                "result" => {
                    map.next_value::<Checked>()?;
                    probe.result = true;
                }
                "error" => {
                    map.next_value::<ProbeError>()?;
                    probe.error = true;
                }
                _ => {
                    map.next_value::<Checked>()?;
                }
            }
        }
        Ok(probe)
    }
}

/// A string, borrowed from the body when it has no escapes (serde's own `Cow<str>` always
/// copies).
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(text.to_string())))
    }
}

#[derive(Deserialize)]
struct ProbeError<'a> {
    #[serde(rename = "code")]
    _code: i64,
    #[serde(borrow, rename = "message")]
    _message: Cow<'a, str>,
    #[serde(default, rename = "data")]
    _data: Option<Checked>,
}

/// Any JSON value, checked as decoding it would check it (strings valid UTF-8 without lone
/// surrogates, numbers in range), then dropped. Unlike `IgnoredAny`, which skips strings
/// unchecked: tower-lsp-server would fail on what it let through.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_entry::<Checked, Checked>()?.is_some() {}
        Ok(Checked)
    }
}

/// True when the body is a message tower-lsp-server decodes and answers itself: the common
/// case, decided from a [`Probe`]. Anything else takes the slow path of [`answer`].
fn passes(body: &[u8]) -> bool {
    let Ok(probe) = serde_json::from_slice::<Probe>(body) else {
        return false;
    };
    if probe.jsonrpc.as_deref() != Some("2.0") {
        return false;
    }
    match probe.method {
        Some(method) => !(method.starts_with("$/") && probe.id.is_some()),
        None => probe.id.is_some() && (probe.result || probe.error),
    }
}

/// What to do with one body from the client: pass it on, or answer it here (`Err`, the framed
/// answer; an empty one for messages that get none).
fn check(body: &[u8]) -> Result<(), Vec<u8>> {
    if passes(body) {
        return Ok(());
    }
    answer(body)
}

/// [`check`] for a body the probe did not pass, from the whole JSON tree: faulty messages are
/// rare, and their answer needs the id and method wherever they are.
fn answer(body: &[u8]) -> Result<(), Vec<u8>> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => return Err(parse_error(body, &e)),
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let is_request = value.get("method").is_some();
    if is_request {
        if serde_json::from_value::<Request>(value.clone()).is_err() {
            return Err(error(id, -32600, "Invalid request"));
        }
        let method = value["method"].as_str().unwrap_or_default();
        if method.starts_with("$/") && value.get("id").is_some() {
            return Err(error(id, -32601, &format!("Method not found: {method}")));
        }
        Ok(())
    } else if serde_json::from_value::<Response>(value).is_ok() {
        Ok(())
    } else {
        Err(error(id, -32600, "Invalid request"))
    }
}

/// The answer to a body that is not valid JSON: a parse error, with the request's id when a
/// lenient reading finds one (a lone surrogate escape or invalid UTF-8 in a string must not
/// leave the client waiting for an answer to its request). A `didOpen` that cannot be decoded
/// is also logged, since a notification gets no answer the user would see.
fn parse_error(body: &[u8], e: &serde_json::Error) -> Vec<u8> {
    let lenient = lenient_parse(body);
    let field = |name: &str| lenient.as_ref().and_then(|v| v.get(name)).cloned();
    let id = field("id").unwrap_or(Value::Null);
    let mut answer = error(id, -32700, &format!("Parse error: {e}"));
    if field("method").as_ref().and_then(Value::as_str) == Some("textDocument/didOpen") {
        let uri = lenient
            .as_ref()
            .and_then(|v| v.pointer("/params/textDocument/uri"))
            .and_then(Value::as_str)
            .unwrap_or("a document")
            .to_string();
        let log = json!({
            "jsonrpc": "2.0",
            "method": "window/logMessage",
            "params": {
                "type": 1,
                "message": format!("ws-lint: cannot open {uri}: its text is not valid JSON text ({e}); the document is not analysed"),
            },
        });
        answer.extend(frame(log.to_string().as_bytes()));
    }
    answer
}

/// `body` read as JSON after making its strings decodable: invalid UTF-8 and every UTF-16
/// surrogate escape become U+FFFD. For finding the id and method of a malformed message only.
fn lenient_parse(body: &[u8]) -> Option<Value> {
    let text = String::from_utf8_lossy(body);
    let mut cleaned = String::with_capacity(text.len());
    let mut rest = text.as_ref();
    while let Some(at) = rest.find("\\u") {
        cleaned.push_str(&rest[..at]);
        let escape = rest.get(at..at + 6).unwrap_or("");
        let is_surrogate = escape.len() == 6
            && u16::from_str_radix(&escape[2..], 16).is_ok_and(|u| (0xD800..0xE000).contains(&u));
        // An escaped backslash before `u` (`\\u`) is not an escape: the count of
        // backslashes before it decides.
        let backslashes = cleaned.chars().rev().take_while(|c| *c == '\\').count();
        if is_surrogate && backslashes % 2 == 0 {
            cleaned.push_str("\\uFFFD");
            rest = &rest[at + 6..];
        } else {
            cleaned.push_str("\\u");
            rest = &rest[at + 2..];
        }
    }
    cleaned.push_str(rest);
    serde_json::from_str(&cleaned).ok()
}

/// Pumps the client's messages into `server`, answering the faulty ones through `answers`.
/// Ends (closing `server`) at the end of the client's stream.
pub async fn read_client(
    input: impl AsyncRead + Unpin,
    mut server: impl AsyncWrite + Unpin,
    answers: mpsc::UnboundedSender<Outgoing>,
) {
    let mut input = tokio::io::BufReader::new(input);
    while let Some(frame) = read_frame(&mut input).await {
        let outcome = match frame {
            Frame::Body(body) => check(&body).map(|()| body),
            Frame::BadHeader => Err(error(
                Value::Null,
                -32700,
                "Parse error: no valid Content-Length",
            )),
            Frame::TooLarge => Err(error(
                Value::Null,
                -32600,
                "Invalid request: message too large",
            )),
        };
        match outcome {
            Ok(body) => {
                if server.write_all(&self::frame(&body)).await.is_err()
                    || server.flush().await.is_err()
                {
                    break;
                }
            }
            Err(answer) => {
                let _ = answers.send(Some(answer));
            }
        }
    }
    let _ = server.shutdown().await;
}

/// What goes to the client: a whole frame, or `None` once the server has finished.
pub type Outgoing = Option<Vec<u8>>;

/// Passes the server's frames on, whole, then `None` when its stream ends.
pub async fn read_server(server: impl AsyncRead + Unpin, out: mpsc::UnboundedSender<Outgoing>) {
    let mut server = tokio::io::BufReader::new(server);
    while let Some(frame) = read_frame(&mut server).await {
        if let Frame::Body(body) = frame {
            let _ = out.send(Some(self::frame(&body)));
        }
    }
    let _ = out.send(None);
}

/// Writes frames to the client in the order they were queued, until the server has finished.
pub async fn write_client(
    mut out: mpsc::UnboundedReceiver<Outgoing>,
    mut output: impl AsyncWrite + Unpin,
) {
    while let Some(Some(frame)) = out.recv().await {
        if output.write_all(&frame).await.is_err() || output.flush().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faulty_bodies_are_answered_here() {
        assert!(
            check(br#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}"#).is_ok()
        );
        assert!(
            check(br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#).is_ok()
        );
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        let text = |r: Result<(), Vec<u8>>| String::from_utf8(r.unwrap_err()).unwrap();
        assert!(text(check(b"{oops")).contains("-32700"));
        let lone = text(check(
            br#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"x":"\ud800","y":"\\ud800"}}"#,
        ));
        assert!(
            lone.contains(r#""id":7"#) && lone.contains("-32700"),
            "{lone}"
        );
        let bad_utf8 = text(check(
            b"{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"x\",\"params\":{\"x\":\"\xff\"}}",
        ));
        assert!(bad_utf8.contains(r#""id":"a""#), "{bad_utf8}");
        let open = text(check(
            br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///s.yml","text":"\udc00"}}}"#,
        ));
        assert!(
            open.contains("window/logMessage") && open.contains("file:///s.yml"),
            "{open}"
        );
        assert!(text(check(b"[1]")).contains("-32600"));
        assert!(text(check(br#"{"jsonrpc":"2.0","id":3,"method":"$/x"}"#)).contains("-32601"));
    }

    #[test]
    fn the_probe_borrows_its_strings_from_the_body() {
        let body = br#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}"#;
        let probe: Probe = serde_json::from_slice(body).expect("a probe");
        assert!(matches!(
            probe.method,
            Some(Cow::Borrowed("textDocument/hover"))
        ));
        assert!(matches!(probe.jsonrpc, Some(Cow::Borrowed("2.0"))));
        // An escape is decoded into a copy.
        let body = br#"{"jsonrpc":"2.0","method":"\u0024/cancelRequest"}"#;
        let probe: Probe = serde_json::from_slice(body).expect("a probe");
        assert!(matches!(probe.method.as_deref(), Some("$/cancelRequest")));
    }

    /// The probe passes exactly what the full decoding passes: it only saves the work.
    #[test]
    fn the_probe_agrees_with_the_full_decoding() {
        let bodies: &[&[u8]] = &[
            br#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"a":[1,{"b":null}]}}"#,
            br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":null}"#,
            br#"{"jsonrpc":"2.0","id":"x","method":"initialize"}"#,
            br#"{"jsonrpc":"2.0","id":null,"method":"shutdown"}"#,
            br#"{"method":"\u0024/cancelRequest","jsonrpc":"2.0","params":{"id":1}}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"\u0024/x"}"#,
            br#"{"jsonrpc":"2.0","id":null,"method":"$/x"}"#,
            br#"{"jsonrpc":"2.0","id":1,"result":null}"#,
            br#"{"jsonrpc":"2.0","id":"a","result":{"x":1}}"#,
            br#"{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"no"}}"#,
            br#"{"jsonrpc":"2.0","id":1,"error":{"code":"x","message":"no"}}"#,
            br#"{"jsonrpc":"2.0","id":1}"#,
            br#"{"jsonrpc":"2.0","result":1}"#,
            br#"{"jsonrpc":"1.0","id":1,"method":"x"}"#,
            br#"{"jsonrpc":2,"id":1,"method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":[1],"method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":7}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"x","method":"y"}"#,
            br#"{"id":1,"method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"x","extra":{"deep":[[[]]]}}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"s":"\ud800"}}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"x","other":["\udc00"]}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"x","params":[1e999]}"#,
            b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":\"\xff\"}",
            br#"{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"m","data":"\ud800"}}"#,
            b"[1]",
            b"null",
            b"{oops",
            b"",
        ];
        for body in bodies {
            let shown = String::from_utf8_lossy(body);
            if passes(body) {
                assert!(answer(body).is_ok(), "the probe passed {shown}");
            }
            assert_eq!(check(body).is_ok(), answer(body).is_ok(), "{shown}");
        }
        for body in &bodies[..10] {
            let shown = String::from_utf8_lossy(body);
            let expected = answer(body).is_ok();
            assert_eq!(passes(body), expected, "{shown}");
        }
    }
}
