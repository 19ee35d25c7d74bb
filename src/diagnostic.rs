//! Diagnostics: plain data describing one finding, shared by the loader and the lint rules.
//!
//! A diagnostic holds byte spans; reporters turn them into lines and columns.

use crate::source::Span;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; never changes the exit code.
    Info,
    /// Worth fixing; does not fail `schema-lint`.
    Warning,
    /// A defect; `schema-lint` exits 1.
    Error,
}

impl Severity {
    /// Lower-case name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary location of a diagnostic ("table declared here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there.
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable kebab-case rule name (`relation-name-collision`, `syntax-error`, …).
    pub rule: &'static str,
    /// Severity after configuration.
    pub severity: Severity,
    /// One-sentence description of this occurrence.
    pub message: String,
    /// Primary location, when the finding has one.
    pub span: Option<Span>,
    /// Other involved places.
    pub labels: Vec<Label>,
    /// How to fix it, when there is something to say.
    pub help: Option<String>,
    /// Schema-qualified names of the objects involved.
    pub objects: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with a message and a primary span.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        message: impl Into<String>,
        span: Option<Span>,
    ) -> Self {
        Diagnostic {
            rule,
            severity,
            message: message.into(),
            span,
            labels: Vec::new(),
            help: None,
            objects: Vec::new(),
        }
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds an involved object's name.
    #[must_use]
    pub fn with_object(mut self, object: impl ToString) -> Self {
        self.objects.push(object.to_string());
        self
    }

    /// Adds a secondary label in place.
    pub fn label(&mut self, span: Option<Span>, message: impl Into<String>) -> &mut Self {
        if let Some(span) = span {
            self.labels.push(Label {
                span,
                message: message.into(),
            });
        }
        self
    }

    /// Sets the help text in place.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Adds an involved object's name in place.
    pub fn object(&mut self, object: impl ToString) -> &mut Self {
        self.objects.push(object.to_string());
        self
    }

    /// Sort key that makes output deterministic: file, position, rule, message.
    pub fn sort_key(&self) -> (u32, u32, &'static str, &str) {
        let (file, start) = self.span.map_or((u32::MAX, 0), |s| (s.file.0, s.start));
        (file, start, self.rule, &self.message)
    }
}
