//! `CREATE FUNCTION` / `CREATE PROCEDURE`, `ALTER FUNCTION`, finding a routine by name and
//! argument types, and SQL-standard bodies as text.

use std::collections::BTreeMap;

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use super::context::Ctx;
use super::values::{const_string, value_text};
use super::{Builder, DUPLICATE_OBJECT};
use crate::catalog::typename::format_type_name;
use crate::catalog::{Expr, Function, FunctionArg, Grant};
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::nodes::{bool_value, def_elems, strings};
use crate::parse::{deparse_expr, deparse_stmt};

impl Builder {
    /// `CREATE FUNCTION` / `CREATE PROCEDURE`, with what its body reads and writes.
    pub(super) fn create_function(&mut self, s: &protobuf::CreateFunctionStmt, ctx: &Ctx<'_>) {
        let name = ctx.qualify_list(&s.funcname);
        let mut args = Vec::new();
        let mut table_columns = Vec::new();
        for p in s.parameters.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::FunctionParameter(p)) => Some(p),
            _ => None,
        }) {
            let mode = match protobuf::FunctionParameterMode::try_from(p.mode) {
                Ok(protobuf::FunctionParameterMode::FuncParamOut) => "OUT",
                Ok(protobuf::FunctionParameterMode::FuncParamInout) => "INOUT",
                Ok(protobuf::FunctionParameterMode::FuncParamVariadic) => "VARIADIC",
                Ok(protobuf::FunctionParameterMode::FuncParamTable) => "TABLE",
                _ => "IN",
            };
            let ty = p
                .arg_type
                .as_ref()
                .map(format_type_name)
                .unwrap_or_default();
            if mode == "TABLE" {
                table_columns.push(format!("{} {ty}", p.name));
            }
            args.push(FunctionArg {
                name: (!p.name.is_empty()).then(|| p.name.clone()),
                ty,
                mode: mode.to_owned(),
                default: p.defexpr.as_deref().map(|n| Expr::new(n.clone())),
            });
        }
        let returns = if table_columns.is_empty() {
            s.return_type.as_ref().map(format_type_name)
        } else {
            Some(format!("TABLE({})", table_columns.join(", ")))
        };
        let mut f = Function {
            name: name.clone(),
            args,
            returns: if s.is_procedure { None } else { returns },
            is_procedure: s.is_procedure,
            language: "sql".to_owned(),
            body: String::new(),
            volatility: "volatile".to_owned(),
            security_definer: false,
            strict: false,
            leakproof: false,
            parallel: "unsafe".to_owned(),
            config: BTreeMap::new(),
            references: Vec::new(),
            body_error: None,
            search_path: ctx.search_path.clone(),
            meta: ctx.meta(),
        };
        for d in def_elems(&s.options) {
            let arg = d.arg.as_deref();
            match d.defname.as_str() {
                "as" => {
                    f.body = match arg.and_then(|a| a.node.as_ref()) {
                        Some(NodeEnum::List(l)) => strings(&l.items).join(", "),
                        Some(NodeEnum::String(s)) => s.sval.clone(),
                        _ => String::new(),
                    };
                }
                "language" => {
                    f.language = arg
                        .and_then(const_string)
                        .unwrap_or_default()
                        .to_lowercase()
                }
                "set" => {
                    if let Some(NodeEnum::VariableSetStmt(v)) = arg.and_then(|a| a.node.as_ref()) {
                        let value: Vec<String> = v.args.iter().map(value_text).collect();
                        f.config.insert(v.name.to_lowercase(), value.join(", "));
                    }
                }
                other => apply_behaviour_option(&mut f, other, arg),
            }
        }
        if let Some(body) = s.sql_body.as_deref() {
            f.body = body_text(body);
        }
        crate::analyze::function_body::analyze(&mut f, s, ctx.statement_text(), ctx.span);
        f.meta.grants.push(Grant {
            grantee: "PUBLIC".to_owned(),
            privilege: "EXECUTE".to_owned(),
            column: None,
            with_grant_option: false,
        });
        let key = f.identity();
        if let Some(old) = self.catalog.functions.get(&key) {
            if !s.replace {
                let first = old.meta.span;
                self.diags.push(
                    Diagnostic::new(
                        DUPLICATE_OBJECT,
                        Severity::Error,
                        format!("function {key} is declared more than once; the later declaration is ignored"),
                        Some(ctx.span),
                    )
                    .with_object(&key),
                );
                let _ = first;
                return;
            }
        }
        self.catalog.functions.insert(key, f);
    }

    /// `ALTER FUNCTION`: behaviour options and settings.
    pub(super) fn alter_function(&mut self, s: &protobuf::AlterFunctionStmt, ctx: &Ctx<'_>) {
        let Some(func) = &s.func else { return };
        let Some(key) = self.find_function(func, ctx) else {
            self.unknown(ctx, "function", &ctx.qualify_list(&func.objname));
            return;
        };
        let Some(f) = self.catalog.functions.get_mut(&key) else {
            return;
        };
        for d in def_elems(&s.actions) {
            let arg = d.arg.as_deref();
            match d.defname.as_str() {
                "set" => {
                    if let Some(NodeEnum::VariableSetStmt(v)) = arg.and_then(|a| a.node.as_ref()) {
                        if v.kind == protobuf::VariableSetKind::VarReset as i32 {
                            f.config.remove(&v.name.to_lowercase());
                        } else {
                            let value: Vec<String> = v.args.iter().map(value_text).collect();
                            f.config.insert(v.name.to_lowercase(), value.join(", "));
                        }
                    }
                }
                other => apply_behaviour_option(f, other, arg),
            }
        }
    }

    /// Finds a function by `ObjectWithArgs` (by name alone when the name is unique or no
    /// argument list was given).
    pub(super) fn find_function(
        &self,
        o: &protobuf::ObjectWithArgs,
        ctx: &Ctx<'_>,
    ) -> Option<String> {
        let name = ctx.qualify_list(&o.objname);
        let candidates: Vec<&String> = self
            .catalog
            .functions
            .iter()
            .filter(|(_, f)| f.name == name)
            .map(|(k, _)| k)
            .collect();
        if candidates.len() == 1 {
            return Some(candidates[0].clone());
        }
        let types: Vec<String> = o
            .objargs
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::TypeName(t)) => Some(format_type_name(t)),
                _ => None,
            })
            .collect();
        let key = format!("{name}({})", types.join(", "));
        candidates.into_iter().find(|k| **k == key).cloned()
    }
}

/// Applies an option `CREATE FUNCTION` and `ALTER FUNCTION` share: volatility, security,
/// strictness, leakproofness, parallel safety. Other options are left alone.
fn apply_behaviour_option(f: &mut Function, option: &str, arg: Option<&Node>) {
    match option {
        "volatility" => f.volatility = arg.and_then(const_string).unwrap_or_default(),
        "security" => f.security_definer = arg.is_some_and(bool_value),
        "strict" => f.strict = arg.is_some_and(bool_value),
        "leakproof" => f.leakproof = arg.is_some_and(bool_value),
        "parallel" => f.parallel = arg.and_then(const_string).unwrap_or_default(),
        _ => {}
    }
}

/// A SQL-standard body as text: `RETURN expr`, or `BEGIN ATOMIC stmt; …; END`.
pub(super) fn body_text(node: &Node) -> String {
    match node.node.as_ref() {
        Some(NodeEnum::List(l)) => {
            let stmts = l
                .items
                .iter()
                .filter_map(|n| n.node.as_ref())
                .flat_map(|n| match n {
                    NodeEnum::List(inner) => inner
                        .items
                        .iter()
                        .filter_map(|i| i.node.as_ref())
                        .filter_map(|n| deparse_stmt(&without_implied_aliases(n)))
                        .collect::<Vec<_>>(),
                    other => deparse_stmt(&without_implied_aliases(other))
                        .into_iter()
                        .collect(),
                })
                .collect::<Vec<_>>();
            if stmts.is_empty() {
                "BEGIN ATOMIC END".to_owned()
            } else {
                format!("BEGIN ATOMIC {}; END", stmts.join("; "))
            }
        }
        // `RETURN expr`: the deparser has no statement form for it, so print it here.
        Some(NodeEnum::ReturnStmt(r)) => r
            .returnval
            .as_deref()
            .and_then(deparse_expr)
            .map(|e| format!("RETURN {e}"))
            .unwrap_or_default(),
        Some(other) => deparse_stmt(other)
            .or_else(|| deparse_expr(node))
            .unwrap_or_default(),
        None => String::new(),
    }
}

/// A statement of a `BEGIN ATOMIC` body without the output names PostgreSQL would give
/// anyway: it prints `SELECT f(a)` back as `SELECT f(a) AS f`, which means the same.
pub(super) fn without_implied_aliases(node: &NodeEnum) -> NodeEnum {
    let mut node = node.clone();
    if let NodeEnum::SelectStmt(s) = &mut node {
        for t in &mut s.target_list {
            if let Some(NodeEnum::ResTarget(r)) = t.node.as_mut() {
                if !r.name.is_empty() && implied_name(r.val.as_deref()).as_deref() == Some(&r.name)
                {
                    r.name.clear();
                }
            }
        }
    }
    node
}

/// The output name PostgreSQL gives an unnamed select-list item, where it is a name
/// (a column reference's, a function's, through casts); `None` for `?column?`.
pub(super) fn implied_name(node: Option<&Node>) -> Option<String> {
    match node?.node.as_ref()? {
        NodeEnum::ColumnRef(c) => match c.fields.last()?.node.as_ref()? {
            NodeEnum::String(s) => Some(s.sval.clone()),
            _ => None,
        },
        NodeEnum::FuncCall(f) => strings(&f.funcname).pop(),
        NodeEnum::TypeCast(c) => implied_name(c.arg.as_deref()).or_else(|| {
            let names = strings(&c.type_name.as_ref()?.names);
            names.last().cloned()
        }),
        _ => None,
    }
}
