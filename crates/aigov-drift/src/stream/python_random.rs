//! CPython 3.11's `random.Random` for integer seeds: MT19937 seeded by `init_by_array`,
//! `getrandbits`, `_randbelow` and `sample(range(n), k)`, reproduced draw for draw.

use std::collections::HashSet;

use super::check::invalid;
use crate::DriftError;

const N: usize = 624;
const M: usize = 397;

/// CPython's `random.Random(seed)` for an integer seed: the same MT19937 state and the same
/// draws, so [`PythonRandom::sample_range`] returns what `random.sample(range(n), k)` does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PythonRandom {
    mt: Vec<u32>,
    index: usize,
}

impl PythonRandom {
    /// `random.Random(seed)`: the key is `|seed|` split into 32-bit words, least significant
    /// first (`0` gives the key `[0]`), passed to MT19937's `init_by_array`.
    pub fn new(seed: i128) -> Self {
        let mut n = seed.unsigned_abs();
        let mut key = Vec::with_capacity(4);
        loop {
            key.push((n & 0xFFFF_FFFF) as u32);
            n >>= 32;
            if n == 0 {
                break;
            }
        }
        Self::from_key(&key)
    }

    /// MT19937's `init_by_array(key)`, as CPython seeds it; an empty key acts as `[0]`.
    pub fn from_key(key: &[u32]) -> Self {
        let key: &[u32] = if key.is_empty() { &[0] } else { key };
        let mut mt = init_genrand(19_650_218);
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let prev = mt[i - 1];
            mt[i] = (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = mt[i - 1];
            mt[i] =
                (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        Self { mt, index: N }
    }

    /// The next 32-bit output of MT19937 (`genrand_uint32`, i.e. `getrandbits(32)`).
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.mt.get(self.index).copied().unwrap_or(0);
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C_5680;
        y ^= (y << 15) & 0xEFC6_0000;
        y ^= y >> 18;
        y
    }

    fn twist(&mut self) {
        for kk in 0..N {
            let y = (self.mt[kk] & 0x8000_0000) | (self.mt[(kk + 1) % N] & 0x7FFF_FFFF);
            let mag = if y & 1 == 1 { 0x9908_B0DF } else { 0 };
            self.mt[kk] = self.mt[(kk + M) % N] ^ (y >> 1) ^ mag;
        }
        self.index = 0;
    }

    /// `getrandbits(k)` for `k <= 64` (larger `k` is treated as 64): 32-bit words least
    /// significant first, the last one shifted right to keep `k` bits; `k = 0` gives 0.
    pub fn getrandbits(&mut self, k: u32) -> u64 {
        let mut k = k.min(64);
        if k == 0 {
            return 0;
        }
        if k <= 32 {
            return u64::from(self.next_u32() >> (32 - k));
        }
        let (mut out, mut shift) = (0u64, 0u32);
        while k > 0 {
            let mut r = self.next_u32();
            if k < 32 {
                r >>= 32 - k;
            }
            out |= u64::from(r) << shift;
            shift += 32;
            k = k.saturating_sub(32);
        }
        out
    }

    /// `_randbelow(n)`: `getrandbits(n.bit_length())` redrawn until below `n` (rejection, no
    /// modulo). `n = 0` gives 0 without drawing.
    pub fn randbelow(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let k = u64::BITS - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }

    /// The `setsize` bound of CPython's `sample`: `21`, plus `4^ceil(log4(3k))` when `k > 5`.
    /// `sample` uses its pool branch when the population is at most this, else its set branch.
    pub fn sample_setsize(k: usize) -> u64 {
        let mut size: u64 = 21;
        if k > 5 {
            let exponent = ((k.saturating_mul(3) as f64).ln() / 4f64.ln()).ceil();
            // The exponent is at most 34 for any usize, so the cast is exact.
            size = size.saturating_add(4u64.saturating_pow(exponent as u32));
        }
        size
    }

    /// `random.sample(range(n), k)`: `k` distinct values of `0..n` in draw order, with both of
    /// CPython's branches (a shrinking pool, or redraws against a set of values already taken).
    /// Fails with `InvalidInput` when `k > n`, as Python raises `ValueError`.
    pub fn sample_range(&mut self, n: u64, k: usize) -> Result<Vec<u64>, DriftError> {
        let k64 = u64::try_from(k).unwrap_or(u64::MAX);
        if k64 > n {
            return Err(invalid(
                "sample size",
                format!("{k} is larger than the population {n}"),
            ));
        }
        let mut result = Vec::with_capacity(k);
        if n <= Self::sample_setsize(k) {
            // n <= setsize <= 12k + 21, so the pool is small.
            let mut pool: Vec<u64> = (0..n).collect();
            for i in 0..k64 {
                let j = self.randbelow(n - i);
                let last = n - i - 1;
                let (Ok(j), Ok(last)) = (usize::try_from(j), usize::try_from(last)) else {
                    return Err(invalid("sample size", "population too large"));
                };
                let (Some(&picked), Some(&moved)) = (pool.get(j), pool.get(last)) else {
                    return Err(invalid("sample size", "pool index out of range"));
                };
                result.push(picked);
                if let Some(slot) = pool.get_mut(j) {
                    *slot = moved;
                }
            }
        } else {
            let mut selected = HashSet::with_capacity(k);
            for _ in 0..k {
                let mut j = self.randbelow(n);
                while selected.contains(&j) {
                    j = self.randbelow(n);
                }
                selected.insert(j);
                result.push(j);
            }
        }
        Ok(result)
    }
}

/// MT19937's `init_genrand(s)`.
fn init_genrand(s: u32) -> Vec<u32> {
    let mut mt = vec![0u32; N];
    mt[0] = s;
    for i in 1..N {
        let prev = mt[i - 1];
        mt[i] = 1_812_433_253u32
            .wrapping_mul(prev ^ (prev >> 30))
            .wrapping_add(i as u32);
    }
    mt
}
