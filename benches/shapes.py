#!/usr/bin/env python3
"""Generates the input shapes that used to make loading or scanning quadratic, at N
and 2N, times flagctl on each (minimum CPU time of REPS runs) and prints the ratio
of the two times. A linear or n log n cost gives a ratio near 2; the bar is 2.5.

    python3 benches/shapes.py BINARY [N] [REPS]

Called by benches/shapes.sh, which builds the release binary first.
"""
import os
import subprocess
import sys
import tempfile

BINARY = os.path.abspath(sys.argv[1])
N = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
REPS = int(sys.argv[3]) if len(sys.argv) > 3 else 3

HEAD = "version: 1\n"
FLAG = "    description: d\n    type: operational\n    owner: team\n"


def merge_keys(n):
    # An anchor of n/10 keys merged 20 times (20 alias copies and 20 merges: 600,000
    # nodes of the 1,000,000 budget at 2N = 100,000). The anchor and the merges sit
    # under unknown fields, so validation reports 21 diagnostics and the time is the
    # parser's.
    n = n // 10
    keys = ", ".join(f"k{i}: {i}" for i in range(n))
    out = [HEAD, f"base: &base {{ {keys} }}\n", "flags:\n"]
    for m in range(20):
        out.append(f"  m{m}:\n{FLAG}    merged: {{ <<: *base, own: 1 }}\n")
    return "".join(out)


def environments(n):
    names = ", ".join(f"env-{i}" for i in range(n))
    out = [HEAD, f"settings:\n  environments: [{names}]\n", "flags:\n  a:\n", FLAG, "    environments:\n"]
    out += [f"      env-{i}: {{ rollout: {i % 101} }}\n" for i in range(n)]
    return "".join(out)


def unknown_environments(n):
    # Every override names an environment that is not allowed: n messages, each
    # looking for a suggestion among n names (the budget keeps that linear).
    names = ", ".join(f"env-{i}" for i in range(n))
    out = [HEAD, f"settings:\n  environments: [{names}]\n", "flags:\n  a:\n", FLAG, "    environments:\n"]
    out += [f"      other-{i}: {{ rollout: 5 }}\n" for i in range(n)]
    return "".join(out)


def variants(n):
    out = [HEAD, "flags:\n  a:\n", FLAG, "    off: v0\n    variants:\n"]
    out += [f"      var-{i}: {{ value: v{i}, weight: 1 }}\n" for i in range(n)]
    out.append("    rules:\n")
    out += [f"      - {{ variant: var-{i}, when: {{ plan: {{ eq: p{i} }} }} }}\n" for i in range(0, n, 10)]
    return "".join(out)


def rules_times_overrides(n):
    # n/2 rules serving variants, inherited by n/2 overrides that each set variants.
    half = n // 2
    out = [HEAD, "flags:\n  a:\n", FLAG, "    off: v0\n    variants: { one: { value: v1, weight: 1 } }\n    rules:\n"]
    out += [f"      - {{ variant: one, when: {{ plan: {{ eq: p{i} }} }} }}\n" for i in range(half)]
    out.append("    environments:\n")
    out += [f"      env-{i}: {{ variants: {{ one: {{ value: v{i}, weight: 1 }} }} }}\n" for i in range(half)]
    return "".join(out)


def when_attributes(n):
    out = [HEAD, "segments:\n  s:\n    when:\n"]
    out += [f"      attr-{i}: {{ eq: v{i} }}\n" for i in range(n)]
    out.append("flags: {}\n")
    return "".join(out)


def segments(n):
    out = [HEAD, "segments:\n"]
    out += [f"  seg-{i}: {{ users: [u{i}] }}\n" for i in range(n)]
    refs = ", ".join(f"seg-{i}" for i in range(n))
    out += ["flags:\n  a:\n", FLAG, f"    segments: [{refs}]\n"]
    return "".join(out)


def undefined_segments(n):
    out = [HEAD, "segments:\n"]
    out += [f"  seg-{i}: {{ users: [u{i}] }}\n" for i in range(n)]
    refs = ", ".join(f"gone-{i}" for i in range(n))
    out += ["flags:\n  a:\n", FLAG, f"    segments: [{refs}]\n"]
    return "".join(out)


def warnings_as_text(n):
    # n/10 flags whose `expires` is beyond their type's lifetime: one warning each,
    # rendered as text with the offending line quoted (finding that line in the file
    # once per warning was quadratic).
    out = [HEAD, "flags:\n"]
    for i in range(n // 10):
        out.append(f"  f{i}:\n    description: d\n    type: release\n    owner: team\n"
                   "    created: 2026-01-01\n    expires: 2026-06-01\n")
    return "".join(out)


def scan_captures(n, directory):
    # n SDK calls in one file; a tenth name defined flags, the rest undefined keys.
    flags = [HEAD, "settings:\n  scan:\n    patterns: ['isFeatureEnabled\\(\"([A-Za-z0-9._:-]+)\"']\n", "flags:\n"]
    flags += [f"  flag-{i}:\n{FLAG}" for i in range(100)]
    with open(os.path.join(directory, "flags.yaml"), "w") as f:
        f.write("".join(flags))
    os.makedirs(os.path.join(directory, "src"), exist_ok=True)
    with open(os.path.join(directory, "src", "calls.js"), "w") as f:
        for i in range(n):
            key = f"flag-{i % 100}" if i % 10 == 0 else f"key-{i}"
            f.write(f'if (isFeatureEnabled("{key}")) {{ go({i}); }}\n')


LOADED = [
    ("merge keys", merge_keys),
    ("environments", environments),
    ("unknown environments", unknown_environments),
    ("variants", variants),
    ("rules x overrides", rules_times_overrides),
    ("when attributes", when_attributes),
    ("segments", segments),
    ("undefined segments", undefined_segments),
]


def cpu_seconds(cmd, cwd):
    """Runs cmd; returns its CPU time (user + system, all threads) and exit code.
    CPU time rather than wall time: on a shared machine the wall clock mostly
    measures the neighbours."""
    child = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, child.returncode


def best(cmd, cwd):
    cpu_seconds(cmd, cwd)  # warm the page cache
    times = []
    for _ in range(REPS):
        t, code = cpu_seconds(cmd, cwd)
        times.append(t)
        if code not in (0, 1):
            sys.exit(f"{' '.join(cmd)} exited {code}")
    return min(times)


def main():
    print(f"N = {N:,}; CPU time (user + system), minimum of {REPS} runs each;")
    print("ratio = time(2N) / time(N), bar 2.5")
    print(f"{'shape':<22} {'bytes(2N)':>11} {'N':>9} {'2N':>9} {'ratio':>7}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as work:
        rows = []
        for name, gen in LOADED:
            times = []
            for n in (N, 2 * N):
                path = os.path.join(work, "flags.yaml")
                with open(path, "w") as f:
                    f.write(gen(n))
                size = os.path.getsize(path)
                times.append(best([BINARY, "validate", "--flags", path, "--format", "json"], work))
            rows.append((f"validate: {name}", size, times))
        times = []
        for n in (N, 2 * N):
            path = os.path.join(work, "flags.yaml")
            with open(path, "w") as f:
                f.write(warnings_as_text(n))
            size = os.path.getsize(path)
            times.append(best([BINARY, "validate", "--flags", path, "--now", "2026-03-01"], work))
        rows.append(("validate text: warnings", size, times))
        times = []
        for n in (N, 2 * N):
            d = os.path.join(work, f"scan-{n}")
            os.makedirs(d)
            scan_captures(n, d)
            size = os.path.getsize(os.path.join(d, "src", "calls.js"))
            times.append(best([BINARY, "scan", "--format", "json"], d))
        rows.append(("scan: captures", size, times))
        for name, size, (a, b) in rows:
            ratio = b / a
            worst = max(worst, ratio)
            flag = "" if ratio <= 2.5 else "  OVER"
            print(f"{name:<32} {size:>11,} {a * 1000:>7.0f}ms {b * 1000:>7.0f}ms {ratio:>6.2f}{flag}")
    print(f"worst ratio {worst:.2f}")
    return 0 if worst <= 2.5 else 1


if __name__ == "__main__":
    sys.exit(main())
