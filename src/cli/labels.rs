//! `voltmetrics labels`: one arc-flash label per computed equipment (or per enclosure), as SVG,
//! PDF or PNG files under a directory, or one multi-page PDF.

use super::engine::EngineArgs;
use super::UsageError;
use crate::exit_codes::Exit;
use crate::labels::{self, EnergyField, Per, Size, Style, Units};
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::path::Path;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LabelFormat {
    /// SVG (the template itself).
    Svg,
    /// PDF: one file per label, or one multi-page file with `-o FILE.pdf`.
    Pdf,
    /// PNG at 200 dpi.
    Png,
}

impl LabelFormat {
    fn ext(self) -> &'static str {
        match self {
            LabelFormat::Svg => "svg",
            LabelFormat::Pdf => "pdf",
            LabelFormat::Png => "png",
        }
    }
}

/// `--size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SizeArg {
    /// 4 × 6 in, landscape.
    #[value(name = "4x6")]
    In4x6,
    /// 4 × 4 in.
    #[value(name = "4x4")]
    In4x4,
    /// A6 (148 × 105 mm), landscape.
    #[value(name = "A6", alias = "a6")]
    A6,
}

/// `--per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum PerArg {
    /// One label per computed equipment.
    Equipment,
    /// One label per `enclosure_id`: the worst case of its equipment.
    Enclosure,
}

/// `--units`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum UnitsArg {
    /// Millimetres.
    Metric,
    /// Feet and inches.
    Imperial,
    /// Millimetres with feet and inches in brackets.
    Both,
}

/// `--energy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum EnergyArg {
    /// The incident energy at the working distance.
    IncidentEnergy,
    /// The minimum arc rating of clothing.
    ArcRating,
}

/// Arguments of `labels`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  voltmetrics labels fixtures/inventory.csv -o labels/ --as-of 2026-01-01\n  voltmetrics labels site.csv -o labels.pdf --size 4x4 --units imperial\n  voltmetrics labels site.csv -o png/ --format png --per enclosure"
)]
pub(crate) struct LabelsArgs {
    /// Inventory files: CSV (.csv, .csv.gz), Parquet (.parquet, .pq), workbooks (.xlsx, .xls,
    /// .ods; --sheet), or - for CSV on stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub(crate) inputs: Vec<String>,
    /// A directory (created when missing) for {facility_id}/{equipment_id}.{ext}, or a .pdf
    /// file for one multi-page PDF.
    #[arg(short = 'o', long, value_name = "DIR|FILE.pdf", required = true)]
    pub(crate) output: String,
    /// Label format [default: pdf for -o FILE.pdf, svg otherwise].
    #[arg(long, value_enum, value_name = "F")]
    pub(crate) format: Option<LabelFormat>,
    /// Label stock.
    #[arg(long, value_enum, default_value = "4x6")]
    pub(crate) size: SizeArg,
    /// One label per equipment, or per enclosure (input column enclosure_id).
    #[arg(long, value_enum, default_value = "equipment")]
    pub(crate) per: PerArg,
    /// Units of lengths.
    #[arg(long, value_enum, default_value = "both")]
    pub(crate) units: UnitsArg,
    /// The energy field: incident energy at the working distance, or minimum arc rating of
    /// clothing (NFPA 70E 130.5(H)(3)).
    #[arg(long, value_enum, default_value = "incident-energy")]
    pub(crate) energy: EnergyArg,
    /// Options that change results.
    #[command(flatten)]
    pub(crate) engine: EngineArgs,
    /// No summary line on stderr (rows without a label are still listed).
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// The config file.
    #[command(flatten)]
    pub(crate) config: super::config::ConfigFile,
}

fn usage(msg: String) -> anyhow::Error {
    UsageError(msg).into()
}

/// Where the labels go.
enum Target {
    /// One file per label under this directory.
    Dir(String),
    /// One multi-page PDF.
    Pdf(String),
}

/// The target and format of the flags, or a usage error.
fn target(args: &LabelsArgs) -> Result<(Target, LabelFormat)> {
    let o = &args.output;
    let is_pdf_file = o.to_ascii_lowercase().ends_with(".pdf") && !Path::new(o).is_dir();
    match (is_pdf_file, args.format) {
        (true, None | Some(LabelFormat::Pdf)) => Ok((Target::Pdf(o.clone()), LabelFormat::Pdf)),
        (true, Some(f)) => Err(usage(format!(
            "-o {o}: a .pdf file takes --format pdf, not {}; give a directory for {} files",
            f.ext(),
            f.ext()
        ))),
        (false, f) => {
            if Path::new(o).exists() && !Path::new(o).is_dir() {
                return Err(usage(format!("-o {o}: exists and is not a directory; give a directory, or a .pdf file for one PDF")));
            }
            Ok((Target::Dir(o.clone()), f.unwrap_or(LabelFormat::Svg)))
        }
    }
}

/// One label's bytes in `format`.
fn encode(svg: String, format: LabelFormat) -> Result<Vec<u8>> {
    match format {
        LabelFormat::Svg => Ok(svg.into_bytes()),
        LabelFormat::Pdf => labels::render::pdf(&svg),
        LabelFormat::Png => labels::render::png(&svg),
    }
}

/// Writes every label under `dir`; returns how many.
fn write_dir(
    dir: &str,
    list: &[labels::Label],
    style: &Style,
    format: LabelFormat,
) -> Result<usize> {
    let ext = format.ext();
    let paths: Vec<std::path::PathBuf> = list
        .iter()
        .map(|l| Path::new(dir).join(labels::names::label_path(&l.facility_id, &l.name, ext)))
        .collect();
    let mut dirs: Vec<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
    dirs.dedup();
    for d in dirs {
        std::fs::create_dir_all(d)
            .with_context(|| format!("{}: cannot create the directory", d.display()))?;
    }
    list.par_iter()
        .zip(paths.par_iter())
        .try_for_each(|(label, path)| {
            let bytes = encode(labels::svg::render(label, style), format)
                .with_context(|| format!("{}", path.display()))?;
            crate::io::write::write_file_renamed(path, &bytes)
        })?;
    Ok(list.len())
}

/// Writes one PDF with a page per label (no file when there is no label: a PDF needs a page).
fn write_pdf(path: &str, list: &[labels::Label], style: &Style) -> Result<usize> {
    if list.is_empty() {
        return Ok(0);
    }
    let bytes = labels::render::pdf_document(list, style)?;
    crate::io::write::write_to_path(path, |w| Ok(w.write_all(&bytes)?))?;
    Ok(list.len())
}

/// `voltmetrics labels`.
pub(crate) fn run(args: &LabelsArgs) -> Result<Exit> {
    let started = std::time::Instant::now();
    let (target, format) = target(args)?;
    let as_of = args.engine.as_of();
    let opts = args.engine.row_options(as_of)?;
    let jobs = args.engine.jobs();
    let inv = crate::io::read::read_inputs(&args.inputs, &args.engine.open_options()?)?;
    let per = match args.per {
        PerArg::Equipment => Per::Equipment,
        PerArg::Enclosure if labels::has_enclosures(&inv) => Per::Enclosure,
        PerArg::Enclosure => {
            return Err(usage(format!(
                "--per enclosure: the input has no column {}",
                crate::contract::passthrough::ENCLOSURE_ID.name
            )))
        }
    };
    let processed = crate::pipeline::process(&inv, &opts, jobs, &|_| {})?;
    let as_of_date = as_of.date_naive().format("%Y-%m-%d").to_string();
    let set = labels::collect(&inv, &processed.results, per, &as_of_date)?;
    let style = Style {
        size: match args.size {
            SizeArg::In4x6 => Size::In4x6,
            SizeArg::In4x4 => Size::In4x4,
            SizeArg::A6 => Size::A6,
        },
        units: match args.units {
            UnitsArg::Metric => Units::Metric,
            UnitsArg::Imperial => Units::Imperial,
            UnitsArg::Both => Units::Both,
        },
        energy: match args.energy {
            EnergyArg::IncidentEnergy => EnergyField::IncidentEnergy,
            EnergyArg::ArcRating => EnergyField::ArcRating,
        },
        danger_threshold_cal_cm2: opts.danger_threshold_cal_cm2,
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    let (written, place) = pool.install(|| match &target {
        Target::Dir(d) => write_dir(d, &set.labels, &style, format).map(|n| (n, d.clone())),
        Target::Pdf(p) => write_pdf(p, &set.labels, &style).map(|n| (n, p.clone())),
    })?;
    report_skipped(&set.skipped);
    let invalid = set
        .skipped
        .iter()
        .filter(|s| s.status == crate::contract::values::STATUS[1])
        .count();
    // -q sets the level to warnings.
    tracing::info!(
        labels = written,
        without_label = set.skipped.len(),
        invalid,
        "{written} labels ({}) in {place}; {} rows without a label ({invalid} invalid, {} not applicable); {:.2} s",
        format.ext(),
        set.skipped.len(),
        set.skipped.len() - invalid,
        started.elapsed().as_secs_f64()
    );
    Ok(if invalid > 0 {
        Exit::Invalid
    } else {
        Exit::Success
    })
}

/// Lists the rows without a label on stderr.
fn report_skipped(skipped: &[labels::Skipped]) {
    for s in skipped {
        tracing::warn!(
            file = %s.file,
            row = s.row,
            "{}: row {}: {}/{}: no label ({}): {}",
            s.file,
            s.row,
            s.facility_id,
            s.equipment_id,
            s.status,
            s.reason
        );
    }
}
