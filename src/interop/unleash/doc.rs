//! The Unleash client features document (`GET /api/client/features`, version 2): what
//! SDK bootstrap and offline modes, Unleash Edge and Unleash's engine load. Fields are
//! written in a fixed order and maps are sorted, so exports diff well.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClientFeatures {
    /// Always 2.
    pub version: u32,
    /// Features, sorted by name.
    pub features: Vec<Feature>,
    /// Segments, sorted by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<Segment>,
}

/// One feature flag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Feature {
    /// The flag key.
    pub name: String,
    /// `release`, `experiment`, `operational`, `permission` or `kill-switch`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub feature_type: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was created (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Off for everyone when false (absent in an Unleash export, where it is per
    /// environment).
    #[serde(default)]
    pub enabled: bool,
    /// Marked for removal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<bool>,
    /// Whether SDKs emit impression events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impression_data: Option<bool>,
    /// The Unleash project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Strategies, in evaluation order: the first that matches decides the variant.
    #[serde(default)]
    pub strategies: Vec<Strategy>,
    /// Feature-level variants, hashed with the feature's name.
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// Parent features this one depends on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<serde_json::Value>,
}

/// One activation strategy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Strategy {
    /// `default`, `flexibleRollout`, ...
    pub name: String,
    /// Position in the feature's list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<i64>,
    /// `rollout`, `stickiness`, `groupId`, ... (values are strings).
    #[serde(default, deserialize_with = "string_map")]
    pub parameters: BTreeMap<String, String>,
    /// All must hold.
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// Ids of segments whose constraints must all hold too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<i64>,
    /// Variants served when this strategy is the first to match.
    #[serde(default)]
    pub variants: Vec<Variant>,
}

/// One constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Constraint {
    /// The context field.
    pub context_name: String,
    /// `IN`, `NOT_IN`, `STR_CONTAINS`, ...
    pub operator: String,
    /// For list operators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    /// For single-value operators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// For string operators.
    #[serde(default)]
    pub case_insensitive: bool,
    /// Negates the result.
    #[serde(default)]
    pub inverted: bool,
}

/// A reusable list of constraints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Referenced by strategies.
    pub id: i64,
    /// Shown in Unleash's UI (absent from client documents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// All must hold.
    #[serde(default)]
    pub constraints: Vec<Constraint>,
}

/// A variant, at feature or strategy level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    /// Its name.
    pub name: String,
    /// Relative weight: Unleash's engine divides by the sum.
    pub weight: i64,
    /// `variable` or `fix` (server-side bookkeeping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_type: Option<String>,
    /// The context field that buckets (feature-level variants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stickiness: Option<String>,
    /// The value it carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Payload>,
    /// Context values pinned to this variant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<serde_json::Value>,
}

/// A typed value carried by a variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// `string`, `number`, `json` or `csv`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The value as text.
    pub value: String,
}

/// Unleash writes parameters as strings, but hand-written documents use numbers too.
fn string_map<'de, D>(d: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw: Option<BTreeMap<String, serde_json::Value>> = Option::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => return None,
                other => other.to_string(),
            };
            Some((k, text))
        })
        .collect())
}
