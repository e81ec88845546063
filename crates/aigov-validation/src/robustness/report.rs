//! The robustness evidence attached to a model version.

use serde::{Deserialize, Serialize};

use super::constraints::FeatureConstraints;
use super::evasion::AttackReport;
use super::noise::NoiseFlipReport;
use super::poisoning::{BackdoorReport, PoisoningReport};

/// Everything the robustness tests found, for the registry's evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RobustnessReport {
    /// Report format version.
    pub version: u32,
    /// Rows tested.
    pub rows: usize,
    /// What the attacker was allowed to change.
    pub constraints: FeatureConstraints,
    /// Decision flips under noise.
    pub noise: Option<NoiseFlipReport>,
    /// Evasion searches.
    pub evasion: Vec<AttackReport>,
    /// Label-flip poisoning (needs a trainer).
    pub poisoning: Option<PoisoningReport>,
    /// Backdoor test (needs a trainer).
    pub backdoor: Option<BackdoorReport>,
}

impl RobustnessReport {
    /// The current format version.
    pub const VERSION: u32 = 1;
}
