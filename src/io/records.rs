//! Record boundaries of CSV bytes, found without parsing the fields: the byte after each record's
//! line end, where the line end is outside a quoted field (RFC 4180: a field that starts with a
//! quote runs to its closing quote; `""` inside it is one quote; a quote elsewhere is a plain
//! character, as the CSV parser reads it). Fed block by block, so a file of any size is scanned
//! in bounded memory; each block is searched with `memchr` (no per-byte branch outside quotes).

/// Where the scanner is between two bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Outside a quoted field.
    Outside,
    /// Inside a quoted field.
    Quoted,
    /// Inside a quoted field, just after a quote: `""` stays inside, anything else closes it.
    QuotedQuote,
}

/// A scanner of record ends over consecutive blocks of one CSV text.
#[derive(Clone, Debug)]
pub(crate) struct RecordEnds {
    state: State,
    /// The byte before the current block (a line end at the start of the text).
    last: u8,
    delimiter: u8,
}

impl RecordEnds {
    /// A scanner at the start of a line.
    pub(crate) fn new(delimiter: u8) -> RecordEnds {
        RecordEnds {
            state: State::Outside,
            last: b'\n',
            delimiter,
        }
    }

    /// Scans `block`, calling `on_end` with the position (in `block`) just after each record's
    /// line end; stops early, returning that position, when `on_end` returns false.
    pub(crate) fn feed(
        &mut self,
        block: &[u8],
        on_end: &mut dyn FnMut(usize) -> bool,
    ) -> Option<usize> {
        let mut i = 0;
        let mut stopped = None;
        while i < block.len() && stopped.is_none() {
            match self.state {
                State::Outside => match memchr::memchr2(b'"', b'\n', &block[i..]) {
                    None => i = block.len(),
                    Some(k) => {
                        let j = i + k;
                        if block[j] == b'\n' {
                            if !on_end(j + 1) {
                                stopped = Some(j + 1);
                            }
                        } else {
                            let before = if j == 0 { self.last } else { block[j - 1] };
                            if before == self.delimiter || before == b'\n' || before == b'\r' {
                                self.state = State::Quoted;
                            }
                        }
                        i = j + 1;
                    }
                },
                State::Quoted => match memchr::memchr(b'"', &block[i..]) {
                    None => i = block.len(),
                    Some(k) => {
                        self.state = State::QuotedQuote;
                        i += k + 1;
                    }
                },
                State::QuotedQuote => {
                    if block[i] == b'"' {
                        self.state = State::Quoted;
                        i += 1;
                    } else {
                        // The quote closed the field; this byte is read outside it.
                        self.state = State::Outside;
                    }
                }
            }
        }
        let end = stopped.unwrap_or(block.len());
        if end > 0 {
            self.last = block[end - 1];
        }
        stopped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends(text: &str, block: usize) -> Vec<usize> {
        let mut scanner = RecordEnds::new(b',');
        let mut out = Vec::new();
        for (b, chunk) in text.as_bytes().chunks(block.max(1)).enumerate() {
            scanner.feed(chunk, &mut |p| {
                out.push(b * block + p);
                true
            });
        }
        out
    }

    #[test]
    fn line_ends_inside_quotes_are_not_record_ends() {
        let text = "a,b\n\"x\ny\",2\n\"q\"\"\n\",3\n4,5 in\"\n6,7";
        let want = vec![4, 12, 21, 29];
        for block in 1..text.len() + 1 {
            assert_eq!(ends(text, block), want, "block {block}");
        }
    }

    #[test]
    fn crlf_and_a_quote_after_a_carriage_return() {
        let text = "a,b\r\n\"1\r\n2\",3\r\n";
        assert_eq!(ends(text, 64), vec![5, 15]);
    }

    #[test]
    fn stops_where_asked() {
        let mut s = RecordEnds::new(b',');
        let mut n = 0;
        assert_eq!(
            s.feed(b"h\n1\n2\n", &mut |_| {
                n += 1;
                n < 2
            }),
            Some(4)
        );
    }
}
