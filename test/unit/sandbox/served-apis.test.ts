// The release table behind --kube-version, /version's build info, and Table columns by release.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceRegistry } from '../../../src/sandbox/apimachinery/resource-registry';
import { kubeMinor, servedApis, servedKey } from '../../../src/sandbox/apimachinery/served-apis';
import { jobPrinter } from '../../../src/sandbox/printers/workloads';
import { printerAtRelease } from '../../../src/sandbox/printers/release-columns';
import { versionInfo } from '../../../src/sandbox/server/version-info';

test('each release serves its own versions of a resource, and the registry routes only those', () => {
  const cronJobs = (version: string) =>
    ['v1beta1', 'v1'].filter((v) => servedApis(version).has(servedKey('batch', v, 'cronjobs')));
  assert.deepEqual(cronJobs('v1.13.7-gke.8'), ['v1beta1']);
  assert.deepEqual(cronJobs('v1.21.0'), ['v1beta1', 'v1']);
  assert.deepEqual(cronJobs('v1.32.0'), ['v1']);
  const registry = new ResourceRegistry(servedApis('v1.13.7'), kubeMinor('v1.13.7'));
  assert.equal(registry.findServed('batch', 'v1', 'cronjobs'), undefined);
  assert.deepEqual(registry.findServed('batch', 'v1beta1', 'cronjobs')?.versions, ['v1beta1']);
  // The sandbox's own writes still reach the storage version.
  assert.ok(registry.find('batch', 'v1', 'cronjobs'));
  assert.equal(
    registry.groups().find((group) => group.name === 'discovery.k8s.io'),
    undefined,
  );
  assert.deepEqual(registry.groups().find((group) => group.name === 'apps')?.versions, ['v1', 'v1beta2', 'v1beta1']);
});

test('metrics.k8s.io is served only where metrics-server runs', () => {
  assert.equal(servedApis('v1.13.7').has(servedKey('metrics.k8s.io', 'v1beta1', 'pods')), false);
  assert.equal(servedApis('v1.13.7', { metrics: true }).has(servedKey('metrics.k8s.io', 'v1beta1', 'pods')), true);
});

test("/version of a GKE build says minor 13+ and the book's build; a plain release its own minor", () => {
  assert.deepEqual(versionInfo('v1.13.7-gke.8'), {
    major: '1',
    minor: '13+',
    gitVersion: 'v1.13.7-gke.8',
    gitCommit: '7d3d6f113e933ed1b44b78dff4baf649258415e5',
    gitTreeState: 'clean',
    buildDate: '2019-06-19T16:37:16Z',
    goVersion: 'go1.11.5b4',
    compiler: 'gc',
    platform: 'linux/amd64',
  });
  assert.equal(versionInfo('v1.32.0').minor, '32');
});

test('a Job Table leaves out the Status column, cells included, before the release that added it', () => {
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'once', creationTimestamp: '2019-06-19T00:00:00Z' },
    spec: { completions: 1, template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    status: {},
  };
  const old = printerAtRelease(jobPrinter, 'batch/jobs', 13);
  assert.deepEqual(
    old.columns.map((c) => c.name),
    jobPrinter.columns.map((c) => c.name).filter((name) => name !== 'Status'),
  );
  const now = new Date('2019-06-19T00:01:00Z');
  assert.equal(old.row(job, now).cells.length, old.columns.length);
  assert.deepEqual(
    old.row(job, now).cells,
    jobPrinter.row(job, now).cells.filter((_, index) => jobPrinter.columns[index].name !== 'Status'),
  );
  assert.equal(printerAtRelease(jobPrinter, 'batch/jobs', 32), jobPrinter);
});
