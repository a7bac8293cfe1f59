import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { OutboundPort } from './port';
import { Typing } from './typing';

const A = '15550001111@s.whatsapp.net';
const B = '15550002222@s.whatsapp.net';

/** Records each presence update as "state:chat" the moment the port is asked for it. */
function recordingPort(opts: { fails?: boolean } = {}) {
  const presences: string[] = [];
  const port: OutboundPort = {
    accountId: 'default',
    connected: () => true,
    newMessageId: () => 'ID',
    send: () => Promise.reject(new Error('not used here')),
    presence: (chat, state) => {
      presences.push(`${state}:${chat}`);
      return opts.fails ? Promise.reject(new Error('socket closed')) : Promise.resolve();
    },
  };
  return { port, presences };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Typing', () => {
  it('sends composing on the next turn of the event loop, not inside the caller’s work', async () => {
    const { port, presences } = recordingPort();
    const typing = new Typing(() => port, pino({ level: 'silent' }), 60_000);
    typing.start('default', A);
    // Whatever the caller does next in this turn (the model request) goes first.
    expect(presences).toEqual([]);
    expect(typing.isTyping('default', A)).toBe(true);
    await nextTurn();
    expect(presences).toEqual([`composing:${A}`]);
    typing.close();
  });

  it('keeps the order of a start and a stop within one turn, per chat', async () => {
    const { port, presences } = recordingPort();
    const typing = new Typing(() => port, pino({ level: 'silent' }), 60_000);
    const stopA = typing.start('default', A);
    typing.start('default', B);
    stopA();
    expect(presences).toEqual([]);
    await nextTurn();
    expect(presences).toEqual([`composing:${A}`, `composing:${B}`, `paused:${A}`]);
    expect(typing.isTyping('default', A)).toBe(false);
    typing.close();
  });

  it('sends what was asked for when closed, and nothing after', async () => {
    const { port, presences } = recordingPort();
    const typing = new Typing(() => port, pino({ level: 'silent' }), 10);
    const stop = typing.start('default', A);
    stop();
    typing.start('default', B);
    typing.close();
    expect(presences).toEqual([`composing:${A}`, `paused:${A}`, `composing:${B}`]);
    await new Promise((r) => setTimeout(r, 50));
    expect(presences).toHaveLength(3);
  });

  it('ignores a failed presence update and an account that is not connected', async () => {
    const failing = recordingPort({ fails: true });
    const typing = new Typing(() => failing.port, pino({ level: 'silent' }), 60_000);
    typing.start('default', A)();
    await nextTurn();
    expect(failing.presences).toEqual([`composing:${A}`, `paused:${A}`]);
    typing.close();

    const none = new Typing(() => null, pino({ level: 'silent' }), 60_000);
    none.start('default', A);
    await nextTurn();
    expect(none.isTyping('default', A)).toBe(true);
    none.close();
  });
});
