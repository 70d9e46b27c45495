//! Server-rendered charts (issue #24 point 6; reused by the public statistics): bars, lines,
//! shares (a horizontal stacked bar) and a gauge against a limit, each an inline SVG string with
//! `role="img"`, a `<title>` and a `<desc>`, coloured by classes of the stylesheet (`/* charts */`
//! in `gureum.css`: the CSP allows no inline style), and the data as an HTML table beside it for
//! screen readers and for reading. No script. Every label is escaped; coordinates are whole
//! numbers in a fixed view box, so the same data draws the same picture.

use std::fmt::Write;

/// The view box of bars and lines.
pub const WIDTH: i64 = 640;
pub const HEIGHT: i64 = 240;
/// The plot inside it: left margin for the scale, bottom margin for the labels.
pub const LEFT: i64 = 64;
pub const TOP: i64 = 12;
pub const PLOT_W: i64 = 568;
pub const PLOT_H: i64 = 200;
/// The baseline's y.
pub const BASE: i64 = TOP + PLOT_H;
/// Series colours (`chart-s0` …): more series reuse them in turn.
pub const COLOURS: i64 = 6;
/// The height of a shares bar and of a gauge.
pub const BAR_H: i64 = 32;

/// A chart with its legend and its data table, as one figure.
pub fn figure(svg: String, legend: String, table: String) -> String {
    format!("<figure class=\"chart-figure\">{svg}{legend}{table}</figure>")
}

/// Escapes text for HTML and SVG (element content and quoted attributes).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One labelled series of whole values (won, or a quantity in the unit the caller chose).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

/// What a bars or lines chart draws: an id unique on the page (for `aria-labelledby`), its
/// title and description, the labels along the x axis and the series (each a value per label).
#[derive(Clone, Copy)]
pub struct Data<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub labels: &'a [String],
    pub series: &'a [Series],
    /// How a value reads (the scale's top and the table): `1,234원`, `12.5`.
    pub fmt: &'a dyn Fn(i64) -> String,
}

fn scale_max(series: &[Series]) -> i64 {
    series.iter().flat_map(|s| s.values.iter().copied()).max().unwrap_or(0).max(1)
}

/// `v` as a height in `0..=span` for a scale topping at `max` (negative values count as 0).
fn height(v: i64, max: i64, span: i64) -> i64 {
    (i128::from(v.clamp(0, max)) * i128::from(span) / i128::from(max.max(1))) as i64
}

fn open(id: &str, title: &str, desc: &str, w: i64, h: i64, class: &str) -> String {
    let id = esc(id);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart {class}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    )
}

/// The axes, the scale's top and the labels of bars and lines.
fn frame(out: &mut String, d: &Data<'_>, max: i64) {
    let slot = PLOT_W / (d.labels.len().max(1) as i64);
    let _ = write!(out, "<line class=\"chart-grid\" x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{}\" y2=\"{TOP}\"/>", LEFT + PLOT_W);
    let _ = write!(out, "<line class=\"chart-axis\" x1=\"{LEFT}\" y1=\"{BASE}\" x2=\"{}\" y2=\"{BASE}\"/>", LEFT + PLOT_W);
    let _ =
        write!(out, "<text class=\"chart-scale\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", LEFT - 6, TOP + 4, esc(&(d.fmt)(max)));
    let _ = write!(out, "<text class=\"chart-scale\" x=\"{}\" y=\"{BASE}\" text-anchor=\"end\">{}</text>", LEFT - 6, esc(&(d.fmt)(0)));
    for (i, label) in d.labels.iter().enumerate() {
        let x = LEFT + i as i64 * slot + slot / 2;
        let _ = write!(out, "<text class=\"chart-label\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>", HEIGHT - 8, esc(label));
    }
}

/// Vertical bars, the series side by side within each label's slot (80 % of it).
pub fn bars(d: &Data<'_>) -> String {
    let max = scale_max(d.series);
    let mut out = open(d.id, d.title, d.desc, WIDTH, HEIGHT, "chart-bars");
    frame(&mut out, d, max);
    let slot = PLOT_W / (d.labels.len().max(1) as i64);
    let group = slot * 4 / 5;
    let bw = (group / (d.series.len().max(1) as i64)).max(1);
    for (j, s) in d.series.iter().enumerate() {
        let _ = write!(out, "<g class=\"chart-s{}\">", j as i64 % COLOURS);
        for (i, v) in s.values.iter().enumerate().take(d.labels.len()) {
            let h = height(*v, max, PLOT_H);
            let x = LEFT + i as i64 * slot + (slot - group) / 2 + j as i64 * bw;
            let _ = write!(out, "<rect x=\"{x}\" y=\"{}\" width=\"{bw}\" height=\"{h}\"/>", BASE - h);
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// Lines through each series' values at the middle of each label's slot, with a dot on each.
pub fn lines(d: &Data<'_>) -> String {
    let max = scale_max(d.series);
    let mut out = open(d.id, d.title, d.desc, WIDTH, HEIGHT, "chart-lines");
    frame(&mut out, d, max);
    let slot = PLOT_W / (d.labels.len().max(1) as i64);
    for (j, s) in d.series.iter().enumerate() {
        let points: Vec<(i64, i64)> = s
            .values
            .iter()
            .enumerate()
            .take(d.labels.len())
            .map(|(i, v)| (LEFT + i as i64 * slot + slot / 2, BASE - height(*v, max, PLOT_H)))
            .collect();
        let _ = write!(out, "<g class=\"chart-s{}\">", j as i64 % COLOURS);
        let path: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
        let _ = write!(out, "<polyline class=\"chart-line\" points=\"{}\"/>", path.join(" "));
        for (x, y) in points {
            let _ = write!(out, "<circle cx=\"{x}\" cy=\"{y}\" r=\"3\"/>");
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// Shares of a whole as one horizontal stacked bar across the view box (each part's width its
/// share, rounded down; the last part ends at the edge). An empty whole draws the track only.
pub fn shares(id: &str, title: &str, desc: &str, parts: &[(String, i64)]) -> String {
    let total: i64 = parts.iter().map(|(_, v)| (*v).max(0)).sum();
    let mut out = open(id, title, desc, WIDTH, BAR_H, "chart-shares");
    let _ = write!(out, "<rect class=\"chart-track\" x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{BAR_H}\"/>");
    if total > 0 {
        let (mut x, mut acc) = (0_i64, 0_i64);
        let last = parts.iter().rposition(|(_, v)| *v > 0).unwrap_or(0);
        for (j, (_, v)) in parts.iter().enumerate() {
            acc += (*v).max(0);
            let end = if j == last { WIDTH } else { height(acc, total, WIDTH) };
            if *v > 0 {
                let _ = write!(
                    out,
                    "<rect class=\"chart-s{}\" x=\"{x}\" y=\"0\" width=\"{}\" height=\"{BAR_H}\"/>",
                    j as i64 % COLOURS,
                    end - x
                );
            }
            x = end;
        }
    }
    out.push_str("</svg>");
    out
}

/// A value against a limit: a bar on a track (the scale is the larger of the two), with a mark
/// at each threshold (percent of the limit). The bar's class says how far it went: `chart-ok`
/// below the first threshold, `chart-warn` from it, `chart-over` from 100 %.
pub fn gauge(id: &str, title: &str, desc: &str, value: i64, limit: i64, marks: &[i64]) -> String {
    let scale = value.max(limit).max(1);
    let mut out = open(id, title, desc, WIDTH, BAR_H, "chart-gauge");
    let _ = write!(out, "<rect class=\"chart-track\" x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{BAR_H}\"/>");
    let reached = |t: i64| value > 0 && i128::from(value) * 100 >= i128::from(t) * i128::from(limit.max(0));
    let class = if reached(100) {
        "chart-over"
    } else if marks.first().is_some_and(|t| reached(*t)) {
        "chart-warn"
    } else {
        "chart-ok"
    };
    let _ = write!(out, "<rect class=\"{class}\" x=\"0\" y=\"0\" width=\"{}\" height=\"{BAR_H}\"/>", height(value, scale, WIDTH));
    for t in marks {
        let at = (i128::from(limit.max(0)) * i128::from(*t) / 100) as i64;
        let x = height(at, scale, WIDTH).min(WIDTH - 1);
        let _ = write!(out, "<line class=\"chart-mark\" x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{BAR_H}\"/>");
    }
    out.push_str("</svg>");
    out
}

/// The data of a bars or lines chart as a table: a row per label, a column per series.
/// `hidden` hides it visually (it stays for screen readers).
pub fn table(d: &Data<'_>, label_head: &str, hidden: bool) -> String {
    let mut out = String::new();
    let class = if hidden { " class=\"sr-only\"" } else { "" };
    let _ = write!(out, "<div class=\"table-wrap chart-table\"><table{class}><caption>{}</caption><thead><tr>", esc(d.title));
    let _ = write!(out, "<th scope=\"col\">{}</th>", esc(label_head));
    for s in d.series {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(&s.name));
    }
    out.push_str("</tr></thead><tbody>");
    for (i, label) in d.labels.iter().enumerate() {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", esc(label));
        for s in d.series {
            let _ = write!(out, "<td>{}</td>", esc(&s.values.get(i).map(|v| (d.fmt)(*v)).unwrap_or_default()));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

/// A legend of the series' colours (what the table also says).
pub fn legend(names: &[&str]) -> String {
    let mut out = String::from("<ul class=\"chart-legend\">");
    for (j, n) in names.iter().enumerate() {
        let _ = write!(out, "<li><span class=\"chart-key chart-s{}\" aria-hidden=\"true\"></span>{}</li>", j as i64 % COLOURS, esc(n));
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(v: i64) -> String {
        v.to_string()
    }

    fn labels(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("{i}월")).collect()
    }

    #[test]
    fn bars_stand_on_the_baseline_in_their_slots() {
        let l = labels(4);
        let s = [Series { name: "금액".into(), values: vec![0, 50, 100, 25] }];
        let d = Data { id: "won", title: "월별 청구액", desc: "4개월", labels: &l, series: &s, fmt: &plain };
        let svg = bars(&d);
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-bars\" viewBox=\"0 0 640 240\" role=\"img\"")
        );
        assert!(svg.contains("aria-labelledby=\"won-t won-d\"><title id=\"won-t\">월별 청구액</title><desc id=\"won-d\">4개월</desc>"));
        // slot 568 / 4 = 142, group 113, one series: bars 113 wide at 64 + i·142 + 14
        assert!(svg.contains("<rect x=\"78\" y=\"212\" width=\"113\" height=\"0\"/>"), "{svg}");
        assert!(svg.contains("<rect x=\"220\" y=\"112\" width=\"113\" height=\"100\"/>"));
        assert!(svg.contains("<rect x=\"362\" y=\"12\" width=\"113\" height=\"200\"/>"), "the largest reaches the top");
        assert!(svg.contains("<rect x=\"504\" y=\"162\" width=\"113\" height=\"50\"/>"));
        assert!(
            svg.contains(">100</text>")
                && svg.contains("<text class=\"chart-label\" x=\"135\" y=\"232\" text-anchor=\"middle\">1월</text>")
        );
        assert!(svg.ends_with("</svg>") && !svg.contains("style"), "classes, never inline styles");
    }

    #[test]
    fn two_series_share_a_slot_side_by_side() {
        let l = labels(2);
        let s = [Series { name: "a".into(), values: vec![10, 0] }, Series { name: "b".into(), values: vec![5, 10] }];
        let svg = bars(&Data { id: "x", title: "t", desc: "d", labels: &l, series: &s, fmt: &plain });
        // slot 284, group 227, bars 113 wide from 64 + 28
        assert!(svg.contains("<g class=\"chart-s0\"><rect x=\"92\" y=\"12\" width=\"113\" height=\"200\"/>"), "{svg}");
        assert!(svg.contains("<g class=\"chart-s1\"><rect x=\"205\" y=\"112\" width=\"113\" height=\"100\"/>"));
    }

    #[test]
    fn lines_join_the_middles_of_the_slots() {
        let l = labels(3);
        let s = [Series { name: "vCPU".into(), values: vec![0, 2, 4] }];
        let svg = lines(&Data { id: "u", title: "t", desc: "d", labels: &l, series: &s, fmt: &plain });
        // slot 189: x = 64 + i·189 + 94
        assert!(svg.contains("<polyline class=\"chart-line\" points=\"158,212 347,112 536,12\"/>"), "{svg}");
        assert!(svg.contains("<circle cx=\"347\" cy=\"112\" r=\"3\"/>"));
    }

    #[test]
    fn an_empty_chart_draws_its_frame() {
        let svg = bars(&Data { id: "e", title: "t", desc: "d", labels: &[], series: &[], fmt: &plain });
        assert!(svg.contains("chart-axis") && !svg.contains("<rect"));
        let all_zero = [Series { name: "z".into(), values: vec![0, 0] }];
        let l = labels(2);
        let svg = lines(&Data { id: "z", title: "t", desc: "d", labels: &l, series: &all_zero, fmt: &plain });
        assert!(svg.contains("points=\"206,212 490,212\""), "zeros on the baseline: {svg}");
    }

    #[test]
    fn shares_fill_the_bar_in_order() {
        let parts = [("초안".to_owned(), 1), ("발행".to_owned(), 0), ("납부".to_owned(), 2)];
        let svg = shares("s", "상태별", "d", &parts);
        assert!(svg.contains("<rect class=\"chart-s0\" x=\"0\" y=\"0\" width=\"213\" height=\"32\"/>"), "{svg}");
        assert!(!svg.contains("chart-s1"), "an empty part draws nothing");
        assert!(svg.contains("<rect class=\"chart-s2\" x=\"213\" y=\"0\" width=\"427\" height=\"32\"/>"), "the last ends at the edge");
        let none = shares("n", "t", "d", &[("a".to_owned(), 0)]);
        assert!(none.contains("chart-track") && !none.contains("chart-s0"));
    }

    #[test]
    fn a_gauge_marks_the_thresholds_of_its_limit() {
        let svg = gauge("g", "t", "d", 750, 1_000, &[70, 90, 100]);
        assert!(svg.contains("<rect class=\"chart-warn\" x=\"0\" y=\"0\" width=\"480\" height=\"32\"/>"), "{svg}");
        assert!(svg.contains("x1=\"448\"") && svg.contains("x1=\"576\"") && svg.contains("x1=\"639\""), "{svg}");
        // beyond the limit: the scale is the value, the limit mark moves left
        let over = gauge("o", "t", "d", 2_000, 1_000, &[70, 90, 100]);
        assert!(over.contains("<rect class=\"chart-over\" x=\"0\" y=\"0\" width=\"640\"") && over.contains("x1=\"320\""), "{over}");
        let low = gauge("l", "t", "d", 100, 1_000, &[70, 90, 100]);
        assert!(low.contains("chart-ok"));
        let zero = gauge("z", "t", "d", 0, 0, &[70, 90, 100]);
        assert!(zero.contains("<rect class=\"chart-ok\" x=\"0\" y=\"0\" width=\"0\""), "{zero}");
    }

    #[test]
    fn labels_and_titles_are_escaped() {
        let l = vec!["<b>&\"'".to_owned()];
        let s = [Series { name: "<script>".into(), values: vec![1] }];
        let d = Data { id: "q\"", title: "a<b", desc: "c&d", labels: &l, series: &s, fmt: &plain };
        for html in [bars(&d), lines(&d), table(&d, "월", false), legend(&["<i>"])] {
            assert!(!html.contains("<b>") && !html.contains("<script>") && !html.contains("<i>") && !html.contains("q\""), "{html}");
        }
        assert!(bars(&d).contains("<title id=\"q&quot;-t\">a&lt;b</title><desc id=\"q&quot;-d\">c&amp;d</desc>"));
        assert!(table(&d, "월", false).contains("<th scope=\"row\">&lt;b&gt;&amp;&quot;&#39;</th><td>1</td>"));
    }

    #[test]
    fn the_table_has_a_row_per_label_and_a_column_per_series() {
        let l = labels(2);
        let s = [Series { name: "a".into(), values: vec![1, 2] }, Series { name: "b".into(), values: vec![3] }];
        let won = |v: i64| format!("{v}원");
        let t = table(&Data { id: "t", title: "제목", desc: "d", labels: &l, series: &s, fmt: &won }, "월", true);
        assert!(t.contains("<table class=\"sr-only\"><caption>제목</caption>"));
        assert!(t.contains("<thead><tr><th scope=\"col\">월</th><th scope=\"col\">a</th><th scope=\"col\">b</th></tr></thead>"));
        assert!(t.contains(
            "<tr><th scope=\"row\">1월</th><td>1원</td><td>3원</td></tr><tr><th scope=\"row\">2월</th><td>2원</td><td></td></tr>"
        ));
    }
}
