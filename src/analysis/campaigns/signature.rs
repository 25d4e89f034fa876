//! MinHash signatures over character shingles and the LSH band keys derived
//! from them; the persisted form is documented on
//! [`band_keys`](super::band_keys).

use super::hash::{hash_chars32, hash_shingle5, mix64, splitmix64};

/// Version of the shingle, signature and band-key scheme; bump it whenever
/// any of them changes so stored band keys can be recomputed.
pub const SIGNATURE_VERSION: u32 = 1;

/// Chars per shingle. Japanese has no spaces, so words are not available;
/// 5 chars are longer than most common endings and particles (です, します,
/// について), so shared shingles mostly mean shared phrasing, not shared grammar.
pub const SHINGLE_CHARS: usize = 5;

// The shingle hash packs exactly five chars.
const _: () = assert!(SHINGLE_CHARS == 5);

/// Number of LSH bands (and of band keys per text).
pub const BANDS: usize = 24;

/// MinHash values per band. Two texts share a band key with probability
/// `1 - (1 - J^ROWS)^BANDS` for Jaccard similarity `J`: with 24 bands of 3
/// rows that is 0.96 at J = 0.5 (a copy whose personal additions are as long
/// as the letter itself, or one with edits and additions), 0.999 at J = 0.7,
/// and 0.003 at J = 0.05 (texts on one topic), which keeps candidates few.
pub const ROWS_PER_BAND: usize = 3;

/// Length of a MinHash signature.
pub const SIGNATURE_LEN: usize = BANDS * ROWS_PER_BAND;

/// Seed of the shingle hash.
const SHINGLE_SEED: u64 = 0x5a1e_0f5e_ed00_0005;

/// Seed of the band-key hash.
const BAND_SEED: u64 = 0xba4d_0f5e_ed00_0024;

/// Per-position xor seeds of the MinHash functions, fixed at compile time.
const MINHASH_SEEDS: [u32; SIGNATURE_LEN] = minhash_constants(0x00c0_ffee_0bad_5eed, 0);

/// Per-position odd multipliers of the MinHash functions.
const MINHASH_MULTIPLIERS: [u32; SIGNATURE_LEN] = minhash_constants(0x0dd0_5eed_5ca1_ab1e, 1);

const fn minhash_constants(seed: u64, low_bit: u32) -> [u32; SIGNATURE_LEN] {
    let mut values = [0u32; SIGNATURE_LEN];
    let mut state = seed;
    let mut i = 0;
    while i < SIGNATURE_LEN {
        values[i] = (splitmix64(&mut state) >> 32) as u32 | low_bit;
        i += 1;
    }
    values
}

/// A MinHash signature: for each of [`SIGNATURE_LEN`] hash functions, the
/// smallest hash over the text's shingles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    values: [u32; SIGNATURE_LEN],
}

impl Signature {
    /// Computes the signature of a set of shingle hashes (duplicates are harmless).
    pub fn from_shingles(shingles: &[u32]) -> Self {
        let mut values = [u32::MAX; SIGNATURE_LEN];
        for &shingle in shingles {
            // Shingle hashes are already fully mixed, so one xor and one odd
            // multiplication per function give orderings independent enough
            // for MinHash at half the cost of a full mixer. The inner loop
            // over fixed-size arrays is vectorised by the compiler.
            for ((value, seed), multiplier) in values
                .iter_mut()
                .zip(MINHASH_SEEDS.iter())
                .zip(MINHASH_MULTIPLIERS.iter())
            {
                *value = (*value).min((shingle ^ seed).wrapping_mul(*multiplier));
            }
        }
        Self { values }
    }

    /// The MinHash values.
    pub fn values(&self) -> &[u32; SIGNATURE_LEN] {
        &self.values
    }

    /// Estimated Jaccard similarity of the two shingle sets.
    pub fn jaccard(&self, other: &Self) -> f64 {
        let equal = self
            .values
            .iter()
            .zip(other.values.iter())
            .filter(|(a, b)| a == b)
            .count();
        equal as f64 / SIGNATURE_LEN as f64
    }

    /// The [`BANDS`] band keys of this signature (see the module docs).
    pub fn band_keys(&self) -> [u64; BANDS] {
        let mut keys = [0u64; BANDS];
        for (band, (key, rows)) in keys
            .iter_mut()
            .zip(self.values.chunks_exact(ROWS_PER_BAND))
            .enumerate()
        {
            let mut h = mix64(BAND_SEED ^ band as u64);
            for &row in rows {
                h = mix64(h ^ u64::from(row));
            }
            *key = h;
        }
        keys
    }
}

/// Appends the shingle hashes of a comparison form, in text order.
///
/// A text shorter than one shingle yields a single shingle of the whole text.
pub(super) fn shingles_into(normal: &[char], out: &mut Vec<u32>) {
    out.clear();
    if normal.is_empty() {
        return;
    }
    if normal.len() < SHINGLE_CHARS {
        out.push(hash_chars32(normal, SHINGLE_SEED));
        return;
    }
    out.extend(
        normal
            .array_windows::<SHINGLE_CHARS>()
            .map(|window| hash_shingle5(window, SHINGLE_SEED)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature_of(text: &str) -> Signature {
        let mut normal = Vec::new();
        super::super::normalise::normal_chars(text, &mut normal);
        let mut shingles = Vec::new();
        shingles_into(&normal, &mut shingles);
        Signature::from_shingles(&shingles)
    }

    #[test]
    fn similar_texts_share_band_keys_and_unrelated_do_not() {
        let letter = "マイナンバーカードと健康保険証の一体化について、システム障害や誤った紐付けが相次いでおり、\
                      国民の不安は解消されていません。現行の保険証を当面存続させることを強く求めます。";
        let copy = format!("私は埼玉県在住の会社員です。{letter}");
        let other = "教育のデジタル化では一人一台端末の更新費用を自治体が負担することになり、財政の厳しい町村では対応が難しいと考えます。";
        let (a, b, c) = (
            signature_of(letter),
            signature_of(&copy),
            signature_of(other),
        );
        assert!(a.jaccard(&b) > 0.6, "{}", a.jaccard(&b));
        assert!(a.jaccard(&c) < 0.1, "{}", a.jaccard(&c));
        let shared = |x: &Signature, y: &Signature| {
            let ky = y.band_keys();
            x.band_keys().iter().filter(|k| ky.contains(k)).count()
        };
        assert!(shared(&a, &b) > 0);
        assert_eq!(shared(&a, &c), 0);
    }
}
