import { describe, expect, it } from 'vitest';
import { newMessageId } from './message-id';
import { createOutboundSocket } from './outbound-socket';

describe('newMessageId', () => {
  it('gives ids in WhatsApp Web form, all distinct across several refills of its pool', () => {
    const ids = Array.from({ length: 5000 }, () => newMessageId());
    for (const id of ids) expect(id).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is what the outbound socket hands the outbox, without a socket to ask', () => {
    const port = createOutboundSocket({ accountId: 'default', socket: () => null });
    expect(port.newMessageId).toBe(newMessageId);
    expect(port.newMessageId()).toMatch(/^3EB0[0-9A-F]{18}$/);
  });
});
