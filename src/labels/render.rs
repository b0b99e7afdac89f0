//! PDF and PNG from a label's SVG: parsed by `usvg` with only the embedded fonts (no system
//! font is looked up, so every machine draws the same glyphs), drawn by `resvg` (PNG) or
//! converted by `svg2pdf` (PDF, text kept as text with a subset of the font embedded).

use super::text::{FONT_BOLD, FONT_FAMILY, FONT_REGULAR};
use super::{svg, Label, Style};
use anyhow::{anyhow, Result};
use rayon::prelude::*;
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

/// A label layer converted to PDF objects: the chunk and its form XObject.
pub struct Layer {
    chunk: pdf_writer::Chunk,
    xobject: pdf_writer::Ref,
    /// Width and height in points.
    size: (f32, f32),
}

/// Converts one SVG (a label or a layer of one) for [`pdf_document`].
pub fn layer(svg: &str) -> Result<Layer> {
    let tree = tree(svg)?;
    let size = (tree.size().width() * 0.75, tree.size().height() * 0.75);
    let (chunk, xobject) = svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default())
        .map_err(|e| anyhow!("converting the label to PDF: {e}"))?;
    Ok(Layer {
        chunk,
        xobject,
        size,
    })
}

/// One PDF with a page per label, in order. The layer every label of a header shares
/// ([`svg::template`]) is converted once and drawn under each page's own layer
/// ([`svg::values`]): a tenth of the work and of the file of converting whole labels.
pub fn pdf_document(labels: &[Label], style: &Style) -> Result<Vec<u8>> {
    let shared = [false, true].map(|danger| layer(&svg::template(style, danger)));
    let [warning, danger] = shared;
    let shared = vec![warning?, danger?];
    let pages = labels
        .par_iter()
        .map(|l| {
            let own = layer(&svg::values(l, style))?;
            Ok((
                usize::from(l.is_danger(style.danger_threshold_cal_cm2)),
                own,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(assemble(shared, pages))
}

/// Adds `l`'s objects to `pdf` under fresh numbers; returns its XObject's.
fn embed(pdf: &mut pdf_writer::Pdf, alloc: &mut pdf_writer::Ref, l: &Layer) -> pdf_writer::Ref {
    let mut map = std::collections::HashMap::new();
    let chunk = l
        .chunk
        .renumber(|old| *map.entry(old).or_insert_with(|| alloc.bump()));
    pdf.extend(&chunk);
    map.get(&l.xobject).copied().unwrap_or(l.xobject)
}

/// The document: each page draws its shared layer, then its own.
fn assemble(shared: Vec<Layer>, pages: Vec<(usize, Layer)>) -> Vec<u8> {
    use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref};
    let mut alloc = Ref::new(1);
    let catalog = alloc.bump();
    let tree = alloc.bump();
    let mut pdf = Pdf::new();
    let shared_refs: Vec<Ref> = shared
        .iter()
        .map(|l| embed(&mut pdf, &mut alloc, l))
        .collect();
    let mut kids = Vec::with_capacity(pages.len());
    for (k, own) in &pages {
        let own_ref = embed(&mut pdf, &mut alloc, own);
        let (page_id, content_id) = (alloc.bump(), alloc.bump());
        kids.push(page_id);
        let (w, h) = own.size;
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, w, h));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut x = resources.x_objects();
        x.pair(Name(b"T"), shared_refs[*k]);
        x.pair(Name(b"L"), own_ref);
        x.finish();
        resources.finish();
        page.finish();
        let mut content = Content::new();
        content.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
        content.x_object(Name(b"T"));
        content.x_object(Name(b"L"));
        pdf.stream(content_id, &content.finish());
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(kids.iter().copied())
        .count(kids.len() as i32);
    pdf.finish()
}
