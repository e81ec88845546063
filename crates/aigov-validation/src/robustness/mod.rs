//! Adversarial robustness against any [`Model`](aigov_core::Model), black-box only: noise
//! flips, evasion searches and poisoning sensitivity, gathered into one serializable report
//! for the registry's evidence.

pub mod constraints;
pub mod evasion;
pub mod noise;
mod oracle;
pub mod poisoning;
pub mod report;
pub mod trainer;
