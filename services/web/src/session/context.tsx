import { cacheExchange, createClient, fetchExchange } from '@urql/core';
import { createContext, type ReactNode, use, useEffect, useMemo, useSyncExternalStore } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { GRAPHQL_URL } from './api-request.ts';
import { SessionKeeper, type SessionState } from './keeper.ts';
import type { SessionAnswer, SignedInAccount } from './operations.ts';

export interface Session {
  readonly state: SessionState;
  /** Keep a session answered by signIn or activateAccount. */
  signedIn(answer: SessionAnswer): void;
  signOut(): Promise<void>;
  /** Ask the server again after it could not be reached. */
  retry(): void;
  /** `fetch` with the access token and one silent renewal on 401: for downloads and uploads outside GraphQL. */
  readonly fetch: SessionKeeper['fetch'];
  /** The access token as it is now, for requests `fetch` cannot make (uploads with progress, by XMLHttpRequest). */
  accessToken(): string | undefined;
}

const SessionContext = createContext<Session | undefined>(undefined);

/**
 * The session of this tab, and the GraphQL client (urql) that sends its access token. The client is made anew for
 * each signed-in account, so nothing one person read is shown to the next from the cache.
 */
export function SessionProvider({
  children,
  keeper,
}: {
  readonly children: ReactNode;
  readonly keeper?: SessionKeeper;
}) {
  const sessionKeeper = useMemo(() => keeper ?? new SessionKeeper(), [keeper]);
  const state = useSyncExternalStore(sessionKeeper.subscribe, () => sessionKeeper.state);
  useEffect(() => {
    if (sessionKeeper.state.status === 'starting') void sessionKeeper.start();
  }, [sessionKeeper]);
  const accountId = state.status === 'signedIn' ? state.account.id : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new client (empty cache) per account
  const client = useMemo(
    () =>
      createClient({
        url: GRAPHQL_URL,
        exchanges: [cacheExchange, fetchExchange],
        fetch: sessionKeeper.fetch,
        fetchOptions: { credentials: 'same-origin' },
        // POST always: a query's variables (names, ids) stay out of URLs, and so out of logs and history.
        preferGetMethod: false,
      }),
    [sessionKeeper, accountId],
  );
  const session = useMemo<Session>(
    () => ({
      state,
      signedIn: (answer) => sessionKeeper.signedIn(answer),
      signOut: () => sessionKeeper.signOut(),
      retry: () => void sessionKeeper.start(),
      fetch: sessionKeeper.fetch,
      accessToken: () => sessionKeeper.token,
    }),
    [state, sessionKeeper],
  );
  return (
    <SessionContext value={session}>
      <UrqlProvider value={client}>{children}</UrqlProvider>
    </SessionContext>
  );
}

/** The session of this tab (inside SessionProvider). */
export function useSession(): Session {
  const session = use(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in account, on pages behind RequireSession (see routes.tsx). */
export function useAccount(): SignedInAccount {
  const { state } = useSession();
  if (state.status !== 'signedIn') throw new Error('useAccount on a page without a signed-in session');
  return state.account;
}
