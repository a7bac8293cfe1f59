// Shared set-up for simulator tests: a linked Baileys client for a phone, with its events recorded.
import type { BaileysEventMap, WAMessage } from '@whiskeysockets/baileys';
import { vi } from 'vitest';
import { connect, memoryAuth, trustSimulator, type MemoryAuth, type SimClient } from '../client';
import { startSim, type Contact } from '../index';
import type { Phone, Sim } from '../index';

export interface Linked {
  client: SimClient;
  auth: MemoryAuth;
  upserts: Array<{ type: string; message: WAMessage }>;
  updates: BaileysEventMap['messages.update'];
  nextUpsert(match: (m: WAMessage, type: string) => boolean, timeoutMs?: number): Promise<WAMessage>;
  /** Resolves once message `id` reached at least `status`, whether Baileys said so in an update or (when the
   * receipt raced the message's own upsert and its event buffer merged them) on the upsert itself. */
  reachesStatus(id: string, status: number, timeoutMs?: number): Promise<void>;
}

export async function linkClient(
  sim: Sim,
  phone: Phone,
  config: Parameters<typeof connect>[2] = {},
): Promise<Linked> {
  const auth = memoryAuth();
  const pairing = connect(sim.url, auth, config);
  const { qr } = await pairing.waitFor((u) => !!u.qr, 'a QR');
  await phone.scan(qr!);
  await pairing.waitFor((u) => u.connection === 'close', 'the 515 restart');
  return openClient(sim, auth, config);
}

/** Connects an already-linked auth state and records message events from the start. */
export async function openClient(
  sim: Sim,
  auth: MemoryAuth,
  config: Parameters<typeof connect>[2] = {},
): Promise<Linked> {
  const client = connect(sim.url, auth, config);
  const upserts: Linked['upserts'] = [];
  const updates: Linked['updates'] = [];
  const waiters = new Set<() => void>();
  client.sock.ev.on('messages.upsert', ({ messages, type }) => {
    for (const message of messages) upserts.push({ type, message });
    for (const w of [...waiters]) w();
  });
  client.sock.ev.on('messages.update', (u) => {
    updates.push(...u);
    for (const w of [...waiters]) w();
  });
  await client.waitFor((u) => u.receivedPendingNotifications === true, 'the offline marker');
  const statusOf = (id: string) =>
    Math.max(
      -1,
      ...upserts.filter((u) => u.message.key.id === id).map((u) => u.message.status ?? -1),
      ...updates.filter((u) => u.key.id === id).map((u) => u.update.status ?? -1),
    );
  const until = (done: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    client,
    auth,
    upserts,
    updates,
    reachesStatus(id, status, timeoutMs = 10_000) {
      return until(
        () => statusOf(id) >= status,
        `message ${id} to reach status ${status} (now ${statusOf(id)})`,
        timeoutMs,
      );
    },
    nextUpsert(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = upserts.find((u) => match(u.message, u.type));
          if (!hit) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit.message);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching messages.upsert within ${timeoutMs} ms (have ${upserts.length})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

export interface Conversation {
  sim: Sim;
  phone: Phone;
  alice: Contact;
  linked: Linked;
}

/**
 * A simulator with a phone linked to a real Baileys client and one contact, Alice. libsignal narrates every
 * session it opens on the console, so that is muted for the file.
 */
export async function startConversation(opts: {
  seed: string;
  phone: string;
  alice: string;
  /** Socket options, or a function of the started simulator (e.g. to trust its media host). */
  config?: Parameters<typeof connect>[2] | ((sim: Sim) => Parameters<typeof connect>[2]);
}): Promise<Conversation> {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const sim = await startSim({ seed: opts.seed });
  trustSimulator(sim.rootPublicKey);
  const phone = sim.phone(opts.phone, { name: 'Owner' });
  const alice = sim.contact(opts.alice, { name: 'Alice' });
  const linked = await linkClient(
    sim,
    phone,
    typeof opts.config === 'function' ? opts.config(sim) : opts.config,
  );
  return { sim, phone, alice, linked };
}

export async function endConversation(c: { sim?: Sim; linked?: Linked }): Promise<void> {
  c.linked?.client.end();
  await c.sim?.close();
}
