//! Playbooks as data: the shipped ones parse and cover every required kind; invalid ones are
//! refused with the line and the reason.

use aigov_incident::{IncidentError, IncidentKind, Playbook, Severity, StepAction};

#[test]
fn the_shipped_playbooks_parse_and_cover_the_required_kinds() {
    let all = Playbook::shipped().unwrap();
    assert_eq!(all.len(), 5);
    for kind in [
        IncidentKind::Evasion,
        IncidentKind::DataPoisoningSuspected,
        IncidentKind::SensitiveDataLeak,
        IncidentKind::DriftFailure,
        IncidentKind::BiasFinding,
    ] {
        assert!(
            all.iter().any(|p| p.kinds.contains(&kind)),
            "no playbook for {kind:?}"
        );
    }
    for p in &all {
        assert!(
            p.steps
                .windows(2)
                .all(|w| w[0].deadline() <= w[1].deadline()),
            "{}",
            p.name
        );
        assert!(
            p.steps
                .iter()
                .filter(|s| s.automatic)
                .all(|s| s.action.can_run_automatically())
        );
    }
    let evasion = &all[0];
    let suspend = &evasion.steps[0];
    assert_eq!(suspend.action, StepAction::Suspend);
    assert!(suspend.runs_automatically_at(Severity::Critical));
    assert!(
        !suspend.runs_automatically_at(Severity::High),
        "min_severity critical"
    );
    assert_eq!(evasion.steps[3].deadline(), chrono::Duration::days(2));
}

fn line_of(text: &str) -> (usize, String) {
    match Playbook::from_yaml(text, "test.yaml") {
        Err(IncidentError::Playbook {
            line,
            reason,
            source_name,
        }) => {
            assert_eq!(source_name, "test.yaml");
            (line, reason)
        }
        other => panic!("expected a playbook error, got {other:?}"),
    }
}

const HEAD: &str = "name: t\nkinds: [evasion]\ndescription: d\nsteps:\n";

#[test]
fn invalid_playbooks_name_the_line_and_the_reason() {
    let step = |id: &str, action: &str, role: &str, deadline: &str, extra: &str| {
        format!(
            "  - id: {id}\n    action: {action}\n    role: {role}\n    deadline: {deadline}\n    description: x\n{extra}"
        )
    };
    // Line 5 is the first step, line 10 the second.
    let cases = [
        (
            format!(
                "{HEAD}{}{}",
                step("a", "suspend", "deployer", "1h", ""),
                step("a", "review", "auditor", "2h", "")
            ),
            10,
            "unique",
        ),
        (
            format!(
                "{HEAD}{}",
                step("a", "suspend", "chief-of-everything!", "1h", "")
            ),
            5,
            "role",
        ),
        (
            format!("{HEAD}{}", step("a", "suspend", "deployer", "soon", "")),
            5,
            "deadline",
        ),
        (
            format!(
                "{HEAD}{}{}",
                step("a", "suspend", "deployer", "2h", ""),
                step("b", "review", "auditor", "1h", "")
            ),
            10,
            "before the previous",
        ),
        (
            format!(
                "{HEAD}{}",
                step("a", "review", "auditor", "1h", "    automatic: true\n")
            ),
            5,
            "needs a person",
        ),
        (
            format!(
                "{HEAD}{}",
                step("a", "review", "auditor", "1h", "    min_severity: high\n")
            ),
            5,
            "min_severity",
        ),
    ];
    for (text, line, words) in cases {
        let (got, reason) = line_of(&text);
        assert_eq!(got, line, "{reason}\n{text}");
        assert!(reason.contains(words), "{reason}");
    }
    // Syntax and schema errors carry the parser's location.
    let (line, reason) = line_of(&format!(
        "{HEAD}  - id: a\n    action: explode\n    role: deployer\n    deadline: 1h\n    description: x\n"
    ));
    assert_eq!(line, 6, "{reason}");
    let (line, _) = line_of("name: t\nkinds: [evasion]\ndescription: d\nsteps: []\nsurprise: 1\n");
    assert_eq!(line, 5);
    let (line, reason) = line_of("name: t\nkinds: [evasion]\ndescription: d\nsteps: []\n");
    assert_eq!(line, 4);
    assert!(reason.contains("at least one step"));
    let (line, _) = line_of("name: t\nkinds: []\ndescription: d\nsteps: []\n");
    assert_eq!(line, 2);
    assert!(Playbook::from_yaml("", "empty.yaml").is_err());
    assert!(Playbook::from_yaml(": : :", "garbage.yaml").is_err());
}

/// Found by fuzzing: a deadline whose last character is several bytes long panicked.
#[test]
fn a_multibyte_deadline_is_a_line_numbered_error_not_a_panic() {
    let text = String::from_utf8_lossy(include_bytes!("regressions/multibyte_deadline.yaml"));
    assert!(Playbook::from_yaml(&text, "fuzz").is_err());
    let minimal = "name: p\nkinds: [other]\ndescription: d\nsteps:\n  - id: s\n    action: review\n    role: validator\n    deadline: \"1\u{2db}\"\n    description: d\n";
    match Playbook::from_yaml(minimal, "minimal") {
        Err(aigov_incident::IncidentError::Playbook { line, .. }) => assert!(line > 0),
        other => panic!("expected a playbook error, got {other:?}"),
    }
}
