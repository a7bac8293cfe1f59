// Picks the transport: inside Electron the preload has put `window.openclaw` on the page (IPC); in a browser the
// same API object is built over the control WebSocket of the gateway that served the page.
import { buildApi, type OpenClawApi } from '../../../shared/api';
import { staticConnection, type ConnectionSource } from './connection';
import { apiTransport, withHumanErrors } from './human-errors';
import { browserUiKey } from './ui-key';
import { createWsClient, type WsClientOptions } from './ws-client';

export interface Backend {
  api: OpenClawApi;
  transport: 'ipc' | 'ws';
  connection: ConnectionSource;
}

export interface BackendEnv {
  openclaw?: OpenClawApi;
  location: { protocol: string; host: string };
}

/** The control WebSocket of the gateway that served this page. */
export function wsUrlFor(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

export function createBackend(env: BackendEnv, wsOptions: Partial<WsClientOptions> = {}): Backend {
  if (env.openclaw) {
    const api = buildApi(withHumanErrors(apiTransport(env.openclaw)));
    return { api, transport: 'ipc', connection: staticConnection() };
  }
  const client = createWsClient({ url: wsUrlFor(env.location), uiKey: browserUiKey(), ...wsOptions });
  return { api: buildApi(withHumanErrors(client)), transport: 'ws', connection: client };
}
