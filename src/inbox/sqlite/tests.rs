use std::{path::PathBuf, sync::atomic::AtomicU64};

use super::*;
use crate::inbox::{Inbox, InboxErrorKind};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tower-webhooks-inbox-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("inbox.db")
}

fn event(key: &str) -> NewEvent {
    NewEvent::new("xero", key, b"{}".to_vec())
}

#[tokio::test]
async fn stores_once_per_key_and_survives_a_reopen() {
    let path = temp("reopen");
    let inbox = Inbox::sqlite(&path).unwrap();
    let stored = inbox.store(vec![event("a"), event("b")]).await.unwrap();
    assert_eq!(stored.new_events, 2);
    assert_eq!(inbox.store(vec![event("a")]).await.unwrap().new_events, 0);
    drop(inbox);
    let inbox = Inbox::sqlite(&path).unwrap();
    let stored = inbox.store(vec![event("b"), event("c")]).await.unwrap();
    assert_eq!(stored.new_events, 1);
    let rows: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM events", [], |row| row.get(0))
        .unwrap();
    assert_eq!(rows, 3);
    // The events of one delivery share its id: the first event's.
    let records = inbox.list(crate::inbox::Filter::new()).await.unwrap();
    let c = records.iter().find(|r| r.dedup_key == "c").unwrap();
    assert_eq!(c.delivery_id, c.id);
    let b = records.iter().find(|r| r.dedup_key == "b").unwrap();
    let a = records.iter().find(|r| r.dedup_key == "a").unwrap();
    assert_eq!((a.delivery_id, b.delivery_id), (a.id, a.id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_arriving_together_share_a_commit() {
    for (grouped, name) in [(true, "group"), (false, "ungrouped")] {
        let sqlite = Arc::new(if grouped {
            SqliteInbox::open(temp(name)).unwrap()
        } else {
            SqliteInbox::open_ungrouped(temp(name)).unwrap()
        });
        let stores: Vec<_> = (0..200)
            .map(|n| {
                let sqlite = Arc::clone(&sqlite);
                tokio::spawn(async move { sqlite.store(vec![event(&format!("k{n}"))], 0).await })
            })
            .collect();
        for store in stores {
            assert_eq!(store.await.unwrap().unwrap().new_events, 1);
        }
        if grouped {
            assert!(
                sqlite.commits() < 200,
                "{} commits for 200 deliveries",
                sqlite.commits()
            );
        } else {
            assert_eq!(sqlite.commits(), 200);
        }
    }
}

#[test]
fn a_foreign_file_or_a_newer_schema_is_refused_and_left_alone() {
    let path = temp("foreign");
    std::fs::write(&path, b"not a database, but someone's file").unwrap();
    let refused = SqliteInbox::open(&path).unwrap_err();
    assert_eq!(refused.kind(), InboxErrorKind::NotAnInbox, "{refused}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"not a database, but someone's file"
    );
    for beside in ["-lock", "-wal", "-shm"] {
        let file = format!("{}{beside}", path.display());
        assert!(!std::path::Path::new(&file).exists(), "{file} was made");
    }

    let path = temp("other-app");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE invoices (id INTEGER)")
        .unwrap();
    let refused = SqliteInbox::open(&path).unwrap_err();
    assert_eq!(refused.kind(), InboxErrorKind::NotAnInbox, "{refused}");

    let path = temp("newer");
    drop(SqliteInbox::open(&path).unwrap());
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", schema::SCHEMA_VERSION + 1)
        .unwrap();
    let refused = SqliteInbox::open(&path).unwrap_err();
    assert_eq!(refused.kind(), InboxErrorKind::NewerSchema, "{refused}");

    // Inspecting an empty file does not make it an inbox.
    let path = temp("empty");
    std::fs::write(&path, b"").unwrap();
    let refused = SqliteInbox::inspect(&path).unwrap_err();
    assert_eq!(refused.kind(), InboxErrorKind::NotAnInbox, "{refused}");
    assert_eq!(std::fs::read(&path).unwrap(), b"");
}

#[tokio::test]
async fn a_full_inbox_stores_nothing_and_says_so() {
    let inbox = Inbox::from(SqliteInbox::open_capped(temp("full"), 64 * 1024).unwrap());
    let big = || NewEvent::new("xero", &format!("k{}", next_key()), vec![b'x'; 16 * 1024]);
    let mut refused = None;
    let mut stored = 0;
    for _ in 0..64 {
        match inbox.store(vec![big()]).await {
            Ok(_) => stored += 1,
            Err(error) => {
                refused = Some(error);
                break;
            }
        }
    }
    let refused = refused.expect("the cap is reached");
    assert_eq!(refused.kind(), InboxErrorKind::Full, "{refused}");
    // What was acknowledged is there; the refused one is not.
    assert_eq!(inbox.stats().await.unwrap().events, stored);
}

fn next_key() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[tokio::test]
async fn one_process_stores_and_others_may_only_look_in() {
    let path = temp("lock");
    let inbox = Inbox::sqlite(&path).unwrap();
    inbox.store(vec![event("a")]).await.unwrap();
    let second = SqliteInbox::open(&path).unwrap_err();
    assert_eq!(second.kind(), InboxErrorKind::Locked, "{second}");
    let looking = Inbox::from(SqliteInbox::inspect(&path).unwrap());
    assert_eq!(looking.stats().await.unwrap().events, 1);
    let refused = looking.store(vec![event("b")]).await.unwrap_err();
    assert_eq!(refused.kind(), InboxErrorKind::Locked, "{refused}");
    drop(inbox);
    // The lock goes with its holder.
    let reopened = Inbox::sqlite(&path).unwrap();
    assert_eq!(
        reopened.store(vec![event("b")]).await.unwrap().new_events,
        1
    );
}

/// The keys live in memory until merged into `seen_keys`: a retry is recognised before the
/// merge, after it, and after a reopen either side of it.
#[tokio::test]
async fn keys_are_recognised_in_memory_merged_and_after_a_reopen() {
    let path = temp("keys");
    let inbox = Inbox::sqlite(&path).unwrap();
    inbox.store(vec![event("a"), event("b")]).await.unwrap();
    assert_eq!(inbox.store(vec![event("a")]).await.unwrap().new_events, 0);
    drop(inbox);
    // Not merged: read back from `events` on open.
    let inbox = Inbox::sqlite(&path).unwrap();
    assert_eq!(inbox.store(vec![event("b")]).await.unwrap().new_events, 0);
    // A purge merges every key first (and purges nothing here: nothing is handled).
    assert_eq!(
        inbox.purge(std::time::Duration::ZERO, true).await.unwrap(),
        0
    );
    let merged: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM seen_keys", [], |row| row.get(0))
        .unwrap();
    assert_eq!(merged, 2);
    assert_eq!(
        inbox
            .store(vec![event("a"), event("c")])
            .await
            .unwrap()
            .new_events,
        1
    );
    drop(inbox);
    let inbox = Inbox::sqlite(&path).unwrap();
    for key in ["a", "b", "c"] {
        assert_eq!(
            inbox.store(vec![event(key)]).await.unwrap().new_events,
            0,
            "{key}"
        );
    }
    // Within one delivery, a repeated event is stored once.
    assert_eq!(
        inbox
            .store(vec![event("d"), event("d")])
            .await
            .unwrap()
            .new_events,
        1
    );
    assert_eq!(inbox.stats().await.unwrap().events, 4);
}

#[tokio::test]
async fn keys_merged_by_the_writer_are_still_recognised() {
    let path = temp("merge");
    let sqlite = SqliteInbox::open(&path).unwrap();
    let inbox = Inbox::from(sqlite);
    let count = super::keys::MERGE_AT + 100;
    for chunk in (0..count).collect::<Vec<_>>().chunks(512) {
        let events = chunk.iter().map(|n| event(&format!("m{n}"))).collect();
        inbox.store(events).await.unwrap();
    }
    let merged: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM seen_keys", [], |row| row.get(0))
        .unwrap();
    assert!(merged as usize >= super::keys::MERGE_AT, "{merged} merged");
    let again: Vec<_> = [0, 1, count / 2, count - 1]
        .iter()
        .map(|n| event(&format!("m{n}")))
        .collect();
    assert_eq!(inbox.store(again).await.unwrap().new_events, 0);
}

/// A full disk fails a store in the middle of a group, and SQLite then rolls back the whole
/// transaction: every answer must still say what is on disk, and the keys in memory with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_cut_short_by_a_full_disk_answers_each_delivery_truthfully() {
    let path = temp("full-group");
    let inbox = Inbox::from(SqliteInbox::open_capped(&path, 256 * 1024).unwrap());
    let stores: Vec<_> = (0..96)
        .map(|n| {
            let inbox = inbox.clone();
            tokio::spawn(async move {
                // Uneven sizes, so some fit where others do not.
                let size = if n % 3 == 0 { 24 * 1024 } else { 2 * 1024 };
                let key = format!("g{n}");
                let stored = inbox
                    .store(vec![NewEvent::new("xero", &key, vec![b'x'; size])])
                    .await;
                (key, stored)
            })
        })
        .collect();
    let mut acknowledged = Vec::new();
    let mut refused = 0;
    for store in stores {
        match store.await.unwrap() {
            (key, Ok(stored)) => {
                assert_eq!(stored.new_events, 1);
                acknowledged.push(key);
            }
            (_, Err(_)) => refused += 1,
        }
    }
    assert!(refused > 0, "the cap is reached");
    let keys: std::collections::HashSet<String> = Connection::open(&path)
        .unwrap()
        .prepare("SELECT dedup_key FROM events")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let acknowledged_set: std::collections::HashSet<String> =
        acknowledged.iter().cloned().collect();
    assert_eq!(
        keys, acknowledged_set,
        "stored exactly what was acknowledged"
    );
    // And the writer still knows them: a retry of each stores nothing.
    for key in acknowledged {
        let again = inbox
            .store(vec![NewEvent::new("xero", &key, b"{}".to_vec())])
            .await;
        assert_eq!(again.unwrap().new_events, 0, "{key}");
    }
}
