import { render, screen } from '@testing-library/react';
import { createMemoryRouter } from 'react-router';
import { expect, it } from 'vitest';
import { App } from '../src/app.tsx';
import { routes } from '../src/routes.tsx';

it('renders the sign-in page in Chinese', async () => {
  render(<App router={createMemoryRouter(routes, { initialEntries: ['/sign-in'] })} />);
  expect(await screen.findByRole('button', { name: '登录' })).toBeTruthy();
  expect(screen.getByLabelText('登录名')).toBeTruthy();
  expect(screen.getByLabelText('密码')).toBeTruthy();
});
