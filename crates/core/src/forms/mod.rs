//! The form engine: XLSForm forms (the format KoboToolbox, ODK and pyxform use) read into a
//! [`Form`], one expression language for skip logic, constraints and calculations, and the
//! validation of a submitted answers document.
//!
//! - [`xlsform`]: `.xlsx` or CSV bytes -> [`Form`], with every problem of the sheet at once.
//! - [`expr`]: parse and evaluate `relevant`, `constraint`, `calculation`, ...
//! - [`validate`]: a [`Form`] and answers JSON -> cleaned answers and every error.

pub mod diff;
pub mod expr;
pub mod model;
pub mod sample;
pub mod validate;
pub mod xlsform;

pub use model::{
    Bind, Choice, DEFAULT_LANG, Field, FieldType, Form, Group, Item, Language, Repeat, Text,
};
