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
