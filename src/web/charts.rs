//! Charts drawn on the server as inline SVG: no script, no inline style (the CSP forbids
//! both), only presentation attributes. Each chart is an image with a title and a
//! description for assistive technology; the page shows the same numbers as a table.
//!
//! Text inside the SVG uses `currentColor`, so it follows the page's colour scheme; bars use
//! mid-tone colours that keep a 3:1 contrast on light and dark backgrounds alike.

use crate::web::share_links::xml_escape;

/// Drawing width in SVG units; the image scales to its container.
const WIDTH: i64 = 720;
/// Longest label drawn in a horizontal bar chart, in characters (the table has the rest).
const LABEL_CHARS: usize = 48;
/// At most this many labels along the horizontal axis, so they never overlap.
const MAX_X_LABELS: usize = 12;
const FONT: &str = "font-family=\"system-ui, sans-serif\" font-size=\"12\" fill=\"currentColor\"";

/// Fill colours for up to three series (blue, orange, teal).
pub const PALETTE: [&str; 3] = ["#3a6ee8", "#d66a00", "#1f9b7a"];

/// One named series of a column chart.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<i64>,
}

/// What names a chart: a unique id (for `aria-labelledby`), a title and a longer description.
pub struct Caption<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
}

/// A round number at least `max`, so that axis ticks fall on 1, 2 or 5 times a power of ten.
pub fn nice_max(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let mut magnitude = 1i64;
    while magnitude <= max / 10 {
        magnitude *= 10;
    }
    for step in [1, 2, 5, 10] {
        let candidate = magnitude.saturating_mul(step);
        if candidate >= max {
            return candidate;
        }
    }
    magnitude.saturating_mul(10)
}

/// Every how many columns a label is drawn (1 = all of them).
pub fn label_stride(count: usize) -> usize {
    count.div_ceil(MAX_X_LABELS).max(1)
}

/// Cuts a label to `LABEL_CHARS` characters, marking the cut.
fn shorten(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        let mut cut: String = label.chars().take(LABEL_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

fn open_svg(out: &mut String, caption: &Caption, height: i64) {
    let id = xml_escape(caption.id);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-title\" \
         aria-describedby=\"{id}-desc\" preserveAspectRatio=\"xMinYMin meet\">"
    ));
    out.push_str(&format!(
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        xml_escape(caption.title),
        xml_escape(caption.description)
    ));
}

/// Grouped columns: one group per label (a day), one column per series, with a legend, a
/// value axis and gridlines.
pub fn columns(caption: &Caption, labels: &[String], series: &[Series]) -> String {
    const HEIGHT: i64 = 280;
    const LEFT: i64 = 48;
    const RIGHT: i64 = 8;
    const TOP: i64 = 36;
    const BOTTOM: i64 = 36;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let top = nice_max(max);
    let mut out = String::new();
    open_svg(&mut out, caption, HEIGHT);

    // Legend.
    let mut x = LEFT;
    for (i, s) in series.iter().enumerate() {
        let fill = PALETTE[i % PALETTE.len()];
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{fill}\"/>\
             <text x=\"{}\" y=\"18\" {FONT}>{}</text>",
            x + 16,
            xml_escape(s.name)
        ));
        x += 24 + 13 * s.name.chars().count().max(4) as i64;
    }

    // Gridlines and the value axis (four steps).
    for step in 0..=4 {
        let value = top * step / 4;
        let y = TOP + plot_h - plot_h * step / 4;
        out.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"currentColor\" stroke-opacity=\"{}\" stroke-width=\"1\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" {FONT}>{value}</text>",
            LEFT + plot_w,
            if step == 0 { "0.8" } else { "0.2" },
            LEFT - 6,
            y + 4
        ));
    }

    let groups = labels.len().max(1) as i64;
    let group_w = plot_w / groups;
    let per_series = series.len().max(1) as i64;
    let bar_w = ((group_w * 8 / 10) / per_series).max(1);
    let stride = label_stride(labels.len());
    for (g, label) in labels.iter().enumerate() {
        let gx = LEFT + group_w * g as i64 + (group_w - bar_w * per_series) / 2;
        for (i, s) in series.iter().enumerate() {
            let value = s.values.get(g).copied().unwrap_or(0).max(0);
            let h = plot_h * value / top;
            if h > 0 {
                out.push_str(&format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"{bar_w}\" height=\"{h}\" fill=\"{}\"/>",
                    gx + bar_w * i as i64,
                    TOP + plot_h - h,
                    PALETTE[i % PALETTE.len()]
                ));
            }
        }
        if g % stride == 0 {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" {FONT}>{}</text>",
                LEFT + group_w * g as i64 + group_w / 2,
                HEIGHT - BOTTOM + 18,
                xml_escape(label)
            ));
        }
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one per row: the label above its bar, the value after it.
pub fn bars(caption: &Caption, rows: &[(String, i64)]) -> String {
    const ROW: i64 = 44;
    const TOP: i64 = 8;
    const VALUE_ROOM: i64 = 72;
    let height = TOP * 2 + ROW * rows.len().max(1) as i64;
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let full = WIDTH - VALUE_ROOM;
    let mut out = String::new();
    open_svg(&mut out, caption, height);
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = TOP + ROW * i as i64;
        let value = (*value).max(0);
        let w = full * value / max;
        out.push_str(&format!(
            "<text x=\"0\" y=\"{}\" {FONT}>{}</text>",
            y + 14,
            xml_escape(&shorten(label))
        ));
        if w > 0 {
            out.push_str(&format!(
                "<rect x=\"0\" y=\"{}\" width=\"{w}\" height=\"16\" fill=\"{}\"/>",
                y + 20,
                PALETTE[0]
            ));
        }
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" {FONT}>{value}</text>",
            w + 6,
            y + 33
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caption() -> Caption<'static> {
        Caption {
            id: "chart-x",
            title: "Ideas & votes",
            description: "Per day <from> the opening",
        }
    }

    /// The widths of the bars drawn, in order.
    fn bar_widths(svg: &str) -> Vec<i64> {
        svg.split("<rect ")
            .skip(1)
            .filter_map(|r| {
                let w = r.split("width=\"").nth(1)?.split('"').next()?;
                w.parse().ok()
            })
            .collect()
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(1), 1);
        assert_eq!(nice_max(3), 5);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(10), 10);
        assert_eq!(nice_max(11), 20);
        assert_eq!(nice_max(180), 200);
        assert_eq!(nice_max(4_321), 5_000);
        assert!(nice_max(i64::MAX) >= i64::MAX / 10);
    }

    #[test]
    fn long_axes_show_at_most_twelve_labels() {
        assert_eq!(label_stride(0), 1);
        assert_eq!(label_stride(12), 1);
        assert_eq!(label_stride(13), 2);
        assert_eq!(label_stride(90), 8);
        let labels: Vec<String> = (0..30).map(|d| format!("d{d}")).collect();
        let svg = columns(
            &caption(),
            &labels,
            &[Series {
                name: "ideas",
                values: vec![1; 30],
            }],
        );
        let drawn = labels
            .iter()
            .filter(|l| svg.contains(&format!(">{l}</text>")))
            .count();
        assert!(drawn <= MAX_X_LABELS, "{drawn} labels");
        assert!(svg.contains(">d0</text>"));
    }

    #[test]
    fn charts_are_images_with_a_title_and_description_and_escape_text() {
        let svg = bars(&caption(), &[("<script>alert(1)</script>".to_owned(), 3)]);
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-labelledby=\"chart-x-title\""));
        assert!(svg.contains("aria-describedby=\"chart-x-desc\""));
        assert!(svg.contains("<title id=\"chart-x-title\">Ideas &amp; votes</title>"));
        assert!(svg.contains("<desc id=\"chart-x-desc\">Per day &lt;from&gt; the opening</desc>"));
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;"));
    }

    #[test]
    fn charts_use_presentation_attributes_only() {
        let svg = columns(
            &caption(),
            &["1/1".to_owned(), "1/2".to_owned()],
            &[
                Series {
                    name: "a",
                    values: vec![1, 2],
                },
                Series {
                    name: "b",
                    values: vec![0, 5],
                },
            ],
        );
        for forbidden in [" style=", "<style", "<script", " href="] {
            assert!(!svg.contains(forbidden), "{forbidden} in {svg}");
        }
        // No event handler attributes (`onload=`…).
        for (i, _) in svg.match_indices(" on") {
            let name: String = svg[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            assert!(!svg[i + 1 + name.len()..].starts_with('='), "{name}=");
        }
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn bars_are_proportional_to_their_values() {
        let svg = bars(
            &caption(),
            &[
                ("a".to_owned(), 10),
                ("b".to_owned(), 5),
                ("c".to_owned(), 0),
            ],
        );
        let widths = bar_widths(&svg);
        assert_eq!(widths.len(), 2, "a zero draws no bar: {widths:?}");
        assert_eq!(widths[0], WIDTH - 72);
        assert_eq!(widths[1], (WIDTH - 72) / 2);
        assert!(svg.contains(">0</text>"), "the zero is still written");
    }

    #[test]
    fn columns_scale_to_the_largest_value() {
        let svg = columns(
            &caption(),
            &["x".to_owned(), "y".to_owned()],
            &[Series {
                name: "ideas",
                values: vec![10, 5],
            }],
        );
        let heights: Vec<i64> = svg
            .split("<rect ")
            .skip(2) // the legend swatch
            .filter_map(|r| r.split("height=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect();
        assert_eq!(heights.len(), 2);
        assert_eq!(heights[0], 2 * heights[1]);
        assert!(svg.contains(">10</text>"), "axis tops at 10");
    }

    #[test]
    fn empty_data_still_draws_a_valid_chart() {
        let svg = columns(&caption(), &[], &[]);
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        let svg = bars(&caption(), &[]);
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    }

    #[test]
    fn long_labels_are_shortened() {
        let long = "あ".repeat(100);
        let svg = bars(&caption(), &[(long.clone(), 1)]);
        assert!(!svg.contains(&long));
        assert!(svg.contains('…'));
    }
}
