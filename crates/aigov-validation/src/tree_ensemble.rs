//! ONNX tree ensembles (ai.onnx.ml `TreeEnsembleClassifier` / `TreeEnsembleRegressor`) scored
//! natively, as onnxruntime scores them: tract interprets these operators thousands of times
//! slower than onnxruntime and refuses some exports outright (skl2onnx's GradientBoosting
//! base value). The rules, checked against onnxruntime by `tests/oracles/tree_fixtures.py`:
//! float32 comparisons of the input against the node values; a NaN takes the true branch
//! only where `nodes_missing_value_tracks_true` says so (or at `BRANCH_NEQ`); each tree
//! rooted at its first listed node; the reached leaves' weights summed in float32 in tree
//! order, then the base value; for a binary classifier with one weight column the positive
//! class's column is the score itself (`NONE`: a forest's averaged probabilities) or its
//! logistic (`LOGISTIC`), as onnxruntime 1.28 and later compute it.

use std::collections::HashMap;

use tract_onnx::pb::{AttributeProto, GraphProto, ModelProto, NodeProto};

/// How a node decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Leq,
    Lt,
    Gte,
    Gt,
    Eq,
    Neq,
    Leaf,
}

/// One node in 20 bytes (a 200-tree forest walks millions of them per batch); children
/// are indices into the tree's node list; a leaf keeps its weight in `value`.
#[derive(Clone, Debug)]
struct Node {
    feature: u32,
    yes: u32,
    no: u32,
    /// The threshold of a branch, the weight of a leaf.
    value: f32,
    mode: Mode,
    missing_true: bool,
}

/// What the summed score becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Output {
    /// A regressor's value, or a classifier score whose weights are probabilities.
    Score,
    /// The logistic function of the score (binary classifiers, `LOGISTIC`).
    Logistic,
}

/// A tree ensemble read from an ONNX graph.
#[derive(Clone, Debug)]
pub(crate) struct TreeEnsemble {
    trees: Vec<Vec<Node>>,
    base: Option<f32>,
    output: Output,
    width: usize,
}

fn attribute<'a>(node: &'a NodeProto, name: &str) -> Option<&'a AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}

fn ints(node: &NodeProto, name: &str) -> Vec<i64> {
    attribute(node, name)
        .map(|a| a.ints.clone())
        .unwrap_or_default()
}

fn floats(node: &NodeProto, name: &str) -> Vec<f32> {
    attribute(node, name)
        .map(|a| a.floats.clone())
        .unwrap_or_default()
}

fn text(node: &NodeProto, name: &str) -> Option<String> {
    attribute(node, name).map(|a| String::from_utf8_lossy(&a.s).into_owned())
}

/// Whether initializer `name` is the scalar 1 (LightGBM's exporter multiplies by it).
fn is_one(graph: &GraphProto, name: &str) -> bool {
    graph.initializer.iter().any(|t| {
        t.name == name
            && (t.float_data == [1.0] || t.raw_data.as_slice() == 1.0f32.to_le_bytes().as_slice())
    })
}

/// The graph output that carries the ensemble's scores, following the pass-through nodes
/// exporters append (Identity, a Cast, a Mul by 1); `None` when anything else follows.
fn reaches_output(graph: &GraphProto, start: &str) -> Option<String> {
    let mut name = start.to_string();
    loop {
        if graph.output.iter().any(|o| o.name == name) {
            return Some(name);
        }
        let next = graph.node.iter().find(|n| n.input.contains(&name))?;
        let passes = match next.op_type.as_str() {
            "Identity" => true,
            "Cast" => attribute(next, "to").is_some_and(|a| a.i == 1 || a.i == 11),
            "Mul" => next.input.iter().any(|i| *i != name && is_one(graph, i)),
            _ => false,
        };
        if !passes || next.output.len() != 1 {
            return None;
        }
        name = next.output[0].clone();
    }
}

impl TreeEnsemble {
    /// The ensemble when the graph is one tree-ensemble node on the graph's single input
    /// whose scores reach an output through pass-through nodes only, and the ensemble is a
    /// binary classifier with one weight column or a one-target regressor with `SUM`;
    /// `Ok(None)` for any other graph (tract scores it), `Err` for an ensemble whose
    /// attributes contradict each other.
    pub(crate) fn from_proto(model: &ModelProto) -> Result<Option<TreeEnsemble>, String> {
        let Some(graph) = &model.graph else {
            return Ok(None);
        };
        let trees: Vec<&NodeProto> = graph
            .node
            .iter()
            .filter(|n| n.op_type.starts_with("TreeEnsemble"))
            .collect();
        let ([node], [input]) = (trees.as_slice(), graph.input.as_slice()) else {
            return Ok(None);
        };
        if node.domain != "ai.onnx.ml" || node.input.first() != Some(&input.name) {
            return Ok(None);
        }
        let classifier = match node.op_type.as_str() {
            "TreeEnsembleClassifier" => true,
            "TreeEnsembleRegressor" => false,
            _ => return Ok(None),
        };
        // The probabilities (second output) of a classifier, the values of a regressor.
        let scores = if classifier {
            node.output.get(1)
        } else {
            node.output.first()
        };
        let Some(scores) = scores else {
            return Ok(None);
        };
        if reaches_output(graph, scores).is_none() {
            return Ok(None);
        }
        let prefix = if classifier { "class" } else { "target" };
        let post = text(node, "post_transform").unwrap_or_else(|| "NONE".into());
        let aggregate = text(node, "aggregate_function").unwrap_or_else(|| "SUM".into());
        let ids = ints(node, &format!("{prefix}_ids"));
        let weights = floats(node, &format!("{prefix}_weights"));
        if aggregate != "SUM" || ids.iter().any(|i| *i != 0) || weights.is_empty() {
            return Ok(None);
        }
        if classifier && ints(node, "classlabels_int64s").len() != 2 {
            return Ok(None);
        }
        // onnxruntime 1.28 on: with NONE the positive column is the score itself (a
        // forest's weights are P(class 1) / trees); LOGISTIC maps it whatever the weights'
        // signs. A regressor's other transforms are left to tract.
        let output = match (classifier, post.as_str()) {
            (_, "NONE") => Output::Score,
            (true, "LOGISTIC") => Output::Logistic,
            _ => return Ok(None),
        };
        let base = match floats(node, "base_values").as_slice() {
            [] => None,
            [b] => Some(*b),
            _ => return Ok(None),
        };
        let ensemble = read_trees(node, prefix, &weights)?;
        let width = ensemble
            .iter()
            .flatten()
            .filter(|n| n.mode != Mode::Leaf)
            .map(|n| n.feature as usize + 1)
            .max()
            .unwrap_or(0);
        Ok(Some(TreeEnsemble {
            trees: ensemble,
            base,
            output,
            width,
        }))
    }

    /// The highest feature index any node reads, plus one.
    pub(crate) fn features_read(&self) -> usize {
        self.width
    }

    /// The positive class's probability (classifier) or the value (regressor) of one row.
    #[cfg(test)]
    pub(crate) fn score(&self, row: &[f32]) -> f32 {
        self.score_rows(row, row.len())[0]
    }

    /// The scores of `rows` (row-major, `width` values a row). Tree by tree over all rows,
    /// so each tree stays in cache; every row still sums its leaves in tree order, so the
    /// result is the one a row-by-row walk gives.
    pub(crate) fn score_rows(&self, rows: &[f32], width: usize) -> Vec<f32> {
        let n = rows.len().checked_div(width).unwrap_or(0);
        let mut sums = vec![0.0f32; n];
        for tree in &self.trees {
            for (sum, row) in sums.iter_mut().zip(rows.chunks_exact(width.max(1))) {
                *sum += leaf_weight(tree, row);
            }
        }
        for sum in &mut sums {
            if let Some(base) = self.base {
                *sum += base;
            }
            if self.output == Output::Logistic {
                *sum = logistic(*sum);
            }
        }
        sums
    }
}

/// The weight of the leaf `row` reaches in `tree`. Indices were checked at load (every
/// child exists, every feature fits the input), so the walk ends at a leaf.
fn leaf_weight(tree: &[Node], row: &[f32]) -> f32 {
    let mut node = &tree[0];
    loop {
        let t = node.value;
        let x = match node.mode {
            Mode::Leaf => return t,
            _ => row[node.feature as usize],
        };
        // NaN fails every comparison except "not equal"; the exporter's flag sends it the
        // other way.
        let yes = if x.is_nan() {
            node.missing_true || node.mode == Mode::Neq
        } else {
            match node.mode {
                Mode::Leq => x <= t,
                Mode::Lt => x < t,
                Mode::Gte => x >= t,
                Mode::Gt => x > t,
                Mode::Eq => x == t,
                Mode::Neq => x != t,
                Mode::Leaf => false,
            }
        };
        node = &tree[(if yes { node.yes } else { node.no }) as usize];
    }
}

/// onnxruntime's float32 logistic: 1 / (1 + exp(-|v|)), mirrored for negative v.
fn logistic(v: f32) -> f32 {
    let p = 1.0 / (1.0 + (-v.abs()).exp());
    if v < 0.0 { 1.0 - p } else { p }
}

/// The trees in `nodes_treeids` order, each node list in listing order (the first listed
/// node is the root), leaves carrying their weight. Every child must exist, every leaf must have exactly one
/// weight, and every walk must end (children come after their parent's position).
fn read_trees(node: &NodeProto, prefix: &str, weights: &[f32]) -> Result<Vec<Vec<Node>>, String> {
    let tree_ids = ints(node, "nodes_treeids");
    let node_ids = ints(node, "nodes_nodeids");
    let features = ints(node, "nodes_featureids");
    let values = floats(node, "nodes_values");
    let modes = attribute(node, "nodes_modes")
        .map(|a| a.strings.clone())
        .unwrap_or_default();
    let yes = ints(node, "nodes_truenodeids");
    let no = ints(node, "nodes_falsenodeids");
    let missing = ints(node, "nodes_missing_value_tracks_true");
    let n = tree_ids.len();
    let lengths = [
        node_ids.len(),
        features.len(),
        values.len(),
        modes.len(),
        yes.len(),
        no.len(),
    ];
    if n == 0 || lengths.iter().any(|l| *l != n) || !(missing.is_empty() || missing.len() == n) {
        return Err(format!(
            "tree node attributes of different lengths ({n}, {lengths:?})"
        ));
    }
    let mut order: Vec<i64> = Vec::new();
    let mut position: HashMap<(i64, i64), usize> = HashMap::new();
    let mut trees: Vec<Vec<Node>> = Vec::new();
    for i in 0..n {
        let tree = match order.iter().position(|t| *t == tree_ids[i]) {
            Some(t) => t,
            None => {
                order.push(tree_ids[i]);
                trees.push(Vec::new());
                order.len() - 1
            }
        };
        let mode = match modes[i].as_slice() {
            b"BRANCH_LEQ" => Mode::Leq,
            b"BRANCH_LT" => Mode::Lt,
            b"BRANCH_GTE" => Mode::Gte,
            b"BRANCH_GT" => Mode::Gt,
            b"BRANCH_EQ" => Mode::Eq,
            b"BRANCH_NEQ" => Mode::Neq,
            b"LEAF" => Mode::Leaf,
            other => return Err(format!("node mode {:?}", String::from_utf8_lossy(other))),
        };
        let feature = u32::try_from(features[i])
            .ok()
            .filter(|f| mode == Mode::Leaf || *f <= 1 << 20)
            .ok_or_else(|| format!("feature index {}", features[i]))?;
        if position
            .insert((tree_ids[i], node_ids[i]), trees[tree].len())
            .is_some()
        {
            return Err(format!(
                "node {} of tree {} appears twice",
                node_ids[i], tree_ids[i]
            ));
        }
        trees[tree].push(Node {
            feature,
            yes: 0,
            no: 0,
            // A leaf's weight replaces this below; NaN marks one still without.
            value: if mode == Mode::Leaf {
                f32::NAN
            } else {
                values[i]
            },
            mode,
            missing_true: missing.get(i).is_some_and(|m| *m != 0),
        });
    }
    let at = |tree: i64, id: i64| {
        position
            .get(&(tree, id))
            .copied()
            .ok_or_else(|| format!("tree {tree} has no node {id}"))
    };
    // Children as positions; a child at or before its parent could loop forever.
    for i in 0..n {
        let tree = order.iter().position(|t| *t == tree_ids[i]).unwrap_or(0);
        let me = at(tree_ids[i], node_ids[i])?;
        if trees[tree][me].mode == Mode::Leaf {
            continue;
        }
        let (y, f) = (at(tree_ids[i], yes[i])?, at(tree_ids[i], no[i])?);
        let index =
            |p: usize| u32::try_from(p).map_err(|_| "a tree of over 2^32 nodes".to_string());
        trees[tree][me].yes = index(y)?;
        trees[tree][me].no = index(f)?;
    }
    let tree_of = ints(node, &format!("{prefix}_treeids"));
    let node_of = ints(node, &format!("{prefix}_nodeids"));
    if tree_of.len() != weights.len() || node_of.len() != weights.len() {
        return Err("leaf weight attributes of different lengths".into());
    }
    for ((t, id), w) in tree_of.iter().zip(&node_of).zip(weights) {
        let tree = order
            .iter()
            .position(|x| x == t)
            .ok_or_else(|| format!("a weight for tree {t}, which has no nodes"))?;
        let leaf = &mut trees[tree][at(*t, *id)?];
        if leaf.mode != Mode::Leaf || !leaf.value.is_nan() {
            return Err(format!(
                "node {id} of tree {t} is not a leaf with one weight"
            ));
        }
        leaf.value = *w;
    }
    // Each tree's walk starts at its first listed node (onnxruntime's root, whatever its
    // id); every node is reached at most once from it, so no walk loops, and no leaf lacks
    // its weight.
    for (tree, nodes) in trees.iter().enumerate() {
        let mut seen = vec![false; nodes.len()];
        let mut stack = vec![0usize];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                return Err(format!("tree {} reaches a node twice", order[tree]));
            }
            match nodes[i].mode {
                Mode::Leaf if nodes[i].value.is_nan() => {
                    return Err(format!("a leaf of tree {} has no weight", order[tree]));
                }
                Mode::Leaf => {}
                _ => stack.extend([nodes[i].yes as usize, nodes[i].no as usize]),
            }
        }
    }
    Ok(trees)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tract_onnx::pb::{GraphProto, ModelProto, ValueInfoProto};

    fn ints(name: &str, v: &[i64]) -> AttributeProto {
        AttributeProto {
            name: name.into(),
            ints: v.to_vec(),
            ..Default::default()
        }
    }

    fn floats(name: &str, v: &[f32]) -> AttributeProto {
        AttributeProto {
            name: name.into(),
            floats: v.to_vec(),
            ..Default::default()
        }
    }

    /// One stump: node 0 tests feature 0 against 1.0 with `mode`; node 1 (true) weighs
    /// 0.9, node 2 (false) 0.2; the ensemble's post transform is `post`.
    fn stump(mode: &str, post: &str) -> TreeEnsemble {
        let node = NodeProto {
            op_type: "TreeEnsembleClassifier".into(),
            domain: "ai.onnx.ml".into(),
            input: vec!["x".into()],
            output: vec!["label".into(), "probabilities".into()],
            attribute: vec![
                ints("nodes_treeids", &[0, 0, 0]),
                ints("nodes_nodeids", &[0, 1, 2]),
                ints("nodes_featureids", &[0, 0, 0]),
                floats("nodes_values", &[1.0, 0.0, 0.0]),
                AttributeProto {
                    name: "nodes_modes".into(),
                    strings: vec![mode.into(), b"LEAF".to_vec(), b"LEAF".to_vec()],
                    ..Default::default()
                },
                ints("nodes_truenodeids", &[1, 0, 0]),
                ints("nodes_falsenodeids", &[2, 0, 0]),
                ints("nodes_missing_value_tracks_true", &[0, 0, 0]),
                ints("class_treeids", &[0, 0]),
                ints("class_nodeids", &[1, 2]),
                ints("class_ids", &[0, 0]),
                floats("class_weights", &[0.9, 0.2]),
                ints("classlabels_int64s", &[0, 1]),
                AttributeProto {
                    name: "post_transform".into(),
                    s: post.into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let value = |name: &str| ValueInfoProto {
            name: name.into(),
            ..Default::default()
        };
        let model = ModelProto {
            graph: Some(GraphProto {
                node: vec![node],
                input: vec![value("x")],
                output: vec![value("label"), value("probabilities")],
                ..Default::default()
            }),
            ..Default::default()
        };
        TreeEnsemble::from_proto(&model)
            .expect("valid")
            .expect("native")
    }

    #[test]
    fn nan_fails_every_comparison_but_not_equal() {
        let leq = stump("BRANCH_LEQ", "NONE");
        assert_eq!(leq.score(&[0.5]), 0.9);
        assert_eq!(leq.score(&[f32::NAN]), 0.2, "NaN <= 1 is false");
        let neq = stump("BRANCH_NEQ", "NONE");
        assert_eq!(neq.score(&[1.0]), 0.2);
        assert_eq!(neq.score(&[f32::NAN]), 0.9, "NaN != 1 is true");
    }

    #[test]
    fn logistic_applies_whatever_the_weights_signs() {
        let forest = stump("BRANCH_LEQ", "NONE");
        assert_eq!(forest.score(&[0.5]), 0.9);
        let boosted = stump("BRANCH_LEQ", "LOGISTIC");
        assert!((boosted.score(&[0.5]) - 1.0 / (1.0 + (-0.9f32).exp())).abs() < 1e-7);
        assert!((boosted.score(&[2.0]) - 1.0 / (1.0 + (-0.2f32).exp())).abs() < 1e-7);
    }
}
