//! What git history says about each flag ([`Facts`]): when it was introduced and by
//! whom, when its evaluation fields last changed, how often its `expires` moved later.

use crate::changes::FileHistory;
use crate::changes::RawFile;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// The commit that introduced a flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Introduced {
    /// Commit date.
    pub date: NaiveDate,
    /// Abbreviated commit id.
    pub commit: String,
    /// Author name.
    pub author: String,
}

/// What git history says about one flag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagFacts {
    /// The commit that introduced the flag (`None` for a flag not committed yet).
    pub introduced: Option<Introduced>,
    /// When its evaluation fields last changed: a commit date, or today for a change
    /// not committed yet.
    pub last_change: Option<NaiveDate>,
    /// How many commits moved `expires` later.
    pub expires_pushed: u32,
}

/// What git history says about every flag, or why it cannot say.
#[derive(Debug, Clone)]
pub enum Facts {
    /// History was read.
    Available(HashMap<String, FlagFacts>),
    /// No history: the sentence says why (not a repository, shallow clone, ...).
    Unavailable(String),
}

impl Facts {
    /// Derives per-flag facts from the file's history. `working` is the working-tree
    /// version when it may differ from the history's starting commit: a flag whose
    /// evaluation fields differ there changed "today", and a flag missing from the
    /// history is new and uncommitted.
    pub fn from_history(
        history: &FileHistory,
        working: Option<&RawFile>,
        today: NaiveDate,
    ) -> Facts {
        let mut out = HashMap::new();
        for (key, h) in &history.flags {
            let date = |i: Option<usize>| i.and_then(|i| history.commit(i));
            let mut facts = FlagFacts {
                introduced: date(h.introduced).map(|c| Introduced {
                    date: c.date,
                    commit: c.short.clone(),
                    author: c.author.clone(),
                }),
                last_change: date(h.last_evaluation_change).map(|c| c.date),
                expires_pushed: h.expires_pushed,
            };
            if let (Some(work), Some(latest)) = (working, &h.latest) {
                if let Some(now) = work.get(key) {
                    if !now.same_evaluation(latest) {
                        facts.last_change = Some(today);
                    }
                    if let (Some(a), Some(b)) = (latest.date("expires"), now.date("expires")) {
                        if b > a {
                            facts.expires_pushed += 1;
                        }
                    }
                }
            }
            if let Some(work) = working {
                if h.latest.is_none() && work.get(key).is_some() {
                    // Removed in history, back in the working tree: new again.
                    facts.introduced = None;
                    facts.last_change = Some(today);
                }
            }
            out.insert(key.clone(), facts);
        }
        if let Some(work) = working {
            for (key, _) in &work.flags {
                out.entry(key.clone()).or_insert_with(|| FlagFacts {
                    introduced: None,
                    last_change: Some(today),
                    expires_pushed: 0,
                });
            }
        }
        Facts::Available(out)
    }

    /// The facts of one flag, when history is available and knows it.
    pub fn get(&self, key: &str) -> Option<&FlagFacts> {
        match self {
            Facts::Available(m) => m.get(key),
            Facts::Unavailable(_) => None,
        }
    }

    /// Why history is unavailable.
    pub fn unavailable(&self) -> Option<&str> {
        match self {
            Facts::Available(_) => None,
            Facts::Unavailable(reason) => Some(reason),
        }
    }
}
