//! PDF and PNG from a label's SVG: parsed by `usvg` with only the embedded fonts (no system
//! font is looked up, so every machine draws the same glyphs), drawn by `resvg` (PNG) or
//! converted by `svg2pdf` (PDF, text kept as text with a subset of the font embedded).

use super::text::{FONT_BOLD, FONT_FAMILY, FONT_REGULAR};
use anyhow::{anyhow, Result};
use std::sync::{Arc, OnceLock};

/// Pixels per inch of PNG labels.
pub const PNG_DPI: f32 = 200.0;

/// The parse options: the embedded fonts only.
fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT_REGULAR.to_vec());
        db.load_font_data(FONT_BOLD.to_vec());
        usvg::Options {
            font_family: FONT_FAMILY.to_string(),
            fontdb: Arc::new(db),
            ..usvg::Options::default()
        }
    })
}

/// Parses a label's SVG.
pub fn tree(svg: &str) -> Result<usvg::Tree> {
    usvg::Tree::from_str(svg, options()).map_err(|e| anyhow!("the label's SVG: {e}"))
}

/// The label as a one-page PDF of its own size.
pub fn pdf(svg: &str) -> Result<Vec<u8>> {
    let tree = tree(svg)?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions::default(),
    )
    .map_err(|e| anyhow!("converting the label to PDF: {e}"))
}

/// The label as a PNG at [`PNG_DPI`].
pub fn png(svg: &str) -> Result<Vec<u8>> {
    let tree = tree(svg)?;
    // The SVG's size is in CSS pixels (96 per inch).
    let scale = PNG_DPI / 96.0;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| anyhow!("the label has no size"))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| anyhow!("cannot allocate a {size:?} image"))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| anyhow!("encoding the label as PNG: {e}"))
}

/// One page of a multi-page PDF: the label as a PDF object chunk and its XObject.
pub struct Page {
    chunk: pdf_writer::Chunk,
    xobject: pdf_writer::Ref,
    /// Width and height in points.
    size: (f32, f32),
}

/// Converts one label for [`pdf_pages`].
pub fn page(svg: &str) -> Result<Page> {
    let tree = tree(svg)?;
    let size = (tree.size().width() * 0.75, tree.size().height() * 0.75);
    let (chunk, xobject) = svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default())
        .map_err(|e| anyhow!("converting the label to PDF: {e}"))?;
    Ok(Page {
        chunk,
        xobject,
        size,
    })
}

/// One PDF with a page per label, in order.
pub fn pdf_pages(pages: Vec<Page>) -> Vec<u8> {
    use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref};
    let mut alloc = Ref::new(1);
    let catalog = alloc.bump();
    let tree = alloc.bump();
    let mut pdf = Pdf::new();
    let mut kids = Vec::with_capacity(pages.len());
    for p in &pages {
        let mut map = std::collections::HashMap::new();
        let chunk = p
            .chunk
            .renumber(|old| *map.entry(old).or_insert_with(|| alloc.bump()));
        let xobject = map.get(&p.xobject).copied().unwrap_or(p.xobject);
        pdf.extend(&chunk);
        let (page_id, content_id) = (alloc.bump(), alloc.bump());
        kids.push(page_id);
        let (w, h) = p.size;
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, w, h));
        page.parent(tree);
        page.contents(content_id);
        page.resources().x_objects().pair(Name(b"L"), xobject);
        page.finish();
        let mut content = Content::new();
        content.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
        content.x_object(Name(b"L"));
        pdf.stream(content_id, &content.finish());
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(kids.iter().copied())
        .count(kids.len() as i32);
    pdf.finish()
}
