//! One-line readable descriptions of changes (plan summaries, test expectations). SQL is
//! rendered elsewhere: alterations by the planner, whole-object creates by `crate::ddl`.

use std::fmt;

use super::{AttributeChange, Change, DomainChange, EnumPosition, ObjectRef, RenameKind};
use crate::catalog::names::display_ident;
use crate::catalog::{ConstraintKind, Expr};

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectRef::Schema(s) => write!(f, "schema {}", display_ident(s)),
            ObjectRef::Extension(e) => write!(f, "extension {}", display_ident(e)),
            ObjectRef::Table(t) => write!(f, "table {t}"),
            ObjectRef::Column(t, c) => write!(f, "column {t}.{}", display_ident(c)),
            ObjectRef::Constraint(t, c) => write!(f, "constraint {} on {t}", display_ident(c)),
            ObjectRef::View(v) => write!(f, "view {v}"),
            ObjectRef::MaterializedView(v) => write!(f, "materialized view {v}"),
            ObjectRef::Index(i) => write!(f, "index {i}"),
            ObjectRef::Function {
                name,
                args,
                procedure,
            } => {
                let kind = if *procedure { "procedure" } else { "function" };
                write!(f, "{kind} {name}({args})")
            }
            ObjectRef::Trigger(t, n) => write!(f, "trigger {} on {t}", display_ident(n)),
            ObjectRef::Policy(t, n) => write!(f, "policy {} on {t}", display_ident(n)),
            ObjectRef::Sequence(s) => write!(f, "sequence {s}"),
            ObjectRef::Type(t) => write!(f, "type {t}"),
            ObjectRef::Other(kind, name) => write!(f, "{kind} {name}"),
        }
    }
}

fn opt(e: Option<&Expr>) -> String {
    e.map_or_else(|| "none".to_owned(), |e| e.sql().to_owned())
}

fn constraint_kind(k: &ConstraintKind) -> &'static str {
    match k {
        ConstraintKind::PrimaryKey { .. } => "primary key",
        ConstraintKind::Unique { .. } => "unique",
        ConstraintKind::ForeignKey { .. } => "foreign key",
        ConstraintKind::Check { .. } => "check",
        ConstraintKind::Exclude { .. } => "exclude",
    }
}

impl Change {
    /// Short name of the change kind (`add-column`, `create-index`, …), for summaries.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::CreateSchema(_) => "create-schema",
            Change::DropSchema(_) => "drop-schema",
            Change::CreateExtension { .. } => "create-extension",
            Change::DropExtension(_) => "drop-extension",
            Change::AlterExtension { .. } => "alter-extension",
            Change::Rename { .. } => "rename",
            Change::RenameColumn { .. } => "rename-column",
            Change::RenameConstraint { .. } => "rename-constraint",
            Change::CreateTable(_) => "create-table",
            Change::DropTable(_) => "drop-table",
            Change::AttachPartition { .. } => "attach-partition",
            Change::DetachPartition { .. } => "detach-partition",
            Change::AddColumn { .. } => "add-column",
            Change::DropColumn { .. } => "drop-column",
            Change::AlterColumnType { .. } => "alter-column-type",
            Change::SetDefault { .. } => "set-default",
            Change::SetNotNull { .. } => "set-not-null",
            Change::SetIdentity { .. } => "set-identity",
            Change::SetGenerated { .. } => "set-generated",
            Change::SetLogged { .. } => "set-logged",
            Change::SetTableOptions { .. } => "set-table-options",
            Change::SetRowSecurity { .. } => "set-row-security",
            Change::ForceRowSecurity { .. } => "force-row-security",
            Change::AddConstraint { .. } => "add-constraint",
            Change::DropConstraint { .. } => "drop-constraint",
            Change::ValidateConstraint { .. } => "validate-constraint",
            Change::RenameIndex { .. } => "rename-index",
            Change::CreateIndex(_) => "create-index",
            Change::DropIndex(_) => "drop-index",
            Change::ReplaceIndex { .. } => "replace-index",
            Change::CreateView(_) => "create-view",
            Change::DropView { .. } => "drop-view",
            Change::ReplaceView { .. } => "replace-view",
            Change::ReplaceMaterializedView(_) => "replace-materialized-view",
            Change::SetViewOptions { .. } => "set-view-options",
            Change::CreateFunction(_) => "create-function",
            Change::DropFunction(_) => "drop-function",
            Change::ReplaceFunction(_) => "replace-function",
            Change::CreateTrigger(_) => "create-trigger",
            Change::DropTrigger { .. } => "drop-trigger",
            Change::CreatePolicy(_) => "create-policy",
            Change::DropPolicy { .. } => "drop-policy",
            Change::AlterPolicy { .. } => "alter-policy",
            Change::ReplacePolicy { .. } => "replace-policy",
            Change::CreateSequence(_) => "create-sequence",
            Change::DropSequence(_) => "drop-sequence",
            Change::AlterSequence { .. } => "alter-sequence",
            Change::CreateType(_) => "create-type",
            Change::DropType(_) => "drop-type",
            Change::AddEnumValue { .. } => "add-enum-value",
            Change::RenameEnumValue { .. } => "rename-enum-value",
            Change::AlterDomain { .. } => "alter-domain",
            Change::AlterCompositeType { .. } => "alter-composite-type",
            Change::Comment { .. } => "comment",
            Change::Grant { .. } => "grant",
            Change::Revoke { .. } => "revoke",
            Change::SetOwner { .. } => "set-owner",
            Change::Unsupported { .. } => "unsupported",
        }
    }

    /// The object the change is about (plan JSON `objects`).
    pub fn object(&self) -> ObjectRef {
        match self {
            Change::CreateSchema(s) | Change::DropSchema(s) => ObjectRef::Schema(s.clone()),
            Change::CreateExtension { name, .. }
            | Change::DropExtension(name)
            | Change::AlterExtension { name, .. } => ObjectRef::Extension(name.clone()),
            Change::Rename { kind, to, .. } => match kind {
                RenameKind::Table => ObjectRef::Table(to.clone()),
                RenameKind::View => ObjectRef::View(to.clone()),
                RenameKind::MaterializedView => ObjectRef::MaterializedView(to.clone()),
                RenameKind::Index => ObjectRef::Index(to.clone()),
            },
            Change::RenameColumn { table, to, .. } => ObjectRef::Column(table.clone(), to.clone()),
            Change::RenameConstraint { table, to, .. } => {
                ObjectRef::Constraint(table.clone(), to.clone())
            }
            Change::CreateTable(t) => ObjectRef::Table(t.name.clone()),
            Change::DropTable(t)
            | Change::AttachPartition { child: t, .. }
            | Change::DetachPartition { child: t, .. }
            | Change::SetLogged { table: t, .. }
            | Change::SetTableOptions { table: t, .. }
            | Change::SetRowSecurity { table: t, .. }
            | Change::ForceRowSecurity { table: t, .. } => ObjectRef::Table(t.clone()),
            Change::AddColumn { table, column } => {
                ObjectRef::Column(table.clone(), column.name.clone())
            }
            Change::DropColumn { table, column }
            | Change::AlterColumnType { table, column, .. }
            | Change::SetDefault { table, column, .. }
            | Change::SetNotNull { table, column, .. }
            | Change::SetIdentity { table, column, .. }
            | Change::SetGenerated { table, column, .. } => {
                ObjectRef::Column(table.clone(), column.clone())
            }
            Change::AddConstraint { table, constraint } => {
                ObjectRef::Constraint(table.clone(), constraint.name.clone())
            }
            Change::RenameIndex { to, .. } => ObjectRef::Index(to.clone()),
            Change::DropConstraint { table, name } | Change::ValidateConstraint { table, name } => {
                ObjectRef::Constraint(table.clone(), name.clone())
            }
            Change::CreateIndex(i) | Change::DropIndex(i) | Change::ReplaceIndex { to: i, .. } => {
                ObjectRef::Index(i.name.clone())
            }
            Change::CreateView(v) if v.materialized => ObjectRef::MaterializedView(v.name.clone()),
            Change::CreateView(v) | Change::ReplaceView { view: v, .. } => {
                ObjectRef::View(v.name.clone())
            }
            Change::ReplaceMaterializedView(v) => ObjectRef::MaterializedView(v.name.clone()),
            Change::DropView { name, materialized }
            | Change::SetViewOptions {
                name, materialized, ..
            } => {
                if *materialized {
                    ObjectRef::MaterializedView(name.clone())
                } else {
                    ObjectRef::View(name.clone())
                }
            }
            Change::CreateFunction(f) | Change::ReplaceFunction(f) => ObjectRef::function(f),
            Change::DropFunction(r) => r.clone(),
            Change::CreateTrigger(t) => ObjectRef::Trigger(t.table.clone(), t.name.clone()),
            Change::DropTrigger { table, name } => ObjectRef::Trigger(table.clone(), name.clone()),
            Change::CreatePolicy(p) | Change::ReplacePolicy { to: p, .. } => {
                ObjectRef::Policy(p.table.clone(), p.name.clone())
            }
            Change::DropPolicy { table, name } | Change::AlterPolicy { table, name, .. } => {
                ObjectRef::Policy(table.clone(), name.clone())
            }
            Change::CreateSequence(s) | Change::AlterSequence { to: s, .. } => {
                ObjectRef::Sequence(s.name.clone())
            }
            Change::DropSequence(s) => ObjectRef::Sequence(s.clone()),
            Change::CreateType(t) => ObjectRef::Type(t.name.clone()),
            Change::DropType(name)
            | Change::AddEnumValue { name, .. }
            | Change::RenameEnumValue { name, .. }
            | Change::AlterDomain { name, .. }
            | Change::AlterCompositeType { name, .. } => ObjectRef::Type(name.clone()),
            Change::Comment { target, .. }
            | Change::Grant { target, .. }
            | Change::Revoke { target, .. }
            | Change::SetOwner { target, .. }
            | Change::Unsupported { object: target, .. } => target.clone(),
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let obj = self.object();
        match self {
            Change::CreateSchema(_)
            | Change::CreateExtension { .. }
            | Change::CreateTable(_)
            | Change::CreateView(_)
            | Change::CreateFunction(_)
            | Change::CreateTrigger(_)
            | Change::CreatePolicy(_)
            | Change::CreateSequence(_)
            | Change::CreateType(_) => write!(f, "create {obj}"),
            Change::CreateIndex(i) => write!(f, "create {obj} on {}", i.table),
            Change::DropSchema(_)
            | Change::DropExtension(_)
            | Change::DropTable(_)
            | Change::DropView { .. }
            | Change::DropFunction(_)
            | Change::DropTrigger { .. }
            | Change::DropPolicy { .. }
            | Change::DropSequence(_)
            | Change::DropType(_)
            | Change::DropColumn { .. }
            | Change::DropConstraint { .. } => write!(f, "drop {obj}"),
            Change::DropIndex(i) => write!(f, "drop {obj} on {}", i.table),
            Change::AttachPartition { parent, bound, .. } => {
                write!(f, "attach {obj} to {parent} {bound}")
            }
            Change::DetachPartition { parent, .. } => write!(f, "detach {obj} from {parent}"),
            Change::AlterExtension {
                version, schema, ..
            } => write!(f, "alter {obj}: version {version:?}, schema {schema:?}"),
            Change::Rename { from, .. } => write!(f, "rename {from} to {obj}"),
            Change::RenameConstraint { from, .. } => {
                write!(f, "rename constraint {} to {obj}", display_ident(from))
            }
            Change::RenameColumn { from, .. } => {
                write!(f, "rename column {} to {obj}", display_ident(from))
            }
            Change::AddColumn { column, .. } => {
                let nn = if column.not_null { " not null" } else { "" };
                write!(f, "add {obj} {}{nn}", column.ty)?;
                if let Some(d) = &column.default {
                    write!(f, " default {d}")?;
                }
                Ok(())
            }
            Change::AlterColumnType {
                from,
                to,
                collation,
                ..
            } => {
                write!(f, "alter {obj} type {from} -> {to}")?;
                if let Some(c) = collation {
                    write!(f, " collate {c}")?;
                }
                Ok(())
            }
            Change::SetDefault { default, .. } => {
                write!(f, "set {obj} default {}", opt(default.as_ref()))
            }
            Change::SetNotNull { not_null, .. } => {
                let what = if *not_null {
                    "set not null"
                } else {
                    "drop not null"
                };
                write!(f, "{what} on {obj}")
            }
            Change::SetIdentity { from, to, .. } => write!(
                f,
                "set {obj} identity {} -> {}",
                from.as_ref()
                    .map_or("none", |i| if i.always { "always" } else { "by default" }),
                to.as_ref()
                    .map_or("none", |i| if i.always { "always" } else { "by default" }),
            ),
            Change::SetGenerated { expr, .. } => {
                write!(f, "set {obj} generated {}", opt(expr.as_ref()))
            }
            Change::SetLogged { logged, .. } => {
                let what = if *logged { "logged" } else { "unlogged" };
                write!(f, "set {obj} {what}")
            }
            Change::SetTableOptions { set, reset, .. }
            | Change::SetViewOptions { set, reset, .. } => {
                write!(f, "set options of {obj}: set {set:?} reset {reset:?}")
            }
            Change::SetRowSecurity { enabled, .. } => {
                let what = if *enabled { "enable" } else { "disable" };
                write!(f, "{what} row level security on {obj}")
            }
            Change::ForceRowSecurity { forced, .. } => {
                let what = if *forced { "force" } else { "no force" };
                write!(f, "{what} row level security on {obj}")
            }
            Change::AddConstraint { constraint, .. } => {
                let nv = if constraint.not_valid {
                    " not valid"
                } else {
                    ""
                };
                write!(f, "add {} {obj}{nv}", constraint_kind(&constraint.kind))
            }
            Change::ValidateConstraint { .. } => write!(f, "validate {obj}"),
            Change::RenameIndex { from, .. } => write!(f, "rename {from} to {obj}"),
            Change::ReplaceIndex { .. } => write!(f, "replace {obj} (build new, drop old)"),
            Change::ReplaceView { recreate, .. } => {
                let how = if *recreate {
                    "drop and create"
                } else {
                    "create or replace"
                };
                write!(f, "replace {obj} ({how})")
            }
            Change::ReplaceMaterializedView(_) => write!(f, "replace {obj} (drop and create)"),
            Change::ReplaceFunction(_) => write!(f, "replace {obj} (create or replace)"),
            Change::AlterPolicy {
                roles,
                using,
                with_check,
                ..
            } => {
                write!(f, "alter {obj}:")?;
                if let Some(r) = roles {
                    write!(f, " to {}", r.join(", "))?;
                }
                if let Some(u) = using {
                    write!(f, " using ({u})")?;
                }
                if let Some(c) = with_check {
                    write!(f, " with check ({c})")?;
                }
                Ok(())
            }
            Change::ReplacePolicy { .. } => write!(f, "replace {obj} (drop and create)"),
            Change::AlterSequence { .. } => write!(f, "alter {obj}"),
            Change::RenameEnumValue { from, to, .. } => {
                write!(f, "rename value '{from}' of {obj} to '{to}'")
            }
            Change::AddEnumValue {
                value, position, ..
            } => {
                write!(f, "add value '{value}' to {obj}")?;
                match position {
                    EnumPosition::End => Ok(()),
                    EnumPosition::Before(v) => write!(f, " before '{v}'"),
                    EnumPosition::After(v) => write!(f, " after '{v}'"),
                }
            }
            Change::AlterDomain { change, .. } => match change {
                DomainChange::SetDefault(d) => {
                    write!(f, "set default of {obj} to {}", opt(d.as_ref()))
                }
                DomainChange::SetNotNull(true) => write!(f, "set not null on {obj}"),
                DomainChange::SetNotNull(false) => write!(f, "drop not null on {obj}"),
                DomainChange::AddCheck(n, e) => write!(f, "add check {n} ({e}) to {obj}"),
                DomainChange::DropCheck(n) => write!(f, "drop check {n} from {obj}"),
            },
            Change::AlterCompositeType { change, .. } => match change {
                AttributeChange::Add(n, t) => write!(f, "add attribute {n} {t} to {obj}"),
                AttributeChange::Drop(n) => write!(f, "drop attribute {n} from {obj}"),
                AttributeChange::AlterType(n, t) => {
                    write!(f, "alter attribute {n} of {obj} type {t}")
                }
            },
            Change::Comment { comment, .. } => match comment {
                Some(c) => write!(f, "comment on {obj}: {c:?}"),
                None => write!(f, "remove comment on {obj}"),
            },
            Change::Grant { grant, .. } => {
                write!(f, "grant {} on {obj} to {}", grant.privilege, grant.grantee)
            }
            Change::Revoke { grant, .. } => {
                write!(
                    f,
                    "revoke {} on {obj} from {}",
                    grant.privilege, grant.grantee
                )
            }
            Change::SetOwner { owner, .. } => write!(f, "set owner of {obj} to {owner}"),
            Change::Unsupported { reason, .. } => {
                write!(f, "unsupported change to {obj}: {reason}")
            }
        }
    }
}
