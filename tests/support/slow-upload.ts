import { request } from 'node:http';
import { samplePdf } from './sample-files.ts';

/** Sends an upload of `pieces` × 100 bytes (after a PDF header), one piece every 100 ms; the status, or 'closed'. */
export function slowUpload(url: string, token: string, pieces: number): Promise<number | 'closed'> {
  const boundary = 'slow-upload-boundary';
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n` +
    `${JSON.stringify({ query: 'mutation($file: File!) { uploadFile(file: $file) { id } }', variables: { file: null } })}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.file"]}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="slow.pdf"\r\n\r\n`;
  return new Promise((resolve) => {
    const sent = request(`${url}/graphql`, {
      method: 'POST',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'graphql-require-preflight': '1',
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
    });
    sent.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    sent.on('error', () => resolve('closed'));
    sent.write(head);
    sent.write(samplePdf(`slow ${Date.now()}`));
    let written = 0;
    const timer = setInterval(() => {
      if (sent.destroyed) return clearInterval(timer);
      sent.write(Buffer.alloc(100, 1));
      if (++written < pieces) return;
      clearInterval(timer);
      sent.end(`\r\n--${boundary}--\r\n`);
    }, 100);
  });
}
