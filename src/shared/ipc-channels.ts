// Electron IPC channel names shared by the main process and the preload. Exactly two channels exist: one
// request/response channel carrying contract methods, and one push channel carrying subscribed events.
export const IPC_INVOKE_CHANNEL = 'openclaw:invoke';
export const IPC_EVENT_CHANNEL = 'openclaw:event';

/** What the main process sends on IPC_EVENT_CHANNEL. */
export interface IpcEventMessage {
  event: string;
  payload: unknown;
}
