// Where the CLI finds the gateway: the port from OPENCLAW_GATEWAY_PORT, else the running gateway's runtime file,
// else gateway.port in the config; the token from the same sources the gateway uses. The config is read
// leniently here so that a broken file does not stop `status` or `doctor` from reaching a running gateway.
import { readFile } from 'node:fs/promises';
import JSON5 from 'json5';
import { resolvePaths } from '../gateway/config/paths';
import { isProcessAlive, readRuntimeInfo } from '../gateway/control/runtime-file';
import { readGatewayToken } from '../gateway/control/token';
import { CliError } from './errors';

export const DEFAULT_PORT = 18789;

export interface GatewayLocation {
  stateDir: string;
  configPath: string;
  port: number;
  token: string | null;
}

export async function locateGateway(env: NodeJS.ProcessEnv = process.env): Promise<GatewayLocation> {
  const { stateDir, configPath } = resolvePaths(env);
  const lenient = await readLenient(configPath);
  const envPort = env.OPENCLAW_GATEWAY_PORT;
  let port: number;
  if (envPort !== undefined && envPort !== '') {
    port = Number(envPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new CliError(
        `OPENCLAW_GATEWAY_PORT must be a port number from 1 to 65535 (got ${JSON.stringify(envPort)})`,
      );
    }
  } else {
    const runtime = await readRuntimeInfo(stateDir);
    port = runtime && isProcessAlive(runtime.pid) ? runtime.port : (lenient.port ?? DEFAULT_PORT);
  }
  const token = await readGatewayToken({ env, configToken: lenient.token, stateDir });
  return { stateDir, configPath, port, token: token?.token ?? null };
}

async function readLenient(configPath: string): Promise<{ port?: number; token?: string }> {
  try {
    const parsed = JSON5.parse(await readFile(configPath, 'utf8')) as {
      gateway?: { port?: unknown; auth?: { token?: unknown } };
    };
    const port = parsed?.gateway?.port;
    const token = parsed?.gateway?.auth?.token;
    return {
      port: typeof port === 'number' && Number.isInteger(port) ? port : undefined,
      token: typeof token === 'string' && token ? token : undefined,
    };
  } catch {
    return {};
  }
}
