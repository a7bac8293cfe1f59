// composeReply with real media preparation: what a person asking gets (an error) against what an automatic reply
// gets (its text, then a line per item that failed saying which and why), so the reply is never lost.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeReply, type ComposeOptions } from './compose';
import { MediaError } from './media';
import { jpeg, pdf } from './media/test-fixtures';

let dir: string;
let photo: string;
let big: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openclaw-compose-media-'));
  photo = join(dir, 'photo.jpg');
  writeFileSync(photo, await jpeg(320, 240));
  big = join(dir, 'big.pdf');
  writeFileSync(big, pdf(2 * 1024 * 1024));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opts = (strictMedia: boolean): ComposeOptions => ({
  limit: 4000,
  mode: 'length',
  prefix: '',
  maxBytes: 1024 * 1024,
  dir: join(dir, 'out'),
  strictMedia,
});

describe('composeReply with media that fails', () => {
  it('an automatic reply keeps its text and says which item failed and why', async () => {
    const payloads = await composeReply(
      { text: 'Here is the report', media: [photo, big, 'http://127.0.0.1:9/x.png'] },
      opts(false),
    );
    expect(payloads).toEqual([
      { kind: 'media', media: expect.objectContaining({ kind: 'image' }), caption: 'Here is the report' },
      {
        kind: 'text',
        text: `⚠️ Attachment 2 of 3 could not be sent: ${basename(big)} is 2 MB, over the 1 MB limit`,
      },
      {
        kind: 'text',
        text: expect.stringMatching(
          /^⚠️ Attachment 3 of 3 could not be sent: http:\/\/127\.0\.0\.1:9\/x\.png resolves to 127\.0\.0\.1, a loopback or private address/,
        ),
      },
    ]);
  });

  it('when the only item fails, the text goes first and the warning after it', async () => {
    const payloads = await composeReply(
      { text: 'See attached', media: [join(dir, 'gone.pdf')] },
      opts(false),
    );
    expect(payloads).toEqual([
      { kind: 'text', text: 'See attached' },
      { kind: 'text', text: `⚠️ The attachment could not be sent: gone.pdf does not exist` },
    ]);
  });

  it('a send a person asked for fails instead, with the MediaError', async () => {
    const err = await composeReply({ text: 'x', media: [big] }, opts(true)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe('too_large');
  });
});
