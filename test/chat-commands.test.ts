// /new, /status and /help end to end: a real gateway (real Baileys client, wa-sim), with the model simulator as
// the agent's model or with no model at all. The tests assert what the sender's device decrypted and that no
// command ever reached the model.
import { describe, expect, it } from 'vitest';
import type { Contact } from '../e2e/wa-sim/index';
import { agentSuite, modelConfig, OPEN_DMS, outcomeOf } from './support/agent';
import { textOf, type InboundGateway } from './support/inbound';

const suite = agentSuite('chat-commands');

/** Sends a command and returns the text of the next message the sender's device decrypts after it. */
async function ask(g: InboundGateway, from: Contact, text: string): Promise<string> {
  const seen = new Set(from.messages().map((m) => m.id));
  await from.send(g.phone, text);
  return textOf(await from.nextMessage((m) => !seen.has(m.id)));
}

describe('chat commands with a model', () => {
  it('/status reports the model, this session’s turns, tokens and cost, WhatsApp health and waiting messages', async () => {
    const g = await suite.gateway('+15550710001', OPEN_DMS + modelConfig(suite.model));
    const alice = suite.sim.contact('+15550711001', { name: 'Alice' });
    suite.model.script({ text: 'Hi Alice.' });
    expect(await ask(g, alice, 'hello')).toBe('Hi Alice.');

    const status = await ask(g, alice, '/status');
    const lines = status.split('\n');
    expect(lines[0]).toBe('Model: sim/sim-model (simulated)');
    expect(lines[1]).toMatch(
      /^Session: 2 turns, [1-9]\d* tokens \([1-9]\d* in, [1-9]\d* out\), cost \$\d+\.\d{4}$/,
    );
    expect(lines[2]).toMatch(/^WhatsApp: open — /);
    expect(lines[3]).toBe('Waiting: 0 messages');
    expect(await suite.model.waitForRequests(1)).toHaveLength(1);

    const help = await ask(g, alice, '/help');
    expect(help.split('\n')).toEqual([
      'Commands (each as a message on its own):',
      expect.stringMatching(/^\/new — /),
      expect.stringMatching(/^\/reset — /),
      expect.stringMatching(/^\/status — /),
      expect.stringMatching(/^\/help — /),
    ]);
    // Only the first message was a model call.
    expect(suite.model.requests).toHaveLength(1);
  });

  it('/new answers that a fresh session started, once, without a model call, and /status counts from there', async () => {
    const g = await suite.gateway('+15550710002', OPEN_DMS + modelConfig(suite.model));
    const bob = suite.sim.contact('+15550711002', { name: 'Bob' });
    suite.model.script({ text: 'Noted.' });
    expect(await ask(g, bob, 'remember: blue')).toBe('Noted.');
    const seen = new Set(bob.messages().map((m) => m.id));
    const id = await bob.send(g.phone, '/new');
    const reply = await bob.nextMessage((m) => !seen.has(m.id));
    expect(textOf(reply)).toBe('New session started: earlier messages are forgotten.');
    const seq = (await g.nextAccepted((m) => m.messageId === id)).seq;
    expect(await outcomeOf(g, seq)).toMatchObject({ state: 'answered', outboxIds: [reply.id] });
    expect(bob.deliveryCount(reply.id)).toBe(1);
    // /status counts the conversation since /new: what the next model request carries.
    expect((await ask(g, bob, '/status')).split('\n')[1]).toBe('Session: new (no turns yet)');
    expect(suite.model.requests).toHaveLength(1);
  });
});

describe('chat commands with no model configured', () => {
  it('are answered while ordinary messages wait for a model', async () => {
    const owner = suite.sim.contact('+15550711003', { name: 'Owner' });
    const g = await suite.gateway(
      '+15550710003',
      `channels: { whatsapp: { dmPolicy: 'allowlist', allowFrom: ['${owner.e164}'] } },`,
    );
    const waiting = await owner.send(g.phone, 'anyone there?');
    const waitingSeq = (await g.nextAccepted((m) => m.messageId === waiting)).seq;

    const status = (await ask(g, owner, '/status')).split('\n');
    expect(status[0]).toMatch(/^Model: none — No model configured/);
    expect(status[1]).toBe('Session: new (no turns yet)');
    expect(status[3]).toBe('Waiting: 1 message');
    const help = await ask(g, owner, '/help');
    // The owner also sees the owner-only commands.
    expect(help).toMatch(/^\/config show \[path\]/m);
    expect(help).toMatch(/^\/activation mention\|always — /m);
    expect(await ask(g, owner, '/reset')).toBe('New session started: earlier messages are forgotten.');
    expect(await ask(g, owner, '/config')).toMatch(/^\/config is off\./);

    // The ordinary message still waits, unanswered, for a model.
    const { outcomes } = await g.call<{ outcomes: Array<{ state: string }> }>('inbound.outcomes', {
      seqs: [waitingSeq],
    });
    expect(outcomes[0]!.state).toBe('waiting');
    expect(owner.messages()).toHaveLength(4);
    expect(suite.model.requests).toHaveLength(0);
  });
});
