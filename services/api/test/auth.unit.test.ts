import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { Authenticator, mintToken, Unauthenticated } from '../src/auth.ts';

const secret = new TextEncoder().encode('auth-unit-test-secret-0123456789abcdef');

describe('Authenticator', () => {
  it('remembers a verified token only until it expires', async () => {
    const authenticator = new Authenticator(secret, 3600);
    // exp is in whole seconds: '2s' leaves at least one second to look it up before it expires.
    const token = await mintToken(secret, { sub: 'viewer-1', role: 'viewer' }, '2s');
    const header = `Bearer ${token}`;
    expect(await authenticator.authenticate(header)).toEqual({ sub: 'viewer-1', role: 'viewer' });
    expect(authenticator.verified(header)).toEqual({ sub: 'viewer-1', role: 'viewer' });

    const expiresAt = (decodeJwt(token).exp ?? 0) * 1000;
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 50));
    expect(authenticator.verified(header)).toBeUndefined();
    await expect(authenticator.authenticate(header)).rejects.toThrow(new Unauthenticated('Token has expired'));
  });

  it('does not remember refusals, nor tokens signed with another secret', async () => {
    const authenticator = new Authenticator(secret, 3600);
    const other = await mintToken(new TextEncoder().encode('another-secret-0123456789abcdefghij'), {
      sub: 'x',
      role: 'organizer',
    });
    await expect(authenticator.authenticate(`Bearer ${other}`)).rejects.toThrow('Token is invalid');
    expect(authenticator.verified(`Bearer ${other}`)).toBeUndefined();
    await expect(authenticator.authenticate(undefined)).rejects.toThrow(Unauthenticated);
  });

  it('asks whether an identity still stands once per request, and again for the next request', async () => {
    let asked = 0;
    let active = true;
    const authenticator = new Authenticator(secret, 3600, () => {
      asked++;
      return active;
    });
    const header = `Bearer ${await mintToken(secret, { sub: 'viewer-1', role: 'viewer' }, '1h')}`;
    const request = {};
    expect((await authenticator.identifyRequest(request, header)).actor).toEqual({ sub: 'viewer-1', role: 'viewer' });
    expect((await authenticator.identifyRequest(request, header)).actor).toEqual({ sub: 'viewer-1', role: 'viewer' });
    expect(asked).toBe(1);
    // An account disabled meanwhile is refused from the next request on.
    active = false;
    await expect(authenticator.identifyRequest({}, header)).rejects.toThrow('Session has ended: sign in again');
    expect(asked).toBe(2);
  });
});
