//! [`Attempt`]: which try at an event a handler is running.

/// Which try at an event a handler is running, for handlers that take it as their second
/// argument:
///
/// ```
/// use tower_webhooks::{routing::{Attempt, EventRouter}, xero};
///
/// let events = EventRouter::new(xero::EVENT_KEY).on(
///     "INVOICE.UPDATE",
///     |event: xero::Event, attempt: Attempt| async move {
///         if attempt.number() > 1 {
///             tracing::warn!(resource = %event.resource_id, attempt = attempt.number(), "retried");
///         }
///     },
/// );
/// # let _ = events;
/// ```
///
/// Behind a synchronous route it is always the first attempt: the provider's retries are new
/// requests, and nothing counts them. From the [inbox](crate::inbox)'s workers, it counts the
/// tries at the stored event and names the stored event and its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    number: u32,
    stored: Option<(i64, i64)>,
}

impl Attempt {
    /// The first attempt, on a synchronous route.
    pub(crate) const FIRST: Self = Self {
        number: 1,
        stored: None,
    };

    /// Attempt `number` at the stored event `event_id` of the stored delivery `delivery_id`.
    #[cfg(feature = "inbox")]
    pub(crate) fn stored(number: u32, event_id: i64, delivery_id: i64) -> Self {
        Self {
            number,
            stored: Some((event_id, delivery_id)),
        }
    }

    /// 1 the first time the handler runs for this event, 2 the second, ...
    #[must_use]
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The inbox's id of the event, when it was stored in an [inbox](crate::inbox).
    #[must_use]
    pub fn event_id(&self) -> Option<i64> {
        self.stored.map(|(event, _)| event)
    }

    /// The inbox's id of the delivery the event came in (see
    /// [`EventRecord::delivery_id`](crate::inbox::EventRecord::delivery_id)), when it
    /// was stored in an [inbox](crate::inbox): the events of one Xero batch share it.
    #[must_use]
    pub fn delivery_id(&self) -> Option<i64> {
        self.stored.map(|(_, delivery)| delivery)
    }
}
