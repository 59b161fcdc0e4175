import { createConnection } from 'node:net';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether a Redis answers at TEST_REDIS_URL. The suites that prove cross-replica behaviour need
 * one (these machines run Redis at 127.0.0.1:6379); elsewhere they are skipped. The global
 * setup has already asked (TEST_REDIS_AVAILABLE) and the teardown says why once per run.
 */
export async function redisAvailable(url = TEST_REDIS_URL): Promise<boolean> {
  if (url === TEST_REDIS_URL && process.env.TEST_REDIS_AVAILABLE) return process.env.TEST_REDIS_AVAILABLE === 'true';
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}
