// Starts the sandbox cluster: an HTTPS Kubernetes API server on 127.0.0.1 with a generated CA,
// a bearer token, the namespaces every cluster has, and a kubeconfig that points at it.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { ApiServer } from '../server/api-server';
import { reconcileBootstrapPolicy } from '../server/bootstrap-reconcile';
import type { SandboxCertificates } from './certs';
import { createCertificates } from './certs';
import { componentStatuses as statuses } from './component-statuses';
import { apiServices } from './api-services';
import type { ControllerManager } from '../controllers/controller-manager';
import { startControllerManager } from '../controllers/controller-manager';
import { gkeSeedObjects } from '../controllers/gke-seed';
import type { FaultConfig } from '../faults/faults';
import { Faults } from '../faults/faults';
import { ObjectStore } from '../storage/object-store';
import { ResourceRegistry } from '../apimachinery/resource-registry';
import { resourceTypeFromCrd } from '../apimachinery/resource-registry';
import { BUILTIN_RESOURCE_TYPES, storageKey } from '../apimachinery/resource-types';
import { kubeMinor, servedApis } from '../apimachinery/served-apis';
import { writeFileAtomically } from '../storage/atomic-file';
import { droppedTailMessage, loadState, logFilePath, StateLog } from '../storage/state-file';
import type { Kubeconfig, WrittenKubeconfig } from './kubeconfig-file';
import { writeKubeconfigFile } from './kubeconfig-file';

const crdType = BUILTIN_RESOURCE_TYPES.find((type) => type.resource === 'customresourcedefinitions')!;

export const SANDBOX_CONTEXT = 'istio-lab-sandbox';
export const DEFAULT_KUBE_VERSION = 'v1.13.7-gke.8';

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** What /version reports, and which APIs are served (served-apis.ts); the book's lab ran on GKE v1.13.7-gke.8. */
  kubeVersion?: string;
  /** Keeps the CA, serving certificate, token and every object here, so kubeconfigs stay valid and
   *  the cluster keeps its contents across restarts. */
  stateDir?: string;
  /** Write the kubeconfig here as well: merged into a kubeconfig already there (see kubeconfig-file.ts). */
  kubeconfigPath?: string;
  /** Replace a file at kubeconfigPath that is not a kubeconfig, instead of refusing to start. */
  forceKubeconfig?: boolean;
  faults?: FaultConfig;
  /** How many changes watches can replay before a 410 Gone. */
  watchHistory?: number;
  bookmarkIntervalMs?: number;
  namespaceFinalizeDelayMs?: number;
  /** How long a deleted CRD keeps serving its custom resources before they are cleaned up. */
  crdCleanupDelayMs?: number;
  /** Simulated nodes; with any, controllers, scheduler and kubelets run workloads into pods.
   *  0 (default) keeps a bare API server where nothing acts on what is created. */
  nodes?: number;
  /** What the sandbox has to say that is no error: a torn log record dropped at start-up, a late
   *  snapshot. Default: standard error. */
  log?: (line: string) => void;
  /** Multiplies the simulated delays (image pulls, job runs); 0 starts pods at once. Default 1. */
  speed?: number;
  /** false: no cloud load balancer, so LoadBalancer Services keep EXTERNAL-IP `<pending>` (as minikube
   *  and kind) and nodes carry no cloud providerID. Default true: an address from 203.0.113.0/24 after
   *  about 60 s × speed, as on GKE. */
  loadBalancers?: boolean;
}

export interface Sandbox {
  readonly url: string;
  /** A complete kubeconfig (YAML) with context and cluster `istio-lab-sandbox`. */
  readonly kubeconfig: string;
  /** What writing kubeconfigPath did, when one was given. */
  readonly kubeconfigFile?: WrittenKubeconfig;
  readonly token: string;
  readonly caCert: string;
  readonly faults: Faults;
  readonly api: ApiServer;
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  close(): Promise<void>;
}

interface Credentials extends SandboxCertificates {
  token: string;
}

function loadOrCreateCredentials(stateDir: string | undefined): Credentials {
  const file = stateDir ? path.join(stateDir, 'credentials.json') : undefined;
  if (file && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials;
  const credentials = { ...createCertificates(), token: randomBytes(24).toString('base64url') };
  if (file) writeFileAtomically(file, JSON.stringify(credentials));
  return credentials;
}

export function kubeconfigYaml(url: string, caCert: string, token: string): string {
  return yaml.dump(kubeconfigFor(url, caCert, token));
}

function kubeconfigFor(url: string, caCert: string, token: string): Kubeconfig {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: SANDBOX_CONTEXT,
        cluster: { server: url, 'certificate-authority-data': Buffer.from(caCert).toString('base64') },
      },
    ],
    users: [{ name: SANDBOX_CONTEXT, user: { token } }],
    contexts: [{ name: SANDBOX_CONTEXT, context: { cluster: SANDBOX_CONTEXT, user: SANDBOX_CONTEXT } }],
    'current-context': SANDBOX_CONTEXT,
    preferences: {},
  };
}

/** What every cluster has; a cluster with nodes also gets GKE 1.13's kube-system, as in the book. */
function seed(api: ApiServer, registry: ResourceRegistry, kubeVersion: string, withWorkloads: boolean): void {
  const namespaces = BUILTIN_RESOURCE_TYPES.find((type) => type.resource === 'namespaces')!;
  // kube-node-lease came with node leases in 1.14 (pkg/master/controller.go, SystemNamespaces).
  const nodeLease = (kubeMinor(kubeVersion) ?? Infinity) >= 14 ? ['kube-node-lease'] : [];
  for (const name of ['default', 'kube-system', 'kube-public', ...nodeLease]) {
    api.create(
      { group: '', version: 'v1', type: namespaces, rest: [], verb: 'create' },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    );
  }
  const apiServiceType = registry.find('apiregistration.k8s.io', 'v1', 'apiservices')!;
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (const service of apiServices(registry, time))
    api.create(
      { group: 'apiregistration.k8s.io', version: 'v1', type: apiServiceType, rest: [], verb: 'create' },
      service,
    );
  const componentStatuses = registry.find('', 'v1', 'componentstatuses')!;
  for (const status of statuses())
    api.create({ group: '', version: 'v1', type: componentStatuses, rest: [], verb: 'create' }, status);
  const services = registry.find('', 'v1', 'services')!;
  api.create(
    { group: '', version: 'v1', type: services, namespace: 'default', rest: [], verb: 'create' },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        clusterIP: '10.3.240.1',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }],
        type: 'ClusterIP',
      },
    },
  );
  if (!withWorkloads) return;
  // The API server keeps the endpoints of `kubernetes` itself (no selector): on GKE, the master's address.
  const endpoints = registry.find('', 'v1', 'endpoints')!;
  api.create(
    { group: '', version: 'v1', type: endpoints, namespace: 'default', rest: [], verb: 'create' },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '35.202.10.1' }], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }],
    },
  );
  for (const object of gkeSeedObjects()) {
    const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
    const type = registry.findKind(group, version, object.kind);
    if (!type)
      throw new Error(`the GKE seed names ${object.apiVersion} ${object.kind}, which the sandbox does not serve`);
    api.create({ group, version, type, namespace: object.metadata.namespace, rest: [], verb: 'create' }, object);
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const credentials = loadOrCreateCredentials(options.stateDir);
  const warn = options.log ?? ((line: string) => process.stderr.write(`sandbox: ${line}\n`));
  const store = new ObjectStore(options.watchHistory);
  const kubeVersion = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
  const withWorkloads = (options.nodes ?? 0) > 0;
  // The GKE seed runs metrics-server, which serves metrics.k8s.io.
  const registry = new ResourceRegistry(servedApis(kubeVersion, { metrics: withWorkloads }), kubeMinor(kubeVersion));
  const faults = new Faults();
  if (options.faults) faults.set(options.faults);
  let url = '';
  const api = new ApiServer({
    kubeVersion,
    token: credentials.token,
    store,
    registry,
    faults,
    serverAddress: () => new URL(url).host,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
    namespaceFinalizeDelayMs: options.namespaceFinalizeDelayMs,
    crdCleanupDelayMs: options.crdCleanupDelayMs,
  });
  const loaded = options.stateDir ? loadState(options.stateDir, store) : { restored: false };
  if (loaded.dropped) warn(droppedTailMessage(logFilePath(options.stateDir!), loaded.dropped));
  // Every write is logged before the store applies it, so before it is answered or watched.
  const stateLog = options.stateDir ? new StateLog(options.stateDir, store, { warn }) : undefined;
  const restored = loaded.restored;
  // Every start, as the apiserver's RBAC post-start hook: a fresh cluster gets the default roles, a restored one gets back what it lacks.
  reconcileBootstrapPolicy(api, store);
  if (restored) {
    for (const crd of store.list(storageKey(crdType))) registry.setCustom(crd.metadata.name!, resourceTypeFromCrd(crd));
    api.resumeDeletions();
  } else {
    seed(api, registry, kubeVersion, withWorkloads);
    // The first snapshot marks a finished start: a crash mid-seed leaves none, and the next start seeds afresh.
    stateLog?.compact();
  }
  const controllers: ControllerManager | undefined = options.nodes
    ? startControllerManager({
        api,
        store,
        registry,
        kubeVersion,
        caCert: credentials.caCert,
        nodes: options.nodes,
        speed: options.speed ?? 1,
        faults,
        loadBalancers: options.loadBalancers,
      })
    : undefined;

  const sockets = new Set<Socket>();
  const server = https.createServer(
    { cert: credentials.serverCert, key: credentials.serverKey },
    (request, response) => {
      void api.handle(request, response);
    },
  );
  server.on('upgrade', api.handleUpgrade);
  server.on('connection', (socket: Socket) => {
    if (faults.isRefusingConnections()) {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = kubeconfigYaml(url, credentials.caCert, credentials.token);
  const close = async (): Promise<void> => {
    controllers?.close();
    api.close();
    stateLog?.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  let kubeconfigFile: WrittenKubeconfig | undefined;
  if (options.kubeconfigPath) {
    try {
      kubeconfigFile = writeKubeconfigFile(
        options.kubeconfigPath,
        kubeconfigFor(url, credentials.caCert, credentials.token),
        { force: options.forceKubeconfig },
      );
    } catch (error) {
      await close();
      throw error;
    }
  }
  return {
    url,
    kubeconfig,
    ...(kubeconfigFile ? { kubeconfigFile } : {}),
    token: credentials.token,
    caCert: credentials.caCert,
    faults,
    api,
    store,
    registry,
    close,
  };
}
