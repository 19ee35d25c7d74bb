//! A loaded project: every file's text, where each of its statements is, and the catalog
//! lowered from them, with the problems found on the way.
//!
//! Files are cut into pieces at statement boundaries, parsed on all cores and lowered in file
//! order. No I/O here: [`crate::project`] reads the files from disk, and
//! [`Project::from_sql`] builds a project from SQL in memory. Rules and tests use this module.

use crate::catalog::Catalog;
use crate::catalog::build::CatalogBuilder;
use crate::diagnostic::Diagnostic;
use crate::parse::{ParsedFile, parse_file};
use crate::source::{FileId, SourceMap, Span};
use crate::stack::DEEP_STACK;

/// Rule name for an external declaration file without an owning service.
pub const EXTERNAL_WITHOUT_OWNER: &str = "external-without-owner";

/// Where one statement of a file is (its parse tree is not kept once lowered: see
/// [`Project::statement`] to parse one again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementInfo {
    /// The statement, leading comments trimmed.
    pub span: Span,
    /// Where its leading comments start.
    pub raw_start: u32,
    /// What kind of statement it is, for rules that look at a few kinds only.
    pub kind: StatementKind,
}

/// Statement kinds some rules look for among the top-level statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    /// `ALTER TABLE`.
    AlterTable,
    /// `REFRESH MATERIALIZED VIEW`.
    RefreshMatView,
    /// `CREATE FUNCTION`/`PROCEDURE`.
    CreateFunction,
    /// `SET search_path` or pg_dump's `SELECT pg_catalog.set_config('search_path', …)`.
    SetOrSelect,
    /// Anything else.
    Other,
}

impl StatementKind {
    fn of(node: &pg_query::NodeEnum) -> Self {
        use pg_query::NodeEnum as N;
        match node {
            N::AlterTableStmt(_) => StatementKind::AlterTable,
            N::RefreshMatViewStmt(_) => StatementKind::RefreshMatView,
            N::CreateFunctionStmt(_) => StatementKind::CreateFunction,
            N::VariableSetStmt(_) | N::SelectStmt(_) => StatementKind::SetOrSelect,
            _ => StatementKind::Other,
        }
    }
}

/// One loaded file.
#[derive(Debug)]
pub struct LoadedFile {
    /// Its id in the source map.
    pub id: FileId,
    /// Its statements' locations.
    pub statements: Vec<StatementInfo>,
    /// Owning service when it declares external tables.
    pub external_owner: Option<String>,
}

/// Everything read for one run.
#[derive(Debug)]
pub struct Project {
    /// All files' text.
    pub sources: SourceMap,
    /// Parsed files, desired state first, then externals, each group in path order.
    pub files: Vec<LoadedFile>,
    /// The catalog built from them.
    pub catalog: Catalog,
    /// Problems found while loading (syntax errors, unsupported statements, …).
    pub diagnostics: Vec<Diagnostic>,
}

impl Project {
    /// A project from in-memory SQL (tests, examples): one desired file and optional externals.
    pub fn from_sql(sql: &str, externals: &[(&str, &str)]) -> Project {
        let mut sources = SourceMap::new();
        sources.add("schema.sql", sql.to_owned());
        for (i, (_, text)) in externals.iter().enumerate() {
            sources.add(format!("external{i}.sql"), (*text).to_owned());
        }
        let owners: Vec<Option<String>> = (0..sources.len())
            .map(|i| i.checked_sub(1).map(|j| externals[j].0.to_owned()))
            .collect();
        let (files, catalog, diagnostics) = lower(&sources, &owners, "public");
        Project {
            sources,
            files,
            catalog,
            diagnostics,
        }
    }

    /// Parses one statement again (node locations are made file offsets through `base`).
    pub fn statement(&self, file: FileId, info: &StatementInfo) -> Option<crate::parse::Statement> {
        let text = &self.sources.file(file).text;
        let (start, end) = (info.span.start as usize, info.span.end as usize);
        let mut parsed = parse_file(file, text.get(start..end)?);
        shift(&mut parsed, start);
        parsed.statements.into_iter().next()
    }

    /// Number of desired-state (non-external) files.
    pub fn desired_file_count(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.external_owner.is_none())
            .count()
    }
}

/// Size of the pieces files are cut into for parsing. Small pieces keep each pg_query call's
/// memory small and let two threads share one large file; each piece's trees are lowered into
/// the catalog and dropped as soon as its turn comes, so the trees of a whole schema (608 bytes
/// a node) are never alive at once.
const PIECE_BYTES: usize = 64 * 1024;

/// Parses every file on all cores and lowers the statements in file order, on threads with
/// deep stacks.
pub(crate) fn lower(
    sources: &SourceMap,
    owners: &[Option<String>],
    default_schema: &str,
) -> (Vec<LoadedFile>, Catalog, Vec<Diagnostic>) {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, || lower_here(sources, owners, default_schema))
            .ok()
            .and_then(|h| h.join().ok())
            .unwrap_or_else(|| lower_here(sources, owners, default_schema))
    })
}

fn lower_here(
    sources: &SourceMap,
    owners: &[Option<String>],
    default_schema: &str,
) -> (Vec<LoadedFile>, Catalog, Vec<Diagnostic>) {
    let pieces: Vec<(FileId, usize, usize)> = sources
        .iter()
        .flat_map(|(id, f)| {
            split_pieces(&f.text)
                .into_iter()
                .map(move |(a, b)| (id, a, b))
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 8);
    let mut files: Vec<LoadedFile> = sources
        .iter()
        .map(|(id, _)| LoadedFile {
            id,
            statements: Vec::new(),
            external_owner: owners.get(id.0 as usize).cloned().flatten(),
        })
        .collect();
    let mut diagnostics = Vec::new();
    let mut builder = CatalogBuilder::new(default_schema);
    let mut deliver = |i: usize, parsed: ParsedFile| {
        let (file, _, _) = pieces[i];
        let text = &sources.file(file).text;
        diagnostics.extend(parsed.diagnostics);
        let owner = owners.get(file.0 as usize).and_then(Option::as_deref);
        for stmt in parsed.statements {
            files[file.0 as usize].statements.push(StatementInfo {
                span: stmt.span,
                raw_start: stmt.raw_start,
                kind: StatementKind::of(&stmt.node),
            });
            builder.push(file, text, owner, stmt);
        }
    };
    let parse_piece = |i: usize| {
        let (file, start, end) = pieces[i];
        let mut p = parse_file(file, &sources.file(file).text[start..end]);
        shift(&mut p, start);
        p
    };
    if threads == 1 || pieces.len() == 1 {
        for i in 0..pieces.len() {
            deliver(i, parse_piece(i));
        }
    } else {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, ParsedFile)>(threads * 2);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let tx = tx.clone();
                let next = &next;
                let parse_piece = &parse_piece;
                let count = pieces.len();
                let spawned = std::thread::Builder::new()
                    .stack_size(DEEP_STACK)
                    .spawn_scoped(scope, move || {
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            if i >= count || tx.send((i, parse_piece(i))).is_err() {
                                break;
                            }
                        }
                    });
                if spawned.is_err() {
                    break;
                }
            }
            drop(tx);
            // Deliver strictly in order; pieces that arrive early wait in a small buffer.
            let mut waiting = std::collections::BTreeMap::new();
            let mut want = 0;
            for (i, p) in rx {
                waiting.insert(i, p);
                while let Some(p) = waiting.remove(&want) {
                    deliver(want, p);
                    want += 1;
                }
            }
            // Only if a worker could not be started: parse what is left here.
            while want < pieces.len() {
                deliver(
                    want,
                    waiting.remove(&want).unwrap_or_else(|| parse_piece(want)),
                );
                want += 1;
            }
        });
    }
    let (catalog, mut built) = builder.finish();
    diagnostics.append(&mut built);
    (files, catalog, diagnostics)
}

/// Cuts a file into pieces of about [`PIECE_BYTES`] at statement boundaries.
fn split_pieces(text: &str) -> Vec<(usize, usize)> {
    if text.len() <= PIECE_BYTES {
        return vec![(0, text.len())];
    }
    let Ok(statements) = pg_query::split_with_scanner(text) else {
        return vec![(0, text.len())];
    };
    let mut bounds = vec![0usize];
    for p in &statements {
        let end = p.as_ptr() as usize - text.as_ptr() as usize + p.len();
        if end - bounds.last().copied().unwrap_or(0) >= PIECE_BYTES {
            // Include the terminating semicolon in this piece.
            let end = text[end..].find(';').map_or(end, |i| end + i + 1);
            bounds.push(end);
        }
    }
    bounds.push(text.len());
    bounds.dedup();
    bounds.windows(2).map(|w| (w[0], w[1])).collect()
}

fn shift(p: &mut ParsedFile, by: usize) {
    let by32 = u32::try_from(by).unwrap_or(u32::MAX);
    for s in &mut p.statements {
        s.span = Span::new(
            s.span.file,
            s.span.start as usize + by,
            s.span.end as usize + by,
        );
        s.raw_start += by32;
        s.base += by32;
    }
    for d in &mut p.diagnostics {
        d.span = d
            .span
            .map(|s| Span::new(s.file, s.start as usize + by, s.end as usize + by));
        for l in &mut d.labels {
            l.span = Span::new(
                l.span.file,
                l.span.start as usize + by,
                l.span.end as usize + by,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_file_at_statement_boundaries() {
        let text: String = (0..4000)
            .map(|i| format!("create table t{i} (id int primary key);\n"))
            .collect();
        let pieces = split_pieces(&text);
        assert!(pieces.len() > 2);
        assert_eq!(pieces[0].0, 0);
        assert_eq!(pieces.last().unwrap().1, text.len());
        for w in pieces.windows(2) {
            assert_eq!(w[0].1, w[1].0);
            assert!(text[..w[0].1].ends_with(';'));
        }
        let project = Project::from_sql(&text, &[]);
        assert_eq!(project.catalog.tables.len(), 4000);
        assert_eq!(project.files[0].statements.len(), 4000);
    }
}
