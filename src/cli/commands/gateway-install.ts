// `openclaw gateway install|uninstall`: the headless gateway as a service the operating system starts at login
// and restarts when it fails — a systemd user unit on Linux, a launchd agent on macOS. The file runs this
// installation's Node and bin/openclaw.js by absolute path, because a service does not see the user's PATH.
// systemctl/launchctl run only with --now: writing the file never starts anything behind the user's back.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolvePaths } from '../../gateway/config/paths';
import { CliError } from '../errors';
import { backgroundLogPath } from './gateway-background';
import { renderLaunchdPlist, renderSystemdUnit, type ServiceSpec } from './gateway-unit-files';

export const SYSTEMD_UNIT = 'openclaw-gateway.service';
export const LAUNCHD_LABEL = 'ai.openclaw.gateway';
/** Only these say where the gateway keeps things; the token never goes into a unit file. */
const PASSED_ENV = ['OPENCLAW_STATE_DIR', 'OPENCLAW_CONFIG_PATH', 'OPENCLAW_GATEWAY_PORT'] as const;

export interface ServiceDeps {
  platform: NodeJS.Platform;
  home: string;
  env: NodeJS.ProcessEnv;
  nodePath: string;
  /** bin/openclaw.js of this installation. */
  binPath: string;
  out(line: string): void;
  /** Runs systemctl/launchctl; null when the tool is not there. */
  run(cmd: string, args: string[]): { code: number; output: string } | null;
}

export function defaultServiceDeps(): ServiceDeps {
  return {
    platform: process.platform,
    home: homedir(),
    env: process.env,
    nodePath: process.execPath,
    binPath: findBin(),
    out: (line) => console.log(line),
    run: (cmd, args) => {
      const r = spawnSync(cmd, args, { encoding: 'utf8' });
      if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null;
      return { code: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
    },
  };
}

export function serviceFile(deps: Pick<ServiceDeps, 'platform' | 'home'>): string {
  if (deps.platform === 'linux') return join(deps.home, '.config', 'systemd', 'user', SYSTEMD_UNIT);
  if (deps.platform === 'darwin') return join(deps.home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  throw new CliError(
    deps.platform === 'win32'
      ? 'Running the gateway as a Windows service is not supported yet. Use `openclaw gateway start` after you ' +
          'log in, or a Task Scheduler task "At log on" that runs `node bin\\openclaw.js gateway run` in the ' +
          'project folder; the desktop app runs the gateway by itself.'
      : `Running the gateway as a service is supported on Linux (systemd) and macOS (launchd), not on ${deps.platform}; ` +
          'use `openclaw gateway start`.',
  );
}

export async function gatewayInstall(
  opts: { now?: boolean },
  deps: ServiceDeps = defaultServiceDeps(),
): Promise<number> {
  const file = serviceFile(deps);
  const { stateDir } = resolvePaths(deps.env);
  const spec: ServiceSpec = {
    nodePath: deps.nodePath,
    binPath: deps.binPath,
    workingDir: dirname(dirname(deps.binPath)),
    env: Object.fromEntries(PASSED_ENV.flatMap((k) => (deps.env[k] ? [[k, deps.env[k]]] : []))),
    logPath: backgroundLogPath(stateDir),
  };
  const linux = deps.platform === 'linux';
  const text = linux ? renderSystemdUnit(spec) : renderLaunchdPlist(LAUNCHD_LABEL, spec);
  mkdirSync(dirname(file), { recursive: true });
  if (!linux) mkdirSync(dirname(spec.logPath), { recursive: true, mode: 0o700 });
  writeFileSync(file, text, { mode: 0o644 });
  deps.out(`Wrote ${file}`);
  deps.out(`  runs: ${spec.nodePath} ${spec.binPath} gateway run`);
  const steps = linux
    ? [
        ['systemctl', ['--user', 'daemon-reload']],
        ['systemctl', ['--user', 'enable', '--now', SYSTEMD_UNIT]],
      ]
    : [['launchctl', ['load', '-w', file]]];
  if (opts.now) return runSteps(steps as Array<[string, string[]]>, deps);
  deps.out('Start it now and at every login with:');
  for (const [cmd, args] of steps) deps.out(`  ${cmd} ${(args as string[]).join(' ')}`);
  if (linux) {
    deps.out(`Its output: journalctl --user -u ${SYSTEMD_UNIT} -f   (the JSON log: openclaw logs -f)`);
    deps.out(
      'To keep it running while you are logged out: loginctl enable-linger "$USER"; stop it with ' +
        `\`systemctl --user stop ${SYSTEMD_UNIT}\`.`,
    );
  } else {
    deps.out(`Its output: ${spec.logPath}   (the JSON log: openclaw logs -f)`);
    deps.out(`Stop it with \`launchctl unload ${file}\`.`);
  }
  return 0;
}

export async function gatewayUninstall(
  opts: { now?: boolean } = {},
  deps: ServiceDeps = defaultServiceDeps(),
): Promise<number> {
  const file = serviceFile(deps);
  if (!existsSync(file)) {
    deps.out(`Nothing to remove: ${file} does not exist.`);
    return 0;
  }
  const linux = deps.platform === 'linux';
  if (opts.now) {
    const stopped = linux
      ? runSteps([['systemctl', ['--user', 'disable', '--now', SYSTEMD_UNIT]]], deps)
      : runSteps([['launchctl', ['unload', '-w', file]]], deps);
    if (stopped !== 0) return stopped;
  } else {
    deps.out(
      linux
        ? `If it runs, stop it first: systemctl --user disable --now ${SYSTEMD_UNIT}`
        : `If it runs, stop it first: launchctl unload -w ${file}`,
    );
  }
  rmSync(file, { force: true });
  deps.out(`Removed ${file}`);
  if (linux && opts.now) runSteps([['systemctl', ['--user', 'daemon-reload']]], deps);
  return 0;
}

function runSteps(steps: Array<[string, string[]]>, deps: ServiceDeps): number {
  for (const [cmd, args] of steps) {
    const line = `${cmd} ${args.join(' ')}`;
    const r = deps.run(cmd, args);
    if (r === null) {
      deps.out(`${cmd} is not available here; run \`${line}\` where it is.`);
      return 1;
    }
    if (r.code !== 0) {
      deps.out(`\`${line}\` failed (exit ${r.code})${r.output ? `: ${r.output}` : ''}`);
      return 1;
    }
    deps.out(`Ran: ${line}`);
  }
  return 0;
}

/** bin/openclaw.js, found by walking up from this module (src/cli/commands from source, out/main when built). */
function findBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'bin', 'openclaw.js');
    if (existsSync(candidate)) return candidate;
  }
  throw new CliError('cannot find bin/openclaw.js next to this installation of the CLI');
}
