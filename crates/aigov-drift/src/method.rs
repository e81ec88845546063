//! The drift methods by their Evidently names, and what each one's score means.

use serde::{Deserialize, Serialize};

use crate::DriftError;
use crate::sample::ColumnType;

/// A drift method, named as Evidently names its stattests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Two-sample Kolmogorov-Smirnov (p-value).
    Ks,
    /// Chi-square on category counts (p-value).
    Chisquare,
    /// Two-proportion z-test for two categories (p-value).
    Z,
    /// Wasserstein distance normed by the reference standard deviation.
    Wasserstein,
    /// Population stability index.
    Psi,
    /// Kullback-Leibler divergence of the binned reference from the binned current.
    KlDiv,
    /// Jensen-Shannon distance (natural logarithm).
    Jensenshannon,
    /// Hellinger distance.
    Hellinger,
    /// k-sample Anderson-Darling (p-value).
    Anderson,
    /// Welch's t-test (p-value).
    TTest,
    /// Mann-Whitney U (p-value).
    Mannw,
}

/// Every method, in the order the CLI lists them.
pub const ALL_METHODS: [Method; 11] = [
    Method::Ks,
    Method::Chisquare,
    Method::Z,
    Method::Wasserstein,
    Method::Psi,
    Method::KlDiv,
    Method::Jensenshannon,
    Method::Hellinger,
    Method::Anderson,
    Method::TTest,
    Method::Mannw,
];

impl Method {
    /// The Evidently stattest name.
    pub fn name(self) -> &'static str {
        match self {
            Method::Ks => "ks",
            Method::Chisquare => "chisquare",
            Method::Z => "z",
            Method::Wasserstein => "wasserstein",
            Method::Psi => "psi",
            Method::KlDiv => "kl_div",
            Method::Jensenshannon => "jensenshannon",
            Method::Hellinger => "hellinger",
            Method::Anderson => "anderson",
            Method::TTest => "t_test",
            Method::Mannw => "mannw",
        }
    }

    /// The method with this Evidently name.
    pub fn parse(name: &str) -> Result<Method, DriftError> {
        ALL_METHODS
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = ALL_METHODS.iter().map(|m| m.name()).collect();
                DriftError::invalid(
                    "method",
                    format!("unknown method {name:?}; known: {}", known.join(", ")),
                )
            })
    }

    /// Whether the score is a p-value (drift when below the threshold) rather than a
    /// distance (drift when at or above it).
    pub fn is_test(self) -> bool {
        matches!(
            self,
            Method::Ks
                | Method::Chisquare
                | Method::Z
                | Method::Anderson
                | Method::TTest
                | Method::Mannw
        )
    }

    /// Evidently's default threshold: 0.05 for p-values (0.1 for anderson), 0.1 for distances.
    pub fn default_threshold(self) -> f64 {
        match self {
            Method::Anderson => 0.1,
            m if m.is_test() => 0.05,
            _ => 0.1,
        }
    }

    /// Whether the method can compare columns of this type.
    pub fn applies_to(self, column_type: ColumnType) -> bool {
        match column_type {
            ColumnType::Numeric => true,
            ColumnType::Categorical => matches!(
                self,
                Method::Chisquare
                    | Method::Z
                    | Method::Psi
                    | Method::KlDiv
                    | Method::Jensenshannon
                    | Method::Hellinger
            ),
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
