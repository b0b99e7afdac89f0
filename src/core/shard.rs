//! `--shard I/N`: the facilities one of N machines computes. A facility belongs to shard
//! `FNV-1a-64(facility_id) mod N` — the 64-bit FNV-1a hash of the facility id's UTF-8 bytes
//! as written in the inventory (offset basis 0xcbf29ce484222325, prime 0x100000001b3) — so the
//! split is the same on every machine and every run, and a facility is never split: duplicate
//! detection, the facility summary and the stored history of a facility stay whole. Rows
//! without a facility id go with the empty id.

/// One shard of N: `index` in `0..count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 0.
    pub index: u32,
    /// How many shards.
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` (`0 <= I < N`, as Kubernetes' `JOB_COMPLETION_INDEX` counts).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .trim()
            .split_once('/')
            .ok_or_else(|| format!("--shard {s}: expected I/N, such as 0/3"))?;
        let index = i.trim().parse::<u32>();
        let count = n.trim().parse::<u32>();
        match (index, count) {
            (Ok(index), Ok(count)) if count > 0 && index < count => Ok(Shard { index, count }),
            _ => Err(format!(
                "--shard {s}: expected I/N with N at least 1 and I from 0 to N-1, such as 0/3"
            )),
        }
    }

    /// Whether the facility `facility_id` is in this shard.
    pub fn contains(self, facility_id: &str) -> bool {
        shard_of(facility_id, self.count) == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The shard of `facility_id` among `count`.
pub fn shard_of(facility_id: &str, count: u32) -> u32 {
    let h = facility_id
        .as_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    (h % u64::from(count.max(1))) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_place() {
        assert_eq!(Shard::parse("1/3"), Ok(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "0/0", "1", "a/2", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        // FNV-1a 64 of "" is the offset basis; of "a" the published 0xaf63dc4c8601ec8c.
        assert_eq!(
            shard_of("", 1000),
            (0xcbf2_9ce4_8422_2325_u64 % 1000) as u32
        );
        assert_eq!(
            shard_of("a", 1000),
            (0xaf63_dc4c_8601_ec8c_u64 % 1000) as u32
        );
        let n = 3;
        for id in ["PLANT-A", "PLANT-B", "0042", ""] {
            let owners = (0..n)
                .filter(|&i| Shard { index: i, count: n }.contains(id))
                .count();
            assert_eq!(owners, 1, "{id}");
        }
    }
}
