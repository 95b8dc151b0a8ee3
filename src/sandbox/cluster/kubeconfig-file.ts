// Writes the sandbox's cluster, user and context into a kubeconfig file the way `kubectl config
// set-cluster/set-credentials/set-context` would: an existing kubeconfig keeps every other entry
// (pointing --kubeconfig at ~/.kube/config must not wipe the user's clusters), the sandbox's own
// entries are replaced by name, and the file is replaced atomically (temporary file, rename) with
// mode 0600, since it now holds a bearer token. A file that is not a kubeconfig is refused unless
// forced. The current context becomes the sandbox's only when the file had none, or had the
// sandbox's already: starting the sandbox never silently redirects kubectl away from a real cluster.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { writeFileAtomically } from '../storage/atomic-file';

export interface Kubeconfig {
  apiVersion?: string;
  kind?: string;
  clusters?: { name: string; [key: string]: unknown }[];
  users?: { name: string; [key: string]: unknown }[];
  contexts?: { name: string; [key: string]: unknown }[];
  'current-context'?: string;
  [key: string]: unknown;
}

export class KubeconfigFileError extends Error {}

export interface WrittenKubeconfig {
  /** Whether the file held a kubeconfig whose other entries were kept. */
  readonly merged: boolean;
  /** The file's current context after the write. */
  readonly currentContext: string;
}

const NAMED_LISTS = ['clusters', 'users', 'contexts'] as const;

/** The existing kubeconfig at `file`, undefined when there is no file (or it is empty); throws when it is something else. */
function readExisting(file: string): Kubeconfig | undefined {
  if (!fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, 'utf8');
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch (error) {
    throw new KubeconfigFileError(
      `it is not YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
      { cause: error },
    );
  }
  if (parsed === null || parsed === undefined) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new KubeconfigFileError('it is not a kubeconfig (not a YAML mapping)');
  const config = parsed as Kubeconfig;
  if (config.kind !== undefined && config.kind !== 'Config')
    throw new KubeconfigFileError(`it is not a kubeconfig (kind: ${String(config.kind)})`);
  if (config.kind === undefined && !['apiVersion', ...NAMED_LISTS, 'current-context'].some((key) => key in config)) {
    throw new KubeconfigFileError('it is not a kubeconfig (no kind, clusters, users or contexts)');
  }
  for (const list of NAMED_LISTS) {
    const entries = config[list] as unknown;
    if (entries === undefined || entries === null) continue;
    if (
      !Array.isArray(entries) ||
      entries.some(
        (entry) =>
          typeof entry !== 'object' || entry === null || typeof (entry as { name?: unknown }).name !== 'string',
      )
    ) {
      throw new KubeconfigFileError(`it is not a kubeconfig (${list} is not a list of named entries)`);
    }
  }
  return config;
}

/** `existing` with `ours`' clusters, users and contexts put in by name; other entries and fields stay as they were. */
export function mergeKubeconfig(existing: Kubeconfig, ours: Kubeconfig): Kubeconfig {
  const merged: Kubeconfig = { ...existing, apiVersion: existing.apiVersion ?? 'v1', kind: 'Config' };
  for (const list of NAMED_LISTS) {
    const entries = [...(existing[list] ?? [])];
    for (const entry of ours[list] ?? []) {
      const at = entries.findIndex((candidate) => candidate.name === entry.name);
      if (at === -1) entries.push(entry);
      else entries[at] = entry;
    }
    merged[list] = entries;
  }
  const current = existing['current-context'];
  merged['current-context'] = current && current !== '' ? current : ours['current-context'];
  return merged;
}

/**
 * Writes `ours` (a complete kubeconfig for the sandbox) to `file`, merged into a kubeconfig already
 * there. With `force`, a file that is not a kubeconfig is replaced instead of refused.
 */
export function writeKubeconfigFile(
  file: string,
  ours: Kubeconfig,
  options: { force?: boolean } = {},
): WrittenKubeconfig {
  // Through a symbolic link to where the file really is, as kubectl writes: the link stays a link.
  const target = fs.existsSync(file) ? fs.realpathSync(file) : path.resolve(file);
  let existing: Kubeconfig | undefined;
  try {
    existing = readExisting(target);
  } catch (error) {
    if (!(error instanceof KubeconfigFileError) || !options.force) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new KubeconfigFileError(
        `will not write the sandbox's kubeconfig to ${file}: ${reason}. Choose another --kubeconfig, or pass --force to replace the file.`,
        {
          cause: error,
        },
      );
    }
  }
  const config = existing ? mergeKubeconfig(existing, ours) : ours;
  // 0600 from the first byte: the token is never readable by others, not even for a moment.
  writeFileAtomically(target, yaml.dump(config));
  return { merged: existing !== undefined, currentContext: String(config['current-context'] ?? '') };
}
