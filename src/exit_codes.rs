//! The exit codes (listed in `docs/contract.md`).

use std::process::ExitCode;

/// A usage error found after parsing (exit 2). The message names the flag and what is accepted.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The process exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Exit {
    /// 0: success.
    Success = 0,
    /// 1: run error (unreadable input, database or cache failure, I/O).
    RunError = 1,
    /// 2: usage error.
    Usage = 2,
    /// 3: some rows invalid (`validate`; `run --fail-on invalid`).
    Invalid = 3,
    /// 4: a `--fail-on noncompliant|danger` gate tripped.
    Gate = 4,
}

impl Exit {
    /// Every code, in order.
    pub const ALL: [Exit; 5] = [
        Exit::Success,
        Exit::RunError,
        Exit::Usage,
        Exit::Invalid,
        Exit::Gate,
    ];

    /// What the code means.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "success",
            Exit::RunError => {
                "run error (unreadable input, database or cache failure, I/O); nothing half-written"
            }
            Exit::Usage => "usage error",
            Exit::Invalid => "some rows invalid (`validate`; `run --fail-on invalid`)",
            Exit::Gate => "a `--fail-on noncompliant` or `--fail-on danger` gate tripped",
        }
    }

    /// The numeric code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn codes_match_the_contract() {
        assert_eq!(
            [
                Exit::Success,
                Exit::RunError,
                Exit::Usage,
                Exit::Invalid,
                Exit::Gate
            ]
            .map(Exit::code),
            [0, 1, 2, 3, 4]
        );
    }
}
