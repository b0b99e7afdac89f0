//! File names for labels: `{facility}/{key}.{ext}` where each part is made file-safe by an
//! injective encoding, so two different ids never share a file, whatever they contain (`/`,
//! `..`, `:`, control characters, any Unicode).
//!
//! The encoding keeps ASCII letters, digits, `-`, `_` and `.` (a leading `.` excepted) and
//! writes every other byte of the id's UTF-8 as `%XX` (upper-case hex), so `%` itself becomes
//! `%25` and the name decodes back to the id. A name longer than [`MAX_NAME_BYTES`] keeps its
//! first bytes and ends in `~` and the id's 64-bit FNV-1a hash: `~` is never produced by the
//! encoding itself, so such a name cannot equal a short one.

/// The longest encoded part kept whole (file systems allow 255 bytes; the extension and a
/// temporary suffix need the rest).
pub const MAX_NAME_BYTES: usize = 200;

/// Whether byte `b` at position `i` is kept as it is.
fn kept(b: u8, i: usize) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && i > 0)
}

/// The file-safe form of `id` (never empty, never `.` or `..`, no `/`).
pub fn file_safe(id: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(id.len());
    for (i, &b) in id.as_bytes().iter().enumerate() {
        if kept(b, i) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
    }
    if out.is_empty() {
        // The empty id (not accepted as an equipment id, but kept injective): `%` alone is
        // never produced otherwise.
        out.push('%');
    }
    if out.len() > MAX_NAME_BYTES {
        let mut cut = MAX_NAME_BYTES - 17;
        // Do not split a `%XX` escape.
        while out.as_bytes()[cut - 1] == b'%' || out.as_bytes()[cut - 2] == b'%' {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('~');
        out.push_str(&format!("{:016x}", fnv1a64(id.as_bytes())));
    }
    out
}

/// FNV-1a, 64 bits.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The relative path of a label: `{facility}/{key}.{ext}`.
pub fn label_path(facility_id: &str, key: &str, ext: &str) -> String {
    format!("{}/{}.{ext}", file_safe(facility_id), file_safe(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn hostile_ids_are_safe_and_distinct() {
        let ids = [
            "a", "A", "a/b", "a%2Fb", "a:b", "..", ".", "", "../etc", "x.y", ".x", "%", "%25", "µ",
            "漢字", "a b", "a\u{0}b", "a\\b", "~", "CON",
        ];
        let mut seen = HashSet::new();
        for id in ids {
            let f = file_safe(id);
            assert!(
                !f.contains('/') && !f.contains('\\') && !f.contains(':'),
                "{id:?} -> {f}"
            );
            assert!(
                f != "." && f != ".." && !f.starts_with('.'),
                "{id:?} -> {f}"
            );
            assert!(f.is_ascii(), "{id:?} -> {f}");
            assert!(seen.insert(f.clone()), "{id:?} -> {f} collides");
        }
    }

    #[test]
    fn long_ids_are_cut_with_their_hash() {
        let long_a = "é".repeat(300);
        let long_b = format!("{}x", "é".repeat(300));
        let (a, b) = (file_safe(&long_a), file_safe(&long_b));
        assert!(a.len() <= MAX_NAME_BYTES && b.len() <= MAX_NAME_BYTES);
        assert_ne!(a, b);
        assert!(a.contains('~'));
        // The cut never splits an escape.
        let body = a.split('~').next().unwrap();
        assert!(body.len() % 3 == 0 && body.chars().step_by(3).all(|c| c == '%'));
    }
}
