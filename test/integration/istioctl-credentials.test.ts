// istioctl runs with the learner's own credentials. A kubeconfig like GKE's or EKS's, whose user
// is an `exec` credential plugin (here a script that prints an ExecCredential with the sandbox's
// token, referenced by a relative path as kubeconfigs often do), drives the modern install path
// against the sandbox through the release's istioctl (the test archives' stand-in, which runs the
// real kubectl with the kubeconfig it is given). The file istioctl gets is 0600 in a private
// folder, holds nothing of the other clusters, and is gone afterwards, also after a failure or a cancel.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import { runIstioctl } from '../../src/kube/apply/istioctl-runner';
import { openConnection } from '../../src/kube/connection';
import type { ClusterConnection } from '../../src/kube/connection';
import { istioSystemDeployments, istiodDemoDeployments } from './istio-demo';
import type { IstioctlLab } from './istioctl-lab';
import { istioctlInstallArgs, runIstioctlToEnd, startIstioctlLab } from './istioctl-lab';

const UNRELATED_TOKEN = 'prod-cluster-static-token-3c9e';

interface Probe {
  readonly file: string;
  readonly mode: number;
  readonly dirMode: number;
  readonly text: string;
  readonly context: string;
}

describe('istioctl with an exec-plugin kubeconfig', () => {
  let lab: IstioctlLab;
  let kubeconfig: string;
  let probe: string;

  /** A credential plugin script: logs that it ran, prints an ExecCredential with `token`. */
  const plugin = (name: string, token: string): void => {
    const file = path.join(lab.dir, 'home', '.kube', 'plugins', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token },
    });
    fs.writeFileSync(file, `#!/bin/sh\necho run >> "$0.runs"\nprintf '%s' '${credential}'\n`, { mode: 0o755 });
  };
  const runs = (name: string): number => {
    const file = path.join(lab.dir, 'home', '.kube', 'plugins', `${name}.runs`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
  };
  const connect = (context: string): Promise<ClusterConnection> => openConnection({ kubeconfig, context });

  before(async () => {
    lab = await startIstioctlLab('istio-lab-istioctl-creds-');
    const sandboxCluster = (yaml.load(lab.cluster.sandbox.kubeconfig) as { clusters: { cluster: object }[] })
      .clusters[0].cluster;
    plugin('token-plugin', lab.cluster.sandbox.token);
    plugin('wrong-plugin', 'not-the-sandbox-token');
    kubeconfig = path.join(lab.dir, 'home', '.kube', 'config');
    const exec = (command: string) => ({
      exec: { apiVersion: 'client.authentication.k8s.io/v1', command, interactiveMode: 'Never' },
    });
    fs.writeFileSync(
      kubeconfig,
      yaml.dump({
        apiVersion: 'v1',
        kind: 'Config',
        // The lab's context comes from the setting, not from current-context.
        'current-context': 'prod',
        clusters: [
          { name: 'lab', cluster: sandboxCluster },
          { name: 'prod', cluster: { server: 'https://prod.example:6443' } },
        ],
        users: [
          { name: 'plugin-user', user: exec('./plugins/token-plugin') },
          { name: 'wrong-user', user: exec('./plugins/wrong-plugin') },
          { name: 'prod-admin', user: { token: UNRELATED_TOKEN } },
        ],
        contexts: [
          { name: 'lab', context: { cluster: 'lab', user: 'plugin-user' } },
          { name: 'lab-wrong', context: { cluster: 'lab', user: 'wrong-user' } },
          { name: 'prod', context: { cluster: 'prod', user: 'prod-admin' } },
        ],
      }),
      { mode: 0o600 },
    );

    // An istioctl that reports the kubeconfig it was given, then exits with the code it is asked for (or hangs).
    probe = path.join(lab.dir, 'probe-istioctl');
    fs.writeFileSync(
      probe,
      `#!/usr/bin/env node
const fs = require('fs'), path = require('path');
const args = process.argv.slice(2);
const file = args[args.indexOf('--kubeconfig') + 1];
console.log(JSON.stringify({ file, mode: fs.statSync(file).mode & 0o777, dirMode: fs.statSync(path.dirname(file)).mode & 0o777, text: fs.readFileSync(file, 'utf8'), context: args[args.indexOf('--context') + 1] }));
if (args[0] === 'hang') setInterval(() => {}, 1000); else process.exit(Number(args[0]));
`,
      { mode: 0o755 },
    );
  });
  after(() => lab.close());

  test('`istioctl install` authenticates through the exec plugin and istiod exists afterwards', async () => {
    const connection = await connect('lab');
    const before = runs('token-plugin');
    const { code, output } = await runIstioctlToEnd(lab.istioctl, istioctlInstallArgs(), connection);
    assert.equal(code, 0, output);
    assert.match(output, /Installation complete/);
    assert.ok(runs('token-plugin') > before, 'istioctl (kubectl) never ran the credential plugin');
    assert.deepEqual(await istioSystemDeployments(lab.cluster), istiodDemoDeployments);
  });

  test("with a plugin that prints a wrong token, the same install fails with the server's 401", async () => {
    const connection = await connect('lab-wrong');
    const before = runs('wrong-plugin');
    const { code, output } = await runIstioctlToEnd(
      lab.istioctl,
      ['install', '--set', 'profile=demo', '-y'],
      connection,
    );
    assert.notEqual(code, 0);
    // kubectl's words for a 401 (k8s.io/apimachinery/pkg/api/errors: "the server has asked for the client to provide credentials").
    assert.match(output, /Unauthorized|the server has asked for the client to provide credentials/);
    assert.ok(runs('wrong-plugin') > before, 'the wrong plugin never ran');
  });

  test("istioctl gets a 0600 file in a 0700 folder with the lab's context alone, deleted after it exits", async () => {
    const connection = await connect('lab');
    const { code, output } = await runIstioctlToEnd(probe, ['0'], connection);
    assert.equal(code, 0, output);
    const seen = JSON.parse(output) as Probe;
    assert.equal(seen.mode, 0o600);
    assert.equal(seen.dirMode, 0o700);
    assert.equal(seen.context, 'lab');
    assert.ok(!seen.text.includes(UNRELATED_TOKEN), "the kubeconfig istioctl got carries another cluster's token");
    assert.ok(!seen.text.includes('prod.example'), 'the kubeconfig istioctl got names another cluster');
    const given = yaml.load(seen.text) as {
      users: { name: string; user: { exec?: { command: string } } }[];
      'current-context': string;
    };
    assert.deepEqual(
      given.users.map((user) => [user.name, user.user.exec?.command]),
      [['plugin-user', path.join(lab.dir, 'home', '.kube', 'plugins', 'token-plugin')]],
    );
    assert.equal(given['current-context'], 'lab');
    assert.equal(fs.existsSync(path.dirname(seen.file)), false, 'the temporary kubeconfig folder is left behind');
  });

  test('the file is deleted after istioctl fails and after it is cancelled', async () => {
    const connection = await connect('lab');
    const failed = await runIstioctlToEnd(probe, ['3'], connection);
    assert.equal(failed.code, 3);
    assert.equal(fs.existsSync(path.dirname((JSON.parse(failed.output) as Probe).file)), false);

    const controller = new AbortController();
    let cancelledOutput = '';
    const code = await runIstioctl(
      probe,
      ['hang'],
      connection,
      (text) => {
        cancelledOutput += text;
        if (cancelledOutput.includes('\n')) controller.abort();
      },
      controller.signal,
    );
    assert.equal(code, 130);
    assert.equal(fs.existsSync(path.dirname((JSON.parse(cancelledOutput) as Probe).file)), false);
  });
});
