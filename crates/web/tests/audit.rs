//! The audit chain: what is recorded, that it verifies, that tampering is caught and named,
//! and that it never holds the sensitive values themselves.

mod common;

use common::{Backend, Session, TestApp};
use passerelle_core::audit::BrokenLink;
use passerelle_store::audit::{self, Filter};
use passerelle_store::{demo, users};
use reqwest::StatusCode;

const ADMIN: &str = "admin@demo.passerelle.test";

async fn actions(app: &TestApp, prefix: &str) -> Vec<String> {
    let mut tx = app.store.read().await.unwrap();
    let f = Filter { action: Some(prefix.into()), limit: 1000, ..Default::default() };
    audit::list(&mut tx, &f).await.unwrap().into_iter().map(|e| e.action).collect()
}

/// Raw SQL an attacker with database access could run; the chain must notice.
async fn tamper(app: &TestApp, sql_sqlite: &[&str], sql_pg: &[&str]) {
    let statements = match app.backend {
        Backend::Sqlite => sql_sqlite,
        Backend::Postgres => sql_pg,
    };
    let mut tx = app.store.write().await.unwrap();
    for s in statements {
        passerelle_store::db::test_support::execute(&mut tx, s).await.unwrap();
    }
    tx.commit().await.unwrap();
}

both_backends!(records_sign_ins_changes_and_permission_changes, |app| {
    let s = Session::anonymous(&app);
    s.sign_in(ADMIN, "a wrong password").await;
    let admin = app.signed_in(ADMIN).await;
    let res = admin.post_form("/admin/users/new", "/admin/users", &[
        ("email", "new.worker@demo.passerelle.test"), ("display_name", "New Worker"),
        ("roles", "caseworker"), ("password", "a temporary password"),
    ]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let mut tx = app.store.read().await.unwrap();
    let id = users::find_by_email(&mut tx, "new.worker@demo.passerelle.test").await.unwrap().unwrap().id;
    drop(tx);
    let res = admin.post_form(&format!("/admin/users/{id}"), &format!("/admin/users/{id}"), &[
        ("email", "new.worker@demo.passerelle.test"), ("display_name", "New Worker"),
        ("roles", "caseworker"), ("roles", "supervisor"),
    ]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(actions(&app, "session.sign_in_failed").await.len() >= 1);
    assert!(actions(&app, "session.sign_in").await.contains(&"session.sign_in".to_string()));
    assert!(actions(&app, "user.create").await.len() >= 9, "8 demo accounts and the new one");
    assert_eq!(actions(&app, "user.roles_change").await.len(), 1);

    // The entries hold no sensitive value: no password, no email, no name.
    let mut tx = app.store.read().await.unwrap();
    let all = audit::list(&mut tx, &Filter { limit: 1000, ..Default::default() }).await.unwrap();
    for e in &all {
        for secret in ["a temporary password", "a wrong password", "new.worker@", "New Worker", demo::DEMO_PASSWORD] {
            assert!(!e.detail.contains(secret), "{} holds {secret}", e.action);
            assert!(!e.entity_id.clone().unwrap_or_default().contains(secret));
        }
    }
    let roles_change = all.iter().find(|e| e.action == "user.roles_change").unwrap();
    assert!(roles_change.detail.contains("supervisor"));
    assert_eq!(audit::verify(&mut tx).await.unwrap(), Ok(all.len() as u64));

    // The administrator sees and verifies it in the UI.
    let (status, page) = admin.text("/admin/audit?action=user.").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("user.roles_change"));
    assert!(!page.contains("session.sign_in_failed"), "filtered by action prefix");
    let res = admin.post_form("/admin/audit", "/admin/audit/verify", &[]).await;
    assert!(res.text().await.unwrap().contains("The audit chain is intact"));
});

both_backends!(altered_entry_is_named, |app| {
    app.signed_in(ADMIN).await;
    tamper(&app,
        &["DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET action = 'area.delete' WHERE seq = 3"],
        &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change", "UPDATE audit_log SET action = 'area.delete' WHERE seq = 3"],
    ).await;
    let mut tx = app.store.read().await.unwrap();
    assert_eq!(audit::verify(&mut tx).await.unwrap(), Err(BrokenLink::Altered { seq: 3 }));
});

both_backends!(removed_entry_is_named, |app| {
    app.signed_in(ADMIN).await;
    tamper(&app,
        &["DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE seq = 5"],
        &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change", "DELETE FROM audit_log WHERE seq = 5"],
    ).await;
    let mut tx = app.store.read().await.unwrap();
    assert_eq!(audit::verify(&mut tx).await.unwrap(), Err(BrokenLink::Gap { seq: 6, expected: 5 }));
    drop(tx);
    // The UI says so too.
    let admin = app.signed_in(ADMIN).await;
    let res = admin.post_form("/admin/audit", "/admin/audit/verify", &[]).await;
    assert!(res.text().await.unwrap().contains("entries are missing before entry 6"));
});

both_backends!(the_log_refuses_updates_and_deletes, |app| {
    let mut tx = app.store.write().await.unwrap();
    let r = passerelle_store::db::test_support::execute(&mut tx, "UPDATE audit_log SET action = 'x' WHERE seq = 1").await;
    assert!(r.is_err(), "an UPDATE of the audit log must fail");
    drop(tx);
    let mut tx = app.store.write().await.unwrap();
    let r = passerelle_store::db::test_support::execute(&mut tx, "DELETE FROM audit_log").await;
    assert!(r.is_err(), "a DELETE of the audit log must fail");
});

both_backends!(concurrent_appends_keep_one_chain, |app| {
    // Many writers at once (as several servers on one PostgreSQL would): one linear chain.
    let mut handles = Vec::new();
    for i in 0..8 {
        let store = app.store.clone();
        handles.push(tokio::spawn(async move {
            for j in 0..5 {
                let mut tx = store.write().await.unwrap();
                audit::append(&mut tx, audit::Event::new(None, "test.concurrent", "test").entity(format!("{i}-{j}"))).await.unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let mut tx = app.store.read().await.unwrap();
    let n = audit::count(&mut tx).await.unwrap();
    assert_eq!(audit::verify(&mut tx).await.unwrap(), Ok(n as u64));
    assert_eq!(actions(&app, "test.concurrent").await.len(), 40);
});

both_backends!(entries_appended_together_are_written_together_with_their_change, |app| {
    // A transaction's entries are written in batches (one statement for up to 200) when it
    // commits or the log is read in it: 450 entries span three batches, the last one partial.
    let before = audit::count(&mut app.store.read().await.unwrap()).await.unwrap();
    let mut tx = app.store.write().await.unwrap();
    let mut seqs = Vec::new();
    for i in 0..450 {
        seqs.push(audit::append(&mut tx, audit::Event::new(None, "test.batch", "test").entity(i)).await.unwrap());
    }
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "one sequence");
    // Read in the same transaction: every entry is there, the chain whole.
    assert_eq!(audit::count(&mut tx).await.unwrap(), before + 450);
    assert_eq!(audit::verify(&mut tx).await.unwrap(), Ok((before + 450) as u64));
    audit::append(&mut tx, audit::Event::new(None, "test.batch", "test").entity("last")).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = app.store.read().await.unwrap();
    assert_eq!(audit::verify(&mut tx).await.unwrap(), Ok((before + 451) as u64));
    let f = Filter { action: Some("test.batch".into()), limit: 1, ..Default::default() };
    assert_eq!(audit::list(&mut tx, &f).await.unwrap()[0].entity_id.as_deref(), Some("last"), "written at commit");
    drop(tx);
    // A transaction that does not commit leaves no entry, even of a batch already written.
    let mut tx = app.store.write().await.unwrap();
    for i in 0..250 {
        audit::append(&mut tx, audit::Event::new(None, "test.rolled_back", "test").entity(i)).await.unwrap();
    }
    drop(tx);
    assert!(actions(&app, "test.rolled_back").await.is_empty());
    let mut tx = app.store.read().await.unwrap();
    assert_eq!(audit::verify(&mut tx).await.unwrap(), Ok((before + 451) as u64));
});
