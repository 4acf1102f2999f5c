//! Renderings of the same data: JSON Lines events (the `--json` contract) and the terminal
//! timeline and tables.

pub mod ci;
pub mod html;
pub mod json;
pub mod terminal;
pub mod width;

use crate::correlate::TracedEvent;
use crate::redact::Redactor;

/// An event as it may be shown or written: its text, message, id values and the id that
/// brought it in go through the redactor (the one pass every output shares: terminal,
/// `--json`, the bundle).
pub fn redact_traced(r: &Redactor, t: &mut TracedEvent) {
    let e = &mut t.event;
    e.raw = r.redact(&e.raw).into_owned();
    e.message = r.redact(&e.message).into_owned();
    for v in e.ids.values_mut() {
        *v = r.redact(v).into_owned();
    }
    if let Some(v) = &mut t.via {
        v.id = r.redact(&v.id).into_owned();
    }
}
