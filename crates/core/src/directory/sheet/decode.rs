//! Bytes of a CSV file to text: UTF-8 with or without a byte-order mark, UTF-16 with one, or
//! the Windows-1252 / Latin-1 that Excel still writes on many French and Spanish desktops.
//! A file mixing UTF-8 and another encoding is refused: decoding it either way would garble
//! names.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::SheetError;

/// The decoded text and the name of the encoding it was in.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), SheetError> {
    // Text files have no NUL byte; a CSV with them is UTF-16 without a byte-order mark or not
    // text at all, and reading it either way would give garbage.
    let utf16_bom = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if !utf16_bom && let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(SheetError::Encoding { line: line_of(bytes, at) });
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), "UTF-8"))
            .map_err(|e| SheetError::Encoding { line: line_of(rest, e.valid_up_to()) });
    }
    for (bom, enc, name) in [(&[0xFF, 0xFE], UTF_16LE, "UTF-16LE"), (&[0xFE, 0xFF], UTF_16BE, "UTF-16BE")] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return enc
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|s| (s.into_owned(), name))
                .ok_or(SheetError::Encoding { line: 1 });
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), "UTF-8")),
        Err(e) => {
            let first_bad = e.valid_up_to();
            // Valid multi-byte UTF-8 before or after the bad byte means a mixed file.
            let has_utf8 = bytes.utf8_chunks().any(|c| !c.valid().is_ascii());
            // The five bytes Windows-1252 leaves undefined do not occur in its text.
            let foreign = bytes.iter().position(|b| matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D));
            if has_utf8 {
                return Err(SheetError::Encoding { line: line_of(bytes, first_bad) });
            }
            if let Some(at) = foreign {
                return Err(SheetError::Encoding { line: line_of(bytes, at) });
            }
            let (text, _, _) = WINDOWS_1252.decode(bytes);
            Ok((text.into_owned(), "windows-1252"))
        }
    }
}

/// 1-based line of the byte at `offset`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The field separator: whichever of `,` `;` and tab is most frequent in the header line
/// outside quotes (`;` is what French and Spanish Excel write).
pub fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut quoted = false;
    let (mut comma, mut semi, mut tab) = (0, 0, 0);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => comma += 1,
            ';' if !quoted => semi += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma && tab > semi {
        b'\t'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("Nom;Été".as_bytes()).unwrap(), ("Nom;Été".to_string(), "UTF-8"));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("Nom".as_bytes());
        assert_eq!(decode(&b).unwrap(), ("Nom".to_string(), "UTF-8"));
    }

    #[test]
    fn windows_1252_is_decoded() {
        // "Hébergement;Œuvre" in Windows-1252: é = E9, Œ = 8C.
        let bytes = b"H\xe9bergement;\x8cuvre\r\n";
        assert_eq!(decode(bytes).unwrap(), ("Hébergement;Œuvre\r\n".to_string(), "windows-1252"));
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut b = vec![0xFF, 0xFE];
        for u in "Año".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&b).unwrap(), ("Año".to_string(), "UTF-16LE"));
    }

    #[test]
    fn mixed_or_binary_files_are_refused_naming_the_line() {
        let mixed = "Nom\nÉté\nH\u{e9}".as_bytes().iter().copied().chain([b'\n', b'x', 0xE9]).collect::<Vec<u8>>();
        assert_eq!(decode(&mixed).unwrap_err(), SheetError::Encoding { line: 4 });
        assert_eq!(decode(b"a\nb\n\x00\x01").unwrap_err(), SheetError::Encoding { line: 3 });
        assert_eq!(decode(b"a\n\x81").unwrap_err(), SheetError::Encoding { line: 2 });
        let bad_after_bom = [0xEF, 0xBB, 0xBF, b'a', b'\n', 0xFF];
        assert_eq!(decode(&bad_after_bom).unwrap_err(), SheetError::Encoding { line: 2 });
    }

    #[test]
    fn delimiter_is_guessed_from_the_header() {
        assert_eq!(delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(delimiter("a,b,c"), b',');
        assert_eq!(delimiter("\"a;x\",b,c"), b',');
        assert_eq!(delimiter("a\tb\tc"), b'\t');
        assert_eq!(delimiter(""), b',');
    }
}
