// Loads a module the way Baileys' own code resolves it, step by step along `path` (Baileys, then, say, libsignal's
// curve.js), so that what the gateway patches (xeddsa-verify.ts, x25519-agreement.ts, session-trial.ts) is the very
// module instance Baileys calls, whatever copies of it other packages carry.
import { createRequire } from 'node:module';

export function requireAsBaileys(specifier: string, path: readonly string[] = []): unknown {
  let from = createRequire(import.meta.url).resolve('@whiskeysockets/baileys');
  for (const step of path) from = createRequire(from).resolve(step);
  return createRequire(from)(specifier);
}
