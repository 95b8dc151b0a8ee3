// Server-side printing: the Tables the sandbox sends for `kubectl get` carry the cells a real
// v1.32 API server sends. Objects come from the Istio 1.2.2 release manifest; expected cells come
// from real `kubectl get` captures (test/fixtures/istio/kubectl-get-*) where one exists.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { applyDefaults } from '../../../src/sandbox/apimachinery/defaults';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { humanDuration } from '../../../src/shared/kubectl-time';
import type { Cell, Table, TableOptions } from '../../../src/sandbox/printers/printing';
import {
  tableFor,
  tableForObject,
  tableOptionsFromQuery,
  tableVersionFor,
  wantsTable,
} from '../../../src/sandbox/printers/printing';
import { resourceTypeFromCrd } from '../../../src/sandbox/apimachinery/resource-registry';
import type { ResourceType } from '../../../src/sandbox/apimachinery/resource-types';
import { BUILTIN_RESOURCE_TYPES } from '../../../src/sandbox/apimachinery/resource-types';
import { statusOf } from './patch-fixtures';
import { apiObject, podObject } from './test-objects';

type Json = Record<string, unknown>;

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'istio');
const NOW = new Date('2019-07-20T12:00:00Z');
const KUBECTL_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/** The 153 objects of the lab's istio-demo.yaml, `kind: List` documents expanded as kubectl does. */
const demo = (
  yaml.loadAll(
    fs.readFileSync(path.join(FIXTURES, 'legacy', 'istio-1.2.2', 'istio-demo.yaml'), 'utf8'),
  ) as (KubeObject | null)[]
)
  .filter((document): document is KubeObject => !!document)
  .flatMap((document) => (document.kind === 'List' ? (document.items as KubeObject[]) : [document]));

const fromDemo = (kind: string, name: string): KubeObject => {
  const found = demo.find((object) => object.kind === kind && object.metadata.name === name);
  assert.ok(found, `${kind} ${name} is in istio-demo.yaml`);
  return structuredClone(found);
};

const builtin = (group: string, resource: string): ResourceType => {
  const found = BUILTIN_RESOURCE_TYPES.find((type) => type.group === group && type.resource === resource);
  assert.ok(found, `${group}/${resource} is a built-in resource`);
  return found;
};

/** An RFC 3339 timestamp `seconds` before NOW. */
const ago = (seconds: number): string =>
  new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const cellsOf = (table: Table): Cell[][] => table.rows.map((row) => row.cells);

/** The Table of one object of a built-in resource, printed at NOW. */
const builtinTable = (group: string, resource: string, object: KubeObject, options?: TableOptions): Table =>
  tableForObject(builtin(group, resource), object, undefined, NOW, options);

/** The cells of that object's row. */
const builtinRow = (group: string, resource: string, object: KubeObject): Cell[] =>
  builtinTable(group, resource, object).rows[0].cells;

const columnNames = (table: Table, wide = true): string[] =>
  (table.columnDefinitions ?? [])
    .filter((column) => wide || column.priority === 0)
    .map((column) => column.name.toUpperCase());

/** Each column as `Name: <field>`, in order: its type or its priority (1 = wide only). */
const columnsWith = (table: Table, field: 'type' | 'priority'): string[] =>
  (table.columnDefinitions ?? []).map((column) => `${column.name}: ${column[field]}`);

/** `kubectl get` output as rows of cells, split at the header's column starts. */
function capture(file: string): { header: string[]; rows: string[][] } {
  const lines = fs.readFileSync(path.join(FIXTURES, file), 'utf8').split('\n');
  const headerIndex = lines.findIndex((line) => line.startsWith('NAME '));
  const headerLine = lines[headerIndex];
  const starts = [...headerLine.matchAll(/\S+/g)].map((match) => match.index ?? 0);
  const split = (line: string) => starts.map((start, i) => line.slice(start, starts[i + 1]).trim());
  return {
    header: split(headerLine),
    rows: lines
      .slice(headerIndex + 1)
      .filter((line) => line.trim() && !/^\S*\s*\$|^#|^\[|^➜/.test(line))
      .map(split),
  };
}

/** The table's columns and cells as far as a (not wide) `kubectl get` capture shows them. */
function assertShowsCapture(table: Table, { header, rows }: { header: string[]; rows: string[][] }): void {
  assert.deepEqual(columnNames(table, false), header);
  assert.deepEqual(
    cellsOf(table).map((cells) => cells.slice(0, header.length)),
    rows,
  );
}

const AGES: Record<string, number> = {
  '95m': 95 * 60 + 17,
  '5h51m': (5 * 60 + 51) * 60 + 9,
  '5h50m': (5 * 60 + 50) * 60 + 31,
  '10m': 10 * 60 + 40,
  '54m': 54 * 60 + 3,
  '52m': 52 * 60 + 58,
  '49m': 49 * 60 + 30,
  '53m': 53 * 60 + 1,
  '20h': 20 * 3600 + 1234,
};

/** The Deployment or Job of istio-demo.yaml that a pod name belongs to. */
function ownerOf(podName: string): KubeObject {
  const owner = demo.find((object) => {
    const prefix = `${object.metadata.name}-`;
    if (!podName.startsWith(prefix)) return false;
    const suffix = podName.slice(prefix.length).split('-').length;
    return (object.kind === 'Deployment' && suffix === 2) || (object.kind === 'Job' && suffix === 1);
  });
  assert.ok(owner, `${podName} belongs to a workload of istio-demo.yaml`);
  return owner;
}

const templateContainers = (workload: KubeObject): Json[] =>
  ((workload.spec as Json).template as { spec: { containers: Json[] } }).spec.containers;

/**
 * A pod as the kubelet reports it for a Deployment (all containers running and ready) or a Job
 * (its container terminated with Completed). `crashLooping` puts the first container into
 * CrashLoopBackOff. The captures predate kubectl 1.28, whose RESTARTS has no "(… ago)" suffix, so
 * restarted containers are given no lastState here; the suffix has its own test below.
 */
function podFor(name: string, ageSeconds: number, restarts: number, crashLooping = false): KubeObject {
  const owner = ownerOf(name);
  const created = ago(ageSeconds);
  const containers = templateContainers(owner);
  if (owner.kind === 'Job') {
    return podObject(
      { name, namespace: 'istio-system', creationTimestamp: created, labels: { 'job-name': owner.metadata.name! } },
      { containers, restartPolicy: 'OnFailure', nodeName: 'gke-book-default-pool-1' },
      {
        phase: 'Succeeded',
        conditions: [
          { type: 'Initialized', status: 'True', reason: 'PodCompleted' },
          { type: 'Ready', status: 'False', reason: 'PodCompleted' },
          { type: 'PodScheduled', status: 'True' },
        ],
        containerStatuses: containers.map((container) => ({
          name: container.name,
          ready: false,
          restartCount: 0,
          started: false,
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: created, finishedAt: created } },
        })),
      },
    );
  }
  return podObject(
    { name, namespace: 'istio-system', creationTimestamp: created },
    { containers, nodeName: 'gke-book-default-pool-1' },
    {
      phase: 'Running',
      podIP: '10.8.0.12',
      podIPs: [{ ip: '10.8.0.12' }],
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: crashLooping && type.endsWith('Ready') ? 'False' : 'True',
      })),
      containerStatuses: containers.map((container, i) =>
        crashLooping && i === 0
          ? {
              name: container.name,
              ready: false,
              started: false,
              restartCount: restarts,
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
            }
          : {
              name: container.name,
              ready: true,
              started: true,
              restartCount: i === 0 ? restarts : 0,
              state: { running: { startedAt: created } },
            },
      ),
    },
  );
}

function assertPodCapture(file: string, crashLooping: (name: string) => boolean = () => false): void {
  const { header, rows } = capture(file);
  const pods = rows.map(([name, , , restarts, age]) => podFor(name, AGES[age], Number(restarts), crashLooping(name)));
  const table = tableFor(builtin('', 'pods'), pods, { resourceVersion: '4711' }, undefined, NOW);
  assertShowsCapture(table, { header, rows });
}

// ── AGE ────────────────────────────────────────────────────────────────────────────────────

test('AGE follows duration.HumanDuration: seconds, minutes, hours, days and years with their precision', () => {
  const cases: [number, string][] = [
    [-2500, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [45_000, '45s'],
    [119_999, '119s'],
    [120_000, '2m'],
    [(9 * 60 + 12) * 1000, '9m12s'],
    [(10 * 60 + 40) * 1000, '10m'],
    [(95 * 60 + 17) * 1000, '95m'],
    [(3 * 3600 + 59) * 1000, '3h'],
    [(5 * 3600 + 51 * 60) * 1000, '5h51m'],
    [(20 * 3600 + 1234) * 1000, '20h'],
    [51 * 3600 * 1000, '2d3h'],
    [(8 * 24 * 3600 + 5) * 1000, '8d'],
    [400 * 24 * 3600 * 1000, '400d'],
    [3 * 365 * 24 * 3600 * 1000, '3y'],
    [(2 * 365 + 45) * 24 * 3600 * 1000, '2y45d'],
    [9 * 365 * 24 * 3600 * 1000, '9y'],
  ];
  for (const [ms, expected] of cases) assert.equal(humanDuration(ms), expected, `${ms}ms`);
});

// ── pods against real captures ─────────────────────────────────────────────────────────────

test("the book's istio-system pods print as the book's `kubectl get po -n istio-system`", () => {
  assertPodCapture('kubectl-get-po/book-1.2.2.txt');
});

test('pods with restarts after six hours print as the kubeadm capture', () => {
  assertPodCapture('kubectl-get-po/istio-1.2.2-kubeadm-1.13.8.txt');
});

test('a fresh NodePort install prints as the capture ten minutes after install', () => {
  assertPodCapture('kubectl-get-po/istio-1.2.2-nodeport-fresh.txt');
});

test('crash-looping mixers print 1/2 CrashLoopBackOff 15, as in the SDS capture', () => {
  const { rows } = capture('kubectl-get-po/istio-1.2.2-sds-crashloop.txt');
  // The SDS install adds pods the demo manifest does not have (node agents, a 2-container ingress).
  const telemetry = rows.filter(([name]) => name.startsWith('istio-telemetry-'));
  assert.equal(telemetry.length, 2);
  const pods = telemetry.map(([name, , , restarts, age]) => podFor(name, AGES[age], Number(restarts), true));
  assert.deepEqual(
    cellsOf(tableFor(builtin('', 'pods'), pods, {}, undefined, NOW)).map((cells) => cells.slice(0, 5)),
    telemetry,
  );
});

test('pod wide columns are IP, NODE, NOMINATED NODE and READINESS GATES, sent as priority 1', () => {
  const pod = podFor('istio-pilot-68f587df5d-wzwxn', 95 * 60, 0);
  (pod.spec as Json).readinessGates = [
    { conditionType: 'cloud.google.com/load-balancer-neg-ready' },
    { conditionType: 'example.com/ready' },
  ];
  ((pod.status as Json).conditions as Json[]).push({
    type: 'cloud.google.com/load-balancer-neg-ready',
    status: 'True',
  });
  const table = builtinTable('', 'pods', pod);
  assert.deepEqual(columnNames(table), [
    'NAME',
    'READY',
    'STATUS',
    'RESTARTS',
    'AGE',
    'IP',
    'NODE',
    'NOMINATED NODE',
    'READINESS GATES',
  ]);
  assert.deepEqual(
    table.columnDefinitions?.map((column) => column.priority),
    [0, 0, 0, 0, 0, 1, 1, 1, 1],
  );
  assert.deepEqual(table.rows[0].cells, [
    'istio-pilot-68f587df5d-wzwxn',
    '2/2',
    'Running',
    '0',
    '95m',
    '10.8.0.12',
    'gke-book-default-pool-1',
    '<none>',
    '1/2',
  ]);
});

// ── pod STATUS, READY and RESTARTS logic ───────────────────────────────────────────────────

/** A pod with the given status, two init containers and two containers. */
function pod(status: Json, extra: { spec?: Json; metadata?: Json } = {}): KubeObject {
  return podObject(
    { name: 'productpage-v1-6c8f8c9c7f-x2x8q', creationTimestamp: ago(300), ...extra.metadata },
    {
      initContainers: [{ name: 'istio-init', image: 'docker.io/istio/proxy_init:1.2.2' }],
      containers: [
        { name: 'productpage', image: 'istio/examples-bookinfo-productpage-v1:1.15.0' },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.2.2' },
      ],
      ...extra.spec,
    },
    status,
  );
}

const row = (object: KubeObject): Cell[] => builtinRow('', 'pods', object).slice(1, 4);
const running = { running: { startedAt: ago(200) } };
const initDone = {
  name: 'istio-init',
  ready: true,
  restartCount: 0,
  state: { terminated: { exitCode: 0, reason: 'Completed' } },
};

test('a pod nobody has scheduled yet is Pending, and a pod whose images are pulling is ContainerCreating', () => {
  assert.deepEqual(
    row(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] })),
    ['0/2', 'Pending', '0'],
  );
  const creating = pod({
    phase: 'Pending',
    initContainerStatuses: [initDone],
    conditions: [{ type: 'Initialized', status: 'True' }],
    containerStatuses: [
      { name: 'istio-proxy', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
      { name: 'productpage', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
    ],
  });
  assert.deepEqual(row(creating), ['0/2', 'ContainerCreating', '0']);
});

test('init containers show as Init:N/M, Init:<reason> and PodInitializing', () => {
  const waiting = pod({
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'istio-init', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
    ],
  });
  assert.deepEqual(row(waiting), ['0/2', 'Init:0/1', '0']);
  const crashing = pod({
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'istio-init', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } },
    ],
  });
  assert.deepEqual(row(crashing), ['0/2', 'Init:CrashLoopBackOff', '3']);
  const failed = pod({
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'istio-init', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } },
    ],
  });
  assert.deepEqual(row(failed), ['0/2', 'Init:Error', '0']);
  const signalled = pod({
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'istio-init', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } },
    ],
  });
  assert.deepEqual(row(signalled), ['0/2', 'Init:Signal:9', '0']);
  const initialized = pod({
    phase: 'Pending',
    initContainerStatuses: [initDone],
    containerStatuses: [
      { name: 'istio-proxy', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
      { name: 'productpage', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
    ],
  });
  assert.deepEqual(row(initialized), ['0/2', 'PodInitializing', '0']);
});

test('terminated containers show their reason, their exit code or their signal', () => {
  const state = (terminated: Json) =>
    pod({
      phase: 'Running',
      initContainerStatuses: [initDone],
      containerStatuses: [
        { name: 'istio-proxy', ready: true, restartCount: 0, state: running },
        { name: 'productpage', ready: false, restartCount: 0, state: { terminated } },
      ],
    });
  assert.deepEqual(row(state({ exitCode: 1, reason: 'Error' })), ['1/2', 'Error', '0']);
  assert.deepEqual(row(state({ exitCode: 2 })), ['1/2', 'ExitCode:2', '0']);
  assert.deepEqual(row(state({ exitCode: 143, signal: 15 })), ['1/2', 'Signal:15', '0']);
  assert.deepEqual(row(state({ exitCode: 137, reason: 'OOMKilled' })), ['1/2', 'OOMKilled', '0']);
});

test('a Completed container beside a running one reads Running when the pod is Ready, else NotReady', () => {
  const status = (ready: boolean) =>
    pod({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      initContainerStatuses: [initDone],
      containerStatuses: [
        { name: 'istio-proxy', ready: true, restartCount: 0, state: running },
        {
          name: 'productpage',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed' } },
        },
      ],
    });
  assert.deepEqual(row(status(true)), ['1/2', 'Running', '0']);
  assert.deepEqual(row(status(false)), ['1/2', 'NotReady', '0']);
});

test('a deleted pod is Terminating, and Unknown when its node was lost', () => {
  const status = {
    phase: 'Running',
    initContainerStatuses: [initDone],
    containerStatuses: [
      { name: 'istio-proxy', ready: true, restartCount: 0, state: running },
      { name: 'productpage', ready: true, restartCount: 0, state: running },
    ],
  };
  assert.deepEqual(row(pod(status, { metadata: { deletionTimestamp: ago(5) } })), ['2/2', 'Terminating', '0']);
  assert.deepEqual(row(pod({ ...status, reason: 'NodeLost' }, { metadata: { deletionTimestamp: ago(5) } })), [
    '2/2',
    'Unknown',
    '0',
  ]);
  assert.deepEqual(
    row(pod({ ...status, phase: 'Succeeded' }, { metadata: { deletionTimestamp: ago(5) } }))[1],
    'Succeeded',
  );
});

test('a pod held by a scheduling gate is SchedulingGated', () => {
  assert.deepEqual(
    row(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] })),
    ['0/2', 'SchedulingGated', '0'],
  );
});

test('RESTARTS says when the last container restarted, the way kubectl 1.28+ shows it', () => {
  const restarted = pod({
    phase: 'Running',
    initContainerStatuses: [initDone],
    containerStatuses: [
      {
        name: 'istio-proxy',
        ready: true,
        restartCount: 1,
        state: running,
        lastState: { terminated: { exitCode: 1, finishedAt: ago(3 * 3600) } },
      },
      {
        name: 'productpage',
        ready: true,
        restartCount: 4,
        state: running,
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * 60 + 12) } },
      },
    ],
  });
  assert.deepEqual(row(restarted), ['2/2', 'Running', '5 (5m12s ago)']);
});

test('sidecar (restartable init) containers count toward READY once started', () => {
  const sidecar = pod(
    {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      initContainerStatuses: [{ name: 'istio-proxy', ready: true, started: true, restartCount: 2, state: running }],
      containerStatuses: [{ name: 'productpage', ready: true, restartCount: 0, state: running }],
    },
    {
      spec: {
        initContainers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.26.1', restartPolicy: 'Always' }],
        containers: [{ name: 'productpage', image: 'productpage' }],
      },
    },
  );
  assert.deepEqual(row(sidecar), ['2/2', 'Running', '2']);
});

test('succeeded and failed pods carry the Completed row condition', () => {
  const completed = builtinTable('', 'pods', podFor('istio-cleanup-secrets-1.2.2-bcwf6', 95 * 60, 0)).rows[0];
  assert.deepEqual(completed.conditions, [
    { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
  ]);
  assert.equal(builtinTable('', 'pods', podFor('istio-pilot-68f587df5d-wzwxn', 60, 0)).rows[0].conditions, undefined);
});

// ── services against real captures ─────────────────────────────────────────────────────────

/**
 * The Services of istio-demo.yaml as a server stores them: defaulted, with the cluster IPs and the
 * node ports the capture shows the cluster allocated (the manifest fixes only 31380, 31390, 31400).
 */
function servicesAsAllocated(
  file: string,
  ingressType: string,
): { services: KubeObject[]; rows: string[][]; header: string[] } {
  const { header, rows } = capture(file);
  const services = rows.map(([name, , clusterIP, , ports, age]) => {
    const service = fromDemo('Service', name);
    service.metadata.creationTimestamp = ago(AGES[age]);
    if (name === 'istio-ingressgateway') (service.spec as Json).type = ingressType;
    applyDefaults(service, '');
    const spec = service.spec as Json;
    if (spec.clusterIP !== 'None') spec.clusterIP = clusterIP;
    spec.clusterIPs = [spec.clusterIP];
    const allocated = new Map(
      ports.split(',').map((port) => [Number(port.split(/[:/]/)[0]), Number(/^\d+:(\d+)\//.exec(port)?.[1] ?? 0)]),
    );
    for (const port of spec.ports as Json[])
      if (spec.type !== 'ClusterIP' && !port.nodePort) port.nodePort = allocated.get(port.port as number);
    return service;
  });
  return { services, rows, header };
}

test('the istio-system services print as `kubectl get svc` with the ingress gateway as NodePort', () => {
  const { services, rows, header } = servicesAsAllocated('kubectl-get-svc/istio-1.2.2-nodeport.txt', 'NodePort');
  const table = tableFor(builtin('', 'services'), services, { resourceVersion: '2112' }, undefined, NOW);
  assertShowsCapture(table, { header, rows });
});

test('a LoadBalancer without a cloud load balancer shows <pending>, as in the capture', () => {
  const { services, rows, header } = servicesAsAllocated(
    'kubectl-get-svc/istio-1.2.2-loadbalancer-pending.txt',
    'LoadBalancer',
  );
  const table = tableFor(builtin('', 'services'), services, {}, undefined, NOW);
  assertShowsCapture(table, { header, rows });
  const ingress = table.rows.find((entry) => entry.cells[0] === 'istio-ingressgateway');
  assert.equal(ingress?.cells[6], 'app=istio-ingressgateway,istio=ingressgateway,release=istio', 'wide SELECTOR');
});

test('EXTERNAL-IP lists load balancer addresses and external IPs, and names ExternalName targets', () => {
  const service = (spec: Json, status: Json = {}): Cell[] =>
    builtinRow('', 'services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', creationTimestamp: ago(30) },
      spec,
      status,
    });
  const lb = service(
    { type: 'LoadBalancer', clusterIP: '10.0.0.1', ports: [{ port: 80, nodePort: 31380, protocol: 'TCP' }] },
    { loadBalancer: { ingress: [{ ip: '35.1.2.3' }, { hostname: 'a1b2.elb.amazonaws.com' }] } },
  );
  assert.deepEqual(lb.slice(1, 6), [
    'LoadBalancer',
    '10.0.0.1',
    '35.1.2.3,a1b2.elb.amazonaws.com',
    '80:31380/TCP',
    '30s',
  ]);
  assert.equal(
    service({ type: 'LoadBalancer', clusterIP: '10.0.0.1', externalIPs: ['192.168.1.9'] })[3],
    '192.168.1.9',
  );
  assert.equal(
    service({ type: 'ClusterIP', clusterIP: '10.0.0.1', externalIPs: ['1.2.3.4', '5.6.7.8'] })[3],
    '1.2.3.4,5.6.7.8',
  );
  assert.deepEqual(service({ type: 'ExternalName', externalName: 'api.example.com' }).slice(1, 5), [
    'ExternalName',
    '<none>',
    'api.example.com',
    '<none>',
  ]);
  assert.equal(service({ type: 'ClusterIP', clusterIP: '10.0.0.1', selector: {} })[6], '<none>');
});

// ── other built-in kinds ───────────────────────────────────────────────────────────────────

test('deployments print READY, UP-TO-DATE, AVAILABLE and, wide, containers, images and selector', () => {
  const deployment = fromDemo('Deployment', 'istio-pilot');
  applyDefaults(deployment, 'extensions');
  deployment.metadata.creationTimestamp = ago(95 * 60);
  deployment.status = { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 };
  const table = builtinTable('apps', 'deployments', deployment);
  assert.deepEqual(columnNames(table), [
    'NAME',
    'READY',
    'UP-TO-DATE',
    'AVAILABLE',
    'AGE',
    'CONTAINERS',
    'IMAGES',
    'SELECTOR',
  ]);
  assert.deepEqual(table.rows[0].cells, [
    'istio-pilot',
    '1/1',
    1,
    1,
    '95m',
    'discovery,istio-proxy',
    'docker.io/istio/pilot:1.2.2,docker.io/istio/proxyv2:1.2.2',
    'istio=pilot',
  ]);
});

test('replica sets, stateful sets and daemon sets print their counts as integers', () => {
  const template = { spec: { containers: [{ name: 'c', image: 'i' }], nodeSelector: { 'kubernetes.io/os': 'linux' } } };
  const selector = {
    matchLabels: { app: 'x' },
    matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }],
  };
  const base = { metadata: { name: 'x', creationTimestamp: ago(60) } };
  const rs = builtinTable('apps', 'replicasets', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    ...base,
    spec: { replicas: 3, selector, template },
    status: { replicas: 3, readyReplicas: 2 },
  });
  assert.deepEqual(rs.rows[0].cells, ['x', 3, 3, 2, '60s', 'c', 'i', 'app=x,tier in (api,web)']);
  const sts = builtinTable('apps', 'statefulsets', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    ...base,
    spec: { replicas: 3, template },
    status: { readyReplicas: 1 },
  });
  assert.deepEqual(sts.rows[0].cells, ['x', '1/3', '60s', 'c', 'i']);
  const ds = builtinTable('apps', 'daemonsets', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    ...base,
    spec: { selector, template },
    status: {
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
    },
  });
  assert.deepEqual(ds.rows[0].cells, [
    'x',
    3,
    3,
    3,
    3,
    3,
    'kubernetes.io/os=linux',
    '60s',
    'c',
    'i',
    'app=x,tier in (api,web)',
  ]);
});

test("jobs print STATUS, COMPLETIONS and DURATION as kubectl 1.32 shows the demo's post-install jobs", () => {
  const job = fromDemo('Job', 'istio-cleanup-secrets-1.2.2');
  applyDefaults(job, 'batch');
  job.metadata.creationTimestamp = ago(95 * 60);
  job.status = {
    startTime: ago(95 * 60),
    completionTime: ago(95 * 60 - 14),
    succeeded: 1,
    conditions: [{ type: 'Complete', status: 'True' }],
  };
  const table = builtinTable('batch', 'jobs', job);
  assert.deepEqual(columnNames(table, false), ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
  assert.deepEqual(table.rows[0].cells.slice(0, 5), ['istio-cleanup-secrets-1.2.2', 'Complete', '1/1', '14s', '95m']);
  job.status = { startTime: ago(30), active: 1 };
  assert.deepEqual(builtinRow('batch', 'jobs', job).slice(1, 4), ['Running', '0/1', '30s']);
});

test('cron jobs print SCHEDULE, TIMEZONE, SUSPEND, ACTIVE and LAST SCHEDULE', () => {
  const cronJob: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report', creationTimestamp: ago(3 * 24 * 3600) },
    spec: {
      schedule: '*/5 * * * *',
      suspend: false,
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'r', image: 'busybox' }] } } } },
    },
    status: { active: [{ name: 'report-1' }], lastScheduleTime: ago(125) },
  };
  assert.deepEqual(builtinRow('batch', 'cronjobs', cronJob), [
    'report',
    '*/5 * * * *',
    '<none>',
    'False',
    1,
    '2m5s',
    '3d',
    'r',
    'busybox',
    '<none>',
  ]);
});

test('the demo HPAs (autoscaling/v2beta1) show their CPU target with an unknown current value', () => {
  const hpa = fromDemo('HorizontalPodAutoscaler', 'istio-pilot');
  hpa.metadata.creationTimestamp = ago(95 * 60);
  hpa.status = { currentReplicas: 1, desiredReplicas: 1 };
  const table = builtinTable('autoscaling', 'horizontalpodautoscalers', hpa);
  assert.deepEqual(columnNames(table), ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
  assert.deepEqual(table.rows[0].cells, [
    'istio-pilot',
    'Deployment/istio-pilot',
    'cpu: <unknown>/80%',
    '1',
    5,
    1,
    '95m',
  ]);
  hpa.status = {
    currentReplicas: 2,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 93, currentAverageValue: '46m' } },
    ],
  };
  assert.equal(builtinRow('autoscaling', 'horizontalpodautoscalers', hpa)[2], 'cpu: 93%/80%');
  const v1: KubeObject = {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 3,
      targetCPUUtilizationPercentage: 50,
    },
    status: { currentReplicas: 1, currentCPUUtilizationPercentage: 20 },
  };
  assert.equal(builtinRow('autoscaling', 'horizontalpodautoscalers', v1)[2], 'cpu: 20%/50%');
  const v2: KubeObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
      maxReplicas: 4,
      metrics: [
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '10' } } },
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      ],
    },
  };
  assert.deepEqual(builtinRow('autoscaling', 'horizontalpodautoscalers', v2).slice(2, 4), [
    'memory: <unknown>/500Mi, <unknown>/10 + 1 more...',
    '<unset>',
  ]);
});

test('the demo PDBs print MIN AVAILABLE, MAX UNAVAILABLE and ALLOWED DISRUPTIONS', () => {
  const pdb = fromDemo('PodDisruptionBudget', 'istio-pilot');
  pdb.metadata.creationTimestamp = ago(95 * 60);
  pdb.status = { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 };
  assert.deepEqual(builtinRow('policy', 'poddisruptionbudgets', pdb), ['istio-pilot', '1', 'N/A', 0, '95m']);
});

test('config maps, secrets and service accounts count their entries', () => {
  const secret = fromDemo('Secret', 'kiali');
  secret.metadata.creationTimestamp = ago(95 * 60);
  assert.deepEqual(builtinRow('', 'secrets', secret), ['kiali', 'Opaque', 2, '95m']);
  const configMap = fromDemo('ConfigMap', 'istio-galley-configuration');
  configMap.metadata.creationTimestamp = ago(95 * 60);
  assert.deepEqual(builtinRow('', 'configmaps', configMap), ['istio-galley-configuration', 1, '95m']);
  const account = fromDemo('ServiceAccount', 'prometheus');
  account.metadata.creationTimestamp = ago(95 * 60);
  assert.deepEqual(builtinRow('', 'serviceaccounts', account), ['prometheus', 0, '95m']);
});

test('the sidecar injector webhook configuration counts one webhook', () => {
  const webhook = fromDemo('MutatingWebhookConfiguration', 'istio-sidecar-injector');
  webhook.metadata.creationTimestamp = ago(95 * 60);
  const table = builtinTable('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', webhook);
  assert.deepEqual(columnNames(table), ['NAME', 'WEBHOOKS', 'AGE']);
  assert.deepEqual(table.rows[0].cells, ['istio-sidecar-injector', 1, '95m']);
});

test('role bindings show the role and, wide, users, groups and service accounts; roles get NAME and CREATED AT', () => {
  const binding = fromDemo('ClusterRoleBinding', 'istio-pilot-istio-system');
  binding.metadata.creationTimestamp = ago(95 * 60);
  const table = builtinTable('rbac.authorization.k8s.io', 'clusterrolebindings', binding);
  assert.deepEqual(columnNames(table), ['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']);
  assert.deepEqual(table.rows[0].cells, [
    'istio-pilot-istio-system',
    'ClusterRole/istio-pilot-istio-system',
    '95m',
    '',
    '',
    'istio-system/istio-pilot-service-account',
  ]);
  const role = fromDemo('ClusterRole', 'kiali');
  role.metadata.creationTimestamp = '2019-07-20T10:24:43Z';
  const roles = builtinTable('rbac.authorization.k8s.io', 'clusterroles', role);
  assert.deepEqual(columnsWith(roles, 'type'), ['Name: string', 'Created At: date']);
  assert.deepEqual(roles.rows[0].cells, ['kiali', '2019-07-20T10:24:43Z']);
});

test('namespaces, nodes, endpoints and events print as kubectl shows them', () => {
  const namespace = fromDemo('Namespace', 'istio-system');
  applyDefaults(namespace, '');
  namespace.metadata.creationTimestamp = ago(95 * 60);
  assert.deepEqual(builtinRow('', 'namespaces', namespace), ['istio-system', 'Active', '95m']);

  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'master',
      creationTimestamp: ago(9 * 24 * 3600),
      labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '' },
    },
    spec: { unschedulable: true },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: 'True' },
      ],
      addresses: [
        { type: 'InternalIP', address: '192.168.0.10' },
        { type: 'Hostname', address: 'master' },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.13.8',
        osImage: 'CentOS Linux 7 (Core)',
        kernelVersion: '3.10.0-957.el7.x86_64',
        containerRuntimeVersion: 'docker://18.6.3',
      },
    },
  };
  const nodes = builtinTable('', 'nodes', node);
  assert.deepEqual(columnNames(nodes), [
    'NAME',
    'STATUS',
    'ROLES',
    'AGE',
    'VERSION',
    'INTERNAL-IP',
    'EXTERNAL-IP',
    'OS-IMAGE',
    'KERNEL-VERSION',
    'CONTAINER-RUNTIME',
  ]);
  assert.deepEqual(nodes.rows[0].cells, [
    'master',
    'Ready,SchedulingDisabled',
    'control-plane,master',
    '9d',
    'v1.13.8',
    '192.168.0.10',
    '<none>',
    'CentOS Linux 7 (Core)',
    '3.10.0-957.el7.x86_64',
    'docker://18.6.3',
  ]);

  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'istio-pilot', creationTimestamp: ago(95 * 60) },
    subsets: [
      {
        addresses: [{ ip: '10.8.0.12' }, { ip: '10.8.1.7' }],
        ports: [
          { name: 'grpc-xds', port: 15010 },
          { name: 'https-xds', port: 15011 },
          { name: 'http-legacy-discovery', port: 8080 },
        ],
      },
    ],
  };
  assert.deepEqual(builtinRow('', 'endpoints', endpoints), [
    'istio-pilot',
    '10.8.0.12:15010,10.8.1.7:15010,10.8.0.12:15011 + 3 more...',
    '95m',
  ]);

  const event: KubeObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'istio-telemetry-6654d887bc-2mt9r.15b2', namespace: 'istio-system' },
    involvedObject: { kind: 'Pod', name: 'istio-telemetry-6654d887bc-2mt9r', fieldPath: 'spec.containers{mixer}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container\n',
    source: { component: 'kubelet', host: 'node-2' },
    firstTimestamp: ago(54 * 60),
    lastTimestamp: ago(90),
    count: 212,
    type: 'Warning',
  };
  const events = builtinTable('', 'events', event);
  assert.deepEqual(columnNames(events, false), ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
  assert.deepEqual(events.rows[0].cells, [
    '90s',
    'Warning',
    'BackOff',
    'pod/istio-telemetry-6654d887bc-2mt9r',
    'spec.containers{mixer}',
    'kubelet, node-2',
    'Back-off restarting failed container',
    '54m',
    212,
    'istio-telemetry-6654d887bc-2mt9r.15b2',
  ]);
});

test('events.k8s.io events print from their own field names, singletons with a count of 1', () => {
  const event: KubeObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'e1' },
    eventTime: ago(20),
    reportingController: 'default-scheduler',
    reportingInstance: 'default-scheduler-master',
    action: 'Binding',
    reason: 'Scheduled',
    regarding: { kind: 'Pod', name: 'productpage-v1-1' },
    note: 'Successfully assigned default/productpage-v1-1 to node-1',
    type: 'Normal',
  };
  assert.deepEqual(builtinRow('events.k8s.io', 'events', event), [
    '20s',
    'Normal',
    'Scheduled',
    'pod/productpage-v1-1',
    '',
    'default-scheduler, default-scheduler-master',
    'Successfully assigned default/productpage-v1-1 to node-1',
    '20s',
    1,
    'e1',
  ]);
});

test('ingresses, endpoint slices, leases and storage classes print their columns', () => {
  const ingress: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'gateway', creationTimestamp: ago(60) },
    spec: {
      ingressClassName: 'istio',
      rules: [{ host: 'bookinfo.example.com' }, {}],
      tls: [{ hosts: ['bookinfo.example.com'] }],
    },
    status: { loadBalancer: { ingress: [{ ip: '35.1.2.3' }] } },
  };
  assert.deepEqual(builtinRow('networking.k8s.io', 'ingresses', ingress), [
    'gateway',
    'istio',
    'bookinfo.example.com',
    '35.1.2.3',
    '80, 443',
    '60s',
  ]);
  const slice: KubeObject = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'istio-pilot-abcde', creationTimestamp: ago(60) },
    addressType: 'IPv4',
    ports: [
      { name: 'grpc-xds', port: 15010 },
      { name: 'https-xds', port: 15011 },
    ],
    endpoints: [{ addresses: ['10.8.0.12'] }],
  };
  assert.deepEqual(builtinRow('discovery.k8s.io', 'endpointslices', slice), [
    'istio-pilot-abcde',
    'IPv4',
    '15010,15011',
    '10.8.0.12',
    '60s',
  ]);
  const lease: KubeObject = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'istio-leader', creationTimestamp: ago(60) },
    spec: { holderIdentity: 'istio-galley-585fc86678-hb8vn' },
  };
  assert.deepEqual(builtinRow('coordination.k8s.io', 'leases', lease), [
    'istio-leader',
    'istio-galley-585fc86678-hb8vn',
    '60s',
  ]);
  const storageClass: KubeObject = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: 'standard',
      creationTimestamp: ago(60),
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: 'kubernetes.io/gce-pd',
  };
  assert.deepEqual(builtinRow('storage.k8s.io', 'storageclasses', storageClass), [
    'standard (default)',
    'kubernetes.io/gce-pd',
    'Delete',
    'Immediate',
    false,
    '60s',
  ]);
});

test('volumes and claims print STATUS, CLAIM, the class columns and, wide, VOLUMEMODE', () => {
  const volume = apiObject(
    'v1',
    'PersistentVolume',
    { name: 'pv-1', creationTimestamp: ago(60) },
    {
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadOnlyMany', 'ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        claimRef: { namespace: 'lab', name: 'data' },
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    },
  );
  const volumes = builtinTable('', 'persistentvolumes', volume);
  assert.deepEqual(columnsWith(volumes, 'priority').slice(-4), [
    'VolumeAttributesClass: 0',
    'Reason: 0',
    'Age: 0',
    'VolumeMode: 1',
  ]);
  assert.equal(volumes.columnDefinitions?.[6].description, 'StorageClass of the pv');
  assert.deepEqual(volumes.rows[0].cells, [
    'pv-1',
    '10Gi',
    'RWO,ROX',
    'Retain',
    'Bound',
    'lab/data',
    'standard',
    '<unset>',
    '',
    '60s',
    'Filesystem',
  ]);
  volume.metadata.deletionTimestamp = ago(1);
  assert.equal(builtinRow('', 'persistentvolumes', volume)[4], 'Terminating');

  const claim = apiObject(
    'v1',
    'PersistentVolumeClaim',
    // The beta annotation wins over spec.storageClassName.
    { name: 'data', creationTimestamp: ago(60), annotations: { 'volume.beta.kubernetes.io/storage-class': 'fast' } },
    { spec: { storageClassName: 'standard', volumeAttributesClassName: 'gold' }, status: { phase: 'Pending' } },
  );
  const claims = builtinTable('', 'persistentvolumeclaims', claim);
  assert.equal(
    columnNames(claims).join(' | '),
    'NAME | STATUS | VOLUME | CAPACITY | ACCESS MODES | STORAGECLASS | VOLUMEATTRIBUTESCLASS | AGE | VOLUMEMODE',
  );
  assert.equal(claims.columnDefinitions?.[6].description, 'VolumeAttributesClass of the pvc');
  assert.deepEqual(claims.rows[0].cells, ['data', 'Pending', '', '', '', 'fast', 'gold', '60s', '<unset>']);
  // Capacity and access modes are the bound volume's, shown once bound.
  Object.assign(claim, {
    spec: { ...(claim.spec as Json), volumeName: 'pv-1', volumeMode: 'Block' },
    status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] },
  });
  assert.deepEqual(builtinRow('', 'persistentvolumeclaims', claim).slice(1, 5), ['Bound', 'pv-1', '10Gi', 'RWO']);
  assert.equal(builtinRow('', 'persistentvolumeclaims', claim)[8], 'Block');
});

// ── custom resources ───────────────────────────────────────────────────────────────────────

const crdFile = (file: string): KubeObject[] =>
  (
    yaml.loadAll(
      fs.readFileSync(path.join(FIXTURES, 'legacy', 'istio-1.2.2', 'crds', file), 'utf8'),
    ) as (KubeObject | null)[]
  ).filter((document): document is KubeObject => !!document);

test("virtual services print the v1beta1 CRD's printer columns, hosts and gateways as JSON", () => {
  const crd = crdFile('crd-10.yaml').find((object) => object.metadata.name === 'virtualservices.networking.istio.io')!;
  const type = resourceTypeFromCrd(crd)!;
  const virtualService: KubeObject = {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'VirtualService',
    metadata: { name: 'bookinfo', namespace: 'default', creationTimestamp: ago(60) },
    spec: { hosts: ['*'], gateways: ['bookinfo-gateway'], http: [] },
  };
  const table = tableFor(type, [virtualService], { resourceVersion: '77' }, crd, NOW);
  assert.deepEqual(columnNames(table), ['NAME', 'GATEWAYS', 'HOSTS', 'AGE']);
  assert.deepEqual(table.columnDefinitions?.[1], {
    name: 'Gateways',
    type: 'string',
    format: '',
    description: 'The names of gateways and sidecars that should apply these routes',
    priority: 0,
  });
  assert.deepEqual(table.rows[0].cells, ['bookinfo', '["bookinfo-gateway"]', '["*"]', '60s']);
  // A missing field is a null cell, which kubectl prints as <none>.
  delete (virtualService.spec as Json).gateways;
  assert.deepEqual(tableForObject(type, virtualService, crd, NOW).rows[0].cells, ['bookinfo', null, '["*"]', '60s']);
});

test('custom resources of a CRD without printer columns get NAME and AGE', () => {
  const crd = fromDemo('CustomResourceDefinition', 'rules.config.istio.io');
  const type = resourceTypeFromCrd(crd)!;
  const rule = fromDemo('rule', 'promhttp');
  rule.metadata.creationTimestamp = ago(95 * 60);
  const table = tableForObject(type, rule, crd, NOW);
  assert.deepEqual(columnsWith(table, 'type'), ['Name: string', 'Age: date']);
  assert.deepEqual(table.rows[0].cells, ['promhttp', '95m']);
});

test("a v1 CRD's columns are chosen per version and typed as the CRD declares", () => {
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'certificates.certmanager.k8s.io' },
    spec: {
      group: 'certmanager.k8s.io',
      scope: 'Namespaced',
      names: { kind: 'Certificate', plural: 'certificates', singular: 'certificate', listKind: 'CertificateList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
            { name: 'Renewals', type: 'integer', jsonPath: '.status.renewals' },
            { name: 'Ratio', type: 'number', jsonPath: '.status.ratio', priority: 1 },
            { name: 'Managed', type: 'boolean', jsonPath: '.metadata.labels.app\\.kubernetes\\.io/managed' },
            { name: 'Expires', type: 'date', jsonPath: '.status.notAfter' },
            { name: 'First', type: 'string', jsonPath: '.spec.dnsNames[0]' },
            { name: 'Note', type: 'string', jsonPath: '.spec.note' },
          ],
        },
        {
          name: 'v1alpha1',
          served: true,
          storage: false,
          additionalPrinterColumns: [{ name: 'Issuer', type: 'string', jsonPath: '.spec.issuerRef.name' }],
        },
      ],
    },
  };
  const certificate: KubeObject = {
    apiVersion: 'certmanager.k8s.io/v1',
    kind: 'Certificate',
    metadata: { name: 'ingress-cert', creationTimestamp: ago(60), labels: { 'app.kubernetes.io/managed': 'yes' } },
    spec: {
      secretName: 'ingress-cert',
      dnsNames: ['bookinfo.example.com', 'www.example.com'],
      issuerRef: { name: 'letsencrypt' },
      note: null,
    },
    status: {
      conditions: [
        { type: 'Issuing', status: 'False' },
        { type: 'Ready', status: 'True' },
      ],
      renewals: 3.7,
      ratio: 2,
      notAfter: 'not a time',
    },
  };
  const type = resourceTypeFromCrd(crd)!;
  const table = tableForObject(type, certificate, crd, NOW);
  assert.deepEqual(columnNames(table), [
    'NAME',
    'READY',
    'SECRET',
    'RENEWALS',
    'RATIO',
    'MANAGED',
    'EXPIRES',
    'FIRST',
    'NOTE',
  ]);
  assert.equal(table.columnDefinitions?.[4].priority, 1);
  assert.equal(
    table.columnDefinitions?.[2].description,
    'Custom resource definition column (in JSONPath format): .spec.secretName',
  );
  assert.deepEqual(table.rows[0].cells, [
    'ingress-cert',
    'True',
    'ingress-cert',
    3,
    2,
    null,
    '<invalid>',
    'bookinfo.example.com',
    '<no value>',
  ]);
  const alpha = tableForObject(type, { ...certificate, apiVersion: 'certmanager.k8s.io/v1alpha1' }, crd, NOW, {
    version: 'v1alpha1',
  });
  assert.deepEqual(alpha.rows[0].cells, ['ingress-cert', 'letsencrypt']);
});

test('CRDs themselves print NAME and CREATED AT, as the default table convertor does', () => {
  const crd = fromDemo('CustomResourceDefinition', 'destinationrules.networking.istio.io');
  crd.metadata.creationTimestamp = '2019-07-20T10:24:43Z';
  const table = builtinTable('apiextensions.k8s.io', 'customresourcedefinitions', crd);
  assert.deepEqual(columnNames(table), ['NAME', 'CREATED AT']);
  assert.deepEqual(table.rows[0].cells, ['destinationrules.networking.istio.io', '2019-07-20T10:24:43Z']);
});

// ── the Table envelope ─────────────────────────────────────────────────────────────────────

test("kubectl's Accept header asks for a meta.k8s.io/v1 Table; older clients may ask for v1beta1", () => {
  assert.equal(tableVersionFor(KUBECTL_ACCEPT), 'v1');
  assert.equal(tableVersionFor('application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json'), 'v1beta1');
  assert.equal(tableVersionFor('application/json'), undefined);
  assert.equal(tableVersionFor('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io'), undefined);
  assert.equal(wantsTable(KUBECTL_ACCEPT), true);
  assert.equal(wantsTable(undefined), false);
});

test('rows carry PartialObjectMetadata by default, the object with includeObject=Object, and null with None', () => {
  const pod = podFor('istio-pilot-68f587df5d-wzwxn', 95 * 60, 0);
  Object.assign(pod.metadata, {
    uid: '5f7c',
    resourceVersion: '1234',
    labels: { app: 'pilot' },
    annotations: {},
    generateName: 'istio-pilot-68f587df5d-',
  });
  const type = builtin('', 'pods');
  const partial = tableFor(type, [pod], { resourceVersion: '2000' }, undefined, NOW).rows[0].object;
  assert.deepEqual(partial, {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      name: 'istio-pilot-68f587df5d-wzwxn',
      generateName: 'istio-pilot-68f587df5d-',
      namespace: 'istio-system',
      uid: '5f7c',
      resourceVersion: '1234',
      creationTimestamp: pod.metadata.creationTimestamp,
      labels: { app: 'pilot' },
    },
  });
  assert.equal(tableFor(type, [pod], {}, undefined, NOW, { includeObject: 'Object' }).rows[0].object, pod);
  assert.equal(tableFor(type, [pod], {}, undefined, NOW, { includeObject: 'None' }).rows[0].object, null);
  assert.equal(
    (tableFor(type, [pod], {}, undefined, NOW, { tableVersion: 'v1beta1' }).rows[0].object as Json).apiVersion,
    'meta.k8s.io/v1beta1',
  );
});

test('includeObject comes from the query and anything but None, Metadata or Object is a 400', () => {
  assert.deepEqual(tableOptionsFromQuery(new URLSearchParams('includeObject=Object')), { includeObject: 'Object' });
  assert.deepEqual(tableOptionsFromQuery(new URLSearchParams('limit=500')), {});
  const refusal = statusOf(() => tableOptionsFromQuery(new URLSearchParams('includeObject=Everything')));
  assert.equal(refusal.code, 400);
  assert.equal(
    refusal.message,
    'Unable to convert to Table as requested: includeObject: Unsupported value: "Everything": supported values: "Metadata", "None", "Object"',
  );
});

test('a list Table carries the list metadata; a single object Table carries its resourceVersion', () => {
  const pods = [podFor('istio-pilot-68f587df5d-wzwxn', 60, 0), podFor('kiali-55fcfc86cc-cvw4k', 60, 0)];
  pods[0].metadata.resourceVersion = '17';
  const list = tableFor(
    builtin('', 'pods'),
    pods,
    { resourceVersion: '2000', continue: 'eyJydiI6MjB9', remainingItemCount: 13 },
    undefined,
    NOW,
  );
  assert.equal(list.kind, 'Table');
  assert.equal(list.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(list.metadata, { resourceVersion: '2000', continue: 'eyJydiI6MjB9', remainingItemCount: 13 });
  assert.deepEqual(builtinTable('', 'pods', pods[0]).metadata, { resourceVersion: '17' });
  const empty = tableFor(builtin('', 'pods'), [], { resourceVersion: '2000' }, undefined, NOW);
  assert.deepEqual(empty.rows, []);
  assert.equal(empty.columnDefinitions?.length, 9);
});

test('watch events after the first send columnDefinitions null, as the real server does', () => {
  const pod = podFor('istio-pilot-68f587df5d-wzwxn', 60, 0);
  const first = builtinTable('', 'pods', pod);
  const later = builtinTable('', 'pods', pod, { noHeaders: true });
  assert.equal(first.columnDefinitions?.length, 9);
  assert.equal(later.columnDefinitions, null);
  assert.match(JSON.stringify(later), /"columnDefinitions":null/);
  assert.deepEqual(later.rows, first.rows);
});

test('column definitions serialise with every field, as Go sends them', () => {
  const table = tableFor(builtin('', 'services'), [], {}, undefined, NOW);
  assert.deepEqual(Object.keys(table), ['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
  for (const column of table.columnDefinitions ?? [])
    assert.deepEqual(Object.keys(column), ['name', 'type', 'format', 'description', 'priority']);
  assert.deepEqual(columnsWith(table, 'priority'), [
    'Name: 0',
    'Type: 0',
    'Cluster-IP: 0',
    'External-IP: 0',
    'Port(s): 0',
    'Age: 0',
    'Selector: 1',
  ]);
});
