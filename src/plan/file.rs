//! Plan files: what `schema-plan --out` writes and `schema-apply --plan` reads.
//!
//! The file is the plan JSON of DESIGN.md (`steps`, `fingerprint`, `summary`) plus a format
//! name and version, the scope the target was read with (managed schemas, ignore patterns) and
//! the desired state as SQL (so that apply can verify the result without the source files).
//! `fingerprint.objects` holds one hash per object of the target at planning time, so a drift
//! check can name what changed.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::hazard::{Hazard, HazardKind};
use super::{Plan, Step, Summary, sha256_hex};

/// The `format` field of a plan file.
pub const FORMAT: &str = "schema-tool-plan";
/// The plan-file version this build writes and reads.
pub const VERSION: u64 = 1;

/// A plan and the scope it was computed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanFile {
    /// The plan.
    pub plan: Plan,
    /// Managed schemas the target was read with (empty: every non-system schema).
    pub schemas: Vec<String>,
    /// Ignore patterns the diff used.
    pub ignore: Vec<String>,
}

/// Why a plan file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    /// Not JSON.
    #[error("the plan file is not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but not a plan file this version reads.
    #[error("not a plan file this schema-apply reads: {0}")]
    Shape(String),
}

fn shape(msg: impl Into<String>) -> PlanFileError {
    PlanFileError::Shape(msg.into())
}

fn string(v: &Value, key: &str) -> Result<String, PlanFileError> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| shape(format!("`{key}` is missing or not a string")))
}

fn strings(v: Option<&Value>) -> Result<Vec<String>, PlanFileError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| shape("a list holds a non-string"))
            })
            .collect(),
        Some(_) => Err(shape("a list was expected")),
    }
}

fn string_map(v: Option<&Value>) -> Result<BTreeMap<String, String>, PlanFileError> {
    match v {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, x)| {
                x.as_str()
                    .map(|s| (k.clone(), s.to_owned()))
                    .ok_or_else(|| shape(format!("`{k}` is not a string")))
            })
            .collect(),
        Some(_) => Err(shape("an object was expected")),
    }
}

fn count_map(v: Option<&Value>) -> BTreeMap<String, usize> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, n)| Some((k.clone(), usize::try_from(n.as_u64()?).ok()?)))
                .collect()
        })
        .unwrap_or_default()
}

fn step(v: &Value, i: usize) -> Result<Step, PlanFileError> {
    let hazards = match v.get("hazards") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|h| {
                let kind = string(h, "kind")?;
                let kind = HazardKind::from_name(&kind).ok_or_else(|| {
                    shape(format!("step {}: unknown hazard kind `{kind}`", i + 1))
                })?;
                Ok(Hazard {
                    kind,
                    message: string(h, "message")?,
                })
            })
            .collect::<Result<_, PlanFileError>>()?,
        Some(_) => return Err(shape(format!("step {}: `hazards` is not a list", i + 1))),
    };
    Ok(Step {
        sql: string(v, "sql").map_err(|e| shape(format!("step {}: {e}", i + 1)))?,
        objects: strings(v.get("objects"))?,
        hazards,
        transactional: v
            .get("transactional")
            .and_then(Value::as_bool)
            .ok_or_else(|| shape(format!("step {}: `transactional` is missing", i + 1)))?,
        why: v
            .get("why")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    })
}

impl PlanFile {
    /// The file's JSON.
    pub fn to_json(&self) -> Value {
        let mut v = self.plan.to_json();
        if let Value::Object(m) = &mut v {
            m.insert("format".to_owned(), json!(FORMAT));
            m.insert("version".to_owned(), json!(VERSION));
            m.insert(
                "scope".to_owned(),
                json!({"schemas": self.schemas, "ignore": self.ignore}),
            );
            m.insert(
                "desired".to_owned(),
                json!({"sql": self.plan.desired_sql, "externals": self.plan.externals_sql}),
            );
        }
        v
    }

    /// Reads a plan file's JSON.
    pub fn from_json(text: &str) -> Result<PlanFile, PlanFileError> {
        let v: Value = serde_json::from_str(text)?;
        match v.get("format").and_then(Value::as_str) {
            Some(FORMAT) => {}
            Some(other) => return Err(shape(format!("format `{other}`, expected `{FORMAT}`"))),
            None => {
                return Err(shape(
                    "no `format` field: write the file with `schema-plan --out FILE`",
                ));
            }
        }
        match v.get("version").and_then(Value::as_u64) {
            Some(VERSION) => {}
            other => {
                return Err(shape(format!(
                    "version {}, this build reads version {VERSION}: plan again with this version's schema-plan",
                    other.map_or_else(|| "missing".to_owned(), |n| n.to_string())
                )));
            }
        }
        let steps = v
            .get("steps")
            .and_then(Value::as_array)
            .ok_or_else(|| shape("`steps` is missing"))?
            .iter()
            .enumerate()
            .map(|(i, s)| step(s, i))
            .collect::<Result<Vec<_>, _>>()?;
        let fp = v
            .get("fingerprint")
            .ok_or_else(|| shape("`fingerprint` is missing"))?;
        let mut fingerprint = BTreeMap::new();
        fingerprint.insert("current".to_owned(), string(fp, "current")?);
        fingerprint.insert("desired".to_owned(), string(fp, "desired")?);
        let objects = string_map(fp.get("objects"))?;
        let summary_v = v.get("summary");
        let summary = Summary {
            steps: steps.len(),
            by_kind: count_map(summary_v.and_then(|s| s.get("changes"))),
            hazards: count_map(summary_v.and_then(|s| s.get("hazards"))),
        };
        let desired = v
            .get("desired")
            .ok_or_else(|| shape("`desired` is missing: apply could not verify the result"))?;
        let desired_sql = string(desired, "sql")?;
        let externals_sql = desired
            .get("externals")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let scope = v.get("scope");
        Ok(PlanFile {
            plan: Plan {
                steps,
                fingerprint,
                objects,
                desired_sql,
                externals_sql,
                summary,
            },
            schemas: strings(scope.and_then(|s| s.get("schemas")))?,
            ignore: strings(scope.and_then(|s| s.get("ignore")))?,
        })
    }

    /// A digest naming this plan (its steps and fingerprint), recorded in the apply history so
    /// an interrupted apply of the same plan can be resumed.
    pub fn digest(&self) -> String {
        plan_digest(&self.plan)
    }
}

/// A digest naming a plan: its steps (SQL and transactionality) and fingerprint.
pub fn plan_digest(p: &Plan) -> String {
    let mut text = String::new();
    for (k, v) in &p.fingerprint {
        text.push_str(k);
        text.push('=');
        text.push_str(v);
        text.push('\n');
    }
    for s in &p.steps {
        text.push_str(if s.transactional { "T " } else { "N " });
        text.push_str(&s.sql);
        text.push('\0');
    }
    sha256_hex(text.as_bytes())
}

/// What differs between the objects hashed when a plan was made and now, one line each
/// (`changed: tables/public.t.sql`), in name order.
pub fn drift(then: &BTreeMap<String, String>, now: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in then {
        match now.get(k) {
            None => out.push(format!("removed: {k}")),
            Some(w) if w != v => out.push(format!("changed: {k}")),
            Some(_) => {}
        }
    }
    for k in now.keys().filter(|k| !then.contains_key(*k)) {
        out.push(format!("added: {k}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PlanFile {
        let mut fingerprint = BTreeMap::new();
        fingerprint.insert("current".to_owned(), "a".repeat(64));
        fingerprint.insert("desired".to_owned(), "b".repeat(64));
        PlanFile {
            plan: Plan {
                steps: vec![Step {
                    sql: "DROP TABLE \"T\";".to_owned(),
                    objects: vec!["public.T".to_owned()],
                    hazards: vec![Hazard {
                        kind: HazardKind::DataLoss,
                        message: "rows lost".to_owned(),
                    }],
                    transactional: true,
                    why: "w".to_owned(),
                }],
                fingerprint,
                objects: [("tables/public.t.sql".to_owned(), "c".repeat(64))].into(),
                desired_sql: "CREATE TABLE x ();".to_owned(),
                externals_sql: String::new(),
                summary: Summary {
                    steps: 1,
                    by_kind: [("drop-table".to_owned(), 1)].into(),
                    hazards: [("data-loss".to_owned(), 1)].into(),
                },
            },
            schemas: vec!["public".to_owned()],
            ignore: vec!["knex*".to_owned()],
        }
    }

    #[test]
    fn plan_file_round_trips() {
        let f = sample();
        let text = serde_json::to_string(&f.to_json()).unwrap();
        assert_eq!(PlanFile::from_json(&text).unwrap(), f);
    }

    #[test]
    fn wrong_version_and_unknown_hazard_are_refused() {
        let mut v = sample().to_json();
        v["version"] = json!(99);
        let e = PlanFile::from_json(&v.to_string()).unwrap_err().to_string();
        assert!(e.contains("version 99"), "{e}");
        let mut v = sample().to_json();
        v["steps"][0]["hazards"][0]["kind"] = json!("data-lost");
        let e = PlanFile::from_json(&v.to_string()).unwrap_err().to_string();
        assert!(e.contains("data-lost"), "{e}");
        assert!(PlanFile::from_json("{").is_err());
    }

    #[test]
    fn drift_names_each_object() {
        let then: BTreeMap<String, String> =
            [("a".into(), "1".into()), ("b".into(), "2".into())].into();
        let now: BTreeMap<String, String> = [
            ("a".into(), "1".into()),
            ("b".into(), "3".into()),
            ("c".into(), "4".into()),
        ]
        .into();
        assert_eq!(drift(&then, &now), vec!["changed: b", "added: c"]);
    }
}
