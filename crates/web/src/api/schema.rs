//! The building blocks of the OpenAPI document that utoipa's derive cannot state by itself: ids
//! and their patterns, the value lists (taken from the domain's own lists, so the document cannot
//! drift from what the handlers accept) and the string rules of free text (docs/API.md "Errors,
//! limits and the OpenAPI document"). Each is a named component that the handlers' annotations
//! refer to.

use crate::error::{AppError, Code};
use gureum_domain::account::{OrgKind, Role};
use gureum_domain::{CsapGrade, ServiceKind, ServiceStatus};
use serde_json::{Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

/// A UUID as every id of the API is written: hyphenated, either case.
pub const UUID_PATTERN: &str = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$";

/// The characters Unicode calls White_Space (what Rust's `str::trim` removes), as a regex class
/// body; a regex engine's `\s` differs between engines.
macro_rules! white_space {
    () => {
        "\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
    };
}

/// A service code (서비스 코드): the kind's prefix, a class of one or two digits, a subclass of two
/// and a serial of five to seven, e.g. `SAS-4-09-10374`.
macro_rules! service_code {
    () => {
        "(IAS|PAS|SAS|DAS|SUP|CNV)-[0-9]{1,2}-[0-9]{2}-[0-9]{5,7}"
    };
}

pub const SERVICE_CODE_PATTERN: &str = concat!("^", service_code!(), "$");

/// A service code in a body, where text is trimmed and a blank one counts as absent.
pub const SERVICE_CODE_INPUT_PATTERN: &str =
    concat!("^[", white_space!(), "]*$|^[", white_space!(), "]*", service_code!(), "[", white_space!(), "]*$");

/// Holds at least one character that is not white space: text is trimmed before it is checked,
/// so a required text of spaces alone is missing.
pub const NOT_BLANK: &str = concat!("[^", white_space!(), "]");

/// An e-mail address as `Email::parse` accepts it, kept to ASCII so that its length limits (in
/// bytes there) are the same in characters: a local part of 1–64 characters, `@`, and a domain
/// with a dot that neither starts nor ends it.
pub const EMAIL_PATTERN: &str = "^[!-?A-~]{1,64}@[!-\\-/-?A-~][!-?A-~]*\\.[!-?A-~]*[!-\\-/-?A-~]$";

/// The name of a form field: other fields than the documented ones are ignored, but a name with
/// a control character (tab aside) cannot be read from a multipart header at all (400
/// `invalid_body`).
pub fn form_field_name() -> Value {
    json!({"type": "string", "pattern": "^[^\\u0000-\\u0008\\u000a-\\u001f\\u007f]*$"})
}

/// Reads a UUID from a path: 400 `invalid_id` unless it is hyphenated as [`UUID_PATTERN`] says;
/// the lower-case form is what the database stores.
pub fn uuid_path(raw: &str, what: &str) -> Result<String, AppError> {
    gureum_app::ids::hyphenated_uuid(raw)
        .ok_or_else(|| AppError::new(Code::InvalidId, format!("{what} id is a UUID such as 0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6f")))
}

/// A hand-written schema from its JSON form. The forms below are fixed and tested to read back
/// unchanged, so the fallback (an unconstrained schema) is never taken.
pub fn from_json(v: Value) -> RefOr<Schema> {
    serde_json::from_value(v).unwrap_or_else(|_| RefOr::T(Schema::default()))
}

/// A string of 1–`max` characters that is not blank.
pub fn text(max: usize) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max, "pattern": NOT_BLANK})
}

/// A string of at most `max` characters, or null; blank counts as absent.
pub fn opt_text(max: usize) -> Value {
    json!({"type": ["string", "null"], "maxLength": max})
}

/// A `$ref` to a component.
pub fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// `null` allowed beside a schema's type (JSON Schema 2020-12, as OpenAPI 3.1 uses it).
pub fn or_null(mut v: Value) -> Value {
    if let Some(t) = v.get("type").cloned() {
        let mut types = match t {
            Value::Array(a) => a,
            other => vec![other],
        };
        if !types.contains(&json!("null")) {
            types.push(json!("null"));
        }
        v["type"] = Value::Array(types);
    }
    v
}

pub fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

/// Declares a named component whose schema is the given JSON; `uses` names the components its
/// `$ref`s point to, so that they are in the document too.
macro_rules! component {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $schema:expr $(, uses [$($dep:ty),* $(,)?])?) => {
        $(#[$doc])*
        pub struct $ty;

        impl $ty {
            /// The schema as written.
            pub fn json() -> serde_json::Value {
                $schema
            }
        }

        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::api::schema::from_json(Self::json())
            }
        }

        impl utoipa::ToSchema for $ty {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }

            #[allow(unused_variables)]
            fn schemas(out: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
                $($(
                    out.push((<$dep as utoipa::ToSchema>::name().into_owned(), <$dep as utoipa::PartialSchema>::schema()));
                    <$dep as utoipa::ToSchema>::schemas(out);
                )*)?
            }
        }
    };
}
pub(crate) use component;

component!(
    /// Any id of the API but a service's.
    Uuid,
    "Uuid",
    json!({"type": "string", "format": "uuid", "pattern": UUID_PATTERN, "description": "A UUID, hyphenated"})
);

component!(
    /// How a path names a service: its id or its code.
    ServiceKeyText,
    "ServiceKey",
    json!({
        "type": "string",
        "pattern": format!("({})|({})", UUID_PATTERN, SERVICE_CODE_PATTERN),
        "description": "The service id (a UUID) or its service code (e.g. SAS-4-09-10374)"
    })
);

component!(
    ServiceCodeText,
    "ServiceCode",
    json!({"type": "string", "pattern": SERVICE_CODE_PATTERN, "description": "e.g. SAS-4-09-10374"})
);

component!(
    ServiceKindName,
    "ServiceKind",
    json!({"type": "string", "enum": names(&ServiceKind::ALL, ServiceKind::as_str), "description": "서비스 유형"})
);

component!(
    ServiceStatusName,
    "ServiceStatus",
    json!({"type": "string", "enum": names(&ServiceStatus::ALL, ServiceStatus::as_str), "description": "A service's status (docs/RULES.md#statuses)"})
);

component!(CsapGradeName, "CsapGrade", json!({"type": "string", "enum": names(&CsapGrade::ALL, CsapGrade::as_str)}));

component!(
    CertTypeName,
    "CertType",
    json!({"type": "string", "enum": names(&gureum_domain::cert::CertType::ALL, gureum_domain::cert::CertType::as_str), "description": "CSAP certification type"})
);

component!(
    SupplierSizeName,
    "SupplierSize",
    json!({"type": "string", "enum": names(&gureum_domain::listing::SupplierSize::ALL, gureum_domain::listing::SupplierSize::as_str), "description": "small and medium are SMEs (중소기업)"})
);

component!(OrgKindName, "OrgKind", json!({"type": "string", "enum": names(&OrgKind::ALL, OrgKind::as_str)}));

component!(RoleName, "Role", json!({"type": "string", "enum": names(&Role::ALL, Role::as_str)}));

component!(
    LanguageName,
    "Language",
    json!({"type": "string", "enum": names(&gureum_domain::account::Language::ALL, gureum_domain::account::Language::as_str), "description": "The language a person reads Gureum in: its pages signed in and its e-mails"})
);

/// The statuses of an organisation and a person, as the storage layer names them.
pub const ORG_STATUSES: [&str; 3] = ["pending", "approved", "rejected"];
pub const USER_STATUSES: [&str; 3] = ["invited", "active", "disabled"];
/// The states of one revision of a service.
pub const REVISION_STATES: [&str; 6] = ["draft", "submitted", "in_review", "listed", "rejected", "superseded"];

component!(OrgStatusName, "OrgStatus", json!({"type": "string", "enum": ORG_STATUSES}));
component!(UserStatusName, "UserStatus", json!({"type": "string", "enum": USER_STATUSES}));
component!(RevisionStateName, "RevisionState", json!({"type": "string", "enum": REVISION_STATES}));
component!(DocTypeName, "DocType", json!({"type": "string", "pattern": "^[a-z][a-z0-9_]{1,39}$"}));

component!(
    /// A file as it is sent or downloaded.
    Binary,
    "Binary",
    json!({"type": "string", "format": "binary"})
);

/// Any JSON value, null included (a listing field's value before or after a change, an audit
/// event's state). Written with the builder: a JSON form without `type` would read as an object.
pub struct AnyValue;

impl utoipa::PartialSchema for AnyValue {
    fn schema() -> RefOr<Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType};
        ObjectBuilder::new().schema_type(SchemaType::AnyValue).description(Some("Any JSON value")).into()
    }
}

impl utoipa::ToSchema for AnyValue {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("AnyValue")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use utoipa::PartialSchema;

    /// The served schema is the JSON as written: nothing was dropped or changed in reading it.
    pub(crate) fn as_written(schema: RefOr<Schema>, written: Value) {
        assert_eq!(serde_json::to_value(schema).expect("serialise"), written);
    }

    #[test]
    fn components_are_served_as_written() {
        as_written(Uuid::schema(), Uuid::json());
        as_written(ServiceKeyText::schema(), ServiceKeyText::json());
        as_written(ServiceKindName::schema(), ServiceKindName::json());
        as_written(OrgStatusName::schema(), OrgStatusName::json());
        as_written(Binary::schema(), Binary::json());
        as_written(AnyValue::schema(), json!({"description": "Any JSON value"}));
        assert_eq!(ServiceKindName::json()["enum"], json!(["iaas", "paas", "saas", "daas", "support", "convergence"]));
    }

    #[test]
    fn listed_statuses_are_the_storage_layers() {
        for s in ORG_STATUSES {
            assert_eq!(gureum_storage::OrgStatus::parse(s).map(|x| x.as_str()), Some(s));
        }
        for s in USER_STATUSES {
            assert_eq!(gureum_storage::UserStatus::parse(s).map(|x| x.as_str()), Some(s));
        }
        for s in REVISION_STATES {
            assert_eq!(gureum_storage::RevisionState::parse(s).map(|x| x.as_str()), Some(s));
        }
    }

    #[test]
    fn uuids_in_paths() {
        assert_eq!(uuid_path("0190F5C2-7B1E-7D3A-9C4E-2A1B3C4D5E6F", "a").as_deref(), Ok("0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6f"));
        for bad in
            ["0", "0190f5c27b1e7d3a9c4e2a1b3c4d5e6f", "{0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6f}", "0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6g"]
        {
            assert_eq!(uuid_path(bad, "a").err().map(|e| e.code.as_str()), Some("invalid_id"), "{bad}");
        }
    }

    #[test]
    fn the_code_pattern_names_the_domains_prefixes() {
        let prefixes: Vec<&str> = ServiceKind::ALL.iter().map(|k| k.code_prefix()).collect();
        assert_eq!(SERVICE_CODE_PATTERN, format!("^({})-[0-9]{{1,2}}-[0-9]{{2}}-[0-9]{{5,7}}$", prefixes.join("|")));
    }
}
