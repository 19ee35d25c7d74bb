//! `ALTER TABLE` (and `ALTER VIEW/SEQUENCE/INDEX`, which PostgreSQL parses the same way):
//! subcommands folded into the table they change, and partitions attached to a parent's
//! indexes.

use std::collections::BTreeSet;

use pg_query::NodeEnum;
use pg_query::protobuf::{self, AlterTableType, ObjectType};

use super::context::Ctx;
use super::describe::alter_name;
use super::tables::bound_text;
use super::values::reloptions;
use super::{Builder, partition_index};
use crate::catalog::names::QualifiedName;
use crate::catalog::typename::format_type_name;
use crate::catalog::{ConstraintKind, Expr, Identity, Table};
use crate::parse::nodes::{def_elems, role_name};

impl Builder {
    /// Folds `ALTER TABLE` into the table it changes (or, for another relation, into that).
    pub(super) fn alter_table(&mut self, s: &protobuf::AlterTableStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.relation else { return };
        let name = ctx.qualify(rv);
        let objtype = ObjectType::try_from(s.objtype).unwrap_or(ObjectType::Undefined);
        if objtype != ObjectType::ObjectTable || self.table_mut(&name).is_none() {
            self.alter_other_relation(s, &name, ctx);
            return;
        }
        // Detach the table while it is changed, so `self` stays usable for naming.
        let external = !self.catalog.tables.contains_key(&name);
        let Some(mut table) = (if external {
            self.catalog.externals.remove(&name)
        } else {
            self.catalog.tables.remove(&name)
        }) else {
            return;
        };
        let keys_before: BTreeSet<String> = table.constraints.keys().cloned().collect();
        for cmd in s.cmds.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::AlterTableCmd(c)) => Some(c),
            _ => None,
        }) {
            self.alter_table_cmd(&mut table, cmd, ctx);
        }
        if external {
            self.catalog.externals.insert(name, table);
            return;
        }
        let new_keys: Vec<partition_index::IndexShape> = if table.partition_by.is_some() {
            table
                .constraints
                .values()
                .filter(|c| !keys_before.contains(&c.name))
                .filter_map(|c| partition_index::IndexShape::of_key(&c.kind))
                .collect()
        } else {
            Vec::new()
        };
        self.catalog.tables.insert(name.clone(), table);
        for shape in new_keys {
            partition_index::adopt_in_partitions(
                &mut self.catalog,
                &mut self.adopted_keys,
                &name,
                &shape,
                true,
            );
        }
        for child in s.cmds.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::AlterTableCmd(c))
                if AlterTableType::try_from(c.subtype).ok()
                    == Some(AlterTableType::AtAttachPartition) =>
            {
                match c.def.as_deref().and_then(|d| d.node.as_ref()) {
                    Some(NodeEnum::PartitionCmd(p)) => p.name.as_ref().map(|r| ctx.qualify(r)),
                    _ => None,
                }
            }
            _ => None,
        }) {
            partition_index::adopt_parent_indexes(
                &mut self.catalog,
                &mut self.adopted_keys,
                &name,
                &child,
            );
        }
    }

    /// Applies one `ALTER TABLE` subcommand to `table`.
    pub(super) fn alter_table_cmd(
        &mut self,
        table: &mut Table,
        cmd: &protobuf::AlterTableCmd,
        ctx: &Ctx<'_>,
    ) {
        let subtype = AlterTableType::try_from(cmd.subtype).unwrap_or(AlterTableType::Undefined);
        let def = cmd.def.as_deref().and_then(|n| n.node.as_ref());
        match (subtype, def) {
            (AlterTableType::AtAddColumn, Some(NodeEnum::ColumnDef(c))) => {
                if cmd.missing_ok && table.column(&c.colname).is_some() {
                    return;
                }
                let pending = self.add_column(table, c, ctx);
                for k in pending {
                    self.add_constraint(table, &k, Some(&c.colname), ctx);
                }
            }
            (AlterTableType::AtColumnDefault, def) => {
                let expr = cmd
                    .def
                    .as_deref()
                    .filter(|_| def.is_some())
                    .map(|n| Expr::new(n.clone()));
                self.with_column(table, &cmd.name, ctx, |col| col.default = expr);
            }
            (AlterTableType::AtSetNotNull, _) => {
                self.with_column(table, &cmd.name, ctx, |col| col.not_null = true);
            }
            (AlterTableType::AtDropNotNull, _) => {
                self.with_column(table, &cmd.name, ctx, |col| col.not_null = false);
            }
            (AlterTableType::AtAlterColumnType, Some(NodeEnum::ColumnDef(c))) => {
                if let Some(tn) = &c.type_name {
                    let ty = format_type_name(tn);
                    self.with_column(table, &cmd.name, ctx, |col| col.ty = ty);
                }
            }
            (AlterTableType::AtAddConstraint, Some(NodeEnum::Constraint(c))) => {
                self.add_constraint(table, c, None, ctx);
            }
            (AlterTableType::AtAddIndexConstraint, _) => {
                self.warn(ctx, "ADD CONSTRAINT … USING INDEX is not modelled");
            }
            (AlterTableType::AtValidateConstraint, _) => {
                if let Some(c) = table.constraints.get_mut(&cmd.name) {
                    c.not_valid = false;
                }
            }
            (AlterTableType::AtDropConstraint, _) => {
                table.constraints.remove(&cmd.name);
            }
            (AlterTableType::AtDropColumn, _) => table.columns.retain(|c| c.name != cmd.name),
            (AlterTableType::AtEnableRowSecurity, _) => {
                table.rls_enabled = true;
                table.rls_span.get_or_insert(ctx.span);
            }
            (AlterTableType::AtDisableRowSecurity, _) => table.rls_enabled = false,
            (AlterTableType::AtForceRowSecurity, _) => table.rls_forced = true,
            (AlterTableType::AtNoForceRowSecurity, _) => table.rls_forced = false,
            (AlterTableType::AtChangeOwner, _) => {
                table.meta.owner = cmd.newowner.as_ref().and_then(role_name)
            }
            (AlterTableType::AtSetRelOptions, Some(NodeEnum::List(l))) => {
                table.options.extend(reloptions(&l.items));
            }
            (AlterTableType::AtResetRelOptions, Some(NodeEnum::List(l))) => {
                for d in def_elems(&l.items) {
                    table.options.remove(&d.defname);
                }
            }
            (AlterTableType::AtAddIdentity, Some(NodeEnum::Constraint(k))) => {
                let always = k.generated_when == "a";
                self.with_column(table, &cmd.name, ctx, |col| {
                    col.identity = Some(Identity {
                        always,
                        options: Vec::new(),
                    });
                    col.not_null = true;
                });
            }
            (AlterTableType::AtDropIdentity, _) => {
                self.with_column(table, &cmd.name, ctx, |col| col.identity = None);
            }
            (AlterTableType::AtSetLogged, _) => table.unlogged = false,
            (AlterTableType::AtSetUnLogged, _) => table.unlogged = true,
            (AlterTableType::AtAttachPartition, Some(NodeEnum::PartitionCmd(cmd))) => {
                let (Some(child), Some(bound)) = (&cmd.name, &cmd.bound) else {
                    return;
                };
                let child = ctx.qualify(child);
                let bound = bound_text(bound);
                match self.table_mut(&child) {
                    Some(t) => t.partition_of = Some((table.name.clone(), bound)),
                    None => self.unknown(ctx, "table", &child),
                }
            }
            (other, _) => self.warn(
                ctx,
                format!(
                    "ALTER TABLE subcommand {} is not modelled",
                    alter_name(other)
                ),
            ),
        }
    }

    /// `ALTER TABLE/VIEW/SEQUENCE/INDEX …` on something that is not an own table.
    pub(super) fn alter_other_relation(
        &mut self,
        s: &protobuf::AlterTableStmt,
        name: &QualifiedName,
        ctx: &Ctx<'_>,
    ) {
        for cmd in s.cmds.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::AlterTableCmd(c)) => Some(c),
            _ => None,
        }) {
            let subtype =
                AlterTableType::try_from(cmd.subtype).unwrap_or(AlterTableType::Undefined);
            if subtype == AlterTableType::AtAttachPartition
                && ObjectType::try_from(s.objtype).ok() == Some(ObjectType::ObjectIndex)
            {
                self.attach_partition_index(name, cmd, ctx);
                continue;
            }
            let meta = self.meta_of_relation(name);
            let Some(meta) = meta else {
                if s.missing_ok {
                    return;
                }
                self.unknown(ctx, "relation", name);
                return;
            };
            match subtype {
                AlterTableType::AtChangeOwner => {
                    meta.owner = cmd.newowner.as_ref().and_then(role_name)
                }
                AlterTableType::AtSetRelOptions | AlterTableType::AtResetRelOptions => {
                    let reset = subtype == AlterTableType::AtResetRelOptions;
                    let items = match cmd.def.as_deref().and_then(|n| n.node.as_ref()) {
                        Some(NodeEnum::List(l)) => l.items.clone(),
                        _ => Vec::new(),
                    };
                    if let Some(view) = self.catalog.views.get_mut(name) {
                        if reset {
                            for d in def_elems(&items) {
                                view.options.remove(&d.defname);
                            }
                        } else {
                            view.options.extend(reloptions(&items));
                        }
                    }
                }
                AlterTableType::AtColumnDefault => {
                    self.warn(ctx, "a default on a view column is not modelled");
                }
                other => self.warn(
                    ctx,
                    format!(
                        "ALTER subcommand {} is not modelled here",
                        alter_name(other)
                    ),
                ),
            }
        }
    }

    /// `ALTER INDEX parent ATTACH PARTITION child`: the partition's index (or, when the parent
    /// is a PK/UNIQUE key, the key the index backs) becomes the parent's copy on that
    /// partition. PostgreSQL then treats it exactly like the copies it makes itself, which
    /// belong to the parent, so it leaves the partition's own objects.
    pub(super) fn attach_partition_index(
        &mut self,
        parent: &QualifiedName,
        cmd: &protobuf::AlterTableCmd,
        ctx: &Ctx<'_>,
    ) {
        let Some(NodeEnum::PartitionCmd(part)) = cmd.def.as_deref().and_then(|n| n.node.as_ref())
        else {
            return;
        };
        let Some(child) = &part.name else { return };
        let child = ctx.qualify(child);
        let backs_constraint = |t: &Table, name: &str| {
            t.constraints.get(name).is_some_and(|c| {
                matches!(
                    c.kind,
                    ConstraintKind::PrimaryKey { .. }
                        | ConstraintKind::Unique { .. }
                        | ConstraintKind::Exclude { .. }
                )
            })
        };
        let parent_is_constraint = self
            .catalog
            .tables
            .values()
            .any(|t| t.name.schema == parent.schema && backs_constraint(t, &parent.name));
        if !parent_is_constraint && !self.catalog.indexes.contains_key(parent) {
            self.unknown(ctx, "index", parent);
            return;
        }
        if self.catalog.indexes.remove(&child).is_some() {
            return;
        }
        // A partition's key attached to a plain index of the parent stays the partition's own
        // constraint (only its index is attached); attached to the parent's key, it becomes
        // the parent's copy.
        if !parent_is_constraint {
            return;
        }
        let owner = self
            .catalog
            .tables
            .values_mut()
            .find(|t| t.name.schema == child.schema && backs_constraint(t, &child.name));
        match owner {
            Some(t) => {
                t.constraints.remove(&child.name);
            }
            None => self.unknown(ctx, "index", &child),
        }
    }
}
