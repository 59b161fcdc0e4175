/**
 * Concurrent GraphQL clients for the fault tests: each loops over its work until told to stop,
 * recording what the hub acknowledged (a response with data) and how every request ended.
 */
export interface Outcome {
  kind: 'ok' | 'graphql-error' | 'http-error' | 'network-error';
  status?: number;
  code?: string;
  ms: number;
  startedAt: number;
}

export async function gqlCall(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
  timeoutMs = 15000,
): Promise<{ outcome: Outcome; data?: any }> {
  const startedAt = Date.now();
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const ms = Date.now() - startedAt;
    if (res.status >= 500) return { outcome: { kind: 'http-error', status: res.status, ms, startedAt } };
    const body = JSON.parse(text) as { data?: any; errors?: { extensions?: { code?: string } }[] };
    if (body.errors?.length) return { outcome: { kind: 'graphql-error', status: res.status, code: body.errors[0].extensions?.code, ms, startedAt }, data: body.data };
    return { outcome: { kind: 'ok', status: res.status, ms, startedAt }, data: body.data };
  } catch {
    return { outcome: { kind: 'network-error', ms: Date.now() - startedAt, startedAt } };
  }
}

export class LoadRun {
  readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly loops: Promise<void>[] = [];

  /** Starts `clients` loops, each calling `step(client, i)` until stop(). */
  start(clients: number, step: (client: number, iteration: number) => Promise<Outcome>, pauseMs = 0): void {
    for (let c = 0; c < clients; c++) {
      this.loops.push(
        (async () => {
          for (let i = 0; this.running; i++) {
            this.outcomes.push(await step(c, i));
            if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
          }
        })(),
      );
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}
