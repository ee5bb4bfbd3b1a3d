import { graphql, type ResultOf } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Checked,
  codeOf,
  dataOf,
  type Operation,
  readAnswer,
  requestBody,
  type VariablesFor,
} from '../support/graphql-http.ts';
import type { ServerProcess } from '../support/server-process.ts';
import {
  entryInput,
  type Organizer,
  PARTICIPATION,
  SUBMIT,
  startWithOrganizer,
  stopAndRemove,
  submit,
} from './qingmiao-client.ts';

/**
 * Query answers are cached per actor until the read models move: what must never happen is an answer that is stale,
 * another actor's, or given to a refused token.
 */
let server: ServerProcess;
let organizer: Organizer;

beforeAll(async () => {
  ({ server, organizer } = await startWithOrganizer('cache-organizer'));
});

afterAll(() => stopAndRemove(server));

const school = () => organizer.schoolWithToken();

/** POST /graphql as fetch sees it, for the headers. */
function post<O extends Operation>(
  token: string,
  operation: O & Checked<O>,
  variables: VariablesFor<O>,
  headers: Record<string, string> = {},
) {
  return fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: requestBody(operation, variables),
  });
}

const ENTRIES = graphql(`query Entries($id: ID!) { campaign(id: $id) { entries { id schoolId title } } }`);

describe('cached query answers', () => {
  it('answer a repeated query with the same ETag, 304 for it, and change once a mutation has returned', async () => {
    const campaign = { id: await organizer.openedCampaign() };
    const { id: schoolId, token: schoolToken } = await school();
    const viewer = await server.token('viewer', { sub: 'cache-viewer' });
    const variables = { year: 2022, campaignId: campaign.id };
    const entriesOf = async (response: Response) => {
      const answer = readAnswer<ResultOf<typeof PARTICIPATION>>(response.status, await response.text());
      return dataOf(answer).participation.find((row) => row.key === schoolId)?.entries;
    };

    const first = await post(viewer, PARTICIPATION, variables);
    const second = await post(viewer, PARTICIPATION, variables);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(second.headers.get('etag')).toBe(etag);
    expect(await entriesOf(first)).toBe(0);
    expect(await entriesOf(second)).toBe(0);
    expect((await post(viewer, PARTICIPATION, variables, { 'if-none-match': String(etag) })).status).toBe(304);

    dataOf(await submit(server, schoolToken, entryInput(campaign.id, schoolId)));

    const after = await post(viewer, PARTICIPATION, variables, { 'if-none-match': String(etag) });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await entriesOf(after)).toBe(1);
  });

  it('send a cached answer the same whether express answers it or Yoga does', async () => {
    const viewer = await server.token('viewer', { sub: 'cache-viewer-3' });
    const variables = { year: 2022 };
    const computed = await post(viewer, PARTICIPATION, variables);
    // A plain JSON query is answered before Yoga; an Accept header Yoga must negotiate is answered by Yoga.
    const plain = await post(viewer, PARTICIPATION, variables, { accept: 'application/json' });
    const negotiated = await post(viewer, PARTICIPATION, variables, { accept: 'application/json, */*;q=0.5' });
    const text = await computed.text();
    for (const hit of [plain, negotiated]) {
      expect(hit.status).toBe(200);
      expect(await hit.text()).toBe(text);
      for (const header of ['content-type', 'content-length', 'etag', 'last-modified']) {
        expect(hit.headers.get(header)).toBe(computed.headers.get(header));
      }
    }
    const etag = String(computed.headers.get('etag'));
    for (const accept of ['application/json', 'application/json, */*;q=0.5']) {
      const unchanged = await post(viewer, PARTICIPATION, variables, { accept, 'if-none-match': etag });
      expect(unchanged.status).toBe(304);
      expect(unchanged.headers.get('etag')).toBe(etag);
    }
  });

  it('never hands one actor the answer cached for another', async () => {
    const campaign = { id: await organizer.openedCampaign() };
    const a = await school();
    const b = await school();
    dataOf(await submit(server, a.token, entryInput(campaign.id, a.id, { title: 'A 校的作品' })));
    dataOf(await submit(server, b.token, entryInput(campaign.id, b.id, { title: 'B 校的作品' })));

    const seen = async (token: string) => {
      const result = await server.graphql(ENTRIES, { id: campaign.id }, token);
      return dataOf(result).campaign?.entries.map((entry) => entry.schoolId);
    };
    // Twice each, interleaved: the second of each pair is a cache hit.
    for (let round = 0; round < 2; round++) {
      expect(await seen(a.token)).toEqual([a.id]);
      expect(await seen(b.token)).toEqual([b.id]);
    }
    expect((await seen(organizer.token))?.sort()).toEqual([a.id, b.id].sort());
  });

  it('refuse an expired or forged token even for a query whose answer is cached', async () => {
    const viewer = await server.token('viewer', { sub: 'cache-viewer-2' });
    const variables = { year: 2022 };
    const cached = await post(viewer, PARTICIPATION, variables);
    expect(cached.status).toBe(200);
    const etag = String(cached.headers.get('etag'));

    const expired = await server.token('viewer', { sub: 'cache-viewer-2' }, '-1s');
    const [header, payload] = viewer.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    for (const token of [expired, forged]) {
      const refused = await post(token, PARTICIPATION, variables);
      expect(refused.status).toBe(401);
      const answer = readAnswer(refused.status, await refused.text());
      expect(answer.data ?? null).toBeNull();
      expect(codeOf(answer)).toBe('UNAUTHENTICATED');
    }
    // A refused token cannot even learn that the answer is unchanged.
    expect((await post(forged, PARTICIPATION, variables, { 'if-none-match': etag })).status).toBe(401);
  });

  it('leave mutations alone: a repeated submission runs again and is never answered from the cache', async () => {
    const campaign = { id: await organizer.openedCampaign() };
    const { id: schoolId, token } = await school();
    const input = entryInput(campaign.id, schoolId);
    const first = await post(token, SUBMIT, { input });
    expect(first.status).toBe(200);
    // The same submission again appends nothing (it answers with the entry already submitted), so the read models
    // stay where they were: a cached mutation answer would be kept now and handed out for the next attempt.
    for (let attempt = 0; attempt < 2; attempt++) {
      const again = await post(token, SUBMIT, { input });
      expect(again.status).toBe(200);
      expect(again.headers.get('etag')).toBeNull();
      const answer = readAnswer<ResultOf<typeof SUBMIT>>(again.status, await again.text());
      expect(dataOf(answer).submitEntry.schoolId).toBe(schoolId);
    }
  });
});
