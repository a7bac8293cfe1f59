// Types for scripts/electron-binary.mjs, which a test imports.
export declare function installedElectron(root: string): { version: string; binary: string | null } | null;
