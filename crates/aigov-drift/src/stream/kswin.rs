//! KSWIN (Kolmogorov-Smirnov WINdowing, Raab et al. 2020), ported from `river.drift.KSWIN`
//! (river 0.26.1) with CPython's `random.sample` and scipy's `ks_2samp`.

use std::collections::VecDeque;

use super::check::invalid;
use super::{DriftDetector, PythonRandom};
use crate::{DriftError, KsTest, ks_2samp};

/// Settings of [`Kswin`], with river's names. [`Default`] gives river's defaults except the
/// seed, which river draws from the operating system (not reproducible); here it is 42.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KswinParams {
    /// Significance level of the KS test, in (0, 1]; default 0.005.
    pub alpha: f64,
    /// Number of most recent values kept; default 100.
    pub window_size: usize,
    /// Size of each of the two compared samples; at least 1 and at most half the window;
    /// default 30.
    pub stat_size: usize,
    /// Seed of the `random.Random` that draws the old sample; re-seeded at every reset.
    pub seed: u64,
}

impl Default for KswinParams {
    fn default() -> Self {
        Self {
            alpha: 0.005,
            window_size: 100,
            stat_size: 30,
            seed: 42,
        }
    }
}

impl KswinParams {
    /// Checks every setting; the error names the first one out of range.
    pub fn validate(&self) -> Result<(), DriftError> {
        if !(self.alpha > 0.0 && self.alpha <= 1.0) {
            return Err(invalid(
                "KSWIN alpha",
                format!("{} is not in (0, 1]", self.alpha),
            ));
        }
        if self.stat_size == 0 {
            return Err(invalid("KSWIN stat_size", "must be at least 1"));
        }
        if self.window_size <= self.stat_size {
            return Err(invalid(
                "KSWIN window_size",
                format!(
                    "{} is not larger than stat_size {}",
                    self.window_size, self.stat_size
                ),
            ));
        }
        if self.window_size - self.stat_size < self.stat_size {
            return Err(invalid(
                "KSWIN stat_size",
                format!(
                    "{} values cannot be drawn without replacement from the {} oldest of \
                     the window",
                    self.stat_size,
                    self.window_size - self.stat_size
                ),
            ));
        }
        Ok(())
    }
}

/// KSWIN detector: once the window is full, every update compares the last `stat_size` values
/// with `stat_size` values drawn at random from the rest of the window by a two-sample KS
/// test, and reports drift when `p <= alpha` and the statistic exceeds 0.1.
///
/// Matches `river.drift.KSWIN` with an integer seed: the same draws from `random.Random`
/// (re-seeded at every reset), scipy's `ks_2samp(old, recent, method="auto")` through
/// [`crate::ks_2samp`], and river's reset of the window, count and p-value at the update
/// after a detection.
#[derive(Clone, Debug, PartialEq)]
pub struct Kswin {
    params: KswinParams,
    rng: PythonRandom,
    window: VecDeque<f64>,
    n: u64,
    p_value: f64,
    last_test: Option<KsTest>,
    drift: bool,
}

impl Default for Kswin {
    fn default() -> Self {
        Self::fresh(KswinParams::default())
    }
}

impl Kswin {
    /// A detector with these settings, or `InvalidInput` if one is out of range.
    pub fn new(params: KswinParams) -> Result<Self, DriftError> {
        params.validate()?;
        Ok(Self::fresh(params))
    }

    fn fresh(params: KswinParams) -> Self {
        Self {
            rng: PythonRandom::new(i128::from(params.seed)),
            window: VecDeque::with_capacity(params.window_size),
            params,
            n: 0,
            p_value: 0.0,
            last_test: None,
            drift: false,
        }
    }

    /// The settings.
    pub fn params(&self) -> &KswinParams {
        &self.params
    }

    /// Updates since the last reset.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// p-value of the last KS test since the last reset, 0 before the first one (as river).
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// The last KS test since the last reset, if any.
    pub fn last_test(&self) -> Option<&KsTest> {
        self.last_test.as_ref()
    }

    /// Number of values in the window (only the recent sample right after a detection).
    pub fn window_len(&self) -> usize {
        self.window.len()
    }

    /// Runs the test on the full window; true on drift.
    fn test(&mut self) -> bool {
        let (size, stat) = (self.params.window_size, self.params.stat_size);
        let old = size - stat;
        let Ok(indices) = self.rng.sample_range(old as u64, stat) else {
            return false;
        };
        let drawn: Vec<f64> = indices
            .iter()
            .filter_map(|&r| usize::try_from(r).ok().and_then(|r| self.window.get(r)))
            .copied()
            .collect();
        let recent: Vec<f64> = self.window.range(old..).copied().collect();
        let Ok(test) = ks_2samp(&drawn, &recent) else {
            return false;
        };
        self.p_value = test.p_value;
        self.last_test = Some(test);
        let drift = test.p_value <= self.params.alpha && test.statistic.statistic > 0.1;
        if drift {
            // river keeps only the recent sample; the next update resets anyway.
            self.window = recent.into();
        }
        drift
    }
}

impl DriftDetector for Kswin {
    fn update(&mut self, x: f64) -> bool {
        if !x.is_finite() {
            return false;
        }
        if self.drift {
            self.reset();
        }
        self.n += 1;
        if self.window.len() >= self.params.window_size {
            self.window.pop_front();
        }
        self.window.push_back(x);
        self.drift = self.window.len() >= self.params.window_size && self.test();
        self.drift
    }

    fn drift_detected(&self) -> bool {
        self.drift
    }

    fn reset(&mut self) {
        *self = Self::fresh(self.params);
    }

    fn name(&self) -> &'static str {
        "KSWIN"
    }
}
