//! Strict, order-preserving JSON reader used only for filter-policy text.
//!
//! `serde_json::Value` sorts object keys unless its `preserve_order` feature is enabled, but AWS
//! validates a policy front to back and reports the first problem in document order (it also reads
//! a match expression's keys in order). So the policy text is read with this small RFC 8259
//! parser, which keeps object members in order, keeps duplicate keys, keeps number literals
//! verbatim (AWS echoes them in some messages) and bounds nesting depth so hostile input cannot
//! exhaust the stack.

use std::fmt;

/// Deepest array/object nesting accepted (the same bound serde_json uses by default).
pub(super) const MAX_DEPTH: usize = 128;

/// A parsed JSON value with object members kept in document order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

/// A JSON number: the literal as written plus its `f64` value (may be infinite if huge).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Number {
    pub text: String,
    pub value: f64,
}

impl Node {
    /// How Jackson's `getText()` renders this token; AWS quotes it in a few numeric errors.
    pub(super) fn token_text(&self) -> String {
        match self {
            Node::Null => "null".to_owned(),
            Node::Bool(b) => b.to_string(),
            Node::Number(n) => n.text.clone(),
            Node::String(s) => s.clone(),
            Node::Array(_) => "[".to_owned(),
            Node::Object(_) => "{".to_owned(),
        }
    }
}

/// Why the text is not acceptable JSON, and the byte offset where that was noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub offset: usize,
    pub reason: &'static str,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at offset {}", self.reason, self.offset)
    }
}

/// Parses one complete JSON document (surrounding whitespace allowed, nothing else).
pub(super) fn parse(src: &str) -> Result<Node, SyntaxError> {
    let mut p = Parser { src, pos: 0 };
    p.skip_ws();
    let node = p.value(0)?;
    p.skip_ws();
    if p.pos != src.len() {
        return Err(p.error("unexpected trailing characters"));
    }
    Ok(node)
}

struct Parser<'s> {
    src: &'s str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, reason: &'static str) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, reason: &'static str) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(reason))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Node::String),
            Some(b't') => self.literal("true", Node::Bool(true)),
            Some(b'f') => self.literal("false", Node::Bool(false)),
            Some(b'n') => self.literal("null", Node::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn literal(&mut self, word: &'static str, node: Node) -> Result<Node, SyntaxError> {
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(node)
        } else {
            Err(self.error("unrecognized token"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Node::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a double-quoted field name"));
            }
            let key = self.string()?;
            self.skip_ws();
            self.expect(b':', "expected ':' after a field name")?;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node::Object(members));
                }
                _ => return Err(self.error("expected ',' or '}' in an object")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Node::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']' in an array")),
            }
        }
    }

    /// Reads a string token; `self.pos` is at the opening quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.src[self.pos..];
            let stop = rest
                .bytes()
                .position(|b| b == b'"' || b == b'\\' || b < 0x20)
                .ok_or(SyntaxError {
                    offset: self.src.len(),
                    reason: "unterminated string",
                })?;
            // `stop` indexes an ASCII byte, so this slice is on a char boundary.
            out.push_str(&rest[..stop]);
            self.pos += stop;
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                _ => return Err(self.error("control character in string")),
            }
        }
    }

    fn escape(&mut self) -> Result<char, SyntaxError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape();
            }
            _ => return Err(self.error("invalid escape")),
        };
        self.pos += 1;
        Ok(c)
    }

    /// Reads the `XXXX` of `\uXXXX` (joining surrogate pairs); `self.pos` is after the `u`.
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.src[self.pos..].starts_with("\\u") {
                return Err(self.error("unpaired surrogate"));
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("unpaired surrogate"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("unpaired surrogate"))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .src
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        let code = u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))?;
        self.pos += 4;
        Ok(code)
    }

    fn number(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.require_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.require_digits()?;
        }
        let text = &self.src[start..self.pos];
        let value = text
            .parse::<f64>()
            .map_err(|_| self.error("invalid number"))?;
        Ok(Node::Number(Number {
            text: text.to_owned(),
            value,
        }))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn require_digits(&mut self) -> Result<(), SyntaxError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error("invalid number"));
        }
        self.digits();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str, value: f64) -> Node {
        Node::Number(Number {
            text: text.to_owned(),
            value,
        })
    }

    #[test]
    fn keeps_member_order_and_duplicates() {
        let node = parse(r#"{"b":1,"a":[true,null],"b":"x"}"#).expect("valid");
        let expected = Node::Object(vec![
            ("b".to_owned(), num("1", 1.0)),
            (
                "a".to_owned(),
                Node::Array(vec![Node::Bool(true), Node::Null]),
            ),
            ("b".to_owned(), Node::String("x".to_owned())),
        ]);
        assert_eq!(node, expected);
    }

    #[test]
    fn keeps_number_literals_verbatim() {
        assert_eq!(parse(" 3.015e2 ").expect("valid"), num("3.015e2", 301.5));
        assert_eq!(parse("-0").expect("valid"), num("-0", -0.0));
    }

    #[test]
    fn decodes_escapes() {
        let node = parse(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#).expect("valid");
        assert_eq!(
            node,
            Node::String("a\"\\/\u{8}\u{c}\n\r\té\u{1F600}".to_owned())
        );
    }

    #[test]
    fn rejects_invalid_documents() {
        let cases = [
            "",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "+1",
            "NaN",
            "tru",
            "\"abc",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"a\u{1}\"",
            "{} {}",
            "{'a':1}",
            "[1 2]",
            "{\"a\" 1}",
            "\"\\u12\"",
            "-",
            "1e",
            "1e+",
        ];
        for case in cases {
            assert!(parse(case).is_err(), "{case:?} should be rejected");
        }
    }

    #[test]
    fn bounds_nesting_depth() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse(&deep).map_err(|e| e.reason), Err("nesting too deep"));
        let very_deep = "[".repeat(1_000_000);
        assert!(parse(&very_deep).is_err());
    }

    #[test]
    fn token_text_matches_jackson_get_text() {
        assert_eq!(num("1.50", 1.5).token_text(), "1.50");
        assert_eq!(Node::String("op".to_owned()).token_text(), "op");
        assert_eq!(Node::Array(vec![]).token_text(), "[");
        assert_eq!(Node::Object(vec![]).token_text(), "{");
        assert_eq!(Node::Null.token_text(), "null");
    }
}
