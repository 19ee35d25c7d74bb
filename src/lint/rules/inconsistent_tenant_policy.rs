//! `inconsistent-tenant-policy`: tenant-isolation policies that are not all written one way.
//!
//! Each policy's `USING` and `WITH CHECK` trees are reduced to a shape (`TenantPolicy`, made
//! of `Comparison`s between `Operand`s): which column is compared with which setting, through
//! which casts, `NULLIF`, `missing_ok`, subquery and operator, for which command. Shapes are built from the parse trees, so whitespace, case and
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
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "inconsistent-tenant-policy",
    default_level: Level::Error,
    summary: "a tenant-isolation policy written differently from the project's other tenant policies",
    docs: r#"## What it flags
Tenant-isolation policies that are not all written one way. A policy is a tenant policy when
it reads the tenant setting (`[tenant] setting` in schema.toml, `app.current_tenant` by
default) or compares the tenant column (`[tenant] column`, `tenant_id`) with a
`current_setting(…)`. Two things are compared across the project, each against its most
common form:

1. **The expression.** Each clause PostgreSQL applies (`USING`, and `WITH CHECK` as applied:
   `USING` again when a `FOR ALL` or `FOR UPDATE` policy has none) is reduced to its tenant
   comparisons, read from the parse tree, so whitespace, case, parentheses and `CAST(…)`
   versus `::` never matter: the column compared and the setting it is compared with; the
   cast on each side (`venue_id::text`, `::uuid`); whether `missing_ok` is passed and its
   value; whether `NULLIF(…, '')` or a scalar `(SELECT …)` wraps the setting; the subquery
   the comparison goes through and the tables it reads; the operator. A policy with a clause
   unlike the most common one is reported with exactly what differs, and whether it is in
   `USING` or `WITH CHECK`.
2. **The commands.** Each table's tenant policies as a set of commands and
   `PERMISSIVE`/`RESTRICTIVE`, so that one policy `FOR ALL` per table and four per-command
   policies per table are both consistent styles, while a table whose tenant policy is
   `FOR SELECT` only, or `RESTRICTIVE` where the others are `PERMISSIVE`, is reported.

When two forms are equally common, the one that comes first by table and policy name is the
reference, and the message says "the reference shape" instead of "the majority". A label
shows a policy of the reference form.

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
    options: &[],
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

/// A tenant policy as the rule sees it: the tenant comparisons of each clause PostgreSQL
/// applies for its command.
struct TenantPolicy<'a> {
    policy: &'a Policy,
    /// `USING`, for commands that filter existing rows (`ALL`, `SELECT`, `UPDATE`, `DELETE`).
    using: Option<Vec<Comparison>>,
    /// `WITH CHECK` as applied (`USING` when absent, for `ALL` and `UPDATE`), for commands that
    /// check new rows (`ALL`, `INSERT`, `UPDATE`).
    check: Option<Vec<Comparison>>,
}

/// The most common key among votes, each vote cast by a policy.
struct Majority<'a, K> {
    key: K,
    /// Votes for `key`, and all votes.
    count: usize,
    total: usize,
    /// `key` has more votes than any other (else it won a tie by coming first).
    strict: bool,
    /// The first policy that voted for `key`.
    example: &'a Policy,
    /// Number of different keys.
    distinct: usize,
}

impl<K> Majority<'_, K> {
    fn who(&self) -> &'static str {
        if self.strict {
            "the majority"
        } else {
            "the reference shape"
        }
    }
}

/// Counts votes; ties go to the key voted for first.
fn majority<'a, K: Ord + Clone>(
    votes: impl Iterator<Item = (K, &'a Policy)>,
) -> Option<Majority<'a, K>> {
    let mut tally: BTreeMap<K, (usize, usize, &'a Policy)> = BTreeMap::new();
    let mut total = 0;
    for (i, (key, policy)) in votes.enumerate() {
        tally.entry(key).or_insert((0, i, policy)).0 += 1;
        total += 1;
    }
    let (key, &(count, _, example)) = tally
        .iter()
        .max_by(|(_, a), (_, b)| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))?;
    let strict = tally.values().filter(|v| v.0 == count).count() == 1;
    Some(Majority {
        key: key.clone(),
        count,
        total,
        strict,
        example,
        distinct: tally.len(),
    })
}

fn check(ctx: &mut LintContext<'_>) {
    let c = ctx.catalog;
    let tenant_setting = ctx.tenant_setting().to_lowercase();
    let tenant_column = ctx.tenant_column().to_owned();
    let policies: Vec<TenantPolicy<'_>> = c
        .policies
        .values()
        // A policy on another service's table is that service's business.
        .filter(|p| c.tables.contains_key(&p.table))
        .filter_map(|p| tenant_policy(c, p, &tenant_setting, &tenant_column))
        .collect();
    if policies.len() < 2 {
        return;
    }
    check_expressions(ctx, &policies);
    check_commands(ctx, &policies);
}

/// Every `USING` and applied `WITH CHECK` votes for its comparisons; a policy with a clause
/// that differs from the most common one is reported.
fn check_expressions(ctx: &mut LintContext<'_>, policies: &[TenantPolicy<'_>]) {
    let votes = policies.iter().flat_map(|t| {
        t.using
            .iter()
            .chain(&t.check)
            .map(move |clause| (clause.clone(), t.policy))
    });
    let Some(m) = majority(votes) else { return };
    if m.distinct < 2 {
        return;
    }
    let who = m.who();
    let matches = |t: &TenantPolicy<'_>| t.using.iter().chain(&t.check).all(|c| *c == m.key);
    let agreeing = policies.iter().filter(|t| matches(t)).count();
    let label = if m.strict {
        format!(
            "the majority shape ({agreeing} of {} tenant policies), as in this policy",
            policies.len()
        )
    } else {
        format!(
            "the reference shape (no majority: {agreeing} of {} tenant policies; first by table and name), as in this policy",
            policies.len()
        )
    };
    let example_sql = m
        .example
        .using
        .as_ref()
        .map(|e| format!("USING ({})", e.sql()))
        .or_else(|| {
            m.example
                .with_check
                .as_ref()
                .map(|e| format!("WITH CHECK ({})", e.sql()))
        })
        .unwrap_or_default();
    for t in policies {
        let using = t.using.as_ref().filter(|c| **c != m.key);
        let check = t.check.as_ref().filter(|c| **c != m.key);
        let clauses = match (using, check) {
            (None, None) => continue,
            (Some(u), Some(k)) if u == k => describe_list(u, &m.key, who),
            (Some(only), None) if t.check.is_none() => describe_list(only, &m.key, who),
            (None, Some(only)) if t.using.is_none() => describe_list(only, &m.key, who),
            (Some(u), None) => vec![format!(
                "differs in USING, where it {}",
                join(&describe_list(u, &m.key, who))
            )],
            (None, Some(k)) => vec![format!(
                "differs in WITH CHECK, where it {}",
                join(&describe_list(k, &m.key, who))
            )],
            (Some(u), Some(k)) => vec![
                format!(
                    "differs in USING, where it {}",
                    join(&describe_list(u, &m.key, who))
                ),
                format!(
                    "in WITH CHECK, where it {}",
                    join(&describe_list(k, &m.key, who))
                ),
            ],
        };
        let text = if clauses.is_empty() {
            format!("differs from {who} in its tenant comparisons")
        } else {
            join(&clauses)
        };
        let p = t.policy;
        let mut help = format!(
            "write every tenant policy one way; {} writes {example_sql}",
            if m.strict {
                "the majority"
            } else {
                "the reference"
            }
        );
        let mine = t.using.iter().chain(&t.check).find(|c| **c != m.key);
        if let Some((col, want)) =
            mine.and_then(|mine| missing_tenant_column(ctx.catalog, p, mine, &m.key))
        {
            help.push_str(&format!(
                "; {} has no {want} column: add one rather than isolating on {col}",
                p.table
            ));
        }
        ctx.report(
            p.meta.span,
            format!("policy {} on {} {text}", p.name, p.table),
        )
        .label(m.example.meta.span, label.clone())
        .object(&p.table)
        .help(help);
    }
}

/// The commands (and `PERMISSIVE`/`RESTRICTIVE`) of each table's tenant policies are compared
/// as a whole, so one policy `FOR ALL` per table and four per-command policies per table are
/// both consistent styles.
fn check_commands(ctx: &mut LintContext<'_>, policies: &[TenantPolicy<'_>]) {
    let mut tables: BTreeMap<&QualifiedName, Vec<&Policy>> = BTreeMap::new();
    for t in policies {
        tables.entry(&t.policy.table).or_default().push(t.policy);
    }
    let signature = |ps: &[&Policy]| {
        let mut sig: Vec<(String, bool)> = ps
            .iter()
            .map(|p| (p.command.clone(), p.permissive))
            .collect();
        sig.sort();
        sig
    };
    let Some(m) = majority(tables.values().map(|ps| (signature(ps), ps[0]))) else {
        return;
    };
    if m.distinct < 2 {
        return;
    }
    let theirs = describe_commands(&m.key);
    let reference = if m.strict {
        format!(
            "while most tables ({} of {}) have {theirs}",
            m.count, m.total
        )
    } else {
        format!("while the reference table {} has {theirs}", m.example.table)
    };
    for (table, ps) in &tables {
        let sig = signature(ps);
        if sig == m.key {
            continue;
        }
        let what = if ps.len() == 1 {
            "tenant policy of"
        } else {
            "tenant policies of"
        };
        let verb = if ps.len() == 1 { "is" } else { "are" };
        let d = ctx.report(
            ps[0].meta.span,
            format!(
                "the {what} {table} {verb} {}, {reference}",
                describe_commands(&sig)
            ),
        );
        for p in &ps[1..] {
            d.label(p.meta.span, format!("also a tenant policy of {table}"));
        }
        d.label(
            m.example.meta.span,
            format!("{} has {theirs}", m.example.table),
        )
        .object(table)
        .help("give every tenant table the same set of tenant policies: the same commands, PERMISSIVE or RESTRICTIVE alike");
    }
}

/// `FOR ALL`, `FOR SELECT AS RESTRICTIVE and 2 policies FOR UPDATE` …
fn describe_commands(sig: &[(String, bool)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sig.len() {
        let n = sig[i..].iter().take_while(|e| **e == sig[i]).count();
        let (command, permissive) = &sig[i];
        let one = format!(
            "FOR {command}{}",
            if *permissive { "" } else { " AS RESTRICTIVE" }
        );
        parts.push(if n == 1 {
            one
        } else {
            format!("{n} policies {one}")
        });
        i += n;
    }
    join(&parts)
}

/// The column a policy compares and the reference's column, when they differ and the
/// policy's table lacks the reference's column.
fn missing_tenant_column<'a>(
    c: &Catalog,
    p: &Policy,
    mine: &'a [Comparison],
    reference: &'a [Comparison],
) -> Option<(&'a str, &'a str)> {
    let (Operand::Column(col), Operand::Column(want)) =
        (&mine.first()?.column, &reference.first()?.column)
    else {
        return None;
    };
    let lacks = c.tables.get(&p.table)?.column(want).is_none();
    (col != want && lacks).then_some((col.as_str(), want.as_str()))
}

/// The policy's clauses, when it is a tenant policy.
fn tenant_policy<'a>(
    c: &Catalog,
    p: &'a Policy,
    tenant_setting: &str,
    tenant_column: &str,
) -> Option<TenantPolicy<'a>> {
    let cx = Cx {
        catalog: c,
        policy: p,
    };
    let relevant = |cmp: &Comparison| {
        cmp.setting.as_deref() == Some(tenant_setting)
            || cmp.column == Operand::Column(tenant_column.to_owned())
    };
    let read = |e: &crate::catalog::Expr| -> Vec<Comparison> {
        let mut out = Vec::new();
        comparisons(&e.node(), &cx, &mut out);
        out.retain(|cmp| relevant(cmp));
        out.sort();
        out
    };
    let command = p.command.as_str();
    let using = p
        .using
        .as_ref()
        .filter(|_| matches!(command, "ALL" | "SELECT" | "UPDATE" | "DELETE"));
    let check = p
        .with_check
        .as_ref()
        .or_else(|| {
            matches!(command, "ALL" | "UPDATE")
                .then_some(p.using.as_ref())
                .flatten()
        })
        .filter(|_| matches!(command, "ALL" | "INSERT" | "UPDATE"));
    let using = using.map(read);
    let check = check.map(read);
    let compares = using.iter().chain(&check).any(|c| !c.is_empty());
    let reads_setting = p.using.iter().chain(&p.with_check).any(|e| {
        let mut found = false;
        walk(&e.node(), &mut |n| {
            found |= setting_call(n).is_some_and(|s| s.name.as_deref() == Some(tenant_setting));
            !found
        });
        found
    });
    (compares || reads_setting).then_some(TenantPolicy {
        policy: p,
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
                    through_subquery(s, other, &op, cx, out);
                    if out.len() > before {
                        return;
                    }
                }
            }
            children_comparisons(node, cx, out);
        }
        Some(NodeEnum::SubLink(s)) => {
            let before = out.len();
            through_subquery(s, s.testexpr.as_deref(), &sublink_operator(s), cx, out);
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
    operator: &str,
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
            operator: operator.to_owned(),
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

/// How the comparisons `t` differ from the reference `m`, as clauses of one sentence.
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
    fn nullif_and_with_check_differences_err() {
        let found = messages(&format!(
            "{TABLES}{SEED}
create policy n on event_analytics using (event_id = nullif(current_setting('app.current_tenant'), '')::uuid);
create policy w on venue_analytics using (tenant_id = current_setting('app.current_tenant')::uuid)
    with check (tenant_id = current_setting('app.current_tenant', true)::uuid);"
        ));
        assert_eq!(
            found,
            [
                "policy n on public.event_analytics compares event_id (not tenant_id) and wraps the setting in NULLIF(…, '') (the majority does not)",
                "policy w on public.venue_analytics differs in WITH CHECK, where it passes missing_ok = true (the majority passes none)",
            ]
        );
    }

    #[test]
    fn command_and_restrictive_differences_are_per_table_err() {
        let found = lint_one_rule(
            &format!(
                "{TABLES}{SEED}
create policy s on a as restrictive for select using (tenant_id = current_setting('app.current_tenant')::uuid);"
            ),
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "the tenant policies of public.a are FOR ALL and FOR SELECT AS RESTRICTIVE, while most tables (2 of 3) have FOR ALL"
        );
        let labels: Vec<&str> = found[0].labels.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(
            labels,
            ["also a tenant policy of public.a", "public.b has FOR ALL"]
        );
    }

    #[test]
    fn per_command_policies_on_every_table_ok() {
        let per_command = |t: &str| {
            format!(
                "create policy sel on {t} for select using (tenant_id = current_setting('app.current_tenant')::uuid);
                 create policy ins on {t} for insert with check (tenant_id = current_setting('app.current_tenant')::uuid);
                 create policy upd on {t} for update using (tenant_id = current_setting('app.current_tenant')::uuid);
                 create policy del on {t} for delete using (tenant_id = current_setting('app.current_tenant')::uuid);"
            )
        };
        lint_ok(
            &format!(
                "{TABLES}{}{}{}",
                per_command("a"),
                per_command("b"),
                per_command("c")
            ),
            RULE,
        );
    }

    #[test]
    fn other_setting_and_cast_changes_err() {
        let found = messages(&format!(
            "{TABLES}{SEED}
create policy x on venue_analytics using (tenant_id::uuid = current_setting('app.tenant')::text);"
        ));
        assert_eq!(
            found,
            [
                "policy x on public.venue_analytics reads setting app.tenant (not app.current_tenant), casts the column \
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
