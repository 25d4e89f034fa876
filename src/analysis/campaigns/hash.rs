//! Stable hashing for every key the engine hands out or compares.
//!
//! Text keys and band keys are stored in the application's database, so they
//! must not depend on the standard library's or a crate's hasher, whose output
//! may change between releases. These functions are fixed arithmetic on
//! integers and give the same result on every platform and build.

/// Final mixer of MurmurHash3 (64-bit): a bijection with full avalanche.
pub(super) const fn mix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Step of the SplitMix64 generator, used to derive fixed seeds at compile time.
pub(super) const fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    mix64(*state)
}

/// Bits needed to store one Unicode scalar value.
const CHAR_BITS: u32 = 21;

/// Streaming 64-bit hash of a sequence of chars.
///
/// Three chars are packed into one 63-bit word before mixing, so a text costs
/// one mix per three chars; the length is mixed in at the end so that
/// sequences of different lengths never share a padding state.
#[derive(Debug, Clone)]
pub(super) struct CharHasher {
    state: u64,
    word: u64,
    chars_in_word: u32,
    len: u64,
}

impl CharHasher {
    /// Starts a hash; different seeds give unrelated hash functions.
    pub(super) const fn new(seed: u64) -> Self {
        Self {
            state: seed,
            word: 0,
            chars_in_word: 0,
            len: 0,
        }
    }

    /// Adds one char.
    #[inline]
    pub(super) fn push(&mut self, c: char) {
        self.word |= u64::from(c) << (CHAR_BITS * self.chars_in_word);
        self.chars_in_word += 1;
        self.len += 1;
        if self.chars_in_word == 3 {
            self.state = mix64(self.state ^ self.word).wrapping_add(0x9e37_79b9_7f4a_7c15);
            self.word = 0;
            self.chars_in_word = 0;
        }
    }

    /// Returns the hash of all chars pushed so far.
    pub(super) fn finish(&self) -> u64 {
        mix64(mix64(self.state ^ self.word) ^ self.len)
    }
}

/// Hash of a run of exactly five chars (a shingle), as 32 bits.
///
/// The first three chars fill one 63-bit word and the last two, spread by an
/// odd multiplier, are xor-ed in, so one mix per shingle suffices.
/// 32 bits are enough: a text has a few hundred shingles, so the chance that
/// two different shingles of two compared texts collide is about 10^-5 per
/// pair of texts, far below any threshold that matters.
#[inline]
pub(super) fn hash_shingle5(chars: &[char; 5], seed: u64) -> u32 {
    let [a, b, c, d, e] = chars.map(u64::from);
    let head = a | (b << CHAR_BITS) | (c << (2 * CHAR_BITS));
    let tail = (d | (e << CHAR_BITS)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let h = mix64(head ^ tail ^ seed);
    (h >> 32) as u32
}

/// Hash of a run of chars of any length, as 32 bits (for texts shorter than a shingle).
pub(super) fn hash_chars32(chars: &[char], seed: u64) -> u32 {
    let mut hasher = CharHasher::new(seed);
    for &c in chars {
        hasher.push(c);
    }
    let h = hasher.finish();
    (h >> 32) as u32 ^ h as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_hash_is_stable_and_length_sensitive() {
        let hash = |s: &str| {
            let mut h = CharHasher::new(7);
            s.chars().for_each(|c| h.push(c));
            h.finish()
        };
        assert_eq!(hash("反対です"), hash("反対です"));
        assert_ne!(hash("反対です"), hash("賛成です"));
        assert_ne!(hash("a"), hash("a\u{0}"));
        assert_ne!(hash(""), hash("\u{0}"));
        // Pinned value: a change here changes every stored key.
        assert_eq!(hash("abc"), 0x974a_e219_20fb_922b, "{:#x}", hash("abc"));
    }

    #[test]
    fn mixer_is_a_bijection_on_samples() {
        assert_eq!(mix64(0), 0);
        let mut seen: Vec<u64> = (0..1000).map(mix64).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 1000);
    }
}
