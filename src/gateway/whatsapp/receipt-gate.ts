// The other half of the group commit (auth/group-commit.ts): while a burst's decryptions wait for their commit,
// nothing leaves the socket, so no delivery receipt, retry receipt or ack tells WhatsApp about a message whose
// plaintext and Signal state are not on disk yet. Frames are held in order (the noise cipher numbers them, and a
// receipt must not overtake what was sent before it) and written as soon as the commit is done.
//
// Baileys awaits each frame's write, inside its per-message mutex: a held frame reports written at once, or the
// burst would wait for its own commit one message at a time. If the commit fails, the held frames are dropped and
// the socket is closed: WhatsApp redelivers what it never heard about, and the reconnect reads the state on disk.
// A socket that closes with frames held drops them for the same reason.
import type { WASocket } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { GroupCommit } from './auth/group-commit';

/** Frames held at most; at this many the waiting writes are committed at once and the frames written. */
export const MAX_HELD_FRAMES = 1024;

type Send = (data: unknown, ...rest: unknown[]) => void;

const ignore = () => undefined;

/** Gates `sock`'s outgoing frames on `group`'s commits, until the socket ends. */
export function gateFrames(sock: WASocket, group: GroupCommit, log: Logger): void {
  // makeWASocket opens its transport at once; the ws instance is what Baileys' sendRawMessage writes to.
  const raw = (sock.ws as unknown as { socket: { send: Send } | null }).socket;
  if (!raw) {
    log.warn('no transport to gate: receipts of this socket are not held for the group commit');
    return;
  }
  const send = raw.send.bind(raw);
  let held: unknown[] = [];
  const release = () => {
    const frames = held;
    held = [];
    for (const frame of frames) send(frame, ignore);
  };
  raw.send = (data, ...rest) => {
    if (held.length === 0 && !group.waiting) return send(data, ...rest);
    held.push(data);
    const cb = rest.at(-1);
    if (typeof cb === 'function') process.nextTick(cb as () => void);
    if (held.length < MAX_HELD_FRAMES) return;
    if (!group.waiting) return release();
    try {
      group.commit(); // releases through the listener below
    } catch {
      // the listener has dropped the frames and closed the socket
    }
  };
  const off = group.onCommit((committed, _keys, err) => {
    if (committed) return release();
    const dropped = held.length;
    held = [];
    log.error(
      { err, dropped },
      'could not store decrypted messages; closing the socket so WhatsApp redelivers',
    );
    sock.end(new Error('decrypted messages could not be stored'));
  });
  sock.registerSocketEndHandler(() => {
    held = [];
    off();
  });
}
