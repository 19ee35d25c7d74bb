//! One query per object kind, each from `queries/<kind>.sql`, decoded by column name into a
//! plain row struct. Nothing here interprets definitions: that is `script`'s and the loader's
//! job.

use postgres::Transaction;
use postgres::types::FromSqlOwned;

use super::IntrospectError;
use super::decode::code;

const VERSION_SQL: &str = include_str!("queries/version.sql");
const SCHEMAS_SQL: &str = include_str!("queries/schemas.sql");
const TABLES_SQL: &str = include_str!("queries/tables.sql");
const COLUMNS_SQL: &str = include_str!("queries/columns.sql");
const CONSTRAINTS_SQL: &str = include_str!("queries/constraints.sql");
const INDEXES_SQL: &str = include_str!("queries/indexes.sql");
const VIEWS_SQL: &str = include_str!("queries/views.sql");
const FUNCTIONS_SQL: &str = include_str!("queries/functions.sql");
const TRIGGERS_SQL: &str = include_str!("queries/triggers.sql");
const POLICIES_SQL: &str = include_str!("queries/policies.sql");
const SEQUENCES_SQL: &str = include_str!("queries/sequences.sql");
const TYPES_SQL: &str = include_str!("queries/types.sql");
const EXTENSIONS_SQL: &str = include_str!("queries/extensions.sql");
const GRANTS_SQL: &str = include_str!("queries/grants.sql");
const OPERATORS_SQL: &str = include_str!("queries/operators.sql");

/// Every query file by name, for tests that run each one.
pub const QUERY_FILES: &[(&str, &str)] = &[
    ("version", VERSION_SQL),
    ("schemas", SCHEMAS_SQL),
    ("tables", TABLES_SQL),
    ("columns", COLUMNS_SQL),
    ("constraints", CONSTRAINTS_SQL),
    ("indexes", INDEXES_SQL),
    ("views", VIEWS_SQL),
    ("functions", FUNCTIONS_SQL),
    ("triggers", TRIGGERS_SQL),
    ("policies", POLICIES_SQL),
    ("sequences", SEQUENCES_SQL),
    ("types", TYPES_SQL),
    ("extensions", EXTENSIONS_SQL),
    ("grants", GRANTS_SQL),
    ("operators", OPERATORS_SQL),
];

/// The marker in `indexes.sql` replaced by the version-specific column.
const NULLS_NOT_DISTINCT_MARKER: &str = "/*NULLS_NOT_DISTINCT*/";

/// The text of a query file for a server version (version-specific branches resolved).
pub fn query_text(name: &str, version_num: i32) -> Option<String> {
    let (_, sql) = QUERY_FILES.iter().find(|(n, _)| *n == name)?;
    let column = if version_num >= 150_000 {
        "i.indnullsnotdistinct"
    } else {
        "false"
    };
    Some(sql.replace(NULLS_NOT_DISTINCT_MARKER, column))
}

/// A row reader that names the query in its errors.
struct Row<'a> {
    row: &'a postgres::Row,
    query: &'static str,
}

impl Row<'_> {
    fn get<T: FromSqlOwned>(&self, column: &str) -> Result<T, IntrospectError> {
        self.row
            .try_get(column)
            .map_err(|source| IntrospectError::Query {
                query: self.query,
                source,
            })
    }

    fn code(&self, column: &str) -> Result<char, IntrospectError> {
        self.get::<i8>(column).map(code)
    }

    fn strings(&self, column: &str) -> Result<Vec<String>, IntrospectError> {
        Ok(self.get::<Option<Vec<String>>>(column)?.unwrap_or_default())
    }
}

fn run<T>(
    tx: &mut Transaction<'_>,
    query: &'static str,
    sql: &str,
    schemas: &[String],
    decode: impl Fn(&Row<'_>) -> Result<T, IntrospectError>,
) -> Result<Vec<T>, IntrospectError> {
    let rows = if sql.contains("$1") {
        tx.query(sql, &[&schemas])
    } else {
        tx.query(sql, &[])
    }
    .map_err(|source| IntrospectError::Query { query, source })?;
    rows.iter().map(|row| decode(&Row { row, query })).collect()
}

/// `version.sql`.
pub struct VersionRow {
    pub version_num: i32,
}

pub fn version(tx: &mut Transaction<'_>) -> Result<VersionRow, IntrospectError> {
    let mut rows = run(tx, "version", VERSION_SQL, &[], |r| {
        Ok(VersionRow {
            version_num: r.get("version_num")?,
        })
    })?;
    rows.pop()
        .ok_or(IntrospectError::Empty { query: "version" })
}

/// `schemas.sql`.
pub struct SchemaRow {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
}

pub fn schemas(
    tx: &mut Transaction<'_>,
    wanted: &[String],
) -> Result<Vec<SchemaRow>, IntrospectError> {
    run(tx, "schemas", SCHEMAS_SQL, wanted, |r| {
        Ok(SchemaRow {
            name: r.get("name")?,
            owner: r.get("owner")?,
            comment: r.get("comment")?,
        })
    })
}

/// `tables.sql`.
pub struct TableRow {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    pub relkind: char,
    pub persistence: char,
    pub rls_enabled: bool,
    pub rls_forced: bool,
    pub options: Vec<String>,
    pub partition_key: Option<String>,
    pub partition_bound: Option<String>,
    pub parents: Vec<String>,
    pub owner: String,
    pub comment: Option<String>,
}

pub fn tables(
    tx: &mut Transaction<'_>,
    schemas: &[String],
) -> Result<Vec<TableRow>, IntrospectError> {
    run(tx, "tables", TABLES_SQL, schemas, |r| {
        Ok(TableRow {
            oid: r.get("oid")?,
            schema: r.get("schema")?,
            name: r.get("name")?,
            relkind: r.code("relkind")?,
            persistence: r.code("persistence")?,
            rls_enabled: r.get("rls_enabled")?,
            rls_forced: r.get("rls_forced")?,
            options: r.strings("options")?,
            partition_key: r.get("partition_key")?,
            partition_bound: r.get("partition_bound")?,
            parents: r.strings("parents")?,
            owner: r.get("owner")?,
            comment: r.get("comment")?,
        })
    })
}

/// The identity sequence's parameters, from `columns.sql`.
pub struct IdentitySequence {
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub cache: i64,
    pub cycle: bool,
}

/// `columns.sql`.
pub struct ColumnRow {
    pub table_oid: u32,
    pub name: String,
    pub ty: String,
    pub not_null: bool,
    pub default_expr: Option<String>,
    pub identity: char,
    pub generated: char,
    pub collation: Option<String>,
    pub sequence: Option<IdentitySequence>,
    pub comment: Option<String>,
}

pub fn columns(
    tx: &mut Transaction<'_>,
    schemas: &[String],
) -> Result<Vec<ColumnRow>, IntrospectError> {
    run(tx, "columns", COLUMNS_SQL, schemas, |r| {
        let sequence = match r.get::<Option<String>>("seq_type")? {
            Some(data_type) => Some(IdentitySequence {
                data_type,
                start: r.get("seq_start")?,
                increment: r.get("seq_increment")?,
                min: r.get("seq_min")?,
                max: r.get("seq_max")?,
                cache: r.get("seq_cache")?,
                cycle: r.get("seq_cycle")?,
            }),
            None => None,
        };
        Ok(ColumnRow {
            table_oid: r.get("table_oid")?,
            name: r.get("name")?,
            ty: r.get("type")?,
            not_null: r.get("not_null")?,
            default_expr: r.get("default_expr")?,
            identity: r.code("identity")?,
            generated: r.code("generated")?,
            collation: r.get("collation")?,
            sequence,
            comment: r.get("comment")?,
        })
    })
}

/// `constraints.sql`.
pub struct ConstraintRow {
    pub table_oid: u32,
    pub name: String,
    pub contype: char,
    pub definition: String,
}

pub fn constraints(
    tx: &mut Transaction<'_>,
    schemas: &[String],
) -> Result<Vec<ConstraintRow>, IntrospectError> {
    run(tx, "constraints", CONSTRAINTS_SQL, schemas, |r| {
        Ok(ConstraintRow {
            table_oid: r.get("table_oid")?,
            name: r.get("name")?,
            contype: r.code("contype")?,
            definition: r.get("definition")?,
        })
    })
}

/// `indexes.sql`.
pub struct IndexRow {
    pub schema: String,
    pub name: String,
    pub definition: String,
    pub nulls_not_distinct: bool,
    pub comment: Option<String>,
}

pub fn indexes(
    tx: &mut Transaction<'_>,
    schemas: &[String],
    version_num: i32,
) -> Result<Vec<IndexRow>, IntrospectError> {
    let sql = query_text("indexes", version_num).unwrap_or_default();
    run(tx, "indexes", &sql, schemas, |r| {
        Ok(IndexRow {
            schema: r.get("schema")?,
            name: r.get("name")?,
            definition: r.get("definition")?,
            nulls_not_distinct: r.get("nulls_not_distinct")?,
            comment: r.get("comment")?,
        })
    })
}

/// `views.sql`.
pub struct ViewRow {
    pub schema: String,
    pub name: String,
    pub relkind: char,
    pub definition: String,
    pub options: Vec<String>,
    pub populated: bool,
    pub owner: String,
    pub comment: Option<String>,
}

pub fn views(
    tx: &mut Transaction<'_>,
    schemas: &[String],
) -> Result<Vec<ViewRow>, IntrospectError> {
    run(tx, "views", VIEWS_SQL, schemas, |r| {
        Ok(ViewRow {
            schema: r.get("schema")?,
            name: r.get("name")?,
            relkind: r.code("relkind")?,
            definition: r.get("definition")?,
            options: r.strings("options")?,
            populated: r.get("populated")?,
            owner: r.get("owner")?,
            comment: r.get("comment")?,
        })
    })
}

/// `functions.sql`.
pub struct FunctionRow {
    pub schema: String,
    pub name: String,
    pub prokind: char,
    pub definition: String,
    pub input_types: Vec<String>,
    pub owner: String,
    pub comment: Option<String>,
}

pub fn functions(
    tx: &mut Transaction<'_>,
    schemas: &[String],
) -> Result<Vec<FunctionRow>, IntrospectError> {
    run(tx, "functions", FUNCTIONS_SQL, schemas, |r| {
        Ok(FunctionRow {
            schema: r.get("schema")?,
            name: r.get("name")?,
            prokind: r.code("prokind")?,
            definition: r.get("definition")?,
            input_types: r.strings("input_types")?,
            owner: r.get("owner")?,
            comment: r.get("comment")?,
        })
    })
}

/// `triggers.sql`.
pub struct TriggerRow {
    pub schema: String,
    pub table_name: String,
    pub name: String,
    pub definition: String,
    pub comment: Option<String>,
}

pub fn triggers(
    tx: &mut Transaction<'_>,
    schemas: &[String],
) -> Result<Vec<TriggerRow>, IntrospectError> {
    run(tx, "triggers", TRIGGERS_SQL, schemas, |r| {
        Ok(TriggerRow {
            schema: r.get("schema")?,
            table_name: r.get("table_name")?,
            name: r.get("name")?,
            definition: r.get("definition")?,
            comment: r.get("comment")?,
        })
    })
}

/// `policies.sql`.
pub struct PolicyRow {
    pub schema: String,
    pub table_name: String,
    pub name: String,
    pub permissive: bool,
    pub command: char,
    pub roles: Vec<String>,
    pub using_expr: Option<String>,
    pub check_expr: Option<String>,
    pub comment: Option<String>,
}

pub fn policies(
    tx: &mut Transaction<'_>,
    schemas: &[String],
) -> Result<Vec<PolicyRow>, IntrospectError> {
    run(tx, "policies", POLICIES_SQL, schemas, |r| {
        Ok(PolicyRow {
            schema: r.get("schema")?,
            table_name: r.get("table_name")?,
            name: r.get("name")?,
            permissive: r.get("permissive")?,
            command: r.code("command")?,
            roles: r.strings("roles")?,
            using_expr: r.get("using_expr")?,
            check_expr: r.get("check_expr")?,
            comment: r.get("comment")?,
        })
    })
}

/// `sequences.sql`.
pub struct SequenceRow {
    pub schema: String,
    pub name: String,
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cache: i64,
    pub cycle: bool,
    pub owned_by_table: Option<String>,
    pub owned_by_column: Option<String>,
    pub owner: String,
    pub comment: Option<String>,
}

pub fn sequences(
    tx: &mut Transaction<'_>,
    schemas: &[String],
) -> Result<Vec<SequenceRow>, IntrospectError> {
    run(tx, "sequences", SEQUENCES_SQL, schemas, |r| {
        Ok(SequenceRow {
            schema: r.get("schema")?,
            name: r.get("name")?,
            data_type: r.get("data_type")?,
            start: r.get("start")?,
            increment: r.get("increment")?,
            min_value: r.get("min_value")?,
            max_value: r.get("max_value")?,
            cache: r.get("cache")?,
            cycle: r.get("cycle")?,
            owned_by_table: r.get("owned_by_table")?,
            owned_by_column: r.get("owned_by_column")?,
            owner: r.get("owner")?,
            comment: r.get("comment")?,
        })
    })
}

/// `types.sql`.
pub struct TypeRow {
    pub schema: String,
    pub name: String,
    pub typtype: char,
    pub labels: Vec<String>,
    pub base_type: Option<String>,
    pub not_null: bool,
    pub default_expr: Option<String>,
    pub collation: Option<String>,
    pub check_names: Vec<String>,
    pub check_defs: Vec<String>,
    pub attribute_names: Vec<String>,
    pub attribute_types: Vec<String>,
    pub subtype: Option<String>,
    pub owner: String,
    pub comment: Option<String>,
}

pub fn types(
    tx: &mut Transaction<'_>,
    schemas: &[String],
) -> Result<Vec<TypeRow>, IntrospectError> {
    run(tx, "types", TYPES_SQL, schemas, |r| {
        Ok(TypeRow {
            schema: r.get("schema")?,
            name: r.get("name")?,
            typtype: r.code("typtype")?,
            labels: r.strings("labels")?,
            base_type: r.get("base_type")?,
            not_null: r.get("not_null")?,
            default_expr: r.get("default_expr")?,
            collation: r.get("collation")?,
            check_names: r.strings("check_names")?,
            check_defs: r.strings("check_defs")?,
            attribute_names: r.strings("attribute_names")?,
            attribute_types: r.strings("attribute_types")?,
            subtype: r.get("subtype")?,
            owner: r.get("owner")?,
            comment: r.get("comment")?,
        })
    })
}

/// `extensions.sql`.
pub struct ExtensionRow {
    pub name: String,
    pub schema: String,
    pub version: String,
    pub comment: Option<String>,
}

pub fn extensions(tx: &mut Transaction<'_>) -> Result<Vec<ExtensionRow>, IntrospectError> {
    run(tx, "extensions", EXTENSIONS_SQL, &[], |r| {
        Ok(ExtensionRow {
            name: r.get("name")?,
            schema: r.get("schema")?,
            version: r.get("version")?,
            comment: r.get("comment")?,
        })
    })
}

/// `grants.sql`.
pub struct GrantRow {
    pub object_kind: String,
    pub schema: String,
    pub name: String,
    pub column_name: Option<String>,
    pub input_types: Vec<String>,
    pub grantee: String,
    pub privilege: String,
    pub grantable: bool,
}

pub fn grants(
    tx: &mut Transaction<'_>,
    schemas: &[String],
) -> Result<Vec<GrantRow>, IntrospectError> {
    run(tx, "grants", GRANTS_SQL, schemas, |r| {
        Ok(GrantRow {
            object_kind: r.get("object_kind")?,
            schema: r.get("schema")?,
            name: r.get("name")?,
            column_name: r.get("column_name")?,
            input_types: r.strings("input_types")?,
            grantee: r.get("grantee")?,
            privilege: r.get("privilege")?,
            grantable: r.get("grantable")?,
        })
    })
}

/// `operators.sql`.
pub struct OperatorRow {
    pub schema: String,
    pub name: String,
    pub definition: String,
}

pub fn operators(
    tx: &mut Transaction<'_>,
    schemas: &[String],
) -> Result<Vec<OperatorRow>, IntrospectError> {
    run(tx, "operators", OPERATORS_SQL, schemas, |r| {
        Ok(OperatorRow {
            schema: r.get("schema")?,
            name: r.get("name")?,
            definition: r.get("definition")?,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_file_documents_its_columns_and_branches_resolve_by_version() {
        for (name, sql) in QUERY_FILES {
            assert!(
                sql.starts_with("-- "),
                "{name}.sql must open with a comment"
            );
            assert!(sql.contains("Columns:"), "{name}.sql must list its columns");
        }
        let v14 = query_text("indexes", 140_000).unwrap();
        let v15 = query_text("indexes", 150_000).unwrap();
        assert!(v14.contains("false AS nulls_not_distinct"), "{v14}");
        assert!(
            v15.contains("i.indnullsnotdistinct AS nulls_not_distinct"),
            "{v15}"
        );
        assert!(!v15.contains(NULLS_NOT_DISTINCT_MARKER));
    }
}
