//! Function bodies: which relations a SQL or PL/pgSQL body reads, writes or refreshes, and
//! which routines a SQL body calls.
//!
//! PL/pgSQL is parsed with `pg_query::parse_plpgsql`; every embedded SQL statement (including
//! `EXECUTE` of a constant string) is then parsed with the SQL parser, so a function that
//! refreshes a materialized view gets a real edge in the graph and a location in its body.

use pg_query::NodeEnum;
use pg_query::protobuf::CreateFunctionStmt;

use crate::catalog::{BodyAction, BodyReference, Function};
use crate::source::Span;

/// Fills `f.references` (and `f.body_error` when the body cannot be read).
pub fn analyze(f: &mut Function, stmt: &CreateFunctionStmt, statement_text: &str, span: Span) {
    let mut cursor = Cursor {
        text: statement_text,
        span,
        searched_from: 0,
    };
    match f.language.as_str() {
        "plpgsql" => match pg_query::parse_plpgsql(statement_text) {
            Ok(json) => {
                let mut queries = Vec::new();
                collect_queries(&json, &mut queries);
                for q in queries {
                    let at = cursor.locate(&q.text);
                    let sql = if q.dynamic {
                        constant_string(&q.text)
                    } else {
                        Some(q.text.clone())
                    };
                    if let Some(sql) = sql {
                        references_of(&sql, at, &mut f.references);
                    }
                }
            }
            Err(e) => f.body_error = Some(e.to_string()),
        },
        "sql" => {
            if let Some(body) = stmt.sql_body.as_deref() {
                let mut nodes = Vec::new();
                flatten(body, &mut nodes);
                for n in nodes {
                    let n = as_select(n);
                    references_of_node(&n, Some(span), &mut f.references);
                    calls_of_node(&n, Some(span), &mut f.references);
                }
            } else {
                let body = f.body.clone();
                let at = cursor.locate(&body);
                match pg_query::parse(&body, 0) {
                    Ok(r) => {
                        for raw in &r.protobuf.stmts {
                            if let Some(n) = raw.stmt.as_deref().and_then(|n| n.node.as_ref()) {
                                references_of_node(n, at, &mut f.references);
                                calls_of_node(n, at, &mut f.references);
                            }
                        }
                    }
                    Err(e) => f.body_error = Some(e.to_string()),
                }
            }
        }
        _ => {}
    }
}

/// Finds successive query texts inside the CREATE FUNCTION statement.
struct Cursor<'a> {
    text: &'a str,
    span: Span,
    searched_from: usize,
}

impl Cursor<'_> {
    fn locate(&mut self, query: &str) -> Option<Span> {
        let needle = query.trim();
        if needle.is_empty() {
            return Some(self.span);
        }
        let found = self
            .text
            .get(self.searched_from..)
            .and_then(|rest| rest.find(needle))
            .map(|i| i + self.searched_from)
            .or_else(|| self.text.find(needle));
        match found {
            Some(pos) => {
                self.searched_from = pos + needle.len();
                Some(self.span.sub(pos, needle.len()))
            }
            None => Some(self.span),
        }
    }
}

struct Query {
    text: String,
    dynamic: bool,
}

/// Every `"query"` string in the PL/pgSQL tree, in order; `EXECUTE` queries are marked dynamic.
fn collect_queries(v: &serde_json::Value, out: &mut Vec<Query>) {
    match v {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if key == "PLpgSQL_stmt_dynexecute" {
                    if let Some(q) = value
                        .pointer("/query/PLpgSQL_expr/query")
                        .and_then(|q| q.as_str())
                    {
                        out.push(Query {
                            text: q.to_owned(),
                            dynamic: true,
                        });
                    }
                    continue;
                }
                if key == "query" {
                    if let Some(q) = value.as_str() {
                        out.push(Query {
                            text: q.to_owned(),
                            dynamic: false,
                        });
                        continue;
                    }
                }
                collect_queries(value, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                collect_queries(item, out);
            }
        }
        _ => {}
    }
}

/// The contents of a query that is a single string literal (`'REFRESH …'`), if it is one.
fn constant_string(expr: &str) -> Option<String> {
    let r = pg_query::parse(&format!("SELECT {expr}"), 0).ok()?;
    let stmt = r.protobuf.stmts.first()?.stmt.as_deref()?.node.as_ref()?;
    let NodeEnum::SelectStmt(s) = stmt else {
        return None;
    };
    let NodeEnum::ResTarget(t) = s.target_list.first()?.node.as_ref()? else {
        return None;
    };
    let NodeEnum::AConst(c) = t.val.as_deref()?.node.as_ref()? else {
        return None;
    };
    match c.val.as_ref()? {
        pg_query::protobuf::a_const::Val::Sval(s) => Some(s.sval.clone()),
        _ => None,
    }
}

fn references_of(sql: &str, at: Option<Span>, out: &mut Vec<BodyReference>) {
    let parsed = pg_query::parse(sql, 0).or_else(|_| pg_query::parse(&format!("SELECT {sql}"), 0));
    if let Ok(r) = parsed {
        for raw in &r.protobuf.stmts {
            if let Some(n) = raw.stmt.as_deref().and_then(|n| n.node.as_ref()) {
                references_of_node(n, at, out);
            }
        }
    }
}

/// `RETURN expr` as `SELECT expr`, which pg_query's node walker enters (it does not enter a
/// `ReturnStmt`); any other statement as it is.
fn as_select(node: &NodeEnum) -> NodeEnum {
    use pg_query::protobuf::{Node, ResTarget, SelectStmt};
    match node {
        NodeEnum::ReturnStmt(r) => NodeEnum::SelectStmt(Box::new(SelectStmt {
            target_list: vec![Node {
                node: Some(NodeEnum::ResTarget(Box::new(ResTarget {
                    val: r.returnval.clone(),
                    ..Default::default()
                }))),
            }],
            ..Default::default()
        })),
        other => other.clone(),
    }
}

fn flatten<'a>(node: &'a pg_query::protobuf::Node, out: &mut Vec<&'a NodeEnum>) {
    match node.node.as_ref() {
        Some(NodeEnum::List(l)) => l.items.iter().for_each(|i| flatten(i, out)),
        Some(n) => out.push(n),
        None => {}
    }
}

fn references_of_node(node: &NodeEnum, at: Option<Span>, out: &mut Vec<BodyReference>) {
    use pg_query::{Context, NodeRef};
    if let NodeEnum::RefreshMatViewStmt(r) = node {
        if let Some(rv) = &r.relation {
            out.push(BodyReference {
                schema: (!rv.schemaname.is_empty()).then(|| rv.schemaname.clone()),
                name: rv.relname.clone(),
                action: if r.concurrent {
                    BodyAction::RefreshConcurrently
                } else {
                    BodyAction::Refresh
                },
                span: at,
            });
        }
        return;
    }
    let mut ctes = Vec::new();
    let nodes = node.nodes();
    for (n, _, _, _) in &nodes {
        if let NodeRef::CommonTableExpr(c) = n {
            ctes.push(c.ctename.clone());
        }
    }
    for (n, _, context, _) in nodes {
        if let NodeRef::RangeVar(rv) = n {
            if rv.schemaname.is_empty() && ctes.contains(&rv.relname) {
                continue;
            }
            let action = match context {
                Context::DML | Context::DDL => BodyAction::Write,
                _ => BodyAction::Read,
            };
            let reference = BodyReference {
                schema: (!rv.schemaname.is_empty()).then(|| rv.schemaname.clone()),
                name: rv.relname.clone(),
                action,
                span: at,
            };
            if !out.contains(&reference) {
                out.push(reference);
            }
        }
    }
}

/// Routines a SQL body calls (`FuncCall` nodes), as [`BodyAction::Call`] references; names
/// qualified with `pg_catalog` are built-ins and left out. PL/pgSQL bodies are not searched:
/// PostgreSQL neither checks nor records what they call.
fn calls_of_node(node: &NodeEnum, at: Option<Span>, out: &mut Vec<BodyReference>) {
    use pg_query::NodeRef;
    for (n, _, _, _) in node.nodes() {
        let NodeRef::FuncCall(fc) = n else { continue };
        let parts = crate::parse::nodes::strings(&fc.funcname);
        let (schema, name) = match parts.as_slice() {
            [name] => (None, name.clone()),
            [schema, name] => (Some(schema.clone()), name.clone()),
            _ => continue,
        };
        if schema.as_deref() == Some("pg_catalog") {
            continue;
        }
        let reference = BodyReference {
            schema,
            name,
            action: BodyAction::Call,
            span: at,
        };
        if !out.contains(&reference) {
            out.push(reference);
        }
    }
}
