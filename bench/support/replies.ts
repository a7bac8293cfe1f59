// Shared by bench/agent.bench.ts: message tags that survive the whole trip (contact → WhatsApp client → model →
// reply), waiting for the contact's device to decrypt the reply that carries a tag, and the wire timestamps taken
// from outside the gateway (wa-sim's socket writes and reads, model-sim's request and end of stream).
import type { BinaryNode } from '@whiskeysockets/baileys';
import type { RecordedRequest } from '../../e2e/model-sim/index';
import type { Contact, Sim } from '../../e2e/wa-sim/index';
import type { Connection } from '../../e2e/wa-sim/server/connection';

/** Lower-case letters and digits between "tk" and "x": no character WhatsApp formatting or markdown would touch. */
const TAG_RE = /\btk[0-9a-z]+x\b/g;

export const tag = (...parts: Array<string | number>): string => `tk${parts.join('n')}x`;

export const tagsIn = (text: string): string[] => text.match(TAG_RE) ?? [];

/** The tags in the newest message of a model request: the turn being answered (earlier turns hold older tags). */
export function requestTags(req: RecordedRequest): string[] {
  const messages: unknown = req.body?.messages;
  return Array.isArray(messages) ? tagsIn(JSON.stringify(messages.at(-1) ?? '')) : [];
}

const REPLY_TIMEOUT_MS = 30_000;

/**
 * Resolves waiters when one of the contacts' first devices decrypts a message carrying their tag. One per run:
 * it wraps each contact's recorder once.
 */
export class ReplyWatch {
  private readonly waiters = new Map<string, () => void>();

  constructor(contacts: Contact[]) {
    for (const contact of contacts) {
      const record = contact.user.record.bind(contact.user);
      contact.user.record = (m) => {
        record(m);
        if (m.device !== 0) return;
        const text = m.message.conversation ?? m.message.extendedTextMessage?.text ?? '';
        for (const t of tagsIn(text)) {
          this.waiters.get(t)?.();
          this.waiters.delete(t);
        }
      };
    }
  }

  /** Register before sending: a reply can arrive before the send's promise settles. */
  reply(t: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(t);
        reject(new Error(`no reply carrying ${t} reached the contact within ${REPLY_TIMEOUT_MS / 1000} s`));
      }, REPLY_TIMEOUT_MS);
      this.waiters.set(t, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * Message stanzas on one account's client sockets, timed where the simulator writes them (to the client) and
 * reads them (from the client). Uses wa-sim's 'sent' event and a handler that claims nothing.
 */
export function watchMessageStanzas(
  sim: Sim,
  accountUser: string,
  on: { toClient(node: BinaryNode, at: number): void; fromClient(node: BinaryNode, at: number): void },
): () => void {
  const sent = (conn: Connection, node: BinaryNode) => {
    if (conn.user === accountUser && node.tag === 'message') on.toClient(node, performance.now());
  };
  sim.server.on('sent', sent);
  let active = true;
  sim.server.prependHandler((conn, node) => {
    if (active && conn.user === accountUser && node.tag === 'message') on.fromClient(node, performance.now());
    return false;
  });
  return () => {
    active = false;
    sim.server.off('sent', sent);
  };
}

/**
 * Calls `onEnd` when model-sim has finished writing this request's answer: it marks the exchange 'completed' when
 * the response closes after its last byte went out, so the setter sees that moment without changing model-sim.
 */
export function onStreamEnd(req: RecordedRequest, onEnd: (at: number) => void): void {
  let outcome = req.outcome;
  Object.defineProperty(req, 'outcome', {
    configurable: true,
    enumerable: true,
    get: () => outcome,
    set: (value: RecordedRequest['outcome']) => {
      outcome = value;
      if (value === 'completed') onEnd(performance.now());
    },
  });
}
