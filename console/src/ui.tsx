import { useCallback, useEffect, useId, useState, useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';
import { useI18n } from './i18n';
import { currentUser, gql, isOnline, subscribe, type SessionUser } from './session';

/** The path under /console, e.g. "/incidents/…"; changed by navigate() and the browser's back. */
let path = location.pathname.replace(/^\/console/, '') || '/';
const routeListeners = new Set<() => void>();
window.addEventListener('popstate', () => {
  path = location.pathname.replace(/^\/console/, '') || '/';
  routeListeners.forEach((l) => l());
});
export function navigate(to: string): void {
  history.pushState(null, '', `/console${to}`);
  path = to;
  routeListeners.forEach((l) => l());
  document.getElementById('main')?.focus();
}
export function useRoute(): string {
  return useSyncExternalStore(
    (l) => {
      routeListeners.add(l);
      return () => routeListeners.delete(l);
    },
    () => path,
  );
}

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const current = useRoute();
  const onClick = (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={`/console${to}`} onClick={onClick} className={className} aria-current={current === to ? 'page' : undefined}>
      {children}
    </a>
  );
}

export function useUser(): SessionUser | null {
  return useSyncExternalStore(subscribe, currentUser);
}
export function useOnline(): boolean {
  return useSyncExternalStore(subscribe, isOnline);
}

const RANK = { VIEWER: 0, LIAISON_OFFICER: 1, COORDINATOR: 2, ADMIN: 3 } as const;
/** The API's role ladder (the guard's @Allow): shown only what the role may do. */
export function atLeast(u: SessionUser | null, role: keyof typeof RANK): boolean {
  return !!u && RANK[u.role] >= RANK[role];
}

export interface QueryState<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** A query that runs on mount, when its variables change, and again when the hub is back. */
/** `query` null: nothing to ask (yet); the state stays empty and not loading. */
export function useQuery<T>(query: string | null, variables: Record<string, unknown> = {}): QueryState<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const online = useOnline();
  const key = JSON.stringify(variables);
  useEffect(() => {
    let live = true;
    if (query === null) {
      setState({ loading: false });
      return;
    }
    gql<T>(query, JSON.parse(key) as Record<string, unknown>).then(
      (data) => live && setState({ data, loading: false }),
      (e: Error) => live && setState((s) => ({ data: s.data, error: e.message, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [query, key, tick, online]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Loading<T>({ q, children }: { q: QueryState<T>; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (q.data !== undefined) return <>{children(q.data)}</>;
  if (q.error) return <p role="alert" className="error">{`${t('common.error')}: ${q.error}`}</p>;
  return <p aria-busy="true">{t('common.loading')}</p>;
}

/** A button that runs a mutation, shows its error, and reports success. */
export function Action({ label, run, done, className }: { label: string; run: () => Promise<unknown>; done?: () => void; className?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <span className="action">
      <button
        type="button"
        className={className}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(undefined);
          run().then(
            () => {
              setBusy(false);
              done?.();
            },
            (e: Error) => {
              setBusy(false);
              setError(e.message);
            },
          );
        }}
      >
        {label}
      </button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </span>
  );
}

/**
 * A form that sends one mutation built from its fields: the error next to the button, the form
 * emptied and `done` told of the answer on success; with `cancel`, a cancel button beside save.
 * Its title is its heading (`level` 3, or 2 where the form is a section of its page).
 */
export function MutationForm<T = unknown>({
  title,
  submit,
  mutation,
  input,
  done,
  children,
  className = 'panel',
  level = 3,
  cancel,
}: {
  title: string;
  submit?: string;
  mutation: string;
  input: (f: FormData) => Record<string, unknown>;
  done: (data: T) => void;
  children: ReactNode;
  className?: string;
  level?: 2 | 3;
  cancel?: () => void;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<string>();
  const id = useId();
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <form
      className={className}
      aria-labelledby={id}
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        gql<T>(mutation, { input: input(new FormData(form)) }).then(
          (data) => {
            form.reset();
            setError(undefined);
            done(data);
          },
          (err: Error) => setError(err.message),
        );
      }}
    >
      <Heading id={id}>{title}</Heading>
      {children}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit">{submit ?? t('common.save')}</button>
      {cancel && (
        <>
          {' '}
          <button type="button" onClick={cancel}>
            {t('common.cancel')}
          </button>
        </>
      )}
    </form>
  );
}

/** A table that scrolls sideways on a phone (focusable, so a keyboard can scroll it too). */
export function DataTable({ head, caption, testId, children }: { head: ReactNode[]; caption?: string; testId?: string; children: ReactNode }) {
  return (
    <div className="scroll" tabIndex={0}>
      <table data-testid={testId}>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
