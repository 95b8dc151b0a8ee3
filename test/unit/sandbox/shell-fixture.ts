// A small cluster for the simulated shell's unit tests: a client pod, a pod with an Istio 1.2.2
// sidecar behind the `details` Service, and an istiod 1.26 sidecar pod, in a real ClusterNetwork.
import { Faults } from '../../../src/sandbox/faults/faults';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { ObjectStore } from '../../../src/sandbox/storage/object-store';
import { ResourceRegistry } from '../../../src/sandbox/apimachinery/resource-registry';
import { ClusterNetwork } from '../../../src/sandbox/streams/cluster-network';
import type { ShellContext, ShellResult } from '../../../src/sandbox/streams/simulated-shell';
import { PodFiles, runCommand } from '../../../src/sandbox/streams/simulated-shell';

const pod = (
  namespace: string,
  name: string,
  ip: string,
  containers: { name: string; image: string }[],
  labels: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, uid: `uid-${name}`, labels },
  spec: { serviceAccountName: 'bookinfo-details', containers },
  status: { phase: 'Running', podIP: ip, startTime: '2019-07-23T09:00:00Z' },
});

/** A Bookinfo pod in `default`: the app's v1 image (`app:tag`, also its `app` label) and an istio-proxy of `proxyTag`. */
function bookinfoPod(
  name: string,
  ip: string,
  appTag: string,
  proxyTag: string,
  labels: Record<string, string> = {},
): KubeObject {
  const [app, tag] = appTag.split(':');
  const containers = [
    { name: app, image: `docker.io/istio/examples-bookinfo-${app}-v1:${tag}` },
    { name: 'istio-proxy', image: `docker.io/istio/proxyv2:${proxyTag}` },
  ];
  return pod('default', name, ip, containers, { app, ...labels });
}

export interface ShellCluster {
  network: ClusterNetwork;
  files: PodFiles;
  client: KubeObject;
  details: KubeObject;
  modern: KubeObject;
  /** Runs argv in a pod's container, with stdin. */
  run(target: KubeObject, argv: string[], stdin?: string | Buffer, container?: string): ShellResult;
}

export function shellCluster(): ShellCluster {
  const store = new ObjectStore();
  const client = pod('default', 'sleep', '10.0.1.7', [{ name: 'sleep', image: 'tutum/curl:alpine' }]);
  const details = bookinfoPod('details-v1-5b4f8b7d9-abcde', '10.0.1.9', 'details:1.12.0', '1.2.2', { version: 'v1' });
  const modern = bookinfoPod('ratings-v1-1', '10.0.1.11', 'ratings:1.20.2', '1.26.1');
  for (const p of [client, details, modern]) store.put('/pods', p);
  store.put('/services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'details', namespace: 'default' },
    spec: { clusterIP: '10.3.0.40', ports: [{ name: 'http', port: 9080 }] },
  });
  store.put('/endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'details', namespace: 'default' },
    subsets: [
      {
        addresses: [{ ip: '10.0.1.9', targetRef: { kind: 'Pod', name: details.metadata.name, namespace: 'default' } }],
        ports: [{ name: 'http', port: 9080 }],
      },
    ],
  });
  const network = new ClusterNetwork(store, new ResourceRegistry(), new Faults());
  const files = new PodFiles();
  const now = new Date('2019-07-23T10:00:00Z');
  const run = (target: KubeObject, argv: string[], stdin: string | Buffer = '', container?: string): ShellResult => {
    const containerName = container ?? (target.spec as { containers: { name: string }[] }).containers[0].name;
    const context: ShellContext = { network, pod: target, containerName, now, files };
    return runCommand(argv, context, Buffer.from(stdin));
  };
  return { network, files, client, details, modern, run };
}

export const stdout = (result: ShellResult): string =>
  result.output
    .filter((chunk) => chunk.stream === 'stdout')
    .map((chunk) => chunk.text)
    .join('');
export const stderr = (result: ShellResult): string =>
  result.output
    .filter((chunk) => chunk.stream === 'stderr')
    .map((chunk) => chunk.text)
    .join('');
export const sh = (script: string): string[] => ['sh', '-c', script];
