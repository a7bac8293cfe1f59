import type { OpenClawApi } from '../../shared/api';

declare global {
  interface Window {
    /** Put there by the Electron preload; absent in a plain browser. */
    openclaw?: OpenClawApi;
  }
}

export {};
