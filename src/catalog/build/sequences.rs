//! `CREATE SEQUENCE` and `ALTER SEQUENCE`.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use super::Builder;
use super::context::Ctx;
use crate::catalog::names::QualifiedName;
use crate::catalog::typename::format_type_name;
use crate::catalog::{Duplicate, Sequence};
use crate::parse::nodes::{bool_value, def_elems, int_value, strings};

impl Builder {
    /// `CREATE SEQUENCE`.
    pub(super) fn create_sequence(&mut self, s: &protobuf::CreateSeqStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.sequence else { return };
        let name = ctx.qualify(rv);
        if self.catalog.sequences.contains_key(&name) {
            if !s.if_not_exists {
                self.catalog.duplicates.push(Duplicate {
                    kind: "sequence",
                    name: name.to_string(),
                    first: self.catalog.sequences[&name].meta.span,
                    second: Some(ctx.span),
                });
            }
            return;
        }
        let mut seq = Sequence::new(name.clone());
        seq.meta = ctx.meta();
        apply_sequence_options(&mut seq, &s.options, ctx);
        self.taken_relations.insert(name.clone());
        self.catalog.sequences.insert(name, seq);
    }

    /// `ALTER SEQUENCE`: options changed.
    pub(super) fn alter_sequence(&mut self, s: &protobuf::AlterSeqStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.sequence else { return };
        let name = ctx.qualify(rv);
        match self.catalog.sequences.get_mut(&name) {
            Some(seq) => apply_sequence_options(seq, &s.options, ctx),
            None if s.missing_ok => {}
            None => self.unknown(ctx, "sequence", &name),
        }
    }
}

/// Applies `CREATE/ALTER SEQUENCE` options (`AS`, `INCREMENT`, `OWNED BY`…).
pub(super) fn apply_sequence_options(seq: &mut Sequence, options: &[Node], ctx: &Ctx<'_>) {
    for d in def_elems(options) {
        let arg = d.arg.as_deref();
        let int = || arg.and_then(int_value);
        match d.defname.as_str() {
            "as" => {
                if let Some(NodeEnum::TypeName(t)) = arg.and_then(|a| a.node.as_ref()) {
                    seq.data_type = format_type_name(t);
                }
            }
            "increment" => seq.increment = int().unwrap_or(1),
            "start" => seq.start = int(),
            "minvalue" => seq.min_value = int(),
            "maxvalue" => seq.max_value = int(),
            "cache" => seq.cache = int().unwrap_or(1),
            "cycle" => seq.cycle = arg.is_none_or(bool_value),
            "owned_by" => {
                let parts = match arg.and_then(|a| a.node.as_ref()) {
                    Some(NodeEnum::List(l)) => strings(&l.items),
                    _ => Vec::new(),
                };
                seq.owned_by = match parts.as_slice() {
                    [n] if n == "none" => None,
                    [t, c] => Some((QualifiedName::new(ctx.schema(), t.clone()), c.clone())),
                    [.., s, t, c] => Some((QualifiedName::new(s.clone(), t.clone()), c.clone())),
                    _ => None,
                };
            }
            _ => {}
        }
    }
}
