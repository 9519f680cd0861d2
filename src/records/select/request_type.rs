//! Which request types to read: a detainer request asks a jail to hold a
//! person, a request for notification only to be told of a release, so an
//! honored share means something only among hold requests. The choice is
//! applied after the duplicates policy, by `decide::summary`, to the kinds
//! the crosswalk in [`super::request_types`] gives.

use crate::error::{Error, Result};
use crate::records::select::request_types::RequestKind;
use serde::{Deserialize, Serialize};

/// The request types a run reads (`--request-type`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestChoice {
    /// Hold requests when every file says which is which (it has
    /// `request_type` or `detainer_type`, and some row used is classed),
    /// else every request.
    #[default]
    Auto,
    /// Detainer requests only (I-247A, I-247D, the older I-247).
    Hold,
    /// Requests for notification of release only (I-247N, I-247G).
    Notification,
    /// Every request, whatever its type.
    All,
}

impl RequestChoice {
    /// Every choice, as the command line lists them.
    pub const ALL: [RequestChoice; 4] = [
        RequestChoice::Auto,
        RequestChoice::Hold,
        RequestChoice::Notification,
        RequestChoice::All,
    ];

    /// The choice as the command line writes it.
    pub fn name(self) -> &'static str {
        match self {
            RequestChoice::Auto => "auto",
            RequestChoice::Hold => "hold",
            RequestChoice::Notification => "notification",
            RequestChoice::All => "all",
        }
    }
}

impl RequestChoice {
    /// Whether a row of `kind` is read under this choice (`auto` before
    /// it is decided reads every row).
    pub(crate) fn accepts(self, kind: RequestKind) -> bool {
        match self {
            RequestChoice::Auto | RequestChoice::All => true,
            RequestChoice::Hold => kind == RequestKind::Hold,
            RequestChoice::Notification => kind == RequestKind::Notification,
        }
    }
}

impl std::str::FromStr for RequestChoice {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        RequestChoice::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| {
                Error::Argument(format!(
                    "unknown request type '{s}'; use hold, notification, all or auto"
                ))
            })
    }
}
