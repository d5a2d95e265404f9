//! The one error of reading the configuration: a value that could not be used, named by its
//! variable or flag.

use std::ffi::OsString;

/// A configuration value that could not be used; the message names the variable or flag.
#[derive(Debug, thiserror::Error)]
#[error("invalid {source_name}: {message}")]
pub struct ConfigError {
    /// The variable (or flag) the value came from, e.g. `NAP_BIND` or `--bind`.
    pub source_name: String,
    /// What is wrong with it.
    pub message: String,
}

impl ConfigError {
    /// The configuration error a command-line parse `error` stands for: a value of one of the
    /// [`ConfigFlags`] that its parser refused, named by its flag when `args` give the flag, else
    /// by its variable. `None` for any other error (clap explains those itself).
    pub fn from_clap(error: &clap::Error, command: &clap::Command, args: &[OsString]) -> Option<Self> {
        use clap::error::{ContextKind, ContextValue, ErrorKind};
        if error.kind() != ErrorKind::ValueValidation {
            return None;
        }
        let Some(ContextValue::String(argument)) = error.get(ContextKind::InvalidArg) else {
            return None;
        };
        // `--bind <BIND>`
        let flag = argument.split_whitespace().next()?;
        let variable = command
            .get_arguments()
            .find(|arg| {
                arg.get_long()
                    .is_some_and(|long| flag.strip_prefix("--") == Some(long))
            })?
            .get_env()?
            .to_str()?;
        let given = args
            .iter()
            .filter_map(|arg| arg.to_str())
            .any(|arg| arg == flag || arg.strip_prefix(flag).is_some_and(|rest| rest.starts_with('=')));
        Some(Self {
            source_name: if given { flag } else { variable }.to_owned(),
            message: std::error::Error::source(error)?.to_string(),
        })
    }
}
