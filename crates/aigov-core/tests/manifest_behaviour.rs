//! Behaviour of model hashing beyond the golden fixtures: ordering, progress, bad input.

use std::fs;
use std::sync::Mutex;

use aigov_core::manifest::{DEFAULT_SHARD_SIZE, ManifestDiff};
use aigov_core::{CoreError, Digest, HashMethod, ModelHasher};
use proptest::prelude::*;

#[test]
fn orders_by_path_components_not_by_string() {
    let dir = tempfile::tempdir().unwrap();
    for p in ["a.txt", "a/b", "a-b", "a0"] {
        let path = dir.path().join(p);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, p).unwrap();
    }
    let m = ModelHasher::new().hash(dir.path()).unwrap();
    let names: Vec<&str> = m.resources.iter().map(|r| r.name.as_str()).collect();
    // As strings "a-b" < "a.txt" < "a/b" < "a0"; as component lists ["a","b"] comes first.
    assert_eq!(names, ["a/b", "a-b", "a.txt", "a0"]);
}

#[test]
fn shards_cover_every_byte_once_and_sort_numerically() {
    let dir = tempfile::tempdir().unwrap();
    let data: Vec<u8> = (0..10_500u32).map(|i| (i % 251) as u8).collect();
    fs::write(dir.path().join("w.bin"), &data).unwrap();
    let m = ModelHasher::new()
        .method(HashMethod::Shards { shard_size: 1000 })
        .hash(dir.path())
        .unwrap();
    assert_eq!(m.len(), 11);
    assert_eq!(m.resources[9].name, "w.bin:9000:10000");
    assert_eq!(m.resources[10].name, "w.bin:10000:10500");
    assert_eq!(m.resources[10].digest, Digest::of(&data[10_000..]));
    let err = ModelHasher::new()
        .method(HashMethod::Shards { shard_size: 0 })
        .hash(dir.path())
        .unwrap_err();
    assert!(err.to_string().contains("shard size"), "{err}");
    assert_eq!(DEFAULT_SHARD_SIZE, 1_000_000_000);
}

#[test]
fn progress_reaches_the_total_from_parallel_workers() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..6 {
        fs::write(dir.path().join(format!("f{i}")), vec![i as u8; 3 << 20]).unwrap();
    }
    let seen = Mutex::new(Vec::new());
    let record = |p| seen.lock().unwrap().push(p);
    ModelHasher::new()
        .on_progress(&record)
        .hash(dir.path())
        .unwrap();
    let seen = seen.into_inner().unwrap();
    let last = seen.iter().map(|p| p.bytes_done).max().unwrap();
    assert_eq!(last, 18 << 20);
    assert!(seen.iter().all(|p| p.bytes_total == 18 << 20));
    assert!(
        seen.len() >= 18,
        "one report per 1 MiB chunk, got {}",
        seen.len()
    );
}

#[test]
fn refuses_symlinks_unless_allowed_and_special_files_always() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("real.bin"), b"weights").unwrap();
    std::os::unix::fs::symlink("real.bin", dir.path().join("link.bin")).unwrap();
    let err = ModelHasher::new().hash(dir.path()).unwrap_err();
    assert!(matches!(err, CoreError::SymlinkRefused { .. }), "{err}");
    let m = ModelHasher::new()
        .allow_symlinks(true)
        .hash(dir.path())
        .unwrap();
    assert_eq!(m.resources[0].digest, m.resources[1].digest);

    let broken = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("missing", broken.path().join("dangling")).unwrap();
    let err = ModelHasher::new()
        .allow_symlinks(true)
        .hash(broken.path())
        .unwrap_err();
    assert!(matches!(err, CoreError::Io { .. }), "{err}");

    let missing = ModelHasher::new()
        .hash(&dir.path().join("does-not-exist"))
        .unwrap_err();
    assert!(matches!(missing, CoreError::Io { .. }), "{missing}");
    assert!(missing.to_string().contains("does-not-exist"), "{missing}");
}

#[test]
fn rejects_ignore_paths_outside_the_model() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("x"), b"x").unwrap();
    for bad in ["../x", "/etc", "", "a/../../b"] {
        let err = ModelHasher::new()
            .ignore_path(bad)
            .hash(dir.path())
            .unwrap_err();
        assert!(err.to_string().contains("ignore path"), "{bad:?}: {err}");
    }
    let m = ModelHasher::new()
        .ignore_path("./x")
        .hash(dir.path())
        .unwrap();
    assert!(m.is_empty());
}

#[test]
fn diff_names_changed_missing_and_unexpected_resources() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a"), b"1").unwrap();
    fs::write(dir.path().join("b"), b"2").unwrap();
    let before = ModelHasher::new().hash(dir.path()).unwrap();
    fs::write(dir.path().join("a"), b"changed").unwrap();
    fs::remove_file(dir.path().join("b")).unwrap();
    fs::write(dir.path().join("c"), b"3").unwrap();
    let after = ModelHasher::new().hash(dir.path()).unwrap();
    let diff = ManifestDiff::between(&before, &after);
    assert_eq!(diff.changed, ["a"]);
    assert_eq!(diff.missing, ["b"]);
    assert_eq!(diff.unexpected, ["c"]);
    assert_eq!(diff.to_string(), "changed: a; missing: b; not signed: c");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Whatever the shard size, shards tile each file and their digests are of exactly those bytes;
    /// a predicate written out reads back to the same manifest.
    #[test]
    fn shards_tile_files_and_predicates_round_trip(
        sizes in proptest::collection::vec(0usize..5000, 1..5),
        shard_size in 1u64..3000,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut contents = Vec::new();
        for (i, size) in sizes.iter().enumerate() {
            let data: Vec<u8> = (0..*size).map(|j| (j * 31 + i) as u8).collect();
            fs::write(dir.path().join(format!("f{i}")), &data).unwrap();
            contents.push(data);
        }
        let m = ModelHasher::new().method(HashMethod::Shards { shard_size }).hash(dir.path()).unwrap();
        for r in &m.resources {
            let mut parts = r.name.rsplitn(3, ':');
            let end: usize = parts.next().unwrap().parse().unwrap();
            let start: usize = parts.next().unwrap().parse().unwrap();
            let file: usize = parts.next().unwrap()[1..].parse().unwrap();
            prop_assert!(end > start && (end - start) as u64 <= shard_size);
            prop_assert_eq!(r.digest, Digest::of(&contents[file][start..end]));
        }
        let expected: usize = sizes.iter().map(|s| s.div_ceil(shard_size as usize)).sum();
        prop_assert_eq!(m.len(), expected);
        let back = aigov_core::ModelManifest::from_predicate(&m.model_name, &m.to_predicate()).unwrap();
        prop_assert_eq!(back, m);
    }
}

#[test]
fn manifests_serialize_losslessly() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("w"), vec![7u8; 2500]).unwrap();
    for method in [HashMethod::Files, HashMethod::Shards { shard_size: 1000 }] {
        let m = ModelHasher::new().method(method).hash(dir.path()).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        let back: aigov_core::ModelManifest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }
    assert!(serde_json::from_str::<aigov_core::ModelManifest>("{}").is_err());
}
