//! RFC 6962 / RFC 9162 proofs against the public vectors (../shared/vectors/merkle.md, from
//! transparency-dev/merkle proof/verify_test.go) and golang/mod sumdb tlog's TestTree property.

use aigov_audit::AuditError;
use aigov_audit::merkle::{
    EMPTY_ROOT, TreeReader, consistency_proof, inclusion_proof, leaf_hash, node_hash, root_at,
    verify_consistency, verify_inclusion,
};
use aigov_core::Digest;
use proptest::prelude::*;

const LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn d(hex: &str) -> Digest {
    Digest::from_hex(hex).unwrap()
}

/// An in-memory tree for the tests: every perfect subtree computed from the leaves.
struct Tree(Vec<Vec<Digest>>);

impl Tree {
    fn new(leaves: Vec<Digest>) -> Self {
        let mut levels = vec![leaves];
        while levels.last().unwrap().len() > 1 {
            let next = levels
                .last()
                .unwrap()
                .chunks_exact(2)
                .map(|p| node_hash(&p[0], &p[1]))
                .collect();
            levels.push(next);
        }
        Tree(levels)
    }
}

impl TreeReader for Tree {
    fn perfect_hash(&self, level: u32, index: u64) -> Result<Digest, AuditError> {
        Ok(self.0[level as usize][index as usize])
    }
}

fn vector_tree() -> Tree {
    Tree::new(
        LEAVES
            .iter()
            .map(|h| leaf_hash(&hex::decode(h).unwrap()))
            .collect(),
    )
}

#[test]
fn roots_for_every_size() {
    let tree = vector_tree();
    for (i, root) in ROOTS.iter().enumerate() {
        assert_eq!(
            root_at(&tree, i as u64 + 1).unwrap(),
            d(root),
            "size {}",
            i + 1
        );
    }
    assert_eq!(root_at(&tree, 0).unwrap(), EMPTY_ROOT);
}

/// `{leaf, size}` with a 1-based leaf number, and the expected path.
fn inclusion_vectors() -> Vec<(u64, u64, Vec<Digest>)> {
    vec![
        (1, 1, vec![]),
        (
            1,
            8,
            vec![
                d("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                d("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                d("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ],
        ),
        (
            6,
            8,
            vec![
                d("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
                d("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                d("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
        (
            3,
            3,
            vec![d(
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            )],
        ),
        (
            2,
            5,
            vec![
                d("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
                d("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                d("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ],
        ),
    ]
}

fn consistency_vectors() -> Vec<(u64, u64, Vec<Digest>)> {
    let one_eight = inclusion_vectors()[1].2.clone();
    vec![
        (1, 1, vec![]),
        (1, 8, one_eight),
        (
            6,
            8,
            vec![
                d("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                d("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                d("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
        (
            2,
            5,
            vec![
                d("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                d("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ],
        ),
        (
            6,
            7,
            vec![
                d("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                d("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
                d("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
    ]
}

fn flip(h: &Digest, bit: usize) -> Digest {
    let mut b = *h.as_bytes();
    b[bit / 8] ^= 1 << (bit % 8);
    Digest::from_bytes(b)
}

/// Every malformed variant of an inclusion proof that must be rejected.
fn assert_inclusion_hostile(leaf: &Digest, index: u64, size: u64, proof: &[Digest], root: &Digest) {
    let reject = |l: &Digest, i: u64, s: u64, p: &[Digest], r: &Digest, why: &str| {
        assert!(
            verify_inclusion(l, i, s, p, r).is_err(),
            "accepted: {why} ({index}, {size})"
        );
    };
    reject(leaf, index + 1, size, proof, root, "index + 1");
    if index > 0 {
        reject(leaf, index - 1, size, proof, root, "index - 1");
    }
    reject(leaf, index ^ 2, size, proof, root, "index xor 2");
    reject(leaf, index, size * 2, proof, root, "size doubled");
    reject(leaf, index, size / 2, proof, root, "size halved");
    reject(
        &leaf_hash(b"WrongLeaf"),
        index,
        size,
        proof,
        root,
        "wrong leaf",
    );
    reject(leaf, index, size, proof, &EMPTY_ROOT, "empty-tree root");
    reject(
        leaf,
        index,
        size,
        proof,
        &Digest::of(b"random root"),
        "random root",
    );
    let garbage = Digest::of(b"garbage");
    let mut longer = proof.to_vec();
    longer.push(garbage);
    reject(leaf, index, size, &longer, root, "garbage appended");
    let mut prefixed = vec![garbage];
    prefixed.extend_from_slice(proof);
    reject(leaf, index, size, &prefixed, root, "garbage prepended");
    let mut with_root = proof.to_vec();
    with_root.push(*root);
    reject(leaf, index, size, &with_root, root, "root appended");
    let mut root_first = vec![*root];
    root_first.extend_from_slice(proof);
    reject(leaf, index, size, &root_first, root, "root prepended");
    for i in 0..proof.len() {
        for bit in [0, 7, 100, 255] {
            let mut p = proof.to_vec();
            p[i] = flip(&p[i], bit);
            reject(leaf, index, size, &p, root, "bit flipped");
        }
        let mut removed = proof.to_vec();
        removed.remove(i);
        reject(leaf, index, size, &removed, root, "element removed");
        let mut inserted = proof.to_vec();
        inserted.insert(i, garbage);
        reject(leaf, index, size, &inserted, root, "element inserted");
    }
}

#[test]
fn inclusion_vectors_generate_verify_and_resist_tampering() {
    let tree = vector_tree();
    for (leaf_no, size, expected) in inclusion_vectors() {
        let index = leaf_no - 1;
        let proof = inclusion_proof(&tree, index, size).unwrap();
        assert_eq!(proof, expected, "{{{leaf_no},{size}}}");
        let leaf = leaf_hash(&hex::decode(LEAVES[index as usize]).unwrap());
        let root = d(ROOTS[size as usize - 1]);
        verify_inclusion(&leaf, index, size, &proof, &root).unwrap();
        assert_inclusion_hostile(&leaf, index, size, &proof, &root);
    }
}

fn assert_consistency_hostile(
    size1: u64,
    size2: u64,
    proof: &[Digest],
    root1: &Digest,
    root2: &Digest,
) {
    let reject = |s1: u64, s2: u64, r1: &Digest, r2: &Digest, p: &[Digest], why: &str| {
        assert!(
            verify_consistency(s1, s2, r1, r2, p).is_err(),
            "accepted: {why} ({size1}, {size2})"
        );
    };
    let garbage = Digest::of(b"garbage");
    if root1 != root2 {
        reject(size1, size2, root2, root1, proof, "swapped roots");
    }
    reject(
        size1,
        size2,
        root1,
        &Digest::of(b"random"),
        proof,
        "random root2",
    );
    reject(
        size1,
        size2,
        &Digest::of(b"random"),
        root2,
        proof,
        "random root1",
    );
    reject(size1, size2, &EMPTY_ROOT, root2, proof, "empty root1");
    reject(size1 * 2, size2, root1, root2, proof, "size1 doubled");
    reject(size1, size2 * 2, root1, root2, proof, "size2 doubled");
    if size1 != size2 {
        reject(size1, size2, root1, root2, &[], "empty proof");
        let mut dup = proof.to_vec();
        dup.insert(0, proof[0]);
        reject(size1, size2, root1, root2, &dup, "first element duplicated");
    }
    let mut longer = proof.to_vec();
    longer.push(garbage);
    reject(size1, size2, root1, root2, &longer, "garbage appended");
    let mut prefixed = vec![garbage];
    prefixed.extend_from_slice(proof);
    reject(size1, size2, root1, root2, &prefixed, "garbage prepended");
    for i in 0..proof.len() {
        for bit in [0, 9, 200] {
            let mut p = proof.to_vec();
            p[i] = flip(&p[i], bit);
            reject(size1, size2, root1, root2, &p, "bit flipped");
        }
        let mut removed = proof.to_vec();
        removed.remove(i);
        reject(size1, size2, root1, root2, &removed, "element removed");
        let mut inserted = proof.to_vec();
        inserted.insert(i, garbage);
        reject(size1, size2, root1, root2, &inserted, "element inserted");
    }
}

#[test]
fn consistency_vectors_generate_verify_and_resist_tampering() {
    let tree = vector_tree();
    for (size1, size2, expected) in consistency_vectors() {
        let proof = consistency_proof(&tree, size1, size2).unwrap();
        assert_eq!(proof, expected, "{{{size1},{size2}}}");
        let (root1, root2) = (d(ROOTS[size1 as usize - 1]), d(ROOTS[size2 as usize - 1]));
        verify_consistency(size1, size2, &root1, &root2, &proof).unwrap();
        assert_consistency_hostile(size1, size2, &proof, &root1, &root2);
    }
}

#[test]
fn consistency_from_the_empty_tree_is_empty_by_definition() {
    let root8 = d(ROOTS[7]);
    verify_consistency(0, 8, &EMPTY_ROOT, &root8, &[]).unwrap();
    assert!(verify_consistency(0, 8, &EMPTY_ROOT, &root8, &[root8]).is_err());
    assert!(verify_consistency(0, 8, &root8, &root8, &[]).is_err());
    assert!(verify_consistency(9, 8, &root8, &root8, &[]).is_err());
    assert_eq!(consistency_proof(&vector_tree(), 0, 8).unwrap(), vec![]);
}

/// golang/mod sumdb/tlog TestTree: records "leaf 0".."leaf N"; at each size prove every record
/// and every earlier size, then flip one bit in each proof hash and require rejection.
fn tlog_style(n: u64, step: usize) {
    let leaves: Vec<Digest> = (0..n)
        .map(|i| leaf_hash(format!("leaf {i}").as_bytes()))
        .collect();
    let tree = Tree::new(leaves.clone());
    for size in (1..=n).step_by(step) {
        let root = root_at(&tree, size).unwrap();
        for index in (0..size).step_by(step) {
            let proof = inclusion_proof(&tree, index, size).unwrap();
            verify_inclusion(&leaves[index as usize], index, size, &proof, &root).unwrap();
            for i in 0..proof.len() {
                let mut bad = proof.clone();
                bad[i] = flip(&bad[i], (i * 37 + index as usize) % 256);
                assert!(
                    verify_inclusion(&leaves[index as usize], index, size, &bad, &root).is_err()
                );
            }
        }
        for size1 in (0..=size).step_by(step) {
            let root1 = root_at(&tree, size1).unwrap();
            let proof = consistency_proof(&tree, size1, size).unwrap();
            verify_consistency(size1, size, &root1, &root, &proof).unwrap();
            for i in 0..proof.len() {
                let mut bad = proof.clone();
                bad[i] = flip(&bad[i], (i * 53 + size1 as usize) % 256);
                assert!(verify_consistency(size1, size, &root1, &root, &bad).is_err());
            }
        }
    }
}

#[test]
fn sumdb_tree_property_for_100_records() {
    tlog_style(100, 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn sumdb_tree_property_at_random_sizes(n in 1u64..3000) {
        // Every index and size would be O(n^2 log n); a stride keeps it to seconds.
        let step = (n as usize / 40).max(1);
        tlog_style(n, step);
    }
}
