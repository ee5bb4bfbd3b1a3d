/**
 * The opening thread's entry: decrypts batches of sealed values so that a catch-up's event loop projects one page
 * while this thread opens the next (./opening-thread.ts). Pure: it keeps no keys between requests.
 */
import { parentPort } from 'node:worker_threads';
import type { OpenReply, OpenRequest } from './opening-protocol.ts';
import { decrypt } from './sealing.ts';

const KEY = 32;

function openAll({ keys, ciphertexts, associated }: OpenRequest): (string | null)[] {
  return ciphertexts.map((ciphertext, i) => {
    const plaintext = decrypt(
      keys.subarray(i * KEY, (i + 1) * KEY),
      Buffer.from(ciphertext, 'base64url'),
      associated[i] as string,
    );
    return plaintext === undefined ? null : plaintext.toString('utf8');
  });
}

parentPort?.on('message', (request: OpenRequest) => {
  let reply: OpenReply;
  try {
    reply = { id: request.id, plaintexts: openAll(request) };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
