//! What the CLI tests share.

/// A new, empty PostgreSQL database for one test, from `PASSERELLE_TEST_DATABASE_URL` (a role
/// with CREATEDB; `scripts/test` sets it). Dropped by `scripts/test` after the run.
pub async fn fresh_postgres_url() -> String {
    let admin = std::env::var("PASSERELLE_TEST_DATABASE_URL").expect("PASSERELLE_TEST_DATABASE_URL is not set: run the suite with scripts/test");
    let name = format!("passerelle_test_{}", uuid::Uuid::new_v4().simple());
    let pool = sqlx::PgPool::connect(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.unwrap();
    pool.close().await;
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&name);
    url.to_string()
}
