// The sandbox judged by a third client it did not write: Debian's ruby-kubeclient 4.9 (`.ci/run`
// installs it), run unchanged. It watches through the legacy `/api/v1/watch/…` paths a 1.13 server
// still serves, reads a group-version's APIResourceList before its first call, and raises
// Kubeclient::HttpError from the Status of a failure. Each case is a branch of ruby/judge.rb.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';

const JUDGE = path.join(__dirname, 'ruby', 'judge.rb');
const NS = 'default';

/** Runs one case of judge.rb with the sandbox's kubeconfig; its last line of output, parsed. */
function judge<T>(cluster: KubectlSandbox, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      'ruby',
      [JUDGE, ...args],
      { env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error)
          return reject(
            new Error(`ruby judge.rb ${args.join(' ')}: ${error.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`),
          );
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T);
      },
    );
  });
}

interface ErrorShape {
  code: number;
  message: string;
  class: string;
}

describe('Ruby kubeclient 4.9 against the sandbox', () => {
  let cluster: KubectlSandbox;
  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 1, speed: 0 });
  });
  after(() => cluster?.close());

  test('watch_config_maps (the legacy /api/v1/watch path) gets ADDED, then MODIFIED for a patch', async () => {
    const { events } = await judge<{ events: { type: string; name: string; step: string }[] }>(cluster, [
      'watch-config-maps',
      NS,
    ]);
    assert.deepEqual(events, [
      { type: 'ADDED', name: 'ruby-watched', step: '1' },
      { type: 'MODIFIED', name: 'ruby-watched', step: '2' },
    ]);
  });

  test("a 404 and a 409 raise Kubeclient errors with the server's code and message", async () => {
    const { notFound, alreadyExists } = await judge<{ notFound: ErrorShape; alreadyExists: ErrorShape }>(cluster, [
      'errors',
      NS,
    ]);
    assert.deepEqual(notFound, {
      code: 404,
      message: 'configmaps "no-such-map" not found',
      class: 'Kubeclient::ResourceNotFoundError',
    });
    assert.deepEqual(alreadyExists, {
      code: 409,
      message: 'configmaps "ruby-twice" already exists',
      class: 'Kubeclient::HttpError',
    });
  });

  test('a client of apps/v1 discovers its resources and lists the deployments kubectl created', async () => {
    const created = await cluster.kubectl(['create', 'deployment', 'ruby-web', '--image=docker.io/library/nginx:1.17']);
    assert.equal(created.code, 0, created.stderr);
    const { deployments } = await judge<{ deployments: string[] }>(cluster, ['apps', NS]);
    assert.deepEqual(deployments, ['ruby-web']);
  });
});
