// A model's reply that attaches media with `MEDIA:` lines, end to end: the contact's device gets the image with the
// reply's text as its caption; an attachment that cannot be used still delivers the text, plus a warning line
// naming the attachment, instead of losing the reply (an automatic reply never fails on its media).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptMedia } from '../e2e/wa-sim/media/crypto';
import { opaquePng } from '../src/gateway/outbound/media/test-fixtures';
import { agentSuite, modelConfig, OPEN_DMS } from './support/agent';
import { textOf } from './support/inbound';

const suite = agentSuite('agent-media');
const files = mkdtempSync(join(tmpdir(), 'openclaw-agent-media-'));
afterAll(() => rmSync(files, { recursive: true, force: true }));

interface ImageFields {
  directPath?: string;
  mediaKey?: Uint8Array;
  mimetype?: string;
  caption?: string;
}

describe('MEDIA: lines in a reply', () => {
  it('send the file as an image whose caption is the reply text', async () => {
    const chart = join(files, 'chart.png');
    writeFileSync(chart, await opaquePng(64, 48));
    const g = await suite.gateway('+15550640001', OPEN_DMS + modelConfig(suite.model));
    const kim = suite.sim.contact('+15550641001', { name: 'Kim' });
    suite.model.script({ text: `Here is the chart.\nMEDIA: ${chart}` });
    await kim.send(g.phone, 'send me the chart');
    const got = await kim.nextMessage();
    const image = (got.message as { imageMessage?: ImageFields }).imageMessage;
    expect(image?.caption).toBe('Here is the chart.');
    expect(image?.mimetype).toMatch(/^image\//);
    const encrypted = suite.sim.mediaHost.get(image!.directPath!);
    const bytes = await decryptMedia(encrypted!, image!.mediaKey!, 'image');
    expect(bytes.length).toBeGreaterThan(0);
    // Nothing else was sent: the MEDIA line is not repeated as text.
    await suite.model.waitForRequests(1);
    expect(kim.messages()).toHaveLength(1);
  });

  it('that cannot be used still deliver the text, then a warning naming the attachment', async () => {
    const g = await suite.gateway('+15550640002', OPEN_DMS + modelConfig(suite.model));
    const lee = suite.sim.contact('+15550641002', { name: 'Lee' });
    const missing = join(files, 'not-there.png');
    suite.model.script({ text: `Here is the chart.\nMEDIA: ${missing}` });
    await lee.send(g.phone, 'send me the chart');
    const warning = textOf(await lee.nextMessage((m) => textOf(m).startsWith('⚠️')));
    expect(lee.messages().map(textOf)).toEqual(['Here is the chart.', warning]);
    expect(warning).toMatch(/^⚠️ The attachment could not be sent: /);
    // The contact learns the file's name, not where files live on the owner's machine.
    expect(warning).toContain('not-there.png does not exist');
    expect(warning).not.toContain(files);
    const outcomes = g.query<{ state: string }>('SELECT state FROM outcomes');
    expect(outcomes.map((o) => o.state)).toEqual(['answered']);
  });
});
