// Keys the schema does not know. A typo in the file must not take the gateway down, yet it must not pass in
// silence either: each unknown key becomes a warning with its key path and, when one is close, the key meant.
// `config set` refuses them outright (see ConfigService.setMany), since a setting that does nothing is a trap.
import type { z } from 'zod';
import type { ConfigIssue } from '../../shared/contract';
import { GatewayError } from '../errors';
import { parseJson5 } from './json5-scan';
import { formatKeyPath, type KeySegment } from './key-path';
import { ConfigSchema } from './schema';

type Schema = z.core.$ZodType;
type Def = {
  type: string;
  innerType?: Schema;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  valueType?: Schema;
  element?: Schema;
};

const defOf = (s: Schema): Def => s._zod.def as unknown as Def;

/** The schema without optional/default/prefault/nullable wrappers. */
function unwrap(schema: Schema): Schema {
  let s = schema;
  for (let def = defOf(s); def.innerType && def.type !== 'pipe'; def = defOf(s)) s = def.innerType;
  return s;
}

/** The (unwrapped) schema that governs the value at `segments`, or undefined when no key there is known. */
export function schemaAt(segments: readonly KeySegment[], root: Schema = ConfigSchema): Schema | undefined {
  let s = unwrap(root);
  for (const seg of segments) {
    const def = defOf(s);
    let next: Schema | undefined;
    if (def.type === 'object') next = def.shape?.[String(seg)];
    else if (def.type === 'record') next = def.valueType;
    else if (def.type === 'array' && typeof seg === 'number') next = def.element;
    if (!next) return undefined;
    s = unwrap(next);
  }
  return s;
}

/** The kind of value a schema takes, for callers that turn typed-in text into a value. */
export function kindOf(schema: Schema): string {
  return defOf(unwrap(schema)).type;
}

export function elementOf(schema: Schema): Schema | undefined {
  const def = defOf(unwrap(schema));
  return def.type === 'array' ? def.element : undefined;
}

export interface UnknownKey {
  segments: KeySegment[];
  /** The closest known key at the same place, when one is close enough to be the one meant. */
  suggestion?: string;
  /** The keys known at the same place. */
  known: readonly string[];
  issue: ConfigIssue;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Every unknown key in `input`, and a copy of `input` without the unknown keys of strict sections, which the
 * schema can then parse. Keys at the top level and in `channels` stay: those sections keep what they do not know
 * (files of the reference product carry other channels and sections).
 */
export function findUnknownKeys(input: unknown): { unknown: UnknownKey[]; known: unknown } {
  const unknown: UnknownKey[] = [];
  const known = walk(ConfigSchema, input, [], unknown);
  return { unknown, known };
}

function walk(schema: Schema, value: unknown, at: KeySegment[], out: UnknownKey[]): unknown {
  const s = unwrap(schema);
  const def = defOf(s);
  if (def.type === 'array' && def.element && Array.isArray(value)) {
    const element = def.element;
    return value.map((v, i) => walk(element, v, [...at, i], out));
  }
  if (!isRecord(value)) return value;
  if (def.type === 'record' && def.valueType) {
    const valueType = def.valueType;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, walk(valueType, v, [...at, k], out)]),
    );
  }
  if (def.type !== 'object' || !def.shape) return value;
  const keeps = def.catchall !== undefined && defOf(def.catchall).type !== 'never';
  const names = Object.keys(def.shape);
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const field = def.shape[k];
    if (field) {
      copy[k] = walk(field, v, [...at, k], out);
      continue;
    }
    const segments = [...at, k];
    const suggestion = didYouMean(k, names);
    const hint = suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : '';
    const what = at.length === 1 && at[0] === 'channels' ? 'channel' : 'key';
    out.push({
      segments,
      suggestion,
      known: names,
      issue: {
        path: formatKeyPath(segments),
        message: keeps
          ? `${what} ${JSON.stringify(k)} is not used by OpenClaw Desktop${hint}; it is kept but ignored`
          : `unknown key ${JSON.stringify(k)}${hint}; it is ignored`,
      },
    });
    if (keeps) copy[k] = v;
  }
  return copy;
}

const startsWith = (path: readonly KeySegment[], prefix: readonly KeySegment[]): boolean =>
  prefix.length <= path.length && prefix.every((seg, i) => String(seg) === String(path[i]));

/**
 * Refuses a write that would put a value at (or under) a key the schema does not know: such a setting would
 * be kept and ignored. `text` is the file as it would be written, `targets` the key paths being set.
 */
export function refuseUnknownKeys(text: string, targets: readonly KeySegment[][]): void {
  const parsed = parseJson5(text);
  if (!parsed.ok || parsed.blank) return; // Validation reports a file that does not parse.
  const problems: string[] = [];
  for (const u of findUnknownKeys(parsed.value).unknown) {
    const target = targets.find((t) => startsWith(t, u.segments) || startsWith(u.segments, t));
    if (!target) continue;
    const parent = u.segments.slice(0, -1);
    const key = JSON.stringify(String(u.segments.at(-1)));
    const where = parent.length > 0 ? formatKeyPath(parent) : 'the top level';
    let hint = `; the keys there are ${u.known.join(', ')}`;
    if (u.suggestion) {
      const meant = startsWith(target, u.segments)
        ? [...parent, u.suggestion, ...target.slice(u.segments.length)]
        : [...parent, u.suggestion];
      hint = ` (did you mean ${formatKeyPath(meant)}?)`;
    }
    problems.push(`${formatKeyPath(target)}: ${key} is not a key of ${where}${hint}`);
  }
  if (problems.length === 0) return;
  throw new GatewayError(
    'config.path_invalid',
    problems.length === 1 ? problems[0]! : `${problems[0]} (and ${problems.length - 1} more)`,
    { problems },
  );
}

/** The candidate `word` most likely stands for: same letters ignoring case, or a typo or two away. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const d = editDistance(w, name.toLowerCase());
    if (!best || d < best.distance) best = { name, distance: d };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.min(3, Math.floor(Math.max(w.length, best.name.length) / 4)));
  return best.distance <= allowed ? best.name : undefined;
}

/** Levenshtein distance, with a swap of two neighbouring letters counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0]!.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const prev = rows[i - 1]!;
      const row = rows[i]!;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
  }
  return rows[a.length]![b.length]!;
}
