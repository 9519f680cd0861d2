//! Showing values in a notebook (evcxr): key numbers as JSON for tools with a
//! sentence for people, and a `Debug` display for any other value.

use serde::Serialize;

/// The evcxr display of a key-numbers value: its JSON (read by
/// scripts/check_notebooks.py) and one sentence as plain text.
pub(crate) fn json_and_sentence<T: Serialize>(value: &T, sentence: &str) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    format!(
        "EVCXR_BEGIN_CONTENT application/json\n{json}\nEVCXR_END_CONTENT\n\
         EVCXR_BEGIN_CONTENT text/plain\n{sentence}\nEVCXR_END_CONTENT\n"
    )
}

/// Shows any value without a display of its own as its `Debug` text.
///
/// evcxr shows a cell's last value by first compiling the cell with a call to
/// the value's `evcxr_display` method, and compiling it a second time with
/// `Debug` output when the type has none: a count or a tuple cost two
/// compiles. With this trait in scope (it is in the prelude), every `Debug`
/// value has the method, so every cell compiles once. Types with their own
/// `evcxr_display` (figures, tables, key numbers) keep it: an inherent method
/// is found before a trait's.
pub trait ShowAsText {
    /// Print the value's `Debug` text as the cell's plain-text output.
    fn evcxr_display(&self);
}

impl<T: std::fmt::Debug + ?Sized> ShowAsText for T {
    fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT text/plain\n{self:?}\nEVCXR_END_CONTENT");
    }
}
