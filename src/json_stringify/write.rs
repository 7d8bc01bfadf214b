//! `JSON.stringify` of a parsed value, with no indentation.

use super::parse::{Object, Value};

pub(super) fn write(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(*n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        Value::Object(object) => write_object(object, out),
    }
}

fn write_number(n: f64, out: &mut Vec<u8>) {
    if n.is_finite() {
        // ECMAScript Number::toString: shortest round-trip digits, `1e+21`, `1e-7`, `-0` as `0`.
        out.extend_from_slice(ryu_js::Buffer::new().format_finite(n).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

/// Property order of an ordinary object: array indices ascending, then the other keys in the
/// order they were first created.
fn write_object(object: &Object, out: &mut Vec<u8>) {
    let mut indexed: Vec<(u32, &(String, Value))> = object
        .entries
        .iter()
        .filter_map(|entry| array_index(&entry.0).map(|i| (i, entry)))
        .collect();
    indexed.sort_unstable_by_key(|(i, _)| *i);
    let named = object
        .entries
        .iter()
        .filter(|entry| array_index(&entry.0).is_none());

    out.push(b'{');
    let ordered = indexed.into_iter().map(|(_, entry)| entry).chain(named);
    for (i, (key, value)) in ordered.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(key, out);
        out.push(b':');
        write(value, out);
    }
    out.push(b'}');
}

/// `Some(i)` when `key` is the canonical decimal form of an integer `0 <= i < 2^32 - 1`.
fn array_index(key: &str) -> Option<u32> {
    let bytes = key.as_bytes();
    let canonical = match bytes {
        [b'0'] => true,
        [b'1'..=b'9', rest @ ..] => rest.len() < 10 && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if !canonical {
        return None;
    }
    key.parse::<u32>().ok().filter(|&i| i != u32::MAX)
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1f => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ],
            _ => continue,
        };
        out.extend_from_slice(&bytes[run_start..i]);
        out.extend_from_slice(escape);
        run_start = i + 1;
    }
    out.extend_from_slice(&bytes[run_start..]);
    out.push(b'"');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::array_index;

    #[test]
    fn array_indices_are_canonical_and_below_2_pow_32_minus_1() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("10"), Some(10));
        assert_eq!(array_index("4294967294"), Some(4_294_967_294));
        for not_index in [
            "4294967295",
            "4294967296",
            "00",
            "01",
            "-1",
            "1.0",
            "",
            "a",
            "99999999999",
        ] {
            assert_eq!(array_index(not_index), None, "{not_index}");
        }
    }
}
