// Pairing: what the screen will do, stated plainly. No sample data: nothing here pretends a pairing request
// exists before pairing is built.
import type { ReactNode } from 'react';

function Placeholder(props: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="panel" data-testid={`placeholder-${props.id}`}>
      <h1>{props.title}</h1>
      {props.children}
      <p className="notice">
        Pairing arrives in a later version of OpenClaw. No pairing requests are kept yet.
      </p>
    </section>
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
