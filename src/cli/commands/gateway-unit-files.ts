// The text of the service files `openclaw gateway install` writes. Pure, so a test reads exactly what a user gets.

export interface ServiceSpec {
  nodePath: string;
  binPath: string;
  workingDir: string;
  /** OPENCLAW_* variables that say where the gateway keeps its files (set when installing). */
  env: Record<string, string>;
  /** Where launchd sends the output (systemd sends it to the journal). */
  logPath: string;
}

/** systemd splits ExecStart on spaces and expands `%` specifiers and `$` variables: quote and escape each word. */
function systemdWord(value: string): string {
  if (/[\n\r]/.test(value))
    throw new Error(`a path for the unit file holds a line break: ${JSON.stringify(value)}`);
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/%/g, '%%')
    .replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

export function renderSystemdUnit(spec: ServiceSpec): string {
  const env = Object.entries(spec.env).map(([k, v]) => `Environment=${systemdWord(`${k}=${v}`)}`);
  return [
    '# Written by `openclaw gateway install`; `openclaw gateway uninstall` removes it.',
    '# Output goes to the journal: journalctl --user -u openclaw-gateway -f',
    '# The gateway also writes its JSON log to its daily file (see `openclaw logs`).',
    '[Unit]',
    'Description=OpenClaw gateway (WhatsApp for your personal AI assistant)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[spec.nodePath, spec.binPath, 'gateway', 'run'].map(systemdWord).join(' ')}`,
    `WorkingDirectory=${systemdWord(spec.workingDir)}`,
    ...env,
    'Restart=on-failure',
    'RestartSec=5',
    // `gateway run` stops cleanly on SIGTERM; give it time before systemd kills it.
    'KillSignal=SIGTERM',
    'TimeoutStopSec=30',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

const xml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderLaunchdPlist(label: string, spec: ServiceSpec): string {
  const args = [spec.nodePath, spec.binPath, 'gateway', 'run'].map((a) => `    <string>${xml(a)}</string>`);
  const env = Object.entries(spec.env).flatMap(([k, v]) => [
    `    <key>${xml(k)}</key>`,
    `    <string>${xml(v)}</string>`,
  ]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Written by `openclaw gateway install`; `openclaw gateway uninstall` removes it. -->',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${xml(label)}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...args,
    '  </array>',
    '  <key>WorkingDirectory</key>',
    `  <string>${xml(spec.workingDir)}</string>`,
    ...(env.length ? ['  <key>EnvironmentVariables</key>', '  <dict>', ...env, '  </dict>'] : []),
    '  <key>RunAtLoad</key>',
    '  <true/>',
    '  <key>KeepAlive</key>',
    '  <true/>',
    '  <key>StandardOutPath</key>',
    `  <string>${xml(spec.logPath)}</string>`,
    '  <key>StandardErrorPath</key>',
    `  <string>${xml(spec.logPath)}</string>`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
