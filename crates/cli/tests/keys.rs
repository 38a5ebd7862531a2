//! `passerelle keys`: generating a data key file, and rotating to a new key (every sealed value
//! re-sealed, every blind index recomputed) on both backends, with the duplicate check giving
//! the same answer before and after.

mod common;
use common::{fresh_postgres_url, ok, run};

use std::path::Path;

fn rotate_on(dir: &Path, pg: Option<&str>) {
    let key = dir.join("secret").join("data.key");
    let k = key.to_str().unwrap();
    let data = dir.join("data");
    let mut target = vec!["--data-key-file", k, "--data-dir", data.to_str().unwrap()];
    if let Some(url) = pg {
        target.extend(["--database", url]);
    }
    let with = |args: &[&str]| -> Vec<String> { args.iter().chain(target.iter()).map(|s| s.to_string()).collect() };
    let call = |args: &[&str]| ok(&with(args).iter().map(String::as_str).collect::<Vec<_>>());

    ok(&["keys", "generate", "--to", k]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert!(!run(&["keys", "generate", "--to", k]).status.success(), "an existing key file is never overwritten");
    assert!(ok(&["keys", "generate", "--id", "7"]).starts_with("7:"));

    call(&["demo", "--scale", "40", "--seed", "3"]);
    let before = call(&["people", "duplicates", "--json"]);
    assert!(before.lines().count() > 0, "the generator plants duplicates");

    let out = call(&["keys", "rotate"]);
    assert!(out.contains("added data key 2"), "{out}");
    assert!(out.contains("re-sealed under data key 2"), "{out}");
    let people: u64 = out.split("data key 2: ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(people >= 40, "{out}");
    // The other free text (the demo's form answers, referrals, reasons) is re-sealed too.
    let narratives: u64 = out.split(" visits, ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(narratives > 0, "{out}");
    assert_eq!(std::fs::read_to_string(&key).unwrap().lines().filter(|l| !l.starts_with('#')).count(), 2);
    // The blind indexes were recomputed: duplicates are found exactly as before.
    assert_eq!(call(&["people", "duplicates", "--json"]), before);
    // Resuming finds nothing left to do.
    let out = call(&["keys", "rotate", "--resume"]);
    assert!(out.contains(": 0 people, 0 notes, 0 attachment files"), "{out}");
    assert!(out.contains(" 0 visits, 0 rows of other free text"), "{out}");

    // Key 1 seals nothing any more: the keyring of key 2 alone opens everything…
    let text = std::fs::read_to_string(&key).unwrap();
    let only_two: String = text.lines().filter(|l| l.starts_with("2:")).collect();
    let two = dir.join("two.key");
    std::fs::write(&two, &only_two).unwrap();
    let mut alone: Vec<&str> = vec!["people", "duplicates", "--json", "--data-key-file", two.to_str().unwrap(), "--data-dir", data.to_str().unwrap()];
    if let Some(url) = pg {
        alone.extend(["--database", url]);
    }
    assert_eq!(ok(&alone), before);
    // …and key 1 alone is refused, naming the key it lacks.
    let only_one: String = text.lines().filter(|l| l.starts_with("1:")).collect();
    std::fs::write(&two, &only_one).unwrap();
    let o = run(&alone);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("data key 2"), "{}", String::from_utf8_lossy(&o.stderr));
    // The start with key 2 alone found key 1 sealing nothing and forgot it (later starts need not
    // read the rows for it again), so its id may now hold another key.
    let other_one = ok(&["keys", "generate", "--id", "1"]);
    std::fs::write(&two, format!("{}\n{only_two}\n", other_one.lines().next().unwrap())).unwrap();
    assert_eq!(ok(&alone), before);
}

#[test]
fn generate_and_rotate_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    rotate_on(dir.path(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_and_rotate_on_postgres() {
    let url = fresh_postgres_url().await;
    let dir = tempfile::tempdir().unwrap();
    rotate_on(dir.path(), Some(&url));
}
