import { useState } from 'react';
import { useI18n } from '../i18n';
import { gql } from '../session';
import { DataTable, Action, Loading, MutationForm, atLeast, useQuery, useUser } from '../ui';

/** ADMIN: organisations and users; LIAISON_OFFICER and up: their organisation's API keys; everyone: the audit trail they may read. */
export function AdminScreen() {
  const { t } = useI18n();
  const user = useUser();
  return (
    <section aria-labelledby="admin-h">
      <h1 id="admin-h">{t('nav.admin')}</h1>
      {atLeast(user, 'ADMIN') && <Organisations />}
      {atLeast(user, 'ADMIN') && <Users />}
      {atLeast(user, 'LIAISON_OFFICER') && <ApiKeys />}
      <Audit />
    </section>
  );
}

function Organisations() {
  const { t } = useI18n();
  const q = useQuery<{ organisations: { totalCount: number; nodes: { id: string; code: string; name: string; kind: string; active: boolean }[] } }>(
    `{ organisations(first: 100) { totalCount nodes { id code name kind active } } }`,
  );
  return (
    <section aria-labelledby="orgs-h">
      <h2 id="orgs-h">{t('admin.organisations')}</h2>
      <Loading q={q}>
        {(d) => (
          <DataTable head={['Code', t('admin.name'), t('links.kind')]}>
            {d.organisations.nodes.map((o) => (
              <tr key={o.id}>
                <td>{o.code}</td>
                <th scope="row">{o.name}</th>
                <td>{o.kind}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loading>
    </section>
  );
}

function Users() {
  const { t } = useI18n();
  const user = useUser();
  const q = useQuery<{ organisation: { members: { nodes: { id: string; displayName: string; email: string; role: string; active: boolean }[] } } | null }>(
    `query U($id: ID!) { organisation(id: $id) { members(first: 100) { nodes { id displayName email role active } } } }`,
    { id: user?.organisationId },
  );
  return (
    <section aria-labelledby="users-h">
      <h2 id="users-h">{t('admin.users')}</h2>
      <CreateUser done={q.reload} />
      <Loading q={q}>
        {(d) => (
          <ul className="plain">
            {d.organisation?.members.nodes.map((u) => (
              <li key={u.id}>
                {u.displayName} &lt;{u.email}&gt; · {u.role}
              </li>
            ))}
          </ul>
        )}
      </Loading>
    </section>
  );
}

/** The API's ApiScope values (schema.gql); a new key reads incidents and reports unless told otherwise. */
const API_SCOPES = ['INCIDENTS_READ', 'REPORTS_READ', 'REPORTS_WRITE', 'RESOURCES_READ', 'RESOURCES_WRITE', 'LINKS_READ', 'LINKS_WRITE', 'LOG_READ', 'LOG_WRITE', 'WEBHOOKS_MANAGE'];
const DEFAULT_SCOPES = ['INCIDENTS_READ', 'REPORTS_READ'];

function ApiKeys() {
  const { t, dateTime } = useI18n();
  const q = useQuery<{ apiKeys: { id: string; name: string; prefix: string; scopes: string[]; createdAt: string; revokedAt: string | null }[] }>(
    `{ apiKeys { id name prefix scopes createdAt revokedAt } }`,
  );
  const [secret, setSecret] = useState<string>();
  return (
    <section aria-labelledby="keys-h">
      <h2 id="keys-h">{t('admin.apiKeys')}</h2>
      <MutationForm<{ createApiKey: { secret: string } }>
        title={t('admin.createKey')}
        submit={t('admin.createKey')}
        mutation={`mutation K($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`}
        input={(f) => ({ name: f.get('name'), scopes: f.getAll('scopes') })}
        done={(d) => {
          setSecret(d.createApiKey.secret);
          q.reload();
        }}
      >
        <label>
          {t('admin.name')}
          <input name="name" required />
        </label>
        <fieldset>
          <legend>{t('admin.scopes')}</legend>
          {API_SCOPES.map((scope) => (
            <label key={scope} className="check">
              <input type="checkbox" name="scopes" value={scope} defaultChecked={DEFAULT_SCOPES.includes(scope)} /> {scope}
            </label>
          ))}
        </fieldset>
      </MutationForm>
      {secret && (
        <p role="status" className="panel">
          {t('admin.keyShownOnce')} <code>{secret}</code>
        </p>
      )}
      <Loading q={q}>
        {(d) => (
          <ul className="plain">
            {d.apiKeys.map((k) => (
              <li key={k.id}>
                {k.name} <code>{k.prefix}…</code> {k.scopes.join(', ')} · {dateTime(k.createdAt)}{' '}
                {k.revokedAt ? (
                  `(${dateTime(k.revokedAt)})`
                ) : (
                  <Action label={`${t('admin.revoke')}: ${k.name}`} run={() => gql(`mutation R($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: k.id })} done={q.reload} />
                )}
              </li>
            ))}
          </ul>
        )}
      </Loading>
    </section>
  );
}

function Audit() {
  const { t, dateTime } = useI18n();
  const q = useQuery<{
    auditEvents: { nodes: { id: string; sequence: number; action: string; entityType: string; occurredAt: string; actorUser: { displayName: string } | null }[] };
  }>(`{ auditEvents(first: 50) { nodes { id sequence action entityType occurredAt actorUser { displayName } } } }`);
  return (
    <section aria-labelledby="audit-h">
      <h2 id="audit-h">{t('admin.audit')}</h2>
      <Loading q={q}>
        {(d) => (
          <DataTable head={['#', t('admin.at'), t('admin.action'), t('admin.name')]}>
            {d.auditEvents.nodes.map((e) => (
              <tr key={e.id}>
                <td>{e.sequence}</td>
                <td>{dateTime(e.occurredAt)}</td>
                <td>
                  {e.action} ({e.entityType})
                </td>
                <td>{e.actorUser?.displayName ?? '–'}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loading>
    </section>
  );
}

/** ADMIN: a user in the administrator's own organisation (others: through the API). */
function CreateUser({ done }: { done: () => void }) {
  const { t } = useI18n();
  const user = useUser();
  return (
    <MutationForm
      title={t('admin.createUser')}
      submit={t('admin.createUser')}
      mutation={`mutation U($input: CreateUserInput!) { createUser(input: $input) { id } }`}
      input={(f) => ({ organisationId: user?.organisationId, displayName: f.get('name'), email: f.get('email'), password: f.get('password'), role: f.get('role') })}
      done={done}
    >
      <label>
        {t('admin.name')}
        <input name="name" required />
      </label>
      <label>
        {t('admin.email')}
        <input name="email" type="email" required />
      </label>
      <label>
        {t('admin.password')}
        <input name="password" type="password" autoComplete="new-password" minLength={12} required />
      </label>
      <label>
        {t('admin.role')}
        <select name="role" defaultValue="LIAISON_OFFICER">
          {['VIEWER', 'LIAISON_OFFICER', 'COORDINATOR', 'ADMIN'].map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
    </MutationForm>
  );
}
