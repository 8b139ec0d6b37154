#!/usr/bin/env python3
"""Writes OTLP JSON as the OpenTelemetry Collector's file exporter does: one
ExportLogsServiceRequest per line, each a batch of flag evaluation log records
(`feature_flag.evaluation` events, current semantic conventions, with a few records
in the older `event.name` attribute form), from several services over 30 days.

    python3 benches/gen_otlp.py --mb 1024 --out /tmp/otlp.jsonl

Deterministic (fixed seed), so runs compare like with like.
"""

import argparse
import random

START_NS = 1_772_323_200_000_000_000  # 2026-03-01T00:00:00Z
DAY_NS = 86_400 * 1_000_000_000


def record(t, key, variant, value, reason, old):
    if old:
        name = ('{"key":"event.name","value":{"stringValue":"feature_flag"}},'
                '{"key":"feature_flag.variant","value":{"stringValue":"%s"}},'
                '{"key":"feature_flag.provider_name","value":{"stringValue":"flagd"}}' % variant)
        event = ""
    else:
        name = ('{"key":"feature_flag.result.variant","value":{"stringValue":"%s"}},'
                '{"key":"feature_flag.result.value","value":%s},'
                '{"key":"feature_flag.result.reason","value":{"stringValue":"%s"}},'
                '{"key":"feature_flag.provider.name","value":{"stringValue":"flagd"}},'
                '{"key":"feature_flag.set.id","value":{"stringValue":"checkout"}}' % (variant, value, reason))
        event = '"eventName":"feature_flag.evaluation",'
    return ('{"timeUnixNano":"%d","observedTimeUnixNano":"%d","severityNumber":9,"severityText":"INFO",%s'
            '"body":{"stringValue":"flag evaluated"},'
            '"attributes":[{"key":"feature_flag.key","value":{"stringValue":"%s"}},%s,'
            '{"key":"feature_flag.context.id","value":{"stringValue":"user-%d"}}],'
            '"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}'
            % (t, t + 1_000_000, event, key, name, t % 100_000))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1024, help="size to write, in MiB")
    ap.add_argument("--out", required=True)
    ap.add_argument("--flags", type=int, default=200)
    ap.add_argument("--batch", type=int, default=50, help="log records per line")
    args = ap.parse_args()
    rng = random.Random(4)
    flags = []
    for i in range(args.flags):
        kind = i % 3
        if kind == 0:
            values = [("on", '{"boolValue":true}'), ("off", '{"boolValue":false}')]
        elif kind == 1:
            values = [("control", '{"stringValue":"v1"}'), ("treatment", '{"stringValue":"v2"}')]
        else:
            values = [("default", '{"intValue":"300"}')]
        flags.append(("flag-%04d" % i, values))
    services = ["checkout-api", "search-api", "web", "recs", "billing"]
    target = args.mb << 20
    written = 0
    t = START_NS
    step = (30 * DAY_NS) // max(1, target // 700)
    with open(args.out, "w") as out:
        while written < target:
            svc = rng.choice(services)
            recs = []
            for _ in range(args.batch):
                key, values = flags[rng.randrange(len(flags))]
                variant, value = values[rng.randrange(len(values))]
                recs.append(record(t, key, variant, value, "TARGETING_MATCH", rng.random() < 0.05))
                t += step
            line = ('{"resourceLogs":[{"resource":{"attributes":['
                    '{"key":"service.name","value":{"stringValue":"%s"}},'
                    '{"key":"host.name","value":{"stringValue":"node-7"}}]},'
                    '"scopeLogs":[{"scope":{"name":"dev.openfeature.contrib.hooks.otel","version":"1.0.0"},'
                    '"logRecords":[%s]}]}]}\n' % (svc, ",".join(recs)))
            out.write(line)
            written += len(line)


if __name__ == "__main__":
    main()
