//! `realism.html`: the report as a page to look at, offline: the overall figures, then per feature its score and
//! ceiling and a chart of the share of real and of simulated values in each bin (for a conditional feature, all
//! contexts together), drawn as inline SVG with plotters. In open loop, per factor the share of real moves per
//! outcome beside the mean probability the model gave it.

use plotters::prelude::*;

use super::{BinShare, FeatureScore, Report};

/// The start of a page titled `title`, up to its body: the style both pages share.
fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\n\
         <style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}\
         table{{border-collapse:collapse}}td,th{{padding:2px 10px;text-align:right}}td:first-child,th:first-child{{text-align:left}}\
         tr:nth-child(even){{background:#f4f4f4}}.chart{{margin:1em 0 2em}}</style></head><body>\n"
    )
}

/// The open-loop page: the nats per customer move against the unigram's, then per factor a chart of the share of
/// real moves that took each outcome beside the mean probability the model gave it.
pub fn open_loop_page(report: &super::open_loop::OpenLoop) -> String {
    let mut html = head("rehearse realism, open loop");
    html += "<h1>Realism, open loop: the customer model against real customers' next moves</h1>\n";
    html += &format!(
        "<p>{} real conversations, {} customer messages, under <b>{}</b> (fitted on {}): {:.3} nats per customer move, \
         against {:.3} for the unigram fitted on the same data (lower is better).</p>\n",
        report.real_conversations,
        report.customer_turns,
        report.persona,
        report.fitted_on,
        report.nats_per_turn,
        report.baseline_nats_per_turn
    );
    html += "<table><tr><th>factor</th><th>observations</th><th>nats/turn</th><th>unigram</th><th>given</th></tr>\n";
    let factors = report.factors.iter().chain(&report.length_act_unknown);
    for factor in factors.clone() {
        html += &format!(
            "<tr><td>{}</td><td>{}</td><td>{:.3}</td><td>{:.3}</td><td>{}</td></tr>\n",
            factor.factor,
            factor.observations,
            factor.nats_per_turn,
            factor.baseline_nats_per_turn,
            factor.given.join(", ")
        );
    }
    html += "</table>\n";
    for factor in factors.filter(|factor| !factor.shares.is_empty()) {
        html += &format!(
            "<h2>{}</h2>\n<p>Share of real moves per outcome, and the mean probability the model gave it in their \
             contexts: where the bars agree, the model is calibrated.</p>\n<div class=\"chart\">{}</div>\n",
            factor.factor,
            bar_chart(&factor.shares, [Some("real"), Some("predicted")])
        );
    }
    html + "</body></html>\n"
}

/// The messages that give each side away most, as two lists (nothing when the classifier did not run).
fn telltales(report: &Report) -> String {
    let mut html = String::new();
    for (side, telltales) in
        [("simulated", &report.most_simulated_messages), ("real", &report.most_real_messages)]
    {
        if telltales.is_empty() {
            continue;
        }
        html += &format!(
            "<h3>The {side} customer messages that give themselves away most</h3>\n<p>The classifier's held-out \
             log-ratio, simulated against real (nats), and how many of the side's messages say it.</p>\n<ol>\n"
        );
        for telltale in telltales {
            html += &format!(
                "<li>{:+.1} ×{} <q>{}</q></li>\n",
                telltale.log_ratio,
                telltale.times,
                escape(&telltale.text)
            );
        }
        html += "</ol>\n";
    }
    html
}

/// `text` safe inside an HTML element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Bins shown per chart; the rest are summed into `(other)`.
const MOST_BINS: usize = 24;

/// The page.
pub fn page(report: &Report) -> String {
    let figure = |value: Option<f64>| value.map_or_else(|| "–".to_owned(), |v| format!("{v:.3}"));
    let mut html = head("rehearse realism");
    html += "<h1>Realism: simulated customers against real ones</h1>\n";
    html += &format!(
        "<p>{} real conversations, {} simulated. Overall score {} against a ceiling of {}; classifier AUC {} \
         (0.5: simulated messages cannot be told from real ones).</p>\n",
        report.real_conversations,
        report.sim_conversations,
        figure(report.score),
        figure(report.ceiling),
        figure(report.classifier_auc),
    );
    html += "<table><tr><th>feature</th><th>score</th><th>ceiling</th><th>KS</th><th>W1</th><th>n real</th><th>n sim</th></tr>\n";
    for f in &report.features {
        html += &format!(
            "<tr><td><a href=\"#{0}\">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td><td>{6}</td></tr>\n",
            f.name,
            figure(f.score),
            figure(f.ceiling),
            figure(f.ks),
            figure(f.wasserstein),
            f.n_real,
            f.n_sim
        );
    }
    html += "</table>\n<p>Score: exp(mean log-likelihood) of the real values under the simulated histogram (0.1 added \
             to every bin); ceiling: the same, of half the real conversations against the other half.</p>\n";
    html += &telltales(report);
    for f in &report.features {
        html += &format!(
            "<h2 id=\"{}\">{}</h2>\n<p>{}: score {}, ceiling {}.</p>\n<div class=\"chart\">{}</div>\n",
            f.name,
            f.name,
            f.about,
            figure(f.score),
            figure(f.ceiling),
            chart(f)
        );
    }
    html += "</body></html>\n";
    html
}

/// The bins to show: all of them, or the `MOST_BINS − 1` with the largest share on either side and `(other)`.
fn shown(bins: &[BinShare]) -> Vec<BinShare> {
    if bins.len() <= MOST_BINS {
        return bins.to_vec();
    }
    let mut order: Vec<&BinShare> = bins.iter().collect();
    order.sort_by(|a, b| b.real.max(b.sim).total_cmp(&a.real.max(a.sim)));
    let (kept, rest) = order.split_at(MOST_BINS - 1);
    let mut out: Vec<BinShare> = kept.iter().map(|bin| (*bin).clone()).collect();
    out.push(BinShare {
        bin: "(other)".to_owned(),
        real: rest.iter().map(|bin| bin.real).sum(),
        sim: rest.iter().map(|bin| bin.sim).sum(),
    });
    out
}

/// A feature's chart: real against simulated shares.
fn chart(feature: &FeatureScore) -> String {
    let names =
        [(feature.n_real > 0).then_some("real"), (feature.n_sim > 0).then_some("simulated")];
    bar_chart(&feature.bins, names)
}

/// A chart as an SVG element: one row per bin, the first on top; the `real` shares as wide blue bars, the `sim`
/// ones as narrower orange bars over them, each named in the legend by `names` (a side named `None` is left out).
fn bar_chart(bins: &[BinShare], names: [Option<&str>; 2]) -> String {
    let bins = shown(bins);
    if bins.is_empty() {
        return "<p>(no values)</p>".to_owned();
    }
    let n = bins.len();
    let top = bins.iter().map(|bin| bin.real.max(bin.sim)).fold(0.0, f64::max).max(0.01) * 1.1;
    let row = |idx: usize| n - 1 - idx;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 22 * n as u32 + 70)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(10)
                .x_label_area_size(35)
                .y_label_area_size(190)
                .build_cartesian_2d(0.0..top, (0..n).into_segmented())?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(n)
                .y_label_formatter(&|y| match y {
                    SegmentValue::CenterOf(at) if *at < n => bins[row(*at)].bin.clone(),
                    _ => String::new(),
                })
                .x_desc("share of values")
                .draw()?;
            // One bar per bin, drawn in the bins' order (plotters' Histogram gathers its data in a HashMap, so
            // its bars, and the SVG, came out in a different order from run to run)
            let rows = chart.as_coord_spec().y_spec().clone();
            let bars = |share: fn(&BinShare) -> f64, margin: u32, style: ShapeStyle| {
                let rows = rows.clone();
                bins.iter().enumerate().filter_map(move |(idx, bin)| {
                    let (y, next) = (rows.from_index(row(idx))?, rows.from_index(row(idx) + 1)?);
                    let mut bar = Rectangle::new([(share(bin), y), (0.0, next)], style);
                    bar.set_margin(margin, margin, 0, 0);
                    Some(bar)
                })
            };
            let orange = RGBColor(230, 120, 20);
            if let Some(name) = names[0] {
                let style = BLUE.mix(0.45).filled();
                chart
                    .draw_series(bars(|bin| bin.real, 2, style))?
                    .label(name)
                    .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], style));
            }
            if let Some(name) = names[1] {
                let style = orange.mix(0.8).filled();
                chart
                    .draw_series(bars(|bin| bin.sim, 7, style))?
                    .label(name)
                    .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], style));
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()?;
            root.present()?;
            Ok(())
        })();
        if let Err(err) = drawn {
            return format!("<p>(chart not drawn: {err})</p>");
        }
    }
    svg
}
