//! Bar charts drawn on the server as SVG by `plotters`: no script, a few kilobytes, scales to
//! a phone's width (a `viewBox`, no fixed size) and prints. The table beside each chart carries
//! the same figures for screen readers; the chart is marked as an image with a title.

use plotters::prelude::*;

/// One bar: its label and value (`None`: suppressed or not computable, drawn as no bar).
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    /// A second value to compare with (the previous period), drawn as a thinner bar.
    pub compare: Option<f64>,
}

const WIDTH: u32 = 640;
const ROW: u32 = 34;
const LABEL: i32 = 240;

/// A horizontal bar chart of `bars`, titled `title` for assistive technology; the value text
/// at each bar end is `fmt(value)`.
pub fn bars(title: &str, bars: &[Bar], fmt: &dyn Fn(f64) -> String) -> Result<String, String> {
    let height = ROW * (bars.len().max(1) as u32) + 10;
    let max = bars
        .iter()
        .flat_map(|b| [b.value, b.compare])
        .flatten()
        .fold(0.0_f64, f64::max);
    let scale = if max > 0.0 { f64::from(WIDTH - LABEL as u32 - 90) / max } else { 0.0 };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let text = ("sans-serif", 13).into_font().color(&BLACK);
        for (i, b) in bars.iter().enumerate() {
            let top = (i as u32 * ROW + 6) as i32;
            let label: String = b.label.chars().take(34).collect();
            root.draw(&Text::new(label, (4, top + 8), text.clone())).map_err(|e| e.to_string())?;
            let mut end = LABEL;
            if let Some(v) = b.value {
                end = LABEL + (v * scale).round() as i32;
                let h = if b.compare.is_some() { 14 } else { 22 };
                root.draw(&Rectangle::new([(LABEL, top), (end.max(LABEL + 1), top + h)], RGBColor(0x1f, 0x5f, 0x8b).filled()))
                    .map_err(|e| e.to_string())?;
            }
            if let Some(c) = b.compare {
                let cend = LABEL + (c * scale).round() as i32;
                root.draw(&Rectangle::new([(LABEL, top + 16), (cend.max(LABEL + 1), top + 24)], RGBColor(0x9a, 0x9a, 0x9a).filled()))
                    .map_err(|e| e.to_string())?;
            }
            let shown = b.value.map(fmt).unwrap_or_else(|| "—".into());
            root.draw(&Text::new(shown, (end + 6, top + 8), text.clone())).map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    // A viewBox instead of a fixed size, so the chart shrinks to a phone's width, and a role
    // and title so that assistive technology announces an image with a name.
    let fixed = format!("width=\"{WIDTH}\" height=\"{height}\"");
    let title = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let svg = svg.replacen(
        &fixed,
        &format!("viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{title}\" preserveAspectRatio=\"xMinYMin meet\" class=\"chart\""),
        1,
    );
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_scalable_svg_with_labels_and_no_bar_for_hidden_values() {
        let svg = bars(
            "Closure <rate>",
            &[
                Bar { label: "Female".into(), value: Some(0.5), compare: Some(0.25) },
                Bar { label: "Male".into(), value: None, compare: None },
            ],
            &|v| format!("{v:.2}"),
        )
        .unwrap();
        assert!(svg.contains("viewBox=\"0 0 640"), "{svg}");
        assert!(svg.contains("aria-label=\"Closure &lt;rate&gt;\""), "{svg}");
        assert!(svg.contains("Female") && svg.contains("0.50") && svg.contains("—"));
        assert_eq!(svg.matches("<rect").count(), 3, "background, one bar and its comparison: {svg}");
    }

    #[test]
    fn a_label_typed_by_someone_is_text_in_the_chart() {
        // Bar labels are agency, area and nationality names: the chart is put into the page as
        // markup (`|safe`), so plotters' escaping is what keeps a name from becoming a script.
        let svg = bars("t", &[Bar { label: "<script>x()</script>".into(), value: Some(1.0), compare: None }], &|v| format!("{v}")).unwrap();
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
    }
}
