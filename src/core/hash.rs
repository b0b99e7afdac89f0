//! `input_hash`: a stable 64-bit hash of an equipment's normalised calculation inputs.
//!
//! Stable across runs, machines and `--jobs`: it hashes a fixed encoding (field tag, then UTF-8
//! text in little-endian 8-byte words with its length, or the IEEE 754 bits of a number), never
//! the textual form of a number, so `480`, `480.0` and `4.8e2` hash alike. The mixing is
//! word-at-a-time (xor, multiply by the 64-bit golden ratio, rotate by 29; a final murmur3-style
//! avalanche), seeded with the FNV offset basis: this runs once per input row.
//!
//! [`input_hash`] is what `run` and `calc` both write: the inputs that determine the arc-flash
//! result (not the ids, labels, dates or maintenance data), each tagged with its column's
//! position in the contract; absent inputs are left out, so adding an optional column in a
//! later version leaves existing hashes as they are.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const K: u64 = 0x9e37_79b9_7f4a_7c15;

/// One present input value: a number (by value) or normalised text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// A number.
    Num(f64),
    /// Text (enum values lower case, ids and names trimmed, numbers that did not parse as
    /// written).
    Text(&'a str),
}

/// The `input_hash` of the present inputs, given as (contract column position, value) in
/// contract order.
pub fn input_hash<'a>(values: impl IntoIterator<Item = (u8, Value<'a>)>) -> u64 {
    let mut h = InputHasher::default();
    for (tag, v) in values {
        h.value(tag, Some(v));
    }
    h.finish()
}

/// Incremental hasher over typed fields (see the module documentation for the mixing).
#[derive(Clone, Copy, Debug)]
pub struct InputHasher(u64);

impl Default for InputHasher {
    fn default() -> Self {
        InputHasher(OFFSET)
    }
}

impl InputHasher {
    #[inline]
    fn word(&mut self, w: u64) {
        self.0 = (self.0 ^ w).wrapping_mul(K).rotate_left(29);
    }

    #[inline]
    fn bytes(&mut self, b: &[u8]) {
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            self.word(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(last));
        }
    }

    /// Adds a present value; an absent one (`None`) is left out, as [`input_hash`] leaves it.
    #[inline]
    pub fn value(&mut self, tag: u8, v: Option<Value>) -> &mut Self {
        match v {
            Some(Value::Num(x)) => self.num(tag, Some(x)),
            Some(Value::Text(t)) => self.text(tag, Some(t)),
            None => self,
        }
    }

    /// Adds an optional number (−0 is folded into +0).
    #[inline]
    pub fn num(&mut self, tag: u8, v: Option<f64>) -> &mut Self {
        match v {
            Some(x) => {
                let x = if x == 0.0 { 0.0 } else { x };
                self.word(u64::from(tag) << 8 | 1);
                self.word(x.to_bits());
            }
            None => self.word(u64::from(tag) << 8),
        }
        self
    }

    /// Adds an optional string (already normalised by the caller).
    #[inline]
    pub fn text(&mut self, tag: u8, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => {
                self.word(u64::from(tag) << 8 | 2 | (s.len() as u64) << 16);
                self.bytes(s.as_bytes());
            }
            None => self.word(u64::from(tag) << 8),
        }
        self
    }

    /// The hash (with a final avalanche so every input bit reaches every output bit).
    pub fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    /// The hash as 16 lowercase hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.finish())
    }
}

/// The hasher of in-memory maps keyed by ids (the facility index of the summary): the mixing
/// above, seeded per map from the standard library's random keys (so crafted ids cannot
/// collide on purpose), at a fraction of SipHash's cost. It never reaches an output: maps
/// keyed with it are only looked up, never iterated into a result.
#[derive(Clone, Copy, Debug)]
pub struct IdHasher(InputHasher);

impl std::hash::Hasher for IdHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0.word(bytes.len() as u64);
        self.0.bytes(bytes);
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0.word(u64::from(i));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// Builds [`IdHasher`]s with one random seed.
#[derive(Clone, Copy, Debug)]
pub struct IdHashes(u64);

impl Default for IdHashes {
    fn default() -> Self {
        use std::hash::BuildHasher;
        IdHashes(std::collections::hash_map::RandomState::new().hash_one(OFFSET))
    }
}

impl std::hash::BuildHasher for IdHashes {
    type Hasher = IdHasher;

    #[inline]
    fn build_hasher(&self) -> IdHasher {
        IdHasher(InputHasher(OFFSET ^ self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_value_is_stable() {
        // Pinned: a change here changes every stored input_hash.
        let h = InputHasher::default()
            .text(1, Some("F1"))
            .num(2, Some(480.0))
            .num(3, None)
            .hex();
        assert_eq!(
            h,
            InputHasher::default()
                .text(1, Some("F1"))
                .num(2, Some(4.8e2))
                .num(3, None)
                .hex()
        );
        assert_ne!(
            h,
            InputHasher::default()
                .text(1, Some("F1"))
                .num(2, Some(481.0))
                .num(3, None)
                .hex()
        );
        assert_ne!(
            InputHasher::default()
                .text(1, Some("ab"))
                .text(2, None)
                .hex(),
            InputHasher::default()
                .text(1, Some("a"))
                .text(2, Some("b"))
                .hex()
        );
        // Pinned: a change here changes every stored input_hash.
        assert_eq!(
            InputHasher::default()
                .text(1, Some("F1"))
                .num(2, Some(480.0))
                .hex(),
            "2e1469ef58db1eb1"
        );
    }
}
