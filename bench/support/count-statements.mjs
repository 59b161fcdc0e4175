// Preloaded (`node --import`) into the hub and the baseline by the bench: counts the SQL
// statements the process sends, by wrapping `query` of pg's Client (the class every pooled
// connection is, as in test/operational-picture.e2e-spec.ts). The bench asks for the count over
// the IPC channel: { type: 'statements' } → { type: 'statements', count }.
import pg from 'pg';

let count = 0;
/** Time per statement text (first 120 characters), when BENCH_TIME_STATEMENTS is set. */
const timing = process.env.BENCH_TIME_STATEMENTS ? new Map() : null;
const proto = pg.Client.prototype;
const original = proto.query;
proto.query = function (...args) {
  count++;
  const result = original.apply(this, args);
  if (timing && result && typeof result.then === 'function') {
    const text = String(typeof args[0] === 'string' ? args[0] : args[0]?.text).replace(/\s+/g, ' ').slice(0, 120);
    const t = process.hrtime.bigint();
    result.then(() => {
      const e = timing.get(text) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += Number(process.hrtime.bigint() - t) / 1e6;
      timing.set(text, e);
    }, () => undefined);
  }
  return result;
};
if (process.send) {
  process.on('message', (m) => {
    if (m?.type === 'statements') process.send({ type: 'statements', count, timing: timing && Object.fromEntries(timing) });
  });
  // The IPC channel must not keep the process alive on its own.
  process.channel?.unref();
}
