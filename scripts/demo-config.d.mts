// Types for scripts/demo-config.mjs, which tests import.
export declare const DEMO_MARK: string;
export declare const DEMO_MODEL: string;
export declare function demoConfig(opts: { logFile: string; modelBaseUrl: string }): string;
export declare function modelSimBaseUrl(line: string): string | undefined;
