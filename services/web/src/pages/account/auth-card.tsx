import type { ReactNode } from 'react';

/**
 * The frame of the pages before signing in: the app's name over one panel. Plain elements rather than Ant Design's
 * Card, which brings its tabs and menus into the first page's JavaScript.
 */
export function AuthCard({ title, children }: { readonly title: string; readonly children: ReactNode }) {
  return (
    <main className="qm-auth">
      <section className="qm-auth-card qm-panel" aria-labelledby="qm-auth-title">
        <h1 className="qm-auth-app">青苗 · 关工委活动平台</h1>
        <h2 className="qm-auth-title" id="qm-auth-title">
          {title}
        </h2>
        {children}
      </section>
    </main>
  );
}
