//! Boolean formulas over Unleash constraints, and their expansion into a disjunction
//! of strategies. flagctl's targeting is ordered ("first rule wins", segments are "in
//! any of"), Unleash's is a list of strategies any of which enables the flag, each an
//! AND of constraints: the export writes the one as the other through these formulas.

use super::doc::Constraint;

/// The most strategies one flag may expand to.
pub const MAX_STRATEGIES: usize = 256;

/// A formula in negation normal form once built through [`not`].
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Always true or always false.
    Const(bool),
    /// One constraint (possibly inverted).
    Constraint(Constraint),
    /// An Unleash segment: its id and constraints (kept to negate it).
    Segment(i64, Vec<Constraint>),
    /// The context has the stickiness field and its bucket is at most N (1..=100).
    Rollout(u8),
    /// The negation of a rollout, which Unleash cannot express.
    NotRollout(u8),
    /// All hold.
    And(Vec<Expr>),
    /// Any holds.
    Or(Vec<Expr>),
}

/// The negation of `e`, pushed down to the constraints.
pub fn not(e: Expr) -> Expr {
    match e {
        Expr::Const(b) => Expr::Const(!b),
        Expr::Constraint(mut c) => {
            c.inverted = !c.inverted;
            Expr::Constraint(c)
        }
        Expr::Segment(_, cs) => {
            Expr::Or(cs.into_iter().map(|c| not(Expr::Constraint(c))).collect())
        }
        Expr::Rollout(p) => Expr::NotRollout(p),
        Expr::NotRollout(p) => Expr::Rollout(p),
        Expr::And(v) => Expr::Or(v.into_iter().map(not).collect()),
        Expr::Or(v) => Expr::And(v.into_iter().map(not).collect()),
    }
}

/// Whether `e` holds a negated rollout anywhere (the export reports it as lost).
pub fn has_not_rollout(e: &Expr) -> bool {
    match e {
        Expr::NotRollout(_) => true,
        Expr::And(v) | Expr::Or(v) => v.iter().any(has_not_rollout),
        _ => false,
    }
}

/// One strategy's worth of conditions: all constraints, all segments, and the
/// smallest rollout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conj {
    /// Constraints, in the order they were added.
    pub constraints: Vec<Constraint>,
    /// Segment ids.
    pub segments: Vec<i64>,
    /// The rollout percentage, when one applies.
    pub rollout: Option<u8>,
}

impl Conj {
    /// Both conjunctions at once, or `None` when they contradict.
    fn merge(&self, other: &Conj) -> Option<Conj> {
        let mut out = self.clone();
        for c in &other.constraints {
            let mut flipped = c.clone();
            flipped.inverted = !flipped.inverted;
            if out.constraints.contains(&flipped) {
                return None;
            }
            if !out.constraints.contains(c) {
                out.constraints.push(c.clone());
            }
        }
        for s in &other.segments {
            if !out.segments.contains(s) {
                out.segments.push(*s);
            }
        }
        out.rollout = match (out.rollout, other.rollout) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Some(out)
    }
}

/// Too many strategies: how many the expansion reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooComplex(pub usize);

/// Expands `e` into a disjunction of conjunctions. A negated rollout counts as false
/// (callers report it). Duplicates are dropped; order follows the formula.
pub fn dnf(e: &Expr) -> Result<Vec<Conj>, TooComplex> {
    let out = match e {
        Expr::Const(true) => vec![Conj::default()],
        Expr::Const(false) | Expr::NotRollout(_) | Expr::Rollout(0) => Vec::new(),
        Expr::Constraint(c) => vec![Conj {
            constraints: vec![c.clone()],
            ..Conj::default()
        }],
        Expr::Segment(id, _) => vec![Conj {
            segments: vec![*id],
            ..Conj::default()
        }],
        Expr::Rollout(p) => vec![Conj {
            rollout: Some(*p),
            ..Conj::default()
        }],
        Expr::Or(v) => {
            let mut out: Vec<Conj> = Vec::new();
            for part in v {
                for c in dnf(part)? {
                    if !out.contains(&c) {
                        out.push(c);
                    }
                }
                if out.len() > MAX_STRATEGIES {
                    return Err(TooComplex(out.len()));
                }
            }
            out
        }
        Expr::And(v) => {
            let mut acc = vec![Conj::default()];
            for part in v {
                let next = dnf(part)?;
                if acc.len().saturating_mul(next.len()) > MAX_STRATEGIES * 4 {
                    return Err(TooComplex(acc.len() * next.len()));
                }
                let mut merged = Vec::new();
                for a in &acc {
                    for b in &next {
                        if let Some(m) = a.merge(b) {
                            if !merged.contains(&m) {
                                merged.push(m);
                            }
                        }
                    }
                }
                acc = merged;
            }
            acc
        }
    };
    if out.len() > MAX_STRATEGIES {
        return Err(TooComplex(out.len()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: &str) -> Expr {
        Expr::Constraint(Constraint {
            context_name: name.into(),
            operator: "IN".into(),
            values: Some(vec!["x".into()]),
            ..Constraint::default()
        })
    }

    #[test]
    fn negation_and_expansion() {
        // a AND NOT (b AND c) = (a AND NOT b) OR (a AND NOT c)
        let e = Expr::And(vec![c("a"), not(Expr::And(vec![c("b"), c("c")]))]);
        let out = dnf(&e).unwrap();
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|k| k.constraints.len() == 2));
        assert!(out[0].constraints[1].inverted && out[0].constraints[1].context_name == "b");
        // Contradictions vanish.
        let e = Expr::And(vec![c("a"), not(c("a"))]);
        assert!(dnf(&e).unwrap().is_empty());
        // Rollouts take the minimum; a negated rollout is dropped.
        let e = Expr::And(vec![Expr::Rollout(50), Expr::Rollout(20)]);
        assert_eq!(dnf(&e).unwrap()[0].rollout, Some(20));
        assert!(dnf(&not(Expr::Rollout(5))).unwrap().is_empty());
        assert!(has_not_rollout(&not(Expr::And(vec![
            c("a"),
            Expr::Rollout(5)
        ]))));
    }

    #[test]
    fn blow_up_is_bounded() {
        let wide = |p: &str| Expr::Or((0..20).map(|i| c(&format!("{p}{i}"))).collect());
        let e = Expr::And(vec![wide("a"), wide("b"), wide("c")]);
        assert!(dnf(&e).is_err());
    }
}
