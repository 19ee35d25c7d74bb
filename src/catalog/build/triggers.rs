//! `CREATE TRIGGER`.

use pg_query::protobuf;

use super::Builder;
use super::context::Ctx;
use super::values::value_text;
use crate::catalog::{Expr, Trigger};
use crate::parse::nodes::strings;

impl Builder {
    /// `CREATE TRIGGER` on a declared relation.
    pub(super) fn create_trigger(&mut self, s: &protobuf::CreateTrigStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.relation else { return };
        let table = ctx.qualify(rv);
        if self.catalog.relation(&table).is_none() {
            self.unknown(ctx, "table", &table);
            return;
        }
        let timing = if s.timing & 2 != 0 {
            "BEFORE"
        } else if s.timing & 64 != 0 {
            "INSTEAD OF"
        } else {
            "AFTER"
        };
        let mut events = Vec::new();
        if s.events & 4 != 0 {
            events.push("INSERT".to_owned());
        }
        if s.events & 16 != 0 {
            let cols = strings(&s.columns);
            events.push(if cols.is_empty() {
                "UPDATE".to_owned()
            } else {
                format!("UPDATE OF {}", cols.join(", "))
            });
        }
        if s.events & 8 != 0 {
            events.push("DELETE".to_owned());
        }
        if s.events & 32 != 0 {
            events.push("TRUNCATE".to_owned());
        }
        let key = (table.clone(), s.trigname.clone());
        if self.catalog.triggers.contains_key(&key) && !s.replace {
            self.duplicate("trigger", &format!("{} on {}", s.trigname, table), ctx);
            return;
        }
        let trigger = Trigger {
            name: s.trigname.clone(),
            table,
            timing: timing.to_owned(),
            events,
            for_each_row: s.row,
            function: ctx.qualify_list(&s.funcname),
            args: s.args.iter().map(value_text).collect(),
            when: s.when_clause.as_deref().map(|n| Expr::new(n.clone())),
            constraint: s.isconstraint,
            meta: ctx.meta(),
        };
        self.catalog.triggers.insert(key, trigger);
    }
}
