//! `--select COLS`: which result columns are written, as xsv/qsv `select` takes them.
//!
//! A comma-separated list of items, each a column name, a 1-based column number, or a range
//! `A-B` of either (inclusive; `-B` from the first column, `A-` to the last); an item that is
//! exactly a column's name is that column even if it contains `-`. An item starting with `!`
//! removes columns; a list of removals alone starts from every column. Columns come out in the
//! order given; a column named twice is written once, where it first appears.

/// A parsed `--select`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// (item, exclude): a name, a number or a range.
    items: Vec<(String, bool)>,
    /// The text as given (for messages).
    spec: String,
}

impl Selection {
    /// Parses the list (the names are checked against the columns by [`Selection::resolve`]).
    pub fn parse(spec: &str) -> Result<Selection, String> {
        let mut items = Vec::new();
        for raw in spec.split(',') {
            let t = raw.trim();
            let (exclude, t) = match t.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, t),
            };
            if t.is_empty() {
                return Err(format!("--select {spec}: an empty item; expected names, numbers or ranges such as status,3-5,!errors"));
            }
            items.push((t.to_string(), exclude));
        }
        Ok(Selection {
            items,
            spec: spec.to_string(),
        })
    }

    /// The positions of the selected columns among `names`, in output order.
    pub fn resolve(&self, names: &[&str]) -> Result<Vec<usize>, String> {
        let mut chosen: Vec<usize> = Vec::new();
        let mut removed: Vec<usize> = Vec::new();
        for (item, exclude) in &self.items {
            let positions = self.positions(item, names)?;
            if *exclude {
                removed.extend(positions);
            } else {
                chosen.extend(positions);
            }
        }
        if self.items.iter().all(|(_, exclude)| *exclude) {
            chosen = (0..names.len()).collect();
        }
        let mut out: Vec<usize> = Vec::with_capacity(chosen.len());
        for p in chosen {
            if !removed.contains(&p) && !out.contains(&p) {
                out.push(p);
            }
        }
        if out.is_empty() {
            return Err(format!("--select {}: no column is left", self.spec));
        }
        Ok(out)
    }

    /// The columns one item stands for.
    fn positions(&self, t: &str, names: &[&str]) -> Result<Vec<usize>, String> {
        if let Some(p) = names.iter().position(|n| *n == t) {
            return Ok(vec![p]);
        }
        let one = |s: &str| self.position(s, names);
        match t.split_once('-') {
            Some((a, b)) => {
                let start = if a.trim().is_empty() {
                    0
                } else {
                    one(a.trim())?
                };
                let end = if b.trim().is_empty() {
                    names.len() - 1
                } else {
                    one(b.trim())?
                };
                if start > end {
                    return Err(format!(
                        "--select {}: the range {t} runs backwards",
                        self.spec
                    ));
                }
                Ok((start..=end).collect())
            }
            None => Ok(vec![one(t)?]),
        }
    }

    /// A name's or a 1-based number's position.
    fn position(&self, s: &str, names: &[&str]) -> Result<usize, String> {
        if let Some(p) = names.iter().position(|n| *n == s) {
            return Ok(p);
        }
        match s.parse::<usize>() {
            Ok(k) if (1..=names.len()).contains(&k) => Ok(k - 1),
            Ok(k) => Err(format!(
                "--select {}: column {k} does not exist (the results have {} columns)",
                self.spec,
                names.len()
            )),
            Err(_) => Err(format!(
                "--select {}: no column '{s}'; the results' columns are {}",
                self.spec,
                names.join(", ")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 6] = [
        "facility_id",
        "equipment_id",
        "status",
        "errors",
        "x-y",
        "note",
    ];

    fn pick(spec: &str) -> Result<Vec<&'static str>, String> {
        let s = Selection::parse(spec)?;
        Ok(s.resolve(&NAMES)?.into_iter().map(|p| NAMES[p]).collect())
    }

    #[test]
    fn names_numbers_ranges_and_removals() {
        assert_eq!(
            pick("status,facility_id").unwrap(),
            ["status", "facility_id"]
        );
        assert_eq!(
            pick("1-3").unwrap(),
            ["facility_id", "equipment_id", "status"]
        );
        assert_eq!(
            pick("equipment_id-errors").unwrap(),
            ["equipment_id", "status", "errors"]
        );
        assert_eq!(pick("-2").unwrap(), ["facility_id", "equipment_id"]);
        assert_eq!(pick("errors-").unwrap(), ["errors", "x-y", "note"]);
        assert_eq!(
            pick("x-y").unwrap(),
            ["x-y"],
            "a name with a dash is a name"
        );
        assert_eq!(
            pick("!errors,!note").unwrap(),
            ["facility_id", "equipment_id", "status", "x-y"]
        );
        assert_eq!(pick("1-4,!2").unwrap(), ["facility_id", "status", "errors"]);
        assert_eq!(pick("status,status,1").unwrap(), ["status", "facility_id"]);
    }

    #[test]
    fn mistakes_are_named() {
        assert!(pick("bogus").unwrap_err().contains("no column 'bogus'"));
        assert!(pick("9").unwrap_err().contains("column 9 does not exist"));
        assert!(pick("4-2").unwrap_err().contains("runs backwards"));
        assert!(pick("status,,errors")
            .unwrap_err()
            .contains("an empty item"));
        assert!(pick("1-6,!1-6").unwrap_err().contains("no column is left"));
    }
}
