//! Stage 3, deciding: the counted combinations through the duplicates
//! policy and the crosswalks (status groups, lift outcomes), into every
//! table of the results, with areas, events and population beside them,
//! request types side by side and the time to lift.
//!
//! Takes in: the [`Scan`](super::count::scan::Scan) and the [`Inputs`].
//! Gives out: [`summary::RecordResults`].

pub(crate) mod areas;
pub(crate) mod duplicates;
pub(crate) mod events;
pub(crate) mod lift_times;
pub(crate) mod outcomes;
pub(crate) mod population;
pub(crate) mod status;
pub(crate) mod summary;
pub(crate) mod tally;

use crate::records::select::request_types::RequestTypes;
use events::Event;
use outcomes::LiftOutcomes;
use population::PopulationTable;
use status::StatusCrosswalk;

/// Every table a run reads besides the record files, each a parameter with
/// a bundled default ([`Inputs::bundled`]): the status crosswalk, the lift
/// outcomes, the policy events and the population table.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Record fields to the article's status groups
    /// (`data/crosswalk/status_groups.csv`).
    pub status: StatusCrosswalk,
    /// Lift reasons to outcome classes (`data/crosswalk/lift_outcomes.csv`).
    pub lift_outcomes: LiftOutcomes,
    /// Policy events (`data/context/events.csv`).
    pub events: Vec<Event>,
    /// Noncitizen population per area (`data/context/aor_population.csv`).
    pub population: PopulationTable,
    /// Forms to kinds of request (`data/crosswalk/request_types.csv`).
    pub request_types: RequestTypes,
}

impl Inputs {
    /// The bundled tables.
    pub fn bundled() -> Self {
        Inputs {
            status: StatusCrosswalk::bundled(),
            lift_outcomes: LiftOutcomes::bundled(),
            events: events::bundled_events(),
            population: PopulationTable::bundled(),
            request_types: RequestTypes::bundled(),
        }
    }
}

impl Default for Inputs {
    fn default() -> Self {
        Inputs::bundled()
    }
}
