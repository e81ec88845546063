//! ADWIN (ADaptive WINdowing, Bifet & Gavaldà 2007), ported from river 0.26.1's
//! `rust_src/adwin.rs` and the `river.drift.ADWIN` wrapper.

use super::DriftDetector;
use super::check::{invalid, open_interval};
use crate::DriftError;

/// Settings of [`Adwin`], with river's names; [`Default`] gives river's defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdwinParams {
    /// Significance value of the cut test, in (0, 1); river's default 0.002.
    pub delta: f64,
    /// The window is checked every `clock` updates (at least 1); default 32.
    pub clock: u32,
    /// Buckets per row of the exponential histogram before two merge (at least 2); default 5.
    pub max_buckets: usize,
    /// Minimum size of each sub-window for a cut to be tested (at least 1); default 5.
    pub min_window_length: u32,
    /// No check runs until the window is wider than this; default 10.
    pub grace_period: u32,
}

impl Default for AdwinParams {
    fn default() -> Self {
        Self {
            delta: 0.002,
            clock: 32,
            max_buckets: 5,
            min_window_length: 5,
            grace_period: 10,
        }
    }
}

impl AdwinParams {
    /// Checks every setting; the error names the first one out of range.
    pub fn validate(&self) -> Result<(), DriftError> {
        open_interval("ADWIN delta", self.delta, 0.0, 1.0)?;
        if self.clock == 0 {
            return Err(invalid("ADWIN clock", "must be at least 1"));
        }
        if self.max_buckets < 2 {
            return Err(invalid(
                "ADWIN max_buckets",
                format!("{} is below 2", self.max_buckets),
            ));
        }
        if self.min_window_length == 0 {
            return Err(invalid("ADWIN min_window_length", "must be at least 1"));
        }
        Ok(())
    }
}

/// `(total, variance)` summary of 2^row consecutive items.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bucket {
    total: f64,
    variance: f64,
}

/// The sliding window as an exponential histogram (river's `AdaptiveWindowing`).
#[derive(Clone, Debug, PartialEq)]
struct Window {
    /// Row `i` holds buckets of 2^i items, oldest first; higher rows hold older data.
    rows: Vec<Vec<Bucket>>,
    total: f64,
    /// Sum of squared deviations from the window mean (M2), not divided by anything.
    variance: f64,
    width: f64,
    tick: u64,
    n_detections: u64,
}

/// 2^`exponent` as an f64 (exact for every reachable row).
fn bucket_size(exponent: usize) -> f64 {
    i32::try_from(exponent).map_or(f64::INFINITY, |e| 2f64.powi(e))
}

impl Window {
    fn new() -> Self {
        Self {
            rows: vec![Vec::new()],
            total: 0.0,
            variance: 0.0,
            width: 0.0,
            tick: 0,
            n_detections: 0,
        }
    }

    fn update(&mut self, value: f64, p: &AdwinParams) -> bool {
        self.insert_element(value, p.max_buckets);
        self.detect_change(p)
    }

    fn insert_element(&mut self, value: f64, max_buckets: usize) {
        if self.rows.is_empty() {
            self.rows.push(Vec::new());
        }
        if let Some(row) = self.rows.first_mut() {
            row.push(Bucket {
                total: value,
                variance: 0.0,
            });
        }
        self.width += 1.0;
        let mut incremental_variance = 0.0;
        if self.width > 1.0 {
            let delta_v = value - self.total / (self.width - 1.0);
            incremental_variance = (self.width - 1.0) * delta_v * delta_v / self.width;
        }
        self.variance += incremental_variance;
        self.total += value;
        self.compress_buckets(max_buckets);
    }

    /// Merges the two oldest buckets of every full row into the next row, bottom up.
    fn compress_buckets(&mut self, max_buckets: usize) {
        let mut idx = 0;
        loop {
            let Some(row) = self.rows.get_mut(idx) else {
                return;
            };
            if row.len() != max_buckets + 1 {
                return;
            }
            let (b0, b1) = match row.as_slice() {
                [b0, b1, ..] => (*b0, *b1),
                _ => return,
            };
            row.drain(..2);
            let n1 = bucket_size(idx);
            let mu1 = b0.total / n1;
            let mu2 = b1.total / n1;
            let merged = Bucket {
                total: b0.total + b1.total,
                variance: b0.variance + b1.variance + n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2),
            };
            if self.rows.len() <= idx + 1 {
                self.rows.push(Vec::new());
            }
            let Some(next) = self.rows.get_mut(idx + 1) else {
                return;
            };
            next.push(merged);
            if next.len() <= max_buckets {
                return;
            }
            idx += 1;
        }
    }

    fn detect_change(&mut self, p: &AdwinParams) -> bool {
        let mut change = false;
        self.tick += 1;
        if self.tick.is_multiple_of(u64::from(p.clock)) && self.width > f64::from(p.grace_period) {
            while self.has_cut(p) {
                change = true;
                if self.width <= 0.0 || !self.delete_element() {
                    break;
                }
            }
        }
        if change {
            self.n_detections += 1;
        }
        change
    }

    /// Scans the cuts at bucket boundaries, oldest first; true at the first that holds.
    fn has_cut(&self, p: &AdwinParams) -> bool {
        let min_len = f64::from(p.min_window_length);
        let (mut n0, mut n1, mut u0, mut u1) = (0.0, self.width, 0.0, self.total);
        for (idx, row) in self.rows.iter().enumerate().rev() {
            let size = bucket_size(idx);
            for (k, bucket) in row.iter().enumerate() {
                n0 += size;
                n1 -= size;
                u0 += bucket.total;
                u1 -= bucket.total;
                if idx == 0 && k + 1 == row.len() {
                    return false;
                }
                let delta_mean = (u0 / n0) - (u1 / n1);
                if n1 >= min_len && n0 >= min_len && self.evaluate_cut(n0, n1, delta_mean, p) {
                    return true;
                }
            }
        }
        false
    }

    fn evaluate_cut(&self, n0: f64, n1: f64, delta_mean: f64, p: &AdwinParams) -> bool {
        let min_len = f64::from(p.min_window_length);
        let delta_prime = (2.0 * self.width.ln() / p.delta).ln();
        let m_recip = 1.0 / (n0 - min_len + 1.0) + 1.0 / (n1 - min_len + 1.0);
        let epsilon = (2.0 * m_recip * (self.variance / self.width) * delta_prime).sqrt()
            + 2.0 / 3.0 * delta_prime * m_recip;
        delta_mean.abs() > epsilon
    }

    /// Drops the oldest bucket; false if there was none.
    fn delete_element(&mut self) -> bool {
        let Some(last) = self.rows.len().checked_sub(1) else {
            return false;
        };
        let Some(row) = self.rows.get_mut(last) else {
            return false;
        };
        if row.is_empty() {
            return false;
        }
        let bucket = row.remove(0);
        let emptied = row.is_empty();
        let n = bucket_size(last);
        let mu = bucket.total / n;
        self.width -= n;
        self.total -= bucket.total;
        let mu_window = self.total / self.width;
        let inc = bucket.variance
            + n * self.width * (mu - mu_window) * (mu - mu_window) / (n + self.width);
        self.variance -= inc;
        if emptied {
            self.rows.pop();
        }
        true
    }
}

/// ADWIN drift detector: keeps a window whose two parts, at every bucket boundary, have means
/// that do not differ significantly, dropping the oldest data when they do.
///
/// Matches `river.drift.ADWIN` (river 0.26.1) bit for bit, including its reset: the update
/// after a detection starts from an empty window (the part that survived the cut is dropped
/// too) with the clock and [`Adwin::n_detections`] back at 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Adwin {
    params: AdwinParams,
    window: Window,
    drift: bool,
}

impl Default for Adwin {
    fn default() -> Self {
        Self {
            params: AdwinParams::default(),
            window: Window::new(),
            drift: false,
        }
    }
}

impl Adwin {
    /// A detector with these settings, or `InvalidInput` if one is out of range.
    pub fn new(params: AdwinParams) -> Result<Self, DriftError> {
        params.validate()?;
        Ok(Self {
            params,
            window: Window::new(),
            drift: false,
        })
    }

    /// The settings.
    pub fn params(&self) -> &AdwinParams {
        &self.params
    }

    /// Number of items in the window (a float, as in river).
    pub fn width(&self) -> f64 {
        self.window.width
    }

    /// Sum of the items in the window.
    pub fn total(&self) -> f64 {
        self.window.total
    }

    /// Mean of the window: `total / width`, or 0 when the window is empty.
    pub fn estimation(&self) -> f64 {
        if self.window.width == 0.0 {
            0.0
        } else {
            self.window.total / self.window.width
        }
    }

    /// Sum of squared deviations from the window mean (river's `variance`, which despite its
    /// docstring is not divided by the width).
    pub fn variance(&self) -> f64 {
        self.window.variance
    }

    /// `variance / width`, the population variance of the window (river's
    /// `variance_in_window`); NaN while the window is empty.
    pub fn variance_in_window(&self) -> f64 {
        self.window.variance / self.window.width
    }

    /// Detections since the last reset, as in river: 0 or 1, since a detection resets the
    /// detector at the next update.
    pub fn n_detections(&self) -> u64 {
        self.window.n_detections
    }
}

impl DriftDetector for Adwin {
    fn update(&mut self, x: f64) -> bool {
        if !x.is_finite() {
            return false;
        }
        if self.drift {
            self.reset();
        }
        self.drift = self.window.update(x, &self.params);
        self.drift
    }

    fn drift_detected(&self) -> bool {
        self.drift
    }

    fn reset(&mut self) {
        self.window = Window::new();
        self.drift = false;
    }

    fn name(&self) -> &'static str {
        "ADWIN"
    }
}
