/**
 * The opening thread's entry: decrypts batches of sealed values so that a catch-up's event loop projects one page
 * while this thread opens the next (./opening-thread.ts). Pure: it keeps no keys between requests.
 */
import { parentPort } from 'node:worker_threads';
import { type OpenReply, type OpenRequest, SEPARATOR } from './opening-protocol.ts';
import { decrypt } from './sealing.ts';

const KEY = 32;

function openAll({ keys, ciphertexts, associated }: OpenRequest): string {
  const bound = associated.split(SEPARATOR);
  return ciphertexts
    .split(SEPARATOR)
    .map((ciphertext, i) => {
      const key = keys.subarray(i * KEY, (i + 1) * KEY);
      const plaintext = decrypt(key, Buffer.from(ciphertext, 'base64url'), bound[i] as string);
      return plaintext === undefined ? '' : plaintext.toString('utf8');
    })
    .join(SEPARATOR);
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
