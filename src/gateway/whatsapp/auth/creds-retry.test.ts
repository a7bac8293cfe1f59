import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredsFile } from './creds-file';
import { RetryingCredsWriter } from './creds-retry';
import { linkedCreds, memoryLogger } from './test-support';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-creds-retry-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const meOf = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as { me: { id: string } }).me.id;

describe('RetryingCredsWriter', () => {
  it('a failed write never rejects: it is logged with path and code, reported, and retried until it lands', async () => {
    const { log, lines } = memoryLogger();
    const file = new CredsFile(dir, log);
    const writer = new RetryingCredsWriter(file, log, [20, 20, 20]);
    await writer.save(linkedCreds('15550000001:1@s.whatsapp.net'));
    // creds.json replaced by a directory: every write of it fails with EISDIR.
    fs.rmSync(file.file);
    fs.mkdirSync(file.file);

    await expect(writer.save(linkedCreds('15550000002:1@s.whatsapp.net'))).resolves.toBeUndefined();
    expect(writer.error).toBe(`cannot save ${file.file}: EISDIR`);
    const warn = lines().find((l) => l.level === 40);
    expect(warn).toMatchObject({ file: file.file, code: 'EISDIR', retryInMs: 20 });
    expect(meOf(file.backup)).toBe('15550000001:1@s.whatsapp.net');

    fs.rmdirSync(file.file);
    await waitUntil(() => writer.error === undefined);
    expect(meOf(file.file)).toBe('15550000002:1@s.whatsapp.net');
    expect(meOf(file.backup)).toBe('15550000002:1@s.whatsapp.net');
    await writer.close();
  });

  it('gives up after the last delay, and close() (shutdown) still resolves while the write keeps failing', async () => {
    const { log, lines } = memoryLogger();
    const file = new CredsFile(dir, log);
    const writer = new RetryingCredsWriter(file, log, [5, 5]);
    fs.mkdirSync(file.file);
    await writer.save(linkedCreds('15550000003:1@s.whatsapp.net'));
    await waitUntil(() => lines().some((l) => /no more retries/.test(String(l.msg))));
    expect(lines().filter((l) => l.level === 40)).toHaveLength(2);
    await expect(writer.close()).resolves.toBeUndefined();
    expect(lines().at(-1)).toMatchObject({ level: 50, code: 'EISDIR' });
    expect(writer.error).toBe(`cannot save ${file.file}: EISDIR`);
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}
