// The agent answers, end to end: a simulated contact writes to a real gateway (real Baileys client, wa-sim), the
// agent asks the loopback model server through the official SDK of each wire format, and the contact's device
// decrypts the answer. The tests assert what the model was sent (envelope, workspace files, prior turns, the same
// system prompt every turn) and what the contact got.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionSummary, Turn } from '../src/shared/contract-agent';
import {
  agentSuite,
  lastUserText,
  modelConfig,
  OPEN_DMS,
  outcomeOf,
  systemOf,
  transcript,
  type WireFormat,
} from './support/agent';
import { textOf } from './support/inbound';

const suite = agentSuite('agent-reply');

describe.each<[WireFormat, string]>([
  ['openai', '1'],
  ['anthropic', '2'],
])('a direct message answered by the model (%s wire format)', (format, n) => {
  it("reaches the contact's device, with the envelope, workspace and earlier turns sent to the model", async () => {
    const g = await suite.gateway(`+1555060000${n}`, OPEN_DMS + modelConfig(suite.model, format));
    const alice = suite.sim.contact(`+1555060100${n}`, { name: 'Alice' });
    suite.model.script({ text: 'Hello Alice, **nice** to meet you.' }, { text: 'You asked about tea.' });

    const first = await alice.send(g.phone, 'hi, I am Alice');
    const reply = await alice.nextMessage();
    // Markdown became WhatsApp formatting on the way out.
    expect(textOf(reply)).toBe('Hello Alice, *nice* to meet you.');
    const [req1] = await suite.model.waitForRequests(1);
    expect(req1!.format).toBe(format);
    expect(req1!.model).toBe('sim-model');
    const accepted = await g.nextAccepted((m) => m.messageId === first);
    expect(lastUserText(req1!)).toContain(accepted.body);
    expect(lastUserText(req1!)).toContain(`message_id: ${first}`);
    // The seeded workspace's files are in the system prompt.
    expect(systemOf(req1!)).toContain('AGENTS.md');
    expect(systemOf(req1!)).toContain('NO_REPLY');
    expect(await outcomeOf(g, accepted.seq)).toMatchObject({ state: 'answered', outboxIds: [reply.id] });

    const second = await alice.send(g.phone, 'what about tea?');
    expect(textOf(await alice.nextMessage((m) => m.id !== reply.id))).toBe('You asked about tea.');
    const [, req2] = await suite.model.waitForRequests(2);
    const lines = transcript(req2!).filter((l) => !l.startsWith('system'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('hi, I am Alice');
    expect(lines[1]).toBe('assistant: Hello Alice, **nice** to meet you.');
    expect(lines[2]).toContain('what about tea?');
    expect(lines[2]).toContain(`message_id: ${second}`);
    // Per-turn facts travel in the message, so the prompt (and the provider's cache) is the same both turns.
    expect(systemOf(req2!)).toBe(systemOf(req1!));
    expect(systemOf(req1!).length).toBeGreaterThan(200);

    const { sessions } = await g.call<{ sessions: SessionSummary[] }>('sessions.list', {});
    expect(sessions).toEqual([
      expect.objectContaining({ key: 'agent:main:main', agentId: 'main', turns: 4, running: false }),
    ]);
    expect(sessions[0]!.usage.input).toBeGreaterThan(0);
    const shown = await g.call<{ turns: Turn[] }>('sessions.show', { key: 'agent:main:main' });
    expect(shown.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(shown.turns[0]!.messageIds).toEqual([first]);
    expect(shown.turns[1]!.model).toBe('sim/sim-model');
  });
});

describe('NO_REPLY and /new', () => {
  it('sends nothing for NO_REPLY; /new confirms and the next request carries no earlier turns', async () => {
    const g = await suite.gateway('+15550600003', OPEN_DMS + modelConfig(suite.model));
    const bob = suite.sim.contact('+15550601003', { name: 'Bob' });
    suite.model.script({ text: 'NO_REPLY' }, { text: 'Noted.' }, { text: 'Fresh answer.' });

    const quiet = await bob.send(g.phone, 'just saying ok');
    const quietSeq = (await g.nextAccepted((m) => m.messageId === quiet)).seq;
    expect(await outcomeOf(g, quietSeq)).toMatchObject({ state: 'silent' });
    await bob.send(g.phone, 'remember: blue');
    expect(textOf(await bob.nextMessage())).toBe('Noted.');
    // The first thing Bob's device got is the answer to the second message: NO_REPLY sent nothing.
    expect(bob.messages()).toHaveLength(1);

    const reset = await bob.send(g.phone, '/new');
    const confirmation = await bob.nextMessage((m) => textOf(m) !== 'Noted.');
    expect(textOf(confirmation)).toMatch(/new session/i);
    const resetSeq = (await g.nextAccepted((m) => m.messageId === reset)).seq;
    expect(await outcomeOf(g, resetSeq)).toMatchObject({ state: 'answered', outboxIds: [confirmation.id] });

    await bob.send(g.phone, 'what colour?');
    expect(textOf(await bob.nextMessage((m) => textOf(m) === 'Fresh answer.'))).toBe('Fresh answer.');
    const requests = await suite.model.waitForRequests(3);
    expect(requests).toHaveLength(3); // /new itself is not a model call
    const last = transcript(requests[2]!).filter((l) => !l.startsWith('system'));
    expect(last).toHaveLength(1);
    expect(last[0]).toContain('what colour?');
    expect(last.join('\n')).not.toContain('blue');
    expect(transcript(requests[1]!).join('\n')).toContain('just saying ok');
  });
});

describe('the workspace', () => {
  it("shows the owner's edit of AGENTS.md in the very next turn", async () => {
    const g = await suite.gateway('+15550600004', OPEN_DMS + modelConfig(suite.model));
    const carol = suite.sim.contact('+15550601004', { name: 'Carol' });
    suite.model.script({ text: 'First.' }, { text: 'Second.' });

    await carol.send(g.phone, 'hello');
    expect(textOf(await carol.nextMessage())).toBe('First.');
    const [req1] = await suite.model.waitForRequests(1);
    expect(systemOf(req1!)).not.toContain('EDITED-AGENTS-MARKER');
    // Written right after the answer, well within any interval a cache might trust the disk for.
    await writeFile(join(g.t.stateDir, 'workspace', 'AGENTS.md'), 'Always sign with EDITED-AGENTS-MARKER.\n');

    await carol.send(g.phone, 'again');
    expect(textOf(await carol.nextMessage((m) => textOf(m) === 'Second.'))).toBe('Second.');
    const [, req2] = await suite.model.waitForRequests(2);
    expect(systemOf(req2!)).toContain('Always sign with EDITED-AGENTS-MARKER.');
  });
});
