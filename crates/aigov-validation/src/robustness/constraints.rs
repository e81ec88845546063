//! What an attacker may change: per-feature bounds, immutable features (a user's country,
//! an account's age), integer counts and one-hot groups. Every candidate an attack scores is
//! projected onto this feasible set first, so a reported evasion is one the attacker could
//! really submit.

use std::collections::BTreeMap;

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Bounds of one feature.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    /// Smallest allowed value.
    pub lower: f64,
    /// Largest allowed value.
    pub upper: f64,
}

/// The feasible set of an attack.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureConstraints {
    /// Feature names, in model order.
    pub features: Vec<String>,
    /// Bounds per feature.
    pub bounds: Vec<Bounds>,
    /// Features the attacker cannot change.
    pub immutable: Vec<bool>,
    /// Features that only take whole numbers.
    pub integer: Vec<bool>,
    /// Groups of features of which exactly one is 1 and the others 0.
    pub one_hot: Vec<Vec<usize>>,
}

impl FeatureConstraints {
    /// Bounds from the data's per-feature minimum and maximum; nothing immutable, integer or
    /// one-hot until said.
    pub fn from_data(
        features: &[String],
        rows: ArrayView2<'_, f64>,
    ) -> Result<FeatureConstraints, ValidationError> {
        if rows.ncols() != features.len() || rows.nrows() == 0 {
            return Err(ValidationError::invalid(
                "rows",
                format!(
                    "{} x {} rows for {} features",
                    rows.nrows(),
                    rows.ncols(),
                    features.len()
                ),
            ));
        }
        if let Some(((r, c), v)) = rows.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(ValidationError::invalid(
                "rows",
                format!("row {r}, feature {}: {v} is not finite", features[c]),
            ));
        }
        let bounds = rows
            .columns()
            .into_iter()
            .map(|c| Bounds {
                lower: c.iter().copied().fold(f64::INFINITY, f64::min),
                upper: c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            })
            .collect();
        Ok(FeatureConstraints {
            features: features.to_vec(),
            bounds,
            immutable: vec![false; features.len()],
            integer: vec![false; features.len()],
            one_hot: Vec::new(),
        })
    }

    fn index(&self, name: &str) -> Result<usize, ValidationError> {
        self.features
            .iter()
            .position(|f| f == name)
            .ok_or_else(|| ValidationError::invalid("feature", format!("no feature {name:?}")))
    }

    /// Marks features the attacker cannot change.
    pub fn immutable(mut self, names: &[&str]) -> Result<Self, ValidationError> {
        for n in names {
            let i = self.index(n)?;
            self.immutable[i] = true;
        }
        Ok(self)
    }

    /// Marks features that take whole numbers.
    pub fn integer(mut self, names: &[&str]) -> Result<Self, ValidationError> {
        for n in names {
            let i = self.index(n)?;
            self.integer[i] = true;
        }
        Ok(self)
    }

    /// Adds a one-hot group.
    pub fn one_hot(mut self, names: &[&str]) -> Result<Self, ValidationError> {
        if names.len() < 2 {
            return Err(ValidationError::invalid(
                "one-hot group",
                "needs at least two features",
            ));
        }
        let group = names
            .iter()
            .map(|n| self.index(n))
            .collect::<Result<Vec<_>, _>>()?;
        if self.one_hot.iter().flatten().any(|i| group.contains(i)) {
            return Err(ValidationError::invalid(
                "one-hot group",
                "a feature is in two groups",
            ));
        }
        self.one_hot.push(group);
        Ok(self)
    }

    /// Replaces the bounds of the named features.
    pub fn with_bounds(
        mut self,
        bounds: &BTreeMap<String, Bounds>,
    ) -> Result<Self, ValidationError> {
        for (name, b) in bounds {
            let i = self.index(name)?;
            if !(b.lower.is_finite() && b.upper.is_finite() && b.lower <= b.upper) {
                return Err(ValidationError::invalid(
                    "bounds",
                    format!(
                        "{name}: [{}, {}] is not a finite interval",
                        b.lower, b.upper
                    ),
                ));
            }
            self.bounds[i] = *b;
        }
        Ok(self)
    }

    /// Checks that the constraints fit a model of `width` features and can be met: one entry
    /// per feature, finite bounds with lower <= upper, a whole number within the bounds of each
    /// integer feature, one-hot groups of distinct, known features. The fields are public, so
    /// every attack calls this before it starts.
    pub fn validate(&self, width: usize) -> Result<(), ValidationError> {
        let bad = |reason: String| Err(ValidationError::invalid("constraints", reason));
        if self.features.len() != width
            || self.bounds.len() != width
            || self.immutable.len() != width
            || self.integer.len() != width
        {
            return bad(format!(
                "{} names, {} bounds, {} immutable and {} integer flags for a model of {width} features",
                self.features.len(),
                self.bounds.len(),
                self.immutable.len(),
                self.integer.len()
            ));
        }
        for (i, b) in self.bounds.iter().enumerate() {
            if !(b.lower.is_finite() && b.upper.is_finite() && b.lower <= b.upper) {
                return bad(format!(
                    "{}: [{}, {}] is not a finite interval",
                    self.features[i], b.lower, b.upper
                ));
            }
            if self.integer[i] && b.lower.ceil() > b.upper.floor() {
                return bad(format!(
                    "{} takes whole numbers but [{}, {}] holds none",
                    self.features[i], b.lower, b.upper
                ));
            }
        }
        let mut seen = vec![false; width];
        for group in &self.one_hot {
            if group.len() < 2 {
                return bad("a one-hot group needs at least two features".into());
            }
            for &i in group {
                if i >= width || seen[i] {
                    return bad(format!("one-hot index {i} is unknown or in two groups"));
                }
                seen[i] = true;
            }
        }
        Ok(())
    }

    /// The unit each feature's change is measured in: its range (1 where the range is 0).
    pub fn scale(&self) -> Vec<f64> {
        self.bounds
            .iter()
            .map(|b| {
                if b.upper > b.lower {
                    b.upper - b.lower
                } else {
                    1.0
                }
            })
            .collect()
    }

    /// Features an attack may move (mutable, and not fixed by a zero-width range).
    pub fn movable(&self) -> Vec<usize> {
        (0..self.features.len())
            .filter(|&i| !self.immutable[i] && self.bounds[i].upper > self.bounds[i].lower)
            .collect()
    }

    /// Puts `candidate` in the feasible set: immutable features back to `original`, values
    /// into bounds, integers rounded, each one-hot group to its largest member.
    pub fn project(&self, candidate: &mut [f64], original: &[f64]) {
        for i in 0..candidate.len() {
            if self.immutable[i] {
                candidate[i] = original[i];
                continue;
            }
            let b = self.bounds[i];
            let mut v = candidate[i].max(b.lower).min(b.upper);
            if self.integer[i] {
                v = v.round().max(b.lower.ceil()).min(b.upper.floor());
            }
            candidate[i] = v;
        }
        for group in &self.one_hot {
            if group.iter().any(|&i| self.immutable[i]) {
                for &i in group {
                    candidate[i] = original[i];
                }
                continue;
            }
            let best = group
                .iter()
                .copied()
                .max_by(|&a, &b| candidate[a].total_cmp(&candidate[b]).then(b.cmp(&a)))
                .unwrap_or(group[0]);
            for &i in group {
                candidate[i] = if i == best { 1.0 } else { 0.0 };
            }
        }
    }

    /// Only bounds and immutability: the continuous relaxation a search moves in.
    pub fn clip(&self, candidate: &mut [f64], original: &[f64]) {
        for i in 0..candidate.len() {
            candidate[i] = if self.immutable[i] {
                original[i]
            } else {
                candidate[i]
                    .max(self.bounds[i].lower)
                    .min(self.bounds[i].upper)
            };
        }
    }

    /// Whether `candidate` is feasible for an attack on `original`.
    pub fn admits(&self, candidate: &[f64], original: &[f64]) -> bool {
        let mut p = candidate.to_vec();
        self.project(&mut p, original);
        p == candidate
    }

    /// The size of a perturbation: the L2 norm of the change, each feature in units of its
    /// range.
    pub fn distance(&self, a: &[f64], b: &[f64]) -> f64 {
        self.scale()
            .iter()
            .zip(a.iter().zip(b))
            .map(|(s, (x, y))| ((x - y) / s).powi(2))
            .sum::<f64>()
            .sqrt()
    }
}
