// Electron notifications behind the NotifierLike interface of pairing-desk.ts. Each shown notification is kept
// until it is clicked, closed or replaced: one that gets garbage-collected loses its click and action handlers.
import { Notification } from 'electron';
import type { NotifierLike } from './pairing-desk';

export function createNotifier(opts: { icon?: string } = {}): NotifierLike {
  const shown = new Map<string, Notification>();
  const forget = (key: string, n: Notification) => {
    if (shown.get(key) === n) shown.delete(key);
  };
  return {
    supported: () => Notification.isSupported(),
    show(spec, handlers) {
      shown.get(spec.key)?.close();
      const n = new Notification({
        title: spec.title,
        body: spec.body,
        icon: opts.icon,
        actions: spec.actions.map((text) => ({ type: 'button' as const, text })),
      });
      n.on('click', () => {
        forget(spec.key, n);
        handlers.onClick();
      });
      n.on('action', (details, legacyIndex) => {
        forget(spec.key, n);
        handlers.onAction(details.actionIndex ?? legacyIndex);
      });
      n.on('close', () => forget(spec.key, n));
      shown.set(spec.key, n);
      n.show();
    },
    close(key) {
      const n = shown.get(key);
      shown.delete(key);
      n?.close();
    },
    shown: () => [...shown.keys()],
  };
}
