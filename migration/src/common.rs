//! Building blocks shared by the migrations: the columns every row carries, and the naming of
//! foreign keys and indexes. Changing these changes only migrations written after the change, so
//! the output of landed migrations must stay as it is.

use sea_orm_migration::{prelude::*, schema::*};

/// PostgreSQL truncates identifiers longer than this; names are cut here so both backends agree.
const MAX_IDENTIFIER_LEN: usize = 63;

/// Starts a table with the columns every row of the registry has: an immutable UUID key, creation
/// and change timestamps, and a `version` that starts at 1 (used for optimistic concurrency).
pub fn with_row_metadata(table: &mut TableCreateStatement) -> TableCreateStatement {
    table
        .col(pk_uuid("id"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .col(integer("version").default(1))
        .to_owned()
}

/// A foreign key from `table.column` to `target.id`, named `fk_<table>_<column>`.
pub fn foreign_key(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(identifier(&format!("fk_{table}_{column}")))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Restrict)
        .to_owned()
}

/// Creates an index on `columns` of `table`, named `ux_…` when unique and `ix_…` otherwise.
pub async fn create_index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let prefix = if unique { "ux" } else { "ix" };
    let mut index = Index::create();
    index
        .name(identifier(&format!("{prefix}_{table}_{}", columns.join("_"))))
        .table(table);
    for column in columns {
        index.col(*column);
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

fn identifier(name: &str) -> String {
    name.chars().take(MAX_IDENTIFIER_LEN).collect()
}
