//! The inbox's operations in SQL, each run by the writer inside a group's transaction.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::keys::RecentKeys;
use crate::inbox::event::{
    ClaimId, Claimed, EventRecord, EventState, Filter, NewEvent, Outcome, Stats, to_time,
};

/// Stores one delivery's events; returns how many were new. They share a delivery id: the id
/// the first new one is given.
pub(super) fn store(
    transaction: &Connection,
    keys: &mut RecentKeys,
    events: &[NewEvent],
    now_ms: i64,
) -> rusqlite::Result<usize> {
    let mut insert = transaction.prepare_cached(
        "INSERT INTO events (delivery_id, scheme, dedup_key, order_key, payload, headers, \
         key_id, provider_id, signed_at_ms, received_ms, next_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
    )?;
    let mut delivery_id = None;
    let mut new = 0;
    for event in events {
        if keys.contains(transaction, &event.dedup_key)? {
            continue;
        }
        let id = match delivery_id {
            Some(id) => id,
            None => {
                // AUTOINCREMENT: the next id is one past the sequence, and no id is reused.
                let last: Option<i64> = transaction
                    .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'events'")?
                    .query_row([], |row| row.get(0))
                    .optional()?;
                *delivery_id.insert(last.unwrap_or(0) + 1)
            }
        };
        insert.execute(params![
            id,
            event.scheme,
            event.dedup_key,
            event.order_key,
            event.payload,
            event.headers,
            event.key_id,
            event.provider_id,
            event.signed_at_ms,
            now_ms,
        ])?;
        keys.add(&event.dedup_key, transaction.last_insert_rowid());
        new += 1;
    }
    Ok(new)
}

/// What a claim asks for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClaimRequest {
    pub(crate) now_ms: i64,
    pub(crate) lease_ms: i64,
    pub(crate) limit: usize,
    pub(crate) max_attempts: u32,
}

/// Claims up to `limit` due events: pending ones whose time has come, and running ones whose
/// lease ran out (their worker died). An event with an order key waits while an earlier event
/// with that key is pending or running. A lapsed claim on its last attempt is dead, not run
/// again.
///
/// The live events (pending and running) are scanned in id order through their partial index,
/// and the order keys seen so far block the later events that share them: an index on the
/// order keys would cost a random page write per stored event.
pub(super) fn claim(
    transaction: &Connection,
    request: ClaimRequest,
) -> rusqlite::Result<Vec<Claimed>> {
    let ClaimRequest {
        now_ms,
        lease_ms,
        limit,
        max_attempts,
    } = request;
    transaction.execute(
        "UPDATE events SET state = 'dead', finished_ms = ?1, lease_until_ms = NULL, \
         last_error = 'the lease ran out on the last attempt: its worker stopped or stalled' \
         WHERE state IN ('pending', 'running') AND state = 'running' \
         AND lease_until_ms <= ?1 AND attempts >= ?2",
        params![now_ms, max_attempts],
    )?;
    // A key with an event running under a live lease is held, whatever that event's place:
    // a replayed event sits before the ones that went on without it.
    let mut blocked: HashSet<String> = transaction
        .prepare_cached(
            "SELECT order_key FROM events INDEXED BY events_live \
             WHERE state IN ('pending', 'running') AND state = 'running' \
             AND lease_until_ms > ?1 AND order_key IS NOT NULL",
        )?
        .query_map(params![now_ms], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut live = transaction.prepare_cached(
        "SELECT id, attempts, state = 'pending', next_at_ms, lease_until_ms, order_key, claims \
         FROM events INDEXED BY events_live WHERE state IN ('pending', 'running') ORDER BY id",
    )?;
    let mut rows = live.query([])?;
    let mut due = Vec::new();
    while due.len() < limit {
        let Some(row) = rows.next()? else { break };
        let pending: bool = row.get(2)?;
        let is_due = if pending {
            row.get::<_, i64>(3)? <= now_ms
        } else {
            row.get::<_, Option<i64>>(4)?
                .is_some_and(|until| until <= now_ms)
        };
        if let Some(key) = row.get::<_, Option<String>>(5)? {
            // The first live event of a key is its head; the rest wait behind it.
            if !blocked.insert(key) {
                continue;
            }
        }
        if is_due {
            due.push((
                row.get::<_, i64>(0)?,
                row.get::<_, u32>(1)? + 1,
                row.get::<_, i64>(6)? + 1,
            ));
        }
    }
    drop(rows);
    let mut take = transaction.prepare_cached(
        "UPDATE events SET state = 'running', attempts = ?2, claims = ?3, lease_until_ms = ?4 \
         WHERE id = ?1 RETURNING delivery_id, scheme, payload, headers",
    )?;
    let mut claimed = Vec::with_capacity(due.len());
    for (id, attempt, seq) in due {
        let until = now_ms.saturating_add(lease_ms);
        claimed.push(take.query_row(params![id, attempt, seq, until], |row| {
            Ok(Claimed {
                claim: ClaimId { id, seq },
                attempt,
                delivery_id: row.get(0)?,
                scheme: row.get(1)?,
                payload: row.get(2)?,
                headers: row.get(3)?,
            })
        })?);
    }
    Ok(claimed)
}

/// Extends a claim's lease; `false` when the claim is no longer this worker's.
pub(super) fn renew(
    transaction: &Connection,
    claim: ClaimId,
    until_ms: i64,
) -> rusqlite::Result<bool> {
    let renewed = transaction
        .prepare_cached(
            "UPDATE events SET lease_until_ms = ?3 \
             WHERE id = ?1 AND claims = ?2 AND state = 'running'",
        )?
        .execute(params![claim.id, claim.seq, until_ms])?;
    Ok(renewed == 1)
}

/// Settles a claim; `false` when the claim is no longer this worker's (its lease ran out and
/// another worker took the event), which then changes nothing.
pub(super) fn finish(
    transaction: &Connection,
    claim: ClaimId,
    outcome: &Outcome,
    now_ms: i64,
) -> rusqlite::Result<bool> {
    let mut statement = transaction.prepare_cached(
        "UPDATE events SET state = ?3, attempts = attempts - ?4, next_at_ms = ?5, \
         last_error = ?6, finished_ms = ?7, lease_until_ms = NULL \
         WHERE id = ?1 AND claims = ?2 AND state = 'running'",
    )?;
    // A hand-back does not count the interrupted attempt.
    let (state, uncount, next_at, error, finished) = match outcome {
        Outcome::Handled => ("handled", 0, now_ms, None, Some(now_ms)),
        Outcome::Retry { at_ms, error } => ("pending", 0, *at_ms, Some(error), None),
        Outcome::Dead { error } => ("dead", 0, now_ms, Some(error), Some(now_ms)),
        Outcome::Released => ("pending", 1, now_ms, None, None),
    };
    let changed = statement.execute(params![
        claim.id, claim.seq, state, uncount, next_at, error, finished
    ])?;
    Ok(changed == 1)
}

/// Which events a retry brings back.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RetryTarget {
    One(i64),
    Dead,
}

/// Makes events pending now, with a fresh count of attempts: one event (dead, or pending and
/// waiting for a later attempt), or every dead one.
pub(super) fn retry(
    transaction: &Connection,
    target: RetryTarget,
    now_ms: i64,
) -> rusqlite::Result<u64> {
    const SET: &str = "UPDATE events SET state = 'pending', attempts = 0, next_at_ms = ?1, \
                       finished_ms = NULL, lease_until_ms = NULL ";
    let changed = match target {
        RetryTarget::One(id) => transaction.execute(
            &format!("{SET} WHERE id = ?2 AND state IN ('dead', 'pending')"),
            params![now_ms, id],
        )?,
        RetryTarget::Dead => {
            transaction.execute(&format!("{SET} WHERE state = 'dead'"), params![now_ms])?
        }
    };
    Ok(changed as u64)
}

/// Deletes handled events finished before `before_ms` (and dead ones too, when `dead`), and
/// their keys: the keys in memory are merged first, so every key is in `seen_keys`.
pub(super) fn purge(
    transaction: &Connection,
    keys: &mut RecentKeys,
    before_ms: i64,
    dead: bool,
    limit: u32,
) -> rusqlite::Result<u64> {
    keys.merge(transaction)?;
    let states = if dead {
        "('handled', 'dead')"
    } else {
        "('handled')"
    };
    let chosen = format!(
        "SELECT id FROM events INDEXED BY events_finished \
         WHERE state IN {states} AND finished_ms < ?1 LIMIT ?2"
    );
    transaction.execute(
        &format!(
            "DELETE FROM seen_keys WHERE dedup_key IN \
             (SELECT dedup_key FROM events WHERE id IN ({chosen}))"
        ),
        params![before_ms, limit],
    )?;
    let deleted = transaction.execute(
        &format!("DELETE FROM events WHERE id IN ({chosen})"),
        params![before_ms, limit],
    )?;
    Ok(deleted as u64)
}

pub(super) fn stats(transaction: &Connection, now_ms: i64) -> rusqlite::Result<Stats> {
    transaction.query_row(
        "SELECT count(*), \
                count(*) FILTER (WHERE state = 'pending'), \
                count(*) FILTER (WHERE state = 'pending' AND attempts > 0), \
                count(*) FILTER (WHERE state = 'running'), \
                count(*) FILTER (WHERE state = 'handled'), \
                count(*) FILTER (WHERE state = 'dead'), \
                coalesce(sum(attempts), 0), \
                min(received_ms) FILTER (WHERE state IN ('pending', 'running')) \
         FROM events",
        [],
        |row| {
            let count = |i| row.get::<_, i64>(i).map(|n| u64::try_from(n).unwrap_or(0));
            let oldest: Option<i64> = row.get(7)?;
            Ok(Stats {
                events: count(0)?,
                pending: count(1)?,
                retrying: count(2)?,
                running: count(3)?,
                handled: count(4)?,
                dead: count(5)?,
                attempts: count(6)?,
                oldest_pending_age_ms: oldest
                    .map_or(0, |oldest| u64::try_from(now_ms - oldest).unwrap_or(0)),
            })
        },
    )
}

const RECORD: &str = "SELECT id, delivery_id, scheme, dedup_key, order_key, state, attempts, \
                      received_ms, next_at_ms, lease_until_ms, finished_ms, last_error, key_id, \
                      provider_id, payload FROM events";

fn record(row: &Row<'_>) -> rusqlite::Result<EventRecord> {
    let state: String = row.get(5)?;
    let state = EventState::parse(&state).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            5,
            rusqlite::types::Type::Text,
            format!("unknown state `{state}`").into(),
        )
    })?;
    let time = |i| row.get::<_, Option<i64>>(i).map(|ms| ms.map(to_time));
    Ok(EventRecord {
        id: row.get(0)?,
        delivery_id: row.get(1)?,
        scheme: row.get(2)?,
        dedup_key: row.get(3)?,
        order_key: row.get(4)?,
        next_attempt_at: if state == EventState::Pending {
            time(8)?
        } else {
            None
        },
        state,
        attempts: row.get(6)?,
        received_at: to_time(row.get(7)?),
        lease_until: time(9)?,
        finished_at: time(10)?,
        last_error: row.get(11)?,
        key_id: row.get(12)?,
        provider_id: row.get(13)?,
        payload: row.get(14)?,
    })
}

pub(super) fn event(transaction: &Connection, id: i64) -> rusqlite::Result<Option<EventRecord>> {
    transaction
        .query_row(&format!("{RECORD} WHERE id = ?1"), params![id], record)
        .optional()
}

pub(super) fn list(
    transaction: &Connection,
    filter: &Filter,
) -> rusqlite::Result<Vec<EventRecord>> {
    let state = filter.state.map(EventState::as_str);
    let mut statement = transaction.prepare_cached(&format!(
        "{RECORD} WHERE (?1 IS NULL OR state = ?1) ORDER BY id DESC LIMIT ?2"
    ))?;
    statement
        .query_map(params![state, filter.limit_or_default()], record)?
        .collect()
}
