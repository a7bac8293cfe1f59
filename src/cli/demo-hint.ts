// `npm run demo` keeps its gateway's state in <tmp>/openclaw-demo (scripts/demo.mjs), so a CLI started in another
// terminal looks in ~/.openclaw and does not find it. When the CLI finds no gateway of its own while the demo's
// runs, it prints the exact line that reaches the demo's instead of only "no gateway is running".
import { basename, join, relative, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { isProcessAlive, readRuntimeInfo } from '../gateway/control/runtime-file';
import { CliError } from './errors';

/** Where scripts/demo.mjs keeps its state when OPENCLAW_STATE_DIR is not set (keep the two in step). */
export function demoStateDir(): string {
  return join(tmpdir(), 'openclaw-demo');
}

/** A line to add when the CLI's own state folder has no gateway but the demo's has; null otherwise. */
export async function demoGatewayHint(stateDir: string, argv = process.argv): Promise<string | null> {
  const dir = demoStateDir();
  if (resolve(stateDir) === dir) return null;
  const info = await readRuntimeInfo(dir);
  if (!info || !isProcessAlive(info.pid)) return null;
  const script = argv[1] ?? '';
  const command =
    basename(script) === 'openclaw.js' ? `node ${relative(process.cwd(), script) || script}` : 'openclaw';
  const args = argv.slice(2).map(shellWord).join(' ');
  return (
    `The demo gateway runs with its own state folder (pid ${info.pid}, port ${info.port}); to use it, run:\n` +
    `  OPENCLAW_STATE_DIR=${shellWord(dir)} ${command} ${args}`
  );
}

/** The same error with the demo hint added when there is one. */
export async function withDemoHint(err: unknown, stateDir: string): Promise<unknown> {
  if (!(err instanceof CliError)) return err;
  const hint = await demoGatewayHint(stateDir).catch(() => null);
  if (!hint) return err;
  err.message = `${err.message}\n${hint}`;
  return err;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
