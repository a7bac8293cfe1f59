// Shared by the log tests: a settable clock, a temp directory, and a console stream that records what it got.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

export function tempDir(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-log-'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function clock(start: Date): { now: () => Date; set(d: Date): void } {
  let current = start;
  return { now: () => current, set: (d) => (current = d) };
}

export function recorder(): { stream: Writable; text(): string; lines(): string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join('');
  return { stream, text, lines: () => text().split('\n').filter(Boolean) };
}

export function readJsonLines(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
