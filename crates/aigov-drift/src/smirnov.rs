//! The one-sided Smirnov tail P(D_n^+ >= x), which kstwo uses (doubled) for large deviations.
//!
//! Follows the structure of cephes' `smirnov` as scipy ships it (Birnbaum-Tingey sum with
//! exact n·x splitting and early termination), but evaluates each term in base-2 logarithms
//! split from the binary exponent instead of double-double arithmetic: every term is then
//! good to about n·2^-52 relative, which keeps the doubled tail within 1e-10 of scipy's for
//! the sizes a two-sample test can reach.

/// P(D_n^+ >= x) for the one-sided statistic, 0 <= x <= 1.
pub(crate) fn smirnov_sf(n: u64, x: f64) -> f64 {
    if n == 0 || !(0.0..=1.0).contains(&x) {
        return f64::NAN;
    }
    let nf = n as f64;
    if n == 1 {
        return 1.0 - x;
    }
    if x == 0.0 {
        return 1.0;
    }
    if x == 1.0 {
        return 0.0;
    }
    // n·x = floor + alpha, with the product taken exactly (fma gives its rounding error).
    let hi = nf * x;
    let lo = nf.mul_add(x, -hi);
    let mut floor = hi.floor();
    let mut alpha = (hi - floor) + lo;
    if alpha < 0.0 {
        floor -= 1.0;
        alpha += 1.0;
    }
    if alpha >= 1.0 {
        floor += 1.0;
        alpha = 0.0;
    }
    let nxfl = floor as u64;
    if nxfl == 0 || (nxfl == 1 && alpha == 0.0) {
        return 1.0 - x * (1.0 + x).powf(nf - 1.0);
    }
    if -2.0 * nf * x * x < -708.396_418_532_264_1 {
        return 0.0;
    }
    if nxfl >= n - 1 {
        return (1.0 - x).powf(nf);
    }
    if n > 1_000_000 {
        let logp = -(6.0 * nf * x + 1.0).powi(2) / 18.0 / nf;
        return if logp < -std::f64::consts::LN_2 {
            logp.exp()
        } else {
            1.0 + logp.exp_m1()
        };
    }
    // sf = x · Σ_{v=0}^{n-nxfl-1} C(n,v) (1 - x - v/n)^(n-v) (x + v/n)^(v-1).
    let terms = n - nxfl;
    let mut sum = LogSum2::default();
    let mut binom = Scaled::one();
    let half = n / 2;
    for v in 0..terms {
        let vf = v as f64;
        // 1 - x - v/n and x + v/n from the exact split of n·x.
        let below = ((n - v - nxfl) as f64 - alpha) / nf;
        let above = ((nxfl + v) as f64 + alpha) / nf;
        let log2_term = binom.log2() + log2_pow(below, (n - v) as f64) + log2_pow(above, vf - 1.0);
        if log2_term.is_finite() {
            sum.add(log2_term);
            let remaining = (terms - v) as f64;
            if v + 1 != terms
                && (4.0 * remaining).log2() + log2_term < f64::EPSILON.log2() + sum.log2()
            {
                break;
            }
        } else if v > half {
            break;
        }
        binom.mul((n - v) as f64 / (v + 1) as f64);
    }
    (x.log2() + sum.log2()).exp2()
}

/// log2(b^m) with the binary exponent of b split off first, so that the rounding error stays
/// near m·2^-53 relative instead of growing with log(n).
fn log2_pow(b: f64, m: f64) -> f64 {
    if m == 0.0 {
        return 0.0;
    }
    let (man, exp) = frexp(b);
    m * man.log2() + m * exp as f64
}

/// x = man · 2^exp with man in [0.5, 1), for positive finite x.
fn frexp(x: f64) -> (f64, i64) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, bias) = if x.abs() < f64::MIN_POSITIVE {
        (x * 2f64.powi(64), -64)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1022;
    let man = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (man, exp + bias)
}

/// A positive number as mantissa and a wide binary exponent (binomials overflow f64).
struct Scaled {
    man: f64,
    exp: i64,
}

impl Scaled {
    fn one() -> Self {
        Scaled { man: 0.5, exp: 1 }
    }
    fn mul(&mut self, factor: f64) {
        let (man, exp) = frexp(self.man * factor);
        self.man = man;
        self.exp += exp;
    }
    fn log2(&self) -> f64 {
        self.man.log2() + self.exp as f64
    }
}

/// A running sum of terms given as base-2 logarithms, rescaled when a larger term arrives.
#[derive(Default)]
struct LogSum2 {
    shift: Option<f64>,
    scaled: f64,
}

impl LogSum2 {
    fn add(&mut self, log2_term: f64) {
        match self.shift {
            None => {
                self.shift = Some(log2_term);
                self.scaled = 1.0;
            }
            Some(s) if log2_term > s => {
                self.scaled = self.scaled * (s - log2_term).exp2() + 1.0;
                self.shift = Some(log2_term);
            }
            Some(s) => self.scaled += (log2_term - s).exp2(),
        }
    }
    fn log2(&self) -> f64 {
        match self.shift {
            None => f64::NEG_INFINITY,
            Some(s) => s + self.scaled.log2(),
        }
    }
}
