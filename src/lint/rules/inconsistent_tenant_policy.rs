//! `inconsistent-tenant-policy`: tenant-isolation policies that are not all written one way.
//!
//! Each policy's `USING` and `WITH CHECK` trees are reduced to a [`Shape`]: which column is
//! compared with which setting, through which casts, `NULLIF`, `missing_ok`, subquery and
//! operator, for which command. Shapes are built from the parse trees, so whitespace, case and
//! parentheses never matter; the most common shape is the reference and every other policy is
//! reported with what differs.

use std::collections::BTreeMap;
use std::fmt;

use pg_query::NodeEnum;
use pg_query::protobuf::{AExprKind, Node, SubLinkType};

use crate::analyze::expr::{
    MissingOk, SettingOperand, children, column_name, operator_name, relations_read, setting_call,
    setting_operand, walk,
};
use crate::catalog::typename::format_type_name;
use crate::catalog::{Catalog, Policy, QualifiedName};
use crate::config::Level;
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "inconsistent-tenant-policy",
    default_level: Level::Error,
    summary: "a tenant-isolation policy written differently from the project's other tenant policies",
    docs: r#"## What it flags
A tenant-isolation policy whose shape differs from the shape most of the project's tenant
policies share. A policy is a tenant policy when it reads the tenant setting (`[tenant]
setting` in schema.toml, `app.current_tenant` by default) or compares the tenant column
(`[tenant] column`, `tenant_id`) with a `current_setting(…)`. Its shape is read from the parse
trees of `USING` and `WITH CHECK` (whitespace, case and parentheses never matter):

- the column compared, and the setting it is compared with;
- the casts: on the column side (`venue_id::text`) and on the setting side (`::uuid`);
- whether `missing_ok` is passed, and its value; whether `NULLIF(…, '')` or a scalar
  `(SELECT …)` wraps the setting;
- whether the comparison goes through a subquery, and on which tables; the operator;
- the command (`ALL`, `SELECT` …) and `PERMISSIVE`/`RESTRICTIVE`.

A policy without `WITH CHECK` is compared as PostgreSQL applies it: for `ALL` and `UPDATE`,
`USING` is also the check. When two shapes are equally common, the one whose first policy comes
first by table and name is the reference. The message says exactly how the policy differs, and
a label shows a policy of the reference shape.

## Why it matters
Tenant isolation is only as strong as its weakest policy, and a policy that differs is rarely
different on purpose. The seed's migrations wrote three shapes: thirteen tables compare
`tenant_id` with `current_setting('app.current_tenant')::uuid`, `venue_analytics` compares
`venue_id::text` with the setting read with `missing_ok = true` (a venue id checked against a
tenant id), and `event_analytics` looks the row's event up in another service's table.

## Example
```sql,expect_diagnostic
create table alerts (id uuid primary key, tenant_id uuid not null);
create table exports (id uuid primary key, tenant_id uuid not null);
create table venue_analytics (id uuid primary key, venue_id uuid not null);
create policy tenant_isolation on alerts
    using (tenant_id = current_setting('app.current_tenant')::uuid);
create policy tenant_isolation on exports
    using (tenant_id = current_setting('app.current_tenant')::uuid);
create policy tenant_isolation on venue_analytics
    using (venue_id::text = current_setting('app.current_tenant', true));
```

Layout, case and parentheses do not make a different shape:
```sql
create table alerts (id uuid primary key, tenant_id uuid not null);
create table exports (id uuid primary key, tenant_id uuid not null);
create policy tenant_isolation on alerts
    using (tenant_id = current_setting('app.current_tenant')::uuid);
create policy tenant_isolation on exports
    USING ((TENANT_ID) = (Current_Setting('app.current_tenant'))::UUID);
```
"#,
    check,
};

/// One side of a comparison, as far as the shape cares.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Operand {
    /// A column, by its last name part.
    Column(String),
    /// Any other expression, deparsed.
    Expr(String),
    /// No operand (`EXISTS`).
    Nothing,
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Column(c) => f.write_str(c),
            Operand::Expr(e) => write!(f, "({e})"),
            Operand::Nothing => f.write_str("no column"),
        }
    }
}

/// The subquery a comparison goes through.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Subquery {
    /// Relations it reads.
    tables: Vec<QualifiedName>,
    /// The operand compared with the setting inside it.
    column: Operand,
}

/// A comparison of something with a `current_setting(…)`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Comparison {
    /// The compared column (for a subquery: the outer operand, `event_id IN (…)`).
    column: Operand,
    /// `=`, `IN`, `= ANY`, `EXISTS` …
    operator: String,
    /// The subquery in between, if any.
    subquery: Option<Subquery>,
    /// Cast on the side compared with the setting.
    column_cast: Option<String>,
    /// Setting name, when constant.
    setting: Option<String>,
    /// Cast of the setting.
    setting_cast: Option<String>,
    missing_ok: MissingOk,
    nullif: bool,
    scalar_select: bool,
}

/// Everything two tenant policies must agree on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Shape {
    command: String,
    permissive: bool,
    using: Vec<Comparison>,
    check: Vec<Comparison>,
}

fn check(ctx: &mut LintContext<'_>) {
    let c = ctx.catalog;
    let tenant_setting = ctx.tenant_setting().to_lowercase();
    let tenant_column = ctx.tenant_column().to_owned();
    let mut groups: BTreeMap<Shape, Vec<&Policy>> = BTreeMap::new();
    let mut total = 0;
    for p in c.policies.values() {
        if !c.tables.contains_key(&p.table) {
            continue; // a policy on another service's table is that service's business
        }
        if let Some(shape) = shape_of(c, p, &tenant_setting, &tenant_column) {
            groups.entry(shape).or_default().push(p);
            total += 1;
        }
    }
    if groups.len() < 2 {
        return;
    }
    let first_key = |ps: &[&Policy]| (ps[0].table.clone(), ps[0].name.clone());
    let (reference, members) = groups
        .iter()
        .max_by(|(_, a), (_, b)| {
            a.len()
                .cmp(&b.len())
                .then_with(|| first_key(b).cmp(&first_key(a)))
        })
        .expect("two or more shapes");
    let strict = groups
        .iter()
        .all(|(s, ps)| s == reference || ps.len() < members.len());
    let who = if strict {
        "the majority"
    } else {
        "the reference shape"
    };
    let example = members[0];
    let example_sql = example
        .using
        .as_ref()
        .map(|e| format!("USING ({})", e.sql()))
        .or_else(|| {
            example
                .with_check
                .as_ref()
                .map(|e| format!("WITH CHECK ({})", e.sql()))
        })
        .unwrap_or_default();
    let label = if strict {
        format!(
            "the majority shape ({} of {total} tenant policies), as in this policy",
            members.len()
        )
    } else {
        format!(
            "the reference shape (no majority: {} of {total} tenant policies; first by table and name), as in this policy",
            members.len()
        )
    };
    for (shape, policies) in &groups {
        if shape == reference {
            continue;
        }
        let clauses = describe(shape, reference, who);
        let text = if clauses.is_empty() {
            format!("differs from {who} in its tenant comparisons")
        } else {
            join(&clauses)
        };
        for p in policies {
            let mut help = format!(
                "write every tenant policy one way; {} {example_sql}",
                if strict {
                    "the majority writes"
                } else {
                    "the reference writes"
                }
            );
            if let (Some(mine), Some(theirs)) = (shape.using.first(), reference.using.first()) {
                if let (Operand::Column(col), Operand::Column(want)) =
                    (&mine.column, &theirs.column)
                {
                    let lacks = c
                        .tables
                        .get(&p.table)
                        .is_some_and(|t| t.column(want).is_none());
                    if col != want && lacks {
                        help.push_str(&format!(
                            "; {} has no {want} column: add one rather than isolating on {col}",
                            p.table
                        ));
                    }
                }
            }
            ctx.report(
                p.meta.span,
                format!("policy {} on {} {text}", p.name, p.table),
            )
            .label(example.meta.span, label.clone())
            .object(&p.table)
            .help(help);
        }
    }
}

/// The policy's shape, when it is a tenant policy.
fn shape_of(c: &Catalog, p: &Policy, tenant_setting: &str, tenant_column: &str) -> Option<Shape> {
    let cx = Cx {
        catalog: c,
        policy: p,
    };
    let relevant = |cmp: &Comparison| {
        cmp.setting.as_deref() == Some(tenant_setting)
            || cmp.column == Operand::Column(tenant_column.to_owned())
    };
    let read = |e: Option<&crate::catalog::Expr>| -> Vec<Comparison> {
        let mut out = Vec::new();
        if let Some(e) = e {
            comparisons(e.node(), &cx, &mut out);
        }
        out.retain(|cmp| relevant(cmp));
        out.sort();
        out
    };
    let check_expr = p.with_check.as_ref().or_else(|| {
        matches!(p.command.as_str(), "ALL" | "UPDATE")
            .then_some(p.using.as_ref())
            .flatten()
    });
    let using = read(p.using.as_ref());
    let check = read(check_expr);
    let reads_setting = p.using.iter().chain(&p.with_check).any(|e| {
        let mut found = false;
        walk(e.node(), &mut |n| {
            found |= setting_call(n).is_some_and(|s| s.name.as_deref() == Some(tenant_setting));
            !found
        });
        found
    });
    if using.is_empty() && check.is_empty() && !reads_setting {
        return None;
    }
    Some(Shape {
        command: p.command.clone(),
        permissive: p.permissive,
        using,
        check,
    })
}

struct Cx<'a> {
    catalog: &'a Catalog,
    policy: &'a Policy,
}

/// Every comparison with a `current_setting(…)` in `node`, outermost first.
fn comparisons(node: &Node, cx: &Cx<'_>, out: &mut Vec<Comparison>) {
    match node.node.as_ref() {
        Some(NodeEnum::AExpr(e)) if is_comparison(e.kind) => {
            let op = aexpr_operator(e);
            let (l, r) = (e.lexpr.as_deref(), e.rexpr.as_deref());
            match (l.and_then(setting_operand), r.and_then(setting_operand)) {
                (None, Some(s)) => return out.push(direct(l, op, &s)),
                (Some(s), None) => return out.push(direct(r, commute(&op), &s)),
                _ => {}
            }
            for (side, other, op) in [(r, l, op.clone()), (l, r, commute(&op))] {
                if let Some(NodeEnum::SubLink(s)) = side.and_then(|n| n.node.as_ref()) {
                    let before = out.len();
                    through_subquery(s, other, op, cx, out);
                    if out.len() > before {
                        return;
                    }
                }
            }
            children_comparisons(node, cx, out);
        }
        Some(NodeEnum::SubLink(s)) => {
            let before = out.len();
            through_subquery(s, s.testexpr.as_deref(), sublink_operator(s), cx, out);
            if out.len() == before {
                if let Some(t) = s.testexpr.as_deref() {
                    comparisons(t, cx, out);
                }
            }
        }
        Some(_) => children_comparisons(node, cx, out),
        None => {}
    }
}

fn children_comparisons(node: &Node, cx: &Cx<'_>, out: &mut Vec<Comparison>) {
    if let Some(n) = node.node.as_ref() {
        for child in children(n) {
            comparisons(child, cx, out);
        }
    }
}

/// The comparisons inside a subquery, seen from outside: `outer op (SELECT … WHERE inner)`.
fn through_subquery(
    s: &pg_query::protobuf::SubLink,
    outer: Option<&Node>,
    operator: String,
    cx: &Cx<'_>,
    out: &mut Vec<Comparison>,
) {
    let Some(sub) = s.subselect.as_deref() else {
        return;
    };
    let mut inner = Vec::new();
    comparisons(sub, cx, &mut inner);
    if inner.is_empty() {
        return;
    }
    let mut tables: Vec<QualifiedName> = relations_read(sub)
        .into_iter()
        .map(|(schema, name)| resolve(cx, &schema, &name))
        .collect();
    let column = match outer {
        Some(n) => match operand(n) {
            (col, None) => col,
            (_, Some(_)) => Operand::Expr(crate::parse::deparse_expr(n).unwrap_or_default()),
        },
        None => Operand::Nothing,
    };
    for c in inner {
        let inner_column = match c.subquery {
            Some(nested) => {
                for t in nested.tables {
                    if !tables.contains(&t) {
                        tables.push(t);
                    }
                }
                nested.column
            }
            None => c.column,
        };
        out.push(Comparison {
            column: column.clone(),
            operator: operator.clone(),
            subquery: Some(Subquery {
                tables: tables.clone(),
                column: inner_column,
            }),
            ..c
        });
    }
}

fn resolve(cx: &Cx<'_>, schema: &str, name: &str) -> QualifiedName {
    cx.catalog
        .resolve_relation(Some(schema), name, &cx.policy.search_path)
        .unwrap_or_else(|| {
            let schema = if schema.is_empty() {
                cx.policy
                    .search_path
                    .first()
                    .map_or("public", String::as_str)
            } else {
                schema
            };
            QualifiedName::new(schema, name)
        })
}

fn direct(other: Option<&Node>, operator: String, s: &SettingOperand<'_>) -> Comparison {
    let (column, column_cast) = other.map_or((Operand::Nothing, None), operand);
    Comparison {
        column,
        operator,
        subquery: None,
        column_cast,
        setting: s.call.name.clone(),
        setting_cast: s.cast.clone(),
        missing_ok: s.call.missing_ok.clone(),
        nullif: s.nullif,
        scalar_select: s.scalar_select,
    }
}

/// The operand under its outermost cast, and that cast.
fn operand(node: &Node) -> (Operand, Option<String>) {
    let mut cast = None;
    let mut current = node;
    loop {
        match current.node.as_ref() {
            Some(NodeEnum::TypeCast(t)) if t.arg.is_some() => {
                if cast.is_none() {
                    cast = t.type_name.as_ref().map(format_type_name);
                }
                current = t.arg.as_deref().unwrap_or(current);
            }
            Some(NodeEnum::CollateClause(c)) if c.arg.is_some() => {
                current = c.arg.as_deref().unwrap_or(current);
            }
            _ => break,
        }
    }
    let operand = match column_name(current) {
        Some(c) => Operand::Column(c.to_owned()),
        None => Operand::Expr(crate::parse::deparse_expr(current).unwrap_or_default()),
    };
    (operand, cast)
}

fn is_comparison(kind: i32) -> bool {
    [
        AExprKind::AexprOp,
        AExprKind::AexprOpAny,
        AExprKind::AexprOpAll,
        AExprKind::AexprDistinct,
        AExprKind::AexprNotDistinct,
    ]
    .iter()
    .any(|k| *k as i32 == kind)
}

fn aexpr_operator(e: &pg_query::protobuf::AExpr) -> String {
    let op = operator_name(e);
    match AExprKind::try_from(e.kind) {
        Ok(AExprKind::AexprOpAny) => format!("{op} ANY"),
        Ok(AExprKind::AexprOpAll) => format!("{op} ALL"),
        Ok(AExprKind::AexprDistinct) => "IS DISTINCT FROM".to_owned(),
        Ok(AExprKind::AexprNotDistinct) => "IS NOT DISTINCT FROM".to_owned(),
        _ => op,
    }
}

fn sublink_operator(s: &pg_query::protobuf::SubLink) -> String {
    let op = s
        .oper_name
        .last()
        .and_then(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .unwrap_or_default();
    match SubLinkType::try_from(s.sub_link_type) {
        Ok(SubLinkType::ExistsSublink) => "EXISTS".to_owned(),
        Ok(SubLinkType::AnySublink) if op.is_empty() => "IN".to_owned(),
        Ok(SubLinkType::AnySublink) => format!("{op} ANY"),
        Ok(SubLinkType::AllSublink) => format!("{op} ALL"),
        _ => "a scalar subquery".to_owned(),
    }
}

/// The operator with its operands swapped (`a < b` is `b > a`).
fn commute(op: &str) -> String {
    match op {
        "<" => ">".to_owned(),
        ">" => "<".to_owned(),
        "<=" => ">=".to_owned(),
        ">=" => "<=".to_owned(),
        other => other.to_owned(),
    }
}

/// How `t` differs from the reference `m`, as clauses of one sentence.
fn describe(t: &Shape, m: &Shape, who: &str) -> Vec<String> {
    let mut out = Vec::new();
    if t.command != m.command {
        out.push(format!("applies to {} ({who} to {})", t.command, m.command));
    }
    if t.permissive != m.permissive {
        let kind = |p: bool| if p { "PERMISSIVE" } else { "RESTRICTIVE" };
        out.push(format!(
            "is {} ({who} is {})",
            kind(t.permissive),
            kind(m.permissive)
        ));
    }
    let using = describe_list(&t.using, &m.using, who);
    let check = if t.check.is_empty() || m.check.is_empty() {
        Vec::new()
    } else {
        describe_list(&t.check, &m.check, who)
    };
    if check.is_empty() || check == using {
        out.extend(using);
    } else if using.is_empty() {
        out.push(format!("differs in WITH CHECK, where it {}", join(&check)));
    } else {
        out.push(format!("differs in USING, where it {}", join(&using)));
        out.push(format!("in WITH CHECK, where it {}", join(&check)));
    }
    out
}

fn describe_list(t: &[Comparison], m: &[Comparison], who: &str) -> Vec<String> {
    match (t.first(), m.first()) {
        (None, None) => Vec::new(),
        (None, Some(b)) => vec![format!(
            "compares no column with the setting directly ({who} compares {})",
            b.column
        )],
        (Some(a), None) => vec![format!(
            "compares {} with the setting ({who} compares no column with it directly)",
            a.column
        )],
        (Some(a), Some(b)) => {
            let mut out = describe_comparison(a, b, who);
            if t.len() != m.len() {
                out.push(format!(
                    "makes {} tenant comparisons ({who} makes {})",
                    t.len(),
                    m.len()
                ));
            } else if out.is_empty() && t != m {
                out.push(format!("differs from {who} in a later tenant comparison"));
            }
            out
        }
    }
}

fn describe_comparison(a: &Comparison, b: &Comparison, who: &str) -> Vec<String> {
    let mut out = Vec::new();
    let tables = |s: &Subquery| {
        s.tables
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let mut column_clause =
        (a.column != b.column).then(|| format!("compares {} (not {})", a.column, b.column));
    match (&a.subquery, &b.subquery) {
        (Some(s), None) => {
            let via = format!("through a per-row subquery on {}", tables(s));
            match &mut column_clause {
                Some(clause) => {
                    clause.push(' ');
                    clause.push_str(&via);
                }
                None => {
                    column_clause = Some(format!(
                        "compares {} {via} ({who} compares it directly)",
                        a.column
                    ))
                }
            }
        }
        (None, Some(s)) => {
            out.extend(column_clause.take());
            out.push(format!(
                "compares directly ({who} goes through a subquery on {})",
                tables(s)
            ));
        }
        (Some(x), Some(y)) if x.tables != y.tables => {
            out.extend(column_clause.take());
            out.push(format!(
                "reads {} in its subquery ({who} reads {})",
                tables(x),
                tables(y)
            ));
        }
        _ => {
            if a.operator != b.operator {
                out.extend(column_clause.take());
                out.push(format!("uses {} ({who} uses {})", a.operator, b.operator));
            }
        }
    }
    if let Some(clause) = column_clause {
        out.insert(0, clause);
    }
    if a.setting != b.setting {
        let mine = a.setting.as_deref().map_or_else(
            || "a computed setting name".to_owned(),
            |s| format!("setting {s}"),
        );
        let theirs = b.setting.as_deref().unwrap_or("a computed one");
        out.push(format!("reads {mine} (not {theirs})"));
    }
    out.extend(describe_casts(a, b, who));
    if a.missing_ok != b.missing_ok {
        out.push(match a.missing_ok {
            MissingOk::Absent => format!("passes no missing_ok ({who} passes {})", b.missing_ok),
            _ => format!(
                "passes missing_ok = {} ({who} passes {})",
                a.missing_ok, b.missing_ok
            ),
        });
    }
    if a.nullif != b.nullif {
        out.push(if a.nullif {
            format!("wraps the setting in NULLIF(…, '') ({who} does not)")
        } else {
            format!("does not wrap the setting in NULLIF(…, '') ({who} does)")
        });
    }
    if a.scalar_select != b.scalar_select {
        out.push(if a.scalar_select {
            format!("wraps the setting in a scalar (SELECT …) ({who} does not)")
        } else {
            format!("does not wrap the setting in a scalar (SELECT …) ({who} does)")
        });
    }
    out
}

fn describe_casts(a: &Comparison, b: &Comparison, who: &str) -> Vec<String> {
    let subject = |c: &Comparison| match &c.subquery {
        Some(s) => format!("{} in the subquery", s.column),
        None => "the column".to_owned(),
    };
    let (mine, theirs) = (subject(a), subject(b));
    match (
        &a.column_cast,
        &a.setting_cast,
        &b.column_cast,
        &b.setting_cast,
    ) {
        (x, y, p, q) if x == p && y == q => Vec::new(),
        (Some(x), None, None, Some(q)) => {
            vec![format!("casts {mine} to {x} instead of the setting to {q}")]
        }
        (None, Some(y), Some(p), None) => {
            vec![format!(
                "casts the setting to {y} instead of {theirs} to {p}"
            )]
        }
        (x, y, p, q) => {
            let mut out = Vec::new();
            if x != p {
                out.push(cast_clause(&mine, x.as_deref(), p.as_deref(), who));
            }
            if y != q {
                out.push(cast_clause("the setting", y.as_deref(), q.as_deref(), who));
            }
            out
        }
    }
}

fn cast_clause(subject: &str, mine: Option<&str>, theirs: Option<&str>, who: &str) -> String {
    match (mine, theirs) {
        (Some(x), None) => format!("casts {subject} to {x} ({who} does not cast it)"),
        (None, Some(y)) => format!("does not cast {subject} ({who} casts it to {y})"),
        (Some(x), Some(y)) => format!("casts {subject} to {x} ({who} to {y})"),
        (None, None) => String::new(),
    }
}

/// `a`, `a and b`, `a, b, and c`.
fn join(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{
        assert_doc_examples, lint_ok, lint_one_rule, lint_one_rule_with,
    };

    const RULE: &str = "inconsistent-tenant-policy";

    const TABLES: &str = "
create table a (id uuid primary key, tenant_id uuid not null);
create table b (id uuid primary key, tenant_id uuid not null);
create table c (id uuid primary key, tenant_id uuid not null);
create table venue_analytics (id uuid primary key, venue_id uuid not null);
create table event_analytics (id uuid primary key, event_id uuid not null);
";

    const SEED: &str = "
create policy tenant_isolation_policy on a using (tenant_id = current_setting('app.current_tenant')::uuid);
create policy tenant_isolation_policy on b using (tenant_id = current_setting('app.current_tenant')::uuid);
create policy tenant_isolation_policy on c using (tenant_id = current_setting('app.current_tenant')::uuid);
";

    fn messages(sql: &str) -> Vec<String> {
        lint_one_rule_with(
            sql,
            &[(
                "event-service",
                "create table public.events (id uuid primary key, venue_id uuid);",
            )],
            RULE,
        )
        .into_iter()
        .map(|d| d.message)
        .collect()
    }

    #[test]
    fn doc_examples_hold() {
        assert_eq!(assert_doc_examples(RULE), 2);
    }

    #[test]
    fn seed_venue_analytics_err() {
        let found = lint_one_rule(
            &format!(
                "{TABLES}{SEED}create policy tenant_isolation_policy on venue_analytics
                   using (venue_id::text = current_setting('app.current_tenant', true));"
            ),
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "policy tenant_isolation_policy on public.venue_analytics compares venue_id (not tenant_id), \
             casts the column to text instead of the setting to uuid, and passes missing_ok = true \
             (the majority passes none)"
        );
        assert_eq!(
            found[0].labels[0].message,
            "the majority shape (3 of 4 tenant policies), as in this policy"
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "write every tenant policy one way; the majority writes USING (tenant_id = current_setting('app.current_tenant')::uuid); \
                 public.venue_analytics has no tenant_id column: add one rather than isolating on venue_id"
            )
        );
    }

    #[test]
    fn seed_event_analytics_subquery_err() {
        let found = messages(&format!(
            "{TABLES}{SEED}create policy tenant_isolation_policy on event_analytics using (
                 event_id in (select id from events where venue_id::text = current_setting('app.current_tenant', true)));"
        ));
        assert_eq!(
            found,
            [
                "policy tenant_isolation_policy on public.event_analytics compares event_id (not tenant_id) \
              through a per-row subquery on public.events, casts venue_id in the subquery to text instead \
              of the setting to uuid, and passes missing_ok = true (the majority passes none)"
            ]
        );
    }

    #[test]
    fn whitespace_case_parentheses_and_cast_syntax_ok() {
        lint_ok(
            &format!(
                "{TABLES}
create policy p on a using (tenant_id = current_setting('app.current_tenant')::uuid);
create policy p on b USING ( ( TENANT_ID ) = ( Current_Setting ( 'App.Current_Tenant' ) ) :: UUID );
create policy p on c using (cast(pg_catalog.current_setting('app.current_tenant') as pg_catalog.uuid) = tenant_id);"
            ),
            RULE,
        );
    }

    #[test]
    fn explicit_with_check_equal_to_using_is_the_same_shape_ok() {
        lint_ok(
            &format!(
                "{TABLES}
create policy p on a using (tenant_id = current_setting('app.current_tenant')::uuid);
create policy p on b for all using (tenant_id = current_setting('app.current_tenant')::uuid)
    with check (tenant_id = current_setting('app.current_tenant')::uuid);"
            ),
            RULE,
        );
    }

    #[test]
    fn nullif_command_and_restrictive_differences_err() {
        let found = messages(&format!(
            "{TABLES}{SEED}
create policy n on venue_analytics using (venue_id = nullif(current_setting('app.current_tenant'), '')::uuid);
create policy s on a as restrictive for select using (tenant_id = current_setting('app.current_tenant')::uuid);
create policy w on b using (tenant_id = current_setting('app.current_tenant')::uuid)
    with check (tenant_id = current_setting('app.current_tenant', true)::uuid);"
        ));
        assert_eq!(
            found,
            [
                "policy n on public.venue_analytics compares venue_id (not tenant_id) and wraps the setting in NULLIF(…, '') (the majority does not)",
                "policy s on public.a applies to SELECT (the majority to ALL) and is RESTRICTIVE (the majority is PERMISSIVE)",
                "policy w on public.b differs in WITH CHECK, where it passes missing_ok = true (the majority passes none)",
            ]
        );
    }

    #[test]
    fn other_setting_and_cast_changes_err() {
        let found = messages(&format!(
            "{TABLES}{SEED}
create policy x on c using (tenant_id::uuid = current_setting('app.tenant')::text);"
        ));
        assert_eq!(
            found,
            [
                "policy x on public.c reads setting app.tenant (not app.current_tenant), casts the column \
              to uuid (the majority does not cast it), and casts the setting to text (the majority to uuid)"
            ]
        );
    }

    #[test]
    fn tie_is_broken_by_name_err() {
        let found = lint_one_rule(
            &format!(
                "{TABLES}
create policy p on b using (tenant_id = current_setting('app.current_tenant', true)::uuid);
create policy p on a using (tenant_id = current_setting('app.current_tenant')::uuid);"
            ),
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "policy p on public.b passes missing_ok = true (the reference shape passes none)"
        );
        assert!(
            found[0].labels[0]
                .message
                .starts_with("the reference shape (no majority")
        );
    }

    #[test]
    fn non_tenant_policies_are_ignored_ok() {
        lint_ok(
            &format!(
                "{TABLES}{SEED}
create policy own_rows on venue_analytics using (current_user = 'analytics');
create policy role on event_analytics using (current_setting('app.role', true) = 'admin');"
            ),
            RULE,
        );
    }
}
