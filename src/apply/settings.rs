//! Apply settings: timeouts, retries and the hazards allowed, from flags and `schema.toml`.

use std::time::Duration;

use crate::plan::hazard::HazardKind;

/// How an apply runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `lock_timeout` of every statement (default 5 s).
    pub lock_timeout: Duration,
    /// `statement_timeout` of every statement (`None`: no limit, the default).
    pub statement_timeout: Option<Duration>,
    /// How many times a part is retried after a lock timeout (default 5).
    pub retries: u32,
    /// First wait before a retry; doubled each time, at most [`Settings::MAX_BACKOFF`].
    pub backoff: Duration,
    /// How long to wait for another `schema-apply` on the same database (default 30 s).
    pub wait: Duration,
    /// Hazard kinds allowed.
    pub allowed: Vec<HazardKind>,
}

impl Settings {
    /// Longest wait between two attempts.
    pub const MAX_BACKOFF: Duration = Duration::from_secs(10);

    /// Hazard kinds allowed without `--allow-hazard`: those whose worst case is a clean
    /// failure or a bounded wait (`lock_timeout`). `data-loss`, `table-rewrite`,
    /// `index-build`, `security-weakened` and `needs-backfill` must be allowed explicitly.
    pub const DEFAULT_ALLOWED: [HazardKind; 4] = [
        HazardKind::AccessExclusiveLock,
        HazardKind::ValidationScan,
        HazardKind::RebuildsDependents,
        HazardKind::NonTransactional,
    ];

    /// The wait before retry number `attempt` (1-based): `backoff · 2^(attempt-1)`, capped.
    pub fn backoff_for(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        self.backoff.saturating_mul(factor).min(Self::MAX_BACKOFF)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lock_timeout: Duration::from_secs(5),
            statement_timeout: None,
            retries: 5,
            backoff: Duration::from_millis(200),
            wait: Duration::from_secs(30),
            allowed: Self::DEFAULT_ALLOWED.to_vec(),
        }
    }
}

/// Reads a duration as PostgreSQL does for its timeouts: a number with a unit (`ms`, `s`,
/// `min`, `h`), or a bare number of milliseconds; `0` means none.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 500ms, 5s, 2min)"))?;
    let ms = match unit.trim() {
        "" | "ms" => n,
        "s" => n * 1_000.0,
        "min" | "m" => n * 60_000.0,
        "h" => n * 3_600_000.0,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{text}` (ms, s, min, h)"
            ));
        }
    };
    if !ms.is_finite() || !(0.0..=1e12).contains(&ms) {
        return Err(format!("`{text}` is out of range"));
    }
    // Whole milliseconds: PostgreSQL's unit for both timeouts.
    Ok(Duration::from_millis(ms.round() as u64))
}

/// Parses hazard kind names, saying which names exist when one does not.
pub fn parse_hazards(names: &[String]) -> Result<Vec<HazardKind>, String> {
    names
        .iter()
        .map(|n| {
            HazardKind::from_name(n).ok_or_else(|| {
                let known: Vec<&str> = HazardKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown hazard kind `{n}`; known kinds: {}",
                    known.join(", ")
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_postgresql() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("2min"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("250"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let s = Settings::default();
        assert_eq!(s.backoff_for(1), Duration::from_millis(200));
        assert_eq!(s.backoff_for(3), Duration::from_millis(800));
        assert_eq!(s.backoff_for(30), Settings::MAX_BACKOFF);
    }

    #[test]
    fn hazard_names_are_validated() {
        assert_eq!(
            parse_hazards(&["data-loss".to_owned()]),
            Ok(vec![HazardKind::DataLoss])
        );
        let e = parse_hazards(&["data_loss".to_owned()]).unwrap_err();
        assert!(e.contains("known kinds: data-loss"), "{e}");
    }
}
