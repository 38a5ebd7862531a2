//! Open Referral HSDS 3.0 objects, with the specification's field names, so that a directory
//! exported by Passerelle is read by any HSDS tool and an HSDS dataset is imported without loss.
//!
//! Every object keeps the fields this version of the code does not know in `extra`: a dataset
//! from a newer HSDS profile goes through an import and an export unchanged. Numbers are kept as
//! JSON numbers (`12` stays `12`, not `12.0`) for the same reason. A JSON `null` is read as an
//! absent field, which HSDS treats as the same thing.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Number, Value};

type Extra = Map<String, Value>;

/// `null` for a list is read as the empty list: several HSDS producers write it that way.
fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

macro_rules! hsds_object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
        lists { $( $(#[$lmeta:meta])* $list:ident : $lty:ty ),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            $(
                $(#[$lmeta])*
                #[serde(default, deserialize_with = "null_as_empty", skip_serializing_if = "Vec::is_empty")]
                pub $list: Vec<$lty>,
            )*
            /// Fields this version does not model, kept for a lossless round trip.
            #[serde(flatten)]
            pub extra: Extra,
        }
    };
}

/// HSDS service statuses. "Temporarily closed" services stay in the directory but are not
/// offered to a caseworker making a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, PartialOrd, Ord)]
pub enum ServiceStatus {
    #[default]
    #[serde(rename = "active")]
    Active,
    #[serde(rename = "inactive")]
    Inactive,
    #[serde(rename = "defunct")]
    Defunct,
    #[serde(rename = "temporarily closed")]
    TemporarilyClosed,
}

impl ServiceStatus {
    pub const ALL: [ServiceStatus; 4] = [
        ServiceStatus::Active,
        ServiceStatus::Inactive,
        ServiceStatus::Defunct,
        ServiceStatus::TemporarilyClosed,
    ];

    /// The HSDS value (`temporarily closed` has a space, as the specification writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceStatus::Active => "active",
            ServiceStatus::Inactive => "inactive",
            ServiceStatus::Defunct => "defunct",
            ServiceStatus::TemporarilyClosed => "temporarily closed",
        }
    }

    pub fn parse(value: &str) -> Option<ServiceStatus> {
        ServiceStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// HSDS `location_type` and `address_type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LocationType {
    #[default]
    Physical,
    Postal,
    Virtual,
}

/// The organisation that provides services (ministry unit, NGO, clinic, police ...).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(flatten)]
    pub fields: OrganizationFields,
}

hsds_object! {
    pub struct OrganizationFields {
        alternate_name: String,
        email: String,
        website: String,
        tax_status: String,
        tax_id: String,
        year_incorporated: Number,
        legal_status: String,
        logo: String,
        uri: String,
        parent_organization_id: String,
    }
    lists {
        funding: Funding,
        contacts: Contact,
        phones: Phone,
        locations: Location,
        programs: Program,
        organization_identifiers: OrganizationIdentifier,
        attributes: Attribute,
        metadata: Metadata,
        /// Present in the compiled `organization` schema (API responses).
        services: Service,
    }
}

/// Required fields are plain `String`s: a record without them is rejected at import.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub status: ServiceStatus,
    #[serde(flatten)]
    pub fields: ServiceFields,
}

hsds_object! {
    /// The optional part of a service, kept apart so the required fields stay typed.
    pub struct ServiceFields {
        organization_id: String,
        program_id: String,
        alternate_name: String,
        description: String,
        url: String,
        email: String,
        interpretation_services: String,
        application_process: String,
        fees_description: String,
        wait_time: String,
        fees: String,
        accreditations: String,
        eligibility_description: String,
        minimum_age: Number,
        maximum_age: Number,
        /// The date the entry was last checked: Passerelle's "verified on".
        assured_date: String,
        /// Who last checked it: Passerelle's "verified by".
        assurer_email: String,
        licenses: String,
        alert: String,
        last_modified: String,
        organization: Box<Organization>,
        program: Program,
    }
    lists {
        phones: Phone,
        schedules: Schedule,
        service_areas: ServiceArea,
        service_at_locations: ServiceAtLocation,
        languages: Language,
        funding: Funding,
        cost_options: CostOption,
        required_documents: RequiredDocument,
        contacts: Contact,
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Location {
    pub id: String,
    pub location_type: LocationType,
    #[serde(flatten)]
    pub fields: LocationFields,
}

hsds_object! {
    pub struct LocationFields {
        url: String,
        organization_id: String,
        name: String,
        alternate_name: String,
        description: String,
        transportation: String,
        latitude: Number,
        longitude: Number,
        external_identifier: String,
        external_identifier_type: String,
    }
    lists {
        languages: Language,
        addresses: Address,
        contacts: Contact,
        accessibility: Accessibility,
        phones: Phone,
        schedules: Schedule,
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ServiceAtLocation {
    pub id: String,
    #[serde(flatten)]
    pub fields: ServiceAtLocationFields,
}

hsds_object! {
    pub struct ServiceAtLocationFields {
        service_id: String,
        location_id: String,
        description: String,
        location: Box<Location>,
        /// Present in the compiled `service_at_location` schema (API responses).
        service: Box<Service>,
    }
    lists {
        contacts: Contact,
        phones: Phone,
        schedules: Schedule,
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Contact {
    pub id: String,
    #[serde(flatten)]
    pub fields: ContactFields,
}

hsds_object! {
    pub struct ContactFields {
        organization_id: String,
        service_id: String,
        service_at_location_id: String,
        location_id: String,
        name: String,
        title: String,
        department: String,
        email: String,
    }
    lists {
        phones: Phone,
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Phone {
    pub id: String,
    pub number: String,
    #[serde(flatten)]
    pub fields: PhoneFields,
}

hsds_object! {
    pub struct PhoneFields {
        location_id: String,
        service_id: String,
        organization_id: String,
        contact_id: String,
        service_at_location_id: String,
        extension: Number,
        /// `voice`, `fax`, `text`, `cell`, `video`, `pager`, `textphone`.
        r#type: String,
        description: String,
    }
    lists {
        languages: Language,
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Schedule {
    pub id: String,
    #[serde(flatten)]
    pub fields: ScheduleFields,
}

hsds_object! {
    /// A recurring opening period in the iCalendar style HSDS uses (`freq`, `byday`, ...).
    pub struct ScheduleFields {
        service_id: String,
        location_id: String,
        service_at_location_id: String,
        valid_from: String,
        valid_to: String,
        dtstart: String,
        timezone: Number,
        until: String,
        count: Number,
        wkst: String,
        freq: String,
        interval: Number,
        byday: String,
        byweekno: String,
        bymonthday: String,
        byyearday: String,
        description: String,
        opens_at: String,
        closes_at: String,
        schedule_link: String,
        attending_type: String,
        notes: String,
    }
    lists {
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Address {
    pub id: String,
    pub address_1: String,
    pub city: String,
    pub state_province: String,
    pub postal_code: String,
    pub country: String,
    pub address_type: LocationType,
    #[serde(flatten)]
    pub fields: AddressFields,
}

hsds_object! {
    pub struct AddressFields {
        location_id: String,
        attention: String,
        address_2: String,
        region: String,
    }
    lists {
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Language {
    pub id: String,
    #[serde(flatten)]
    pub fields: LanguageFields,
}

hsds_object! {
    pub struct LanguageFields {
        service_id: String,
        location_id: String,
        phone_id: String,
        name: String,
        /// ISO 639-1 or 639-3 code.
        code: String,
        note: String,
    }
    lists {
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Accessibility {
    pub id: String,
    #[serde(flatten)]
    pub fields: AccessibilityFields,
}

hsds_object! {
    pub struct AccessibilityFields {
        location_id: String,
        description: String,
        details: String,
        url: String,
    }
    lists {
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CostOption {
    pub id: String,
    #[serde(flatten)]
    pub fields: CostOptionFields,
}

hsds_object! {
    pub struct CostOptionFields {
        service_id: String,
        valid_from: String,
        valid_to: String,
        option: String,
        currency: String,
        amount: Number,
        amount_description: String,
    }
    lists {
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RequiredDocument {
    pub id: String,
    #[serde(flatten)]
    pub fields: RequiredDocumentFields,
}

hsds_object! {
    pub struct RequiredDocumentFields {
        service_id: String,
        document: String,
        uri: String,
    }
    lists {
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ServiceArea {
    pub id: String,
    #[serde(flatten)]
    pub fields: ServiceAreaFields,
}

hsds_object! {
    /// Where a service is offered. Passerelle writes its admin area code in `uri`, the field
    /// HSDS defines as "a persistent identifier to identify an area".
    pub struct ServiceAreaFields {
        service_id: String,
        name: String,
        description: String,
        extent: String,
        extent_type: String,
        uri: String,
    }
    lists {
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Attribute {
    pub id: String,
    #[serde(flatten)]
    pub fields: AttributeFields,
}

hsds_object! {
    /// A taxonomy term applied to an object: Passerelle's needs and protection attributes.
    pub struct AttributeFields {
        link_id: String,
        taxonomy_term_id: String,
        link_type: String,
        link_entity: String,
        value: String,
        taxonomy_term: TaxonomyTerm,
    }
    lists {
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaxonomyTerm {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(flatten)]
    pub fields: TaxonomyTermFields,
}

hsds_object! {
    pub struct TaxonomyTermFields {
        code: String,
        parent_id: String,
        taxonomy: String,
        taxonomy_detail: Taxonomy,
        language: String,
        taxonomy_id: String,
        term_uri: String,
    }
    lists {
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Taxonomy {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(flatten)]
    pub fields: TaxonomyFields,
}

hsds_object! {
    pub struct TaxonomyFields {
        uri: String,
        version: String,
    }
    lists {
        metadata: Metadata,
    }
}

/// A change record. All its fields are required by HSDS.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Metadata {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    pub last_action_date: String,
    pub last_action_type: String,
    pub field_name: String,
    pub previous_value: String,
    pub replacement_value: String,
    pub updated_by: String,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Funding {
    pub id: String,
    #[serde(flatten)]
    pub fields: FundingFields,
}

hsds_object! {
    pub struct FundingFields {
        organization_id: String,
        service_id: String,
        source: String,
    }
    lists {
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Program {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(flatten)]
    pub fields: ProgramFields,
}

hsds_object! {
    pub struct ProgramFields {
        organization_id: String,
        alternate_name: String,
    }
    lists {
        attributes: Attribute,
        metadata: Metadata,
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OrganizationIdentifier {
    pub id: String,
    pub identifier_type: String,
    pub identifier: String,
    #[serde(flatten)]
    pub fields: OrganizationIdentifierFields,
}

hsds_object! {
    pub struct OrganizationIdentifierFields {
        organization_id: String,
        identifier_scheme: String,
    }
    lists {
        attributes: Attribute,
        metadata: Metadata,
    }
}
