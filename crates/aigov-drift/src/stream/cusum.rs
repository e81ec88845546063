//! The two-sided tabular CUSUM of Page (1954), in the form of Montgomery's *Introduction to
//! Statistical Quality Control* (section 9.1). river has no CUSUM; this one is tested against
//! its definition.

use super::DriftDetector;
use super::check::{at_least, greater_than, invalid};
use crate::DriftError;

/// Settings of [`Cusum`]. `k` and `h` are in units of the in-control standard deviation σ;
/// to give them in the data's units, set `sigma: Some(1.0)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CusumParams {
    /// In-control mean μ0; `None` estimates it as the mean of the first `warmup` values
    /// after every reset.
    pub target: Option<f64>,
    /// In-control standard deviation σ (> 0); `None` estimates it as the sample standard
    /// deviation (divisor n − 1) of the first `warmup` values after every reset.
    pub sigma: Option<f64>,
    /// Values used only to estimate what `target` and `sigma` leave open (at least 2 when
    /// `sigma` is estimated, at least 1 when only `target` is); ignored when both are given.
    pub warmup: usize,
    /// Slack (reference value) k ≥ 0 in σ: shifts smaller than k·σ are absorbed; 0.5 detects a
    /// shift of one σ fastest.
    pub k: f64,
    /// Decision interval h > 0 in σ: drift when a cumulative sum exceeds h·σ.
    pub h: f64,
}

impl Default for CusumParams {
    /// Estimated μ0 and σ from 30 values, k = 0.5, h = 5 (Montgomery's usual choice).
    fn default() -> Self {
        Self {
            target: None,
            sigma: None,
            warmup: 30,
            k: 0.5,
            h: 5.0,
        }
    }
}

impl CusumParams {
    /// Checks every setting; the error names the first one out of range.
    pub fn validate(&self) -> Result<(), DriftError> {
        if let Some(target) = self.target
            && !target.is_finite()
        {
            return Err(invalid("CUSUM target", format!("{target} is not finite")));
        }
        if let Some(sigma) = self.sigma {
            greater_than("CUSUM sigma", sigma, 0.0)?;
        }
        at_least("CUSUM k", self.k, 0.0)?;
        greater_than("CUSUM h", self.h, 0.0)?;
        let needed = match (self.target, self.sigma) {
            (_, None) => 2,
            (None, Some(_)) => 1,
            (Some(_), Some(_)) => 0,
        };
        if self.warmup < needed {
            return Err(invalid(
                "CUSUM warmup",
                format!(
                    "{} values cannot estimate what is not given (need {needed})",
                    self.warmup
                ),
            ));
        }
        Ok(())
    }
}

/// Two-sided tabular CUSUM: with K = k·σ and H = h·σ,
/// `C⁺ = max(0, C⁺ + x − (μ0 + K))` and `C⁻ = max(0, C⁻ + (μ0 − K) − x)`, and drift when
/// `C⁺ > H` (the mean rose) or `C⁻ > H` (it fell).
///
/// Like the river detectors, the update after a detection resets it: both sums go back to 0
/// and, if μ0 or σ are estimated, the next `warmup` values estimate them again (and are not
/// monitored), so the new level becomes the reference. With an estimated σ of 0 (a constant
/// warm-up), K and H are 0 and any later value away from μ0 is reported.
#[derive(Clone, Debug, PartialEq)]
pub struct Cusum {
    params: CusumParams,
    n: u64,
    warm_n: usize,
    warm_mean: f64,
    warm_m2: f64,
    reference: Option<(f64, f64)>,
    upper: f64,
    lower: f64,
    drift: bool,
}

impl Default for Cusum {
    fn default() -> Self {
        Self::fresh(CusumParams::default())
    }
}

impl Cusum {
    /// A detector with these settings, or `InvalidInput` if one is out of range.
    pub fn new(params: CusumParams) -> Result<Self, DriftError> {
        params.validate()?;
        Ok(Self::fresh(params))
    }

    fn fresh(params: CusumParams) -> Self {
        Self {
            reference: params.target.zip(params.sigma),
            params,
            n: 0,
            warm_n: 0,
            warm_mean: 0.0,
            warm_m2: 0.0,
            upper: 0.0,
            lower: 0.0,
            drift: false,
        }
    }

    /// The settings.
    pub fn params(&self) -> &CusumParams {
        &self.params
    }

    /// Updates since the last reset, warm-up included.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The in-control mean μ0 in use, `None` while it is being estimated.
    pub fn target(&self) -> Option<f64> {
        self.reference.map(|(mu, _)| mu)
    }

    /// The in-control standard deviation σ in use, `None` while it is being estimated.
    pub fn sigma(&self) -> Option<f64> {
        self.reference.map(|(_, sigma)| sigma)
    }

    /// The upper cumulative sum C⁺, in the data's units.
    pub fn upper(&self) -> f64 {
        self.upper
    }

    /// The lower cumulative sum C⁻, in the data's units.
    pub fn lower(&self) -> f64 {
        self.lower
    }

    /// Adds a warm-up value; fixes the reference once `warmup` values are in.
    fn warm_up(&mut self, x: f64) {
        self.warm_n += 1;
        let delta = x - self.warm_mean;
        self.warm_mean += delta / self.warm_n as f64;
        self.warm_m2 += delta * (x - self.warm_mean);
        if self.warm_n >= self.params.warmup {
            let mu = self.params.target.unwrap_or(self.warm_mean);
            let sigma = self.params.sigma.unwrap_or_else(|| {
                let n = self.warm_n as f64;
                (self.warm_m2.max(0.0) / (n - 1.0)).sqrt()
            });
            self.reference = Some((mu, sigma));
        }
    }
}

impl DriftDetector for Cusum {
    fn update(&mut self, x: f64) -> bool {
        if !x.is_finite() {
            return false;
        }
        if self.drift {
            self.reset();
        }
        self.n += 1;
        let Some((mu, sigma)) = self.reference else {
            self.warm_up(x);
            return false;
        };
        let slack = self.params.k * sigma;
        let decision = self.params.h * sigma;
        self.upper = (self.upper + x - (mu + slack)).max(0.0);
        self.lower = (self.lower + (mu - slack) - x).max(0.0);
        self.drift = self.upper > decision || self.lower > decision;
        self.drift
    }

    fn drift_detected(&self) -> bool {
        self.drift
    }

    fn reset(&mut self) {
        *self = Self::fresh(self.params);
    }

    fn name(&self) -> &'static str {
        "CUSUM"
    }
}
