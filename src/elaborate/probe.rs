//! Which definitions are in doubt, how to ask the server about them, and how to settle them.
//!
//! [`collect`] walks the desired catalog beside the live one. For each pair of definitions
//! (a column default, a CHECK, a view query, …) it either finds them equal already, equal after
//! [`equivalent`] (then the desired definition becomes the live one at once), or in doubt:
//! then it makes a [`Probe`], two temporary views that make the server print both definitions
//! the same way. [`settle`] replaces the desired definition by the live one for every probe
//! whose two print-backs are identical.

use crate::catalog::names::quote_ident;
use crate::catalog::normalize::{equivalent, normalize_body};
use crate::catalog::{Catalog, ConstraintKind, Expr, Function, QualifiedName, TypeKind, View};

/// Where a definition sits in a catalog.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Slot {
    /// A column's `DEFAULT`.
    Default(QualifiedName, String),
    /// A column's generation expression.
    Generated(QualifiedName, String),
    /// A CHECK constraint.
    Check(QualifiedName, String),
    /// The predicate of an EXCLUDE constraint.
    ExcludePredicate(QualifiedName, String),
    /// An expression key of an index (by position).
    IndexKey(QualifiedName, usize),
    /// The predicate of a partial index.
    IndexPredicate(QualifiedName),
    /// A policy's `USING`.
    PolicyUsing(QualifiedName, String),
    /// A policy's `WITH CHECK`.
    PolicyCheck(QualifiedName, String),
    /// A trigger's `WHEN`.
    TriggerWhen(QualifiedName, String),
    /// A domain's `DEFAULT`.
    DomainDefault(QualifiedName),
    /// A domain's CHECK (by position).
    DomainCheck(QualifiedName, usize),
    /// A view's query and column names.
    View(QualifiedName),
    /// A materialized view's query and column names.
    MaterializedView(QualifiedName),
    /// A routine's SQL-standard body (`RETURN …`, `BEGIN ATOMIC …`), by the routine's identity.
    FunctionBody(String),
    /// A routine argument's `DEFAULT` (routine identity, argument position).
    ArgDefault(String, usize),
}

impl Slot {
    /// The kind of definition, for reports (`check`, `view`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Slot::Default(..) | Slot::DomainDefault(_) => "default",
            Slot::Generated(..) => "generated column",
            Slot::Check(..) | Slot::DomainCheck(..) => "check",
            Slot::ExcludePredicate(..) | Slot::IndexKey(..) | Slot::IndexPredicate(_) => "index",
            Slot::PolicyUsing(..) | Slot::PolicyCheck(..) => "policy",
            Slot::TriggerWhen(..) => "trigger",
            Slot::View(_) | Slot::MaterializedView(_) => "view",
            Slot::FunctionBody(_) | Slot::ArgDefault(..) => "function",
        }
    }
}

/// How a definition is turned into a temporary view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wrapper {
    /// `SELECT (expr) AS e FROM from`, the expression cast to `cast` when it is a value
    /// assigned to something of that type (a default).
    Expr {
        /// The FROM item whose columns the expression uses (the live table, quoted).
        from: String,
        /// Type the value is assigned to.
        cast: Option<String>,
    },
    /// The query itself, with explicit column names when it has any.
    View {
        /// Column names.
        columns: Vec<String>,
    },
}

impl Wrapper {
    /// The body of `CREATE TEMP VIEW name …` for `text` (an expression or a query).
    pub fn body(&self, text: &str) -> String {
        match self {
            Wrapper::Expr {
                from,
                cast: Some(ty),
            } => format!("AS SELECT CAST(({text}) AS {ty}) AS e FROM {from}"),
            Wrapper::Expr { from, cast: None } => format!("AS SELECT ({text}) AS e FROM {from}"),
            Wrapper::View { columns } if columns.is_empty() => format!("AS {text}"),
            Wrapper::View { columns } => {
                let cols: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
                format!("({}) AS {text}", cols.join(", "))
            }
        }
    }

    /// The wrapper for a second print-back of what the server printed: a view's printed
    /// query already names its columns.
    pub fn again(&self) -> Wrapper {
        match self {
            Wrapper::View { .. } => Wrapper::View {
                columns: Vec::new(),
            },
            other => other.clone(),
        }
    }

    /// What to print again from a view definition the server printed: the whole query for a
    /// view, the selected expression otherwise. `None` when it does not parse.
    pub fn unwrap_printed(&self, printed: &str) -> Option<String> {
        let query = printed.trim().trim_end_matches(';');
        match self {
            Wrapper::View { .. } => Some(query.to_owned()),
            Wrapper::Expr { .. } => {
                let parsed = pg_query::parse(query, 0).ok()?;
                let stmt = parsed.protobuf.stmts.into_iter().next()?.stmt?.node?;
                let pg_query::NodeEnum::SelectStmt(s) = stmt else {
                    return None;
                };
                let target = s.target_list.into_iter().next()?.node?;
                let pg_query::NodeEnum::ResTarget(t) = target else {
                    return None;
                };
                crate::parse::deparse_expr(&*t.val?)
            }
        }
    }
}

/// One definition in doubt: how to make the server print each side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// Where the desired definition sits.
    pub slot: Slot,
    /// Schemas to resolve unqualified names with, in order.
    pub search_path: Vec<String>,
    /// The desired definition: how it becomes a view, and its text.
    pub desired: (Wrapper, String),
    /// The live definition: how it becomes a view, and its text.
    pub live: (Wrapper, String),
}

/// What [`collect`] found.
#[derive(Debug, Default)]
pub struct Collected {
    /// Definitions that only the server can settle.
    pub probes: Vec<Probe>,
    /// Definitions settled by normalisation alone.
    pub settled: usize,
    /// Index keys whose desired operator class the live side leaves out (it may be the
    /// default one): index, key position, operator class, access method.
    pub opclasses: Vec<(QualifiedName, usize, String, String)>,
}

struct Collector<'a> {
    default_schema: &'a str,
    /// The desired catalog, read while walking (for a view's `*`).
    desired: &'a Catalog,
    /// The live catalog, the other side of every pair.
    live: &'a Catalog,
    out: Collected,
    /// Settled by normalisation: applied after the walk.
    direct: Vec<Slot>,
}

impl Collector<'_> {
    /// Compares one pair: nothing to do, settled at once, or a probe.
    fn pair(
        &mut self,
        slot: Slot,
        from: &str,
        cast: Option<&str>,
        desired: Option<&Expr>,
        live: Option<&Expr>,
        search_path: &[String],
    ) {
        let (Some(d), Some(l)) = (desired, live) else {
            return;
        };
        if d == l {
            return;
        }
        if equivalent(d, l, self.default_schema) {
            self.direct.push(slot);
            return;
        }
        let wrapper = Wrapper::Expr {
            from: from.to_owned(),
            cast: cast.map(str::to_owned),
        };
        self.out.probes.push(Probe {
            slot,
            search_path: self.path(search_path),
            desired: (wrapper.clone(), d.sql().to_owned()),
            live: (wrapper, l.sql().to_owned()),
        });
    }

    fn path(&self, search_path: &[String]) -> Vec<String> {
        if search_path.is_empty() {
            vec![self.default_schema.to_owned()]
        } else {
            search_path.to_vec()
        }
    }

    fn view(&mut self, slot: Slot, d: &View, l: &View) {
        if d.query == l.query && d.column_names == l.column_names {
            return;
        }
        let expanded = super::star::expand_star(self.desired, d, &l.query, self.default_schema);
        let ours = expanded.as_ref().unwrap_or(&d.query);
        if d.column_names == l.column_names && equivalent(ours, &l.query, self.default_schema) {
            self.direct.push(slot);
            return;
        }
        let view = |v: &View| {
            let wrapper = Wrapper::View {
                columns: v.column_names.clone(),
            };
            (wrapper, v.query.sql().to_owned())
        };
        self.out.probes.push(Probe {
            slot,
            search_path: self.path(&d.search_path),
            desired: view(d),
            live: view(l),
        });
    }

    /// Column defaults and generation expressions, CHECK constraints and EXCLUDE predicates.
    fn tables(&mut self) {
        let (desired, live) = (self.desired, self.live);
        let none: &[String] = &[];
        for (name, t) in &desired.tables {
            let Some(lt) = live.tables.get(name) else {
                continue;
            };
            let from = crate::ddl::qualified(name);
            for col in &t.columns {
                let Some(lc) = lt.column(&col.name) else {
                    continue;
                };
                let cast = Some(col.ty.as_str());
                let slot = Slot::Default(name.clone(), col.name.clone());
                self.pair(
                    slot,
                    &from,
                    cast,
                    col.default.as_ref(),
                    lc.default.as_ref(),
                    none,
                );
                let slot = Slot::Generated(name.clone(), col.name.clone());
                self.pair(
                    slot,
                    &from,
                    cast,
                    col.generated.as_ref(),
                    lc.generated.as_ref(),
                    none,
                );
            }
            for (kname, k) in &t.constraints {
                let Some(lk) = lt.constraints.get(kname) else {
                    continue;
                };
                match (&k.kind, &lk.kind) {
                    (
                        ConstraintKind::Check { expr, .. },
                        ConstraintKind::Check { expr: le, .. },
                    ) => {
                        let slot = Slot::Check(name.clone(), kname.clone());
                        self.pair(slot, &from, None, Some(expr), Some(le), none);
                    }
                    (
                        ConstraintKind::Exclude { predicate, .. },
                        ConstraintKind::Exclude { predicate: lp, .. },
                    ) => {
                        let slot = Slot::ExcludePredicate(name.clone(), kname.clone());
                        self.pair(slot, &from, None, predicate.as_ref(), lp.as_ref(), none);
                    }
                    _ => {}
                }
            }
        }
    }

    /// Index key expressions and predicates; notes operator classes the live side leaves out.
    fn indexes(&mut self) {
        let (desired, live) = (self.desired, self.live);
        let none: &[String] = &[];
        for (name, i) in &desired.indexes {
            let Some(li) = live.indexes.get(name) else {
                continue;
            };
            if li.table != i.table || li.keys.len() != i.keys.len() {
                continue;
            }
            let from = crate::ddl::qualified(&i.table);
            for (n, (k, lk)) in i.keys.iter().zip(&li.keys).enumerate() {
                let slot = Slot::IndexKey(name.clone(), n);
                self.pair(slot, &from, None, k.expr.as_ref(), lk.expr.as_ref(), none);
                // pg_get_indexdef leaves out an operator class that is the default one.
                if let (Some(opclass), None) = (&k.opclass, &lk.opclass) {
                    self.out
                        .opclasses
                        .push((name.clone(), n, opclass.clone(), i.method.clone()));
                }
            }
            let slot = Slot::IndexPredicate(name.clone());
            self.pair(
                slot,
                &from,
                None,
                i.predicate.as_ref(),
                li.predicate.as_ref(),
                none,
            );
        }
    }

    /// Policies' `USING` and `WITH CHECK`.
    fn policies(&mut self) {
        let (desired, live) = (self.desired, self.live);
        for (key, p) in &desired.policies {
            let Some(lp) = live.policies.get(key) else {
                continue;
            };
            let from = crate::ddl::qualified(&key.0);
            let (t, n) = (key.0.clone(), key.1.clone());
            let slot = Slot::PolicyUsing(t.clone(), n.clone());
            let path = &p.search_path;
            self.pair(slot, &from, None, p.using.as_ref(), lp.using.as_ref(), path);
            let slot = Slot::PolicyCheck(t, n);
            self.pair(
                slot,
                &from,
                None,
                p.with_check.as_ref(),
                lp.with_check.as_ref(),
                path,
            );
        }
    }

    /// Triggers' `WHEN`.
    fn triggers(&mut self) {
        let (desired, live) = (self.desired, self.live);
        let none: &[String] = &[];
        for (key, t) in &desired.triggers {
            let Some(lt) = live.triggers.get(key) else {
                continue;
            };
            // NEW and OLD are rows of the table: two aliases of it stand in for them.
            let table = crate::ddl::qualified(&key.0);
            let from = format!("{table} AS new, {table} AS old");
            let slot = Slot::TriggerWhen(key.0.clone(), key.1.clone());
            self.pair(slot, &from, None, t.when.as_ref(), lt.when.as_ref(), none);
        }
    }

    /// Domains' `DEFAULT` and CHECKs.
    fn domains(&mut self) {
        let (desired, live) = (self.desired, self.live);
        let none: &[String] = &[];
        for (name, t) in &desired.types {
            let Some(lt) = live.types.get(name) else {
                continue;
            };
            let (
                TypeKind::Domain {
                    base,
                    checks,
                    default,
                    ..
                },
                TypeKind::Domain {
                    checks: lchecks,
                    default: ldefault,
                    ..
                },
            ) = (&t.kind, &lt.kind)
            else {
                continue;
            };
            // VALUE is the domain's value: a column of the base type stands in for it.
            let from = format!("(SELECT NULL::{base} AS value) AS d");
            let slot = Slot::DomainDefault(name.clone());
            self.pair(
                slot,
                &from,
                Some(base),
                default.as_ref(),
                ldefault.as_ref(),
                none,
            );
            if checks.len() == lchecks.len() {
                for (n, ((_, e), (_, le))) in checks.iter().zip(lchecks).enumerate() {
                    let slot = Slot::DomainCheck(name.clone(), n);
                    self.pair(slot, &from, None, Some(e), Some(le), none);
                }
            }
        }
    }

    /// Views' and materialized views' queries and column names.
    fn views(&mut self) {
        let (desired, live) = (self.desired, self.live);
        for (name, v) in &desired.views {
            if let Some(lv) = live.views.get(name) {
                self.view(Slot::View(name.clone()), v, lv);
            }
        }
        for (name, v) in &desired.materialized_views {
            if let Some(lv) = live.materialized_views.get(name) {
                self.view(Slot::MaterializedView(name.clone()), v, lv);
            }
        }
    }

    /// Routines' SQL-standard bodies (settled here when only schema qualification differs) and
    /// argument defaults.
    fn routines(&mut self) {
        let (desired, live) = (self.desired, self.live);
        for (key, f) in &desired.functions {
            let Some(lf) = live.functions.get(key) else {
                continue;
            };
            if same_standard_body(f, lf, self.default_schema) {
                self.direct.push(Slot::FunctionBody(key.clone()));
            }
            if f.args.len() != lf.args.len() {
                continue;
            }
            // An argument's default, as the value of a query without a FROM item of its own.
            for (n, (a, la)) in f.args.iter().zip(&lf.args).enumerate() {
                let slot = Slot::ArgDefault(key.clone(), n);
                let from = "(SELECT) AS routine_args";
                let (d, l) = (a.default.as_ref(), la.default.as_ref());
                self.pair(slot, from, Some(&a.ty), d, l, &f.search_path);
            }
        }
    }
}

/// Finds the definitions of `desired` that differ from their `live` counterpart. Those equal
/// after normalisation are settled in `desired` at once; the others are returned as probes.
/// `default_schema` resolves names when an object has no search path of its own.
pub fn collect(desired: &mut Catalog, live: &Catalog, default_schema: &str) -> Collected {
    let aligned = super::routines::align_signatures(desired, live, default_schema);
    let mut c = Collector {
        default_schema,
        desired: &*desired,
        live,
        out: Collected::default(),
        direct: Vec::new(),
    };
    c.tables();
    c.indexes();
    c.policies();
    c.triggers();
    c.domains();
    c.views();
    c.routines();
    let Collector {
        mut out, direct, ..
    } = c;
    out.settled = direct.iter().filter(|s| settle(desired, live, s)).count();
    out.settled += qualified_opclasses(desired, live) + aligned;
    out
}

/// Whether two SQL-standard routine bodies that differ in text are the same once the names
/// of the schemas the desired routine resolves bare names in (its search path, else
/// `default_schema`) are written bare on both sides: `pg_get_functiondef` qualifies every
/// name it prints.
fn same_standard_body(desired: &Function, live: &Function, default_schema: &str) -> bool {
    if desired.body == live.body || !desired.has_standard_body() || !live.has_standard_body() {
        return false;
    }
    let schemas: Vec<&str> = if desired.search_path.is_empty() {
        vec![default_schema]
    } else {
        desired
            .search_path
            .iter()
            .map(String::as_str)
            .filter(|s| *s != "pg_catalog")
            .collect()
    };
    let bare = |body: &str| {
        schemas
            .iter()
            .fold(body.to_owned(), |b, s| normalize_body(&b, s))
    };
    bare(&desired.body) == bare(&live.body)
}

/// `pg_get_indexdef` qualifies an operator class outside `pg_catalog` (`public.gin_trgm_ops`);
/// the unqualified name a file gives resolved to it when the index was made. Returns how many
/// keys were settled.
fn qualified_opclasses(desired: &mut Catalog, live: &Catalog) -> usize {
    let mut settled = 0;
    for (name, i) in &mut desired.indexes {
        let Some(li) = live.indexes.get(name) else {
            continue;
        };
        for (k, lk) in i.keys.iter_mut().zip(&li.keys) {
            let (Some(ours), Some(theirs)) = (&k.opclass, &lk.opclass) else {
                continue;
            };
            let bare = theirs.rsplit_once('.').map(|(_, b)| b);
            if !ours.contains('.') && bare == Some(ours.as_str()) {
                k.opclass.clone_from(&lk.opclass);
                settled += 1;
            }
        }
    }
    settled
}

/// Makes the desired definition at `slot` the live one. False when either side is missing.
pub fn settle(desired: &mut Catalog, live: &Catalog, slot: &Slot) -> bool {
    match slot {
        Slot::Default(t, col) => settle_column(desired, live, t, col, false),
        Slot::Generated(t, col) => settle_column(desired, live, t, col, true),
        Slot::Check(t, k) | Slot::ExcludePredicate(t, k) => settle_constraint(desired, live, t, k),
        Slot::IndexKey(i, n) => settle_index_key(desired, live, i, *n),
        Slot::IndexPredicate(i) => settle_index_predicate(desired, live, i),
        Slot::PolicyUsing(t, p) => settle_policy(desired, live, t, p, true),
        Slot::PolicyCheck(t, p) => settle_policy(desired, live, t, p, false),
        Slot::TriggerWhen(t, n) => settle_trigger(desired, live, t, n),
        Slot::DomainDefault(name) => settle_domain(desired, live, name, None),
        Slot::DomainCheck(name, n) => settle_domain(desired, live, name, Some(*n)),
        Slot::FunctionBody(key) => settle_function_body(desired, live, key),
        Slot::ArgDefault(key, n) => settle_arg_default(desired, live, key, *n),
        Slot::View(name) => put_view(desired.views.get_mut(name), live.views.get(name)),
        Slot::MaterializedView(name) => put_view(
            desired.materialized_views.get_mut(name),
            live.materialized_views.get(name),
        ),
    }
}

/// Puts the live expression in the desired slot. False when either side is missing.
fn put(target: Option<&mut Option<Expr>>, value: Option<&Expr>) -> bool {
    match (target, value) {
        (Some(t), Some(v)) => {
            *t = Some(v.clone());
            true
        }
        _ => false,
    }
}

/// Puts the live view's query and column names in the desired view. False when either is
/// missing.
fn put_view(target: Option<&mut View>, value: Option<&View>) -> bool {
    match (target, value) {
        (Some(t), Some(v)) => {
            t.query = v.query.clone();
            t.column_names.clone_from(&v.column_names);
            true
        }
        _ => false,
    }
}

/// A column's default, or its generation expression when `generated`.
fn settle_column(
    desired: &mut Catalog,
    live: &Catalog,
    t: &QualifiedName,
    col: &str,
    generated: bool,
) -> bool {
    let value = live
        .tables
        .get(t)
        .and_then(|t| t.column(col))
        .and_then(|c| {
            if generated {
                c.generated.as_ref()
            } else {
                c.default.as_ref()
            }
        });
    let target = desired
        .tables
        .get_mut(t)
        .and_then(|t| t.column_mut(col))
        .map(|c| {
            if generated {
                &mut c.generated
            } else {
                &mut c.default
            }
        });
    put(target, value)
}

/// A CHECK constraint's expression or an EXCLUDE constraint's predicate.
fn settle_constraint(desired: &mut Catalog, live: &Catalog, t: &QualifiedName, k: &str) -> bool {
    let live_kind = live
        .tables
        .get(t)
        .and_then(|t| t.constraints.get(k))
        .map(|k| &k.kind);
    let target = desired
        .tables
        .get_mut(t)
        .and_then(|t| t.constraints.get_mut(k))
        .map(|k| &mut k.kind);
    match (target, live_kind) {
        (
            Some(ConstraintKind::Check { expr, .. }),
            Some(ConstraintKind::Check { expr: le, .. }),
        ) => {
            *expr = le.clone();
            true
        }
        (
            Some(ConstraintKind::Exclude { predicate, .. }),
            Some(ConstraintKind::Exclude { predicate: lp, .. }),
        ) => put(Some(predicate), lp.as_ref()),
        _ => false,
    }
}

/// The expression of an index's key `n`.
fn settle_index_key(desired: &mut Catalog, live: &Catalog, i: &QualifiedName, n: usize) -> bool {
    let value = live
        .indexes
        .get(i)
        .and_then(|i| i.keys.get(n))
        .and_then(|k| k.expr.as_ref());
    let target = desired
        .indexes
        .get_mut(i)
        .and_then(|i| i.keys.get_mut(n))
        .map(|k| &mut k.expr);
    put(target, value)
}

/// A partial index's predicate.
fn settle_index_predicate(desired: &mut Catalog, live: &Catalog, i: &QualifiedName) -> bool {
    let value = live.indexes.get(i).and_then(|i| i.predicate.as_ref());
    let target = desired.indexes.get_mut(i).map(|i| &mut i.predicate);
    put(target, value)
}

/// A policy's `USING` when `using`, else its `WITH CHECK`.
fn settle_policy(
    desired: &mut Catalog,
    live: &Catalog,
    t: &QualifiedName,
    p: &str,
    using: bool,
) -> bool {
    let key = (t.clone(), p.to_owned());
    let value = live.policies.get(&key).and_then(|p| {
        if using {
            p.using.as_ref()
        } else {
            p.with_check.as_ref()
        }
    });
    let target = desired.policies.get_mut(&key).map(|p| {
        if using {
            &mut p.using
        } else {
            &mut p.with_check
        }
    });
    put(target, value)
}

/// A trigger's `WHEN`.
fn settle_trigger(desired: &mut Catalog, live: &Catalog, t: &QualifiedName, n: &str) -> bool {
    let key = (t.clone(), n.to_owned());
    let value = live.triggers.get(&key).and_then(|t| t.when.as_ref());
    let target = desired.triggers.get_mut(&key).map(|t| &mut t.when);
    put(target, value)
}

/// A domain's CHECK `check` when given, else its `DEFAULT`.
fn settle_domain(
    desired: &mut Catalog,
    live: &Catalog,
    name: &QualifiedName,
    check: Option<usize>,
) -> bool {
    let Some(TypeKind::Domain {
        default: ldefault,
        checks: lchecks,
        ..
    }) = live.types.get(name).map(|t| &t.kind)
    else {
        return false;
    };
    let Some(TypeKind::Domain {
        default, checks, ..
    }) = desired.types.get_mut(name).map(|t| &mut t.kind)
    else {
        return false;
    };
    match check {
        Some(n) => match (checks.get_mut(n), lchecks.get(n)) {
            (Some((_, e)), Some((_, le))) => {
                *e = le.clone();
                true
            }
            _ => false,
        },
        None => put(Some(default), ldefault.as_ref()),
    }
}

/// A routine's body (by the routine's identity).
fn settle_function_body(desired: &mut Catalog, live: &Catalog, key: &str) -> bool {
    match (desired.functions.get_mut(key), live.functions.get(key)) {
        (Some(d), Some(l)) => {
            d.body.clone_from(&l.body);
            true
        }
        _ => false,
    }
}

/// The default of a routine's argument `n`.
fn settle_arg_default(desired: &mut Catalog, live: &Catalog, key: &str, n: usize) -> bool {
    let value = live
        .functions
        .get(key)
        .and_then(|f| f.args.get(n))
        .and_then(|a| a.default.as_ref());
    let target = desired
        .functions
        .get_mut(key)
        .and_then(|f| f.args.get_mut(n))
        .map(|a| &mut a.default);
    put(target, value)
}

/// `SET LOCAL search_path` to these schemas (quoted).
pub fn set_search_path(schemas: &[String]) -> String {
    let list: Vec<String> = schemas.iter().map(|s| quote_ident(s)).collect();
    format!("SET LOCAL search_path = {}", list.join(", "))
}
