// Types for scripts/notices.mjs, which a test imports.
export interface NoticePackage {
  name: string;
  version: string;
  license: string;
  homepage?: string;
  texts: Array<{ file: string; text: string }>;
}
export interface Notices {
  app: { name: string; package: string; version: string; license: string };
  generatedAt: string;
  packages: NoticePackage[];
}
export declare function licenceOf(pkg: Record<string, unknown>): string;
export declare function collectNotices(root: string): Notices;
export declare function noticesText(notices: Notices): string;
export declare function writeNotices(root: string, outDir: string): Notices;
