//! The inbox's operations in PostgreSQL's SQL: the SQLite ones, with claims taken `FOR UPDATE
//! SKIP LOCKED` so that workers in many processes never take one event twice.

use std::collections::HashMap;

use deadpool_postgres::ClientWrapper as Client;
use tokio_postgres::Row;

use crate::inbox::{
    EventRecord, EventState, Filter, InboxError, NewEvent, Stats,
    event::{ClaimId, Claimed, Outcome, to_time},
    sqlite::{ClaimRequest, RetryTarget},
};

/// Stores a group of deliveries in one statement (one commit, one WAL flush), and returns
/// how many events of each were new. Each delivery's events share a delivery id: the smallest
/// id given out to them (every event is numbered before the unique key finds the ones stored
/// already). Idle workers elsewhere are notified in the same commit.
pub(super) async fn store_group(
    client: &Client,
    deliveries: &[&[NewEvent]],
    now_ms: i64,
) -> Result<Vec<usize>, InboxError> {
    let mut job = Vec::new();
    let mut scheme = Vec::new();
    let mut dedup_key = Vec::new();
    let mut order_key = Vec::new();
    let mut payload = Vec::new();
    let mut headers = Vec::new();
    let mut key_id = Vec::new();
    let mut provider_id = Vec::new();
    let mut signed_at_ms = Vec::new();
    for (index, events) in deliveries.iter().enumerate() {
        for event in *events {
            job.push(i32::try_from(index).unwrap_or(i32::MAX));
            scheme.push(event.scheme.as_str());
            dedup_key.push(event.dedup_key.as_str());
            order_key.push(event.order_key.as_deref());
            payload.push(event.payload.as_slice());
            headers.push(event.headers.as_str());
            key_id.push(event.key_id.as_deref());
            provider_id.push(event.provider_id.as_deref());
            signed_at_ms.push(event.signed_at_ms);
        }
    }
    let rows = client
        .query(
            "WITH numbered AS ( \
                SELECT nextval('tower_webhooks_events_id_seq') AS id, r.* \
                FROM unnest($1::int4[], $2::text[], $3::text[], $4::text[], $5::bytea[], \
                    $6::text[], $7::text[], $8::text[], $9::int8[]) \
                    AS r(job, scheme, dedup_key, order_key, payload, headers, key_id, \
                    provider_id, signed_at_ms) \
             ) \
             INSERT INTO tower_webhooks_events (id, delivery_id, scheme, dedup_key, order_key, \
                payload, headers, key_id, provider_id, signed_at_ms, received_ms, next_at_ms) \
             SELECT id, min(id) OVER (PARTITION BY job), scheme, dedup_key, order_key, payload, \
                headers, key_id, provider_id, signed_at_ms, $10, $10 FROM numbered \
             ON CONFLICT (dedup_key) DO NOTHING \
             RETURNING dedup_key, pg_notify('tower_webhooks_inbox', '')::text",
            &[
                &job,
                &scheme,
                &dedup_key,
                &order_key,
                &payload,
                &headers,
                &key_id,
                &provider_id,
                &signed_at_ms,
                &now_ms,
            ],
        )
        .await?;
    // Each stored key counts for the first delivery of the group that holds it.
    let mut first_holder: HashMap<&str, usize> = HashMap::new();
    for (index, events) in deliveries.iter().enumerate() {
        for event in *events {
            first_holder
                .entry(event.dedup_key.as_str())
                .or_insert(index);
        }
    }
    let mut counts = vec![0; deliveries.len()];
    for row in rows {
        let key: &str = row.get(0);
        if let Some(&index) = first_holder.get(key) {
            counts[index] += 1;
        }
    }
    Ok(counts)
}

pub(super) async fn claim(
    client: &Client,
    request: ClaimRequest,
) -> Result<Vec<Claimed>, InboxError> {
    let ClaimRequest {
        now_ms,
        lease_ms,
        limit,
        max_attempts,
    } = request;
    let max_attempts = i32::try_from(max_attempts).unwrap_or(i32::MAX);
    client
        .execute(
            &client
                .prepare_cached(
                    "UPDATE tower_webhooks_events SET state = 'dead', finished_ms = $1, \
             lease_until_ms = NULL, \
             last_error = 'the lease ran out on the last attempt: its worker stopped or stalled' \
             WHERE state = 'running' AND lease_until_ms <= $1 AND attempts >= $2",
                )
                .await?,
            &[&now_ms, &max_attempts],
        )
        .await?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = client
        .query(
            &client
                .prepare_cached(
                    "WITH due AS ( \
                SELECT id FROM tower_webhooks_events AS e \
                WHERE ((state = 'pending' AND next_at_ms <= $1) \
                       OR (state = 'running' AND lease_until_ms <= $1)) \
                  AND (order_key IS NULL OR NOT EXISTS ( \
                       SELECT 1 FROM tower_webhooks_events AS b \
                       WHERE b.order_key = e.order_key AND b.id <> e.id \
                       AND ((b.id < e.id AND b.state IN ('pending', 'running')) \
                            OR (b.state = 'running' AND b.lease_until_ms > $1)))) \
                ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED \
             ) \
             UPDATE tower_webhooks_events AS t SET state = 'running', \
                attempts = t.attempts + 1, claims = t.claims + 1, lease_until_ms = $1 + $3 \
             FROM due WHERE t.id = due.id \
             RETURNING t.id, t.attempts, t.delivery_id, t.scheme, t.payload, t.headers, t.claims",
                )
                .await?,
            &[&now_ms, &limit, &lease_ms],
        )
        .await?;
    let mut claimed: Vec<Claimed> = rows
        .iter()
        .map(|row| Claimed {
            claim: ClaimId {
                id: row.get(0),
                seq: i64::from(row.get::<_, i32>(6)),
            },
            attempt: u32::try_from(row.get::<_, i32>(1)).unwrap_or(0),
            delivery_id: row.get(2),
            scheme: row.get(3),
            payload: row.get(4),
            headers: row.get(5),
        })
        .collect();
    claimed.sort_by_key(|event| event.claim.id);
    Ok(claimed)
}

fn seq(claim: ClaimId) -> i32 {
    i32::try_from(claim.seq).unwrap_or(i32::MAX)
}

pub(super) async fn renew(
    client: &Client,
    claim: ClaimId,
    until_ms: i64,
) -> Result<bool, InboxError> {
    let renewed = client
        .execute(
            &client
                .prepare_cached(
                    "UPDATE tower_webhooks_events SET lease_until_ms = $3 \
             WHERE id = $1 AND claims = $2 AND state = 'running'",
                )
                .await?,
            &[&claim.id, &seq(claim), &until_ms],
        )
        .await?;
    Ok(renewed == 1)
}

pub(super) async fn finish(
    client: &Client,
    claim: ClaimId,
    outcome: &Outcome,
    now_ms: i64,
) -> Result<bool, InboxError> {
    // A hand-back does not count the interrupted attempt.
    let (state, uncount, next_at, error, finished) = match outcome {
        Outcome::Handled => ("handled", 0i32, now_ms, None, Some(now_ms)),
        Outcome::Retry { at_ms, error } => ("pending", 0, *at_ms, Some(error.as_str()), None),
        Outcome::Dead { error } => ("dead", 0, now_ms, Some(error.as_str()), Some(now_ms)),
        Outcome::Released => ("pending", 1, now_ms, None, None),
    };
    let changed = client
        .execute(
            &client
                .prepare_cached(
                    "UPDATE tower_webhooks_events SET state = $3, attempts = attempts - $4, \
                     next_at_ms = $5, last_error = $6, finished_ms = $7, lease_until_ms = NULL \
                     WHERE id = $1 AND claims = $2 AND state = 'running'",
                )
                .await?,
            &[
                &claim.id,
                &seq(claim),
                &state,
                &uncount,
                &next_at,
                &error,
                &finished,
            ],
        )
        .await?;
    Ok(changed == 1)
}

pub(super) async fn retry(
    client: &Client,
    target: RetryTarget,
    now_ms: i64,
) -> Result<u64, InboxError> {
    const SET: &str = "UPDATE tower_webhooks_events SET state = 'pending', attempts = 0, \
                       next_at_ms = $1, finished_ms = NULL, lease_until_ms = NULL ";
    let changed = match target {
        RetryTarget::One(id) => {
            client
                .execute(
                    &client
                        .prepare_cached(&format!(
                            "{SET} WHERE id = $2 AND state IN ('dead', 'pending')"
                        ))
                        .await?,
                    &[&now_ms, &id],
                )
                .await?
        }
        RetryTarget::Dead => {
            client
                .execute(
                    &client
                        .prepare_cached(&format!("{SET} WHERE state = 'dead'"))
                        .await?,
                    &[&now_ms],
                )
                .await?
        }
    };
    if changed > 0 {
        client
            .execute(
                &client
                    .prepare_cached("SELECT pg_notify('tower_webhooks_inbox', '')")
                    .await?,
                &[],
            )
            .await?;
    }
    Ok(changed)
}

pub(super) async fn purge(
    client: &Client,
    before_ms: i64,
    dead: bool,
    limit: u32,
) -> Result<u64, InboxError> {
    // The states written out, so that the planner sees the finished-events index applies
    // (it holds handled and dead events only: a store never writes to it).
    let states = if dead {
        "('handled', 'dead')"
    } else {
        "('handled')"
    };
    Ok(client
        .execute(
            &client
                .prepare_cached(&format!(
                    "DELETE FROM tower_webhooks_events WHERE id IN ( \
                     SELECT id FROM tower_webhooks_events \
                     WHERE state IN {states} AND finished_ms < $1 LIMIT $2)"
                ))
                .await?,
            &[&before_ms, &i64::from(limit)],
        )
        .await?)
}

pub(super) async fn stats(client: &Client, now_ms: i64) -> Result<Stats, InboxError> {
    let row = client
        .query_one(
            &client
                .prepare_cached(
                    "SELECT count(*), \
                    count(*) FILTER (WHERE state = 'pending'), \
                    count(*) FILTER (WHERE state = 'pending' AND attempts > 0), \
                    count(*) FILTER (WHERE state = 'running'), \
                    count(*) FILTER (WHERE state = 'handled'), \
                    count(*) FILTER (WHERE state = 'dead'), \
                    coalesce(sum(attempts), 0)::int8, \
                    min(received_ms) FILTER (WHERE state IN ('pending', 'running')) \
             FROM tower_webhooks_events",
                )
                .await?,
            &[],
        )
        .await?;
    let count = |i| u64::try_from(row.get::<_, i64>(i)).unwrap_or(0);
    let oldest: Option<i64> = row.get(7);
    Ok(Stats {
        events: count(0),
        pending: count(1),
        retrying: count(2),
        running: count(3),
        handled: count(4),
        dead: count(5),
        attempts: count(6),
        oldest_pending_age_ms: oldest
            .map_or(0, |oldest| u64::try_from(now_ms - oldest).unwrap_or(0)),
    })
}

const RECORD: &str = "SELECT id, delivery_id, scheme, dedup_key, order_key, state, attempts, \
                      received_ms, next_at_ms, lease_until_ms, finished_ms, last_error, key_id, \
                      provider_id, payload FROM tower_webhooks_events";

fn record(row: &Row) -> Result<EventRecord, InboxError> {
    let state: String = row.get(5);
    let state = EventState::parse(&state).ok_or_else(|| {
        InboxError::new(
            crate::inbox::InboxErrorKind::Storage,
            format!("unknown state `{state}`"),
        )
    })?;
    let time = |i| row.get::<_, Option<i64>>(i).map(to_time);
    Ok(EventRecord {
        id: row.get(0),
        delivery_id: row.get(1),
        scheme: row.get(2),
        dedup_key: row.get(3),
        order_key: row.get(4),
        next_attempt_at: if state == EventState::Pending {
            time(8)
        } else {
            None
        },
        state,
        attempts: u32::try_from(row.get::<_, i32>(6)).unwrap_or(0),
        received_at: to_time(row.get(7)),
        lease_until: time(9),
        finished_at: time(10),
        last_error: row.get(11),
        key_id: row.get(12),
        provider_id: row.get(13),
        payload: row.get(14),
    })
}

pub(super) async fn event(client: &Client, id: i64) -> Result<Option<EventRecord>, InboxError> {
    client
        .query_opt(
            &client
                .prepare_cached(&format!("{RECORD} WHERE id = $1"))
                .await?,
            &[&id],
        )
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

pub(super) async fn list(client: &Client, filter: &Filter) -> Result<Vec<EventRecord>, InboxError> {
    let state = filter.state.map(EventState::as_str);
    let limit = i64::from(filter.limit_or_default());
    client
        .query(
            &client
                .prepare_cached(&format!(
                    "{RECORD} WHERE ($1::text IS NULL OR state = $1) ORDER BY id DESC LIMIT $2"
                ))
                .await?,
            &[&state, &limit],
        )
        .await?
        .iter()
        .map(record)
        .collect()
}
