//! Row-level security and policies: [`Change::SetRowSecurity`],
//! [`Change::ForceRowSecurity`], [`Change::CreatePolicy`], [`Change::DropPolicy`],
//! [`Change::AlterPolicy`], [`Change::ReplacePolicy`]. Policies are dropped first of all and
//! created after RLS is set; whatever may widen what a role sees is `security-weakened`.

use std::fmt::{self, Write as _};

use crate::catalog::names::quote_ident;
use crate::catalog::{Catalog, Expr, QualifiedName};
use crate::ddl::{self, qualified};
use crate::diff::{Change, ObjectRef};
use crate::plan::explain::Explainer;
use crate::plan::hazard::{Hazard, HazardKind};
use crate::plan::sql::Statement;

use super::shared::{alter_table, foreign, role, tx};
use super::{Family, HazardInput, SqlInput};

/// What an `ALTER POLICY` changes, borrowed from [`Change::AlterPolicy`]: its SQL and its
/// hazards read the same parts.
struct Alteration<'a> {
    table: &'a QualifiedName,
    name: &'a str,
    roles: Option<&'a [String]>,
    using: Option<&'a Expr>,
    with_check: Option<&'a Expr>,
}

impl<'a> Alteration<'a> {
    /// The parts of `change`, when it is an [`Change::AlterPolicy`].
    fn of(change: &'a Change) -> Option<Self> {
        let Change::AlterPolicy {
            table,
            name,
            roles,
            using,
            with_check,
        } = change
        else {
            return None;
        };
        Some(Alteration {
            table,
            name,
            roles: roles.as_deref(),
            using: using.as_ref(),
            with_check: with_check.as_ref(),
        })
    }

    /// `ALTER POLICY name ON table [TO …] [USING (…)] [WITH CHECK (…)]`.
    fn sql(&self) -> Statement {
        let mut sql = format!(
            "ALTER POLICY {} ON {}",
            quote_ident(self.name),
            qualified(self.table)
        );
        if let Some(r) = self.roles {
            let r: Vec<String> = r.iter().map(|x| role(x)).collect();
            let _ = write!(sql, " TO {}", r.join(", "));
        }
        if let Some(u) = self.using {
            let _ = write!(sql, " USING ({})", u.sql());
        }
        if let Some(c) = self.with_check {
            let _ = write!(sql, " WITH CHECK ({})", c.sql());
        }
        tx(sql)
    }

    /// Roles added, USING or WITH CHECK not provably narrower than the current policy's.
    fn hazards(&self, current: &Catalog) -> Vec<Hazard> {
        let (table, name) = (self.table, self.name);
        let mut out = Vec::new();
        let old = current.policies.get(&(table.clone(), name.to_owned()));
        if let (Some(old), Some(roles)) = (old, self.roles) {
            out.extend(role_widening(table, name, &old.roles, roles));
        }
        if let Some(u) = self.using
            && !provably_narrower(old.and_then(|o| o.using.as_ref()), Some(u))
        {
            out.push(Hazard::new(
                HazardKind::SecurityWeakened,
                format!("USING of policy {name} on {table} changes to ({u}), which is not provably narrower"),
            ));
        }
        if let Some(c) = self.with_check
            && !provably_narrower(old.and_then(|o| o.with_check.as_ref()), Some(c))
        {
            out.push(Hazard::new(
                HazardKind::SecurityWeakened,
                format!("WITH CHECK of policy {name} on {table} changes to ({c}), which is not provably narrower"),
            ));
        }
        out
    }
}

/// `ALTER TABLE … [NO] FORCE|ENABLE|DISABLE ROW LEVEL SECURITY`, `CREATE|DROP|ALTER POLICY`.
pub(super) fn sql(change: &Change, _input: &SqlInput<'_>) -> Vec<Statement> {
    match change {
        Change::SetRowSecurity { table, enabled } => vec![tx(format!(
            "{} {} ROW LEVEL SECURITY;",
            alter_table(table),
            if *enabled { "ENABLE" } else { "DISABLE" }
        ))],
        Change::ForceRowSecurity { table, forced } => vec![tx(format!(
            "{} {} ROW LEVEL SECURITY;",
            alter_table(table),
            if *forced { "FORCE" } else { "NO FORCE" }
        ))],
        Change::CreatePolicy(p) => vec![tx(ddl::policy(p))],
        Change::DropPolicy { table, name } => vec![drop_policy(table, name)],
        Change::AlterPolicy { .. } => Alteration::of(change)
            .map(|a| vec![a.sql()])
            .unwrap_or_default(),
        Change::ReplacePolicy { from, to } => {
            vec![drop_policy(&from.table, &from.name), tx(ddl::policy(to))]
        }
        other => foreign(other, Family::Policies, Vec::new()),
    }
}

/// `DROP POLICY name ON table`.
fn drop_policy(table: &QualifiedName, name: &str) -> Statement {
    tx(format!(
        "DROP POLICY {} ON {};",
        quote_ident(name),
        qualified(table)
    ))
}

/// Whether `new` is provably at most as permissive as `old`: identical, or `old AND …`.
fn provably_narrower(old: Option<&Expr>, new: Option<&Expr>) -> bool {
    match (old, new) {
        (_, None) => old.is_none(),
        (None, Some(_)) => true,
        (Some(o), Some(n)) => {
            if o == n {
                return true;
            }
            let node = n.node();
            let Some(pg_query::NodeEnum::BoolExpr(b)) = node.node.as_ref() else {
                return false;
            };
            b.boolop == pg_query::protobuf::BoolExprType::AndExpr as i32
                && b.args
                    .iter()
                    .any(|a| crate::parse::deparse_expr(a).as_deref() == Some(o.sql()))
        }
    }
}

fn role_widening(
    table: &QualifiedName,
    name: &str,
    old: &[String],
    new: &[String],
) -> Option<Hazard> {
    let old_public = old.is_empty() || old.iter().any(|r| r.eq_ignore_ascii_case("public"));
    let added: Vec<&str> = new
        .iter()
        .filter(|r| !old.contains(r))
        .map(String::as_str)
        .collect();
    (!old_public && !added.is_empty()).then(|| {
        Hazard::new(
            HazardKind::SecurityWeakened,
            format!(
                "policy {name} on {table} now also applies to {}",
                added.join(", ")
            ),
        )
    })
}

/// `security-weakened` when RLS is disabled or unforced, a policy dropped, or one changed
/// to something not provably narrower.
pub(super) fn hazards(change: &Change, input: &HazardInput<'_>) -> Vec<Hazard> {
    let HazardInput { current, .. } = *input;
    use HazardKind as H;
    let mut out = Vec::new();
    match change {
        Change::SetRowSecurity {
            table,
            enabled: false,
        } => out.push(Hazard::new(
            H::SecurityWeakened,
            format!("row level security is disabled on {table}: its policies stop applying and every row is visible to anyone with table privileges"),
        )),
        Change::ForceRowSecurity {
            table,
            forced: false,
        } => out.push(Hazard::new(
            H::SecurityWeakened,
            format!("row level security is no longer forced on {table}: the table owner bypasses its policies"),
        )),
        Change::DropPolicy { table, name } => {
            let was = current
                .policies
                .get(&(table.clone(), name.clone()))
                .and_then(|p| p.using.as_ref())
                .map(|u| format!(" (it allowed rows where {u})"))
                .unwrap_or_default();
            out.push(Hazard::new(
                H::SecurityWeakened,
                format!("policy {name} on {table} is dropped{was}"),
            ));
        }
        Change::AlterPolicy { .. } => {
            out.extend(Alteration::of(change).map(|a| a.hazards(current)).unwrap_or_default());
        }
        Change::ReplacePolicy { from, to } => {
            let (table, name) = (&to.table, &to.name);
            let mut reasons = Vec::new();
            if from.command != to.command && from.command != "ALL" {
                reasons.push(format!("command {} → {}", from.command, to.command));
            }
            if !from.permissive && to.permissive {
                reasons.push("restrictive → permissive".to_owned());
            }
            if !provably_narrower(from.using.as_ref(), to.using.as_ref()) {
                reasons.push("USING not provably narrower".to_owned());
            }
            if !provably_narrower(from.with_check.as_ref(), to.with_check.as_ref()) {
                reasons.push("WITH CHECK not provably narrower".to_owned());
            }
            out.extend(role_widening(table, name, &from.roles, &to.roles));
            if !reasons.is_empty() {
                out.push(Hazard::new(
                    H::SecurityWeakened,
                    format!("policy {name} on {table} is dropped and created wider: {}", reasons.join("; ")),
                ));
            }
        }
        Change::SetRowSecurity { .. } | Change::ForceRowSecurity { .. } | Change::CreatePolicy(_) => {}
        other => return foreign(other, Family::Policies, Vec::new()),
    }
    out
}

/// RLS once its table exists, policies after it; drops first of all.
pub(super) fn reason(e: &Explainer<'_>, change: &Change) -> String {
    match change {
        Change::DropPolicy { table, name } => e.dropped_first(table, name),
        Change::SetRowSecurity { table, .. } | Change::ForceRowSecurity { table, .. } => {
            format!("row-level security once {table} exists and before its policies")
        }
        Change::CreatePolicy(p) | Change::ReplacePolicy { to: p, .. } => format!(
            "after row-level security is set on {} and every relation and function its expressions use exist",
            p.table
        ),
        Change::AlterPolicy { table, .. } => format!(
            "after row-level security is set on {table} and every relation and function its expressions use exist"
        ),
        other => foreign(other, Family::Policies, String::new()),
    }
}

/// Phase 0 (drop policies), 28 (RLS), 29 (policies).
pub(super) fn phase(change: &Change, _current: &Catalog, _desired: &Catalog) -> u8 {
    match change {
        Change::DropPolicy { .. } => 0,
        Change::SetRowSecurity { .. } | Change::ForceRowSecurity { .. } => 28,
        Change::CreatePolicy(_) | Change::AlterPolicy { .. } | Change::ReplacePolicy { .. } => 29,
        other => foreign(other, Family::Policies, 32),
    }
}

/// `enable row level security on table t`, `alter policy p on t: using (…)`, …
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::CreatePolicy(_) => write!(f, "create {obj}"),
        Change::DropPolicy { .. } => write!(f, "drop {obj}"),
        Change::SetRowSecurity { enabled, .. } => {
            let what = if *enabled { "enable" } else { "disable" };
            write!(f, "{what} row level security on {obj}")
        }
        Change::ForceRowSecurity { forced, .. } => {
            let what = if *forced { "force" } else { "no force" };
            write!(f, "{what} row level security on {obj}")
        }
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
        other => foreign(other, Family::Policies, Ok(())),
    }
}

/// `set-row-security`, `create-policy`, …
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::SetRowSecurity { .. } => "set-row-security",
        Change::ForceRowSecurity { .. } => "force-row-security",
        Change::CreatePolicy(_) => "create-policy",
        Change::DropPolicy { .. } => "drop-policy",
        Change::AlterPolicy { .. } => "alter-policy",
        Change::ReplacePolicy { .. } => "replace-policy",
        other => foreign(other, Family::Policies, "unsupported"),
    }
}

/// The table (RLS) or the policy.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::SetRowSecurity { table, .. } | Change::ForceRowSecurity { table, .. } => {
            ObjectRef::Table(table.clone())
        }
        Change::CreatePolicy(p) | Change::ReplacePolicy { to: p, .. } => {
            ObjectRef::Policy(p.table.clone(), p.name.clone())
        }
        Change::DropPolicy { table, name } | Change::AlterPolicy { table, name, .. } => {
            ObjectRef::Policy(table.clone(), name.clone())
        }
        other => foreign(other, Family::Policies, ObjectRef::Schema(String::new())),
    }
}
