import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '@qingmiao/event-store';
import { type OpenReply, type OpenRequest, SEPARATOR } from './opening-protocol.ts';

/** The opening thread: its entry beside this module in the sources and beside the bundle in production. */
function startWorker(): Worker {
  return startWorkerThread(import.meta.url, { source: './opening-worker.ts', bundled: './privacy-opening.mjs' });
}

/** A sealed value to open: its key (32 bytes), its stored ciphertext and its associated data. */
export interface SealedToOpen {
  readonly key: Uint8Array;
  readonly ciphertext: string;
  readonly associated: string;
}

interface Pending {
  readonly resolve: (plaintexts: readonly (string | null)[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A worker thread that decrypts sealed values off the event loop. Started on the first request, it ends once idle
 * for `idleMs` (a catch-up's pages come back to back; a live subscription's pages are opened in place) and never
 * keeps the process alive while idle. A thread that fails fails the requests it holds; the next request starts
 * another.
 */
export class OpeningThread {
  readonly #idleMs: number;
  #worker: Worker | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(options: { readonly idleMs?: number } = {}) {
    this.#idleMs = options.idleMs ?? 1_000;
  }

  get running(): boolean {
    return this.#worker !== undefined;
  }

  /** The plaintexts (JSON text) in the order given; `null` where a value does not open with its key. */
  open(values: readonly SealedToOpen[]): Promise<readonly (string | null)[]> {
    if (values.length === 0) return Promise.resolve([]);
    const keys = new Uint8Array(values.length * 32);
    values.forEach((value, i) => {
      keys.set(value.key, i * 32);
    });
    const request: OpenRequest = {
      id: this.#nextId++,
      keys,
      ciphertexts: values.map((value) => value.ciphertext).join(SEPARATOR),
      associated: values.map((value) => value.associated).join(SEPARATOR),
    };
    const worker = this.#busy();
    return new Promise((resolve, reject) => {
      this.#pending.set(request.id, { resolve, reject });
      // The keys' bytes are a copy made above: moved, not copied again.
      worker.postMessage(request, [keys.buffer]);
    });
  }

  /** Ends the worker now; requests it holds fail. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#stopped(worker, new Error('The opening thread was closed'));
    await worker.terminate();
  }

  #busy(): Worker {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#worker) {
      this.#worker.ref();
      return this.#worker;
    }
    const worker = startWorker();
    worker.on('message', (reply: OpenReply) => this.#answer(reply));
    worker.on('error', (error) => this.#stopped(worker, error));
    worker.on('exit', (code) => this.#stopped(worker, new Error(`The opening thread exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }

  #answer(reply: OpenReply): void {
    const pending = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if ('error' in reply) pending?.reject(new Error(reply.error));
    else pending?.resolve(reply.plaintexts.split(SEPARATOR).map((plaintext) => (plaintext === '' ? null : plaintext)));
    if (this.#pending.size === 0) this.#idle();
  }

  /** Nothing in flight: the worker no longer holds the process open and ends unless asked again soon. */
  #idle(): void {
    const worker = this.#worker;
    if (!worker) return;
    worker.unref();
    this.#idleTimer = setTimeout(() => {
      if (this.#pending.size === 0 && this.#worker === worker) void this.close();
    }, this.#idleMs);
    this.#idleTimer.unref();
  }

  #stopped(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    const pending = this.#pending;
    this.#pending = new Map();
    for (const { reject } of pending.values()) reject(error);
  }
}
