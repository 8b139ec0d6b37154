//! The evaluation order of `docs/evaluation.md`, one function per step. Each step
//! either decides the result (returns `true`) or lets evaluation continue; each writes
//! its own `--explain` line, so the trace is the evaluation itself, not a parallel
//! account of it, and lists every step once, in order.

use super::conditions::condition_holds;
use super::context::{Attributes, bucket_text, lookup};
use super::explain::{self, Tracer};
use super::{Engine, ErrorCode, EvalResult, Prepared, Reason, Step, hash};
use crate::model::{Serve, Targeting};
use std::borrow::Cow;
use std::cell::Cell;

/// The context's bucketing key and the buckets derived from it, computed at most once
/// per evaluation.
struct Keyed<'a> {
    salt: &'a str,
    text: Option<Cow<'a, str>>,
    pin: Option<u8>,
    rollout: Cell<Option<u8>>,
}

impl Keyed<'_> {
    fn present(&self) -> bool {
        self.pin.is_some() || self.text.is_some()
    }

    /// The rollout bucket, or `None` when the context has no bucketing key.
    fn rollout(&self) -> Option<u8> {
        if self.rollout.get().is_none() {
            self.rollout.set(match (self.pin, &self.text) {
                (Some(pin), _) => Some(pin),
                (None, Some(text)) => Some(hash::rollout_bucket(self.salt, text)),
                (None, None) => None,
            });
        }
        self.rollout.get()
    }

    fn key(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The variant bucket (1..=total). A pinned bucket is a percentile, so it is scaled
    /// to the total weight.
    fn variant(&self, total: u32) -> Option<u32> {
        match (self.pin, &self.text) {
            (Some(pin), _) => Some((u32::from(pin.clamp(1, 100)) - 1) * total / 100 + 1),
            (None, Some(text)) => Some(hash::variant_bucket(self.salt, text, total)),
            (None, None) => None,
        }
    }
}

/// One evaluation in progress.
pub(super) struct Evaluation<'e, 'p, 'f, C: Attributes + ?Sized> {
    engine: &'e Engine<'f>,
    p: &'p Prepared<'f>,
    tg: &'p Targeting,
    ctx: &'e C,
    keyed: Keyed<'e>,
    /// Why the context has no usable bucketing key, when it has the attribute but
    /// the value cannot be bucketed (a list or an object).
    unusable_key: bool,
    t: Tracer<'e>,
    /// A rollout below 100 let the context in: the on value is then a `SPLIT`.
    split: bool,
    /// The context matched the flag-level segments.
    targeted: bool,
    result: EvalResult<'p>,
}

impl<'e, 'p: 'e, 'f, C: Attributes + ?Sized> Evaluation<'e, 'p, 'f, C> {
    pub(super) fn new(
        engine: &'e Engine<'f>,
        p: &'p Prepared<'f>,
        ctx: &'e C,
        pin: Option<u8>,
        trace: Option<&'e mut Vec<Step>>,
    ) -> Self {
        let attr = lookup(ctx, &p.bucket_path, &p.bucket_attr);
        let text = attr.and_then(bucket_text);
        Evaluation {
            engine,
            p,
            tg: &p.targeting,
            ctx,
            unusable_key: attr.is_some() && text.is_none(),
            keyed: Keyed {
                salt: &p.salt,
                text,
                pin,
                rollout: Cell::new(None),
            },
            t: Tracer::new(trace),
            split: false,
            targeted: false,
            result: EvalResult {
                flag: &p.flag.key,
                value: p.off_value(),
                variant: None,
                reason: Reason::Error,
                rule: None,
                bucket: None,
                error_code: None,
                step: 1,
            },
        }
    }

    /// Runs the steps in order until one decides.
    pub(super) fn run(mut self) -> EvalResult<'p> {
        if let Some(env) = &self.p.env {
            self.t
                .step_with(0, || format!("environment `{env}` overrides apply"));
        }
        let decided = self.kill_switch()
            || self.enabled()
            || self.segments()
            || self.rollout()
            || self.rules()
            || self.variants();
        if !decided {
            self.on_value();
        }
        self.result
    }

    /// Ends evaluation with `reason` (the value is whatever was chosen: the off value
    /// unless a later step picked another).
    fn decide(&mut self, reason: Reason) -> bool {
        self.result.reason = reason;
        true
    }

    /// Ends evaluation with the off value: the context cannot be bucketed.
    fn missing_key(&mut self, step: u8, what: &str) -> bool {
        let attr = &self.p.bucket_attr;
        let why = if self.unusable_key {
            format!("the context's `{attr}` is a list or an object, not a value to bucket by")
        } else {
            format!("the context has no `{attr}` to bucket by")
        };
        self.t.step_with(step, || {
            format!("{what}: {why} → off (ERROR, TARGETING_KEY_MISSING)")
        });
        self.result.error_code = Some(ErrorCode::TargetingKeyMissing);
        self.decide(Reason::Error)
    }

    /// Step 1: `kill_switch: true` serves the off value.
    fn kill_switch(&mut self) -> bool {
        self.result.step = 1;
        if self.tg.is_killed() {
            self.t
                .step_with(1, || "kill_switch: true → off (KILL_SWITCH)".into());
            return self.decide(Reason::KillSwitch);
        }
        self.t.step_with(1, || "kill_switch: false".into());
        false
    }

    /// Step 2: `enabled: false` serves the off value.
    fn enabled(&mut self) -> bool {
        self.result.step = 2;
        if !self.tg.is_enabled() {
            self.t
                .step_with(2, || "enabled: false → off (DISABLED)".into());
            return self.decide(Reason::Disabled);
        }
        self.t.step_with(2, || "enabled: true".into());
        false
    }

    /// Step 3: A context in none of the flag-level segments gets the off value.
    fn segments(&mut self) -> bool {
        self.result.step = 3;
        let Some(segs) = &self.p.segments else {
            self.t.step_with(3, || "segments: none".into());
            return false;
        };
        let names = names(self.tg);
        match self.engine.first_segment(segs, self.ctx, self.keyed.key()) {
            Some((name, how)) => {
                self.targeted = true;
                self.t
                    .step_with(3, || format!("segments {names}: in `{name}` ({how})"));
                false
            }
            None => {
                self.t
                    .step_with(3, || format!("segments {names}: in none → off (DEFAULT)"));
                self.decide(Reason::Default)
            }
        }
    }

    /// Step 4: A rollout below 100 lets in only the contexts whose bucket is inside it.
    fn rollout(&mut self) -> bool {
        self.result.step = 4;
        let rollout = self.tg.rollout_percent();
        if rollout >= 100 {
            self.t.step_with(4, || "rollout 100: everyone".into());
            return false;
        }
        let bucket = self.keyed.rollout();
        self.result.bucket = bucket;
        let (p, pin, key) = (self.p, self.keyed.pin, self.keyed.key());
        let source = || bucket_source(p, pin, key);
        match bucket {
            _ if rollout == 0 => {
                self.t
                    .step_with(4, || "rollout 0: off for everyone → off (SPLIT)".into());
                self.decide(Reason::Split)
            }
            None => self.missing_key(4, &format!("rollout {rollout}")),
            Some(b) if b > rollout => {
                self.t.step_with(4, || {
                    format!(
                        "rollout {rollout}: {} → bucket {b} > {rollout} → off (SPLIT)",
                        source()
                    )
                });
                self.decide(Reason::Split)
            }
            Some(b) => {
                self.split = true;
                self.t.step_with(4, || {
                    format!(
                        "rollout {rollout}: {} → bucket {b} <= {rollout} → in",
                        source()
                    )
                });
                false
            }
        }
    }

    /// Step 5: The first rule whose conditions, segments and rollout all hold serves its
    /// value. The trace says, in one line, why each rule before it did not.
    fn rules(&mut self) -> bool {
        self.result.step = 5;
        let rules = self.tg.rules.as_deref().unwrap_or(&[]);
        if rules.is_empty() {
            self.t.step_with(5, || "rules: none".into());
            return false;
        }
        let mut tried: Vec<String> = Vec::new();
        for i in 0..rules.len() {
            let Some(data) = self.p.rules.get(i) else {
                break;
            };
            match self.rule_outcome(i) {
                Ok((value, variant)) => {
                    let label = data.label.as_str();
                    self.t.step_with(5, || {
                        let what = match variant {
                            Some(name) => format!("variant `{name}` = {}", explain::show(value)),
                            None => explain::show(value),
                        };
                        tried.push(format!("rule `{label}` matches → {what} (TARGETING_MATCH)"));
                        tried.join("; ")
                    });
                    self.result.value = value;
                    self.result.variant = variant;
                    self.result.rule = Some(label);
                    return self.decide(Reason::TargetingMatch);
                }
                Err(why) if self.t.on() => {
                    tried.push(format!("rule `{}`: {why} → no match", data.label));
                }
                Err(_) => {}
            }
        }
        self.t.step_with(5, || tried.join("; "));
        false
    }

    /// Whether rule `i` matches, and what it serves; else why not (for the trace; the
    /// text is built only when tracing).
    fn rule_outcome(
        &mut self,
        i: usize,
    ) -> Result<(&'p serde_json::Value, Option<&'p str>), String> {
        let (Some(rule), Some(data)) = (
            self.tg.rules.as_deref().and_then(|r| r.get(i)),
            self.p.rules.get(i),
        ) else {
            return Err(String::new());
        };
        let on = self.t.on();
        if let Some(failed) = rule.when.iter().find(|c| !condition_holds(c, self.ctx)) {
            return Err(if on {
                explain::failed_condition(failed, self.ctx)
            } else {
                String::new()
            });
        }
        if !data.segments.is_empty()
            && self
                .engine
                .first_segment(&data.segments, self.ctx, self.keyed.key())
                .is_none()
        {
            return Err(if on {
                let list: Vec<&str> = rule.segments.iter().map(|s| s.value.as_str()).collect();
                format!("in none of segments [{}]", list.join(", "))
            } else {
                String::new()
            });
        }
        if let Some(r) = rule.rollout.as_ref().map(|r| r.value).filter(|r| *r < 100) {
            let bucket = self.keyed.present().then(|| self.keyed.rollout()).flatten();
            if bucket.is_some() {
                self.result.bucket = bucket;
            }
            match bucket {
                Some(b) if r > 0 && b <= r => {}
                Some(b) => return Err(format!("rollout {r}, bucket {b} > {r}")),
                None => {
                    return Err(format!(
                        "rollout {r} needs `{}`, which the context lacks",
                        self.p.bucket_attr
                    ));
                }
            }
        }
        let variants = self.tg.variants.as_deref().unwrap_or(&[]);
        match (&rule.serve, data.variant) {
            (Serve::Value(v), _) => Ok((&v.value, None)),
            (Serve::Variant(_), Some(Some(i))) => variants
                .get(i)
                .map(|v| (&v.value.value, Some(v.name.as_str())))
                .ok_or_else(String::new),
            (Serve::Variant(name), _) => Err(format!("serves undefined variant `{}`", name.value)),
        }
    }

    /// Step 6: Weighted variants split the contexts by variant bucket.
    fn variants(&mut self) -> bool {
        self.result.step = 6;
        let variants = self.tg.variants.as_deref().unwrap_or(&[]);
        let total = self.p.total_weight;
        if variants.is_empty() || total == 0 {
            self.t.step_with(6, || "variants: none".into());
            return false;
        }
        let Some(vb) = self.keyed.variant(total) else {
            return self.missing_key(6, "variants");
        };
        self.result.bucket = self.keyed.rollout();
        let mut running = 0u32;
        let Some(chosen) = variants
            .iter()
            .find(|v| {
                running = running.saturating_add(v.weight.value);
                running >= vb
            })
            .or(variants.last())
        else {
            return false;
        };
        self.t.step_with(6, || {
            format!(
                "variants: variant bucket {vb} of {total} → `{}` = {} (SPLIT)",
                chosen.name,
                explain::show(&chosen.value.value)
            )
        });
        self.result.value = &chosen.value.value;
        self.result.variant = Some(&chosen.name);
        self.decide(Reason::Split)
    }

    /// Step 7: Otherwise the on value: `STATIC` without targeting; `SPLIT` when the rollout
    /// let the context in; `TARGETING_MATCH` when the flag's segments matched;
    /// `DEFAULT` when rules or variants exist but none applied.
    fn on_value(&mut self) {
        self.result.step = 7;
        self.result.value = self.p.on_value();
        let (reason, why) = if self.p.is_static {
            (Reason::Static, "no targeting")
        } else if self.split {
            (Reason::Split, "inside the rollout")
        } else if self.targeted {
            (Reason::TargetingMatch, "in the flag's segments")
        } else {
            (Reason::Default, "no rule or variant applied")
        };
        self.result.reason = reason;
        let value = self.result.value;
        self.t.step_with(7, || {
            format!("value {} ({reason}: {why})", explain::show(value))
        });
    }
}

/// `[a, b]` for the flag's segments.
fn names(t: &Targeting) -> String {
    let list: Vec<&str> = t
        .segments
        .iter()
        .flatten()
        .map(|s| s.value.as_str())
        .collect();
    format!("[{}]", list.join(", "))
}

/// How the bucket was obtained, for the trace.
fn bucket_source(p: &Prepared, pin: Option<u8>, key: Option<&str>) -> String {
    match (pin, key) {
        (Some(_), _) => "bucket pinned by the test".into(),
        (None, Some(k)) => format!("murmur3(\"{}:{k}\") % 100 + 1", p.salt),
        (None, None) => "no key".into(),
    }
}
