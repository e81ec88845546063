//! The command line governs a real model end to end: `examples/ci/lifecycle.sh` takes a
//! plain skl2onnx export from registration (names from `--features`) through assessment,
//! validation (by `examples/ci/govern.sh`, the CI example), three approvals, promotion,
//! deployment, explained decisions, a review, drift monitoring, an incident and the Annex IV
//! report, checking every exit code against the README's.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;
use common::{aigov_as, ok};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs an example script with the aigov built for this test, in a clean environment.
fn run_script(script: &Path, args: &[&Path]) -> std::process::Output {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_aigov"));
    let mut command = Command::new("bash");
    command.arg(script).args(args);
    for var in ["AIGOV_STORE", "AIGOV_ARTIFACTS", "AIGOV_ACTOR", "AIGOV_KEY"] {
        command.env_remove(var);
    }
    command
        .env("AIGOV", &bin)
        .output()
        .expect("bash runs the example")
}

#[test]
fn the_lifecycle_example_governs_a_plain_skl2onnx_export_end_to_end() {
    for tool in ["jq", "sha256sum", "paste"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(found, "the CI examples need {tool} on PATH");
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let work = tmp.path().join("work");
    let out = run_script(&workspace().join("examples/ci/lifecycle.sh"), &[&work]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "lifecycle.sh failed ({:?})\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("lifecycle complete: phishing-url@1"),
        "{stdout}"
    );
    // What the script saw, checked once more from here.
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(work.join(name)).expect(name);
        serde_json::from_str(&text).expect(name)
    };
    let version = read("version.json");
    let names: Vec<&str> = version["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let listed = std::fs::read_to_string(workspace().join("tests/fixtures/pipeline/features.txt"))
        .expect("features.txt");
    assert_eq!(names, listed.lines().collect::<Vec<_>>());
    let decision = read("decision.json");
    assert_eq!(decision["action"], "flag", "{decision}");
    let monitor = read("monitor.json");
    assert!(
        monitor["incidents"]
            .as_array()
            .is_some_and(|i| !i.is_empty()),
        "{monitor}"
    );
    assert_eq!(read("after.json")["stage"], "suspended");
    // Every JSON the script kept conforms to its command's schema.
    let kept: Vec<PathBuf> = std::fs::read_dir(work.join("json"))
        .expect("json dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert!(kept.len() >= 10, "{kept:?}");
    for path in kept {
        let command = path.file_stem().and_then(|s| s.to_str()).expect("name");
        let instance: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        if let Err(problem) = conforms(command, &instance) {
            panic!("{command}: {problem}");
        }
    }
}

/// Checks `instance` against `aigov schema COMMAND`'s schema (draft 2020-12).
fn conforms(command: &str, instance: &Value) -> Result<(), String> {
    let words: Vec<&str> = command.splitn(2, '-').collect();
    let out = Command::new(env!("CARGO_BIN_EXE_aigov"))
        .arg("schema")
        .args(if command == "verify-model" {
            vec![command]
        } else {
            words
        })
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "no schema: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let schema: Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let url = format!("https://aigov.test/{command}.json");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler
        .add_resource(&url, schema)
        .map_err(|e| e.to_string())?;
    let index = compiler
        .compile(&url, &mut schemas)
        .map_err(|e| format!("{e:#}"))?;
    schemas
        .validate(instance, index)
        .map_err(|e| format!("{e:#}"))
}

/// Every schema `aigov schema` lists is a valid draft 2020-12 schema, and rejects what
/// its command never prints.
#[test]
fn every_listed_schema_compiles_and_constrains() {
    let list = Command::new(env!("CARGO_BIN_EXE_aigov"))
        .arg("schema")
        .output()
        .expect("aigov schema");
    assert!(list.status.success());
    let names: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(names.len() >= 30, "{names:?}");
    assert!(
        names.contains(&"model show".to_string()) && names.contains(&"verify-model".to_string())
    );
    for name in &names {
        let key = name.replace(' ', "-");
        // A bare string is no command's output.
        let problem = conforms(&key, &Value::String("not an output".into()));
        assert!(problem.is_err(), "{name}: a string conforms");
        assert!(
            !problem.unwrap_err().starts_with("no schema"),
            "{name}: listed but not printed"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(["schema", "keys", "generate"])
        .output()
        .expect("aigov schema");
    assert_eq!(out.status.code(), Some(2));
}

/// The workflow file gives govern.sh every variable it requires, and runs it.
#[test]
fn the_ci_workflow_sets_what_govern_sh_needs() {
    let dir = workspace().join("examples/ci");
    let script = std::fs::read_to_string(dir.join("govern.sh")).expect("govern.sh");
    let workflow_text =
        std::fs::read_to_string(dir.join("github-actions.yml")).expect("github-actions.yml");
    let workflow: Value = aigov_core::yaml::from_yaml(&workflow_text).expect("workflow YAML");
    let job = &workflow["jobs"]["govern"];
    let steps = job["steps"].as_array().expect("steps");
    let govern = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("examples/ci/govern.sh"))
        })
        .expect("a step runs examples/ci/govern.sh");
    let run = govern["run"].as_str().unwrap_or_default();
    let needed: Vec<&str> = script
        .lines()
        .filter_map(|l| l.strip_prefix("need "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(needed.len() >= 8, "{needed:?}");
    for var in needed {
        let set = job["env"].get(var).is_some()
            || govern["env"].get(var).is_some()
            || run.contains(&format!("{var}="));
        assert!(
            set,
            "the workflow does not set {var}, which govern.sh needs"
        );
    }
}

/// govern.sh says what is missing, with exit 2, before touching anything.
#[test]
fn govern_sh_names_a_missing_setting() {
    let out = run_script(&workspace().join("examples/ci/govern.sh"), &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("set AIGOV_STORE"),
        "{out:?}"
    );
}

/// Registration says whether aigov can score a single file: a warning for one it cannot,
/// a refusal with --require-scorable; a DataFrame export is named by its inputs; names
/// that do not fit the file are refused before anything is stored.
#[test]
fn registration_says_whether_a_file_can_be_scored() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    ok(&aigov_as(&store, "admin@example.com", &["init"]));
    common::enrol(
        |actor, args| aigov_as(&store, actor, args),
        &common::actor_keys(&store),
        &[("ds@example.com", "data-scientist")],
    );
    let fixtures = workspace().join("tests/fixtures/pipeline");
    let lineage = common::lineage_args(tmp.path());
    let register = |file: &str, extra: &[&str]| {
        let path = fixtures.join(file);
        let mut args = vec![
            "model",
            "register",
            "phishing-url",
            path.to_str().expect("path"),
        ];
        args.extend(extra);
        args.extend(lineage.iter().map(String::as_str));
        aigov_as(&store, "ds@example.com", &args)
    };
    let notes = register("README.md", &[]);
    ok(&notes);
    let warning = String::from_utf8_lossy(&notes.stderr);
    assert!(
        warning.contains("warning: phishing-url@1 cannot be scored"),
        "{warning}"
    );
    let refused = register("README.md", &["--require-scorable"]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let columns = register(
        "phishing_logreg_columns.onnx",
        &["--require-scorable", "--json"],
    );
    let version: Value = serde_json::from_str(&ok(&columns)).expect("json");
    assert_eq!(version["version"], 2, "the refusal stored nothing");
    let names = std::fs::read_to_string(fixtures.join("features.txt")).expect("names");
    let stored: Vec<&str> = version["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(stored, names.lines().collect::<Vec<_>>());
    for wrong in [
        "a,b,c",
        "url_length,num_dots,num_hyphens,num_subdomains,path_depth,has_ip_host,domain_age_days,uses_https",
    ] {
        let out = register("phishing_logreg_columns.onnx", &["--features", wrong]);
        assert_eq!(out.status.code(), Some(2), "{wrong}: {out:?}");
    }
    let out = register("phishing_logreg.onnx", &["--features", "a,b,c"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("3 feature names given"),
        "{out:?}"
    );
}
