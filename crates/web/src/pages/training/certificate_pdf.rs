//! The certificate as a PDF: one A4 page in the holder's language, with the holder, the
//! curriculum, the modules completed, the date, the verification code and a QR code of the
//! verification address (also a link, for a certificate read on screen).
//!
//! The font is DejaVu Sans, compiled into the binary (its licence allows it; see
//! `crates/web/fonts/LICENSE`) so that `passerelle serve` needs no font installed and names in
//! any Latin, Greek or Cyrillic script print the same everywhere. krilla embeds only the glyphs
//! used (a certificate weighs a few tens of KB), writes the text so that it can be copied and
//! searched, and tags it (headings, paragraphs, the QR code as a figure with its text) for
//! screen readers.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::tagging::{ContentTag, Node, SpanTag, Tag, TagGroup, TagTree};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};
use std::num::NonZeroU16;
use std::sync::LazyLock;

static FONT_DATA: &[u8] = include_bytes!("../../../fonts/DejaVuSans.ttf");
static FONT: LazyLock<Option<Font>> = LazyLock::new(|| Font::new(FONT_DATA.into(), 0));

/// A4 portrait, in points.
const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 64.0;
const QR_SIZE: f32 = 120.0;

/// Everything the certificate says, already translated into the holder's language.
pub struct CertificateText {
    /// BCP 47 language of the text (`fr`, `en`, `es`), declared in the PDF for screen readers.
    pub lang: &'static str,
    pub title: String,
    pub certifies: String,
    pub holder: String,
    pub completed: String,
    pub curriculum: String,
    pub modules: Vec<String>,
    pub issued: String,
    /// Printed above everything else when the certificate was revoked.
    pub revoked: Option<String>,
    pub code_label: String,
    pub code: String,
    pub verify_url: String,
    /// The QR code's text alternative.
    pub qr_label: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the certificate font could not be read")]
    Font,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// Lines laid out top-down; each becomes one tagged paragraph (or heading).
struct Writer<'a, 'b> {
    surface: &'a mut Surface<'b>,
    font: Font,
    y: f32,
    lang: &'static str,
    tags: Vec<Node>,
}

impl Writer<'_, '_> {
    /// Writes `text` centred (or from the left margin), wrapped to the page width, as one
    /// structure element of kind `tag`.
    fn block(&mut self, text: &str, size: f32, centred: bool, tag: impl Into<krilla::tagging::TagKind>, gap_after: f32) {
        let mut group = TagGroup::new(tag);
        for line in wrap(text, size, WIDTH - 2.0 * MARGIN) {
            self.y += size * 1.3;
            let x = if centred { (WIDTH - width(&line, size)) / 2.0 } else { MARGIN };
            let id = self.surface.start_tagged(ContentTag::Span(SpanTag { lang: Some(self.lang), ..SpanTag::empty() }));
            self.surface.draw_text(Point::from_xy(x, self.y), self.font.clone(), size, &line, false, TextDirection::Auto);
            self.surface.end_tagged();
            group.push(id);
        }
        self.tags.push(group.into());
        self.y += gap_after;
    }
}

/// The width of a line of DejaVu Sans at `size` points (advances only; kerning is a few
/// hundredths of a point, below what centring can show).
fn width(text: &str, size: f32) -> f32 {
    let Ok(font) = FontRef::new(FONT_DATA) else { return 0.0 };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(size * 0.6))
        .sum()
}

/// Breaks `text` into lines no wider than `max` at spaces; a single word wider than the line
/// (a long e-mail address) stays whole rather than being cut.
fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if !line.is_empty() && width(&candidate, size) > max {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Renders the certificate (compressed; the tests inflate it to read the text back).
pub fn render(text: &CertificateText) -> Result<Vec<u8>, PdfError> {
    let font = FONT.clone().ok_or(PdfError::Font)?;
    let settings = SerializeSettings {
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let qr = qrcode::QrCode::new(text.verify_url.as_bytes()).ok();
    let mut root = TagTree::new();
    root.lang = Some(text.lang.to_string());
    {
        let Some(page_settings) = PageSettings::from_wh(WIDTH, HEIGHT) else {
            return Err(PdfError::Write("page size".into()));
        };
        let mut page = document.start_page_with(page_settings);
        let mut surface = page.surface();
        let mut w = Writer { surface: &mut surface, font, y: MARGIN + 20.0, lang: text.lang, tags: Vec::new() };
        if let Some(revoked) = &text.revoked {
            w.surface.set_fill(Some(Fill { paint: rgb::Color::new(0xa4, 0x00, 0x00).into(), ..Fill::default() }));
            w.block(revoked, 14.0, true, Tag::P, 16.0);
            w.surface.set_fill(None);
        }
        let h1 = Tag::Hn(NonZeroU16::MIN, Some(text.title.clone()));
        w.block(&text.title, 30.0, true, h1, 28.0);
        w.block(&text.certifies, 12.0, true, Tag::P, 10.0);
        w.block(&text.holder, 24.0, true, Tag::P, 14.0);
        w.block(&text.completed, 12.0, true, Tag::P, 8.0);
        w.block(&text.curriculum, 17.0, true, Tag::P, 14.0);
        // Seventeen modules still fit above the code and the QR code at this size.
        let module_size = if text.modules.len() > 12 { 9.5 } else { 11.0 };
        let mut list = TagGroup::new(Tag::L(krilla::tagging::ListNumbering::Disc));
        for m in &text.modules {
            let mut inner = Writer { surface: &mut *w.surface, font: w.font.clone(), y: w.y, lang: w.lang, tags: Vec::new() };
            inner.block(&format!("• {m}"), module_size, false, Tag::LBody, 1.0);
            w.y = inner.y;
            let mut item = TagGroup::new(Tag::LI);
            for t in inner.tags {
                item.push(t);
            }
            list.push(item);
        }
        w.tags.push(list.into());
        w.y += 16.0;
        w.block(&text.issued, 12.0, true, Tag::P, 6.0);
        w.block(&format!("{} {}", text.code_label, text.code), 14.0, true, Tag::P, 12.0);

        // The QR code of the verification address, then the address itself in words.
        let top = w.y.max(HEIGHT - MARGIN - QR_SIZE - 40.0).min(HEIGHT - MARGIN - QR_SIZE - 16.0);
        if let Some(qr) = &qr {
            let n = qr.width();
            let cell = QR_SIZE / n as f32;
            let left = (WIDTH - QR_SIZE) / 2.0;
            let mut pb = PathBuilder::new();
            for (i, colour) in qr.to_colors().iter().enumerate() {
                if *colour == qrcode::Color::Dark {
                    let (x, y) = ((i % n) as f32, (i / n) as f32);
                    if let Some(r) = Rect::from_xywh(left + x * cell, top + y * cell, cell, cell) {
                        pb.push_rect(r);
                    }
                }
            }
            if let Some(path) = pb.finish() {
                let id = w.surface.start_tagged(ContentTag::Other);
                w.surface.set_fill(Some(Fill::default()));
                w.surface.draw_path(&path);
                w.surface.end_tagged();
                let mut figure = TagGroup::new(Tag::Figure(Some(text.qr_label.clone())));
                figure.push(id);
                w.tags.push(figure.into());
            }
        }
        w.y = top + QR_SIZE;
        w.block(&text.verify_url, 8.0, true, Tag::P, 0.0);
        for t in std::mem::take(&mut w.tags) {
            root.push(t);
        }
        surface.finish();
        // The verification address is also a link, for a certificate read on screen.
        if let Some(r) = Rect::from_xywh((WIDTH - QR_SIZE) / 2.0, top, QR_SIZE, QR_SIZE) {
            let link = krilla::annotation::LinkAnnotation::new(
                r,
                krilla::annotation::Target::Action(krilla::action::LinkAction::new(text.verify_url.clone()).into()),
            );
            page.add_annotation(krilla::annotation::Annotation::new_link(link, Some(text.qr_label.clone())));
        }
        page.finish();
    }
    document.set_metadata(
        Metadata::new()
            .title(format!("{} — {}", text.title, text.holder))
            .language(text.lang.to_string())
            .creator("Passerelle".into()),
    );
    document.set_tag_tree(root);
    document.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(modules: usize) -> CertificateText {
        CertificateText {
            lang: "fr",
            title: "Attestation de formation".into(),
            certifies: "Nous certifions que".into(),
            holder: "Léa Ñúñez-Øster".into(),
            completed: "a suivi avec succès".into(),
            curriculum: "Accompagnement des personnes vulnérables (version 2)".into(),
            modules: (1..=modules).map(|i| format!("Module {i} : écoute active et orientation vers les services spécialisés")).collect(),
            issued: "Délivrée le 3 février 2026".into(),
            revoked: None,
            code_label: "Code de vérification :".into(),
            code: "ABCDE-FGHJK".into(),
            verify_url: "https://passerelle.example/certificates/verify?code=ABCDE-FGHJK".into(),
            qr_label: "QR code de l'adresse de vérification".into(),
        }
    }

    #[test]
    fn renders_a_small_pdf_even_with_seventeen_modules() {
        let pdf = render(&sample(17)).expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        // The font is subset: the whole of DejaVu Sans is 750 KB.
        assert!(pdf.len() < 80_000, "{} bytes", pdf.len());
    }

    #[test]
    fn long_lines_wrap_within_the_page() {
        let lines = wrap(&"mot ".repeat(200), 11.0, WIDTH - 2.0 * MARGIN);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l, 11.0) <= WIDTH - 2.0 * MARGIN));
        assert_eq!(wrap("", 11.0, 100.0), Vec::<String>::new());
    }
}
