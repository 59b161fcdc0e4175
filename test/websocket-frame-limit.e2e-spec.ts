import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from './support/test-app.js';

const MiB = 1024 * 1024;

/** A graphql-ws connection_init of exactly `bytes` bytes, as a Buffer (outside the JS heap, like the hub's receive buffers). */
function connectionInit(bytes: number): Buffer {
  const head = Buffer.from('{"type":"connection_init","payload":{"authorization":"Bearer ');
  const tail = Buffer.from('"}}');
  const frame = Buffer.alloc(bytes, 'x');
  head.copy(frame, 0);
  tail.copy(frame, bytes - tail.length);
  return frame;
}

/** Sends one text frame on a fresh socket; resolves with the close code the server ended it with. */
function sendFrame(hub: TestApp, frame: Buffer): Promise<{ code: number; ms: number }> {
  return new Promise((resolve, reject) => {
    // A zero mask leaves the payload as it is, so that the client sends 90 MiB at once instead of
    // first masking a copy of it (seconds on a loaded machine, past graphql-ws's 3 s wait for
    // connection_init, which would close the socket with 4408 before the frame arrives).
    const ws = new WebSocket(`${hub.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { generateMask: (mask) => void mask.fill(0) });
    let started = 0;
    ws.on('open', () => {
      started = Date.now();
      ws.send(frame, { binary: false });
    });
    ws.on('error', () => undefined); // the close code is what is asserted
    ws.on('close', (code) => resolve({ code, ms: Date.now() - started }));
    setTimeout(() => reject(new Error('the socket was not closed within 20 s')), 20000).unref();
  });
}

describe('the WebSocket frame limit (maxPayload)', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp();
  });
  afterAll(() => hub.close());

  it('closes the socket with 1009 on an oversized frame before reading it: the hub stays responsive and its heap does not grow', async () => {
    const frame = connectionInit(90 * MiB);
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
    const closed = sendFrame(hub, frame);
    // Meanwhile another client is answered (how fast is the bench's business, not a test's).
    await new Promise((r) => setTimeout(r, 50));
    const other = await hub.gql(`{ __typename }`);
    const { code } = await closed;
    clearInterval(sampler);

    expect(code).toBe(1009);
    expect(other.body).toEqual({ data: { __typename: 'Query' } });
    // Reading the frame as text and parsing it would hold at least its 90 MiB on the heap.
    expect((peak - before) / MiB).toBeLessThan(40);
  });

  it('reads a frame of exactly the limit (GRAPHQL_BODY_LIMIT_BYTES by default) and refuses one byte more', async () => {
    const limit = 100 * 1024;
    // Read and parsed: its credentials are refused (4403), not its size.
    expect((await sendFrame(hub, connectionInit(limit))).code).toBe(4403);
    expect((await sendFrame(hub, connectionInit(limit + 1))).code).toBe(1009);
  });

  it('takes WS_MAX_PAYLOAD_BYTES when it is set', async () => {
    const small = await startTestApp({ WS_MAX_PAYLOAD_BYTES: '2048' });
    try {
      expect((await sendFrame(small, connectionInit(2048))).code).toBe(4403);
      expect((await sendFrame(small, connectionInit(2049))).code).toBe(1009);
    } finally {
      await small.close();
    }
  });
});
