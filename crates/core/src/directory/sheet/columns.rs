//! Which column holds what: headers are matched in French, English and Spanish, whatever the
//! accents, case, punctuation or a hint in brackets ("Téléphone (avec indicatif)"). A yes/no
//! column named after a protection attribute ("Gratuit", "Open to migrants") sets that
//! attribute. A team with its own headers adds them with [`ColumnMapping::with`].

use std::collections::HashMap;

use serde::Serialize;

use crate::directory::taxonomy::Taxonomy;
use crate::directory::text::fold;

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "field", content = "code")]
pub enum Field {
    OrganizationName,
    ServiceName,
    Description,
    Needs,
    Areas,
    Address,
    City,
    PostalCode,
    Country,
    Phone,
    Email,
    Url,
    Schedule,
    Languages,
    /// A list of protection attributes.
    Attributes,
    /// A yes/no column for one protection attribute (its code).
    Flag(String),
    Eligibility,
    RequiredDocuments,
    Fees,
    ApplicationProcess,
    Status,
    LastVerified,
    VerifiedBy,
    Capacity,
    MinimumAge,
    MaximumAge,
    Latitude,
    Longitude,
    ContactName,
}

impl Field {
    /// A stable name for messages and the web layer (`phone`, `flag:free_of_charge`, ...).
    pub fn code(&self) -> String {
        let s = match self {
            Field::OrganizationName => "organization_name",
            Field::ServiceName => "service_name",
            Field::Description => "description",
            Field::Needs => "needs",
            Field::Areas => "areas",
            Field::Address => "address",
            Field::City => "city",
            Field::PostalCode => "postal_code",
            Field::Country => "country",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::Url => "url",
            Field::Schedule => "schedule",
            Field::Languages => "languages",
            Field::Attributes => "attributes",
            Field::Flag(code) => return format!("flag:{code}"),
            Field::Eligibility => "eligibility",
            Field::RequiredDocuments => "required_documents",
            Field::Fees => "fees",
            Field::ApplicationProcess => "application_process",
            Field::Status => "status",
            Field::LastVerified => "last_verified",
            Field::VerifiedBy => "verified_by",
            Field::Capacity => "capacity",
            Field::MinimumAge => "minimum_age",
            Field::MaximumAge => "maximum_age",
            Field::Latitude => "latitude",
            Field::Longitude => "longitude",
            Field::ContactName => "contact_name",
        };
        s.to_string()
    }

    /// Columns a service sheet cannot do without.
    pub const REQUIRED: [Field; 3] = [Field::OrganizationName, Field::ServiceName, Field::Needs];
}

/// Header synonyms per field, in French, English and Spanish.
const SYNONYMS: &[(Field, &[&str])] = &[
    (Field::OrganizationName, &[
        "organisation", "organization", "organisation name", "organization name", "nom de l'organisation",
        "nom de la structure", "structure", "organisme", "agence", "agency", "partenaire", "partner", "ONG", "NGO",
        "organización", "nombre de la organización", "entidad", "institución", "agencia", "socio", "institution",
    ]),
    (Field::ServiceName, &[
        "nom du service", "service", "intitulé du service", "prestation", "service name", "name of service",
        "nombre del servicio", "servicio",
    ]),
    (Field::Description, &["description", "description du service", "service description", "descripción", "descripción del servicio", "détails", "details"]),
    (Field::Needs, &[
        "besoins", "besoin", "besoins couverts", "type de service", "catégorie", "categorie de service", "secteur", "domaine",
        "needs", "need", "category", "service type", "sector", "necesidades", "necesidad", "categoría", "tipo de servicio",
    ]),
    (Field::Areas, &[
        "zone", "zones", "zone d'intervention", "zone géographique", "commune", "communes", "région", "quartier", "paroisse", "localité",
        "area", "areas", "coverage area", "region", "municipality", "parish", "district", "locality",
        "área", "zona", "zonas", "zona de cobertura", "municipio", "región", "parroquia", "barrio", "localidad",
    ]),
    (Field::Address, &["adresse", "adresse physique", "address", "street address", "dirección", "domicilio"]),
    (Field::City, &["ville", "city", "town", "ciudad", "pueblo"]),
    (Field::PostalCode, &["code postal", "postal code", "zip", "zip code", "código postal"]),
    (Field::Country, &["pays", "country", "país"]),
    (Field::Phone, &[
        "téléphone", "tél", "tel", "numéro de téléphone", "contact téléphonique", "portable", "phone", "telephone",
        "phone number", "mobile", "teléfono", "número de teléfono", "celular", "whatsapp",
    ]),
    (Field::Email, &["email", "e-mail", "courriel", "adresse email", "adresse e-mail", "mail", "email address", "correo", "correo electrónico"]),
    (Field::Url, &["site web", "site internet", "lien", "website", "web", "url", "link", "sitio web", "página web"]),
    (Field::Schedule, &[
        "horaires", "horaire", "heures d'ouverture", "horaires d'ouverture", "jours et heures", "hours", "opening hours", "schedule",
        "horario", "horarios", "horario de atención",
    ]),
    (Field::Languages, &["langues", "langue", "langues parlées", "languages", "language", "languages spoken", "idiomas", "idioma", "idiomas hablados"]),
    (Field::Attributes, &[
        "critères", "critères de protection", "attributs", "caractéristiques", "attributes", "protection attributes",
        "atributos", "criterios de protección", "características",
    ]),
    (Field::Eligibility, &[
        "éligibilité", "critères d'éligibilité", "conditions d'accès", "public cible", "eligibility", "target group",
        "who can use it", "elegibilidad", "población meta", "requisitos", "público",
    ]),
    (Field::RequiredDocuments, &[
        "documents requis", "documents demandés", "pièces à fournir", "required documents", "documents needed",
        "documentos requeridos", "documentos necesarios",
    ]),
    (Field::Fees, &["coût", "tarif", "tarifs", "frais", "prix", "fees", "cost", "price", "costo", "precio", "tarifa"]),
    (Field::ApplicationProcess, &[
        "procédure d'accès", "comment accéder", "modalités d'accès", "accès", "application process", "how to access",
        "proceso de solicitud", "cómo acceder", "acceso",
    ]),
    (Field::Status, &["statut", "état", "status", "estado"]),
    (Field::LastVerified, &[
        "date de vérification", "vérifié le", "dernière vérification", "last verified", "verified on", "date verified",
        "fecha de verificación", "verificado el", "última verificación",
    ]),
    (Field::VerifiedBy, &["vérifié par", "verified by", "verificado por"]),
    (Field::Capacity, &["capacité", "places", "nombre de places", "lits", "capacity", "beds", "capacidad", "plazas", "camas"]),
    (Field::MinimumAge, &["âge minimum", "age min", "minimum age", "min age", "edad mínima"]),
    (Field::MaximumAge, &["âge maximum", "age max", "maximum age", "max age", "edad máxima"]),
    (Field::Latitude, &["latitude", "lat", "latitud"]),
    (Field::Longitude, &["longitude", "lon", "lng", "long", "longitud"]),
    (Field::ContactName, &[
        "personne de contact", "contact", "point focal", "responsable", "contact person", "focal point",
        "persona de contacto", "punto focal",
    ]),
];

/// Header -> field. Built from the synonyms above, the protection attributes taxonomy and any
/// headers a team adds.
#[derive(Debug, Clone)]
pub struct ColumnMapping {
    by_header: HashMap<String, Field>,
    protection: Taxonomy,
}

impl ColumnMapping {
    /// The fr/en/es synonyms, with yes/no columns for the given protection attributes.
    pub fn standard(protection: &Taxonomy) -> ColumnMapping {
        let mut by_header = HashMap::new();
        for (field, headers) in SYNONYMS {
            for h in *headers {
                by_header.insert(fold(h), field.clone());
            }
        }
        ColumnMapping { by_header, protection: protection.clone() }
    }

    /// Adds (or overrides) a header for a field.
    pub fn with(mut self, header: &str, field: Field) -> ColumnMapping {
        self.by_header.insert(fold(header), field);
        self
    }

    /// The field of a header, if it is known.
    pub fn field(&self, header: &str) -> Option<Field> {
        let folded = fold(header);
        if let Some(f) = self.by_header.get(&folded) {
            return Some(f.clone());
        }
        // A hint in brackets or after a colon does not change the column's meaning:
        // "Téléphone (avec indicatif)", "Gratuit ? (oui/non)", "Besoins: codes".
        let bare = fold(strip_hint(header));
        if let Some(f) = self.by_header.get(&bare) {
            return Some(f.clone());
        }
        self.protection.resolve(&bare).map(|t| Field::Flag(t.code.clone()))
    }
}

fn strip_hint(header: &str) -> &str {
    let cut = header.find(['(', '[', ':', '?', '*']).unwrap_or(header.len());
    header[..cut].trim()
}

/// The spreadsheet name of a 0-based column: A, B, ..., Z, AA, AB, ...
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping() -> ColumnMapping {
        ColumnMapping::standard(Taxonomy::protection())
    }

    #[test]
    fn headers_in_three_languages() {
        let m = mapping();
        assert_eq!(m.field("Nom du service"), Some(Field::ServiceName));
        assert_eq!(m.field("Service name"), Some(Field::ServiceName));
        assert_eq!(m.field("Nombre del servicio"), Some(Field::ServiceName));
        assert_eq!(m.field("TÉLÉPHONE"), Some(Field::Phone));
        assert_eq!(m.field("Teléfono (con código)"), Some(Field::Phone));
        assert_eq!(m.field("  horaires d'ouverture "), Some(Field::Schedule));
        assert_eq!(m.field("Heures d’ouverture"), Some(Field::Schedule));
        assert_eq!(m.field("Besoins*"), Some(Field::Needs));
        assert_eq!(m.field("Colour"), None);
    }

    #[test]
    fn protection_attribute_columns_become_flags() {
        let m = mapping();
        assert_eq!(m.field("Gratuit ? (oui/non)"), Some(Field::Flag("free_of_charge".into())));
        assert_eq!(m.field("Open to migrants"), Some(Field::Flag("open_to_migrants".into())));
        assert_eq!(m.field("Accesible en silla de ruedas"), Some(Field::Flag("wheelchair_accessible".into())));
    }

    #[test]
    fn teams_add_their_own_headers() {
        let m = mapping().with("Tel. du point focal", Field::Phone).with("Service", Field::Description);
        assert_eq!(m.field("tel du point focal"), Some(Field::Phone));
        assert_eq!(m.field("Service"), Some(Field::Description));
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        assert_eq!(Field::Flag("confidential".into()).code(), "flag:confidential");
    }
}
