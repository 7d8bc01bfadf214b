//! `JSON.parse`, strictly as ECMA-404 and V8 define it, into a tree that keeps what
//! `JSON.stringify` needs: key order, duplicate-key resolution and doubles.

use std::collections::HashMap;

use super::{MAX_DEPTH, StringifyError, StringifyErrorKind};

pub(super) enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Object),
}

/// An object's properties in first-insertion order, the last duplicate's value winning, as a
/// JavaScript object built by `JSON.parse` holds them.
#[derive(Default)]
pub(super) struct Object {
    pub(super) entries: Vec<(String, Value)>,
    /// Built once an object grows past a few keys, so hostile inputs with thousands of keys
    /// stay linear.
    index: Option<HashMap<String, usize>>,
}

const LINEAR_SCAN_MAX: usize = 16;

impl Object {
    fn insert(&mut self, key: String, value: Value) {
        let found = match &self.index {
            Some(index) => index.get(&key).copied(),
            None => self.entries.iter().position(|(k, _)| *k == key),
        };
        if let Some(position) = found {
            self.entries[position].1 = value;
            return;
        }
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), self.entries.len());
        }
        self.entries.push((key, value));
        if self.index.is_none() && self.entries.len() > LINEAR_SCAN_MAX {
            let index = self
                .entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect();
            self.index = Some(index);
        }
    }
}

pub(super) fn parse(text: &str) -> Result<Value, StringifyError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    parser.skip_whitespace();
    let value = parser.value()?;
    parser.skip_whitespace();
    if parser.pos != parser.bytes.len() {
        return Err(parser.invalid());
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn invalid(&self) -> StringifyError {
        StringifyError::new(StringifyErrorKind::InvalidJson, self.pos)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), StringifyError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.invalid())
        }
    }

    fn value(&mut self) -> Result<Value, StringifyError> {
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.invalid()),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, StringifyError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.invalid())
        }
    }

    fn enter(&mut self) -> Result<(), StringifyError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(StringifyError::new(StringifyErrorKind::TooDeep, self.pos));
        }
        self.pos += 1;
        self.skip_whitespace();
        Ok(())
    }

    fn object(&mut self) -> Result<Value, StringifyError> {
        self.enter()?;
        let mut object = Object::default();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Object(object));
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.invalid());
            }
            let key = self.string()?;
            self.skip_whitespace();
            self.expect(b':')?;
            self.skip_whitespace();
            let value = self.value()?;
            object.insert(key, value);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Object(object));
                }
                _ => return Err(self.invalid()),
            }
        }
    }

    fn array(&mut self) -> Result<Value, StringifyError> {
        self.enter()?;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.invalid()),
            }
        }
    }

    fn number(&mut self) -> Result<Value, StringifyError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.invalid()),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.one_or_more_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.one_or_more_digits()?;
        }
        // Rust's `f64` parsing is correctly rounded, as ECMAScript's is; overflow gives
        // infinity, which `JSON.stringify` prints as `null`.
        self.text[start..self.pos]
            .parse::<f64>()
            .map(Value::Number)
            .map_err(|_| StringifyError::new(StringifyErrorKind::InvalidJson, start))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn one_or_more_digits(&mut self) -> Result<(), StringifyError> {
        let start = self.pos;
        self.digits();
        if self.pos == start {
            Err(self.invalid())
        } else {
            Ok(())
        }
    }

    fn string(&mut self) -> Result<String, StringifyError> {
        self.pos += 1; // the opening quote
        let mut out = String::new();
        let mut run_start = self.pos;
        loop {
            match self.peek() {
                None => return Err(self.invalid()),
                Some(b'"') => {
                    out.push_str(&self.text[run_start..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(&self.text[run_start..self.pos]);
                    self.escape(&mut out)?;
                    run_start = self.pos;
                }
                Some(0x00..=0x1f) => return Err(self.invalid()),
                Some(_) => self.pos += 1,
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), StringifyError> {
        let at = self.pos;
        self.pos += 1; // the backslash
        let byte = self.peek().ok_or_else(|| self.invalid())?;
        self.pos += 1;
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(at, out),
            _ => return Err(StringifyError::new(StringifyErrorKind::InvalidJson, at)),
        };
        out.push(c);
        Ok(())
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\uXXXX` low half that must
    /// follow it.
    fn unicode_escape(&mut self, at: usize, out: &mut String) -> Result<(), StringifyError> {
        let lone = || StringifyError::new(StringifyErrorKind::LoneSurrogate, at);
        let unit = self.hex4()?;
        let code_point = match unit {
            0xd800..=0xdbff => {
                if !self.bytes[self.pos..].starts_with(b"\\u") {
                    return Err(lone());
                }
                self.pos += 2;
                let low = self.hex4()?;
                if !(0xdc00..=0xdfff).contains(&low) {
                    return Err(lone());
                }
                0x10000 + ((u32::from(unit) - 0xd800) << 10) + (u32::from(low) - 0xdc00)
            }
            0xdc00..=0xdfff => return Err(lone()),
            _ => u32::from(unit),
        };
        out.push(char::from_u32(code_point).ok_or_else(lone)?);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16, StringifyError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.invalid())?;
        let mut unit = 0u16;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(self.invalid()),
            };
            unit = (unit << 4) | u16::from(v);
        }
        self.pos += 4;
        Ok(unit)
    }
}
