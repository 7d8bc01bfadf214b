//! Gathering body frames into one contiguous buffer, within a limit.

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Collects a body's data frames. A body that arrives as one frame is kept as that frame's
/// `Bytes` (no copy); later frames are appended to one buffer sized from `Content-Length`.
pub(super) struct Collector {
    first: Option<Bytes>,
    joined: Option<BytesMut>,
    len: usize,
    limit: usize,
    expected: usize,
}

/// The body passed the limit.
pub(super) struct TooLarge;

impl Collector {
    /// `content_length` only sizes the buffer (capped by `limit`); it is not trusted otherwise.
    pub(super) fn new(limit: usize, content_length: Option<u64>) -> Self {
        let expected = content_length
            .and_then(|n| usize::try_from(n).ok())
            .map_or(0, |n| n.min(limit));
        Self {
            first: None,
            joined: None,
            len: 0,
            limit,
            expected,
        }
    }

    /// Appends `data`; returns the bytes just appended, for a MAC fed as the body arrives.
    pub(super) fn push(&mut self, mut data: impl Buf) -> Result<&[u8], TooLarge> {
        let n = data.remaining();
        if n == 0 {
            return Ok(&[]);
        }
        if n > self.limit - self.len {
            return Err(TooLarge);
        }
        self.len += n;
        if let Some(joined) = &mut self.joined {
            joined.put(data);
        } else if let Some(first) = self.first.take() {
            let mut joined = BytesMut::with_capacity(self.expected.max(self.len));
            joined.extend_from_slice(&first);
            joined.put(data);
            self.joined = Some(joined);
        } else {
            self.first = Some(data.copy_to_bytes(n));
        }
        let all = self.so_far();
        Ok(&all[all.len() - n..])
    }

    /// Whether more than one frame has arrived (the bytes are being joined).
    pub(super) fn is_joining(&self) -> bool {
        self.joined.is_some()
    }

    /// Everything collected so far.
    pub(super) fn so_far(&self) -> &[u8] {
        match (&self.joined, &self.first) {
            (Some(joined), _) => joined,
            (None, Some(first)) => first,
            (None, None) => &[],
        }
    }

    /// The bytes collected so far.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn limit(&self) -> usize {
        self.limit
    }

    pub(super) fn finish(self) -> Bytes {
        match (self.joined, self.first) {
            (Some(joined), _) => joined.freeze(),
            (None, Some(first)) => first,
            (None, None) => Bytes::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_frame_is_kept_without_a_copy() {
        let frame = Bytes::from_static(b"hello");
        let mut collector = Collector::new(10, Some(5));
        assert!(collector.push(frame.clone()).is_ok());
        let body = collector.finish();
        assert_eq!(body.as_ptr(), frame.as_ptr());
    }

    #[test]
    fn frames_are_joined_into_one_buffer_sized_from_content_length() {
        let mut collector = Collector::new(100, Some(9));
        for part in [&b"abc"[..], b"", b"def", b"ghi"] {
            assert!(collector.push(part).is_ok());
        }
        let joined = collector.joined.as_ref().unwrap();
        assert_eq!(joined.capacity(), 9);
        assert_eq!(collector.finish(), &b"abcdefghi"[..]);
    }

    #[test]
    fn the_limit_is_inclusive() {
        let mut collector = Collector::new(6, None);
        assert!(collector.push(&b"abc"[..]).is_ok());
        assert!(collector.push(&b"def"[..]).is_ok());
        assert!(collector.push(&b"g"[..]).is_err());
        let mut collector = Collector::new(6, Some(u64::MAX));
        assert!(collector.push(&b"abcdefg"[..]).is_err());
        assert_eq!(Collector::new(6, Some(1 << 40)).expected, 6);
        assert!(Collector::new(6, None).finish().is_empty());
    }
}
