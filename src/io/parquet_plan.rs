//! How a results column is encoded (issue 12): plain, a dictionary built here, or polars'
//! own choice — and, for a dictionary, its keys and values, exactly as polars' writer would
//! build them (the distinct values in order of first appearance).
//!
//! A text column's dictionary comes from its *views* (the 16-byte handles of a string-view
//! array; equal handles are equal strings) in one pass over 16-byte integers, with no hashing
//! of the text, and distinct views holding the same text are merged; a coded column's (a
//! column given by codes into a table of texts) from its codes. [`super::parquet_write`]
//! encodes the pages of the plan.

use super::parquet_encode::Keyed;
use super::write::CodedText;
use polars_arrow::array::{Array, PrimitiveArray, Utf8ViewArray};
use polars_arrow::bitmap::Bitmap;
use polars_arrow::datatypes::ArrowDataType;

/// Most distinct views a column may have for its dictionary to be taken from them (more: the
/// choice is left to polars).
const MAX_VIEWS: usize = 1 << 16;

/// Rows sampled first: when more than 95 % of them are distinct the column is written plain
/// (what polars' cardinality estimate chooses for the ids and hashes) without hashing the
/// rest. (2,000 facilities drawn at random show ~98 % of them in 8,192 rows, ~24 % distinct;
/// 60,000 show ~93 %, and go on to the dictionary they pay for.)
const SAMPLE_ROWS: usize = 8192;

/// polars' threshold: past 128 rows, a column with more than 3/4 distinct values is plain.
fn dictionary_pays(distinct: usize, len: usize) -> bool {
    len <= 128 || (distinct as f64) / (len as f64) <= 0.75
}

/// How a column is encoded.
pub(super) enum Plan {
    /// A dictionary: taken from a text column's views, or an Int32 column's distinct values.
    Dictionary(Keyed),
    /// Plain: too many distinct values for a dictionary to pay.
    Plain,
    /// polars' own choice.
    Polars,
}

/// The encoding of a text column: plain when its first rows are nearly all distinct, else a
/// dictionary from its views when it has at most [`MAX_VIEWS`] distinct ones and polars would
/// choose a dictionary (plain when it would not), else polars' choice.
pub(super) fn plan(array: &Utf8ViewArray) -> Plan {
    let views = array.views();
    let validity = array.validity();
    let valid = |i: usize| validity.is_none_or(|b| b.get_bit(i));
    let sample = views
        .iter()
        .enumerate()
        .map(|(i, v)| valid(i).then(|| v.as_u128()));
    if nearly_all_distinct(sample) {
        return Plan::Plain;
    }
    let mut table = ViewTable::new();
    let mut keys: Vec<u32> = Vec::with_capacity(views.len());
    // Without nulls, no validity bit is read per view.
    let all = match validity.filter(|b| b.unset_bits() > 0) {
        None => views.iter().enumerate().try_for_each(|(i, v)| {
            keys.push(table.id(v.as_u128(), i)?);
            Some(())
        }),
        Some(bits) => views
            .iter()
            .zip(bits.iter())
            .enumerate()
            .try_for_each(|(i, (v, ok))| {
                keys.push(if ok { table.id(v.as_u128(), i)? } else { 0 });
                Some(())
            }),
    };
    if all.is_none() {
        return Plan::Polars;
    }
    let (values, remap) = merge_equal_texts(array, &table.first);
    if !dictionary_pays(values.len(), array.len()) {
        return Plan::Plain;
    }
    if values.len() != remap.len() {
        for k in keys.iter_mut() {
            *k = remap[*k as usize];
        }
    }
    let keys = PrimitiveArray::<u32>::new(ArrowDataType::UInt32, keys.into(), validity.cloned());
    let values = Utf8ViewArray::from_slice_values(values).boxed();
    Plan::Dictionary(Keyed { keys, values })
}

/// [`plan`] of the text column `coded` stands for (its rows `coded.texts[code]`, present where
/// `validity` says), from the codes: the same choice and the same dictionary (distinct texts
/// in order of first appearance) without building the rows' texts. `None` (ask [`plan`] of
/// the texts) when the codes are not one to one with texts: a text under two codes, or a
/// table too long for a dictionary.
pub(super) fn plan_coded(coded: &CodedText, validity: Option<Bitmap>) -> Option<Plan> {
    const UNSEEN: u32 = u32::MAX;
    let (codes, texts) = (&coded.codes, &coded.texts);
    let n = codes.len();
    if texts.len() > MAX_VIEWS {
        return None;
    }
    let mut distinct: std::collections::HashSet<&str> = std::collections::HashSet::new();
    if !texts.iter().flatten().all(|t| distinct.insert(t.as_str())) {
        return None;
    }
    let mut id = vec![UNSEEN; texts.len()];
    let mut values: Vec<&str> = Vec::with_capacity(distinct.len());
    let mut keys: Vec<u32> = Vec::with_capacity(n);
    let mut in_sample = 0;
    for (row, &code) in codes.iter().enumerate() {
        let text = texts.get(code as usize)?;
        let key = match (text, id[code as usize]) {
            (None, _) => 0,
            (Some(t), UNSEEN) => {
                id[code as usize] = values.len() as u32;
                values.push(t);
                values.len() as u32 - 1
            }
            (Some(_), k) => k,
        };
        keys.push(key);
        if row + 1 == n.min(SAMPLE_ROWS) {
            in_sample = values.len();
        }
    }
    // As `nearly_all_distinct` judges the views of the first rows.
    if n > 128 && in_sample * 20 > n.min(SAMPLE_ROWS) * 19 {
        return Some(Plan::Plain);
    }
    if !dictionary_pays(values.len(), n) {
        return Some(Plan::Plain);
    }
    let keys = PrimitiveArray::<u32>::new(ArrowDataType::UInt32, keys.into(), validity);
    let values = Utf8ViewArray::from_slice_values(values).boxed();
    Some(Plan::Dictionary(Keyed { keys, values }))
}

/// Whether more than 95 % of the first [`SAMPLE_ROWS`] views are
/// distinct, in a column of more than 128 rows (nulls count as rows, as in polars' ratio).
fn nearly_all_distinct(values: impl ExactSizeIterator<Item = Option<u128>>) -> bool {
    if values.len() <= 128 {
        return false;
    }
    let n = values.len().min(SAMPLE_ROWS);
    let mut sample = ViewTable::new();
    for (i, v) in values.take(n).enumerate() {
        if let Some(v) = v {
            sample.id(v, i);
        }
    }
    sample.first.len() * 20 > n * 19
}

/// The distinct texts of the views first seen at `rows` (views that differ may hold the same
/// text: two copies of a long string), and each view's text number, first appearance first.
fn merge_equal_texts<'a>(array: &'a Utf8ViewArray, rows: &[usize]) -> (Vec<&'a str>, Vec<u32>) {
    let mut values: Vec<&str> = Vec::with_capacity(rows.len());
    let mut index: std::collections::HashMap<&str, u32> =
        std::collections::HashMap::with_capacity(rows.len());
    let remap = rows
        .iter()
        .map(|&row| {
            let text = array.value(row);
            *index.entry(text).or_insert_with(|| {
                values.push(text);
                values.len() as u32 - 1
            })
        })
        .collect();
    (values, remap)
}

/// Distinct views in order of first appearance, found by open addressing (the table doubles
/// at half full).
struct ViewTable {
    slots: Vec<(u128, u32)>,
    bits: u32,
    first: Vec<usize>,
    last: Option<(u128, u32)>,
}

impl ViewTable {
    const EMPTY: u32 = u32::MAX;

    fn new() -> ViewTable {
        ViewTable {
            slots: vec![(0, Self::EMPTY); 1 << 10],
            bits: 10,
            first: Vec::new(),
            last: None,
        }
    }

    fn slot_of(v: u128, bits: u32) -> usize {
        let h =
            ((v as u64) ^ ((v >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - bits)) as usize
    }

    /// The id of view `v` seen at `row`; `None` once there are more than [`MAX_VIEWS`].
    #[inline]
    fn id(&mut self, v: u128, row: usize) -> Option<u32> {
        if let Some((lv, id)) = self.last {
            if lv == v {
                return Some(id);
            }
        }
        let mask = (1usize << self.bits) - 1;
        let mut at = Self::slot_of(v, self.bits);
        loop {
            let (sv, id) = self.slots[at];
            if id == Self::EMPTY {
                return self.insert(v, row, at);
            }
            if sv == v {
                self.last = Some((v, id));
                return Some(id);
            }
            at = (at + 1) & mask;
        }
    }

    /// Adds view `v` (first seen at `row`) at free slot `at`.
    #[inline(never)]
    fn insert(&mut self, v: u128, row: usize, at: usize) -> Option<u32> {
        if self.first.len() == MAX_VIEWS {
            return None;
        }
        let id = self.first.len() as u32;
        self.slots[at] = (v, id);
        self.first.push(row);
        self.last = Some((v, id));
        if 2 * self.first.len() > self.slots.len() {
            self.grow();
        }
        Some(id)
    }

    /// Twice the slots, every view placed again.
    fn grow(&mut self) {
        self.bits += 1;
        let mask = (1usize << self.bits) - 1;
        let old = std::mem::replace(&mut self.slots, vec![(0, Self::EMPTY); 1 << self.bits]);
        for (v, id) in old.into_iter().filter(|s| s.1 != Self::EMPTY) {
            let mut at = Self::slot_of(v, self.bits);
            while self.slots[at].1 != Self::EMPTY {
                at = (at + 1) & mask;
            }
            self.slots[at] = (v, id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    fn dict_of(values: &[Option<&str>]) -> Option<(Vec<Option<u32>>, Vec<String>)> {
        let array = Utf8ViewArray::from_slice(values);
        let Plan::Dictionary(d) = plan(&array) else {
            return None;
        };
        let keys = d.keys.iter().map(|k| k.copied()).collect();
        let dict = d.values.as_any().downcast_ref::<Utf8ViewArray>()?;
        let texts = dict.values_iter().map(str::to_string).collect();
        Some((keys, texts))
    }

    #[test]
    fn few_views_give_the_dictionary_in_order_of_first_appearance() {
        // Long strings (over 12 bytes) in separate copies are different views of equal text:
        // they are merged, as polars' hashing dictionary would merge them.
        let long = "ieee1584-2018@1";
        let (keys, texts) =
            dict_of(&[Some("ok"), Some(long), None, Some("ok"), Some(long)]).expect("a dictionary");
        assert_eq!(texts, vec!["ok".to_string(), long.to_string()]);
        assert_eq!(keys, vec![Some(0), Some(1), None, Some(0), Some(1)]);
    }

    fn kind(values: &[Option<&str>]) -> &'static str {
        match plan(&Utf8ViewArray::from_slice(values)) {
            Plan::Dictionary(_) => "dictionary",
            Plan::Plain => "plain",
            Plan::Polars => "polars",
        }
    }

    #[test]
    fn the_encoding_follows_the_count_of_distinct_values() {
        let texts: Vec<String> = (0..70_000).map(|i| format!("E{i:05}")).collect();
        let at = |i: usize| Some(texts[i].as_str());
        // Mostly distinct from the first rows (ids, hashes): plain, as polars would choose.
        let ids: Vec<Option<&str>> = (0..5000).map(at).collect();
        assert_eq!(kind(&ids), "plain");
        // A repetitive start, then over 3/4 distinct in all: plain after the dictionary pass.
        let late: Vec<Option<&str>> = (0..40_000)
            .map(|i| at(if i < SAMPLE_ROWS { i % 3 } else { i }))
            .collect();
        assert_eq!(kind(&late), "plain");
        // 2,000 facilities over 200,000 rows: a dictionary of their 2,000 ids.
        let facilities: Vec<Option<&str>> = (0..200_000).map(|i| at(i * 7919 % 2000)).collect();
        let array = Utf8ViewArray::from_slice(&facilities);
        let Plan::Dictionary(d) = plan(&array) else {
            panic!("a dictionary")
        };
        assert_eq!(d.values.len(), 2000);
        // More than MAX_VIEWS distinct, few of them per row: polars chooses.
        let many: Vec<Option<&str>> = (0..400_000)
            .map(|i| at(if i < SAMPLE_ROWS { i % 5 } else { i % 70_000 }))
            .collect();
        assert_eq!(kind(&many), "polars");
    }

    fn described(plan: Plan) -> String {
        match plan {
            Plan::Dictionary(d) => format!("{:?} {:?}", d.keys, d.values),
            Plan::Plain => "plain".into(),
            Plan::Polars => "polars".into(),
        }
    }

    #[test]
    fn coded_columns_are_planned_as_their_texts_would_be() {
        let long = "a text longer than twelve bytes";
        let texts: Vec<Option<String>> = [None, Some("ok"), Some(long), Some(""), None]
            .iter()
            .map(|t| t.map(str::to_string))
            .collect();
        let mut x = 7u64;
        for rows in [1usize, 5, 128, 129, 300, 9000, 20_000] {
            for spread in [1u64, 2, 4] {
                let codes: Vec<u32> = (0..rows)
                    .map(|i| {
                        x = x
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        if i % 97 < 40 {
                            1
                        } else {
                            ((x >> 33) % spread) as u32 + (i % 2) as u32
                        }
                    })
                    .collect();
                let coded = CodedText {
                    codes,
                    texts: texts.clone(),
                };
                let rows_text: Vec<Option<&str>> = coded
                    .codes
                    .iter()
                    .map(|&c| texts[c as usize].as_deref())
                    .collect();
                let array = Utf8ViewArray::from_slice(&rows_text);
                assert_eq!(coded.validity().as_ref(), array.validity(), "{rows} rows");
                let built = coded.column("c").unwrap();
                let want = StringChunked::from_slice_options("c".into(), &rows_text);
                assert!(built
                    .as_materialized_series()
                    .equals_missing(&want.into_series()));
                let ours = plan_coded(&coded, coded.validity()).expect("one to one");
                assert_eq!(described(ours), described(plan(&array)), "{rows} rows");
            }
        }
        // Many distinct texts in the first rows: plain, as the views would say.
        let many: Vec<Option<String>> = (0..400).map(|i| Some(format!("E{i}"))).collect();
        let coded = CodedText {
            codes: (0..400).collect(),
            texts: many.clone(),
        };
        let rows_text: Vec<Option<&str>> = many.iter().map(|t| t.as_deref()).collect();
        let array = Utf8ViewArray::from_slice(&rows_text);
        assert_eq!(described(plan_coded(&coded, None).unwrap()), "plain");
        assert_eq!(described(plan(&array)), "plain");
        // A text under two codes: left to `plan` of the texts.
        let twice = CodedText {
            codes: vec![0, 1],
            texts: vec![Some("a".into()), Some("a".into())],
        };
        assert!(plan_coded(&twice, None).is_none());
    }
}
