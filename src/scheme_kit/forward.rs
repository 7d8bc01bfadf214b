//! One way for a scheme that wraps another to implement [`SignatureScheme`](crate::SignatureScheme):
//! every method forwarded, so that none silently falls back to the trait's default and loses
//! streaming, its event layout or its response policy.

/// Implements `SignatureScheme` for a type by forwarding every method to the scheme that
/// `|this| expr` reaches, optionally passing each verdict (streamed or not) through
/// `finish = path`, a `fn(&Self, &Parts, &Bytes, Result<Verification, Rejection>) ->
/// Result<Verification, Rejection>`: Zoom answers its challenge there, Xemelgo tries its
/// `JSON.stringify` fallback. `handshake = path`, a `fn(&Self, &Parts) -> Option<Result<Response,
/// Rejection>>`, answers the provider's head-only handshake in place of the inner scheme's
/// (Meta's and Dropbox's `GET` challenges).
macro_rules! forward_scheme {
    (
        impl[$($generics:tt)*] $ty:ty => |$this:ident| $inner:expr
        $(, finish = $finish:path)? $(, handshake = $handshake:path)? $(,)?
    ) => {
        impl<$($generics)*> $crate::SignatureScheme for $ty {
            fn name(&self) -> &'static str {
                let $this = self;
                $crate::SignatureScheme::name($inner)
            }
            fn handshake(
                &self,
                head: &http::request::Parts,
            ) -> Option<Result<http::Response<bytes::Bytes>, $crate::Rejection>> {
                let $this = self;
                $crate::scheme_kit::forward::handshake_of!($this, head, $inner $(, $handshake)?)
            }
            fn check_head(&self, head: &http::request::Parts) -> Result<(), $crate::Rejection> {
                let $this = self;
                $crate::SignatureScheme::check_head($inner, head)
            }
            fn fetch_keys(
                &self,
                head: &http::request::Parts,
                body: &bytes::Bytes,
            ) -> Option<$crate::KeyFetch> {
                let $this = self;
                $crate::SignatureScheme::fetch_keys($inner, head, body)
            }
            fn start_stream(&self, head: &http::request::Parts) -> Option<$crate::SignedStream> {
                let $this = self;
                $crate::SignatureScheme::start_stream($inner, head)
            }
            fn verify(
                &self,
                head: &http::request::Parts,
                body: &bytes::Bytes,
            ) -> Result<$crate::Verification, $crate::Rejection> {
                let $this = self;
                let verdict = $crate::SignatureScheme::verify($inner, head, body);
                $(let verdict = $finish(self, head, body, verdict);)?
                verdict
            }
            fn verify_stream(
                &self,
                head: &http::request::Parts,
                body: &bytes::Bytes,
                stream: $crate::SignedStream,
            ) -> Result<$crate::Verification, $crate::Rejection> {
                let $this = self;
                let verdict = $crate::SignatureScheme::verify_stream($inner, head, body, stream);
                $(let verdict = $finish(self, head, body, verdict);)?
                verdict
            }
            fn event_layout(&self) -> $crate::EventLayout {
                let $this = self;
                $crate::SignatureScheme::event_layout($inner)
            }
            fn response_policy(&self) -> $crate::ResponsePolicy {
                let $this = self;
                $crate::SignatureScheme::response_policy($inner)
            }
        }
    };
}

/// Declares `$name` as a newtype over `HmacScheme` that forwards `SignatureScheme` (through
/// [`forward_scheme!`], with its optional `finish`), and, for `timestamped`, the replay-window
/// and clock knobs.
macro_rules! hmac_preset {
    ($(#[$doc:meta])* $name:ident $(, finish = $finish:path)? $(, handshake = $handshake:path)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name($crate::hmac_scheme::HmacScheme);

        impl $name {
            /// The [`HmacScheme`](crate::hmac_scheme::HmacScheme) underneath, to adjust what
            /// this preset does not expose.
            #[must_use]
            pub fn into_hmac_scheme(self) -> $crate::hmac_scheme::HmacScheme {
                self.0
            }
        }

        $crate::scheme_kit::forward::forward_scheme!(
            impl[] $name => |this| &this.0 $(, finish = $finish)? $(, handshake = $handshake)?
        );
    };
    (timestamped $(#[$doc:meta])* $name:ident $(, finish = $finish:path)? $(, handshake = $handshake:path)?) => {
        $crate::scheme_kit::forward::hmac_preset!($(#[$doc])* $name $(, finish = $finish)? $(, handshake = $handshake)?);

        impl $name {
            /// Replaces the replay window (the default follows the provider's SDK; see the
            /// module docs).
            #[must_use]
            pub fn with_replay_window(self, window: $crate::ReplayWindow) -> Self {
                Self(self.0.with_replay_window(window))
            }

            /// Replaces the clock the replay window is checked against.
            #[must_use]
            pub fn with_clock(self, clock: $crate::Clock) -> Self {
                Self(self.0.with_clock(clock))
            }
        }
    };
}

/// The scheme's own handshake when it has one, else the inner scheme's.
macro_rules! handshake_of {
    ($this:ident, $head:ident, $inner:expr) => {
        $crate::SignatureScheme::handshake($inner, $head)
    };
    ($this:ident, $head:ident, $inner:expr, $own:path) => {
        $own($this, $head)
    };
}

pub(crate) use forward_scheme;
pub(crate) use handshake_of;
pub(crate) use hmac_preset;
