#!/usr/bin/env python3
"""Writes a realistic flags.yaml with N flags (default 10,000) to stdout.

A mix of all four types, segments, rules with conditions, variants, environment
overrides and dynamic-config values, so parsing and validation do representative work.
Deterministic: the same N gives the same file.
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
rng = random.Random(42)
teams = [f"team-{i}" for i in range(40)]
out = [
    "version: 1",
    "settings:",
    "  service: bench-service",
    "  environments: [development, staging, production]",
    "segments:",
]
for s in range(50):
    out += [f"  segment-{s}:", f"    description: Segment {s}", f"    users: [u-{s}-1, u-{s}-2, u-{s}-3]"]
    out += ["    when:", f"      plan: {{ in: [plan-{s % 5}, enterprise] }}", f"      country: {{ eq: c{s % 7}, ignore_case: true }}"]
out.append("flags:")
for i in range(n):
    kind = ["release", "operational", "experiment", "permission"][i % 4]
    out += [
        f"  flag-{i}-{'abcdefgh'[i % 8]}:",
        f"    description: Flag number {i} for benchmarking",
        f"    type: {kind}",
        f"    owner: {rng.choice(teams)}",
    ]
    if kind in ("release", "experiment"):
        out += ["    created: 2026-10-01", f"    expires: 2027-0{1 + i % 3}-15", f"    ticket: BENCH-{i}"]
    if kind == "release":
        out += [f"    rollout: {rng.randint(0, 100)}", f"    segments: [segment-{i % 50}]"]
        out += ["    environments:", "      production: { rollout: 5 }", "      staging: { rollout: 100 }"]
    elif kind == "experiment":
        out += ["    off: control", "    variants:", "      control: { value: control, weight: 50 }",
                "      treatment: { value: treatment, weight: 50 }"]
    elif kind == "operational":
        out += ["    value: 300", "    off: 300", "    rules:", "      - name: fast-routes",
                "        when:", "          route: { starts_with: /api/fast }", "          appVersion: { semver_gte: 2.0.0 }",
                "        value: 60", f"      - segments: [segment-{i % 50}]", "        rollout: 50", "        value: 600"]
    else:
        out += ["    rules:", "      - when:", "          ip: { in_cidr: [10.0.0.0/8] }",
                "          email: { matches: '@example\\.com$' }", "        value: true", "    value: false"]
print("\n".join(out))
