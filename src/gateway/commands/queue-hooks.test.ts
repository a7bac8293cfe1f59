import { describe, expect, it } from 'vitest';
import { pickBatch } from '../agent/queue';
import type { AcceptedRow } from '../store/queries/inbox';
import { CommandFinder, isCommandRow } from './queue-hooks';

let seq = 0;
const row = (text: string, acceptedAt = 1000): AcceptedRow => ({
  seq: ++seq,
  account: 'default',
  chat: '15550000001@s.whatsapp.net',
  messageId: `M${seq}`,
  agentId: 'main',
  sessionKey: 'agent:main:main',
  body: text,
  meta: { text },
  acceptedAt,
});

describe('chat commands in the run queue', () => {
  it('a command runs alone, and a batch of ordinary messages stops before one', () => {
    const [a, status, b] = [row('hi'), row('/status'), row('more')];
    expect(pickBatch([status!, a!])).toEqual([status]);
    expect(pickBatch([a!, status!, b!])).toEqual([a]);
    expect(isCommandRow(row('/config set a=1'))).toBe(true);
    expect(isCommandRow(row('/status please'))).toBe(false);
  });

  it('finds the first waiting command behind ordinary messages, looking at each row once per list', () => {
    const finder = new CommandFinder();
    const list = [row('one'), row('two')];
    expect(finder.first(list, 0)).toEqual([]);
    const help = row('/help');
    list.push(help, row('/status'));
    expect(finder.first(list, 0)).toEqual([help]);
    // Rows already looked at are not looked at again: a row changed behind the finder's back is not re-read.
    list[0]!.meta.text = '/new';
    expect(finder.first(list, 0)).toEqual([help]);
    // An expired command is not run (the queue expires it instead).
    const old = new CommandFinder();
    expect(old.first([row('/help', 10)], 500)).toEqual([]);
  });
});
