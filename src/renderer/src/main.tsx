// UI entry: pick the transport (Electron preload or the gateway's WebSocket), keep the store in step with the
// gateway (health, config, WhatsApp accounts, pairing requests, accepted messages), render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBackend } from './api/backend';
import { App } from './App';
import { startAgentController } from './agent-controller';
import { startAppController } from './app-controller';
import { BackendContext } from './backend-context';
import { startChannelsController } from './channels-controller';
import { startInboundController } from './inbound-controller';
import { startPairingController } from './pairing-controller';
import { appStore } from './store';
import './styles/base.css';
import './styles/shell.css';
import './styles/screens.css';
import './styles/channels.css';
import './styles/accounts.css';
import './styles/pairing.css';
import './styles/access.css';
import './styles/outbox.css';
import './styles/agent.css';
import './styles/about.css';
import './styles/narrow.css';

const backend = createBackend({ openclaw: window.openclaw, location: window.location });
startAppController(backend, appStore);
startChannelsController(backend.api, appStore);
startPairingController(backend.api, appStore);
startInboundController(backend.api, appStore);
startAgentController(backend.api, appStore);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <BackendContext.Provider value={backend}>
      <App />
    </BackendContext.Provider>
  </StrictMode>,
);
