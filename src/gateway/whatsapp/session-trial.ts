// Why this exists: a contact's session record can hold several Signal sessions (the open one and archived ones),
// and libsignal decrypts a `msg` by trying each, most recently used first. Its trial is not side-effect free: the
// ratchet step and the message-key bookkeeping happen on the stored session object before the MAC is checked, so a
// failed trial leaves that session changed, and when a later session decrypts the message the whole record is
// stored, the damaged session with it. Signal's own libraries try each session on a copy.
//
// How it bites a gateway: after a restart, Baileys builds a fresh outgoing session for a contact on its first send
// (a force refresh when the LID mapping comes back from the device query). If that send is the outbox's resend of a
// message the contact already has, WhatsApp drops it as a duplicate, so the contact never sees the new session and
// replies on the previous one. Decrypting that reply first tried the new (open) session, stepped its ratchet with
// the contact's key, failed, then succeeded on the old one; every later answer went out on the damaged session and
// the contact's phone showed "Bad MAC" instead of it (test/agent-crash.test.ts, its second case). That refresh is
// now skipped for an unchanged identity (session-refresh.ts), but a contact's phone asking for a message again, or
// a new identity, still starts a session the contact may answer around.
//
// Here each trial runs on a copy, and only the session that decrypts takes the copy's state. With a single session
// there is nothing to protect: a failure throws before the record is stored, so libsignal's own loop runs.
import { requireAsBaileys } from './baileys-require';

interface Session {
  serialize(): unknown;
  constructor: { deserialize(data: unknown): Session };
}
type Trial = (data: Buffer, sessions: Session[]) => Promise<{ session: Session; plaintext: Buffer }>;
interface CipherPrototype {
  decryptWithSessions: Trial & { original?: Trial };
  doDecryptWhisperMessage(data: Buffer, session: Session): Promise<Buffer>;
}
interface SignalModule {
  SessionCipher: { prototype: CipherPrototype };
  SessionError: new (message: string) => Error;
}

/** The very module Baileys decrypts with (and the simulator's devices, which import the same copy). */
function signalModule(): SignalModule {
  return requireAsBaileys('libsignal') as SignalModule;
}

/** A copy of `session` that shares nothing mutable with it (libsignal's own serialized form, as stored). */
const copyOf = (session: Session): Session => session.constructor.deserialize(session.serialize());

/** Makes `target` the state of `source`, same object, so the record that holds it stores the new state. */
function adopt(target: Session, source: Session): void {
  for (const key of Object.keys(target)) delete (target as unknown as Record<string, unknown>)[key];
  Object.assign(target, source);
}

function withCopiedTrials(signal: SignalModule, original: Trial): Trial {
  return async function (this: CipherPrototype, data, sessions) {
    if (sessions.length <= 1) return original.call(this, data, sessions);
    for (const session of sessions) {
      const trial = copyOf(session);
      let plaintext: Buffer;
      try {
        plaintext = await this.doDecryptWhisperMessage(data, trial);
      } catch {
        continue; // expected for every session but the sender's; libsignal's own message below if none fits
      }
      adopt(session, trial);
      (session as unknown as { indexInfo: { used: number } }).indexInfo.used = Date.now();
      return { session, plaintext };
    }
    throw new signal.SessionError('No matching sessions found for message');
  };
}

/** Installs copied trials into libsignal's SessionCipher; idempotent. */
export function installSessionTrialCopies(): void {
  const signal = signalModule();
  const proto = signal.SessionCipher.prototype;
  if (proto.decryptWithSessions.original) return;
  const original = proto.decryptWithSessions;
  proto.decryptWithSessions = Object.assign(withCopiedTrials(signal, original), { original });
}

/** Puts libsignal's own loop back (the regression test shows the damage without the copies). */
export function uninstallSessionTrialCopies(): void {
  const proto = signalModule().SessionCipher.prototype;
  const original = proto.decryptWithSessions.original;
  if (original) proto.decryptWithSessions = original;
}
