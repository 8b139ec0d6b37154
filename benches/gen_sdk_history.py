#!/usr/bin/env python3
"""Writes a `git fast-import` stream of a code base that adopts flags over time, for
`benches/init_discover.sh`: COMMITS commits, one a day, each rewriting one of FILES
TypeScript files; KEYS of them, spread evenly (the last key comes with the last
commits), add a call with a new flag key, the others only edit code. Usage: gen_sdk_history.py KEYS COMMITS FILES
"""
import sys

def main():
    keys, commits, files = (int(a) for a in sys.argv[1:4])
    out = sys.stdout.buffer
    contents = [[f"// module {f}\n"] for f in range(files)]
    start = 1_700_000_000
    for c in range(commits):
        f = c % files
        k = c * keys // commits
        if c == 0 or k != (c - 1) * keys // commits:
            contents[f].append(f"if (client.isEnabled('flag-{k:05}')) {{ run{c}(); }}\n")
        else:
            contents[f].append(f"const v{c} = compute({c});\n")
        data = "".join(contents[f]).encode()
        when = start + c * 86400
        msg = f"commit {c}\n".encode()
        out.write(b"commit refs/heads/main\n")
        out.write(f"committer Bench <bench@example.com> {when} +0000\n".encode())
        out.write(b"data %d\n%s" % (len(msg), msg))
        out.write(f"M 100644 inline src/m{f:04}.ts\n".encode())
        out.write(b"data %d\n%s\n" % (len(data), data))

main()
