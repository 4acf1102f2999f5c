//! Renderings of the same data: JSON Lines events (the `--json` contract) and the terminal
//! timeline and tables.

pub mod ci;
pub mod html;
pub mod json;
pub mod terminal;
