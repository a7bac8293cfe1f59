// `<stateDir>/gateway.json` says which port the running gateway took, so the CLI finds a gateway started with
// --port or OPENCLAW_GATEWAY_PORT. It is advisory: the CLI checks that the pid is alive and falls back to config.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';

export interface RuntimeInfo {
  pid: number;
  port: number;
  startedAt: string;
  version: string;
}

export function runtimeFilePath(stateDir: string): string {
  return join(stateDir, 'gateway.json');
}

export async function writeRuntimeInfo(stateDir: string, info: RuntimeInfo): Promise<void> {
  await writeFileAtomic(runtimeFilePath(stateDir), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
}

export async function removeRuntimeInfo(stateDir: string, pid: number): Promise<void> {
  const current = await readRuntimeInfo(stateDir);
  if (current?.pid === pid) await rm(runtimeFilePath(stateDir), { force: true });
}

export async function readRuntimeInfo(stateDir: string): Promise<RuntimeInfo | null> {
  try {
    const parsed = JSON.parse(await readFile(runtimeFilePath(stateDir), 'utf8')) as Partial<RuntimeInfo>;
    if (typeof parsed.pid !== 'number' || typeof parsed.port !== 'number') return null;
    return parsed as RuntimeInfo;
  } catch {
    return null;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
