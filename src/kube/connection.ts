// Cluster access as kubectl does it: the kubeconfig from a setting, `KUBECONFIG` (a list, merged)
// or `~/.kube/config`, else in-cluster; one context of it. The Kubernetes client is heavy, so it
// is imported here on first use and never at activation.
//
// Where client-node 1.4 differs from kubectl, kubectl wins: files of a list that do not exist or
// are empty are skipped, the first file to define a cluster/user/context name wins (client-node
// throws "Duplicate …"), current-context comes from the first file that sets one, no kubeconfig
// at all is an error (client-node falls back to http://localhost:8080), and exec plugins run
// through ExecCredentials (see exec-credentials.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as k8sClient from '@kubernetes/client-node';
import type { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import type { ExecConfig } from './exec-credentials';
import { ExecCredentials, resolveExecCommand } from './exec-credentials';
import { KubeError } from './kube-errors';

/** client-node's kubeconfig, named through src/kube so other layers need not import client-node. */
export type { KubeConfig };

export interface ConnectionSettings {
  /** A kubeconfig file (or a `path.delimiter`-separated list); empty = KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  /** A context of it; empty = its current-context. */
  readonly context?: string;
}

export interface ClusterConnection {
  readonly kubeConfig: KubeConfig;
  readonly contextName: string;
  readonly clusterName: string;
  readonly server: string;
  /** The context's namespace, when it sets one. */
  readonly namespace?: string;
  /** The kubeconfig files the connection was read from (empty in-cluster). */
  readonly files?: readonly string[];
  /** True for the built-in sandbox cluster (context `istio-lab-sandbox`). */
  readonly isSandbox?: boolean;
  /** Drops cached exec-plugin credentials so the next request fetches fresh ones (after a 401). */
  invalidateCredentials?(): void;
}

/** One context of the kubeconfig, as the context picker shows it. */
export interface ContextEntry {
  readonly name: string;
  readonly cluster: string;
  readonly server?: string;
  readonly namespace?: string;
  readonly user?: string;
  readonly isCurrent: boolean;
}

export type KubernetesClient = typeof k8sClient;

/** The context name the sandbox writes into its kubeconfig (src/sandbox/cluster/sandbox.ts SANDBOX_CONTEXT). */
export const SANDBOX_CONTEXT_NAME = 'istio-lab-sandbox';

/** Where `npm start` keeps the sandbox's kubeconfig (scripts/start.mjs: `<cacheDir()>/start/sandbox/`):
 *  `$XDG_CACHE_HOME/istio-lab/start/sandbox/kubeconfig`, else `~/.cache/istio-lab/start/sandbox/kubeconfig`. */
export const SANDBOX_KUBECONFIG_PATH = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
  'istio-lab',
  'start',
  'sandbox',
  'kubeconfig',
);

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

let client: Promise<KubernetesClient> | undefined;

/** The Kubernetes client module, loaded once on first use. */
export function kubernetesClient(): Promise<KubernetesClient> {
  client ??= import('@kubernetes/client-node');
  return client;
}

const expandHome = (file: string): string =>
  file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;

/** The kubeconfig files kubectl would read, in order: the setting, else KUBECONFIG, else ~/.kube/config. */
export function kubeconfigFiles(settings: ConnectionSettings = {}, env: NodeJS.ProcessEnv = process.env): string[] {
  const list = settings.kubeconfig || env.KUBECONFIG;
  if (list) return list.split(path.delimiter).filter(Boolean).map(expandHome);
  return [path.join(os.homedir(), '.kube', 'config')];
}

interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  readonly files: readonly string[];
  readonly execCredentials?: ExecCredentials;
}

/** Loads and merges the kubeconfig as kubectl does (see the header), or the in-cluster config. */
export async function loadKubeConfig(settings: ConnectionSettings = {}): Promise<LoadedKubeConfig> {
  const k8s = await kubernetesClient();
  const candidates = kubeconfigFiles(settings);
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  const execConfigs = new Map<string, ExecConfig>();
  let currentContext = '';
  const files: string[] = [];
  for (const file of candidates) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new KubeError('invalid-kubeconfig', {
        details: { kubeconfigFiles: [file], cause: (error as Error).message },
        cause: error,
      });
    }
    if (!text.trim()) continue;
    const one = new k8s.KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (error) {
      throw new KubeError('invalid-kubeconfig', {
        details: { kubeconfigFiles: [file], cause: `${file}: ${(error as Error).message}` },
        cause: error,
      });
    }
    files.push(file);
    currentContext ||= one.getCurrentContext() ?? '';
    for (const cluster of one.getClusters()) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const context of one.getContexts()) if (!contexts.has(context.name)) contexts.set(context.name, context);
    for (const user of one.getUsers()) {
      if (users.has(user.name)) continue;
      const exec = (user.exec ?? (user.authProvider?.name === 'exec' ? user.authProvider.config?.exec : undefined)) as
        ExecConfig | undefined;
      if (exec?.command) {
        execConfigs.set(user.name, { ...exec, command: resolveExecCommand(exec.command, path.dirname(file)) });
        users.set(user.name, { ...user, exec: undefined, authProvider: undefined });
      } else {
        users.set(user.name, user);
      }
    }
  }
  const kubeConfig = new k8s.KubeConfig();
  if (files.length === 0) {
    // kubectl's last resort: the pod's service account, when running inside a cluster.
    if (!settings.kubeconfig && process.env.KUBERNETES_SERVICE_HOST && fs.existsSync(IN_CLUSTER_TOKEN)) {
      kubeConfig.loadFromCluster();
      return { kubeConfig, files };
    }
    throw new KubeError('no-kubeconfig', { details: { kubeconfigFiles: candidates } });
  }
  kubeConfig.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  let execCredentials: ExecCredentials | undefined;
  if (execConfigs.size) {
    execCredentials = new ExecCredentials(execConfigs);
    kubeConfig.addAuthenticator(execCredentials);
  }
  return { kubeConfig, files, execCredentials };
}

export async function openConnection(settings: ConnectionSettings = {}): Promise<ClusterConnection> {
  const { kubeConfig, files, execCredentials } = await loadKubeConfig(settings);
  if (settings.context) kubeConfig.setCurrentContext(settings.context);
  const contextName = kubeConfig.getCurrentContext();
  const context = contextName ? kubeConfig.getContextObject(contextName) : null;
  if (!context) {
    throw new KubeError('unknown-context', {
      details: {
        context: contextName ?? '',
        kubeconfigFiles: files,
        availableContexts: kubeConfig.getContexts().map((entry) => entry.name),
      },
    });
  }
  const cluster = kubeConfig.getCluster(context.cluster);
  if (!cluster) {
    throw new KubeError('invalid-kubeconfig', {
      details: {
        context: context.name,
        kubeconfigFiles: files,
        cause: `the context "${context.name}" names a cluster "${context.cluster}" the kubeconfig does not define`,
      },
    });
  }
  return {
    kubeConfig,
    contextName: context.name,
    clusterName: cluster.name,
    server: cluster.server,
    namespace: context.namespace,
    files,
    isSandbox: context.name === SANDBOX_CONTEXT_NAME,
    invalidateCredentials: () => execCredentials?.invalidate(),
  };
}

/** The contexts of the kubeconfig the settings name, with their cluster's server. */
export async function listContexts(settings: ConnectionSettings = {}): Promise<ContextEntry[]> {
  const { kubeConfig } = await loadKubeConfig(settings);
  const current = settings.context || kubeConfig.getCurrentContext();
  return kubeConfig.getContexts().map((context) => ({
    name: context.name,
    cluster: context.cluster,
    server: kubeConfig.getCluster(context.cluster)?.server,
    namespace: context.namespace,
    user: context.user,
    isCurrent: context.name === current,
  }));
}
