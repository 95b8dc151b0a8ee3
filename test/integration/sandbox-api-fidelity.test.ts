// The sandbox's HTTP edges through the real kubectl (and raw HTTPS where kubectl cannot say it):
// server dry-run of the scale subresource, boolean query parameters in any spelling Go accepts, the
// pod and node proxies, the legacy /watch/ paths, anonymous requests, content negotiation, YAML
// bodies, and the apiserver's words for a wrong exec container and an invalid name.
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import { after, before, describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';
import { failureStatus } from './status-request';

interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** One HTTPS request to the sandbox, trusting its CA; `token: null` sends no credentials. */
function call(
  cluster: KubectlSandbox,
  pathAndQuery: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; token?: string | null } = {},
): Promise<HttpAnswer> {
  const token = options.token === undefined ? cluster.sandbox.token : options.token;
  return new Promise((resolve, reject) => {
    const request = https.request(
      new URL(pathAndQuery, cluster.sandbox.url),
      {
        method: options.method ?? 'GET',
        ca: cluster.sandbox.caCert,
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...options.headers },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            body,
          }),
        );
      },
    );
    request.once('error', reject);
    request.end(options.body);
  });
}

/** The first line of a streamed answer (a watch), then the request is dropped. */
function firstLine(cluster: KubectlSandbox, pathAndQuery: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      new URL(pathAndQuery, cluster.sandbox.url),
      { ca: cluster.sandbox.caCert, headers: { authorization: `Bearer ${cluster.sandbox.token}` } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('\n')) {
            resolve(text.slice(0, text.indexOf('\n')));
            request.destroy();
          }
        });
        response.on('end', () => resolve(text));
      },
    );
    request.once('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error),
    );
  });
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'docker.io/library/nginx:1.17' }] },
    },
  },
};

describe('sandbox API fidelity through kubectl and HTTPS', () => {
  let bare: KubectlSandbox;
  let running: KubectlSandbox;
  before(async () => {
    bare = await startKubectlSandbox();
    running = await startKubectlSandbox({ nodes: 1, speed: 0 });
    const created = await running.kubectl(['run', 'web', '--image=docker.io/library/nginx:1.17', '--port=80']);
    assert.equal(created.code, 0, created.stderr);
    const ready = await running.kubectl(['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s']);
    assert.equal(ready.code, 0, ready.stderr);
  });
  after(async () => {
    await bare?.close();
    await running?.close();
  });

  test('kubectl scale --dry-run=server answers the new count and changes nothing; a PUT of the Scale with dryRun=All neither', async () => {
    assert.equal((await bare.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(deployment) })).code, 0);
    const scaled = await bare.kubectl(['scale', 'deployment', 'web', '--replicas=5', '--dry-run=server']);
    assert.equal(scaled.code, 0, scaled.stderr);
    assert.equal(scaled.stdout.trim(), 'deployment.apps/web scaled (server dry run)');
    const scalePath = '/apis/apps/v1/namespaces/default/deployments/web/scale';
    const scale = JSON.parse((await call(bare, scalePath)).body) as { spec: { replicas: number } };
    const put = await call(bare, `${scalePath}?dryRun=All`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...scale, spec: { replicas: 7 } }),
    });
    assert.equal(put.status, 200, put.body);
    assert.equal((JSON.parse(put.body) as { spec: { replicas: number } }).spec.replicas, 7);
    const replicas = await bare.kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']);
    assert.equal(replicas.stdout, '1');
  });

  test('watch=True, watch=1 and an empty watch= are watches; watch=False is a list', async () => {
    assert.equal((await bare.kubectl(['create', 'configmap', 'flags'])).code, 0);
    for (const spelling of ['True', '1', '']) {
      const line = await firstLine(bare, `/api/v1/namespaces/default/configmaps?watch=${spelling}`);
      assert.match(line, /^\{"type":"ADDED","object":\{.*"name":"flags"/, `watch=${spelling}`);
    }
    const list = await call(bare, '/api/v1/namespaces/default/configmaps?watch=False');
    assert.equal((JSON.parse(list.body) as { kind: string }).kind, 'ConfigMapList');
  });

  test('the legacy /api/v1/watch/… path watches one object', async () => {
    assert.equal((await bare.kubectl(['create', 'configmap', 'legacy-watched'])).code, 0);
    const line = await firstLine(bare, '/api/v1/watch/namespaces/default/configmaps/legacy-watched');
    assert.match(line, /^\{"type":"ADDED","object":\{.*"name":"legacy-watched"/);
  });

  test("pods/proxy reaches the pod's container on its declared port", async () => {
    const proxied = await running.kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/web/proxy/index.html']);
    assert.equal(proxied.code, 0, proxied.stderr);
    assert.equal(
      proxied.stdout,
      "Simulated by Istio Lab's sandbox: docker.io/library/nginx:1.17 would answer GET /index.html on port 80 here; the sandbox does not run containers.\n",
    );
  });

  test('nodes/proxy reaches the simulated kubelet: /healthz, /pods, and 404 elsewhere', async () => {
    const node = (await running.kubectl(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    assert.notEqual(node, '');
    const healthz = await running.kubectl(['get', '--raw', `/api/v1/nodes/${node}/proxy/healthz`]);
    assert.equal(healthz.stdout, 'ok');
    const pods = JSON.parse((await running.kubectl(['get', '--raw', `/api/v1/nodes/${node}/proxy/pods`])).stdout) as {
      kind: string;
      items: { metadata: { name: string } }[];
    };
    assert.equal(pods.kind, 'PodList');
    assert.ok(pods.items.some((pod) => pod.metadata.name === 'web'));
    const missing = await call(running, `/api/v1/nodes/${node}/proxy/no-such-endpoint`);
    assert.deepEqual([missing.status, missing.body], [404, '404 page not found\n']);
  });

  test('a streaming subresource without an upgrade, and a verb a subresource lacks, are refused as a real server does', async () => {
    const exec = await running.kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/web/exec?command=ls']);
    assert.notEqual(exec.code, 0);
    assert.match(exec.stderr, /Error from server \(BadRequest\): Upgrade request required/);
    const binding = await call(running, '/api/v1/namespaces/default/pods/web/binding');
    assert.equal(binding.status, 405);
    assert.equal((JSON.parse(binding.body) as { reason: string }).reason, 'MethodNotAllowed');
  });

  test('without credentials discovery answers and resources are 403 for system:anonymous; a wrong token is 401', async () => {
    for (const open of ['/version', '/api', '/apis', '/healthz', '/api/v1']) {
      assert.equal((await call(bare, open, { token: null })).status, 200, open);
    }
    // (kubectl itself, given no credentials at all, asks for a user name on its terminal first.)
    const anonymous = await call(bare, '/api/v1/namespaces/default/pods', { token: null });
    assert.equal(anonymous.status, 403);
    const forbidden =
      'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"';
    assert.deepEqual(JSON.parse(anonymous.body), failureStatus(403, 'Forbidden', forbidden, { kind: 'pods' }));
    const wrong = await bare.kubectl(['--token', 'not-the-token', 'get', 'pods']);
    assert.match(wrong.stderr, /You must be logged in to the server \(Unauthorized\)/);
  });

  test('Accept: application/yaml answers YAML, an Accept the server cannot meet is 406, pretty=true indents', async () => {
    const asYaml = await call(bare, '/api/v1/namespaces/default', { headers: { accept: 'application/yaml' } });
    assert.equal(asYaml.contentType, 'application/yaml');
    assert.deepEqual(yaml.load(asYaml.body), JSON.parse((await call(bare, '/api/v1/namespaces/default')).body));
    assert.match(asYaml.body, /^apiVersion: v1\nkind: Namespace\nmetadata:\n/);
    const refused = await call(bare, '/api/v1/namespaces/default', { headers: { accept: 'text/html' } });
    assert.equal(refused.status, 406);
    const accepted =
      'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf';
    assert.deepEqual(JSON.parse(refused.body), failureStatus(406, 'NotAcceptable', accepted));
    const pretty = await bare.kubectl(['get', '--raw', '/api/v1/namespaces/default?pretty=true']);
    assert.match(pretty.stdout, /^\{\n {2}"[a-zA-Z]+": /);
    assert.deepEqual(JSON.parse(pretty.stdout), JSON.parse((await call(bare, '/api/v1/namespaces/default')).body));
  });

  test('a create and an update may send YAML (Content-Type: application/yaml)', async () => {
    const created = await call(bare, '/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  greeting: hello\n',
    });
    assert.equal(created.status, 201, created.body);
    const updated = await call(bare, '/api/v1/namespaces/default/configmaps/from-yaml', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  greeting: bye\n',
    });
    assert.equal(updated.status, 200, updated.body);
    assert.equal(
      (await bare.kubectl(['get', 'configmap', 'from-yaml', '-o', 'jsonpath={.data.greeting}'])).stdout,
      'bye',
    );
  });

  test('kubectl exec -c nosuch gets the apiserver\'s "container nosuch is not valid for pod web"', async () => {
    const exec = await running.kubectl(['exec', 'web', '-c', 'nosuch', '--', 'echo', 'hi']);
    assert.notEqual(exec.code, 0);
    assert.match(exec.stderr, /container nosuch is not valid for pod web/);
  });

  test("an invalid name is refused with the validator's example and regex", async () => {
    const configMap = await bare.kubectl(['create', 'configmap', 'Bad_Name']);
    assert.match(
      configMap.stderr,
      /ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '\.', and must start and end with an alphanumeric character \(e\.g\. 'example\.com', regex used for validation is '\[a-z0-9\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?\(\\\.\[a-z0-9\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?\)\*'\)/,
    );
    const namespace = await bare.kubectl(['create', 'namespace', 'has.dots']);
    assert.match(
      namespace.stderr,
      /a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character \(e\.g\. 'my-name', {2}or '123-abc', regex used for validation is '\[a-z0-9\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?'\)/,
    );
  });
});
