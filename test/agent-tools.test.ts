// The agent's reach beyond a text reply, end to end: the `whatsapp` react tool (the contact's device shows the
// reaction; with reactions disabled the tool is not offered), bindings sending one contact to a second agent with
// its own workspace and model, and `agent.ask` (openclaw agent) delivering to a contact.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../e2e/model-sim/index';
import type { OutboxItem } from '../src/shared/contract-outbound';
import { agentSuite, lastUserText, modelConfig, OPEN_DMS, systemOf } from './support/agent';
import { textOf } from './support/inbound';

const suite = agentSuite('agent-tools');

/** The model reacts to the message it was shown (the id from its message line), then answers. */
function reactingModel(req: RecordedRequest) {
  const sent = JSON.stringify(req.body.messages);
  if (sent.includes('reaction is sent')) return { text: 'Reacted.' };
  const id = /message_id: (\S+?) /.exec(lastUserText(req))?.[1];
  return { toolCalls: [{ name: 'whatsapp', arguments: { action: 'react', messageId: id, emoji: '👍' } }] };
}

const toolNames = (req: RecordedRequest) =>
  ((req.body.tools ?? []) as Array<{ name?: string; function?: { name: string } }>).map(
    (t) => t.function?.name ?? t.name,
  );

describe('the whatsapp react tool', () => {
  it("puts the model's reaction on the contact's message, with the reply after it", async () => {
    const g = await suite.gateway('+15550630001', OPEN_DMS + modelConfig(suite.model, 'anthropic'));
    const ivy = suite.sim.contact('+15550631001', { name: 'Ivy' });
    suite.model.respond(reactingModel);
    const sent = await ivy.send(g.phone, 'I passed the exam!');
    const reaction = await ivy.nextMessage((m) => !!m.message.reactionMessage);
    expect(reaction.message.reactionMessage).toMatchObject({ text: '👍', key: { id: sent } });
    expect(textOf(await ivy.nextMessage((m) => !m.message.reactionMessage))).toBe('Reacted.');
    const [first, second] = await suite.model.waitForRequests(2);
    expect(toolNames(first!)).toEqual(['whatsapp']);
    // The second request carries the call and its result, in Anthropic's shape.
    expect(JSON.stringify(second!.body.messages)).toContain('tool_result');
    const shown = await g.call<{ turns: Array<{ role: string }> }>('sessions.show', {
      key: 'agent:main:main',
    });
    expect(shown.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  });

  it('is not offered when channels.whatsapp.actions.reactions is false', async () => {
    const g = await suite.gateway(
      '+15550630002',
      `channels: { whatsapp: { dmPolicy: 'open', allowFrom: ['*'], actions: { reactions: false } } },` +
        modelConfig(suite.model),
    );
    const jay = suite.sim.contact('+15550631002', { name: 'Jay' });
    suite.model.script({ text: 'Congrats!' });
    await jay.send(g.phone, 'I passed!');
    expect(textOf(await jay.nextMessage())).toBe('Congrats!');
    const [req] = await suite.model.waitForRequests(1);
    expect(toolNames(req!)).toEqual([]);
  });
});

describe('images', () => {
  it('sends a photo to a model whose input includes images, and only the placeholder to one without', async () => {
    const g = await suite.gateway(
      '+15550630005',
      OPEN_DMS +
        modelConfig(
          suite.model,
          'openai',
          '',
          undefined,
          `list: [{ id: 'main', default: true }, { id: 'eyes', model: 'sim/vision' }]`,
        ).replace(
          "{ id: 'backup', contextWindow: 16000 }",
          "{ id: 'backup' }, { id: 'vision', input: ['text', 'image'] }",
        ) +
        `bindings: [{ agentId: 'eyes', match: { channel: 'whatsapp', peer: { kind: 'dm', id: '+15550631006' } } }],`,
    );
    const seer = suite.sim.contact('+15550631006', { name: 'Seer' });
    const blind = suite.sim.contact('+15550631007', { name: 'Blind' });
    const bytes = randomBytes(3000);
    suite.model.script(
      { model: 'vision', text: 'Nice photo.' },
      { model: 'sim-model', text: 'I cannot see it.' },
    );
    await seer.send(g.phone, await seer.media('image', bytes, { caption: 'look' }));
    expect(textOf(await seer.nextMessage())).toBe('Nice photo.');
    await blind.send(g.phone, await blind.media('image', bytes, { caption: 'look' }));
    expect(textOf(await blind.nextMessage())).toBe('I cannot see it.');
    const [vision, text] = await suite.model.waitForRequests(2);
    const b64 = bytes.toString('base64');
    expect(JSON.stringify(vision!.body.messages)).toContain(b64);
    expect(JSON.stringify(text!.body.messages)).not.toContain(b64);
    expect(lastUserText(text!)).toContain('<media:image> look');
  });
});

describe('bindings and agent.ask', () => {
  it('routes a bound contact to the second agent, with its own workspace and model', async () => {
    const kim = suite.sim.contact('+15550632003', { name: 'Kim' });
    const lee = suite.sim.contact('+15550632004', { name: 'Lee' });
    const g = await suite.gateway(
      '+15550630003',
      OPEN_DMS +
        modelConfig(
          suite.model,
          'openai',
          '',
          undefined,
          `list: [{ id: 'main', default: true }, { id: 'work', model: 'sim/backup' }]`,
        ) +
        `bindings: [{ agentId: 'work', match: { channel: 'whatsapp', peer: { kind: 'dm', id: '${kim.e164}' } } }],`,
    );
    const workspace = join(g.t.stateDir, 'workspace-work');
    await mkdir(workspace, { recursive: true });
    await writeFile(join(workspace, 'SOUL.md'), 'You are the WORK-AGENT-MARKER assistant.\n');
    suite.model.script(
      { model: 'backup', text: 'Work agent here.' },
      { model: 'sim-model', text: 'Main here.' },
    );

    await kim.send(g.phone, 'work question');
    expect(textOf(await kim.nextMessage())).toBe('Work agent here.');
    await lee.send(g.phone, 'personal question');
    expect(textOf(await lee.nextMessage())).toBe('Main here.');
    const [work, main] = await suite.model.waitForRequests(2);
    expect([work!.model, main!.model]).toEqual(['backup', 'sim-model']);
    expect(systemOf(work!)).toContain('WORK-AGENT-MARKER');
    expect(systemOf(main!)).not.toContain('WORK-AGENT-MARKER');
    expect(systemOf(main!)).toContain('AGENTS.md');
    const { sessions } = await g.call<{ sessions: Array<{ key: string }> }>('sessions.list', {});
    expect(sessions.map((s) => s.key).sort()).toEqual(['agent:main:main', 'agent:work:main']);
  });

  it('agent.ask answers in the CLI session, and with to + deliver the contact gets the answer', async () => {
    const g = await suite.gateway('+15550630004', OPEN_DMS + modelConfig(suite.model));
    const max = suite.sim.contact('+15550631004', { name: 'Max' });
    suite.model.script({ text: 'pong' }, { text: 'Hello Max, from the owner.' });
    const plain = await g.call<{ text: string; model: string; delivered?: OutboxItem[] }>('agent.ask', {
      message: 'ping',
    });
    expect(plain).toMatchObject({ text: 'pong', model: 'sim/sim-model' });
    expect(plain.delivered).toBeUndefined();
    const sent = await g.call<{ delivered: OutboxItem[] }>('agent.ask', {
      message: 'greet Max',
      to: max.e164,
      deliver: true,
    });
    const got = await max.nextMessage();
    expect(textOf(got)).toBe('Hello Max, from the owner.');
    expect(sent.delivered.map((i) => i.messageId)).toEqual([got.id]);
    const { sessions } = await g.call<{ sessions: Array<{ key: string }> }>('sessions.list', {});
    expect(sessions.map((s) => s.key).sort()).toEqual(['agent:main:cli', 'agent:main:main']);
  });
});
