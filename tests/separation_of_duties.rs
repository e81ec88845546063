//! Production needs three different people: one actor holding the security, legal and
//! model-owner roles cannot approve as all three.

mod common;

use aigov::Governor;
use aigov::core::Role;
use aigov::registry::Stage;

#[test]
fn one_person_with_three_roles_cannot_take_a_version_to_production() {
    let governor = Governor::in_memory().expect("governor");
    let actors = common::enrol(&governor);
    // The security approver is also made legal approver and model owner.
    governor
        .add_actor(
            &actors.admin.principal(),
            actors.security.id.clone(),
            actors.security.key.verifier(),
            [
                Role::SecurityApprover,
                Role::LegalApprover,
                Role::ModelOwner,
            ],
        )
        .expect("three roles");
    let dir = tempfile::tempdir().expect("tempdir");
    let r = common::to_staging(
        &governor,
        &actors,
        &common::model_dir(dir.path(), "v1", 0.3),
    );
    for role in [
        Role::SecurityApprover,
        Role::LegalApprover,
        Role::ModelOwner,
    ] {
        governor
            .approve(
                &actors.security.principal(),
                &r,
                common::approval(Stage::Production, role),
                &actors.security.key,
            )
            .expect("each approval verifies on its own");
    }
    let promote = || {
        governor.promote(
            &actors.deployer.principal(),
            &r,
            Stage::Production,
            Some("eu-west-1"),
        )
    };
    let err = promote().expect_err("one person is not three");
    assert_eq!(err.denied_by(), Some("production"), "{err}");
    assert_eq!(err.codes(), vec!["same_approver"], "{err}");

    // Two more people approving makes three different people for three roles.
    for (p, role) in [
        (&actors.legal, Role::LegalApprover),
        (&actors.owner, Role::ModelOwner),
    ] {
        governor
            .approve(
                &p.principal(),
                &r,
                common::approval(Stage::Production, role),
                &p.key,
            )
            .expect("approval");
    }
    let v = promote().expect("three different people");
    assert_eq!(v.stage, Stage::Production);
}
