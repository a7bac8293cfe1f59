// The admin API's actions, each a thin layer over the simulator's own test API (Sim, Phone, Contact, sim.fault)
// so that what a person clicks does exactly what a test would do.
import type { proto } from '@whiskeysockets/baileys';
import { Contact, Phone, type Sim } from '../index';
import { userOf, type Account } from '../server/model';
import { e164Of, type Journal } from './journal';
import {
  ContactBody,
  FaultBody,
  HttpError,
  MessagesQuery,
  PhoneBody,
  PresenceBody,
  ReactBody,
  ReadBody,
  RejectBody,
  ScanBody,
  SendBody,
  parseOr400,
  type DeviceFault,
} from './schemas';

export type Handler = (input: { body: unknown; query: URLSearchParams }) => unknown;

/** Errors the simulator raises about the request (QR expired, no connected device, …) are conflicts. */
async function simulator<T>(action: () => T | Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    throw new HttpError(409, err instanceof Error ? err.message : String(err));
  }
}

export function makeApi(sim: Sim, journal: Journal): Record<string, Handler> {
  const server = sim.server;

  const accountView = (a: Account) => ({
    e164: e164Of(a),
    lid: a.lid,
    name: a.name,
    devices: a.linkedCompanions().map((c) => ({
      device: c.device,
      platform: c.platform,
      connected: !!c.conn && !c.conn.closed,
      queued: c.queue.length,
      unacked: c.unacked.size,
    })),
    loginAttempts: server.loginAttempts.get(a.user) ?? 0,
  });

  /** The simulated person behind an E.164 number; never creates one (that is what /phones and /contacts do). */
  const person = (e164: string, field: string): Phone | Contact => {
    const user = userOf(e164);
    if (server.accounts.has(user)) return sim.phone(e164);
    if (server.contacts.has(user)) return sim.contact(e164);
    throw new HttpError(404, `${field}: no simulated phone or contact ${e164}`);
  };
  const phone = (e164: string, field: string): Phone => {
    const p = person(e164, field);
    if (!(p instanceof Phone)) throw new HttpError(400, `${field}: ${e164} is a contact, not a phone`);
    return p;
  };
  const contact = (e164: string, field: string): Contact => {
    const c = person(e164, field);
    if (!(c instanceof Contact)) throw new HttpError(400, `${field}: ${e164} is a phone, not a contact`);
    return c;
  };

  return {
    'GET /api/state': () => ({
      accounts: [...server.accounts.values()].map(accountView),
      contacts: [...server.contacts.values()].map((c) => ({
        e164: e164Of(c),
        lid: c.lid,
        name: c.name,
        deviceCount: c.devices.size,
      })),
      connections: server.connections.size,
    }),

    'GET /api/trust': () => ({
      rootPublicKey: Buffer.from(sim.rootPublicKey).toString('hex'),
      mediaCa: sim.mediaHost.ca,
    }),

    'POST /api/phones': ({ body }) => {
      const b = parseOr400(PhoneBody, body);
      if (server.contacts.has(userOf(b.e164)))
        throw new HttpError(409, `e164: ${b.e164} is already a contact`);
      const p = sim.phone(b.e164, { name: b.name });
      // An existing phone keeps its name unless a new one is given.
      if (b.name !== undefined) p.user.name = b.name;
      return accountView(p.account);
    },

    'POST /api/contacts': async ({ body }) => {
      const b = parseOr400(ContactBody, body);
      // The simulator refuses a number that is already a phone; an existing contact keeps its devices.
      const c = await simulator(() => sim.contact(b.e164, { name: b.name, devices: b.devices }));
      if (b.name !== undefined) c.user.name = b.name;
      return { e164: c.e164, lid: c.lid, name: c.name, deviceCount: c.user.devices.size };
    },

    'POST /api/scan': async ({ body }) => {
      const b = parseOr400(ScanBody, body);
      const p = phone(b.phone, 'phone');
      return { device: await simulator(() => p.scan(b.qr)) };
    },

    'POST /api/reject': async ({ body }) => {
      const b = parseOr400(RejectBody, body);
      await simulator(() => server.reject(b.qr));
      return { ok: true };
    },

    'POST /api/send': async ({ body }) => {
      const b = parseOr400(SendBody, body);
      const from = person(b.from, 'from');
      const to = person(b.to, 'to');
      const content = await composeContent(from, to, b);
      if (from instanceof Contact) {
        if (!(to instanceof Phone)) throw new HttpError(400, 'to: a contact can only write to a phone');
        return { id: await simulator(() => from.send(to, content)) };
      }
      if (to instanceof Phone && to !== from)
        throw new HttpError(400, 'to: a phone writes to itself (self-chat) or to a contact');
      return { id: await simulator(() => from.send(to, content)) };
    },

    'POST /api/react': async ({ body }) => {
      const b = parseOr400(ReactBody, body);
      const from = person(b.from, 'from');
      const target = { id: b.id, fromMe: b.fromMe };
      if (from instanceof Contact)
        return { id: await simulator(() => from.react(phone(b.to, 'to'), target, b.emoji)) };
      // A phone has no react(): send the same reaction message a contact's react() builds.
      const to = person(b.to, 'to');
      const reaction: proto.IMessage = {
        reactionMessage: {
          key: { remoteJid: to.jid, fromMe: b.fromMe, id: b.id },
          text: b.emoji,
          senderTimestampMs: Date.now(),
        },
      };
      return { id: await simulator(() => from.send(to, reaction)) };
    },

    'POST /api/read': ({ body }) => {
      const b = parseOr400(ReadBody, body);
      contact(b.from, 'from').read(phone(b.to, 'to'), b.ids);
      return { ok: true };
    },

    'POST /api/presence': ({ body }) => {
      const b = parseOr400(PresenceBody, body);
      contact(b.from, 'from').presence(phone(b.to, 'to'), b.state);
      return { ok: true };
    },

    'GET /api/messages': ({ query }) => {
      const q = parseOr400(MessagesQuery, Object.fromEntries(query));
      const p = person(q.person, 'person');
      return { person: p.e164, ...journal.read(p.user, q.since ?? 0) };
    },

    'POST /api/fault': async ({ body }) => {
      const b = parseOr400(FaultBody, body);
      switch (b.kind) {
        case 'refuseConnections':
          sim.fault.refuseConnections(b.ms);
          break;
        case 'acceptConnections':
          sim.fault.acceptConnections();
          break;
        case 'silentHandshakes':
          sim.fault.silentHandshakes(b.ms);
          break;
        case 'answerHandshakes':
          sim.fault.answerHandshakes();
          break;
        case 'slowResponses':
          sim.fault.slowResponses(b.ms!);
          break;
        case 'restartAfterEachLogin':
          // Without ms the loop stops.
          sim.fault.restartAfterEachLogin(b.ms ?? null);
          break;
        case 'rateOverlimit':
          sim.fault.rateOverlimit(phone(b.phone!, 'phone').account, b.count!);
          break;
        default: {
          const account = phone(b.phone!, 'phone').account;
          const kind: DeviceFault = b.kind;
          await simulator(() => sim.fault[kind](account, b.device));
        }
      }
      return { ok: true };
    },
  };
}

type SendInput = ReturnType<typeof SendBody.parse>;

/** Text, media or both (text becomes the caption), with a quote and mentions in the contextInfo. */
async function composeContent(
  from: Phone | Contact,
  to: Phone | Contact,
  b: SendInput,
): Promise<string | proto.IMessage> {
  const context: proto.IContextInfo = {};
  if (b.quote) {
    // WhatsApp carries the quoted message's content too: use it when the sender received that message, else an
    // empty text (enough for Baileys to treat the message as a reply).
    const original = from.messages().find((m) => m.id === b.quote!.id)?.message;
    context.stanzaId = b.quote.id;
    context.participant = b.quote.fromMe ? from.jid : to.jid;
    context.quotedMessage = original ?? { conversation: '' };
  }
  if (b.mentions?.length) context.mentionedJid = b.mentions.map((m) => `${userOf(m)}@s.whatsapp.net`);
  const hasContext = Object.keys(context).length > 0;

  if (!b.media) {
    return hasContext ? { extendedTextMessage: { text: b.text, contextInfo: context } } : b.text!;
  }
  const { kind, base64, caption, ...opts } = b.media;
  const message = await simulator(() =>
    from.media(kind, Buffer.from(base64, 'base64'), { ...opts, caption: caption ?? b.text }),
  );
  if (hasContext) {
    for (const inner of Object.values(message) as Array<{ contextInfo?: proto.IContextInfo } | null>)
      if (inner) inner.contextInfo = context;
  }
  return message;
}
