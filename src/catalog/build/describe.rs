//! Readable names of statement and object kinds, for findings (`CreateOpClassStmt` →
//! `CREATE OPERATOR CLASS`).

use pg_query::NodeEnum;
use pg_query::protobuf::{AlterTableType, ObjectType};

use crate::parse::nodes::strings;

/// `AT_SetNotNull` → `SETNOTNULL`: an `ALTER TABLE` subcommand for messages.
pub(super) fn alter_name(t: AlterTableType) -> String {
    t.as_str_name()
        .trim_start_matches("AT_")
        .replace('_', " ")
        .to_uppercase()
}

/// An object type as a word for messages (`ObjectMatview` → `materialized view`).
pub(super) fn object_type_name(t: ObjectType) -> &'static str {
    match t {
        ObjectType::ObjectTable => "table",
        ObjectType::ObjectView => "view",
        ObjectType::ObjectMatview => "materialized view",
        ObjectType::ObjectIndex => "index",
        ObjectType::ObjectSequence => "sequence",
        ObjectType::ObjectColumn => "column",
        ObjectType::ObjectFunction => "function",
        ObjectType::ObjectProcedure => "procedure",
        ObjectType::ObjectSchema => "schema",
        ObjectType::ObjectType => "type",
        ObjectType::ObjectDomain => "domain",
        ObjectType::ObjectExtension => "extension",
        ObjectType::ObjectPolicy => "policy",
        ObjectType::ObjectTrigger => "trigger",
        ObjectType::ObjectTabconstraint => "constraint",
        ObjectType::ObjectForeignTable => "foreign table",
        ObjectType::ObjectAggregate => "aggregate",
        ObjectType::ObjectCollation => "collation",
        ObjectType::ObjectOperator => "operator",
        ObjectType::ObjectLanguage => "language",
        ObjectType::ObjectRole => "role",
        ObjectType::ObjectDatabase => "database",
        ObjectType::ObjectTablespace => "tablespace",
        ObjectType::ObjectEventTrigger => "event trigger",
        ObjectType::ObjectRule => "rule",
        ObjectType::ObjectTsconfiguration => "text search configuration",
        ObjectType::ObjectTsdictionary => "text search dictionary",
        _ => "object",
    }
}

/// Readable kind of a statement node (`CreateOpClassStmt` → `CREATE OPERATOR CLASS`).
pub fn statement_kind(node: &NodeEnum) -> String {
    let raw = format!("{node:?}");
    let name = raw.split(['(', ' ']).next().unwrap_or("statement");
    let known = match name {
        "InsertStmt" => "INSERT",
        "UpdateStmt" => "UPDATE",
        "DeleteStmt" => "DELETE",
        "MergeStmt" => "MERGE",
        "CopyStmt" => "COPY",
        "SelectStmt" => "SELECT",
        "DoStmt" => "DO block",
        "DefineStmt" => define_kind(node),
        "CreateOpClassStmt" => "CREATE OPERATOR CLASS",
        "CreateOpFamilyStmt" => "CREATE OPERATOR FAMILY",
        "CreateCastStmt" => "CREATE CAST",
        "RuleStmt" => "CREATE RULE",
        "CreateEventTrigStmt" => "CREATE EVENT TRIGGER",
        "CreateForeignTableStmt" => "CREATE FOREIGN TABLE",
        "CreateFdwStmt" => "CREATE FOREIGN DATA WRAPPER",
        "CreateForeignServerStmt" => "CREATE SERVER",
        "CreateUserMappingStmt" => "CREATE USER MAPPING",
        "CreateStatsStmt" => "CREATE STATISTICS",
        "CreatePublicationStmt" => "CREATE PUBLICATION",
        "CreateSubscriptionStmt" => "CREATE SUBSCRIPTION",
        "CreateRoleStmt" => "CREATE ROLE",
        "AlterRoleStmt" => "ALTER ROLE",
        "GrantRoleStmt" => "GRANT role",
        "AlterDefaultPrivilegesStmt" => "ALTER DEFAULT PRIVILEGES",
        "CreateTableSpaceStmt" => "CREATE TABLESPACE",
        "CreateConversionStmt" => "CREATE CONVERSION",
        "CreateTransformStmt" => "CREATE TRANSFORM",
        "CreatePlangStmt" => "CREATE LANGUAGE",
        "CreateAmStmt" => "CREATE ACCESS METHOD",
        "AlterExtensionStmt" => "ALTER EXTENSION",
        "AlterExtensionContentsStmt" => "ALTER EXTENSION ADD/DROP",
        "AlterDomainStmt" => "ALTER DOMAIN",
        "AlterTsconfigurationStmt" => "ALTER TEXT SEARCH CONFIGURATION",
        "RenameStmt" => "ALTER … RENAME",
        "AlterObjectSchemaStmt" => "ALTER … SET SCHEMA",
        "SecLabelStmt" => "SECURITY LABEL",
        "CreatedbStmt" => "CREATE DATABASE",
        "DropdbStmt" => "DROP DATABASE",
        "DropRoleStmt" => "DROP ROLE",
        "DropOwnedStmt" => "DROP OWNED",
        "ReassignOwnedStmt" => "REASSIGN OWNED",
        "AlterTableSpaceOptionsStmt" => "ALTER TABLESPACE",
        "AlterSystemStmt" => "ALTER SYSTEM",
        "ListenStmt" | "UnlistenStmt" => "LISTEN/UNLISTEN",
        "LoadStmt" => "LOAD",
        "ConstraintsSetStmt" => "SET CONSTRAINTS",
        "CreateEnumStmt" => "CREATE TYPE … AS ENUM",
        "ImportForeignSchemaStmt" => "IMPORT FOREIGN SCHEMA",
        "AlterEventTrigStmt" => "ALTER EVENT TRIGGER",
        "AlterCollationStmt" => "ALTER COLLATION",
        "AlterOperatorStmt" => "ALTER OPERATOR",
        "AlterTypeStmt" => "ALTER TYPE",
        "AlterStatsStmt" => "ALTER STATISTICS",
        "AlterPublicationStmt" => "ALTER PUBLICATION",
        "AlterSubscriptionStmt" => "ALTER SUBSCRIPTION",
        "AlterFdwStmt" => "ALTER FOREIGN DATA WRAPPER",
        "AlterForeignServerStmt" => "ALTER SERVER",
        "AlterUserMappingStmt" => "ALTER USER MAPPING",
        "AlterRoleSetStmt" => "ALTER ROLE … SET",
        "CreateSchemaStmt" => "CREATE SCHEMA",
        "AlterDatabaseSetStmt" | "AlterDatabaseStmt" => "ALTER DATABASE",
        "ExplainStmt" => "EXPLAIN",
        "VacuumStmt" => "VACUUM/ANALYZE",
        "RefreshMatViewStmt" => "REFRESH MATERIALIZED VIEW",
        "LockStmt" => "LOCK",
        "NotifyStmt" => "NOTIFY",
        "CallStmt" => "CALL",
        "ClusterStmt" => "CLUSTER",
        "ReindexStmt" => "REINDEX",
        "CheckPointStmt" => "CHECKPOINT",
        "DiscardStmt" => "DISCARD",
        "PrepareStmt" | "ExecuteStmt" | "DeallocateStmt" => "PREPARE/EXECUTE",
        "TruncateStmt" => "TRUNCATE",
        "CommentStmt" => "COMMENT",
        _ => "",
    };
    if known.is_empty() {
        name.trim_end_matches("Stmt").to_owned()
    } else {
        known.to_owned()
    }
}

/// `CREATE OPERATOR`, `CREATE AGGREGATE`, …: which object a `DefineStmt` defines.
pub(super) fn define_kind(node: &NodeEnum) -> &'static str {
    use pg_query::protobuf::ObjectType;
    let NodeEnum::DefineStmt(d) = node else {
        return "CREATE";
    };
    match ObjectType::try_from(d.kind) {
        Ok(ObjectType::ObjectOperator) => "CREATE OPERATOR",
        Ok(ObjectType::ObjectAggregate) => "CREATE AGGREGATE",
        Ok(ObjectType::ObjectCollation) => "CREATE COLLATION",
        Ok(ObjectType::ObjectType) => "CREATE TYPE (base type)",
        Ok(ObjectType::ObjectTsparser) => "CREATE TEXT SEARCH PARSER",
        Ok(ObjectType::ObjectTsdictionary) => "CREATE TEXT SEARCH DICTIONARY",
        Ok(ObjectType::ObjectTstemplate) => "CREATE TEXT SEARCH TEMPLATE",
        Ok(ObjectType::ObjectTsconfiguration) => "CREATE TEXT SEARCH CONFIGURATION",
        _ => "CREATE (definition)",
    }
}

/// The name of an object the catalog keeps as text, where the statement has one.
pub(super) fn other_name(node: &NodeEnum) -> String {
    match node {
        NodeEnum::DefineStmt(d) => strings(&d.defnames).join("."),
        NodeEnum::RuleStmt(r) => r.rulename.clone(),
        NodeEnum::CreateEventTrigStmt(e) => e.trigname.clone(),
        NodeEnum::CreateForeignTableStmt(f) => f
            .base_stmt
            .as_ref()
            .and_then(|b| b.relation.as_ref())
            .map(|r| r.relname.clone())
            .unwrap_or_default(),
        NodeEnum::CreateStatsStmt(s) => strings(&s.defnames).join("."),
        NodeEnum::CreateRoleStmt(r) => r.role.clone(),
        _ => String::new(),
    }
}
