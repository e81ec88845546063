//! The Page-Hinkley test, ported from `river.drift.PageHinkley` (river 0.26.1).

use super::DriftDetector;
use super::check::{at_least, greater_than, invalid};
use crate::DriftError;

/// Which direction of change [`PageHinkley`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PageHinkleyMode {
    /// Only a rise of the mean (`test_increase > threshold`).
    Up,
    /// Only a fall of the mean (`test_decrease > threshold`).
    Down,
    /// Either (river's default).
    #[default]
    Both,
}

/// Settings of [`PageHinkley`], with river's names; [`Default`] gives river's defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageHinkleyParams {
    /// Updates since the last reset before the test runs; default 30.
    pub min_instances: u64,
    /// Allowed deviation (≥ 0, in the data's units) subtracted at every step; default 0.005.
    pub delta: f64,
    /// Decision threshold (> 0, in the data's units); default 50.
    pub threshold: f64,
    /// Fading factor of the cumulative sums, in (0, 1]; default `1 - 0.0001`.
    pub alpha: f64,
    /// Which direction of change to report; default both.
    pub mode: PageHinkleyMode,
}

impl Default for PageHinkleyParams {
    fn default() -> Self {
        Self {
            min_instances: 30,
            delta: 0.005,
            threshold: 50.0,
            alpha: 1.0 - 0.0001,
            mode: PageHinkleyMode::Both,
        }
    }
}

impl PageHinkleyParams {
    /// Checks every setting; the error names the first one out of range.
    pub fn validate(&self) -> Result<(), DriftError> {
        at_least("PageHinkley delta", self.delta, 0.0)?;
        greater_than("PageHinkley threshold", self.threshold, 0.0)?;
        if !(self.alpha > 0.0 && self.alpha <= 1.0) {
            return Err(invalid(
                "PageHinkley alpha",
                format!("{} is not in (0, 1]", self.alpha),
            ));
        }
        Ok(())
    }
}

/// Page-Hinkley detector: faded cumulative sums of the deviation from the running mean, with
/// a drift when a sum moves more than `threshold` away from its running extreme.
///
/// Matches `river.drift.PageHinkley` bit for bit: the running mean is a plain (unfaded) mean
/// since the last reset, the deviation is taken from the mean including the new value, and
/// the update after a detection starts everything afresh. `delta` and `threshold` are in the
/// data's units, so the detector depends on the scale of the data.
#[derive(Clone, Debug, PartialEq)]
pub struct PageHinkley {
    params: PageHinkleyParams,
    n: f64,
    mean: f64,
    sum_increase: f64,
    sum_decrease: f64,
    min_increase: f64,
    max_decrease: f64,
    drift: bool,
}

impl Default for PageHinkley {
    fn default() -> Self {
        Self::fresh(PageHinkleyParams::default())
    }
}

impl PageHinkley {
    /// A detector with these settings, or `InvalidInput` if one is out of range.
    pub fn new(params: PageHinkleyParams) -> Result<Self, DriftError> {
        params.validate()?;
        Ok(Self::fresh(params))
    }

    fn fresh(params: PageHinkleyParams) -> Self {
        Self {
            params,
            n: 0.0,
            mean: 0.0,
            sum_increase: 0.0,
            sum_decrease: 0.0,
            min_increase: f64::INFINITY,
            max_decrease: -1.0,
            drift: false,
        }
    }

    /// The settings.
    pub fn params(&self) -> &PageHinkleyParams {
        &self.params
    }

    /// Updates since the last reset (a float, as river's `Mean.n`).
    pub fn n(&self) -> f64 {
        self.n
    }

    /// Running mean since the last reset.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Faded cumulative sum watching for a rise (river's `_sum_increase`).
    pub fn sum_increase(&self) -> f64 {
        self.sum_increase
    }

    /// Faded cumulative sum watching for a fall (river's `_sum_decrease`).
    pub fn sum_decrease(&self) -> f64 {
        self.sum_decrease
    }

    /// Smallest `sum_increase` since the last reset (∞ before the first update).
    pub fn min_increase(&self) -> f64 {
        self.min_increase
    }

    /// Largest `sum_decrease` since the last reset (-1 before the first update).
    pub fn max_decrease(&self) -> f64 {
        self.max_decrease
    }

    /// `sum_increase - min_increase`, compared with the threshold for a rise.
    pub fn test_increase(&self) -> f64 {
        self.sum_increase - self.min_increase
    }

    /// `max_decrease - sum_decrease`, compared with the threshold for a fall.
    pub fn test_decrease(&self) -> f64 {
        self.max_decrease - self.sum_decrease
    }
}

impl DriftDetector for PageHinkley {
    fn update(&mut self, x: f64) -> bool {
        if !x.is_finite() {
            return false;
        }
        if self.drift {
            self.reset();
        }
        let p = &self.params;
        self.n += 1.0;
        self.mean += (1.0 / self.n) * (x - self.mean);
        let dev = x - self.mean;
        self.sum_increase = p.alpha * self.sum_increase + dev - p.delta;
        self.sum_decrease = p.alpha * self.sum_decrease + dev + p.delta;
        if self.sum_increase < self.min_increase {
            self.min_increase = self.sum_increase;
        }
        if self.sum_decrease > self.max_decrease {
            self.max_decrease = self.sum_decrease;
        }
        // river compares the float count with the integer setting.
        if self.n >= p.min_instances as f64 {
            let up = self.test_increase() > p.threshold;
            let down = self.test_decrease() > p.threshold;
            self.drift = match p.mode {
                PageHinkleyMode::Up => up,
                PageHinkleyMode::Down => down,
                PageHinkleyMode::Both => up || down,
            };
        }
        self.drift
    }

    fn drift_detected(&self) -> bool {
        self.drift
    }

    fn reset(&mut self) {
        *self = Self::fresh(self.params);
    }

    fn name(&self) -> &'static str {
        "PageHinkley"
    }
}
