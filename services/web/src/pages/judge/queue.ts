/** Where an entry stands in the judge's queue, from what the API said about it. */
export type QueueState = 'unscored' | 'scored' | 'recused';

interface QueueItem {
  readonly id: string;
  readonly myRecusal: string | null;
  readonly scores: readonly unknown[];
}

/** A judge's own score is the only one the API returns to them; a recusal takes the entry off their list. */
export function queueState(entry: QueueItem): QueueState {
  if (entry.myRecusal !== null) return 'recused';
  return entry.scores.length > 0 ? 'scored' : 'unscored';
}

/**
 * The next entry still to score after `currentId` in the queue's order (`step` 1 forward, -1 back), wrapping round;
 * undefined when every entry is scored or recused. The current entry counts only when it is the last one left.
 */
export function nextUnscored(
  queue: readonly QueueItem[],
  currentId: string | undefined,
  step: 1 | -1 = 1,
): string | undefined {
  const found = queue.findIndex((entry) => entry.id === currentId);
  // Without a current entry, forward starts at the first and back at the last.
  const start = found !== -1 ? found : step === 1 ? -1 : queue.length;
  for (let offset = 1; offset <= queue.length; offset += 1) {
    const index = (((start + step * offset) % queue.length) + queue.length) % queue.length;
    const entry = queue[index];
    if (entry && queueState(entry) === 'unscored') return entry.id;
  }
  return undefined;
}

/** Keys that move through the queue, as the page documents them; undefined for any other key. */
export function queueMove(event: {
  readonly key: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
}): 1 | -1 | undefined {
  if (event.ctrlKey || event.metaKey) return undefined;
  if (event.altKey) return event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : undefined;
  if (event.key === 'j' || event.key === 'J') return 1;
  if (event.key === 'k' || event.key === 'K') return -1;
  return undefined;
}
