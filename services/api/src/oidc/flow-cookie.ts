import { hkdfSync } from 'node:crypto';
import type { CookieOptions } from 'express';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { z } from 'zod';

/** The cookie that carries one sign-in attempt from /auth/oidc/start to /auth/oidc/callback. */
export const FLOW_COOKIE = 'qingmiao_oidc';

/** How long a sign-in at the provider may take before the attempt is void. */
export const FLOW_LIFETIME_SECONDS = 600;

/** What the callback must check and send back: it never leaves this server readable. */
const Flow = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(1),
  returnTo: z.string().startsWith('/'),
});
export type Flow = z.infer<typeof Flow>;

/**
 * httpOnly; SameSite=Lax so that the provider's top-level redirect back carries it (Strict would not); only sent
 * to the sign-in routes; Secure in production, and whenever the browser came over HTTPS.
 */
export function flowCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/auth/oidc' };
}

/**
 * Seals and opens the flow cookie: encrypted and authenticated (JWE, dir + A256GCM) with a key derived from the
 * server's signing secret, so the browser can neither read the PKCE verifier nor forge a state, and every instance
 * sharing the secret accepts it.
 */
export class FlowSealer {
  readonly #key: Uint8Array;

  constructor(secret: Uint8Array) {
    // A key of its own: the signing secret itself never encrypts anything.
    this.#key = new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(), 'qingmiao oidc flow cookie', 32));
  }

  seal(flow: Flow): Promise<string> {
    return new EncryptJWT({ ...flow })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuedAt()
      .setExpirationTime(`${FLOW_LIFETIME_SECONDS}s`)
      .encrypt(this.#key);
  }

  /** The flow sealed in the cookie, or undefined when it is missing, altered, expired or not ours. */
  async open(cookie: string | undefined): Promise<Flow | undefined> {
    if (!cookie) return undefined;
    try {
      const { payload } = await jwtDecrypt(cookie, this.#key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
        requiredClaims: ['exp'],
      });
      const flow = Flow.safeParse(payload);
      return flow.success ? flow.data : undefined;
    } catch {
      return undefined;
    }
  }
}
