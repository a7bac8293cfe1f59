// The QR code a phone scans to link, with a live countdown to its expiry and the steps on the phone. The raw QR
// text rides along in data-qr so UI tests can hand it to a simulated phone.
import { useId } from 'react';
import type { QrEvent } from '../../../shared/contract';
import { formatCountdown } from '../channels-model';
import { useNow } from '../use-now';

export function LinkSteps() {
  return (
    <ol className="link-steps">
      <li>Open WhatsApp on your phone.</li>
      <li>
        Go to <strong>Settings</strong> (on Android: the <strong>⋮</strong> menu) →{' '}
        <strong>Linked devices</strong>.
      </li>
      <li>
        Tap <strong>Link a device</strong> and point the phone at the code.
      </li>
    </ol>
  );
}

function Countdown(props: { expiresAt: string }) {
  const now = useNow();
  const left = Date.parse(props.expiresAt) - now;
  return (
    <p
      className={`qr-countdown${left <= 5000 ? ' qr-countdown-low' : ''}`}
      data-testid="link-countdown"
      data-expires-at={props.expiresAt}
      aria-live="off"
    >
      {left > 0 ? (
        <>
          This code expires in <strong>{formatCountdown(left)}</strong>
        </>
      ) : (
        'This code has expired — a new one is on its way…'
      )}
    </p>
  );
}

export function QrCard(props: { qr: QrEvent; simulator: string | null }) {
  const { qr, simulator } = props;
  const textId = useId();
  return (
    <div className="qr-card">
      <figure className="qr-figure">
        <img
          key={qr.qr}
          data-testid="link-qr"
          src={qr.dataUrl}
          data-qr={qr.qr}
          width={264}
          height={264}
          alt="QR code to scan with WhatsApp on your phone"
        />
        <figcaption>
          <Countdown expiresAt={qr.expiresAt} />
        </figcaption>
      </figure>
      <div className="qr-help">
        <h2>Scan this code with your phone</h2>
        <LinkSteps />
        <p className="muted small">
          WhatsApp shows a new code every so often; this page follows it. Keep the page open until the phone
          says the device is linked.
        </p>
        {simulator && (
          <div className="notice notice-warn small">
            <p>
              The gateway is talking to the WhatsApp simulator: scan with a simulated phone, not with a real
              one. Copy this QR text into the simulator’s admin page and press Scan.
            </p>
            {/* Only in simulator mode: a real phone scans the image; a simulated one takes the text. */}
            <label className="qr-text-label" htmlFor={textId}>
              QR text for the simulator
            </label>
            <textarea
              id={textId}
              className="qr-text"
              data-testid="link-qr-text"
              readOnly
              rows={3}
              value={qr.qr}
            />
          </div>
        )}
      </div>
    </div>
  );
}
