// Where one side of a bench spends CPU that the other does not, from the .cpuprofile files a bench writes with its
// BENCH_*_PROFILE variable (bench/support/profile.ts): self time per function, summed over each side's files, and
// the difference, largest first. A terminal stand-in for DevTools' profile comparison, which this machine lacks.
//
//   node bench/profile-diff.mjs <dir> <prefix of side A> <prefix of side B> [rows]
//   e.g. node bench/profile-diff.mjs /tmp/prof gateway- bare- 40
//
// Self time only (a function's own code, not its callees), so the rows add up to the difference in total CPU.
// The profiler's own start and stop show up as `dispatch` on both sides.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, prefixA, prefixB, rowsArg = '30'] = process.argv.slice(2);
if (!dir || !prefixA || !prefixB) {
  console.error('usage: node bench/profile-diff.mjs <dir> <prefix of side A> <prefix of side B> [rows]');
  process.exit(2);
}

const short = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, '')
    .replace(/.*\/(src|e2e|bench)\//, '$1/');

/** Self time in ms per `function file:line`, over every profile in `dir` whose name starts with `prefix`. */
function selfTimes(prefix) {
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.cpuprofile'));
  if (files.length === 0) {
    console.error(`no ${prefix}*.cpuprofile in ${dir}`);
    process.exit(2);
  }
  const out = new Map();
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const { functionName, url, lineNumber } = nodes.get(id).callFrame;
      const key = `${functionName || '(anonymous)'} ${short(url)}${url ? `:${lineNumber + 1}` : ''}`;
      out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
  }
  return { files: files.length, ms: out };
}

const a = selfTimes(prefixA);
const b = selfTimes(prefixB);
const total = (m) => [...m.values()].reduce((s, v) => s + v, 0);
console.log(
  `${prefixA}* (${a.files} files) ${total(a.ms).toFixed(0)} ms · ${prefixB}* (${b.files} files) ${total(b.ms).toFixed(0)} ms`,
);
console.log(`${'A − B'.padStart(8)} ${'A'.padStart(8)} ${'B'.padStart(8)}  function`);
const keys = new Set([...a.ms.keys(), ...b.ms.keys()]);
const rows = [...keys]
  .map((k) => [k, a.ms.get(k) ?? 0, b.ms.get(k) ?? 0])
  .sort((x, y) => y[1] - y[2] - (x[1] - x[2]));
for (const [k, va, vb] of rows.slice(0, Number(rowsArg)))
  console.log(
    `${(va - vb).toFixed(1).padStart(8)} ${va.toFixed(1).padStart(8)} ${vb.toFixed(1).padStart(8)}  ${k}`,
  );
