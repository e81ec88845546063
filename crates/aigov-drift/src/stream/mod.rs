//! Streaming drift detectors that watch one value at a time: ports of river 0.26.1's ADWIN,
//! Page-Hinkley and KSWIN (matching river's detections bit for bit on the committed fixture),
//! and a two-sided tabular CUSUM.
//!
//! Every detector follows river's convention: [`DriftDetector::update`] reports whether the
//! value just seen completed a drift, and a detector that fired resets itself at the start of
//! the **next** update, so two consecutive updates never both report drift.
//!
//! ```
//! use aigov_drift::stream::{DriftDetector, PageHinkley};
//!
//! let mut detector = PageHinkley::default();
//! let stream = (0..2000).map(|i| if i < 1000 { 0.0 } else { 5.0 });
//! let first = stream.enumerate().find_map(|(i, x)| detector.update(x).then_some(i));
//! assert!(matches!(first, Some(i) if i >= 1000));
//! ```

mod adwin;
mod check;
mod cusum;
mod kswin;
mod page_hinkley;
mod python_random;

pub use adwin::{Adwin, AdwinParams};
pub use cusum::{Cusum, CusumParams};
pub use kswin::{Kswin, KswinParams};
pub use page_hinkley::{PageHinkley, PageHinkleyMode, PageHinkleyParams};
pub use python_random::PythonRandom;

/// A detector fed one value at a time that says when the stream's distribution has changed.
///
/// Non-finite values (NaN, ±∞) are ignored by every detector in this module: such an update
/// leaves the state untouched (a pending reset included) and returns `false`.
pub trait DriftDetector: Send + Sync + std::fmt::Debug {
    /// Feeds one value; returns whether drift was detected right after it.
    fn update(&mut self, x: f64) -> bool;
    /// Whether the last accepted update detected drift.
    fn drift_detected(&self) -> bool;
    /// Forgets everything seen, as if the detector had just been built.
    fn reset(&mut self);
    /// The detector's short name, e.g. `"ADWIN"`.
    fn name(&self) -> &'static str;
}

impl<T: DriftDetector + ?Sized> DriftDetector for Box<T> {
    fn update(&mut self, x: f64) -> bool {
        (**self).update(x)
    }

    fn drift_detected(&self) -> bool {
        (**self).drift_detected()
    }

    fn reset(&mut self) {
        (**self).reset();
    }

    fn name(&self) -> &'static str {
        (**self).name()
    }
}
