import './styles.css';
import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nContext, initialLang, makeI18n, useI18n, type Lang } from './i18n';
import { renew, signIn, signOut } from './session';
import { Link, atLeast, useOnline, useRoute, useUser } from './ui';
import { AdminScreen } from './screens/admin';
import { IncidentScreen, PlanScreen } from './screens/incident';
import { IncidentsScreen } from './screens/incidents';
import { MeetingScreen, TasksScreen } from './screens/log';
import { HoldingsScreen } from './screens/resources';

function SignIn() {
  const { t } = useI18n();
  const [failed, setFailed] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="panel signin"
      aria-labelledby="signin-h"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        setBusy(true);
        void signIn(String(f.get('email')), String(f.get('password'))).then((r) => {
          setBusy(false);
          setFailed(r === 'ok' ? undefined : r === 'failed' ? t('session.failed') : t('common.error'));
        });
      }}
    >
      <h1 id="signin-h">{t('session.signIn')}</h1>
      <label>
        {t('session.email')}
        <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        {t('session.password')}
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {failed && (
        <p role="alert" className="error">
          {failed}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('session.signIn')}
      </button>
    </form>
  );
}

function Screen() {
  const path = useRoute();
  const m = /^\/incidents\/([0-9a-f-]{36})(?:\/(\w+))?\/?$/.exec(path);
  if (m && m[2] === 'plan') return <PlanScreen id={m[1]} />;
  if (m) return <IncidentScreen id={m[1]} tab={m[2] ?? 'picture'} />;
  const meeting = /^\/meetings\/([0-9a-f-]{36})\/?$/.exec(path);
  if (meeting) return <MeetingScreen id={meeting[1]} />;
  if (path === '/resources') return <HoldingsScreen />;
  if (path === '/tasks') return <TasksScreen />;
  if (path === '/admin') return <AdminScreen />;
  return <IncidentsScreen />;
}

function Shell() {
  const { t, lang, setLang } = useI18n();
  const user = useUser();
  const online = useOnline();
  const [restoring, setRestoring] = useState(true);
  useEffect(() => {
    // The access token is gone after a reload; the cookie may still hold a session.
    void renew().finally(() => setRestoring(false));
  }, []);
  return (
    <>
      <a href="#main" className="skip">
        {t('app.skip')}
      </a>
      {!online && (
        <div role="alert" className="banner" data-testid="offline-banner">
          {t('conn.lost')}
        </div>
      )}
      <header className="top">
        <span className="brand">{t('app.title')}</span>
        {user && (
          <nav aria-label={t('app.title')}>
            <Link to="/">{t('nav.incidents')}</Link>
            <Link to="/resources">{t('nav.resources')}</Link>
            <Link to="/tasks">{t('nav.tasks')}</Link>
            <Link to="/admin">{atLeast(user, 'ADMIN') ? t('nav.admin') : t('admin.audit')}</Link>
          </nav>
        )}
        <span className="right">
          <button type="button" lang={lang === 'sv' ? 'en' : 'sv'} onClick={() => setLang(lang === 'sv' ? 'en' : 'sv')}>
            {t('lang.switch')}
          </button>
          {user && (
            <>
              <span className="muted" data-testid="signed-in-as">
                {t('session.signedInAs')} {user.displayName} ({user.role})
              </span>
              <button type="button" onClick={() => void signOut()}>
                {t('session.signOut')}
              </button>
            </>
          )}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {restoring ? <p aria-busy="true">{t('common.loading')}</p> : user ? <Screen /> : <SignIn />}
      </main>
    </>
  );
}

function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const i18n = useMemo(
    () =>
      makeI18n(lang, (l) => {
        localStorage.setItem('hub.lang', l);
        setLangState(l);
      }),
    [lang],
  );
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return (
    <I18nContext.Provider value={i18n}>
      <Shell />
    </I18nContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
