// A kubeconfig holding one context of the user's kubeconfig, its cluster and its user, exactly as
// the user's files have them (`exec`, `auth-provider`, client certificates, `token`, `tokenFile`),
// for a child process such as istioctl. Nothing of the other clusters or users is carried over.
//
// Why not pass the user's own files with `--kubeconfig`/`--context`: the lab's context may come
// from a setting (istioLab.kubeconfig is a list, merged as kubectl merges KUBECONFIG, and
// istioLab.context overrides current-context), while istioctl's `--kubeconfig` takes one file.
// One file written from the merged view is what kubectl itself would see.
//
// The entries are read from the YAML, not from client-node's KubeConfig: connection.ts hands a
// user's `exec` stanza to its own authenticator and leaves the user empty, and client-node drops
// fields it does not model. The merge is client-go's: the first file defining a name wins
// (k8s.io/client-go/tools/clientcmd/loader.go, ClientConfigLoadingRules.Load); relative file
// references are resolved against the folder of the file that holds the entry (ResolveLocalPaths,
// GetClusterFileReferences, GetAuthInfoFileReferences), since the exported file lives elsewhere.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeError } from './kube-errors';

type Fields = Record<string, unknown>;

interface NamedEntry {
  readonly name: string;
  readonly [key: string]: unknown;
}

interface Found {
  readonly entry: NamedEntry;
  readonly file: string;
}

/** The kubeconfig (YAML) with only `contextName`, its cluster and its user, read from `files` in kubectl's order. */
export function exportContextKubeconfig(files: readonly string[], contextName: string): string {
  const contexts = new Map<string, Found>();
  const clusters = new Map<string, Found>();
  const users = new Map<string, Found>();
  for (const file of files) {
    const config = readConfig(file);
    if (!config) continue;
    collect(config.contexts, file, contexts);
    collect(config.clusters, file, clusters);
    collect(config.users, file, users);
  }
  const context = contexts.get(contextName);
  if (!context)
    throw new KubeError('unknown-context', {
      details: { context: contextName, kubeconfigFiles: [...files], availableContexts: [...contexts.keys()] },
    });
  const fields = (context.entry.context ?? {}) as Fields;
  const cluster = typeof fields.cluster === 'string' ? clusters.get(fields.cluster) : undefined;
  const user = typeof fields.user === 'string' ? users.get(fields.user) : undefined;
  return dump({
    contexts: [context.entry],
    // A context naming a user no file defines is anonymous to kubectl; leaving it out keeps that.
    clusters: cluster ? [withResolvedPaths(cluster, 'cluster', ['certificate-authority'])] : [],
    users: user ? [withResolvedPaths(user, 'user', ['client-certificate', 'client-key', 'tokenFile'])] : [],
    currentContext: contextName,
  });
}

/**
 * The same for a connection that did not come from files (in-cluster): client-node's view of the
 * context, which for in-cluster config is a token file and a CA file, both absolute.
 */
export function exportKubeConfigContext(kubeConfig: KubeConfig, contextName: string): string {
  const context = kubeConfig.getContextObject(contextName);
  if (!context)
    throw new KubeError('unknown-context', {
      details: {
        context: contextName,
        kubeconfigFiles: [],
        availableContexts: kubeConfig.getContexts().map((c) => c.name),
      },
    });
  const only = JSON.parse(kubeConfig.exportConfig()) as {
    clusters?: NamedEntry[];
    users?: NamedEntry[];
    contexts?: NamedEntry[];
  };
  return dump({
    contexts: (only.contexts ?? []).filter((entry) => entry.name === contextName),
    clusters: (only.clusters ?? []).filter((entry) => entry.name === context.cluster),
    users: (only.users ?? []).filter((entry) => entry.name === context.user).map(withTokenFile),
    currentContext: contextName,
  });
}

/** client-node models the service account token as an auth provider named `tokenFile`; kubeconfig spells it `tokenFile`. */
function withTokenFile(entry: NamedEntry): NamedEntry {
  const { 'auth-provider': provider, ...user } = (entry.user ?? {}) as Fields & {
    'auth-provider'?: { name?: string; config?: { tokenFile?: string } };
  };
  if (provider?.name !== 'tokenFile') return entry;
  return { ...entry, user: { ...user, tokenFile: provider.config?.tokenFile } };
}

function readConfig(file: string): Fields | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KubeError('invalid-kubeconfig', {
      details: { kubeconfigFiles: [file], cause: (error as Error).message },
      cause: error,
    });
  }
  let config: unknown;
  try {
    // CORE_SCHEMA: no timestamps or binary, so values come back as the strings the file wrote.
    config = yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: file });
  } catch (error) {
    throw new KubeError('invalid-kubeconfig', {
      details: { kubeconfigFiles: [file], cause: `${file}: ${(error as Error).message}` },
      cause: error,
    });
  }
  return config && typeof config === 'object' ? (config as Fields) : undefined;
}

function collect(list: unknown, file: string, into: Map<string, Found>): void {
  if (!Array.isArray(list)) return;
  for (const entry of list as unknown[]) {
    if (!entry || typeof entry !== 'object') continue;
    const name = (entry as Fields).name;
    if (typeof name === 'string' && !into.has(name)) into.set(name, { entry: entry as NamedEntry, file });
  }
}

function withResolvedPaths(found: Found, key: 'cluster' | 'user', references: readonly string[]): NamedEntry {
  const base = path.dirname(path.resolve(found.file));
  const fields: Fields = { ...((found.entry[key] ?? {}) as Fields) };
  const resolve = (value: unknown): unknown =>
    typeof value === 'string' && value !== '' && !path.isAbsolute(value) ? path.join(base, value) : value;
  for (const reference of references) if (reference in fields) fields[reference] = resolve(fields[reference]);
  // client-go resolves an exec command only when it holds a path separator; a bare name is looked up on PATH.
  const exec = fields.exec as Fields | undefined;
  if (exec && typeof exec.command === 'string' && exec.command.includes(path.sep))
    fields.exec = { ...exec, command: resolve(exec.command) };
  return { ...found.entry, [key]: fields };
}

function dump(config: {
  contexts: NamedEntry[];
  clusters: NamedEntry[];
  users: NamedEntry[];
  currentContext: string;
}): string {
  return yaml.dump(
    {
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      clusters: config.clusters,
      users: config.users,
      contexts: config.contexts,
      'current-context': config.currentContext,
    },
    { schema: yaml.CORE_SCHEMA, noRefs: true, lineWidth: -1 },
  );
}
