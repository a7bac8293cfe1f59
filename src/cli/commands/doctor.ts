// `openclaw doctor`: checks what stops a gateway from working, each failure with the fix.
import { constants } from 'node:fs';
import { access, mkdir, open, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { DEFAULT_LOG_FILE, resolveLogFile } from '../../gateway/config/paths';
import { loadConfigFile } from '../../gateway/config/service';
import { tokenFilePath } from '../../gateway/control/token';
import { MIGRATIONS } from '../../gateway/store/migrations/index';
import { locateGateway } from '../locate';
import type { ConfigIssue } from '../../shared/contract';
import { formatIssue } from '../output';
import { checkElectronSqlite } from './doctor-native';
import { checkWhatsApp, type Outcome } from './doctor-whatsapp';

export async function doctor(): Promise<number> {
  const where = await locateGateway();
  const { result } = await loadConfigFile(where.configPath);
  const outcomes: Outcome[] = [];

  const indented = (i: ConfigIssue) => `      ${formatIssue(i).replaceAll('\n', '\n      ')}`;
  outcomes.push(
    result.ok
      ? { ok: true, text: `Config is valid: ${where.configPath}` }
      : {
          ok: false,
          text: `Config is invalid: ${where.configPath}\n${result.errors.map(indented).join('\n')}`,
          fix: `edit the file (or use Settings in the app), then run \`openclaw config validate\``,
        },
  );
  // Unknown or deprecated keys do not stop the gateway, but a setting that does nothing is worth a warning.
  for (const w of result.warnings) {
    outcomes.push({
      ok: 'warn',
      text: `Config warning: ${formatIssue(w)}`,
      fix: w.path
        ? `change ${w.path} as the warning says, or remove it: openclaw config unset ${w.path}`
        : 'edit the config file as the warning says',
    });
  }
  outcomes.push(...(await checkStateDir(where.stateDir, where.configPath)));
  outcomes.push(await checkLogDir(resolveLogFile(result.ok ? result.config.logging.file : DEFAULT_LOG_FILE)));
  outcomes.push(await checkPort(where.port));
  outcomes.push(await checkSqlite(join(where.stateDir, 'state.db')));
  outcomes.push(...(await checkElectronSqlite(process.env)));
  if (result.ok) outcomes.push(...(await checkWhatsApp(where, result.config, process.env)));

  for (const o of outcomes) {
    const mark = o.ok === true ? '✓' : o.ok === 'warn' ? '!' : '✗';
    console.log(`${mark} ${o.text}`);
    if (o.ok !== true) console.log(`    fix: ${o.fix}`);
  }
  return summarize(outcomes);
}

/** The last line and the exit status say the same as the marks above them: 1 for any ✗, 2 for only !, else 0. */
function summarize(outcomes: readonly Outcome[]): number {
  const failed = outcomes.filter((o) => o.ok === false).length;
  const warned = outcomes.filter((o) => o.ok === 'warn').length;
  const warnings = `${warned} warning${warned === 1 ? '' : 's'}`;
  if (failed > 0) {
    console.log(`${failed} problem${failed === 1 ? '' : 's'} found${warned > 0 ? `, and ${warnings}` : ''}.`);
    return 1;
  }
  if (warned > 0) {
    console.log(`No problems, but ${warnings} (marked !).`);
    return 2;
  }
  console.log('No problems found.');
  return 0;
}

async function checkStateDir(stateDir: string, configPath: string): Promise<Outcome[]> {
  const info = await stat(stateDir).catch(() => null);
  if (!info) return [{ ok: true, text: `State dir ${stateDir} does not exist yet (created on first start)` }];
  const out: Outcome[] = [];
  if (!info.isDirectory()) {
    return [
      {
        ok: false,
        text: `State dir ${stateDir} is not a directory`,
        fix: `move it aside or set OPENCLAW_STATE_DIR`,
      },
    ];
  }
  try {
    await access(stateDir, constants.W_OK);
  } catch {
    out.push({
      ok: false,
      text: `State dir ${stateDir} is not writable`,
      fix: `chown it to this user, or set OPENCLAW_STATE_DIR`,
    });
  }
  out.push(
    (info.mode & 0o077) === 0
      ? { ok: true, text: `State dir ${stateDir} is private (mode ${mode(info.mode)})` }
      : {
          ok: 'warn',
          text: `State dir ${stateDir} is readable by other users (mode ${mode(info.mode)})`,
          fix: `chmod 700 ${stateDir}`,
        },
  );
  // Files that hold secrets: the control token, credentials and config (it may carry gateway.auth.token).
  for (const file of [
    tokenFilePath(stateDir),
    configPath,
    join(stateDir, 'config-last-good.json'),
    join(stateDir, 'state.db'),
  ]) {
    const f = await stat(file).catch(() => null);
    if (f && (f.mode & 0o077) !== 0) {
      out.push({
        ok: false,
        text: `${file} is readable by other users (mode ${mode(f.mode)})`,
        fix: `chmod 600 ${file}`,
      });
    }
  }
  return out;
}

async function checkLogDir(file: string): Promise<Outcome> {
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const handle = await open(file, 'a', 0o600);
    await handle.close();
    return { ok: true, text: `Log file is writable: ${file}` };
  } catch (err) {
    return {
      ok: false,
      text: `Cannot write the log file ${file}: ${(err as Error).message}`,
      fix: `set logging.file to a writable path`,
    };
  }
}

async function checkPort(port: number): Promise<Outcome> {
  const inUse = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
  if (!inUse) return { ok: true, text: `Port ${port} on 127.0.0.1 is free` };
  const ours = await new Promise<boolean>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body.includes('"openclaw-gateway"')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
  return ours
    ? { ok: true, text: `Port ${port} on 127.0.0.1 is in use by a running OpenClaw gateway` }
    : {
        ok: false,
        text: `Port ${port} on 127.0.0.1 is in use by another program`,
        fix: `stop that program or set gateway.port to a free port`,
      };
}

async function checkSqlite(dbFile: string): Promise<Outcome> {
  try {
    const { default: Database } = await import('better-sqlite3');
    const probe = new Database(':memory:');
    probe.close();
    const exists = await stat(dbFile).catch(() => null);
    if (!exists) return { ok: true, text: 'Native module better-sqlite3 loads' };
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    db.close();
    const known = MIGRATIONS.at(-1)?.version ?? 0;
    return version > known
      ? {
          ok: false,
          text: `${dbFile} has schema version ${version}; this build knows up to ${known}`,
          fix: 'upgrade OpenClaw, or move state.db aside',
        }
      : { ok: true, text: `Native module better-sqlite3 loads; state.db schema version ${version}` };
  } catch (err) {
    return {
      ok: false,
      text: `Native module better-sqlite3 does not load: ${(err as Error).message.split('\n')[0]}`,
      // This is the build for the Node running the CLI; the desktop app's own is checked apart (doctor-native.ts).
      fix: `in the app's folder: npm rebuild better-sqlite3 (builds it for this Node, ${process.version})`,
    };
  }
}

function mode(m: number): string {
  return (m & 0o777).toString(8).padStart(3, '0');
}
