import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * The receiver's check, exactly as docs/notifications.md gives it to partners (and independent
 * of the hub's own code): HMAC-SHA256 of `${t}.${body}` with the secret, any `v1` matching,
 * the timestamp within five minutes.
 */
export function verifyWebhook(secret: string, header: string, body: string): boolean {
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return parts.some(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v) && timingSafeEqual(Buffer.from(v, 'hex'), expected));
}

export interface Received {
  path: string;
  deliveryId: string;
  signature: string;
  body: string;
  json: any;
}

/** A real HTTP server that records every webhook it receives; `failures[path]` answers 500 that many times first. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  readonly failures: Record<string, number> = {};
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        this.received.push({ path, deliveryId: String(req.headers['samverkan-delivery']), signature: String(req.headers['samverkan-signature']), body, json: JSON.parse(body) });
        if ((this.failures[path] ?? 0) > 0) {
          this.failures[path]--;
          res.writeHead(500).end('not now');
        } else {
          res.writeHead(204).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Waits until `predicate` holds (the worker sends asynchronously); fails after `ms`. */
  async until(predicate: () => boolean, ms = 15000): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`webhooks not received in ${ms} ms; got ${JSON.stringify(this.received.map((r) => [r.path, r.json.type]))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
