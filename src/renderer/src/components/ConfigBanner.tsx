// A visible warning on every screen while the config file on disk does not validate.
import { hashFor } from '../routes';
import { useApp } from '../store';

export function ConfigBanner() {
  const config = useApp((s) => s.config);
  if (!config || config.valid) return null;
  const count = config.errors.length;
  return (
    <div className="banner banner-error" role="alert" data-testid="config-banner">
      <strong>
        {config.usingLastGood ? 'Config has errors — running on the last good config' : 'Config has errors'}
      </strong>
      {count > 0 && <span className="muted"> ({count === 1 ? '1 problem' : `${count} problems`})</span>}{' '}
      <a href={hashFor('settings')}>Open Settings</a>
    </div>
  );
}
