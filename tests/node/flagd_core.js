// Evaluates a flagctl flagd export with flagd's own evaluator (@openfeature/flagd-core)
// and checks it against what flagctl serves.
//
// usage: node flagd_core.js EXPORT.json EXPECTED.jsonl
// Each line of EXPECTED.jsonl is {"flag", "context", "value"}: the value flagctl serves,
// off values included (the export serves them as variants). Prints one line per flag:
// `FLAG AGREED/TOTAL`, and the first difference of each flag on stderr.
const fs = require('fs');
const { FlagdCore } = require('@openfeature/flagd-core');

const [exportFile, expectedFile] = process.argv.slice(2);
const expected = fs.readFileSync(expectedFile, 'utf8').trim().split('\n').map(JSON.parse);
const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
const core = new FlagdCore(undefined, quiet);
core.setConfigurations(fs.readFileSync(exportFile, 'utf8'));

const stats = new Map();
for (const e of expected) {
  const v = e.value;
  const resolve =
    typeof v === 'boolean' ? 'resolveBooleanEvaluation'
    : typeof v === 'number' ? 'resolveNumberEvaluation'
    : typeof v === 'string' ? 'resolveStringEvaluation'
    : 'resolveObjectEvaluation';
  let got;
  try {
    const r = core[resolve](e.flag, v, e.context, quiet);
    got = r.reason === 'ERROR' ? `error: ${r.errorCode} ${r.errorMessage}` : r.value;
  } catch (err) {
    got = `error: ${err.message}`;
  }
  const agree = JSON.stringify(got) === JSON.stringify(v);
  const [a, n] = stats.get(e.flag) || [0, 0];
  if (!agree && a === n) {
    console.error(`${e.flag}: first difference for ${JSON.stringify(e.context)}: flagctl ${JSON.stringify(v)}, flagd ${JSON.stringify(got)}`);
  }
  stats.set(e.flag, [a + (agree ? 1 : 0), n + 1]);
}
for (const [flag, [a, n]] of stats) console.log(`${flag} ${a}/${n}`);
