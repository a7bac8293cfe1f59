// Which build of better-sqlite3's native module the gateway loads. Unset, better-sqlite3 finds its own in
// node_modules, built for the Node that runs the CLI, the headless gateway and the tests. The desktop app runs on
// Electron's ABI and sets a copy built for it (scripts/rebuild-native.mjs) before it opens any database; every
// connection — the store, the checkpoint worker, the state lock — must load the same build.
let binding: string | undefined;

/** A path to `better_sqlite3.node`, or undefined for better-sqlite3's own build. */
export function setSqliteNativeBinding(path: string | undefined): void {
  binding = path;
}

export function sqliteNativeBinding(): string | undefined {
  return binding;
}

/** Options to spread into every `new Database(...)`. */
export function sqliteBindingOptions(): { nativeBinding?: string } {
  return binding === undefined ? {} : { nativeBinding: binding };
}

/** Where scripts/rebuild-native.mjs puts the Electron build, relative to the app's folder, and its stamp. */
export const ELECTRON_BINDING_FILE = 'native/electron/better_sqlite3.node';
export const ELECTRON_BINDING_STAMP = 'native/electron/built-for.json';
/** The command that builds it (needs Electron's headers, so internet access). */
export const REBUILD_FOR_ELECTRON = 'npm run rebuild:electron';
