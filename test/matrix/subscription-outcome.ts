import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestApp } from '../support/test-app.js';
import type { MatrixCall } from './matrix.types.js';

/**
 * A subscription cell: connect with the principal's credentials in connection_init, subscribe,
 * and report the refusal (socket closed: UNAUTHENTICATED; error: its code) or OK when the
 * subscription is still open after a short wait.
 */
export async function subscriptionOutcome(hub: TestApp, call: MatrixCall, headers: Record<string, string>): Promise<string> {
  const connectionParams: Record<string, string> = {};
  if (headers.authorization) connectionParams.authorization = headers.authorization;
  if (headers['x-api-key']) connectionParams.apiKey = headers['x-api-key'];
  const client = createClient({ url: hub.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
  try {
    return await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('OK'), 400);
      client.subscribe(
        { query: call.query, variables: call.variables },
        {
          // graphql-ws delivers an error raised while subscribing as a result with errors.
          next: (result: { errors?: readonly { extensions?: { code?: unknown } }[] }) => {
            if (!result.errors?.length) return;
            clearTimeout(timer);
            resolve(String(result.errors[0].extensions?.code ?? 'ERROR'));
          },
          error: (err: unknown) => {
            clearTimeout(timer);
            if (Array.isArray(err)) return resolve((err[0] as { extensions?: { code?: string } })?.extensions?.code ?? 'ERROR');
            const code = (err as { code?: number })?.code;
            resolve(code === 4403 || code === 4401 ? 'UNAUTHENTICATED' : `CLOSED ${code ?? String(err)}`);
          },
          complete: () => undefined,
        },
      );
    });
  } finally {
    await client.dispose();
  }
}
