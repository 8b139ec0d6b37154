//! `flagctl list`: the flags with type, owner, dates and state, filtered.

use super::{Flag, FlagState, FlagType, FlagsFile};
use chrono::NaiveDate;
use serde::Serialize;

/// Which flags to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only flags owned by this team.
    pub owner: Option<String>,
    /// Only flags of this type.
    pub flag_type: Option<FlagType>,
    /// Only flags past their expiry date.
    pub expired: bool,
    /// Only flags expiring within this many days (not yet expired).
    pub expiring: Option<u32>,
}

/// One row of the listing.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Flag key.
    pub key: String,
    /// Flag type.
    #[serde(rename = "type")]
    pub flag_type: Option<FlagType>,
    /// Owner.
    pub owner: Option<String>,
    /// `created`, when written.
    pub created: Option<NaiveDate>,
    /// `expires`, when written.
    pub expires: Option<NaiveDate>,
    /// Days until `expires` (negative when expired).
    pub days_left: Option<i64>,
    /// What the flag serves at a glance.
    #[serde(serialize_with = "crate::text::serialize_display")]
    pub state: FlagState,
    /// Description.
    pub description: Option<String>,
    /// With usage data: the last evaluation in production (`null` when the data holds
    /// none); absent without usage data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated: Option<Option<chrono::DateTime<chrono::Utc>>>,
}

/// The listing.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    /// "Today", which `days_left` counts from.
    #[serde(skip)]
    pub today: NaiveDate,
    /// The rows, in file order.
    pub flags: Vec<Row>,
}

/// The flags of `file` that pass `filter`, in file order.
pub fn listing(file: &FlagsFile, filter: &Filter, today: NaiveDate) -> Listing {
    let flags = file
        .flags
        .iter()
        .filter(|f| keep(f, filter, today))
        .map(|f| Row {
            key: f.key.clone(),
            flag_type: f.kind(),
            owner: f.owner.as_ref().map(|o| o.value.clone()),
            created: f.created.as_ref().map(|c| c.value),
            expires: f.expires.as_ref().map(|e| e.value),
            days_left: days_left(f, today),
            state: f.targeting.state(),
            description: f.description.as_ref().map(|d| d.value.clone()),
            last_evaluated: None,
        })
        .collect();
    Listing { today, flags }
}

fn days_left(f: &Flag, today: NaiveDate) -> Option<i64> {
    f.expires.as_ref().map(|e| (e.value - today).num_days())
}

fn keep(f: &Flag, filter: &Filter, today: NaiveDate) -> bool {
    let left = days_left(f, today);
    filter
        .owner
        .as_ref()
        .is_none_or(|o| f.owner.as_ref().is_some_and(|fo| &fo.value == o))
        && filter.flag_type.is_none_or(|t| f.kind() == Some(t))
        && (!filter.expired || left.is_some_and(|d| d < 0))
        && filter
            .expiring
            .is_none_or(|days| left.is_some_and(|d| d >= 0 && d <= i64::from(days)))
}
