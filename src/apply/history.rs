//! The apply history: one row per apply in `schema_tool.apply_history`, created on demand. The
//! row is written when the apply starts, marked in the same transaction as the transactional
//! steps (so "transactional part committed" is exact even if the process is killed right
//! after), and finished with the outcome and per-step times.

use postgres::GenericClient;
use serde_json::Value;

const CREATE: &str = "CREATE SCHEMA IF NOT EXISTS schema_tool;
CREATE TABLE IF NOT EXISTS schema_tool.apply_history (
    id bigserial PRIMARY KEY,
    plan_digest text NOT NULL,
    fingerprint jsonb NOT NULL,
    tool_version text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    outcome text NOT NULL DEFAULT 'running',
    transactional_done boolean NOT NULL DEFAULT false,
    steps jsonb NOT NULL,
    message text
);";

/// Creates the history schema and table when missing (run under the apply lock).
pub fn ensure(client: &mut impl GenericClient) -> Result<(), postgres::Error> {
    // Creating the schema when it exists still takes a catalog lock; look first.
    let exists: bool = client
        .query_one(
            "SELECT to_regclass('schema_tool.apply_history') IS NOT NULL",
            &[],
        )?
        .get(0);
    if !exists {
        client.batch_execute(CREATE)?;
    }
    Ok(())
}

/// Whether the history table exists (a dry run creates nothing).
pub fn exists(client: &mut impl GenericClient) -> Result<bool, postgres::Error> {
    Ok(client
        .query_one(
            "SELECT to_regclass('schema_tool.apply_history') IS NOT NULL",
            &[],
        )?
        .get(0))
}

/// Records the start of an apply; returns its id.
pub fn start(
    client: &mut impl GenericClient,
    plan_digest: &str,
    fingerprint: &Value,
    steps: &Value,
) -> Result<i64, postgres::Error> {
    let row = client.query_one(
        "INSERT INTO schema_tool.apply_history (plan_digest, fingerprint, tool_version, steps) \
         VALUES ($1, $2::text::jsonb, $3, $4::text::jsonb) RETURNING id",
        &[
            &plan_digest,
            &fingerprint.to_string(),
            &env!("CARGO_PKG_VERSION"),
            &steps.to_string(),
        ],
    )?;
    Ok(row.get(0))
}

/// Marks the transactional part done; call inside the apply transaction.
pub fn mark_transactional_done(
    client: &mut impl GenericClient,
    id: i64,
) -> Result<(), postgres::Error> {
    client.execute(
        "UPDATE schema_tool.apply_history SET transactional_done = true WHERE id = $1",
        &[&id],
    )?;
    Ok(())
}

/// Records how an apply ended.
pub fn finish(
    client: &mut impl GenericClient,
    id: i64,
    outcome: &str,
    steps: &Value,
    message: Option<&str>,
) -> Result<(), postgres::Error> {
    client.execute(
        "UPDATE schema_tool.apply_history \
         SET finished_at = clock_timestamp(), outcome = $2, steps = $3::text::jsonb, message = $4 \
         WHERE id = $1",
        &[&id, &outcome, &steps.to_string(), &message],
    )?;
    Ok(())
}

/// Applies that never finished (the process was killed): id, start time, whether their
/// transactional part was committed. Marked `abandoned` so they are reported once.
pub fn abandon_unfinished(
    client: &mut impl GenericClient,
) -> Result<Vec<(i64, String, bool)>, postgres::Error> {
    let rows = client.query(
        "UPDATE schema_tool.apply_history SET outcome = 'abandoned' \
         WHERE outcome = 'running' \
         RETURNING id, started_at::text, transactional_done",
        &[],
    )?;
    let mut out: Vec<(i64, String, bool)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    out.sort();
    Ok(out)
}

/// The latest apply of this plan whose transactional part was committed but which did not
/// succeed: a resumable one.
pub fn resumable(
    client: &mut impl GenericClient,
    plan_digest: &str,
) -> Result<Option<i64>, postgres::Error> {
    let row = client.query_opt(
        "SELECT id FROM schema_tool.apply_history \
         WHERE plan_digest = $1 AND transactional_done AND outcome <> 'succeeded' \
           AND NOT EXISTS (SELECT 1 FROM schema_tool.apply_history h2 \
                           WHERE h2.plan_digest = $1 AND h2.outcome = 'succeeded') \
         ORDER BY id DESC LIMIT 1",
        &[&plan_digest],
    )?;
    Ok(row.map(|r| r.get(0)))
}
