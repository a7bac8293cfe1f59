// What the UI specs that drive WhatsApp share: one simulator for the spec file and a built headless gateway wired
// to it (started in beforeAll, stopped cleanly in afterAll), with libsignal's console chatter muted meanwhile.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { startSim, type Sim } from './wa-sim/index';
import { startUiGateway, type UiGateway } from './gateway-ui';

export interface SimGateway {
  readonly sim: Sim;
  readonly gw: UiGateway;
}

/** `configBody` is the inside of the gateway's config object (as makeTestEnv takes it). */
export function useSimGateway(seed: string, configBody = ''): SimGateway {
  let sim: Sim | undefined;
  let gw: UiGateway | undefined;
  const quiet = { info: console.info, warn: console.warn };
  test.beforeAll(async () => {
    console.info = () => undefined;
    console.warn = () => undefined;
    sim = await startSim({ seed });
    gw = await startUiGateway(configBody, {
      env: { OPENCLAW_WA_SIMULATOR: sim.url, NODE_EXTRA_CA_CERTS: sim.mediaHost.caFile },
    });
  });
  test.afterAll(async () => {
    expect(await gw?.stop()).toBe(0);
    await sim?.close();
    Object.assign(console, quiet);
  });
  return {
    get sim() {
      if (!sim) throw new Error('the simulator starts in beforeAll');
      return sim;
    },
    get gw() {
      if (!gw) throw new Error('the gateway starts in beforeAll');
      return gw;
    },
  };
}

/** A full-page screenshot kept with the test's results. */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}
