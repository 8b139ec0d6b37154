#!/usr/bin/env python3
"""Generates the synthetic source tree and flag files for benches/scan.sh.

Usage: gen_corpus.py OUT_DIR FILES

Writes OUT_DIR/tree/ (FILES source files of Go, Java, Kotlin, TypeScript, Python and
Ruby, about 10.5 KB each, so 20,000 files are about 210 MB) and, for N in 100, 1000
and 10000, OUT_DIR/flags-N.yaml plus OUT_DIR/keys-N.txt (every spelling flagctl
searches for: keys, generated aliases in the five default styles, literal aliases),
the list given to `rg -F -w -f`. Deterministic (fixed seed).
"""
import os
import random
import sys

out, nfiles = sys.argv[1], int(sys.argv[2])
rng = random.Random(4)

WORDS = """account address admin alert api archive audit auth balance banner basket batch
beta billing bonus booking browse bulk cache campaign card cart catalog charge chat
checkout city client cloud code config consent coupon credit currency customer dashboard
data debit delivery device discount dispatch draft email engine event export express
feed filter flow fraud gateway gift guest history home image import inbox inventory
invoice item label language layout ledger legacy limit list loyalty manager map market
member menu merchant message metric mobile mode notification offer onboarding order
page partner payment payout pickup plan policy portal preview price pricing processor
product profile promo quick quote rate receipt recommendation refund region reorder
report request retry return review reward risk route rule sale schedule search seller
session settings shipping shop signup sku slot social split stock store stripe
subscription summary support survey sync tax team template ticket timeline token
tracking transfer trial upload user vault vendor voucher wallet warehouse widget
wishlist zone""".split()
VERSIONS = ["v2", "v3", "2024", "beta", "new", "legacy", "fast", "async"]

# 10,000 unique flag keys such as `express-checkout-v2` or `new-payment-processor`.
keys, seen = [], set()
while len(keys) < 10000:
    # At least three words (or two and a version), like real flag names; code
    # identifiers below have at most two, so only the sprinkled references match.
    n = rng.choice([2, 3, 3, 3, 4])
    ws = [rng.choice(WORDS) for _ in range(n)]
    if n == 2 or rng.random() < 0.2:
        ws.append(rng.choice(VERSIONS))
    k = "-".join(ws)
    if k not in seen:
        seen.add(k)
        keys.append(k)


def spellings(k):
    ws = k.split("-")
    return {
        "key": k,
        "snake": "_".join(ws),
        "screaming": "_".join(w.upper() for w in ws),
        "camel": ws[0] + "".join(w.capitalize() for w in ws[1:]),
        "pascal": "".join(w.capitalize() for w in ws),
    }


def literal_alias(i, k):
    return "USE_" + spellings(k)["screaming"] if i % 10 == 0 else None


def ident(parts=2):
    ws = [rng.choice(WORDS) for _ in range(parts)]
    return ws[0] + "".join(w.capitalize() for w in ws[1:])


def pick_flag():
    r = rng.random()
    if r < 0.7:
        return rng.randrange(100)
    if r < 0.9:
        return rng.randrange(100, 1000)
    return rng.randrange(1000, 10000)


LANGS = {
    "go": ("go", "//"),
    "java": ("java", "//"),
    "kotlin": ("kt", "//"),
    "ts": ("ts", "//"),
    "py": ("py", "#"),
    "rb": ("rb", "#"),
}


def body(lang):
    """One function of plausible code, 300 to 900 bytes."""
    c = LANGS[lang][1]
    f, a, b, t = ident(2), ident(1), ident(2), ident(2)
    lines = [f"{c} {f} computes the {a} {b} for the {t} and returns it."]
    if lang == "go":
        lines += [f"func {f}(ctx context.Context, {a} *{b.capitalize()}) (int, error) {{",
                  f"\tif {a} == nil {{", f'\t\treturn 0, fmt.Errorf("{f}: missing {a}")', "\t}"]
        for _ in range(rng.randint(3, 12)):
            lines.append(f"\t{ident(2)} := {a}.{ident(2).capitalize()}({rng.randint(0, 999)}, \"{ident(1)}\")")
        lines += [f"\treturn len({a}.{t.capitalize()}), nil", "}"]
    elif lang in ("java", "kotlin"):
        kw = "fun" if lang == "kotlin" else "public int"
        lines += [f"    {kw} {f}(final {b.capitalize()} {a}) {{",
                  f"        if ({a} == null) {{ throw new IllegalArgumentException(\"{f}\"); }}"]
        for _ in range(rng.randint(3, 12)):
            lines.append(f"        var {ident(2)} = {a}.get{ident(2).capitalize()}({rng.randint(0, 999)});")
        lines += [f"        return {a}.{t}().size();", "    }"]
    elif lang == "ts":
        lines += [f"export async function {f}({a}: {b.capitalize()}): Promise<number> {{",
                  f"  if (!{a}) throw new Error('{f}: missing {a}');"]
        for _ in range(rng.randint(3, 12)):
            lines.append(f"  const {ident(2)} = await {a}.{ident(2)}({rng.randint(0, 999)}, '{ident(1)}');")
        lines += [f"  return {a}.{t}.length;", "}"]
    elif lang == "py":
        sa, sb = a, "_".join([rng.choice(WORDS) for _ in range(2)])
        lines += [f"def {sb}_{sa}({sa}, *, {rng.choice(WORDS)}=None):",
                  f'    """Return the {sb} of {sa}."""', f"    if {sa} is None:",
                  f'        raise ValueError("{sb}: missing {sa}")']
        for _ in range(rng.randint(3, 12)):
            lines.append(f"    {rng.choice(WORDS)}_{rng.choice(WORDS)} = {sa}.{rng.choice(WORDS)}({rng.randint(0, 999)})")
        lines += [f"    return len({sa}.{rng.choice(WORDS)}s)"]
    else:
        sa, sb = a, "_".join([rng.choice(WORDS) for _ in range(2)])
        lines += [f"  def {sb}({sa})", f"    raise ArgumentError, '{sb}' if {sa}.nil?"]
        for _ in range(rng.randint(3, 12)):
            lines.append(f"    {rng.choice(WORDS)}_{rng.choice(WORDS)} = {sa}.{rng.choice(WORDS)}({rng.randint(0, 999)})")
        lines += [f"    {sa}.{rng.choice(WORDS)}s.size", "  end"]
    return "\n".join(lines) + "\n\n"


def reference(lang, k):
    s = spellings(k)
    form = rng.randrange(6)
    c = LANGS[lang][1]
    if form == 0:
        return f'    if (flags.isFeatureEnabled("{k}")) {{ {ident(2)}(); }}\n'
    if form == 1:
        return f"    {c} TODO remove {k} after the rollout\n"
    if form == 2:
        return f"    val = config.{s['camel']} || defaults.{s['camel']}\n"
    if form == 3:
        return f'    {s["screaming"]} = "{k}"\n'
    if form == 4:
        return f"    {s['snake']} = settings.get({s['pascal']})\n"
    # A near miss that must not count: the key inside a longer token.
    return f"    {s['snake']}_count = {s['camel']}Total + 1\n"


POOL = {lang: [body(lang) for _ in range(800)] for lang in LANGS}
tree = os.path.join(out, "tree")
total = 0
for i in range(nfiles):
    lang = list(LANGS)[i % len(LANGS)]
    ext = LANGS[lang][0]
    d = os.path.join(tree, lang, f"module{(i // len(LANGS)) % 200:03d}")
    os.makedirs(d, exist_ok=True)
    parts, size = [], 0
    target = rng.randint(8000, 13000)
    while size < target:
        p = rng.choice(POOL[lang])
        parts.append(p)
        size += len(p)
    for _ in range(rng.randint(0, 6)):
        parts.insert(rng.randrange(len(parts) + 1), reference(lang, keys[pick_flag()]))
    text = "".join(parts)
    total += len(text)
    with open(os.path.join(d, f"file{i:05d}.{ext}"), "w") as f:
        f.write(text)

for n in (100, 1000, 10000):
    with open(os.path.join(out, f"flags-{n}.yaml"), "w") as f:
        f.write("version: 1\nsettings:\n  scan:\n    aliases: [kebab, snake, screaming_snake, camel, pascal]\n")
        f.write("    patterns:\n      - 'isFeatureEnabled\\(\\s*[\"'']([A-Za-z0-9._:-]+)[\"'']'\n")
        f.write("flags:\n")
        for i, k in enumerate(keys[:n]):
            f.write(f"  {k}:\n    type: operational\n    owner: team-{i % 37}\n    description: bench flag {i}\n")
            la = literal_alias(i, k)
            if la:
                f.write(f"    aliases: [{la}]\n")
    with open(os.path.join(out, f"keys-{n}.txt"), "w") as f:
        spelled = set()
        for i, k in enumerate(keys[:n]):
            spelled.update(spellings(k).values())
            la = literal_alias(i, k)
            if la:
                spelled.add(la)
        f.write("\n".join(sorted(spelled)) + "\n")
print(f"{nfiles} files, {total / 1e6:.1f} MB")
