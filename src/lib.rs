//! casefile: find the evidence of one customer failure across many services' logs.
//!
//! Data flows one way: [`source`] (files, stdin) -> [`parse`] (dialects, timestamps, ids) ->
//! [`correlate`] (ids followed across services) -> [`report`] (terminal, JSON Lines).
//! [`config`] is the only module that knows the command line.

pub mod baseline;
pub mod bundle;
pub mod cli;
pub mod cluster;
pub mod commands;
pub mod config;
pub mod correlate;
pub mod known_issues;
pub mod model;
pub mod parse;
pub mod redact;
pub mod remote;
pub mod report;
pub mod signatures;
pub mod source;
#[cfg(test)]
mod testutil;
pub mod when;
