// The body of a LIST as the sandbox writes it (handlers/response-writers.ts writeList): built from
// each stored object's serialization, kept between requests, so a write must show in the next list;
// a Content-Length that counts bytes, not characters; a list bigger than one written piece arrives
// whole; a client that hangs up in the middle of one leaves the server serving; and watch events
// carry the same kept serialization.
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../../src/sandbox';
import { startSandbox } from '../../src/sandbox';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function request(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = https.request(
      `${sandbox.url}${path}`,
      {
        method,
        ca: sandbox.caCert,
        headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

interface ConfigMapList {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: { metadata: { name: string; resourceVersion: string }; data?: Record<string, string> }[];
}

const configMap = (namespace: string, name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

async function created(sandbox: Sandbox, namespace: string, name: string, data: Record<string, string>) {
  const answer = await request(
    sandbox,
    'POST',
    `/api/v1/namespaces/${namespace}/configmaps`,
    configMap(namespace, name, data),
  );
  assert.equal(answer.status, 201, answer.body.toString());
  return JSON.parse(answer.body.toString()) as { metadata: { resourceVersion: string } };
}

async function list(sandbox: Sandbox, path: string): Promise<{ answer: RawAnswer; list: ConfigMapList }> {
  const answer = await request(sandbox, 'GET', path);
  assert.equal(answer.status, 200, answer.body.toString());
  assert.equal(Number(answer.headers['content-length']), answer.body.length, 'Content-Length counts the bytes sent');
  return { answer, list: JSON.parse(answer.body.toString('utf8')) as ConfigMapList };
}

describe('the sandbox writes LIST bodies', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
    for (const namespace of ['list-a', 'list-b', 'list-bb', 'list-big']) {
      const answer = await request(sandbox, 'POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
      });
      assert.equal(answer.status, 201, answer.body.toString());
    }
  });
  after(() => sandbox.close());

  test('a list after an update shows the updated object, not the serialization of the one before', async () => {
    await created(sandbox, 'list-a', 'settings', { mode: 'first' });
    const before = await list(sandbox, '/api/v1/namespaces/list-a/configmaps');
    assert.deepEqual(before.list.items[0].data, { mode: 'first' });

    const stored = before.list.items[0];
    const updated = await request(sandbox, 'PUT', '/api/v1/namespaces/list-a/configmaps/settings', {
      ...configMap('list-a', 'settings', { mode: 'second' }),
      metadata: { name: 'settings', namespace: 'list-a', resourceVersion: stored.metadata.resourceVersion },
    });
    assert.equal(updated.status, 200, updated.body.toString());
    const after = await list(sandbox, '/api/v1/namespaces/list-a/configmaps');
    assert.deepEqual(after.list.items[0].data, { mode: 'second' });
    assert.notEqual(after.list.items[0].metadata.resourceVersion, stored.metadata.resourceVersion);
    assert.equal(after.list.metadata.resourceVersion, String(sandbox.store.resourceVersion));
  });

  test('the body is the JSON of the list as one encoding of it would write it, byte for byte', async () => {
    await created(sandbox, 'list-a', 'greeting', { ko: '안녕하세요, 이스티오', en: 'hello "mesh"\n' });
    const { answer } = await list(sandbox, '/api/v1/namespaces/list-a/configmaps');
    const expected = JSON.stringify({
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(sandbox.store.resourceVersion) },
      items: sandbox.store.list('/configmaps', 'list-a'),
    });
    assert.equal(answer.body.toString('utf8'), expected);
    assert.ok(answer.body.length > expected.length, 'the Korean text takes more bytes than characters');
    assert.equal(answer.headers['content-type'], 'application/json');
  });

  test('a namespace lists only its own objects, and sees the ones created and deleted since its last list', async () => {
    await created(sandbox, 'list-bb', 'neighbour', { side: 'bb' });
    await created(sandbox, 'list-b', 'one', { n: '1' });
    const names = async () =>
      (await list(sandbox, '/api/v1/namespaces/list-b/configmaps')).list.items.map((item) => item.metadata.name);
    assert.deepEqual(await names(), ['one']);
    await created(sandbox, 'list-b', 'two', { n: '2' });
    assert.deepEqual(await names(), ['one', 'two']);
    const deleted = await request(sandbox, 'DELETE', '/api/v1/namespaces/list-b/configmaps/one');
    assert.equal(deleted.status, 200, deleted.body.toString());
    assert.deepEqual(await names(), ['two']);
  });

  test('a page of a list carries its continue token and a Content-Length of its own', async () => {
    const { list: page } = await list(sandbox, '/api/v1/configmaps?limit=1');
    assert.equal(page.items.length, 1);
    assert.ok(page.metadata.continue);
    assert.ok((page.metadata.remainingItemCount ?? 0) >= 3);
    const { list: rest } = await list(
      sandbox,
      `/api/v1/configmaps?limit=100&continue=${encodeURIComponent(page.metadata.continue)}`,
    );
    assert.ok(!rest.items.some((item) => item.metadata.name === page.items[0].metadata.name));
  });

  test('a list of many written pieces arrives whole, and a client leaving mid-list does not stop the server', async () => {
    // 12 ConfigMaps of 900 kB: far more than one piece, and more than the socket holds before the server waits.
    const value = 'x'.repeat(900 * 1024);
    for (let i = 0; i < 12; i++) await created(sandbox, 'list-big', `big-${String(i).padStart(2, '0')}`, { value });
    const { list: whole } = await list(sandbox, '/api/v1/namespaces/list-big/configmaps');
    assert.deepEqual(
      whole.items.map((item) => [item.metadata.name, item.data?.value.length]),
      Array.from({ length: 12 }, (_, i) => [`big-${String(i).padStart(2, '0')}`, value.length]),
    );

    const firstChunk = await new Promise<number>((resolve, reject) => {
      const outgoing = https.get(
        `${sandbox.url}/api/v1/namespaces/list-big/configmaps`,
        { ca: sandbox.caCert, headers: { authorization: `Bearer ${sandbox.token}` }, agent: false },
        (response) => {
          response.once('data', (chunk: Buffer) => {
            resolve(chunk.length);
            outgoing.destroy();
          });
        },
      );
      outgoing.once('error', (error: NodeJS.ErrnoException) =>
        error.code === 'ECONNRESET' ? undefined : reject(error),
      );
    });
    assert.ok(firstChunk > 0);
    const { list: again } = await list(sandbox, '/api/v1/namespaces/list-big/configmaps');
    assert.equal(again.items.length, 12);
  });
  test('a watch event is the JSON of the event around the object as it is now stored', async () => {
    await created(sandbox, 'list-a', 'watched', { step: '1' });
    await list(sandbox, '/api/v1/namespaces/list-a/configmaps');
    const stored = sandbox.store.get('/configmaps', 'list-a', 'watched')!;
    const updated = await request(sandbox, 'PUT', '/api/v1/namespaces/list-a/configmaps/watched', {
      ...configMap('list-a', 'watched', { step: '2', note: '두 번째' }),
      metadata: { name: 'watched', namespace: 'list-a', resourceVersion: stored.metadata.resourceVersion },
    });
    assert.equal(updated.status, 200, updated.body.toString());
    // The server ends the watch after a second, so the answer can be read whole.
    const watched = await request(
      sandbox,
      'GET',
      `/api/v1/namespaces/list-a/configmaps?watch=1&timeoutSeconds=1&resourceVersion=${stored.metadata.resourceVersion}`,
    );
    const line = watched.body.toString('utf8').split('\n')[0];
    const now = sandbox.store.get('/configmaps', 'list-a', 'watched')!;
    assert.equal(line, JSON.stringify({ type: 'MODIFIED', object: now }));
    assert.deepEqual(now.data, { step: '2', note: '두 번째' });
  });
});
