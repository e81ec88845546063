//! Parameter checks shared by the streaming detectors.

use crate::DriftError;

/// An `InvalidInput` error for parameter `what`.
pub(super) fn invalid(what: &'static str, reason: impl Into<String>) -> DriftError {
    DriftError::InvalidInput {
        what,
        reason: reason.into(),
    }
}

/// Fails unless `value` is finite and `low < value < high`.
pub(super) fn open_interval(
    what: &'static str,
    value: f64,
    low: f64,
    high: f64,
) -> Result<(), DriftError> {
    if value.is_finite() && value > low && value < high {
        Ok(())
    } else {
        Err(invalid(what, format!("{value} is not in ({low}, {high})")))
    }
}

/// Fails unless `value` is finite and at least `low`.
pub(super) fn at_least(what: &'static str, value: f64, low: f64) -> Result<(), DriftError> {
    if value.is_finite() && value >= low {
        Ok(())
    } else {
        Err(invalid(
            what,
            format!("{value} is not a finite number >= {low}"),
        ))
    }
}

/// Fails unless `value` is finite and greater than `low`.
pub(super) fn greater_than(what: &'static str, value: f64, low: f64) -> Result<(), DriftError> {
    if value.is_finite() && value > low {
        Ok(())
    } else {
        Err(invalid(
            what,
            format!("{value} is not a finite number > {low}"),
        ))
    }
}
