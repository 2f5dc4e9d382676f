//! The workspace's one server-side SVG bar chart (the survey's planning page, the counts of a
//! posting over time and by source, the statistics page): horizontal bars, one row per category and one bar per
//! series, each bar labelled with its value in text (so nothing depends on colour alone, and
//! series differ by pattern too). The chart is an image with a title and a description; the
//! table beside it is its text alternative. No script, no third party.

use std::fmt::Write;

/// One category (an occupation, a staff group …) with one value per series.
pub struct Row {
    pub label: String,
    /// `(value, value as people read it)` per series.
    pub values: Vec<(f64, String)>,
}

pub struct BarChart<'a> {
    /// Unique on the page: the ids of title and description derive from it.
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub series: &'a [&'a str],
    pub rows: Vec<Row>,
}

const LABEL_W: f64 = 260.0;
const PLOT_W: f64 = 380.0;
const VALUE_W: f64 = 60.0;
const BAR_H: f64 = 16.0;
const GAP: f64 = 10.0;
/// Fill and stroke pattern of each series: solid dark, hatched light.
const STYLES: [&str; 3] = ["bar-a", "bar-b", "bar-c"];

/// `&`, `<`, `>`, `"` as XML entities.
pub fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl BarChart<'_> {
    /// Series differ by pattern, not colour alone: solid, hatched, grey.
    fn fill(&self, series: usize) -> String {
        match series % 3 {
            0 => "#1d4f91".to_owned(),
            1 => format!("url(#{}-hatch)", self.id),
            _ => "#6b6b6b".to_owned(),
        }
    }

    /// The chart as an inline `<svg>` element.
    pub fn render(&self) -> String {
        let n = self.series.len().max(1) as f64;
        let row_h = n * BAR_H + GAP;
        let legend_h = if self.series.len() > 1 { 24.0 } else { 0.0 };
        let height = legend_h + row_h * self.rows.len() as f64 + GAP;
        let width = LABEL_W + PLOT_W + VALUE_W;
        let max = self
            .rows
            .iter()
            .flat_map(|r| r.values.iter().map(|v| v.0))
            .fold(0.0_f64, f64::max)
            .max(1.0);
        let mut s = String::with_capacity(512 + self.rows.len() * 300);
        let _ = write!(
            s,
            r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
            xml(self.title),
            xml(self.desc),
            id = self.id,
        );
        let _ = write!(
            s,
            r##"<defs><pattern id="{}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#1d4f91" stroke-width="3"/></pattern></defs>"##,
            self.id
        );
        if self.series.len() > 1 {
            let mut x = LABEL_W;
            for (i, name) in self.series.iter().enumerate() {
                let _ = write!(
                    s,
                    r#"<rect class="{}" fill="{}" x="{x}" y="4" width="14" height="14"/><text x="{}" y="16">{}</text>"#,
                    STYLES[i % STYLES.len()],
                    self.fill(i),
                    x + 20.0,
                    xml(name)
                );
                x += 40.0 + 8.0 * name.chars().count() as f64;
            }
        }
        for (r, row) in self.rows.iter().enumerate() {
            let top = legend_h + GAP + r as f64 * row_h;
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                LABEL_W - 8.0,
                top + n * BAR_H / 2.0 + 4.0,
                xml(&row.label)
            );
            for (i, (v, text)) in row.values.iter().enumerate() {
                let y = top + i as f64 * BAR_H;
                let w = (v.max(0.0) / max * PLOT_W).round();
                let _ = write!(
                    s,
                    r#"<rect class="{}" fill="{}" x="{LABEL_W}" y="{y}" width="{w}" height="{}"/><text x="{}" y="{}">{}</text>"#,
                    STYLES[i % STYLES.len()],
                    self.fill(i),
                    BAR_H - 2.0,
                    LABEL_W + w + 4.0,
                    y + BAR_H - 4.0,
                    xml(text)
                );
            }
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_its_title_description_labels_and_values_as_text() {
        let chart = BarChart {
            id: "c1",
            title: "Abgänge & Nachwuchs",
            desc: "Zahlen in der Tabelle <unten>",
            series: &["Abgänge", "Nachwuchs"],
            rows: vec![Row {
                label: "Verwaltung".into(),
                values: vec![(4.0, "4".into()), (2.0, "2".into())],
            }],
        };
        let svg = chart.render();
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains(r#"role="img" aria-labelledby="c1-t c1-d""#));
        assert!(svg.contains("<title id=\"c1-t\">Abgänge &amp; Nachwuchs</title>"));
        assert!(svg.contains("<desc id=\"c1-d\">Zahlen in der Tabelle &lt;unten&gt;</desc>"));
        assert!(
            svg.contains(">Verwaltung</text>")
                && svg.contains(">4</text>")
                && svg.contains(">2</text>")
        );
        // The largest value fills the plot, the other is in proportion.
        assert!(
            svg.contains(r#"width="380" height="14""#)
                && svg.contains(r#"width="190" height="14""#)
        );
        assert!(
            svg.contains(r#"fill="url(#c1-hatch)""#),
            "the second series is hatched"
        );
        assert!(svg.ends_with("</svg>"));
    }
}
