//! `CREATE POLICY` and `ALTER POLICY`.

use pg_query::protobuf;

use super::Builder;
use super::context::Ctx;
use crate::catalog::{Expr, Policy};
use crate::parse::nodes::role_names;

impl Builder {
    /// `CREATE POLICY` on a declared table.
    pub(super) fn create_policy(&mut self, s: &protobuf::CreatePolicyStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.table else { return };
        let table = ctx.qualify(rv);
        if self.catalog.any_table(&table).is_none() {
            self.unknown(ctx, "table", &table);
            return;
        }
        let mut roles = role_names(&s.roles);
        if roles.is_empty() {
            roles.push("PUBLIC".to_owned());
        }
        let key = (table.clone(), s.policy_name.clone());
        if self.catalog.policies.contains_key(&key) {
            self.duplicate("policy", &format!("{} on {}", s.policy_name, table), ctx);
            return;
        }
        let policy = Policy {
            name: s.policy_name.clone(),
            table,
            permissive: s.permissive,
            command: if s.cmd_name.is_empty() {
                "ALL".to_owned()
            } else {
                s.cmd_name.to_uppercase()
            },
            roles,
            using: s.qual.as_deref().map(|n| Expr::new(n.clone())),
            with_check: s.with_check.as_deref().map(|n| Expr::new(n.clone())),
            search_path: ctx.search_path.clone(),
            meta: ctx.meta(),
        };
        self.catalog.policies.insert(key, policy);
    }

    /// `ALTER POLICY`: roles and expressions replaced.
    pub(super) fn alter_policy(&mut self, s: &protobuf::AlterPolicyStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.table else { return };
        let table = ctx.qualify(rv);
        let key = (table.clone(), s.policy_name.clone());
        let Some(p) = self.catalog.policies.get_mut(&key) else {
            self.unknown(ctx, "policy", &format!("{} on {}", s.policy_name, table));
            return;
        };
        let roles = role_names(&s.roles);
        if !roles.is_empty() {
            p.roles = roles;
        }
        if let Some(q) = s.qual.as_deref() {
            p.using = Some(Expr::new(q.clone()));
        }
        if let Some(q) = s.with_check.as_deref() {
            p.with_check = Some(Expr::new(q.clone()));
        }
    }
}
