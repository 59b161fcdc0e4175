// GraphiQL from the hub's own packages: the editor (Monaco) and its workers are bundled by Vite,
// so the page works on a network without internet. Served at GET /graphql outside production.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const fetcher = createGraphiQLFetcher({ url: `${location.origin}/graphql`, subscriptionUrl: `${location.origin.replace(/^http/, 'ws')}/graphql` });

const DEFAULT_QUERY = `# Samverkan hub. Sign in (demo password: Samverkan-demo-2026):
#   mutation { login(email: "samverkan@norrtalje.example", password: "Samverkan-demo-2026") { accessToken } }
# then put {"Authorization": "Bearer <accessToken>"} under Headers below.
{
  __typename
}
`;

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
  </StrictMode>,
);
