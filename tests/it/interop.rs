//! Interop with the providers' own libraries: `tests/interop/run.mjs` signs deliveries with the
//! vendors' npm SDKs (pinned by `tests/interop/package-lock.json`) and sends them to the
//! `multi_provider` example over loopback. Every good delivery must get 2xx; every altered,
//! stale, unsigned or wrongly keyed one 401.
//!
//! The packages are installed here with `npm ci` when `node_modules` is missing or older than
//! the lockfile, so `cargo test` alone runs this on a fresh machine with Node and the npm
//! registry.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::SystemTime,
};

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

fn modified(path: &Path) -> Option<SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}

fn install_packages() {
    let dir = interop_dir();
    let installed = modified(&dir.join("node_modules/.package-lock.json"));
    let locked = modified(&dir.join("package-lock.json")).expect("the lockfile is committed");
    if installed.is_some_and(|installed| installed >= locked) {
        return;
    }
    let status = Command::new("npm")
        .args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--loglevel=error",
        ])
        .current_dir(&dir)
        .status()
        .expect("npm is installed (it comes with Node)");
    assert!(status.success(), "npm ci failed in {}", dir.display());
}

fn multi_provider() -> PathBuf {
    let test_binary = std::env::current_exe().unwrap();
    let profile_dir = test_binary.parent().unwrap().parent().unwrap();
    let path = profile_dir.join("examples/multi_provider");
    assert!(
        path.exists(),
        "{} is missing: run through `cargo test`",
        path.display()
    );
    path
}

#[test]
fn vendor_sdks_deliveries_are_accepted_and_tampered_ones_refused() {
    install_packages();
    let output = Command::new("node")
        .arg(interop_dir().join("run.mjs"))
        .arg(multi_provider())
        .current_dir(interop_dir())
        .output()
        .expect("node is installed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}{stderr}");
    assert!(
        output.status.success(),
        "interop failed:\n{stdout}\n{stderr}"
    );
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    // Every provider's good, altered, wrongly keyed and unsigned cases ran (and the stale
    // ones for the fourteen timestamped providers): a script that silently skipped would not
    // reach this count.
    let oks = stdout.lines().filter(|l| l.starts_with("ok ")).count();
    assert!(oks >= 26 * 4 + 14 * 2, "only {oks} cases ran:\n{stdout}");
}
