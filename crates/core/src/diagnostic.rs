//! A problem in a file an administrator wrote (an SOP, an indicator definition), named by file,
//! line, column and field, with a stable code the web layer translates.

use serde::Serialize;
use std::fmt;

/// An error kind that has a stable, kebab-case code.
pub trait Coded: fmt::Display {
    fn code(&self) -> &'static str;
}

/// One problem in one file, where it is. Lines and columns count from 1; `field` is a path
/// such as `steps[2].deadline.high` (arrays counted from 0, in the file's order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic<E> {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub field: String,
    pub error: E,
}

impl<E: Coded> Diagnostic<E> {
    pub fn code(&self) -> &'static str {
        self.error.code()
    }
}

impl<E: Coded> fmt::Display for Diagnostic<E> {
    /// `file:line:column: field: message [code]`, the shape editors and terminals link.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}: {} [{}]", self.file, self.line, self.column, self.field, self.error, self.code())
    }
}

impl<E: Coded> Serialize for Diagnostic<E> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Diagnostic", 6)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("column", &self.column)?;
        st.serialize_field("field", &self.field)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("message", &self.error.to_string())?;
        st.end()
    }
}
