// message.send's handler on its own, with an outbox that records what it is given and a WhatsApp manager that only
// answers who is connected. The whole path (dispatcher, real outbox, Baileys, simulator) is test/outbound-*.test.ts.
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/schema';
import type { Outbox } from '../outbound/outbox';
import type { OutboundPayload } from '../outbound/types';
import type { WhatsAppManager } from '../whatsapp/manager';
import { outboundHandlers } from './outbound-methods';

const SELF = '15550800002@s.whatsapp.net';

function handlers(config: unknown = {}) {
  const stored: Array<{ chat: string; payloads: OutboundPayload[] }> = [];
  let n = 0;
  const outbox = {
    enqueue: (req: { chat: string; payloads: OutboundPayload[] }) => {
      stored.push({ chat: req.chat, payloads: req.payloads });
      return req.payloads.map(() => ({ messageId: `ID${++n}` }));
    },
  } as unknown as Outbox;
  const port = { accountId: 'default', connected: () => true };
  const whatsapp = {
    defaultAccount: () => 'default',
    outboundPort: () => port,
    port: () => ({ self: () => ({ pn: SELF }) }),
    status: () => [],
  } as unknown as WhatsAppManager;
  const cfg = ConfigSchema.parse(config);
  const h = outboundHandlers({ outbox, whatsapp, config: () => cfg, stateDir: '/nonexistent-state' });
  return { send: h['message.send'], stored };
}

describe('message.send handler', () => {
  it('stores a text-only message before it first yields, formatted, prefixed in self-chat and chunked', async () => {
    const { send, stored } = handlers({ channels: { whatsapp: { textChunkLimit: 20 } } });
    const pending = send({ to: '+15550800002', message: '**Hello** there, this is long' }, {} as never);
    // Nothing to wait for in plain text: the items are in the outbox by the time the call returns its promise.
    expect(stored).toHaveLength(1);
    expect(stored[0]!.chat).toBe(SELF);
    expect(stored[0]!.payloads).toEqual([
      { kind: 'text', text: '[openclaw] *Hello*' },
      { kind: 'text', text: 'there, this is long' },
    ]);
    await expect(pending).resolves.toEqual({ accountId: 'default', to: '+15550800002', ids: ['ID1', 'ID2'] });
  });

  it('refuses text that is empty once formatted, storing nothing', async () => {
    const { send, stored } = handlers();
    await expect(send({ to: '+15550801001', message: '---' }, {} as never)).rejects.toMatchObject({
      code: 'outbound.invalid_message',
    });
    expect(stored).toHaveLength(0);
  });

  it('still prepares media first and reports a file that cannot be used as outbound.media_failed', async () => {
    const { send, stored } = handlers();
    await expect(
      send({ to: '+15550801001', message: 'look', media: ['/nonexistent/pic.png'] }, {} as never),
    ).rejects.toMatchObject({ code: 'outbound.media_failed' });
    expect(stored).toHaveLength(0);
  });
});
