//! How much follow-up a detainer needs before its outcome is read: the cut
//! date and the days asked for.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How much follow-up a detainer needs to count in the `followed_up`
/// denominator: ICE updates records after the fact, so a recent detainer can
/// look open only because its outcome is not recorded yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpOptions {
    /// The data's cut date; `None` takes the latest prepare date read.
    pub as_of: Option<NaiveDate>,
    /// Days between the prepare date and the cut date a detainer needs.
    pub days: u32,
}

/// The default follow-up: 180 days.
pub const FOLLOW_UP_DAYS: u32 = 180;

impl Default for FollowUpOptions {
    fn default() -> Self {
        FollowUpOptions {
            as_of: None,
            days: FOLLOW_UP_DAYS,
        }
    }
}
