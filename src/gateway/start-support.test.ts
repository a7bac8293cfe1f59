import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { closerFor, listen } from './start-support';

let server: Server;
afterEach(() => server.closeAllConnections());

async function serverWithClient(request: string) {
  server = createServer((_req, res) => res.end('ok'));
  const close = closerFor(server, 300);
  await listen(server, 0);
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => client.once('connect', resolve));
  client.resume(); // reads the response, so the client sees the server's close
  client.write(request);
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { close, clientClosed: new Promise((resolve) => client.once('close', resolve)) };
}

test('a client that sent half its request does not hold the server open: it is cut after the grace', async () => {
  // Node's close() alone waits for this connection for ever: its header timeout stops with close().
  const { close, clientClosed } = await serverWithClient('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const started = Date.now();
  await close();
  await clientClosed;
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  expect(server.listening).toBe(false);
});

test('an idle keep-alive connection closes at once, without waiting out the grace', async () => {
  const { close, clientClosed } = await serverWithClient('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  const started = Date.now();
  await close();
  await clientClosed;
  expect(Date.now() - started).toBeLessThan(250);
});
