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
    if (runtime && isProcessAlive(runtime.pid) && isPort(runtime.port)) {
      port = runtime.port;
    } else {
      port = lenient.port ?? DEFAULT_PORT;
      if (lenient.badPort !== undefined) {
        // Said on every command, as it would otherwise look for a gateway somewhere else without saying why.
        console.error(
          `openclaw: gateway.port in ${configPath} must be a port number from 1 to 65535 (got ${lenient.badPort}); ` +
            `using ${DEFAULT_PORT} (\`openclaw config validate\` lists every problem)`,
        );
      }
    }
  }
  const token = await readGatewayToken({ env, configToken: lenient.token, stateDir });
  return { stateDir, configPath, port, token: token?.token ?? null };
}

const isPort = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;

async function readLenient(configPath: string): Promise<{ port?: number; badPort?: string; token?: string }> {
  try {
    const parsed = JSON5.parse(await readFile(configPath, 'utf8')) as {
      gateway?: { port?: unknown; auth?: { token?: unknown } };
    };
    const port = parsed?.gateway?.port;
    const token = parsed?.gateway?.auth?.token;
    return {
      // Out of range is a config error that validation reports; here it must only never reach a socket.
      port: isPort(port) ? port : undefined,
      badPort: port === undefined || isPort(port) ? undefined : String(JSON.stringify(port) ?? port),
      token: typeof token === 'string' && token ? token : undefined,
    };
  } catch {
    return {};
  }
}
