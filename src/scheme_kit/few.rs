//! [`Few`]: a handful of `Copy` items on the stack, for the per-request lists (signatures in a
//! header, parts of the signed content) that would otherwise cost an allocation each.

/// Up to `N` items, inline.
#[derive(Clone, Copy)]
pub(crate) struct Few<T: Copy + Default, const N: usize> {
    items: [T; N],
    len: usize,
}

impl<T: Copy + Default, const N: usize> Few<T, N> {
    pub(crate) fn new() -> Self {
        Self {
            items: [T::default(); N],
            len: 0,
        }
    }

    /// Adds `item`; `Err` when all `N` places are taken.
    pub(crate) fn push(&mut self, item: T) -> Result<(), T> {
        let slot = self.items.get_mut(self.len).ok_or(item)?;
        *slot = item;
        self.len += 1;
        Ok(())
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        &self.items[..self.len]
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A MAC tag or signature of up to 64 bytes (HMAC-SHA512, Ed25519), decoded.
#[derive(Clone, Copy)]
pub(crate) struct Tag {
    bytes: [u8; 64],
    len: usize,
}

impl Default for Tag {
    fn default() -> Self {
        Self {
            bytes: [0; 64],
            len: 0,
        }
    }
}

impl Tag {
    /// The tag in `bytes`, if it fits.
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        let mut tag = Self::default();
        tag.bytes.get_mut(..bytes.len())?.copy_from_slice(bytes);
        tag.len = bytes.len();
        Some(tag)
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_up_to_n_and_refuses_more() {
        let mut few: Few<u8, 2> = Few::new();
        assert!(few.is_empty());
        assert_eq!(few.push(1), Ok(()));
        assert_eq!(few.push(2), Ok(()));
        assert_eq!(few.push(3), Err(3));
        assert_eq!(few.as_slice(), [1, 2]);
        assert_eq!(Tag::from_slice(&[7; 64]).unwrap().as_slice(), [7; 64]);
        assert!(Tag::from_slice(&[7; 65]).is_none());
    }
}
