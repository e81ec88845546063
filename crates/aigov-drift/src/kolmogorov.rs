//! The finite-n distribution of the two-sided one-sample Kolmogorov-Smirnov statistic D_n,
//! which scipy's two-sample `ks_2samp(method='asymp')` evaluates at n = round(mn/(m+n)).
//!
//! A port of scipy's `scipy.stats._ksstats._kolmogn` (BSD-3-Clause), which picks among
//! Ruben-Gambino, the Durbin matrix (Marsaglia-Tsang-Wang), Pomeranz, Pelz-Good and twice the
//! one-sided Smirnov tail as Simard and L'Ecuyer (2011) recommend. The limiting Kolmogorov
//! series (what statrs offers) gives visibly different p-values for the sizes drift windows
//! have, so the finite-n form is ported rather than approximated.

use crate::smirnov::smirnov_sf;

const E128: i32 = 128;
const MIN_LOG: f64 = -708.0;
// Bernoulli-number coefficients exactly as scipy writes them (more digits than f64 holds).
#[allow(clippy::excessive_precision)]
const STIRLING_COEFFS: [f64; 8] = [
    -2.955065359477124183e-2,
    6.4102564102564102564e-3,
    -1.9175269175269175269e-3,
    8.4175084175084175084e-4,
    -5.952380952380952381e-4,
    7.9365079365079365079e-4,
    -2.7777777777777777778e-3,
    8.3333333333333333333e-2,
];

fn two_pow(e: i32) -> f64 {
    2f64.powi(e)
}

/// P(D_n >= x): scipy's `kstwo.sf(x, n)`. NaN when n is 0 or x is NaN.
pub fn kstwo_sf(n: u64, x: f64) -> f64 {
    if n == 0 || x.is_nan() {
        return f64::NAN;
    }
    if x >= 1.0 {
        return 0.0;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let nf = n as f64;
    let t = nf * x;
    if t <= 1.0 {
        // Ruben-Gambino: 1/2n <= x <= 1/n.
        if t <= 0.5 {
            return 1.0;
        }
        let cdf = if n <= 140 {
            (1..=n).fold(1.0, |p, i| p * (i as f64 * (1.0 / nf) * (2.0 * t - 1.0)))
        } else {
            (log_nfactorial_div_n_pow_n(nf) + nf * (2.0 * t - 1.0).ln()).exp()
        };
        return clip(1.0 - cdf);
    }
    if t >= nf - 1.0 {
        return clip(2.0 * (1.0 - x).powf(nf));
    }
    if x >= 0.5 {
        return clip(2.0 * smirnov_sf(n, x));
    }
    let nx_squared = t * x;
    if n <= 140 {
        if nx_squared <= 0.754693 {
            return clip(1.0 - durbin_cdf(n, x));
        }
        if nx_squared <= 4.0 {
            return clip(1.0 - pomeranz_cdf(n, x));
        }
        return clip(2.0 * smirnov_sf(n, x));
    }
    if nx_squared >= 370.0 {
        return 0.0;
    }
    if nx_squared >= 2.2 {
        return clip(2.0 * smirnov_sf(n, x));
    }
    let cdf = if n <= 100_000 && nf * x.powf(1.5) <= 1.4 {
        durbin_cdf(n, x)
    } else {
        pelz_good_cdf(n, x)
    };
    clip(1.0 - cdf)
}

fn clip(p: f64) -> f64 {
    p.clamp(0.0, 1.0)
}

/// ln(n!/n^n) by Stirling's series with n ln n removed up front (no cancellation).
fn log_nfactorial_div_n_pow_n(n: f64) -> f64 {
    let rn = 1.0 / n;
    let poly = STIRLING_COEFFS
        .iter()
        .fold(0.0, |acc, c| acc * (rn / n) + c);
    n.ln() / 2.0 - n + (2.0 * std::f64::consts::PI).ln() / 2.0 + rn * poly
}

type Matrix = Vec<Vec<f64>>;

fn matmul(a: &Matrix, b: &Matrix) -> Matrix {
    let m = a.len();
    let mut c = vec![vec![0.0; m]; m];
    for (ci, ai) in c.iter_mut().zip(a) {
        for (aik, bk) in ai.iter().zip(b) {
            if *aik != 0.0 {
                for (cij, bkj) in ci.iter_mut().zip(bk) {
                    *cij += aik * bkj;
                }
            }
        }
    }
    c
}

/// P(D_n <= d) by Durbin's matrix, computed as Marsaglia, Tsang and Wang (2003) do: the k-th
/// diagonal entry of (n!/n^n) H^n, with powers of two pulled out to avoid overflow.
fn durbin_cdf(n: u64, d: f64) -> f64 {
    if d >= 1.0 {
        return 1.0;
    }
    let nd = n as f64 * d;
    if nd <= 0.5 {
        return 0.0;
    }
    let k = nd.ceil() as usize;
    let h = k as f64 - nd;
    let m = 2 * k - 1;
    let mut v: Vec<f64> = (1..=m).map(|j| 1.0 - h.powi(j as i32)).collect();
    let mut w = vec![0.0; m];
    let mut fac = 1.0;
    for j in 1..=m {
        w[j - 1] = fac;
        fac /= j as f64;
        v[j - 1] *= fac;
    }
    let tt = (2.0 * h - 1.0).max(0.0).powi(m as i32) - 2.0 * h.powi(m as i32);
    v[m - 1] = (1.0 + tt) * fac;

    let mut hm = vec![vec![0.0; m]; m];
    // Column i (i >= 1) holds w[0..] from row i - 1 down.
    for (r, row) in hm.iter_mut().enumerate() {
        for (i, cell) in row.iter_mut().enumerate().skip(1) {
            if r + 1 >= i {
                *cell = w[r + 1 - i];
            }
        }
    }
    for (r, vv) in v.iter().enumerate() {
        hm[r][0] = *vv;
    }
    for (c, vv) in v.iter().rev().enumerate() {
        hm[m - 1][c] = *vv;
    }

    let mut power: Matrix = (0..m)
        .map(|i| (0..m).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    let (mut nn, mut expnt, mut h_expnt) = (n, 0i32, 0i32);
    while nn > 0 {
        if nn % 2 == 1 {
            power = matmul(&power, &hm);
            expnt += h_expnt;
        }
        hm = matmul(&hm, &hm);
        h_expnt *= 2;
        if hm[k - 1][k - 1].abs() > two_pow(E128) {
            for row in hm.iter_mut() {
                for x in row.iter_mut() {
                    *x /= two_pow(E128);
                }
            }
            h_expnt += E128;
        }
        nn /= 2;
    }
    let mut p = power[k - 1][k - 1];
    let nf = n as f64;
    for i in 1..=n {
        p = i as f64 * p / nf;
        if p.abs() < two_pow(-E128) {
            p *= two_pow(E128);
            expnt -= E128;
        }
    }
    clip(p * 2f64.powi(expnt))
}

/// The first and last non-zero column of Pomeranz's row i, clamped to [0, n].
fn pomeranz_bounds(i: i64, n: i64, ll: i64, ceilf: i64, roundf: i64) -> (i64, i64) {
    let (j1, j2) = if i == 0 {
        (-ll - ceilf - 1, ll + ceilf - 1)
    } else {
        let (half, odd) = ((i + 1) / 2, (i + 1) % 2);
        if odd == 0 {
            if half == n + 1 {
                (n - ll - ceilf - 1, n + ll + ceilf - 1)
            } else {
                (half - 1 - ll - roundf - 1, half + ll - 1 + ceilf - 1)
            }
        } else {
            (half - 1 - ll - 1, half + ll + roundf - 1)
        }
    };
    ((j1 + 2).max(0), j2.min(n))
}

/// P(D_n <= x) by Pomeranz's (1974) recursion: each row is the previous one convolved with
/// truncated Poisson weights; two rows are kept and rescaled against underflow.
fn pomeranz_cdf(n: u64, x: f64) -> f64 {
    let nf = n as f64;
    let t = nf * x;
    let ll = t.floor() as i64;
    let f = t - ll as f64;
    let g = f.min(1.0 - f);
    let ceilf = i64::from(f > 0.0);
    let roundf = i64::from(f > 0.5);
    let npwrs = (2 * (ll + 1)) as usize;
    let (mut gpower, mut twogpower, mut onem2gpower) =
        (vec![1.0; npwrs], vec![1.0; npwrs], vec![1.0; npwrs]);
    let (g_n, two_g_n, one_minus_two_g_n) = (g / nf, 2.0 * g / nf, (1.0 - 2.0 * g) / nf);
    for m in 1..npwrs {
        gpower[m] = gpower[m - 1] * g_n / m as f64;
        twogpower[m] = twogpower[m - 1] * two_g_n / m as f64;
        onem2gpower[m] = onem2gpower[m - 1] * one_minus_two_g_n / m as f64;
    }
    let n = n as i64;
    let (mut v0, mut v1) = (vec![0.0; npwrs], vec![0.0; npwrs]);
    v1[0] = 1.0;
    let (mut v0s, mut v1s) = (0i64, 0i64);
    let mut expnt = 0i32;
    let (mut j1, _) = pomeranz_bounds(0, n, ll, ceilf, roundf);
    for i in 1..2 * n + 2 {
        let k1 = j1;
        std::mem::swap(&mut v0, &mut v1);
        std::mem::swap(&mut v0s, &mut v1s);
        v1.fill(0.0);
        let (nj1, j2) = pomeranz_bounds(i, n, ll, ceilf, roundf);
        j1 = nj1;
        let pwrs = if i == 1 || i == 2 * n + 1 {
            &gpower
        } else if i % 2 == 1 {
            &twogpower
        } else {
            &onem2gpower
        };
        let len = j2 - k1 + 1;
        if len > 0 {
            let start = k1 - v0s;
            let conv_start = j1 - k1;
            let conv_len = (j2 - j1 + 1).max(0);
            for (out, slot) in v1.iter_mut().take(conv_len as usize).enumerate() {
                // Entry conv_start + out of the full convolution of the two slices.
                let kk = conv_start + out as i64;
                let mut s = 0.0;
                for a in (kk - len + 1).max(0)..=kk.min(len - 1) {
                    let left = usize::try_from(start + a).ok().and_then(|ix| v0.get(ix));
                    let right = usize::try_from(kk - a).ok().and_then(|ix| pwrs.get(ix));
                    if let (Some(l), Some(r)) = (left, right) {
                        s += l * r;
                    }
                }
                *slot = s;
            }
            let max = v1.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            if 0.0 < max && max < two_pow(-E128) {
                for x in v1.iter_mut() {
                    *x *= two_pow(E128);
                }
                expnt -= E128;
            }
            v1s = v0s + j1 - k1;
        }
    }
    let mut ans = usize::try_from(n - v1s)
        .ok()
        .and_then(|ix| v1.get(ix).copied())
        .unwrap_or(f64::NAN);
    for m in 1..=n {
        if ans.abs() > two_pow(E128) {
            ans *= two_pow(-E128);
            expnt += E128;
        }
        ans *= m as f64;
    }
    clip(ans * 2f64.powi(expnt))
}

/// The Pelz-Good (1976) approximation of P(D_n <= x): the Li-Chien/Korolyuk expansion in
/// 1/sqrt(n), its terms rewritten through Jacobi theta functions for small z = x sqrt(n).
fn pelz_good_cdf(n: u64, x: f64) -> f64 {
    use std::f64::consts::PI;
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let nf = n as f64;
    let z = nf.sqrt() * x;
    let (z2, z3, z4, z6) = (z.powi(2), z.powi(3), z.powi(4), z.powi(6));
    let (pi2, pi4, pi6) = (PI * PI, PI.powi(4), PI.powi(6));
    let qlog = -pi2 / 8.0 / z2;
    if qlog < MIN_LOG {
        return 0.0;
    }
    let q = qlog.exp();
    let (k1a, k1b) = (-z2, pi2 / 4.0);
    let k2a = 6.0 * z6 + 2.0 * z4;
    let k2b = (2.0 * z4 - 5.0 * z2) * pi2 / 4.0;
    let k2c = pi4 * (1.0 - 2.0 * z2) / 16.0;
    let k3d = pi6 * (5.0 - 30.0 * z2) / 64.0;
    let k3c = pi4 * (-60.0 * z2 + 212.0 * z4) / 16.0;
    let k3b = pi2 * (135.0 * z4 - 96.0 * z6) / 4.0;
    let k3a = -30.0 * z6 - 90.0 * z.powf(8.0);

    let mut k = [0.0f64; 4];
    // Horner in q^8 over the odd integers m = 2j - 1.
    let maxk = (16.0 * z / PI).ceil() as i64;
    for j in (1..=maxk).rev() {
        let m = (2 * j - 1) as f64;
        let (m2, m4, m6) = (m * m, m.powi(4), m.powi(6));
        let qpower = q.powf((8 * j) as f64);
        let coeffs = [
            1.0,
            k1a + k1b * m2,
            k2a + k2b * m2 + k2c * m4,
            k3a + k3b * m2 + k3c * m4 + k3d * m6,
        ];
        for (acc, c) in k.iter_mut().zip(coeffs) {
            *acc = *acc * qpower + c;
        }
    }
    let sqrt_2pi = (2.0 * PI).sqrt();
    let divisors = [z, 6.0 * z4, 72.0 * z.powf(7.0), 6480.0 * z.powf(10.0)];
    for (acc, div) in k.iter_mut().zip(divisors) {
        *acc = *acc * q * sqrt_2pi / div;
    }
    // The sums over all integers that K_2 and K_3 also carry.
    let q = (-pi2 / 2.0 / z2).exp();
    let sqrt3z = 3f64.sqrt() * z;
    let (mut k2extra, mut k3extra) = (0.0, 0.0);
    for j in (1..=maxk).rev() {
        let jf = j as f64;
        let j2 = jf * jf;
        let qp = q.powf(j2);
        let jpi = PI * jf;
        k2extra += j2 * qp;
        k3extra += (sqrt3z + jpi) * (sqrt3z - jpi) * j2 * qp;
    }
    k[2] += k2extra * pi2 * sqrt_2pi / (-36.0 * z3);
    k[3] += k3extra * pi2 * sqrt_2pi / (216.0 * z6);
    k.iter()
        .enumerate()
        .map(|(i, v)| v / nf.powf(i as f64 / 2.0))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_value_of_the_asymptotic_two_sample_p() {
        // ks_2samp([.1,.5,.9,1.3,2.0], [.2,.4,1.5,2.5,3.0,3.5], method='asymp'): n = round(30/11) = 3.
        assert!((kstwo_sf(3, 0.5) - 0.3333333333333333).abs() < 1e-15);
    }
}
