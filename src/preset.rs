//! The shape every [`HmacScheme`](crate::hmac_scheme::HmacScheme) preset shares: a newtype
//! that delegates [`SignatureScheme`](crate::SignatureScheme) and exposes the knobs that apply.

/// Declares `$name` as a newtype over `HmacScheme` with delegating `SignatureScheme`, and,
/// for `timestamped`, the replay-window and clock knobs.
macro_rules! hmac_preset {
    ($(#[$doc:meta])* $name:ident) => {
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

        impl $crate::SignatureScheme for $name {
            fn name(&self) -> &'static str {
                $crate::SignatureScheme::name(&self.0)
            }
            fn verify(
                &self,
                head: &http::request::Parts,
                body: &bytes::Bytes,
            ) -> Result<$crate::Verification, $crate::Rejection> {
                $crate::SignatureScheme::verify(&self.0, head, body)
            }
            fn check_head(
                &self,
                head: &http::request::Parts,
            ) -> Result<(), $crate::Rejection> {
                $crate::SignatureScheme::check_head(&self.0, head)
            }
            fn start_stream(
                &self,
                head: &http::request::Parts,
            ) -> Option<$crate::SignedStream> {
                $crate::SignatureScheme::start_stream(&self.0, head)
            }
            fn verify_stream(
                &self,
                head: &http::request::Parts,
                body: &bytes::Bytes,
                stream: $crate::SignedStream,
            ) -> Result<$crate::Verification, $crate::Rejection> {
                $crate::SignatureScheme::verify_stream(&self.0, head, body, stream)
            }
            fn event_layout(&self) -> $crate::EventLayout {
                $crate::SignatureScheme::event_layout(&self.0)
            }
            fn response_policy(&self) -> $crate::ResponsePolicy {
                $crate::SignatureScheme::response_policy(&self.0)
            }
        }
    };
    (timestamped $(#[$doc:meta])* $name:ident) => {
        $crate::preset::hmac_preset!($(#[$doc])* $name);

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

pub(crate) use hmac_preset;
