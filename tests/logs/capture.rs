//! A `tracing` subscriber whose output the test reads back.

use std::sync::{Arc, Mutex};

/// What the subscriber wrote since the last [`take`](Self::take), and everything it wrote.
#[derive(Clone, Default)]
pub(crate) struct Captured(Arc<Mutex<Vec<u8>>>, Arc<Mutex<String>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Captures every event at `level` and above on this thread, while the guard lives.
    pub(crate) fn install(&self, level: tracing::Level) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(level)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    /// What was written since the last call.
    pub(crate) fn take(&self) -> String {
        let text = String::from_utf8(std::mem::take(&mut *self.0.lock().unwrap())).unwrap();
        self.1.lock().unwrap().push_str(&text);
        text
    }

    /// Everything ever written (what the last `take` has not returned excepted).
    pub(crate) fn everything(&self) -> String {
        self.1.lock().unwrap().clone()
    }
}
