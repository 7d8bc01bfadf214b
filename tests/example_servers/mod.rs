//! Starts the crate's example servers as users start them: the built binaries, on port 0.
#![allow(dead_code, unreachable_pub)]

use std::{path::PathBuf, process::Stdio, time::Duration};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

pub const SECRET_VARS: [&str; 3] = [
    "XERO_WEBHOOK_KEY",
    "INVOICEAHOY_WEBHOOK_SECRET",
    "XEMELGO_WEBHOOK_SECRET",
];

pub fn example(name: &str) -> PathBuf {
    let test_binary = std::env::current_exe().unwrap();
    let profile_dir = test_binary.parent().unwrap().parent().unwrap();
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.exists(),
        "{} is missing: run through `cargo test`",
        path.display()
    );
    path
}

pub fn command(name: &str, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(example(name));
    for var in SECRET_VARS {
        command.env_remove(var);
    }
    command
        .envs(env.iter().copied())
        .env("PORT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Starts an example and waits for its "listening on" line; returns it and the URL.
pub async fn start(name: &str, env: &[(&str, &str)]) -> (Child, String) {
    let mut child = command(name, env).spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(at) = line.find("http://127.0.0.1:") {
                return line[at..].split_whitespace().next().unwrap().to_owned();
            }
        }
        panic!("{name} exited before listening");
    })
    .await
    .expect("the example listens within 30 s");
    // Keep draining its log so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}
