import { queryText, type VariablesOf } from '@qingmiao/schema/graphql';
import { createClient } from 'graphql-sse';
import { useEffect, useRef, useState } from 'react';
import { CHANGES_SUBSCRIPTION } from './queries.ts';

export type LiveState = 'connecting' | 'live' | 'offline';

/** A burst of notices (an import, a busy deadline) becomes one refetch. */
const REFRESH_DEBOUNCE_MS = 300;
const RESUBSCRIBE_MS = 5_000;

/**
 * Follows `participationChanged` (GraphQL over SSE, which the API speaks) and calls `onChange` after a change, and
 * once more on every (re)connection, since changes made while disconnected sent no notice. `fetchFn` carries the
 * session's access token (and renews it), so a reconnection always presents the current one.
 */
export function useParticipationChanges(
  campaignId: string | null,
  fetchFn: typeof fetch,
  onChange: () => void,
): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const latest = useRef(onChange);
  latest.current = onChange;

  useEffect(() => {
    let stopped = false;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    let resubscribeTimer: ReturnType<typeof setTimeout> | undefined;
    let unsubscribe: (() => void) | undefined;
    const refresh = (delay = REFRESH_DEBOUNCE_MS) => {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => latest.current(), delay);
    };
    const client = createClient({
      url: '/graphql',
      fetchFn,
      retryAttempts: Number.POSITIVE_INFINITY,
      retry: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1_000 * 2 ** retries))),
    });
    const variables: VariablesOf<typeof CHANGES_SUBSCRIPTION> = { campaignId };
    const subscribe = () => {
      if (stopped) return;
      setState('connecting');
      const retry = () => {
        if (stopped) return;
        setState('offline');
        resubscribeTimer = setTimeout(subscribe, RESUBSCRIBE_MS);
      };
      unsubscribe = client.subscribe(
        { query: queryText(CHANGES_SUBSCRIPTION), variables },
        { next: () => refresh(), error: retry, complete: retry },
        {
          connecting: () => {
            if (!stopped) setState('connecting');
          },
          connected: () => {
            if (stopped) return;
            setState('live');
            refresh(0);
          },
        },
      );
    };
    subscribe();
    return () => {
      stopped = true;
      clearTimeout(refreshTimer);
      clearTimeout(resubscribeTimer);
      unsubscribe?.();
      client.dispose();
    };
  }, [campaignId, fetchFn]);

  return state;
}
