import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { App } from '../src/app.tsx';
import { NETWORK_MESSAGE } from '../src/error-messages.ts';
import { routes } from '../src/routes.tsx';

/** The app at `path`, as a browser would open it (here without a server: every request fails as offline). */
function openAt(path: string) {
  render(<App router={createMemoryRouter(routes, { initialEntries: [path] })} />);
  return userEvent.setup();
}

describe('the sign-in page', () => {
  it('asks for the login and the password before sending anything', async () => {
    const user = openAt('/sign-in');
    await user.click(await screen.findByRole('button', { name: '登录' }));
    expect(await screen.findByText('请输入登录名')).toBeTruthy();
    expect(screen.getByText('请输入密码')).toBeTruthy();
    // Spaces alone are no login.
    await user.type(screen.getByLabelText('登录名'), '   ');
    await user.click(screen.getByRole('button', { name: '登录' }));
    expect(await screen.findByText('请输入登录名')).toBeTruthy();
  });

  it('says the server cannot be reached when sending fails, and empties the password', async () => {
    const user = openAt('/sign-in?next=%2Fschool');
    await user.type(await screen.findByLabelText('登录名'), 'contact');
    await user.type(screen.getByLabelText('密码'), 'some-password-123');
    await user.click(screen.getByRole('button', { name: '登录' }));
    expect((await screen.findByRole('alert')).textContent).toBe(NETWORK_MESSAGE);
    expect((screen.getByLabelText('密码') as HTMLInputElement).value).toBe('');
  });

  it('leads to activation with the page to return to', async () => {
    const user = openAt('/sign-in?next=%2Fschool');
    await user.click(await screen.findByRole('link', { name: '有激活码？激活账号' }));
    expect(await screen.findByLabelText('激活码')).toBeTruthy();
    expect(screen.getByRole('link', { name: '已有密码？去登录' }).getAttribute('href')).toBe('/sign-in?next=%2Fschool');
  });
});

describe('the activation page', () => {
  it('checks the code, the password rules and the repeated password before sending', async () => {
    const user = openAt('/activate');
    await user.click(await screen.findByRole('button', { name: '激活并登录' }));
    expect(await screen.findByText('请输入管理员提供的激活码')).toBeTruthy();
    expect(screen.getByText('请设置密码')).toBeTruthy();

    await user.type(screen.getByLabelText('登录名'), 'shiyan.contact');
    await user.type(screen.getByLabelText('设置密码'), 'short');
    expect(await screen.findByText('密码至少 10 个字符')).toBeTruthy();

    await user.clear(screen.getByLabelText('设置密码'));
    await user.type(screen.getByLabelText('设置密码'), 'shiyan.contact');
    expect(await screen.findByText('密码不能与登录名相同')).toBeTruthy();

    await user.clear(screen.getByLabelText('设置密码'));
    await user.type(screen.getByLabelText('设置密码'), 'a-long-password-2026');
    await user.type(screen.getByLabelText('确认密码'), 'a-different-password');
    expect(await screen.findByText('两次输入的密码不一致')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('密码至少 10 个字符')).toBeNull());
  });
});
