//! Why a record is not used: one type for the reasons, with their keys, labels
//! and order, shared by both engines, the summary and the tables.

/// Why a row of a record file is not used. Every row read is either used or
/// given exactly one reason: the first, in this order, that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exclusion {
    /// The row has fewer fields than the header, or its last field is empty
    /// (the release's last column, `row_original`, is never empty); fields
    /// past the header's width are ignored, as polars does.
    ShortRow,
    /// `detainer_prepare_date` is empty or `NA`.
    MissingDate,
    /// `detainer_prepare_date` is not a date in one of the forms read
    /// (`records/read/dates.rs`).
    UnparseableDate,
    /// `detainer_prepare_date` is a date outside the window a detainer file
    /// can plausibly hold (2007-01-01 to
    /// 2099-12-31).
    ImplausibleDate,
    /// The date is outside the chosen period.
    OutsideDates,
    /// The area of responsibility is not the chosen one.
    OutsideAor,
    /// The facility state is not the chosen one.
    OutsideState,
    /// The facility city is not the chosen one.
    OutsideCity,
    /// The facility is not the chosen one.
    OutsideFacility,
    /// The release flags the row as a likely duplicate, and the duplicates
    /// policy ([`Duplicates`](crate::records::Duplicates)) does not use it.
    DuplicateLikely,
    /// The row's request type is not the one chosen (`--request-type`,
    /// decided after the duplicates policy).
    OtherRequestType,
}

impl Exclusion {
    /// The exclusion for a row outside a filtered place.
    pub(crate) fn outside(place: crate::records::select::filters::Place) -> Exclusion {
        use crate::records::select::filters::Place;
        match place {
            Place::Aor => Exclusion::OutsideAor,
            Place::State => Exclusion::OutsideState,
            Place::City => Exclusion::OutsideCity,
            Place::Facility => Exclusion::OutsideFacility,
        }
    }

    /// Every reason, in the order they are tested.
    pub const ALL: [Exclusion; 11] = [
        Exclusion::ShortRow,
        Exclusion::MissingDate,
        Exclusion::UnparseableDate,
        Exclusion::ImplausibleDate,
        Exclusion::OutsideDates,
        Exclusion::OutsideAor,
        Exclusion::OutsideState,
        Exclusion::OutsideCity,
        Exclusion::OutsideFacility,
        Exclusion::DuplicateLikely,
        Exclusion::OtherRequestType,
    ];

    /// The key used in `results.json` (`rows_excluded`) and in tables.
    pub fn key(self) -> &'static str {
        match self {
            Exclusion::ShortRow => "short_row",
            Exclusion::MissingDate => "missing_date",
            Exclusion::UnparseableDate => "unparseable_date",
            Exclusion::ImplausibleDate => "implausible_date",
            Exclusion::OutsideDates => "outside_dates",
            Exclusion::OutsideAor => "outside_aor",
            Exclusion::OutsideState => "outside_state",
            Exclusion::OutsideCity => "outside_city",
            Exclusion::OutsideFacility => "outside_facility",
            Exclusion::DuplicateLikely => "duplicate_likely",
            Exclusion::OtherRequestType => "other_request_type",
        }
    }

    /// The reason in a few words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Exclusion::ShortRow => "fewer fields than the header",
            Exclusion::MissingDate => "no prepare date",
            Exclusion::UnparseableDate => "prepare date not in a form read",
            Exclusion::ImplausibleDate => "prepare date before 2007 or after 2099",
            Exclusion::OutsideDates => "outside the period",
            Exclusion::OutsideAor => "outside the area",
            Exclusion::OutsideState => "outside the state",
            Exclusion::OutsideCity => "outside the city",
            Exclusion::OutsideFacility => "outside the facility",
            Exclusion::DuplicateLikely => "likely duplicate",
            Exclusion::OtherRequestType => "another request type",
        }
    }

    /// The code the engines count rows under: 0 for a used row, else 1 + the
    /// reason's place in [`Exclusion::ALL`].
    pub(crate) fn code(self) -> u8 {
        Exclusion::ALL
            .iter()
            .position(|r| *r == self)
            .map_or(0, |i| i as u8 + 1)
    }

    /// The reason of a code; `None` for 0 (a used row) or an unknown code.
    pub(crate) fn from_code(code: u8) -> Option<Exclusion> {
        Exclusion::ALL
            .get(usize::from(code).checked_sub(1)?)
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_keys_and_order_round_trip() {
        for (i, r) in Exclusion::ALL.iter().enumerate() {
            assert_eq!(r.code(), i as u8 + 1);
            assert_eq!(Exclusion::from_code(r.code()), Some(*r));
        }
        assert_eq!(Exclusion::from_code(0), None);
        assert_eq!(Exclusion::from_code(12), None);
        assert_eq!(Exclusion::OutsideAor.key(), "outside_aor");
        let mut sorted = Exclusion::ALL;
        sorted.sort();
        assert_eq!(
            sorted,
            Exclusion::ALL,
            "the order of testing is the order of the type"
        );
    }
}
