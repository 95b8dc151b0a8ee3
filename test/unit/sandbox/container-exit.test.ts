// What a simulated container does once started, from its image and command: runs for ever, or
// exits with the simulated shell's code and output, after the seconds it sleeps.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import type { Json } from '../../../src/sandbox/apimachinery/objects';
import {
  containerOutput,
  containerProcess,
  containerRun,
  containerShell,
  imageRepository,
} from '../../../src/sandbox/controllers/container-exit';
import { Faults } from '../../../src/sandbox/faults/faults';
import { ResourceRegistry } from '../../../src/sandbox/apimachinery/resource-registry';
import { ObjectStore } from '../../../src/sandbox/storage/object-store';
import { ClusterNetwork } from '../../../src/sandbox/streams/cluster-network';

const shell = containerShell(
  new ClusterNetwork(new ObjectStore(), new ResourceRegistry(), new Faults()),
  () => new Date('2019-07-01T00:00:00Z'),
);

function pod(container: Json, restartPolicy = 'Always'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'x', namespace: 'lab', uid: 'uid-x' },
    spec: { restartPolicy, containers: [{ name: 'x', ...container }] },
    status: { podIP: '10.0.1.9' },
  };
}

const run = (container: Json, restartPolicy = 'Always') =>
  containerRun(pod(container, restartPolicy), { name: 'x', ...container }, shell);

describe('what a started container does', () => {
  test("kubectl run's `sh -c 'exit 1'` exits 1, `exit 0` exits 0, at once", () => {
    assert.deepEqual(run({ image: 'busybox', args: ['sh', '-c', 'exit 1'] }, 'Never'), {
      runs: 'exits',
      exitCode: 1,
      output: [],
      sleepSeconds: 0,
    });
    assert.deepEqual(run({ image: 'busybox', command: ['sh', '-c', 'exit 0'] }, 'Never'), {
      runs: 'exits',
      exitCode: 0,
      output: [],
      sleepSeconds: 0,
    });
    assert.deepEqual(run({ image: 'busybox', args: ['false'] }), {
      runs: 'exits',
      exitCode: 1,
      output: [],
      sleepSeconds: 0,
    });
  });

  test("a script ends with its last command's code and prints what the shell prints", () => {
    const result = run({ image: 'alpine:3.10', command: ['sh', '-c', 'echo hello from the job; exit 3'] });
    assert.equal(result.runs, 'exits');
    assert.equal(result.runs === 'exits' && result.exitCode, 3);
    assert.deepEqual(
      containerOutput(
        pod({ image: 'alpine:3.10', command: ['sh', '-c', 'echo hello from the job; exit 3'] }),
        'x',
        shell,
      ),
      ['hello from the job'],
    );
  });

  test("a script in a volume (Istio 1.2's post-install Jobs) is unknown, so a Job's pod completes; one outside any volume fails as sh does", () => {
    const job = {
      image: 'docker.io/istio/kubectl:1.2.2',
      command: ['/bin/sh', '/tmp/grafana/run.sh', '/tmp/grafana/custom-resources.yaml'],
    };
    assert.deepEqual(
      run({ ...job, volumeMounts: [{ name: 'tmp-configmap-grafana', mountPath: '/tmp/grafana' }] }, 'OnFailure'),
      { runs: 'exits', exitCode: 0, output: [], sleepSeconds: 0 },
    );
    const missing = run(job, 'OnFailure');
    assert.equal(missing.runs === 'exits' && missing.exitCode, 2);
  });

  test('a command that never ends keeps running; `sleep N` exits after N seconds', () => {
    for (const command of [
      ['sleep', 'infinity'],
      ['tail', '-f', '/dev/null'],
      ['sh', '-c', 'while true; do echo hi; sleep 5; done'],
      ['sh', '-c', 'echo start && sleep infinity'],
    ]) {
      assert.deepEqual(run({ image: 'busybox', command }, 'Never'), { runs: 'forever' }, command.join(' '));
    }
    assert.deepEqual(run({ image: 'busybox', command: ['sleep', '3600'] }), {
      runs: 'exits',
      exitCode: 0,
      output: [],
      sleepSeconds: 3600,
    });
    const slept = run({ image: 'busybox', command: ['sh', '-c', 'sleep 1m; sleep 5; exit 2'] });
    assert.deepEqual(slept.runs === 'exits' && [slept.exitCode, slept.sleepSeconds], [2, 65]);
  });

  test('shell images with no command exit 0 at once; server and unknown images keep running', () => {
    for (const image of [
      'busybox',
      'busybox:1.31',
      'docker.io/library/alpine:3.10',
      'ubuntu',
      'debian:stretch',
      'centos:7',
    ]) {
      assert.deepEqual(run({ image }), { runs: 'exits', exitCode: 0, output: [], sleepSeconds: 0 }, image);
    }
    for (const image of [
      'nginx',
      'httpd:2.4',
      'redis',
      'docker.io/istio/proxyv2:1.2.2',
      'istio/examples-bookinfo-productpage-v1:1.15.0',
      'example.com/team/app:v2',
    ]) {
      assert.deepEqual(run({ image }), { runs: 'forever' }, image);
    }
    assert.deepEqual(run({ image: 'nginx', args: ['nginx', '-g', 'daemon off;'] }), { runs: 'forever' });
    assert.deepEqual(run({ image: 'nginx:1.17' }, 'Never'), { runs: 'forever' });
  });

  test('a program the shell does not know runs as its pod expects: for ever under Always, to a clean exit as a task', () => {
    const istioJob = {
      image: 'docker.io/istio/kubectl:1.2.2',
      command: [
        '/bin/bash',
        '-c',
        'kubectl get secret --all-namespaces | grep "istio.io/key-and-cert" | while read -r entry; do echo "$entry"; done',
      ],
    };
    assert.deepEqual(run(istioJob, 'OnFailure'), { runs: 'exits', exitCode: 0, output: [], sleepSeconds: 0 });
    assert.deepEqual(run({ image: 'perl', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }, 'Never'), {
      runs: 'exits',
      exitCode: 0,
      output: [],
      sleepSeconds: 0,
    });
    assert.deepEqual(run({ image: 'example.com/app', command: ['/app/server', '--port=8080'] }), { runs: 'forever' });
  });

  test("the process is the command and args, or a shell image's args, or the image's own", () => {
    assert.deepEqual(containerProcess({ image: 'busybox', command: ['sh'], args: ['-c', 'exit 1'] }), [
      'sh',
      '-c',
      'exit 1',
    ]);
    assert.deepEqual(containerProcess({ image: 'busybox', args: ['sh', '-c', 'exit 1'] }), ['sh', '-c', 'exit 1']);
    assert.deepEqual(containerProcess({ image: 'busybox' }), []);
    assert.equal(containerProcess({ image: 'nginx', args: ['-g', 'daemon off;'] }), undefined);
    assert.deepEqual(
      ['busybox@sha256:abc', 'localhost:5000/busybox:1', 'gcr.io/google-containers/busybox', 'library/alpine'].map(
        imageRepository,
      ),
      ['busybox', 'busybox', 'google-containers/busybox', 'alpine'],
    );
  });
});
