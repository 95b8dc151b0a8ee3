// The kubeconfig handed to istioctl: one context, its cluster and its user as the user's files
// have them (exec, auth-provider, certificates, tokens), relative paths made absolute against the
// file that held them, first file wins as in KUBECONFIG, and nothing of other clusters or users.
// The real kubectl reads the result to confirm it means what the user's files meant.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import { exportContextKubeconfig, exportKubeConfigContext } from '../../../src/kube/kubeconfig-export';
import { KubeError } from '../../../src/kube/kube-errors';
import { kubernetesClient } from '../../../src/kube/connection';

interface Exported {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
  'current-context': string;
}

let dir: string;
const write = (relative: string, content: unknown): string => {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === 'string' ? content : yaml.dump(content));
  return file;
};

/**
 * What kubectl makes of a context of kubeconfig files: `config view --minify --flatten` leaves the
 * other contexts out and reads the CA, certificate and key files each path leads to, from wherever
 * the path is relative to.
 */
const kubectlView = (files: string[], context: string): Exported =>
  JSON.parse(
    execFileSync('kubectl', ['config', 'view', '--flatten', '--minify', '--context', context, '-o', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, KUBECONFIG: files.join(path.delimiter) },
    }),
  ) as Exported;

const UNRELATED_TOKEN = 'unrelated-static-token-9f2c';
const OTHER_TOKEN = 'second-file-token-71aa';

/** GKE's exec plugin as gcloud writes it; the export must keep it as written (env values like `yes` stay strings). */
const GKE_EXEC = {
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  command: 'gke-gcloud-auth-plugin',
  args: ['--verbose'],
  env: [
    { name: 'CLOUDSDK_CORE_PROJECT', value: 'lab' },
    { name: 'USE_GKE_GCLOUD_AUTH_PLUGIN', value: 'yes' },
    { name: 'VERBOSE', value: 'on' },
  ],
  installHint: 'Install gke-gcloud-auth-plugin',
  provideClusterInfo: true,
  interactiveMode: 'IfAvailable',
};

let gkeLike: string;
let second: string;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-kubeconfig-export-'));
  gkeLike = write('home/.kube/config', {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'prod',
    clusters: [
      {
        name: 'gke_lab',
        cluster: {
          server: 'https://34.1.2.3',
          'certificate-authority': 'certs/ca.crt',
          'tls-server-name': 'kubernetes.default',
        },
      },
      { name: 'prod', cluster: { server: 'https://prod.example:6443', 'certificate-authority-data': 'UFJPRA==' } },
    ],
    users: [
      {
        name: 'gke-user',
        user: {
          exec: GKE_EXEC,
        },
      },
      {
        name: 'script-user',
        user: {
          exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/token.sh', interactiveMode: 'Never' },
          tokenFile: 'tokens/t',
        },
      },
      {
        name: 'cert-user',
        user: { 'client-certificate': 'certs/me.crt', 'client-key': path.join(dir, 'keys', 'me.key') },
      },
      {
        name: 'oidc-user',
        user: {
          'auth-provider': {
            name: 'oidc',
            config: { 'client-id': 'lab', 'id-token': 'eyJ.x.y', 'idp-issuer-url': 'https://issuer.example' },
          },
        },
      },
      {
        name: 'prod-admin',
        user: { token: UNRELATED_TOKEN, 'client-certificate-data': 'UFJPRENFUlQ=', 'client-key-data': 'UFJPREtFWQ==' },
      },
    ],
    contexts: [
      { name: 'gke', context: { cluster: 'gke_lab', user: 'gke-user', namespace: 'istio-system' } },
      { name: 'script', context: { cluster: 'gke_lab', user: 'script-user' } },
      { name: 'certs', context: { cluster: 'gke_lab', user: 'cert-user' } },
      { name: 'oidc', context: { cluster: 'gke_lab', user: 'oidc-user' } },
      { name: 'prod', context: { cluster: 'prod', user: 'prod-admin' } },
      { name: 'ghost', context: { cluster: 'gke_lab', user: 'nobody' } },
    ],
  });
  second = write('elsewhere/second.yaml', {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'gke_lab', cluster: { server: 'https://shadowed.example' } },
      { name: 'kind', cluster: { server: 'https://127.0.0.1:40000', 'certificate-authority': 'kind-ca.crt' } },
    ],
    users: [
      { name: 'gke-user', user: { token: 'shadowed-token' } },
      { name: 'kind-user', user: { token: OTHER_TOKEN } },
    ],
    contexts: [{ name: 'kind', context: { cluster: 'kind', user: 'kind-user' } }],
  });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const exported = (files: string[], context: string): { text: string; config: Exported } => {
  const text = exportContextKubeconfig(files, context);
  return { text, config: yaml.load(text) as Exported };
};

describe('the kubeconfig istioctl gets', () => {
  test('holds only the selected context, its cluster and its user: no other cluster, user or token', () => {
    const { text, config } = exported([gkeLike, second], 'gke');
    assert.deepEqual(
      config.contexts.map((c) => c.name),
      ['gke'],
    );
    assert.deepEqual(
      config.clusters.map((c) => c.name),
      ['gke_lab'],
    );
    assert.deepEqual(
      config.users.map((u) => u.name),
      ['gke-user'],
    );
    assert.equal(config['current-context'], 'gke');
    for (const secret of [
      UNRELATED_TOKEN,
      OTHER_TOKEN,
      'UFJPRENFUlQ=',
      'UFJPREtFWQ==',
      'UFJPRA==',
      'prod.example',
      'shadowed',
      'eyJ.x.y',
    ]) {
      assert.ok(!text.includes(secret), `the exported kubeconfig carries ${secret}`);
    }
  });

  test("keeps an exec plugin exactly as written (env values like `yes` stay strings), a bare command left to PATH, and the context's namespace", () => {
    const { config } = exported([gkeLike, second], 'gke');
    assert.deepEqual(config.users[0].user, { exec: GKE_EXEC });
    assert.deepEqual(config.contexts[0].context, { cluster: 'gke_lab', user: 'gke-user', namespace: 'istio-system' });
    assert.deepEqual(config.clusters[0].cluster, {
      server: 'https://34.1.2.3',
      'certificate-authority': path.join(dir, 'home', '.kube', 'certs', 'ca.crt'),
      'tls-server-name': 'kubernetes.default',
    });
  });

  test('makes a relative exec command, certificate, key and tokenFile absolute against the file that held them', () => {
    const script = exported([gkeLike], 'script').config.users[0].user;
    assert.deepEqual(script, {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: path.join(dir, 'home', '.kube', 'bin', 'token.sh'),
        interactiveMode: 'Never',
      },
      tokenFile: path.join(dir, 'home', '.kube', 'tokens', 't'),
    });
    const certs = exported([gkeLike], 'certs').config.users[0].user;
    assert.deepEqual(certs, {
      'client-certificate': path.join(dir, 'home', '.kube', 'certs', 'me.crt'),
      'client-key': path.join(dir, 'keys', 'me.key'),
    });
    const kind = exported([gkeLike, second], 'kind').config;
    assert.equal(kind.clusters[0].cluster['certificate-authority'], path.join(dir, 'elsewhere', 'kind-ca.crt'));
    assert.deepEqual(kind.users, [{ name: 'kind-user', user: { token: OTHER_TOKEN } }]);
  });

  test('keeps an auth-provider with its config', () => {
    assert.deepEqual(exported([gkeLike], 'oidc').config.users[0].user, {
      'auth-provider': {
        name: 'oidc',
        config: { 'client-id': 'lab', 'id-token': 'eyJ.x.y', 'idp-issuer-url': 'https://issuer.example' },
      },
    });
  });

  test('first file wins for a name both files define, as with KUBECONFIG; a missing file is skipped', () => {
    const { config } = exported([path.join(dir, 'missing.yaml'), second, gkeLike], 'gke');
    assert.equal(config.clusters[0].cluster.server, 'https://shadowed.example');
    assert.deepEqual(config.users[0].user, { token: 'shadowed-token' });
  });

  test('a context whose user no file defines stays anonymous, as kubectl takes it', () => {
    const { config } = exported([gkeLike], 'ghost');
    assert.deepEqual(config.users, []);
    assert.equal(config.contexts[0].context.user, 'nobody');
  });

  test("kubectl reads the exported file as it reads the user's own files: same context, cluster and user", () => {
    write('home/.kube/certs/ca.crt', 'GKE-CA');
    write('home/.kube/certs/me.crt', 'MY-CERT');
    write('keys/me.key', 'MY-KEY');
    write('elsewhere/kind-ca.crt', 'KIND-CA');
    for (const context of ['gke', 'certs', 'oidc', 'kind']) {
      const file = write(`out/${context}.yaml`, exportContextKubeconfig([gkeLike, second], context));
      const theirs = kubectlView([file], context);
      assert.deepEqual(theirs, kubectlView([gkeLike, second], context), context);
      assert.ok(!JSON.stringify(theirs).includes('"certificate-authority"'), 'kubectl did not read the CA file');
    }
  });

  test('an unknown context is a KubeError naming the contexts there are', () => {
    assert.throws(
      () => exportContextKubeconfig([gkeLike], 'nope'),
      (error: unknown) =>
        error instanceof KubeError && error.code === 'unknown-context' && /gke, script/.test(error.message),
    );
  });

  test('in-cluster (no files): the service account token file and CA, nothing else', async () => {
    const k8s = await kubernetesClient();
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: 'in-cluster',
          server: 'https://10.0.0.1:443',
          caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
          skipTLSVerify: false,
        },
        { name: 'other', server: 'https://other', skipTLSVerify: true },
      ],
      users: [
        {
          name: 'sa',
          authProvider: {
            name: 'tokenFile',
            config: { tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
          },
        },
        { name: 'other', token: UNRELATED_TOKEN },
      ],
      contexts: [
        { name: 'in-cluster', cluster: 'in-cluster', user: 'sa' },
        { name: 'other', cluster: 'other', user: 'other' },
      ],
      currentContext: 'in-cluster',
    });
    const text = exportKubeConfigContext(kubeConfig, 'in-cluster');
    assert.ok(!text.includes(UNRELATED_TOKEN));
    const config = yaml.load(text) as Exported;
    assert.deepEqual(config.users, [
      { name: 'sa', user: { tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' } },
    ]);
    assert.deepEqual(
      config.clusters.map((c) => c.cluster.server),
      ['https://10.0.0.1:443'],
    );
  });
});
