// Link, Accounts and Pairing: what each screen will do, stated plainly. No sample data: nothing here pretends
// a WhatsApp account exists before linking is built.
import type { ReactNode } from 'react';

function Placeholder(props: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="panel" data-testid={`placeholder-${props.id}`}>
      <h1>{props.title}</h1>
      {props.children}
      <p className="notice">
        WhatsApp linking arrives in a later version of OpenClaw. Nothing is connected yet.
      </p>
    </section>
  );
}

export function LinkScreen() {
  return (
    <Placeholder id="link" title="Link a WhatsApp account">
      <p>
        Here you will link a phone: the gateway shows a QR code, you scan it in WhatsApp under{' '}
        <em>Settings → Linked devices → Link a device</em>, and the assistant starts answering on that number.
      </p>
    </Placeholder>
  );
}

export function AccountsScreen() {
  return (
    <Placeholder id="accounts" title="Accounts">
      <p>
        Here you will see every linked WhatsApp account with its connection state (connected, reconnecting,
        logged out…) in one sentence, and be able to relink or remove it.
      </p>
    </Placeholder>
  );
}

export function PairingScreen() {
  return (
    <Placeholder id="pairing" title="Pairing requests">
      <p>
        Here you will approve or reject people who message the assistant for the first time: each request
        shows the sender and a pairing code. Approved senders can talk to the assistant; the desktop app will
        also notify you of new requests.
      </p>
    </Placeholder>
  );
}
