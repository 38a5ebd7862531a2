//! People lists kept in spreadsheets (CSV or XLSX, one person per row), read for
//! `passerelle import people`. Headers may be written in English, French or Spanish; an
//! unknown column is reported, never silently dropped; the one required column is the given
//! name. Checking each value is the registration's job (the store), which names the column.

use crate::directory::sheet::{self, SheetError};
use crate::directory::text::fold;

/// The fields a people sheet may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    GivenName,
    FamilyName,
    OtherNames,
    DateOfBirth,
    Age,
    Sex,
    Nationality,
    MigrationStatus,
    Languages,
    Phone,
    Address,
    ExternalId,
}

impl Column {
    pub const ALL: [Column; 12] = [
        Column::GivenName,
        Column::FamilyName,
        Column::OtherNames,
        Column::DateOfBirth,
        Column::Age,
        Column::Sex,
        Column::Nationality,
        Column::MigrationStatus,
        Column::Languages,
        Column::Phone,
        Column::Address,
        Column::ExternalId,
    ];

    /// The documented (English) header.
    pub fn header(self) -> &'static str {
        match self {
            Column::GivenName => "given_name",
            Column::FamilyName => "family_name",
            Column::OtherNames => "other_names",
            Column::DateOfBirth => "date_of_birth",
            Column::Age => "age",
            Column::Sex => "sex",
            Column::Nationality => "nationality",
            Column::MigrationStatus => "migration_status",
            Column::Languages => "languages",
            Column::Phone => "phone",
            Column::Address => "address",
            Column::ExternalId => "external_id",
        }
    }

    /// Headers accepted for the column, folded (lower case, no accents, `_` for spaces).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::GivenName => &["given_name", "given_names", "first_name", "prenom", "prenoms", "nombre", "nombres"],
            Column::FamilyName => &["family_name", "family_names", "last_name", "surname", "nom", "nom_de_famille", "apellido", "apellidos"],
            Column::OtherNames => &["other_names", "aliases", "alias", "autres_noms", "surnoms", "otros_nombres", "apodos"],
            Column::DateOfBirth => &["date_of_birth", "birth_date", "dob", "date_de_naissance", "fecha_de_nacimiento"],
            Column::Age => &["age", "estimated_age", "age_estime", "edad", "edad_estimada"],
            Column::Sex => &["sex", "sexe", "sexo", "gender", "genre", "genero"],
            Column::Nationality => &["nationality", "nationalite", "nacionalidad"],
            Column::MigrationStatus => &["migration_status", "statut_migratoire", "situacion_migratoria"],
            Column::Languages => &["languages", "language", "langues", "langue", "idiomas", "idioma"],
            Column::Phone => &["phone", "telephone", "tel", "telefono", "mobile", "portable", "celular"],
            Column::Address => &["address", "adresse", "direccion", "domicile", "domicilio"],
            Column::ExternalId => &["external_id", "id", "file_number", "case_number", "numero_dossier", "identifiant", "numero_de_expediente", "identificador"],
        }
    }

    pub fn from_header(header: &str) -> Option<Column> {
        let key = fold(header).split_whitespace().collect::<Vec<_>>().join("_").replace('-', "_");
        Column::ALL.into_iter().find(|c| c.aliases().contains(&key.as_str()))
    }
}

/// One cell of a person row, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    /// Row number as the spreadsheet shows it.
    pub row: usize,
    /// (column, header as written, column letter, value) for every mapped column.
    pub cells: Vec<(Column, String, String, String)>,
}

impl PersonRow {
    pub fn get(&self, c: Column) -> &str {
        self.cells.iter().find(|(col, ..)| *col == c).map(|(_, _, _, v)| v.as_str()).unwrap_or("")
    }
    /// The header and letter of a column in this sheet, to name it in a message.
    pub fn place(&self, c: Column) -> Option<(String, String)> {
        self.cells.iter().find(|(col, ..)| *col == c).map(|(_, h, l, _)| (h.clone(), l.clone()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeopleSheet {
    pub rows: Vec<PersonRow>,
    /// Headers that name no known column (letter, header).
    pub unknown_columns: Vec<(String, String)>,
    /// Cells holding a spreadsheet error (#REF!, #N/A): (row, letter).
    pub cell_errors: Vec<(usize, String)>,
    pub encoding: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeopleSheetError {
    #[error("{0}")]
    Sheet(String),
    #[error("no column for the given name (given_name, prénom, nombre)")]
    NoGivenName,
    #[error("column {letter} ({header}) repeats column {first}")]
    DuplicateColumn { letter: String, header: String, first: String },
    #[error("the sheet is empty")]
    Empty,
}

impl PeopleSheetError {
    pub fn code(&self) -> &'static str {
        match self {
            PeopleSheetError::Sheet(_) => "unreadable",
            PeopleSheetError::NoGivenName => "no-given-name",
            PeopleSheetError::DuplicateColumn { .. } => "duplicate-column",
            PeopleSheetError::Empty => "empty",
        }
    }
}

fn sheet_error(e: SheetError) -> PeopleSheetError {
    PeopleSheetError::Sheet(e.to_string())
}

/// Reads a people sheet: `.xlsx` when the bytes are a workbook, else CSV in any encoding and
/// separator Excel writes. The first row with a recognised header is the header row.
pub fn read(bytes: &[u8]) -> Result<PeopleSheet, Vec<PeopleSheetError>> {
    let (rows, cell_errors, encoding) = if bytes.starts_with(b"PK\x03\x04") {
        let sheets = sheet::xlsx_sheets(bytes).map_err(|e| vec![sheet_error(e)])?;
        let first = sheets.into_iter().find(|s| s.rows.iter().any(|r| r.iter().any(|c| !c.trim().is_empty()))).ok_or(vec![PeopleSheetError::Empty])?;
        (first.rows, first.cell_errors, "xlsx")
    } else {
        let (rows, encoding, _) = sheet::csv_rows(bytes).map_err(|e| vec![sheet_error(e)])?;
        (rows, Vec::new(), encoding)
    };
    let header_idx = rows
        .iter()
        .take(10)
        .position(|r| r.iter().any(|c| Column::from_header(c).is_some()))
        .ok_or(vec![PeopleSheetError::NoGivenName])?;
    let header = &rows[header_idx];
    let mut out = PeopleSheet { encoding, ..Default::default() };
    let mut mapped: Vec<(usize, Column)> = Vec::new();
    let mut errors = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        if h.is_empty() {
            continue;
        }
        let letter = sheet::columns::column_letter(i);
        match Column::from_header(h) {
            Some(c) => match mapped.iter().find(|(_, m)| *m == c) {
                Some((first, _)) => errors.push(PeopleSheetError::DuplicateColumn { letter, header: h.to_string(), first: sheet::columns::column_letter(*first) }),
                None => mapped.push((i, c)),
            },
            None => out.unknown_columns.push((letter, h.to_string())),
        }
    }
    if !mapped.iter().any(|(_, c)| *c == Column::GivenName) {
        errors.push(PeopleSheetError::NoGivenName);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for (i, cells) in rows.iter().enumerate().skip(header_idx + 1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = i + 1;
        out.rows.push(PersonRow {
            row,
            cells: mapped
                .iter()
                .map(|(col, c)| (*c, header[*col].trim().to_string(), sheet::columns::column_letter(*col), cells.get(*col).map(|v| v.trim().to_string()).unwrap_or_default()))
                .collect(),
        });
    }
    out.cell_errors = cell_errors.into_iter().map(|(r, c)| (r, sheet::columns::column_letter(c))).collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_headers_semicolons_and_latin1() {
        let csv = "Prénom;Nom;Date de naissance;Téléphone;Numéro dossier;Remarque\nJosé;Pérez;1990-01-02;+509 3712 3456;A-17;x\n;;;;;\nAnaïs;;;;;\n";
        let bytes: Vec<u8> = csv.chars().map(|c| c as u32 as u8).collect();
        let s = read(&bytes).unwrap();
        assert_eq!(s.encoding, "windows-1252");
        assert_eq!(s.rows.len(), 2, "blank rows skipped");
        assert_eq!(s.rows[0].get(Column::GivenName), "José");
        assert_eq!(s.rows[0].get(Column::ExternalId), "A-17");
        assert_eq!(s.rows[1].row, 4, "row numbers as the sheet shows them");
        assert_eq!(s.unknown_columns, vec![("F".to_string(), "Remarque".to_string())]);
        assert_eq!(s.rows[0].place(Column::Phone), Some(("Téléphone".into(), "D".into())));
    }

    #[test]
    fn a_sheet_without_given_names_or_with_a_column_twice_is_refused() {
        assert_eq!(read(b"family_name,phone\nX,1\n").unwrap_err(), vec![PeopleSheetError::NoGivenName]);
        let e = read(b"given_name,prenom\nA,B\n").unwrap_err();
        assert_eq!(e[0].code(), "duplicate-column");
        assert!(read(b"").is_err());
    }

    #[test]
    fn spanish_headers_in_an_xlsx_with_a_title_row() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "Lista de personas").unwrap();
        for (c, h) in ["Nombre", "Apellidos", "Sexo", "Fecha de nacimiento"].iter().enumerate() {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        ws.write_string(2, 0, "Lucía").unwrap();
        ws.write_string(2, 1, "Fernández").unwrap();
        ws.write_string(2, 2, "female").unwrap();
        ws.write_number(2, 4, 1.0).unwrap();
        let s = read(&book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(s.rows.len(), 1);
        assert_eq!(s.rows[0].row, 3);
        assert_eq!(s.rows[0].get(Column::FamilyName), "Fernández");
    }
}
