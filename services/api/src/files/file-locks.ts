/**
 * One operation at a time per file id in this process: keeping an upload (blob, then its registry row) and the
 * sweeper's check-then-delete never interleave, so the sweeper cannot delete a blob a new row has just named.
 */
export class FileLocks {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(id: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(id) ?? Promise.resolve();
    const current = previous.then(operation);
    const tail = current.catch(() => undefined);
    this.#tails.set(id, tail);
    void tail.then(() => {
      if (this.#tails.get(id) === tail) this.#tails.delete(id);
    });
    return current;
  }
}
