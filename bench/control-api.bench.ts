// Control API cost: round trips of `health` and validated, atomic `config.set` writes over the loopback WebSocket
// against a real gateway in this process. Prints medians and p95; no pass/fail.
import { readFile } from 'node:fs/promises';
import { startGateway } from '../src/gateway/gateway';
import { tokenFilePath } from '../src/gateway/control/token';
import { makeTestEnv } from '../test/support/env';
import { openRaw } from '../test/support/ws-client';

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(3)} ms, p95 ${at(0.95).toFixed(3)} ms (n=${samples.length})`;
}

const t = await makeTestEnv();
const gw = await startGateway({ env: t.env, serveUi: false });
const client = await openRaw(t.port);
await client.request('connect', { token: (await readFile(tokenFilePath(t.stateDir), 'utf8')).trim() });

const health: number[] = [];
for (let i = 0; i < 2000; i++) {
  const start = performance.now();
  await client.request('health');
  health.push(performance.now() - start);
}
console.log(`health round trip: ${stats(health.slice(200))}`);

const writes: number[] = [];
for (let i = 0; i < 200; i++) {
  const start = performance.now();
  const res = await client.request('config.set', { path: 'web.heartbeatSeconds', value: 30 + (i % 50) });
  if (!res.ok) throw new Error(JSON.stringify(res));
  writes.push(performance.now() - start);
}
console.log(`config.set (validate + atomic write + fsync): ${stats(writes.slice(20))}`);

client.close();
await gw.stop();
await t.cleanup();
