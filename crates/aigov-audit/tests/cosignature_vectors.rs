//! Witness cosignatures against an independent implementation: the fixture is made by
//! `tests/oracles/cosignature_fixtures.py` with pyca/cryptography from the C2SP
//! tlog-cosignature and signed-note texts; Ed25519 is deterministic, so the same keys,
//! checkpoint and timestamp must give the same signature line byte for byte.

use aigov_audit::{Cosigner, CosignerKey, SignedCheckpoint, cosigned_message};
use aigov_core::{SignerKey, VerifierKey};
use serde_json::Value;

fn fixture() -> Value {
    let text = include_str!("../../../tests/fixtures/cosignature.json");
    serde_json::from_str(text).expect("fixture")
}

fn seed(hex_text: &str) -> [u8; 32] {
    hex::decode(hex_text)
        .expect("hex")
        .try_into()
        .expect("32 bytes")
}

fn witness(f: &Value) -> Cosigner {
    let w = &f["witness_key"];
    Cosigner::new(
        SignerKey::from_seed(
            w["name"].as_str().unwrap(),
            seed(w["seed_hex"].as_str().unwrap()),
        )
        .unwrap(),
    )
}

#[test]
fn cosignatures_match_the_oracle_byte_for_byte() {
    let f = fixture();
    let cosigner = witness(&f);
    let public = cosigner.public();
    assert_eq!(public.to_vkey(), f["witness_key"]["vkey"].as_str().unwrap());
    assert_eq!(
        format!("{:08x}", public.key_id()),
        f["witness_key"]["key_id_hex"].as_str().unwrap()
    );
    let log = &f["log_key"];
    let log_key = SignerKey::from_seed(
        log["name"].as_str().unwrap(),
        seed(log["seed_hex"].as_str().unwrap()),
    )
    .unwrap();
    assert_eq!(
        log_key.verifier().to_string(),
        log["vkey"].as_str().unwrap()
    );
    for case in f["cases"].as_array().unwrap() {
        let body = case["note_body"].as_str().unwrap();
        let timestamp = case["timestamp"].as_u64().unwrap();
        assert_eq!(
            String::from_utf8(cosigned_message(body, timestamp)).unwrap(),
            case["cosigned_message"].as_str().unwrap()
        );
        // The full cosigned note parses, the log's signature and the cosignature verify.
        let note = SignedCheckpoint::parse(case["cosigned_note"].as_str().unwrap()).unwrap();
        note.verify(case["origin"].as_str().unwrap(), &[&log_key.verifier()])
            .unwrap();
        assert_eq!(
            note.note
                .cosignatures(std::slice::from_ref(&public))
                .unwrap(),
            vec![(
                case["witness_name"].as_str().unwrap().to_string(),
                timestamp
            )]
        );
        // Signing the same body at the same time gives the oracle's line.
        let mut ours = note.clone();
        ours.note.signatures.truncate(1);
        ours.note.signatures.push(cosigner.cosign(body, timestamp));
        assert_eq!(ours.to_string(), case["cosigned_note"].as_str().unwrap());
        assert!(
            ours.to_string()
                .ends_with(case["cosignature_line"].as_str().unwrap())
        );
    }
}

#[test]
fn altered_cosignatures_are_refused() {
    let f = fixture();
    let public = witness(&f).public();
    for case in f["negative_cases"].as_array().unwrap() {
        assert_eq!(case["expected_valid"], false);
        let note = SignedCheckpoint::parse(case["cosigned_note"].as_str().unwrap()).unwrap();
        assert!(
            note.note
                .cosignatures(std::slice::from_ref(&public))
                .is_err(),
            "{}",
            case["id"]
        );
    }
}

#[test]
fn a_note_key_and_a_cosigner_key_of_the_same_material_do_not_mix() {
    let f = fixture();
    let w = &f["witness_key"];
    // The 0x01 form of the witness's key names another key ID: a verifier of notes ignores
    // the cosignature line rather than checking it as an ordinary signature.
    let as_note_key = VerifierKey::parse(w["vkey_if_alg_0x01"].as_str().unwrap()).unwrap();
    assert_eq!(
        format!("{:08x}", as_note_key.id()),
        w["key_id_hex_if_alg_0x01"].as_str().unwrap()
    );
    let case = &f["cases"][0];
    let note = SignedCheckpoint::parse(case["cosigned_note"].as_str().unwrap()).unwrap();
    assert!(
        note.note.verify(&[&as_note_key]).is_err(),
        "no signature by that note key"
    );
    // Both vkey forms parse to the same cosigner.
    assert_eq!(
        CosignerKey::parse(w["vkey"].as_str().unwrap()).unwrap(),
        CosignerKey::parse(w["vkey_if_alg_0x01"].as_str().unwrap()).unwrap()
    );
    // The C2SP spec's own example parses: its witness line to the key ID and timestamp the
    // oracle read from it.
    let example = &f["spec_example"];
    let text = format!(
        "{}\n{}{}",
        example["checkpoint_body"].as_str().unwrap(),
        example["log_signature_line"].as_str().unwrap(),
        example["witness_line"].as_str().unwrap()
    );
    let parsed = SignedCheckpoint::parse(&text).unwrap();
    let line = &parsed.note.signatures[1];
    assert_eq!(line.name, example["witness_name"].as_str().unwrap());
    assert_eq!(
        format!("{:08x}", line.key_id),
        example["witness_key_id_hex"].as_str().unwrap()
    );
    let (time, _) = line.signature.split_first_chunk::<8>().unwrap();
    assert_eq!(
        u64::from_be_bytes(*time),
        example["witness_timestamp"].as_u64().unwrap()
    );
}
