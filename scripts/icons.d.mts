// Types for scripts/icons.mjs, which a test imports.
export declare const APP_PNG_SIZES: number[];
export declare const ICO_SIZES: number[];
export declare const ICNS_TYPES: Array<[string, number]>;
export declare const TRAY_SIZES: Array<[string, number]>;
export declare function buildIco(images: Array<{ size: number; png: Buffer }>): Buffer;
export declare function buildIcns(images: Array<{ type: string; png: Buffer }>): Buffer;
export declare function generateIcons(resourcesDir: string, outDir?: string): Promise<string[]>;
