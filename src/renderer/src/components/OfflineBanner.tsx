// On every screen while the gateway cannot be reached: what is wrong, that the page is reconnecting by itself,
// and why the buttons are off. Without it a stopped gateway looked like a working one with slow buttons.
import { offlineNotice } from '../connection-model';
import { useApp } from '../store';
import { useNow } from '../use-now';

export function OfflineBanner() {
  const connection = useApp((s) => s.connection);
  const now = useNow(connection.status === 'disconnected');
  const notice = offlineNotice(connection, now);
  if (!notice) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="gateway-offline">
      <strong>{notice.title}</strong> <span className="muted">{notice.detail}</span>
    </div>
  );
}
