//! One spreadsheet row to one HSDS service, checking every cell and reporting every problem.

use chrono::NaiveDate;
use serde_json::Number;

use super::{Cell, Field, SheetContext, SheetError, same_service_key};
use crate::directory::hours;
use crate::directory::hsds::{
    Address, AddressFields, Contact, ContactFields, Language, LanguageFields, Location, LocationFields, LocationType,
    Organization, Phone, RequiredDocument, RequiredDocumentFields, Service, ServiceAtLocation, ServiceAtLocationFields,
    ServiceStatus,
};
use crate::directory::ids::stable_uuid;
use crate::directory::import::is_web_address;
use crate::directory::profile;
use crate::directory::taxonomy::Taxonomy;
use crate::directory::text::fold;
use crate::validate::is_email;

/// The service of a row and the key that makes two rows the same service; or every problem.
pub(super) fn build(
    fields: &[(usize, Field)],
    cell: &dyn Fn(usize) -> Cell,
    ctx: &SheetContext<'_>,
) -> Result<(Service, String), Vec<SheetError>> {
    let mut errors = Vec::new();
    let get = |f: &Field| fields.iter().find(|(_, x)| x == f).map(|(i, _)| cell(*i));
    let value = |f: &Field| get(f).map(|c| c.value).unwrap_or_default();
    for f in Field::REQUIRED {
        if let Some(c) = get(&f)
            && c.value.is_empty()
        {
            errors.push(SheetError::Required { at: c });
        }
    }
    let org_name = value(&Field::OrganizationName);
    let service_name = value(&Field::ServiceName);

    // Areas first: they are part of what makes the row one service.
    let mut areas: Vec<(String, String)> = Vec::new();
    if let Some(c) = get(&Field::Areas) {
        for part in split_list(&c.value) {
            if ctx.areas.is_empty() {
                areas.push((part.to_string(), part.to_string()));
            } else if let Some(a) =
                ctx.areas.iter().find(|a| a.id.eq_ignore_ascii_case(part) || fold(&a.name) == fold(part))
            {
                areas.push((a.id.clone(), a.name.clone()));
            } else {
                errors.push(SheetError::UnknownArea { at: Cell { value: part.to_string(), ..c.clone() } });
            }
        }
    }
    let area_key: Vec<&str> = areas.iter().map(|(id, _)| id.as_str()).collect();
    let address = value(&Field::Address);
    let city = value(&Field::City);
    let key = same_service_key(&[&org_name, &service_name, &address, &city, &area_key.join(",")]);
    let id = stable_uuid("passerelle-sheet-service", &key);
    let org_key = fold(&org_name);
    let org_id = stable_uuid("passerelle-sheet-organization", &org_key);

    let mut s = Service { id: id.clone(), name: service_name.clone(), status: ServiceStatus::Active, ..Default::default() };
    s.fields.organization_id = Some(org_id.clone());
    s.fields.organization =
        Some(Box::new(Organization { id: org_id.clone(), name: org_name.clone(), description: String::new(), ..Default::default() }));
    for (area_id, name) in &areas {
        profile::add_area(&mut s, area_id, name);
    }

    for (col, field) in fields {
        let c = cell(*col);
        if c.value.is_empty() {
            continue;
        }
        let v = c.value.clone();
        match field {
            Field::OrganizationName | Field::ServiceName | Field::Areas | Field::Address | Field::City => {}
            Field::PostalCode | Field::Country | Field::Latitude | Field::Longitude => {}
            Field::Description => s.fields.description = Some(v),
            Field::Eligibility => s.fields.eligibility_description = Some(v),
            Field::ApplicationProcess => s.fields.application_process = Some(v),
            Field::Needs | Field::Attributes => {
                let taxonomy =
                    if *field == Field::Needs { ctx.vocabulary.needs } else { ctx.vocabulary.protection };
                let (codes, unknown) = terms(taxonomy, &v);
                for code in codes {
                    profile::add_code(&mut s, taxonomy, &code, ctx.lang);
                }
                for part in unknown {
                    errors.push(SheetError::UnknownTerm { at: Cell { value: part, ..c.clone() } });
                }
            }
            Field::Flag(code) => match yes_no(&v) {
                Some(true) => {
                    profile::add_code(&mut s, ctx.vocabulary.protection, code, ctx.lang);
                }
                Some(false) => {}
                None => errors.push(SheetError::BadFlag { at: c }),
            },
            Field::Phone => match phones(&v) {
                Some(numbers) => {
                    for n in numbers {
                        s.fields.phones.push(Phone {
                            id: stable_uuid("passerelle-sheet-phone", &format!("{id}/{n}")),
                            number: n,
                            ..Default::default()
                        });
                    }
                }
                None => errors.push(SheetError::BadPhone { at: c }),
            },
            Field::Email => {
                let e = v.to_lowercase();
                if is_email(&e) {
                    s.fields.email = Some(e);
                } else {
                    errors.push(SheetError::BadEmail { at: c });
                }
            }
            Field::VerifiedBy => {
                let e = v.to_lowercase();
                if is_email(&e) {
                    s.fields.assurer_email = Some(e);
                } else {
                    errors.push(SheetError::BadEmail { at: c });
                }
            }
            Field::Url => match web_address(&v) {
                Some(u) => s.fields.url = Some(u),
                None => errors.push(SheetError::BadUrl { at: c }),
            },
            Field::Schedule => match hours::parse(&v) {
                Ok(periods) => s.fields.schedules = hours::to_schedules(&periods, &id, &v),
                Err(e) => errors.push(SheetError::BadSchedule { at: c, reason: e.to_string() }),
            },
            Field::Languages => {
                for part in split_list(&v) {
                    match language(part) {
                        Some(code) => s.fields.languages.push(Language {
                            id: stable_uuid("passerelle-sheet-language", &format!("{id}/{code}")),
                            fields: LanguageFields {
                                service_id: Some(id.clone()),
                                code: Some(code.to_string()),
                                name: Some(part.to_string()),
                                ..Default::default()
                            },
                        }),
                        None => errors.push(SheetError::BadLanguage { at: Cell { value: part.to_string(), ..c.clone() } }),
                    }
                }
            }
            Field::RequiredDocuments => {
                if matches!(fold(&v).as_str(), "aucun" | "none" | "ninguno" | "ningun" | "non" | "no" | "rien" | "nada") {
                    profile::add_code(&mut s, ctx.vocabulary.protection, "no_documents_required", ctx.lang);
                } else {
                    for (i, doc) in v.split([';', '\n']).map(str::trim).filter(|d| !d.is_empty()).enumerate() {
                        s.fields.required_documents.push(RequiredDocument {
                            id: stable_uuid("passerelle-sheet-document", &format!("{id}/{i}")),
                            fields: RequiredDocumentFields {
                                service_id: Some(id.clone()),
                                document: Some(doc.to_string()),
                                ..Default::default()
                            },
                        });
                    }
                }
            }
            Field::Fees => {
                if matches!(fold(&v).as_str(), "gratuit" | "free" | "gratis" | "gratuito" | "0" | "aucun" | "none" | "free of charge") {
                    profile::add_code(&mut s, ctx.vocabulary.protection, "free_of_charge", ctx.lang);
                }
                s.fields.fees_description = Some(v);
            }
            Field::Status => match status(&v) {
                Some(st) => s.status = st,
                None => errors.push(SheetError::BadStatus { at: c }),
            },
            Field::LastVerified => match date(&v) {
                Some(d) => s.fields.assured_date = Some(d.format("%Y-%m-%d").to_string()),
                None => errors.push(SheetError::BadDate { at: c }),
            },
            Field::Capacity => match v.parse::<u32>() {
                Ok(n) => {
                    let updated = format!("{}T00:00:00Z", ctx.today.format("%Y-%m-%d"));
                    profile::set_capacity(&mut s, "places", n, None, &updated);
                }
                Err(_) => errors.push(SheetError::BadNumber { at: c }),
            },
            Field::MinimumAge | Field::MaximumAge => match v.parse::<u32>() {
                Ok(n) if n <= 130 => {
                    if *field == Field::MinimumAge {
                        s.fields.minimum_age = Some(n.into());
                    } else {
                        s.fields.maximum_age = Some(n.into());
                    }
                }
                _ => errors.push(SheetError::BadNumber { at: c }),
            },
            Field::ContactName => s.fields.contacts.push(Contact {
                id: stable_uuid("passerelle-sheet-contact", &format!("{id}/{v}")),
                fields: ContactFields { service_id: Some(id.clone()), name: Some(v), ..Default::default() },
            }),
        }
    }

    // The place: an address, coordinates, or both.
    let coord = |f: Field, limit: f64, errors: &mut Vec<SheetError>| -> Option<Number> {
        let c = get(&f)?;
        if c.value.is_empty() {
            return None;
        }
        match c.value.replace(',', ".").parse::<f64>() {
            Ok(x) if x.abs() <= limit => Number::from_f64(x),
            _ => {
                errors.push(SheetError::BadNumber { at: c });
                None
            }
        }
    };
    let latitude = coord(Field::Latitude, 90.0, &mut errors);
    let longitude = coord(Field::Longitude, 180.0, &mut errors);
    if !address.is_empty() || !city.is_empty() || latitude.is_some() || longitude.is_some() {
        let loc_id = stable_uuid("passerelle-sheet-location", &id);
        let mut location = Location {
            id: loc_id.clone(),
            location_type: LocationType::Physical,
            fields: LocationFields {
                organization_id: Some(org_id),
                name: Some(service_name.clone()),
                latitude,
                longitude,
                ..Default::default()
            },
        };
        if !address.is_empty() || !city.is_empty() {
            let country = value(&Field::Country);
            location.fields.addresses.push(Address {
                id: stable_uuid("passerelle-sheet-address", &loc_id),
                address_1: address,
                city,
                state_province: String::new(),
                postal_code: value(&Field::PostalCode),
                country: if country.is_empty() { ctx.country.to_string() } else { country },
                address_type: LocationType::Physical,
                fields: AddressFields { location_id: Some(loc_id.clone()), ..Default::default() },
            });
        }
        s.fields.service_at_locations.push(ServiceAtLocation {
            id: stable_uuid("passerelle-sheet-service-at-location", &id),
            fields: ServiceAtLocationFields {
                service_id: Some(id.clone()),
                location_id: Some(loc_id),
                location: Some(Box::new(location)),
                ..Default::default()
            },
        });
    }

    if let (Some(min), Some(max)) = (&s.fields.minimum_age, &s.fields.maximum_age)
        && min.as_u64() > max.as_u64()
        && let Some(c) = get(&Field::MaximumAge)
    {
        errors.push(SheetError::BadNumber { at: c });
    }
    if errors.is_empty() { Ok((s, key)) } else { Err(errors) }
}

/// The terms of a list cell. Labels may hold commas ("État civil (actes de naissance, pièces
/// d'identité)"), so a whole cell or `;`-separated item is tried before splitting it further.
fn terms(taxonomy: &Taxonomy, v: &str) -> (Vec<String>, Vec<String>) {
    let (mut codes, mut unknown) = (Vec::new(), Vec::new());
    if let Some(t) = taxonomy.resolve(v) {
        return (vec![t.code.clone()], unknown);
    }
    for item in v.split([';', '|', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        if let Some(t) = taxonomy.resolve(item) {
            codes.push(t.code.clone());
            continue;
        }
        for part in split_list(item) {
            match taxonomy.resolve(part) {
                Some(t) => codes.push(t.code.clone()),
                None => unknown.push(part.to_string()),
            }
        }
    }
    (codes, unknown)
}

/// Items of a list cell: separated by `;`, `,`, `/`, `|` or new lines.
fn split_list(v: &str) -> impl Iterator<Item = &str> {
    v.split([';', ',', '|', '\n', '/']).map(str::trim).filter(|p| !p.is_empty())
}

fn yes_no(v: &str) -> Option<bool> {
    match fold(v).as_str() {
        "oui" | "yes" | "si" | "x" | "1" | "true" | "vrai" | "o" | "y" | "s" | "verdadero" => Some(true),
        "non" | "no" | "0" | "false" | "faux" | "n" | "falso" => Some(false),
        _ if v.trim() == "✓" || v.trim() == "✔" => Some(true),
        _ => None,
    }
}

/// The phone numbers of a cell ("+509 3456-7890 / 2222 3333", "115"), or `None` if any is not
/// a number. Short numbers are allowed: national hotlines have three or four digits.
fn phones(v: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let spaced = format!(" {} ", v.replace('\n', " ; "));
    let normalised = [" ou ", " or ", " o ", " / ", ";", ","].iter().fold(spaced, |s, sep| s.replace(sep, "\u{1f}"));
    for part in normalised.split('\u{1f}').map(str::trim).filter(|p| !p.is_empty()) {
        let digits = part.chars().filter(char::is_ascii_digit).count();
        // A "+" may only open the number, possibly inside a bracket: "(+33) 1 23 45 67 89".
        let plus_ok = part.find('+').is_none_or(|i| part[..i].chars().all(|c| c == '(' || c == ' '))
            && part.matches('+').count() <= 1;
        let allowed = plus_ok
            && part.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '/' | '+'));
        if !allowed || !(3..=15).contains(&digits) {
            return None;
        }
        out.push(part.to_string());
    }
    if out.is_empty() { None } else { Some(out) }
}

/// A web address; "www.example.org" is taken as https.
fn web_address(v: &str) -> Option<String> {
    let v = v.trim();
    let candidate = if v.contains("://") { v.to_string() } else { format!("https://{v}") };
    let host_has_dot = url::Url::parse(&candidate).ok().and_then(|u| u.host_str().map(|h| h.contains('.'))).unwrap_or(false);
    (is_web_address(&candidate) && host_has_dot && !v.contains(' ')).then_some(candidate)
}

fn status(v: &str) -> Option<ServiceStatus> {
    Some(match fold(v).as_str() {
        "active" | "actif" | "active e" | "activo" | "ouvert" | "open" | "abierto" | "en service" => ServiceStatus::Active,
        "inactive" | "inactif" | "inactivo" | "closed" | "ferme" | "cerrado" => ServiceStatus::Inactive,
        "temporarily closed" | "ferme temporairement" | "temporairement ferme" | "suspendu" | "suspended"
        | "cerrado temporalmente" | "temporalmente cerrado" | "suspendido" => ServiceStatus::TemporarilyClosed,
        "defunct" | "ferme definitivement" | "definitivement ferme" | "n existe plus" | "cerrado definitivamente"
        | "ya no existe" => ServiceStatus::Defunct,
        _ => return None,
    })
}

/// A date as field teams write it: ISO, or day first (15/03/2026, 15.03.2026, 15-03-2026).
fn date(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    let day = v.get(..10).filter(|d| d.len() == 10 && v.as_bytes().get(4) == Some(&b'-')).unwrap_or(v);
    ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(day, f).ok())
}

/// ISO 639 code of a language named by its code or its name in French, English or Spanish
/// (and the endonyms field teams use).
fn language(v: &str) -> Option<&'static str> {
    const LANGUAGES: &[(&str, &[&str])] = &[
        ("fr", &["fr", "fra", "fre", "francais", "french", "frances"]),
        ("en", &["en", "eng", "anglais", "english", "ingles"]),
        ("es", &["es", "spa", "espagnol", "spanish", "espanol", "castellano"]),
        ("ar", &["ar", "ara", "arabe", "arabic", "darija", "arabe dialectal"]),
        ("ht", &["ht", "hat", "creole", "creole haitien", "kreyol", "kreyol ayisyen", "haitian creole", "criollo", "criollo haitiano"]),
        ("pt", &["pt", "por", "portugais", "portuguese", "portugues"]),
        ("wo", &["wo", "wol", "wolof"]),
        ("ff", &["ff", "ful", "peul", "pulaar", "fula", "fulani"]),
        ("bm", &["bm", "bam", "bambara"]),
        ("ti", &["ti", "tir", "tigrinya", "tigrigna"]),
        ("am", &["am", "amh", "amharique", "amharic", "amarico"]),
        ("so", &["so", "som", "somali"]),
        ("ps", &["ps", "pus", "pachto", "pashto", "pastun"]),
        ("fa", &["fa", "fas", "per", "persan", "farsi", "persian", "dari", "persa"]),
        ("ur", &["ur", "urd", "ourdou", "urdu"]),
        ("bn", &["bn", "ben", "bengali", "bangla"]),
        ("uk", &["uk", "ukr", "ukrainien", "ukrainian", "ucraniano"]),
        ("ru", &["ru", "rus", "russe", "russian", "ruso"]),
        ("zh", &["zh", "zho", "chi", "chinois", "chinese", "chino", "mandarin"]),
        ("it", &["it", "ita", "italien", "italian", "italiano"]),
        ("de", &["de", "deu", "ger", "allemand", "german", "aleman"]),
        ("tr", &["tr", "tur", "turc", "turkish", "turco"]),
        ("ku", &["ku", "kur", "kurde", "kurdish", "kurdo"]),
        ("ln", &["ln", "lin", "lingala"]),
        ("sw", &["sw", "swa", "swahili", "kiswahili"]),
        ("ha", &["ha", "hau", "haoussa", "hausa"]),
        ("tzm", &["tzm", "ber", "berbere", "tamazight", "amazigh", "berber"]),
        ("sgn", &["sgn", "langue des signes", "sign language", "lengua de senas"]),
    ];
    let f = fold(v);
    LANGUAGES.iter().find(|(_, names)| names.contains(&f.as_str())).map(|(code, _)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_cells() {
        assert_eq!(phones("+509 3456-7890 / 2222 3333").unwrap(), vec!["+509 3456-7890", "2222 3333"]);
        assert_eq!(phones("115").unwrap(), vec!["115"]);
        assert_eq!(phones("01 23 45 67 89 ou 06 11 22 33 44").unwrap().len(), 2);
        assert_eq!(phones("(+33) 1.23.45.67.89").unwrap().len(), 1);
        assert!(phones("call Marie").is_none());
        assert!(phones("12").is_none());
        assert!(phones("33+1234567").is_none());
        assert!(phones("1234567890123456").is_none());
    }

    #[test]
    fn other_cells() {
        assert_eq!(web_address("www.example.org").as_deref(), Some("https://www.example.org"));
        assert_eq!(web_address("http://ngo.example/x").as_deref(), Some("http://ngo.example/x"));
        assert_eq!(web_address("facebook page"), None);
        assert_eq!(web_address("localhost"), None);
        assert_eq!(yes_no("Oui"), Some(true));
        assert_eq!(yes_no("sí"), Some(true));
        assert_eq!(yes_no("✓"), Some(true));
        assert_eq!(yes_no("No"), Some(false));
        assert_eq!(yes_no("maybe"), None);
        assert_eq!(status("Fermé temporairement"), Some(ServiceStatus::TemporarilyClosed));
        assert_eq!(status("Activo"), Some(ServiceStatus::Active));
        assert_eq!(status("Cerrado definitivamente"), Some(ServiceStatus::Defunct));
        assert_eq!(status("busy"), None);
        let d = NaiveDate::from_ymd_opt(2026, 3, 15);
        assert_eq!(date("2026-03-15"), d);
        assert_eq!(date("15/03/2026"), d);
        assert_eq!(date("15.03.2026"), d);
        assert_eq!(date("2026-03-15T10:00:00"), d);
        assert_eq!(date("March 15"), None);
        assert_eq!(date("31/02/2026"), None);
        assert_eq!(language("Kreyòl"), Some("ht"));
        assert_eq!(language("Español"), Some("es"));
        assert_eq!(language("ARABE"), Some("ar"));
        assert_eq!(language("Klingon"), None);
        let (codes, unknown) = terms(Taxonomy::needs(), "État civil (actes de naissance, pièces d'identité); VBG, astrologie");
        assert_eq!(codes, vec!["legal_aid_civil_documentation", "gbv"]);
        assert_eq!(unknown, vec!["astrologie"]);
        assert_eq!(split_list("gbv; health, food / shelter").collect::<Vec<_>>(), vec!["gbv", "health", "food", "shelter"]);
    }
}
