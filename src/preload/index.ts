// Sandboxed preload (contextIsolation and sandbox on): it may import only 'electron', so the build bundles the
// rest. The page gets `window.openclaw` — one function per contract method plus `on` for events — and never
// ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from '../shared/api';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/ipc-channels';
import { createIpcTransport } from './ipc-transport';

const transport = createIpcTransport({
  invoke: (method, params) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, params),
  // Only the message is passed on; the IpcRendererEvent (which carries `sender`) stays in the preload.
  onEvent: (handler) => {
    ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, message: unknown) => handler(message));
  },
});

contextBridge.exposeInMainWorld('openclaw', buildApi(transport));
