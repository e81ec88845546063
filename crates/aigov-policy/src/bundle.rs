//! Policy bundles: Rego modules, optional data and an OPA-style `.manifest`, with a digest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aigov_core::{Digest, DigestWriter};
use serde::Deserialize;

use crate::PolicyError;

/// The modules shipped inside the crate, usable with no files on disk.
const BUILTIN_MODULES: [(&str, &str); 7] = [
    ("lib.rego", include_str!("../policies/lib.rego")),
    (
        "registration.rego",
        include_str!("../policies/registration.rego"),
    ),
    (
        "validation.rego",
        include_str!("../policies/validation.rego"),
    ),
    ("staging.rego", include_str!("../policies/staging.rego")),
    (
        "production.rego",
        include_str!("../policies/production.rego"),
    ),
    (
        "deployment.rego",
        include_str!("../policies/deployment.rego"),
    ),
    ("authz.rego", include_str!("../policies/authz.rego")),
];

/// The Rego unit tests of the shipped modules.
const BUILTIN_TESTS: [(&str, &str); 6] = [
    (
        "registration_test.rego",
        include_str!("../policies/registration_test.rego"),
    ),
    (
        "validation_test.rego",
        include_str!("../policies/validation_test.rego"),
    ),
    (
        "staging_test.rego",
        include_str!("../policies/staging_test.rego"),
    ),
    (
        "production_test.rego",
        include_str!("../policies/production_test.rego"),
    ),
    (
        "deployment_test.rego",
        include_str!("../policies/deployment_test.rego"),
    ),
    (
        "authz_test.rego",
        include_str!("../policies/authz_test.rego"),
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    #[serde(default)]
    revision: String,
    #[serde(default)]
    roots: Vec<String>,
}

/// A loaded bundle: modules by path, tests by path, data, revision and digest.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyBundle {
    /// The bundle's name (its directory name, or `aigov-default`).
    pub name: String,
    /// The `.manifest` revision.
    pub revision: String,
    /// The `.manifest` roots.
    pub roots: Vec<String>,
    /// Policy modules by relative path.
    pub modules: BTreeMap<String, String>,
    /// Rego unit-test modules (`*_test.rego`) by relative path.
    pub tests: BTreeMap<String, String>,
    /// `data.json`, merged under `data`.
    pub data: serde_json::Value,
    /// SHA-256 over sorted module paths, module texts, tests and data.
    pub digest: Digest,
}

impl PolicyBundle {
    /// The default policies shipped inside the crate.
    pub fn builtin() -> Self {
        let modules = BUILTIN_MODULES
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let tests = BUILTIN_TESTS
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        Self::assemble(
            "aigov-default",
            format!("aigov-{}", env!("CARGO_PKG_VERSION")),
            vec!["aigov".into()],
            modules,
            tests,
            serde_json::Value::Object(Default::default()),
        )
    }

    /// Loads a bundle directory: `*.rego` (recursively), optional `data.json` and `.manifest`.
    pub fn load_dir(dir: &Path) -> Result<Self, PolicyError> {
        let bad = |path: &Path, reason: String| PolicyError::Bundle {
            path: path.to_path_buf(),
            reason,
        };
        let io = |path: &Path, source| PolicyError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut files = Vec::new();
        collect(dir, dir, &mut files).map_err(|e| io(dir, e))?;
        let (mut modules, mut tests) = (BTreeMap::new(), BTreeMap::new());
        for (rel, path) in files {
            let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            if rel.ends_with("_test.rego") {
                tests.insert(rel, text);
            } else {
                modules.insert(rel, text);
            }
        }
        if modules.is_empty() {
            return Err(bad(dir, "no .rego modules".into()));
        }
        let data = match std::fs::read(dir.join("data.json")) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| bad(&dir.join("data.json"), e.to_string()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::json!({}),
            Err(e) => return Err(io(&dir.join("data.json"), e)),
        };
        if !data.is_object() {
            return Err(bad(&dir.join("data.json"), "must be a JSON object".into()));
        }
        let manifest = match std::fs::read(dir.join(".manifest")) {
            Ok(bytes) => serde_json::from_slice::<Manifest>(&bytes)
                .map_err(|e| bad(&dir.join(".manifest"), e.to_string()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest {
                revision: String::new(),
                roots: Vec::new(),
            },
            Err(e) => return Err(io(&dir.join(".manifest"), e)),
        };
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "bundle".into());
        Ok(Self::assemble(
            &name,
            manifest.revision,
            manifest.roots,
            modules,
            tests,
            data,
        ))
    }

    /// Refuses the bundle unless its digest is the one expected (for example the digest an
    /// approver signed off), so a modified bundle never reaches the engine.
    pub fn verify_digest(&self, expected: &Digest) -> Result<(), PolicyError> {
        if &self.digest == expected {
            Ok(())
        } else {
            Err(PolicyError::Bundle {
                path: self.name.clone().into(),
                reason: format!("digest {} is not the expected {expected}", self.digest),
            })
        }
    }

    fn assemble(
        name: &str,
        revision: String,
        roots: Vec<String>,
        modules: BTreeMap<String, String>,
        tests: BTreeMap<String, String>,
        data: serde_json::Value,
    ) -> Self {
        let mut h = DigestWriter::new();
        for (kind, map) in [("module", &modules), ("test", &tests)] {
            for (path, text) in map {
                // Length-prefixed, so no two bundles share a byte stream.
                for part in [kind, path.as_str(), text.as_str()] {
                    h.update(&(part.len() as u64).to_be_bytes());
                    h.update(part.as_bytes());
                }
            }
        }
        let data_bytes = serde_json::to_vec(&data).unwrap_or_default();
        h.update(b"data");
        h.update(&(data_bytes.len() as u64).to_be_bytes());
        h.update(&data_bytes);
        PolicyBundle {
            name: name.to_string(),
            revision,
            roots,
            modules,
            tests,
            data,
            digest: h.finish(),
        }
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "rego") {
            let rel = path
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            out.push((rel, path));
        }
    }
    Ok(())
}
