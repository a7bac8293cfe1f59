// `openclaw config get|set|unset|validate`. With a gateway running, edits go through it (one writer, and
// subscribers see config.changed); without one, the same validation and atomic write run here on the file.
import JSON5 from 'json5';
import pino from 'pino';
import type { ConfigStatus } from '../../shared/contract';
import { ConfigService, loadConfigFile } from '../../gateway/config/service';
import { GatewayError } from '../../gateway/errors';
import { RemoteError, withGateway, type ControlClient } from '../client';
import { CliError, GatewayNotRunningError } from '../errors';
import { locateGateway, type GatewayLocation } from '../locate';
import { formatIssue, formatValue, printIssues } from '../output';

type Offline = Pick<ConfigService, 'get' | 'set' | 'unset'>;

/** Runs `online` against a running gateway, or `offline` against the file when none is running. */
async function viaGatewayOrFile<T>(
  where: GatewayLocation,
  online: (client: ControlClient) => Promise<T>,
  offline: (service: Offline) => Promise<T>,
): Promise<T> {
  try {
    return await withGateway(where, online);
  } catch (err) {
    if (!(err instanceof GatewayNotRunningError)) throw explain(err);
  }
  let service: ConfigService;
  try {
    service = await ConfigService.open({
      configPath: where.configPath,
      stateDir: where.stateDir,
      log: pino({ level: 'silent' }),
    });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  try {
    return await offline(service);
  } catch (err) {
    throw explain(err);
  } finally {
    await service.close();
  }
}

/** Turns a coded config error into lines that name each offending key path. */
function explain(err: unknown): unknown {
  const error =
    err instanceof RemoteError ? err.error : err instanceof GatewayError ? err.toApiError() : null;
  if (!error) return err;
  const issues = (error.details as { errors?: Parameters<typeof formatIssue>[0][] } | undefined)?.errors;
  if (error.code === 'config.invalid' && issues?.length) {
    return new CliError(
      [
        'Not saved: the change would make the config invalid:',
        ...issues.map((i) => `  ${formatIssue(i)}`),
      ].join('\n'),
    );
  }
  return new CliError(`Not saved: ${error.message}`);
}

export async function configGet(path: string | undefined, opts: { json?: boolean }): Promise<number> {
  const where = await locateGateway();
  const value = await viaGatewayOrFile(
    where,
    async (client) => (await client.call('config.get', path ? { path } : {})).value,
    async (service) => service.get(path),
  );
  if (value === undefined) {
    console.error(`${path} is not set.`);
    return 1;
  }
  console.log(opts.json ? JSON.stringify(value, null, 2) : formatValue(value));
  return 0;
}

export async function configSet(path: string, rawValue: string, opts: { json?: boolean }): Promise<number> {
  const value = parseValue(rawValue, opts.json === true);
  const where = await locateGateway();
  const status = await viaGatewayOrFile<ConfigStatus>(
    where,
    (client) => client.call('config.set', { path, value }),
    (service) => service.set(path, value),
  );
  console.log(`Set ${path} = ${JSON.stringify(value)} in ${status.file}`);
  return 0;
}

export async function configUnset(path: string): Promise<number> {
  const where = await locateGateway();
  const status = await viaGatewayOrFile<ConfigStatus>(
    where,
    (client) => client.call('config.unset', { path }),
    (service) => service.unset(path),
  );
  console.log(`Unset ${path} in ${status.file}`);
  return 0;
}

export async function configValidate(opts: { file?: string }): Promise<number> {
  const file = opts.file ?? (await locateGateway()).configPath;
  const { raw, result } = await loadConfigFile(file);
  if (raw === null && opts.file) throw new CliError(`--file: no such file ${file}`);
  if (result.ok) {
    console.log(`${file}: valid${raw === null ? ' (the file does not exist yet; defaults apply)' : ''}`);
    printIssues(
      result.warnings.map((w) => ({ ...w, message: `warning: ${w.message}` })),
      console.log,
    );
    return 0;
  }
  console.log(`${file}: INVALID`);
  printIssues(result.errors, console.log);
  return 1;
}

/** Values are JSON5 when they parse (`true`, `42`, `["+1555…"]`), else plain strings (`allowlist`). */
export function parseValue(raw: string, strict: boolean): unknown {
  try {
    return JSON5.parse(raw);
  } catch (err) {
    if (strict) throw new CliError(`--json: the value is not valid JSON5: ${(err as Error).message}`);
    return raw;
  }
}
