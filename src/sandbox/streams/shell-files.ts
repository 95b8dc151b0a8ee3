// The file system a simulated container shows its shell: the files the kubelet writes (/etc/hosts,
// /etc/hostname, /etc/resolv.conf), the service account token volume (with the kubelet's `..data`
// symlinks, kubernetes/kubernetes pkg/volume/util/atomic_writer.go), the certificates and bootstrap
// of an `istio-proxy` container, its volume mounts as directories, and a writable layer kept in
// memory for the pod's life (PodFiles): what `kubectl cp` or `>file` writes there.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ClusterNetwork } from './cluster-network';
import { CLUSTER_DOMAIN } from './cluster-network';

/** What the file system needs of the shell's context (shell-io's ShellContext). */
interface FsContext {
  readonly network: Pick<ClusterNetwork, 'objects'>;
  readonly pod: KubeObject;
  readonly containerName: string;
  readonly now: Date;
  readonly files?: PodFiles;
}

export interface FileNode {
  readonly kind: 'file' | 'dir' | 'link';
  /** A file's bytes. */
  readonly data?: Buffer;
  /** A link's target, as `ls -l` prints it. */
  readonly target?: string;
  readonly mode: number;
  readonly mtime: Date;
}

/** What containers wrote, per container of each pod, until the pod is deleted. */
export class PodFiles {
  private readonly layers = new Map<string, Map<string, FileNode>>();

  layer(pod: KubeObject, container: string): Map<string, FileNode> {
    const key = `${pod.metadata.uid}/${container}`;
    let layer = this.layers.get(key);
    if (!layer) this.layers.set(key, (layer = new Map()));
    return layer;
  }

  forget(uid: string): void {
    for (const key of this.layers.keys()) if (key.startsWith(`${uid}/`)) this.layers.delete(key);
  }
}

const BASE_DIRECTORIES = [
  '/',
  '/bin',
  '/dev',
  '/etc',
  '/home',
  '/proc',
  '/root',
  '/sbin',
  '/sys',
  '/tmp',
  '/usr',
  '/usr/bin',
  '/usr/local',
  '/usr/local/bin',
  '/var',
  '/var/run',
  '/var/log',
];
const SIMULATED_NOTE = "Simulated by Istio Lab's sandbox: not a real";

/** A PEM file a learner can read as simulated: PEM allows explanatory text outside its blocks (RFC 7468 §5.2). */
function simulatedPem(label: string, what: string): string {
  const note = Buffer.from(`${SIMULATED_NOTE} ${what}.`).toString('base64');
  const lines = note.match(/.{1,64}/g) ?? [];
  return `# ${SIMULATED_NOTE} ${what}.\n-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A JWT-shaped service account token whose claims say it is simulated (its signature is no signature). */
function simulatedToken(namespace: string, account: string, audience: string): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = { alg: 'RS256', kid: 'istio-lab-sandbox' };
  const claims = {
    iss: 'kubernetes/serviceaccount',
    aud: audience,
    sub: `system:serviceaccount:${namespace}:${account}`,
    'istio-lab/simulated': true,
  };
  return `${part(header)}.${part(claims)}.${part('simulated, unsigned')}`;
}

interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  containers?: { name: string; image?: string; volumeMounts?: { mountPath: string }[] }[];
}

/** Normalises `path` against `/` (the shell's working directory), resolving `.` and `..`. */
export function absolute(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export const parentOf = (path: string): string => absolute(`${path}/..`);

/** The read-only files of the container's image and the kubelet's mounts. */
function baseFiles(context: FsContext): Map<string, FileNode> {
  const pod = context.pod;
  const spec = (pod.spec ?? {}) as PodSpec;
  const status = (pod.status ?? {}) as { podIP?: string; startTime?: string };
  const mtime = status.startTime ? new Date(status.startTime) : context.now;
  const files = new Map<string, FileNode>();
  const file = (path: string, text: string, mode = 0o644): void =>
    void files.set(path, { kind: 'file', data: Buffer.from(text), mode, mtime });
  const link = (path: string, target: string): void =>
    void files.set(path, { kind: 'link', target, mode: 0o777, mtime });
  const dir = (path: string): void => void files.set(path, { kind: 'dir', mode: 0o755, mtime });
  const namespace = pod.metadata.namespace ?? 'default';
  file('/etc/hostname', `${pod.metadata.name}\n`);
  file(
    '/etc/hosts',
    [
      '# Kubernetes-managed hosts file.',
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      'fe00::0\tip6-localnet',
      'fe00::0\tip6-mcastprefix',
      'fe00::1\tip6-allnodes',
      'fe00::2\tip6-allrouters',
      `${status.podIP ?? ''}\t${pod.metadata.name}`,
      '',
    ].join('\n'),
  );
  const dns = context.network.objects.get('services', 'kube-system', 'kube-dns');
  const nameserver = (dns?.spec as { clusterIP?: string } | undefined)?.clusterIP ?? '10.3.240.10';
  file(
    '/etc/resolv.conf',
    `nameserver ${nameserver}\nsearch ${namespace}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN}\noptions ndots:5\n`,
  );
  file('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
  file('/dev/null', '', 0o666);
  const account = spec.serviceAccountName ?? 'default';
  if (spec.automountServiceAccountToken !== false) {
    // The kubelet's atomic writer: the files live in a timestamped directory, `..data` points at it.
    const root = '/var/run/secrets/kubernetes.io/serviceaccount';
    const stamp = `..${mtime.toISOString().replace(/[-:T]/g, '_').replace(/\..*$/, '')}.000000001`;
    dir(`${root}/${stamp}`);
    link(`${root}/..data`, stamp);
    const contents: Record<string, string> = {
      'ca.crt': simulatedPem('CERTIFICATE', 'cluster CA certificate'),
      namespace,
      token: simulatedToken(namespace, account, 'kubernetes'),
    };
    for (const [name, text] of Object.entries(contents)) {
      file(`${root}/${stamp}/${name}`, text);
      link(`${root}/${name}`, `..data/${name}`);
    }
  }
  const container = (spec.containers ?? []).find((c) => c.name === context.containerName);
  for (const mount of container?.volumeMounts ?? []) dir(absolute(mount.mountPath));
  if (context.containerName === 'istio-proxy') {
    const legacy = /:1\.[0-4]\./.test(container?.image ?? '');
    if (legacy) {
      // Citadel's `istio.<account>` secret, mounted at /etc/certs by Istio 1.0–1.4's injector.
      file(
        '/etc/certs/cert-chain.pem',
        simulatedPem(
          'CERTIFICATE',
          `workload certificate for spiffe://${CLUSTER_DOMAIN}/ns/${namespace}/sa/${account}`,
        ),
      );
      file('/etc/certs/key.pem', simulatedPem('RSA PRIVATE KEY', 'private key'), 0o600);
      file('/etc/certs/root-cert.pem', simulatedPem('CERTIFICATE', 'Citadel root certificate'));
    } else {
      file('/var/run/secrets/istio/root-cert.pem', simulatedPem('CERTIFICATE', 'istiod root certificate'));
      file('/var/run/secrets/tokens/istio-token', simulatedToken(namespace, account, 'istio-ca'));
      file(
        '/etc/istio/pod/labels',
        Object.entries(pod.metadata.labels ?? {})
          .map(([key, value]) => `${key}="${value}"`)
          .join('\n'),
      );
    }
    dir('/etc/istio/proxy');
  }
  return files;
}

/** The container's file system as its shell sees it: the image and mounts, with what was written on top. */
export class ContainerFs {
  private readonly base: Map<string, FileNode>;
  private readonly layer: Map<string, FileNode>;

  /** When the container started: the time of the files the image and the kubelet made. */
  private readonly started: Date;

  constructor(private readonly context: FsContext) {
    this.base = baseFiles(context);
    const startTime = (context.pod.status as { startTime?: string } | undefined)?.startTime;
    this.started = startTime ? new Date(startTime) : context.now;
    this.layer = context.files?.layer(context.pod, context.containerName) ?? new Map();
  }

  /** The node at `path`, following symlinks on the way and, when `follow`, a final one. */
  stat(path: string, follow = true): FileNode | undefined {
    const at = this.resolve(path, follow, 0);
    return at === undefined ? undefined : this.node(at);
  }

  private node(at: string): FileNode | undefined {
    return (
      this.layer.get(at) ??
      this.base.get(at) ??
      (this.isImplicitDir(at) ? { kind: 'dir' as const, mode: 0o755, mtime: this.started } : undefined)
    );
  }

  /** The path with its symlinks resolved (the kubelet's `..data` ones), or undefined when a link loops. */
  private resolve(path: string, follow: boolean, depth: number): string | undefined {
    if (depth > 8) return undefined;
    const parts = absolute(path).split('/').filter(Boolean);
    let at = '';
    for (const [i, part] of parts.entries()) {
      const next = `${at}/${part}`;
      const node = this.node(next);
      if (node?.kind === 'link' && (follow || i < parts.length - 1)) {
        const target = node.target!.startsWith('/') ? node.target! : `${at}/${node.target}`;
        const resolved = this.resolve(target, true, depth + 1);
        if (resolved === undefined) return undefined;
        at = resolved === '/' ? '' : resolved;
      } else at = next;
    }
    return at || '/';
  }

  private isImplicitDir(path: string): boolean {
    if (BASE_DIRECTORIES.includes(path)) return true;
    const prefix = path === '/' ? '/' : `${path}/`;
    return [...this.base.keys(), ...this.layer.keys()].some((key) => key.startsWith(prefix));
  }

  /** The names in a directory, sorted as `ls` sorts them (by byte value, `LC_ALL=C`). */
  list(dir: string): string[] {
    const at = absolute(dir);
    const prefix = at === '/' ? '/' : `${at}/`;
    const names = new Set<string>();
    for (const key of [...BASE_DIRECTORIES, ...this.base.keys(), ...this.layer.keys()]) {
      if (key.startsWith(prefix) && key.length > prefix.length) names.add(key.slice(prefix.length).split('/')[0]);
    }
    return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Writes a file into the container's writable layer; returns an error message when it cannot. */
  write(path: string, data: Buffer, append = false): string | undefined {
    const at = absolute(path);
    if (at === '/dev/null') return undefined;
    const parent = this.stat(parentOf(at));
    if (!parent) return 'No such file or directory';
    if (parent.kind !== 'dir') return 'Not a directory';
    const existing = this.stat(at);
    if (existing?.kind === 'dir') return 'Is a directory';
    const before = append && existing?.data ? existing.data : Buffer.alloc(0);
    this.layer.set(at, {
      kind: 'file',
      data: Buffer.concat([before, data]),
      mode: existing?.mode ?? 0o644,
      mtime: this.context.now,
    });
    return undefined;
  }

  mkdir(path: string): string | undefined {
    const at = absolute(path);
    const existing = this.stat(at);
    if (existing) return existing.kind === 'dir' ? undefined : 'File exists';
    if (this.stat(parentOf(at))?.kind !== 'dir') return 'No such file or directory';
    this.layer.set(at, { kind: 'dir', mode: 0o755, mtime: this.context.now });
    return undefined;
  }

  remove(path: string): boolean {
    return this.layer.delete(absolute(path));
  }
}
