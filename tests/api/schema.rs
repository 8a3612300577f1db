//! The two migration folders (`migrations/sqlite`, `migrations/postgres`) must describe one
//! schema: the same tables, columns, indexes and unique constraints. Runs in the PostgreSQL pass
//! (it needs both engines) and compares a freshly migrated database of each.

use std::collections::BTreeSet;

use domain::db::Db;

/// What a schema is made of, engine differences (types, identity columns) left out.
#[derive(Debug, Default, PartialEq)]
struct Shape {
    tables: BTreeSet<String>,
    /// `table.column`
    columns: BTreeSet<String>,
    /// Index names given in the migrations (`CREATE INDEX name`).
    indexes: BTreeSet<String>,
    /// `table(col, col)` of every unique constraint or unique index.
    uniques: BTreeSet<String>,
}

async fn strings(db: &Db, sql: &str) -> Vec<String> {
    sqlx::query_scalar(sql)
        .fetch_all(&db.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn sqlite_shape(db: &Db) -> Shape {
    let mut s = Shape::default();
    let tables = strings(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .await;
    for t in &tables {
        for c in strings(db, &format!("SELECT name FROM pragma_table_info('{t}')")).await {
            s.columns.insert(format!("{t}.{c}"));
        }
        let unique_indexes = strings(
            db,
            &format!(
                "SELECT name FROM pragma_index_list('{t}') WHERE \"unique\" = 1 AND origin <> 'pk'"
            ),
        )
        .await;
        for i in unique_indexes {
            let cols = strings(
                db,
                &format!("SELECT name FROM pragma_index_info('{i}') ORDER BY seqno"),
            )
            .await;
            s.uniques.insert(format!("{t}({})", cols.join(", ")));
        }
    }
    s.tables = tables.into_iter().collect();
    s.indexes = strings(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )
    .await
    .into_iter()
    .collect();
    s
}

async fn postgres_shape(db: &Db) -> Shape {
    let tables = strings(
        db,
        "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .await
    .into_iter()
    .collect();
    let columns = strings(
        db,
        "SELECT CAST(table_name AS TEXT) || '.' || CAST(column_name AS TEXT) FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .await
    .into_iter()
    .collect();
    // Indexes that are not the backing index of a primary key or unique constraint.
    let indexes = strings(
        db,
        "SELECT CAST(i.relname AS TEXT) FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    )
    .await
    .into_iter()
    .collect();
    let uniques = strings(
        db,
        "SELECT CAST(t.relname AS TEXT) || '(' || string_agg(CAST(a.attname AS TEXT), ', ' ORDER BY k.ord) || ')'
         FROM pg_index x
         JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
         WHERE n.nspname = 'public' AND x.indisunique AND NOT x.indisprimary AND t.relname <> '_sqlx_migrations'
         GROUP BY x.indexrelid, t.relname",
    )
    .await
    .into_iter()
    .collect();
    Shape {
        tables,
        columns,
        indexes,
        uniques,
    }
}

#[tokio::test]
async fn the_sqlite_and_postgresql_migrations_define_the_same_schema() {
    if std::env::var("SARAFAN_TEST_DATABASE").as_deref() != Ok("postgres") {
        // Checked in the PostgreSQL pass, which has both engines at hand.
        return;
    }
    let pg = crate::helpers::spawn_app().await;
    let dir = std::env::temp_dir().join("sarafan-tests");
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join(format!("schema-{}.db", &domain::auth::new_secret()[..12]));
    let sqlite = Db::connect(&format!("sqlite://{}", file.display()))
        .await
        .expect("sqlite");
    sqlite.migrate().await.expect("migrate sqlite");
    let (a, b) = (sqlite_shape(&sqlite).await, postgres_shape(&pg.db).await);
    assert!(
        a.tables.len() > 15 && a.indexes.len() > 10 && a.uniques.len() > 10,
        "the schema was read: {a:?}"
    );
    assert_eq!(a.tables, b.tables, "the same tables");
    assert_eq!(
        a.columns
            .symmetric_difference(&b.columns)
            .collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "the same columns"
    );
    assert_eq!(
        a.indexes
            .symmetric_difference(&b.indexes)
            .collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "the same named indexes"
    );
    assert_eq!(
        a.uniques
            .symmetric_difference(&b.uniques)
            .collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "the same unique constraints"
    );
    let _ = std::fs::remove_file(file);
}
