//! The README's example output is the real output of its command.

mod common;

#[test]
fn readme_calc_example_is_current() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("```text\n").expect("text block") + "```text\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let shown = &readme[start..end];
    let out = common::voltmetrics()
        .args(common::args(common::ANNEX_D1_CALC))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        shown,
        "README example is stale"
    );
}
