//! `schema-lint`: parse the schema, build the graph, run the rules, report.

use std::io::Write;

use clap::Parser;

use super::ExitStatus;
use super::inputs::{SchemaInputs, ignore_set, load_options};
use crate::config::ConfigFile;
use crate::diagnostic::Severity;
use crate::error::Error;
use crate::graph::DepGraph;
use crate::lint::registry;
use crate::lint::settings::LintSettings;
use crate::loaded::Project;
use crate::report::{self, Format, RuleInfo, Summary};

/// Graph output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
}

/// `schema-lint` arguments.
#[derive(Debug, Parser)]
#[command(
    name = "schema-lint",
    version,
    about = "Lint a declarative PostgreSQL schema: parse it, build its dependency graph, report defects",
    after_help = "Exit status: 0 no errors, 1 errors found, 2 bad input (unreadable or unparsable SQL, bad flags)."
)]
pub struct LintArgs {
    /// The desired state: schema paths, externals, ignores, configuration file.
    #[command(flatten)]
    pub schema: SchemaInputs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print the dependency graph instead of linting.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub graph: Option<GraphFormat>,
    /// List everything that depends on a table or `table.column`, transitively, with the path.
    #[arg(long, value_name = "NAME")]
    pub impact: Option<String>,
    /// Print a rule's documentation.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
    /// List the rules with their levels.
    #[arg(long)]
    pub list_rules: bool,
    /// Also check the declared external tables against this database (`external-table-mismatch`).
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

/// Runs `schema-lint`.
pub fn run(args: LintArgs) -> Result<ExitStatus, Error> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    run_to(args, &mut out)
}

/// Runs `schema-lint`, writing to `out`.
pub fn run_to(args: LintArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let (config, _path) = ConfigFile::discover(args.schema.config.as_deref())?;
    let mut settings = LintSettings::from_config(&config);
    if let Some(name) = &args.explain {
        let rule = registry::find(name).ok_or_else(|| {
            Error::Usage(format!(
                "no rule named `{name}`; `schema-lint --list-rules` lists them"
            ))
        })?;
        writeln!(
            out,
            "# {}\n\n{}\n\nDefault level: {:?}.\n\n{}",
            rule.name, rule.summary, rule.default_level, rule.docs
        )?;
        return Ok(ExitStatus::Success);
    }
    if args.list_rules {
        for rule in registry::RULES.iter().chain(registry::LOADER_RULES) {
            let level = crate::lint::effective_level(rule, &settings);
            writeln!(
                out,
                "{:<44} {:<8} {}",
                rule.name,
                format!("{level:?}").to_lowercase(),
                rule.summary
            )?;
        }
        return Ok(ExitStatus::Success);
    }
    let paths = args.schema.paths(&config);
    let external = args.schema.external(&config);
    let opts = load_options(paths, external, &config);
    let project = Project::load(&opts)?;
    if let Some(url) = &args.database_url {
        settings.live = Some(std::sync::Arc::new(read_external_schemas(url, &project)?));
    }
    let graph = DepGraph::build(&project.catalog);
    if let Some(format) = args.graph {
        out.write_all(
            match format {
                GraphFormat::Dot => graph.render_dot(),
                GraphFormat::Mermaid => graph.render_mermaid(),
            }
            .as_bytes(),
        )?;
        return Ok(ExitStatus::Success);
    }
    if let Some(name) = &args.impact {
        let impact = graph.impact(name).ok_or_else(|| {
            Error::Usage(format!(
                "no table, view or column named `{name}` (use `table`, `schema.table` or `table.column`)"
            ))
        })?;
        for (object, path) in impact {
            let kind = graph
                .lookup(&object)
                .map_or("object", |i| graph.node(i).kind.as_str());
            writeln!(out, "{kind} {object}: {}", path.join(" ← "))?;
        }
        return Ok(ExitStatus::Success);
    }
    let mut diagnostics = crate::lint::lint(&project, &graph, &settings);
    let ignore = ignore_set(args.schema.ignore(&config).iter())?;
    diagnostics.retain(|d| d.objects.is_empty() || !d.objects.iter().all(|o| ignore.matches(o)));
    let summary = Summary::new(
        &diagnostics,
        project.desired_file_count(),
        project.catalog.object_count(),
    );
    report::write(
        out,
        args.format,
        &project.sources,
        &diagnostics,
        summary,
        &rule_infos(),
        super::color_enabled(),
    )?;
    let unparsable = diagnostics
        .iter()
        .any(|d| d.rule == crate::parse::SYNTAX_ERROR);
    // The process ends right after this: freeing a large catalog and graph piece by piece
    // only delays the exit (about 10% of a 2,000-table run); the OS takes the memory back.
    std::mem::forget(graph);
    std::mem::forget(project);
    std::mem::forget(diagnostics);
    Ok(if unparsable {
        ExitStatus::Error
    } else if summary.errors > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// What the reports say about every rule (lint and loader), from the registry.
pub fn rule_infos() -> Vec<RuleInfo> {
    use crate::lint::settings::Level;
    registry::RULES
        .iter()
        .chain(registry::LOADER_RULES)
        .map(|r| RuleInfo {
            name: r.name,
            summary: r.summary,
            docs: r.docs,
            default_severity: match r.default_level {
                Level::Error => Some(Severity::Error),
                Level::Warning => Some(Severity::Warning),
                Level::Off => None,
            },
        })
        .collect()
}

/// Reads the live catalog of the schemas the declared external tables live in.
fn read_external_schemas(url: &str, project: &Project) -> Result<crate::catalog::Catalog, Error> {
    use crate::db::connect::{ConnectOptions, connect};
    use crate::introspect::{IntrospectOptions, introspect};
    let schemas: std::collections::BTreeSet<String> = project
        .catalog
        .externals
        .keys()
        .map(|n| n.schema.clone())
        .collect();
    if schemas.is_empty() {
        return Ok(crate::catalog::Catalog::new());
    }
    let mut client = connect(&ConnectOptions::with_process_env(Some(url.to_owned())))?;
    let opts = IntrospectOptions {
        schemas: schemas.into_iter().collect(),
        threads: 0,
    };
    Ok(introspect(&mut client, &opts)?)
}
