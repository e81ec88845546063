//! Model manifests: the per-file (or per-shard) digests of a model and the root digest over them,
//! computed exactly as the OpenSSF `model_signing` library does, so that a model signed with that
//! tool and a model registered here are named by the same value.

mod hasher;
mod walk;

pub use hasher::{HashProgress, ModelHasher};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::{CoreError, Digest};

/// The predicate type of an OpenSSF model signature.
pub const MODEL_SIGNING_PREDICATE_TYPE: &str = "https://model_signing/signature/v1.0";
/// The default shard size of the `shards` method: 1,000,000,000 bytes.
pub const DEFAULT_SHARD_SIZE: u64 = 1_000_000_000;
/// Bytes read at a time while hashing.
pub const CHUNK_SIZE: usize = 1 << 20;
/// Paths ignored by default at the top of a model directory, as `model_signing` does.
pub const DEFAULT_IGNORED_PATHS: [&str; 4] = [".git", ".gitattributes", ".github", ".gitignore"];

/// How a model is cut into resources before hashing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashMethod {
    /// One resource per file, named by its path.
    Files,
    /// Files cut into shards of `shard_size` bytes, named `path:start:end`.
    Shards {
        /// Bytes per shard; the last shard of a file may be shorter.
        shard_size: u64,
    },
}

impl HashMethod {
    /// `files` or `shards`, as the predicate names them.
    pub fn name(&self) -> &'static str {
        match self {
            HashMethod::Files => "files",
            HashMethod::Shards { .. } => "shards",
        }
    }

    /// The `algorithm` label of each resource: `sha256`, or `sha256-sharded-<size>` for shards.
    pub fn algorithm_label(&self) -> String {
        match self {
            HashMethod::Files => "sha256".to_string(),
            HashMethod::Shards { shard_size } => format!("sha256-sharded-{shard_size}"),
        }
    }
}

/// Reads a JSON number that must be a positive whole number, written as `1000` or `1000.0`.
fn whole_number(n: &serde_json::Number) -> Option<u64> {
    if let Some(v) = n.as_u64() {
        return Some(v);
    }
    let f = n.as_f64()?;
    // Beyond 2^53 a double no longer names one integer.
    (f.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(&f)).then_some(f as u64)
}

/// The serialization parameters recorded in a model-signing predicate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Serialization {
    /// How the model was cut into resources.
    pub method: HashMethod,
    /// Whether symbolic links were followed.
    pub allow_symlinks: bool,
    /// Paths (relative to the model root) left out of the manifest.
    pub ignore_paths: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct SerializationJson {
    method: String,
    hash_type: String,
    /// A number; `model_signing` writes it as a double (`1000.0`) through protobuf's Struct.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shard_size: Option<serde_json::Number>,
    allow_symlinks: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    ignore_paths: Vec<String>,
}

/// One hashed piece of a model: a file or a shard of one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ManifestResource {
    /// The POSIX path relative to the model root (`.` for a single-file model), with
    /// `:start:end` appended for shards.
    pub name: String,
    /// SHA-256 of the resource's bytes.
    pub digest: Digest,
}

#[derive(Serialize, Deserialize)]
struct ResourceJson {
    name: String,
    algorithm: String,
    digest: String,
}

/// The digests of every resource of a model, in the canonical order, and their root digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelManifest {
    /// The final component of the model path; informative only, never part of the root.
    pub model_name: String,
    /// The parameters the manifest was computed with.
    pub serialization: Serialization,
    /// The resources in canonical order (path components, then shard start and end).
    pub resources: Vec<ManifestResource>,
}

impl ModelManifest {
    /// The root digest: SHA-256 over the raw 32-byte resource digests in manifest order.
    pub fn root(&self) -> Digest {
        root_of(self.resources.iter().map(|r| &r.digest))
    }

    /// Total number of resources.
    pub fn len(&self) -> usize {
        self.resources.len()
    }

    /// True when the model has no resources (an empty directory).
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// The resources as a map from name to digest, for order-independent comparison.
    pub fn digests_by_name(&self) -> BTreeMap<&str, Digest> {
        self.resources
            .iter()
            .map(|r| (r.name.as_str(), r.digest))
            .collect()
    }

    /// The `https://model_signing/signature/v1.0` predicate: `serialization` and `resources`.
    pub fn to_predicate(&self) -> serde_json::Value {
        let s = &self.serialization;
        let serialization = SerializationJson {
            method: s.method.name().to_string(),
            hash_type: "sha256".to_string(),
            shard_size: match s.method {
                HashMethod::Files => None,
                HashMethod::Shards { shard_size } => Some(shard_size.into()),
            },
            allow_symlinks: s.allow_symlinks,
            ignore_paths: s.ignore_paths.clone(),
        };
        let algorithm = s.method.algorithm_label();
        let resources: Vec<ResourceJson> = self
            .resources
            .iter()
            .map(|r| ResourceJson {
                name: r.name.clone(),
                algorithm: algorithm.clone(),
                digest: r.digest.to_hex(),
            })
            .collect();
        serde_json::json!({ "serialization": serialization, "resources": resources })
    }

    /// Reads a manifest back from a model-signing predicate, keeping the resources' order.
    pub fn from_predicate(
        model_name: &str,
        predicate: &serde_json::Value,
    ) -> Result<Self, CoreError> {
        const WHAT: &str = "model-signing predicate";
        let serialization: SerializationJson = predicate
            .get("serialization")
            .ok_or_else(|| CoreError::invalid(WHAT, "missing \"serialization\""))
            .and_then(|v| {
                SerializationJson::deserialize(v)
                    .map_err(|e| CoreError::invalid(WHAT, format!("serialization: {e}")))
            })?;
        if serialization.hash_type != "sha256" {
            return Err(CoreError::Unsupported(format!(
                "hash_type {:?}; only sha256 manifests are implemented",
                serialization.hash_type
            )));
        }
        let shard_size = serialization.shard_size.as_ref().and_then(whole_number);
        let method = match (serialization.method.as_str(), shard_size) {
            ("files", _) => HashMethod::Files,
            ("shards", Some(shard_size)) if shard_size > 0 => HashMethod::Shards { shard_size },
            ("shards", _) => {
                return Err(CoreError::invalid(
                    WHAT,
                    "method \"shards\" needs a positive shard_size",
                ));
            }
            (other, _) => {
                return Err(CoreError::invalid(
                    WHAT,
                    format!("unknown serialization method {other:?}"),
                ));
            }
        };
        let resources: Vec<ResourceJson> = predicate
            .get("resources")
            .ok_or_else(|| CoreError::invalid(WHAT, "missing \"resources\""))
            .and_then(|v| {
                Vec::<ResourceJson>::deserialize(v)
                    .map_err(|e| CoreError::invalid(WHAT, format!("resources: {e}")))
            })?;
        let algorithm = method.algorithm_label();
        let resources = resources
            .into_iter()
            .map(|r| {
                if r.algorithm != algorithm {
                    return Err(CoreError::invalid(
                        WHAT,
                        format!(
                            "resource {:?} uses {:?}, expected {algorithm:?}",
                            r.name, r.algorithm
                        ),
                    ));
                }
                Ok(ManifestResource {
                    digest: Digest::from_hex(&r.digest)?,
                    name: r.name,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ModelManifest {
            model_name: model_name.to_string(),
            serialization: Serialization {
                method,
                allow_symlinks: serialization.allow_symlinks,
                ignore_paths: serialization.ignore_paths,
            },
            resources,
        })
    }
}

/// SHA-256 over the concatenation of raw digests.
pub fn root_of<'a>(digests: impl IntoIterator<Item = &'a Digest>) -> Digest {
    let mut h = Sha256::new();
    for d in digests {
        h.update(d.as_bytes());
    }
    Digest::from_bytes(h.finalize().into())
}

/// How two manifests differ, resource by resource.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ManifestDiff {
    /// Resources in the expected manifest but not in the actual one.
    pub missing: Vec<String>,
    /// Resources in the actual manifest but not in the expected one.
    pub unexpected: Vec<String>,
    /// Resources present in both whose digests differ.
    pub changed: Vec<String>,
}

impl ManifestDiff {
    /// Compares `actual` with `expected`, ignoring order.
    pub fn between(expected: &ModelManifest, actual: &ModelManifest) -> Self {
        let want = expected.digests_by_name();
        let have = actual.digests_by_name();
        let mut diff = ManifestDiff::default();
        for (name, digest) in &want {
            match have.get(name) {
                None => diff.missing.push((*name).to_string()),
                Some(d) if d != digest => diff.changed.push((*name).to_string()),
                Some(_) => {}
            }
        }
        diff.unexpected = have
            .keys()
            .filter(|name| !want.contains_key(*name))
            .map(|name| (*name).to_string())
            .collect();
        diff
    }

    /// True when the manifests hold the same resources with the same digests.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty() && self.changed.is_empty()
    }
}

impl std::fmt::Display for ManifestDiff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        for (label, names) in [
            ("changed", &self.changed),
            ("missing", &self.missing),
            ("not signed", &self.unexpected),
        ] {
            if !names.is_empty() {
                let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
                let more = names.len().saturating_sub(shown.len());
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                parts.push(format!("{label}: {}{tail}", shown.join(", ")));
            }
        }
        f.write_str(&parts.join("; "))
    }
}

/// Serialized as the model-signing predicate plus `model_name`, so stored manifests read the
/// same as the ones inside signatures.
impl Serialize for ModelManifest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut value = self.to_predicate();
        if let Some(map) = value.as_object_mut() {
            map.insert(
                "model_name".to_string(),
                serde_json::Value::String(self.model_name.clone()),
            );
        }
        value.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ModelManifest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let name = value
            .get("model_name")
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_string();
        ModelManifest::from_predicate(&name, &value).map_err(serde::de::Error::custom)
    }
}
