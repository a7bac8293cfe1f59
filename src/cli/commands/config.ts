// `openclaw config get|set|unset|validate`. With a gateway running, edits go through it (one writer, and
// subscribers see config.changed); without one, the same validation and atomic write run here on the file.
import JSON5 from 'json5';
import pino from 'pino';
import type { ConfigStatus } from '../../shared/contract';
import { parseKeyPath } from '../../gateway/config/key-path';
import { maskSecrets } from '../../gateway/config/secrets';
import { ConfigService, loadConfigFile } from '../../gateway/config/service';
import { elementOf, kindOf, schemaAt } from '../../gateway/config/unknown-keys';
import { GatewayError } from '../../gateway/errors';
import { RemoteError, withGateway, type ControlClient } from '../client';
import { CliError, GatewayNotRunningError } from '../errors';
import { locateGateway, type GatewayLocation } from '../locate';
import { formatIssue, formatValue, printIssues } from '../output';

type Offline = Pick<ConfigService, 'get' | 'setMany' | 'unset'>;

/** Runs `online` against a running gateway, or `offline` against the file when none is running. */
async function viaGatewayOrFile<T>(
  where: GatewayLocation,
  online: (client: ControlClient) => Promise<T>,
  offline: (service: Offline) => Promise<T>,
  edit = false,
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
      // An edit may be the repair of a broken file; reading one must not pass the defaults off as its values.
      openInvalid: edit,
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

/** `config set <path> <value> [<path> <value>…]`: every pair in one validated write, or none of them. */
export async function configSet(args: readonly string[], opts: { json?: boolean }): Promise<number> {
  if (args.length % 2 !== 0) {
    throw new CliError(
      `config set takes pairs of <path> <value>; ${JSON.stringify(args.at(-1))} has no value ` +
        `(to set several keys: openclaw config set channels.whatsapp.dmPolicy allowlist channels.whatsapp.allowFrom '["+15551234567"]')`,
    );
  }
  const entries: Array<{ path: string; value: unknown }> = [];
  for (let i = 0; i < args.length; i += 2) {
    const path = args[i] as string;
    entries.push({ path, value: parseValueFor(path, args[i + 1] as string, opts.json === true) });
  }
  const where = await locateGateway();
  const status = await viaGatewayOrFile<ConfigStatus>(
    where,
    (client) => client.call('config.setMany', { entries }),
    (service) => service.setMany(entries),
    true,
  );
  // The value is echoed for confirmation, but a secret typed on the command line is not printed back.
  for (const e of entries) {
    const shown = maskSecrets(e.value, parseKeyPath(e.path));
    console.log(`Set ${e.path} = ${JSON.stringify(shown)} in ${status.file}`);
  }
  return 0;
}

export async function configUnset(path: string): Promise<number> {
  const where = await locateGateway();
  const status = await viaGatewayOrFile<ConfigStatus>(
    where,
    (client) => client.call('config.unset', { path }),
    (service) => service.unset(path),
    true,
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

/**
 * The value typed for `path`, read the way its key expects: a text key takes the text as typed (so `+15551234567`
 * stays a phone number, not a number), a list of texts takes a single entry as a one-entry list, and anything else
 * is JSON5 when it parses. With --json the value must be JSON5 and is taken as written.
 */
export function parseValueFor(path: string, raw: string, strict: boolean): unknown {
  if (strict) return parseValue(raw, true);
  let segments;
  try {
    segments = parseKeyPath(path);
  } catch (err) {
    throw explain(err);
  }
  const schema = schemaAt(segments);
  const element = schema && elementOf(schema);
  const parsed = parseValue(raw, false);
  const text = typeof parsed === 'string' ? parsed : raw;
  if (schema && kindOf(schema) === 'string') return text;
  if (element && kindOf(element) === 'string' && !Array.isArray(parsed)) return [text];
  return parsed;
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
