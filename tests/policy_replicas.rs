//! Two governors on one store (replicas): a policy one applies is in force on the other
//! before its next authorization, without a restart; the log holds the text they share.

mod common;

use aigov::Governor;

#[test]
fn a_policy_applied_on_one_replica_is_in_force_on_the_other() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Governor::open(dir.path()).expect("replica a");
    let actors = common::enrol(&a);
    let b = Governor::open(dir.path()).expect("replica b");
    let example = aigov::policy::EXAMPLE_POLICY_YAML;
    // Only a role nobody holds may apply after this.
    let locked = example.replace("apply-policy: [admin]", "apply-policy: [policy-owner]");
    a.apply_policy(&actors.admin.principal(), &locked)
        .expect("applied on a");
    let refused = b
        .apply_policy(&actors.admin.principal(), example)
        .expect_err("b enforces what a applied");
    assert_eq!(refused.denied_by(), Some("authz"), "{refused}");
    assert_eq!(
        b.policy_config().permissions.get("apply-policy"),
        Some(&vec!["policy-owner".to_string()])
    );
    // A third replica opened now reads the same text from the log.
    std::fs::remove_file(dir.path().join("policy.yaml")).expect("rm");
    let c = Governor::open(dir.path()).expect("replica c restores policy.yaml");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("policy.yaml")).expect("restored"),
        locked
    );
    assert!(c.apply_policy(&actors.admin.principal(), example).is_err());
}
