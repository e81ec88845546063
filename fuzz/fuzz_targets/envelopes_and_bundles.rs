//! DSSE envelopes, in-toto statements and Sigstore model-signing bundles.
#![no_main]

use std::sync::LazyLock;

use aigov_core::{Envelope, SignatureVerifier, SignerKey, SigstoreBundle, Statement};
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<SignerKey> =
    LazyLock::new(|| SignerKey::from_seed("fuzz", [9; 32]).expect("key"));

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = serde_json::from_slice::<Envelope>(data) {
        let verifier = KEY.verifier();
        let keys: [&dyn SignatureVerifier; 1] = [&verifier];
        let _ = envelope.verify(&keys);
        let _ = Statement::from_json(&envelope.payload);
    }
    let _ = Statement::from_json(data);
    let _ = SigstoreBundle::from_json(data);
});
