//! A form's fields as data ([`FieldSpec`], [`GroupSpec`]) and as the page shows them ([`Field`]:
//! value as typed, errors, `aria-describedby`). `templates/hr/_field.html` renders a [`Field`].

use jobboard_domain::markdown;
use jobboard_domain::postings::validation::ValidationErrors;

use super::parse_date;

/// What kind of control a field is.
#[derive(Clone, Copy)]
pub enum Input {
    Text,
    /// A number that may have a decimal comma.
    Decimal,
    /// A whole number.
    Integer,
    Date,
    Email,
    Url,
    Tel,
    Markdown,
    /// `(code, label)` of every choice.
    Select(fn() -> Vec<(&'static str, &'static str)>),
}

/// One field of a form's table.
#[derive(Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub required: bool,
    pub input: Input,
}

/// A fieldset of a form's table.
pub struct GroupSpec {
    pub legend: &'static str,
    pub fields: &'static [FieldSpec],
}

/// A field as the page shows it.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub required: bool,
    pub input: Input,
    pub value: String,
    pub errors: Vec<String>,
    /// `aria-describedby`: help and error ids.
    pub described_by: String,
    /// Rendered Markdown when the preview was asked for.
    pub preview_html: String,
}

impl Field {
    /// The field of `spec` showing `value` (as typed) and its `errors`. A date that reads is
    /// shown in ISO form, the only one a date control accepts as its value.
    pub fn new(spec: &FieldSpec, value: &str, errors: &ValidationErrors, preview: bool) -> Self {
        let errs: Vec<String> = errors.for_field(spec.name).map(str::to_owned).collect();
        let mut ids = Vec::new();
        if !spec.help.is_empty() {
            ids.push(format!("h-{}", spec.name));
        }
        if !errs.is_empty() {
            ids.push(format!("e-{}", spec.name));
        }
        let value = match spec.input {
            Input::Date => parse_date(value).map_or_else(|| value.to_owned(), |d| d.to_string()),
            _ => value.to_owned(),
        };
        let preview_html =
            if preview && matches!(spec.input, Input::Markdown) && !value.trim().is_empty() {
                markdown::render(&value)
            } else {
                String::new()
            };
        Self {
            name: spec.name,
            label: spec.label,
            help: spec.help,
            required: spec.required,
            input: spec.input,
            value,
            errors: errs,
            described_by: ids.join(" "),
            preview_html,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self.input {
            Input::Text | Input::Decimal | Input::Integer => "text",
            Input::Date => "date",
            Input::Email => "email",
            Input::Url => "url",
            Input::Tel => "tel",
            Input::Markdown => "textarea",
            Input::Select(_) => "select",
        }
    }

    pub fn options(&self) -> Vec<(&'static str, &'static str)> {
        match self.input {
            Input::Select(options) => options(),
            _ => Vec::new(),
        }
    }

    pub fn is_selected(&self, code: &str) -> bool {
        self.value == code
    }

    /// `inputmode` for the on-screen keyboard of number fields; "" for others.
    pub fn inputmode(&self) -> &'static str {
        match self.input {
            Input::Decimal => "decimal",
            Input::Integer => "numeric",
            _ => "",
        }
    }
}

pub struct Group {
    pub legend: &'static str,
    pub fields: Vec<Field>,
}

/// The fieldsets of `table`, each field showing `value(name)` and its errors.
pub fn groups<'v>(
    table: &[GroupSpec],
    value: impl Fn(&str) -> &'v str,
    errors: &ValidationErrors,
    preview: bool,
) -> Vec<Group> {
    table
        .iter()
        .map(|g| Group {
            legend: g.legend,
            fields: g
                .fields
                .iter()
                .map(|spec| Field::new(spec, value(spec.name), errors, preview))
                .collect(),
        })
        .collect()
}

/// `(code, label)` of every value of a vocabulary, for a [`Input::Select`].
pub fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|&v| (code(v), label(v))).collect()
}
