//! Runs every `fixtures/lint/<rule>/<case>.sql`: the stated expectation must hold, and the
//! rendered findings must match the snapshot beside the fixture.

mod common;

use common::lint::Fixture;

fn fixture_paths() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lint");
    let mut paths: Vec<_> = walkdir::WalkDir::new(root)
        .min_depth(2)
        .max_depth(2)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn lint_fixtures() {
    let paths = fixture_paths();
    assert!(!paths.is_empty());
    for path in &paths {
        let path = path.as_path();
        let text = std::fs::read_to_string(path).unwrap();
        let rule = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let fixture = Fixture::parse(&text, rule).unwrap_or_else(|| {
            panic!(
                "{}: first line must be `-- expect: {rule}` or `-- expect: none`",
                path.display()
            )
        });
        let (found, rendered) = fixture.run(rule);
        assert_eq!(
            !found.is_empty(),
            fixture.expect_findings,
            "{}: expectation does not hold; found:\n{rendered}",
            path.display()
        );
        insta::with_settings!({
            snapshot_path => path.parent().unwrap(),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(path.file_name().unwrap().to_str().unwrap(), rendered);
        });
    }
}

#[test]
fn every_rule_has_a_failing_and_a_passing_fixture() {
    for rule in schema_tool::lint::registry::RULES {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/lint")
            .join(rule.name);
        let mut bad = 0;
        let mut good = 0;
        for entry in
            std::fs::read_dir(&dir).unwrap_or_else(|_| panic!("add fixtures/lint/{}/", rule.name))
        {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "sql") {
                let text = std::fs::read_to_string(&path).unwrap();
                match Fixture::parse(&text, rule.name) {
                    Some(f) if f.expect_findings => bad += 1,
                    Some(_) => good += 1,
                    None => panic!("{}: bad header", path.display()),
                }
            }
        }
        assert!(
            bad > 0 && good > 0,
            "{}: needs at least one failing and one passing fixture",
            rule.name
        );
    }
}
