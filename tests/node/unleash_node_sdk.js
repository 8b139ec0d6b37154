// Serves a flagctl Unleash export from the Unleash Node SDK's bootstrap (no server)
// and checks it against what flagctl serves.
//
// usage: node unleash_node_sdk.js EXPORT.json EXPECTED.jsonl
// Each line of EXPECTED.jsonl is {"flag", "context", "toggle", "enabled", "value"}:
// a toggle is read with isEnabled, any other flag with getVariant (whose payload must
// be `value` when enabled). Prints one line per flag: `FLAG AGREED/TOTAL`. Needs the
// `unleash-client` package (NODE_PATH, or a node_modules directory above this file).
const fs = require('fs');
const path = require('path');
const { initialize, InMemStorageProvider } = require('unleash-client');

const [exportFile, expectedFile] = process.argv.slice(2);
const expected = fs.readFileSync(expectedFile, 'utf8').trim().split('\n').map(JSON.parse);

const unleash = initialize({
  url: 'http://127.0.0.1:9/api/', // nothing listens there: the bootstrap is the state
  appName: 'flagctl-test',
  refreshInterval: 0,
  disableMetrics: true,
  storageProvider: new InMemStorageProvider(),
  bootstrap: { filePath: path.resolve(exportFile) },
});
unleash.on('error', () => {});
unleash.on('ready', () => {
  const stats = new Map();
  for (const e of expected) {
    const { userId, sessionId, ...properties } = e.context;
    const ctx = { userId, sessionId, properties };
    let agree;
    if (e.toggle) {
      agree = unleash.isEnabled(e.flag, ctx) === e.enabled;
    } else {
      const v = unleash.getVariant(e.flag, ctx);
      agree = v.enabled === e.enabled && (!v.enabled || same(v.payload, e.value));
    }
    const [a, n] = stats.get(e.flag) || [0, 0];
    stats.set(e.flag, [a + (agree ? 1 : 0), n + 1]);
    if (!agree && a === n) {
      const got = e.toggle ? unleash.isEnabled(e.flag, ctx) : unleash.getVariant(e.flag, ctx);
      console.error(`${e.flag}: first difference for ${JSON.stringify(e.context)}: flagctl ${JSON.stringify([e.enabled, e.value])}, Node SDK ${JSON.stringify(got)}`);
    }
  }
  for (const [flag, [a, n]] of stats) console.log(`${flag} ${a}/${n}`);
  unleash.destroy();
});

function same(payload, value) {
  if (!payload) return false;
  const v = payload.type === 'number' ? Number(payload.value) : payload.type === 'json' ? JSON.parse(payload.value) : payload.value;
  return JSON.stringify(v) === JSON.stringify(value);
}
