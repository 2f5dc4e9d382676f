use jobboard_domain::municipalities;
use jobboard_migrations::{Migrator, MigratorTrait, SchemaManager};

use jobboard_domain::db_tests;

const TABLES: [&str; 7] = [
    "municipalities",
    "import_sources",
    "postings",
    "posting_partners",
    "audit_entries",
    "search_outbox",
    "seaql_migrations",
];

db_tests! {
    async fn the_seven_partheland_members_are_there_after_migrating(t) {
        let names: Vec<_> = municipalities::list(&t.db).await.unwrap().into_iter().map(|m| m.name).collect();
        assert_eq!(names, ["Belgershain", "Borsdorf", "Brandis", "Großpösna", "Machern", "Naunhof", "Parthenstein"]);
    }

    async fn every_migration_rolls_back_step_by_step_and_applies_again(t) {
        let db = &t.db;
        let total = Migrator::migrations().len();
        for remaining in (0..total).rev() {
            Migrator::down(db, Some(1)).await.unwrap();
            assert_eq!(Migrator::get_applied_migrations(db).await.unwrap().len(), remaining);
        }
        let manager = SchemaManager::new(db);
        for table in TABLES.iter().filter(|t| **t != "seaql_migrations") {
            assert!(!manager.has_table(*table).await.unwrap(), "{table} is gone after down");
        }
        Migrator::up(db, None).await.unwrap();
        for table in TABLES {
            assert!(manager.has_table(table).await.unwrap(), "{table} exists after up");
        }
        assert_eq!(municipalities::list(db).await.unwrap().len(), 7);
    }
}
