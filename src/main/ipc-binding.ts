// Serves the control contract to our own window over Electron IPC. Written against the few members of ipcMain and
// WebContents it uses, so tests drive it with fakes under plain Node.
//
// Every call is checked against the sender: only our window's webContents, from our app page's main frame, may
// call. Each webContents gets one CallerContext (what it subscribed to); gateway events are forwarded only to the
// contexts that subscribed to them.
import type { EventName } from '../shared/names';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type IpcEventMessage } from '../shared/ipc-channels';
import { fail, type Result } from '../shared/result';
import type { CallerContext, Gateway } from '../gateway/gateway';
import { isAllowedNavigation } from './window-options';

export interface WebContentsLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
  removeListener(event: 'destroyed', listener: () => void): unknown;
}

export interface InvokeEventLike {
  readonly sender: WebContentsLike;
  /** Null when the frame navigated away or was destroyed before we looked. */
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface SenderInfo {
  webContentsId: number;
  frameUrl: string;
  isMainFrame: boolean;
}

/**
 * Our window's main frame showing our app page (app://openclaw/index.html, or the dev server in development): the
 * only sender `isTrustedSender` should accept. A file: page, another app:// host or a subframe is not ours.
 */
export function isOwnAppFrame(sender: SenderInfo, windowId: number | null, appUrl: string): boolean {
  return (
    windowId !== null &&
    sender.webContentsId === windowId &&
    sender.isMainFrame &&
    isAllowedNavigation(sender.frameUrl, appUrl)
  );
}

export interface BindIpcOptions {
  ipcMain: IpcMainLike;
  gateway: Pick<Gateway, 'call' | 'onEvent'>;
  /** True only for our window's webContents showing our app page. */
  isTrustedSender(sender: SenderInfo): boolean;
  /** Told when a call is refused, for the log. */
  onRejected?(reason: string, sender: Partial<SenderInfo>): void;
}

export interface IpcBinding {
  dispose(): void;
  /** How many webContents currently hold a caller context (for tests and diagnostics). */
  contextCount(): number;
}

interface Entry {
  context: CallerContext;
  webContents: WebContentsLike;
  onDestroyed: () => void;
}

export function bindIpc(opts: BindIpcOptions): IpcBinding {
  const entries = new Map<number, Entry>();
  let disposed = false;

  const contextFor = (webContents: WebContentsLike): CallerContext => {
    const existing = entries.get(webContents.id);
    if (existing) return existing.context;
    const onDestroyed = () => {
      entries.delete(webContents.id);
    };
    const entry: Entry = {
      context: { transport: 'ipc', subscriptions: new Set<EventName>() },
      webContents,
      onDestroyed,
    };
    entries.set(webContents.id, entry);
    webContents.once('destroyed', onDestroyed);
    return entry.context;
  };

  const handler = async (
    event: InvokeEventLike,
    method: unknown,
    params: unknown,
  ): Promise<Result<unknown>> => {
    if (disposed) return fail('control.unavailable', 'the gateway is shutting down');
    const frame = event.senderFrame;
    const info: SenderInfo | null = frame
      ? { webContentsId: event.sender.id, frameUrl: frame.url, isMainFrame: frame.parent === null }
      : null;
    if (!info || !opts.isTrustedSender(info)) {
      opts.onRejected?.('untrusted sender', info ?? { webContentsId: event.sender.id });
      return fail('control.forbidden_sender', 'this page may not call the OpenClaw gateway');
    }
    if (typeof method !== 'string' || method.length === 0 || method.length > 100) {
      return fail('control.unknown_method', 'the method name must be a non-empty string');
    }
    const context = contextFor(event.sender);
    try {
      return await opts.gateway.call(method, params, context);
    } catch (err) {
      return fail(
        'control.internal',
        `internal error in ${method}: ${(err as Error)?.message ?? String(err)}`,
      );
    }
  };

  opts.ipcMain.handle(IPC_INVOKE_CHANNEL, (event, ...args) => handler(event, args[0], args[1]));

  const stopEvents = opts.gateway.onEvent((event, payload) => {
    const message: IpcEventMessage = { event, payload };
    for (const entry of entries.values()) {
      if (!entry.context.subscriptions.has(event)) continue;
      if (entry.webContents.isDestroyed()) {
        entries.delete(entry.webContents.id);
        continue;
      }
      try {
        entry.webContents.send(IPC_EVENT_CHANNEL, message);
      } catch {
        // The renderer went away between the check and the send; 'destroyed' will drop its context.
      }
    }
  });

  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      opts.ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
      stopEvents();
      for (const entry of entries.values()) {
        if (!entry.webContents.isDestroyed())
          entry.webContents.removeListener('destroyed', entry.onDestroyed);
      }
      entries.clear();
    },
    contextCount: () => entries.size,
  };
}
