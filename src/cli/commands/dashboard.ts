import { withGateway } from '../client';
import { locateGateway } from '../locate';

/** `openclaw dashboard`: a fresh one-time link that signs a browser into the gateway's UI. */
export async function dashboard(): Promise<number> {
  const link = await withGateway(await locateGateway(), (client) => client.call('ui.link'));
  console.log(`Open the UI: ${link.url}`);
  console.log(`(one-time link, valid until ${new Date(link.expiresAt).toLocaleTimeString()})`);
  return 0;
}
