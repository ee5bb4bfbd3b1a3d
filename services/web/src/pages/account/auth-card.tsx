import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';

/** The frame of the pages before signing in: the app's name over one card. */
export function AuthCard({ title, children }: { readonly title: string; readonly children: ReactNode }) {
  return (
    <main className="qm-auth">
      <Card className="qm-auth-card">
        <Typography.Title level={1} style={{ fontSize: 24 }}>
          青苗 · 关工委活动平台
        </Typography.Title>
        <Typography.Title level={2} style={{ fontSize: 18, marginTop: 0 }}>
          {title}
        </Typography.Title>
        {children}
      </Card>
    </main>
  );
}
