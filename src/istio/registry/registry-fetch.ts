// Fetches Pilot's service registry from a cluster. Detects the era first: istiod (1.5+, Service
// `istiod` with port 15014) or legacy Pilot (1.0–1.4, Service `istio-pilot` with port 8080).
// Legacy `/v1/registration` goes through the API server's service proxy (nothing to run in the
// cluster) and falls back to a port-forward to the Pilot pod when RBAC denies `services/proxy`;
// istiod's `/debug/registryz` + `/debug/endpointz` answer only local callers since 1.11, so they go
// through a port-forward (src/kube/port-forward.ts), closed when the fetch is done. Every request
// has a timeout, the caller's AbortSignal and a size cap. Cluster access goes through src/kube;
// this file knows where Istio keeps its registry and how to read it.
import { canI } from '../../kube/access-review';
import type { GetLimits, HttpAnswer } from '../../kube/capped-get';
import { apiServerGet, cappedGet, CappedGetError, statusOf } from '../../kube/capped-get';
import type { KubeConfig } from '../../kube/connection';
import { KubeError, kubeErrorFromStatus, toKubeError } from '../../kube/kube-errors';
import { withPortForward } from '../../kube/port-forward';
import { ISTIO_NAMESPACE } from '../../shared/istio-defaults';
import type { IstioEra, RegistrySnapshot } from '../../shared/registry-messages';
import { parseIstiodDebug } from './istiod-debug';
import { parseRegistration } from './legacy-registration';
import { parseSyncz } from './proxy-sync';
import type { PodFacts } from './registry-model';
import type { ProxySyncRow } from '../../shared/registry-messages';

export const DEFAULT_TIMEOUT_MS = 20_000;
/** 10,000 services × 2 ports × 3 endpoints of `/v1/registration` are ~20 MB; past this, something is wrong. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export type RegistryFetchErrorCode =
  /** Neither `istio-pilot` (port 8080) nor `istiod` (port 15014) exists in istio-system. */
  | 'not-installed'
  /** The Service exists but no pod behind it is ready. */
  | 'not-ready'
  /** Pilot answered an HTTP error (500, 503 from Pilot itself). */
  | 'endpoint-error'
  /** The body passed the size cap. */
  | 'too-large'
  /** istiod refused a non-local caller through the service proxy (401, Istio ≥ 1.11). */
  | 'istiod-needs-local'
  /** Neither the service proxy nor a port-forward is allowed (RBAC). */
  | 'forbidden'
  | 'timeout'
  | 'cancelled';

export interface RegistryFetchErrorDetails {
  readonly era?: IstioEra;
  readonly status?: number;
  /** The start of the body, for endpoint errors. */
  readonly body?: string;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  /** The permissions RBAC denied, as `verb resource` (e.g. `get services/proxy`, `create pods/portforward`). */
  readonly denied?: readonly string[];
  readonly pod?: string;
  readonly url?: string;
}

/** A fetch that failed for a reason the learner can act on; src/ui words it in their language. */
export class RegistryFetchError extends Error {
  override readonly name = 'RegistryFetchError';

  constructor(
    readonly code: RegistryFetchErrorCode,
    readonly details: RegistryFetchErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(`${code}${details.status ? ` (${details.status})` : ''}${details.body ? `: ${details.body}` : ''}`, options);
  }
}

export interface RegistryFetchOptions {
  readonly signal?: AbortSignal;
  /** Per request (default 20 s). */
  readonly timeoutMs?: number;
  /** Per body (default 64 MiB). */
  readonly maxBytes?: number;
  readonly namespace?: string;
  /** Skip the service proxy for legacy Pilot (tests of the fallback path). */
  readonly preferPortForward?: boolean;
}

/** Which control plane answers, and how to reach it. */
export interface PilotTarget {
  readonly era: IstioEra;
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
  /** Label selector of the Service, to find its pods. */
  readonly selector: Readonly<Record<string, string>>;
}

export interface RegistryFetchResult {
  readonly target: PilotTarget;
  readonly via: 'service-proxy' | 'port-forward';
  readonly snapshot: RegistrySnapshot;
  /** The body as fetched (istiod: both bodies as one JSON document). */
  readonly raw: string;
  /** Why the path taken is not the first choice (RBAC denied the proxy; istiod refuses non-local callers). */
  readonly fallbackReason?: 'proxy-forbidden' | 'istiod-needs-local';
  /** The pod a port-forward went to. */
  readonly pod?: string;
  /** What every proxy received (`/debug/syncz` on the same path), or why it could not be read; the registry stands either way. */
  readonly proxies: { readonly rows: readonly ProxySyncRow[] } | { readonly error: unknown };
}

type RequestLimits = GetLimits;

function limitsOf(options: RegistryFetchOptions): RequestLimits {
  return {
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
  };
}

/** A cancelled, slow or too large GET as the fetch's own error; anything else as it is. */
function fetchErrorOf(error: unknown): unknown {
  if (!(error instanceof CappedGetError)) return error;
  if (error.code === 'timeout')
    return new RegistryFetchError('timeout', { timeoutMs: error.limits.timeoutMs, url: error.path }, { cause: error });
  if (error.code === 'too-large')
    return new RegistryFetchError('too-large', { maxBytes: error.limits.maxBytes, url: error.path }, { cause: error });
  return new RegistryFetchError('cancelled', {}, { cause: error });
}

async function apiGet(kubeConfig: KubeConfig, path: string, limits: RequestLimits): Promise<HttpAnswer> {
  try {
    return await apiServerGet(kubeConfig, path, limits);
  } catch (error) {
    throw fetchErrorOf(error);
  }
}

interface ServiceObject {
  spec?: { ports?: { name?: string; port: number }[]; selector?: Record<string, string> };
}

async function readService(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  limits: RequestLimits,
): Promise<ServiceObject | undefined> {
  const answer = await apiGet(kubeConfig, `/api/v1/namespaces/${namespace}/services/${name}`, limits);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200)
    throw kubeErrorFromStatus(answer.status, statusOf(answer), { verb: 'get', resource: 'services', namespace, name });
  return JSON.parse(answer.body) as ServiceObject;
}

/** Pilot's Service per era, newest first: its debug port, and the selector when the Service names none. */
const PILOTS: readonly { era: IstioEra; service: string; port: number; selector: Record<string, string> }[] = [
  { era: 'istiod', service: 'istiod', port: 15014, selector: { app: 'istiod' } },
  { era: 'legacy', service: 'istio-pilot', port: 8080, selector: { istio: 'pilot' } },
];

/** istiod when its Service has port 15014, else legacy Pilot when `istio-pilot` has port 8080; undefined when neither. */
export async function detectPilot(
  kubeConfig: KubeConfig,
  options: RegistryFetchOptions = {},
): Promise<PilotTarget | undefined> {
  const namespace = options.namespace ?? ISTIO_NAMESPACE;
  const limits = limitsOf(options);
  for (const { era, service, port, selector } of PILOTS) {
    const found = await readService(kubeConfig, namespace, service, limits);
    if (found?.spec?.ports?.some((entry) => entry.port === port))
      return { era, namespace, service, port, selector: found.spec.selector ?? selector };
  }
  return undefined;
}

interface PodObject {
  metadata: {
    name: string;
    namespace: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  status?: { phase?: string; podIP?: string; containerStatuses?: { ready?: boolean }[] };
  spec?: { containers?: unknown[] };
}

function podFacts(pod: PodObject): PodFacts & { labels: Record<string, string>; annotations: Record<string, string> } {
  const statuses = pod.status?.containerStatuses ?? [];
  return {
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    podIP: pod.status?.podIP,
    readyContainers: statuses.filter((status) => status.ready).length,
    totalContainers: pod.spec?.containers?.length ?? statuses.length,
    phase: pod.status?.phase ?? 'Unknown',
    deleting: Boolean(pod.metadata.deletionTimestamp),
    labels: pod.metadata.labels ?? {},
    annotations: pod.metadata.annotations ?? {},
  };
}

/** The pods of a namespace (or all namespaces), as the small facts the registry and the diagram need. */
export async function listPodFacts(
  kubeConfig: KubeConfig,
  options: RegistryFetchOptions & { labelSelector?: string; allNamespaces?: boolean } = {},
): Promise<(PodFacts & { labels: Record<string, string>; annotations: Record<string, string> })[]> {
  const namespace = options.namespace ?? ISTIO_NAMESPACE;
  const query = options.labelSelector ? `?labelSelector=${encodeURIComponent(options.labelSelector)}` : '';
  const path = options.allNamespaces ? `/api/v1/pods${query}` : `/api/v1/namespaces/${namespace}/pods${query}`;
  const answer = await apiGet(kubeConfig, path, limitsOf(options));
  if (answer.status !== 200) {
    throw kubeErrorFromStatus(answer.status, statusOf(answer), {
      verb: 'list',
      resource: 'pods',
      namespace: options.allNamespaces ? undefined : namespace,
    });
  }
  return ((JSON.parse(answer.body) as { items?: PodObject[] }).items ?? []).map(podFacts);
}

async function readyPod(kubeConfig: KubeConfig, target: PilotTarget, options: RegistryFetchOptions): Promise<string> {
  const selector = Object.entries(target.selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const pods = await listPodFacts(kubeConfig, { ...options, namespace: target.namespace, labelSelector: selector });
  const ready = pods.find(
    (pod) =>
      pod.phase === 'Running' &&
      !pod.deleting &&
      pod.totalContainers > 0 &&
      pod.readyContainers === pod.totalContainers,
  );
  if (!ready) throw new RegistryFetchError('not-ready', { era: target.era });
  return ready.name;
}

/** The HTTP error of Pilot itself (passed through the proxy) or of the API server (a Status). */
function answerError(answer: HttpAnswer, target: PilotTarget, path: string): Error {
  const status = statusOf(answer);
  if (status) {
    // The API server's own answer: no ready endpoint is "not ready"; 403 is RBAC.
    if (answer.status === 503 && /no endpoints available/i.test(status.message ?? ''))
      return new RegistryFetchError('not-ready', { era: target.era });
    return kubeErrorFromStatus(answer.status, status, {
      verb: 'get',
      resource: 'services/proxy',
      namespace: target.namespace,
      name: target.service,
    });
  }
  if (answer.status === 401 && target.era === 'istiod')
    return new RegistryFetchError('istiod-needs-local', { era: target.era, status: 401 });
  if (answer.status === 503 && /connection refused|no endpoints/i.test(answer.body))
    return new RegistryFetchError('not-ready', { era: target.era, status: 503, body: answer.body.slice(0, 300) });
  return new RegistryFetchError('endpoint-error', {
    era: target.era,
    status: answer.status,
    body: answer.body.slice(0, 300).trim(),
    url: path,
  });
}

async function viaServiceProxy(
  kubeConfig: KubeConfig,
  target: PilotTarget,
  path: string,
  limits: RequestLimits,
): Promise<string> {
  const proxyPath = `/api/v1/namespaces/${target.namespace}/services/http:${target.service}:${target.port}/proxy${path}`;
  const answer = await apiGet(kubeConfig, proxyPath, limits);
  if (answer.status !== 200) throw answerError(answer, target, path);
  return answer.body;
}

async function localGet(localPort: number, path: string, target: PilotTarget, limits: RequestLimits): Promise<string> {
  let answer: HttpAnswer;
  try {
    answer = await cappedGet(
      new URL(`http://127.0.0.1:${localPort}${path}`),
      { agent: false, headers: { accept: 'application/json' } },
      limits,
    );
  } catch (error) {
    if (error instanceof CappedGetError) throw fetchErrorOf(error);
    // The forward failed (RBAC on pods/portforward answers the upgrade with 403, which ends the socket).
    throw toKubeError(error, { verb: 'create', resource: 'pods/portforward', namespace: target.namespace });
  }
  if (answer.status !== 200) throw answerError(answer, target, path);
  return answer.body;
}

function isForbidden(error: unknown): boolean {
  return error instanceof KubeError && error.code === 'forbidden';
}

/** Whether RBAC allows creating a port-forward to the pods of the namespace. */
async function canPortForward(kubeConfig: KubeConfig, namespace: string, limits: RequestLimits): Promise<boolean> {
  try {
    return await canI(kubeConfig, { verb: 'create', resource: 'pods', subresource: 'portforward', namespace });
  } catch {
    // No answer is not a denial: try the forward and report what it says.
    return !limits.signal?.aborted;
  }
}

async function fetchLegacy(
  kubeConfig: KubeConfig,
  target: PilotTarget,
  options: RegistryFetchOptions,
): Promise<RegistryFetchResult> {
  const limits = limitsOf(options);
  let fallbackReason: RegistryFetchResult['fallbackReason'];
  if (!options.preferPortForward) {
    try {
      const body = await viaServiceProxy(kubeConfig, target, '/v1/registration', limits);
      const proxies = await proxySync(
        target,
        () => readyPod(kubeConfig, target, options),
        () => viaServiceProxy(kubeConfig, target, '/debug/syncz', limits),
      );
      return { target, via: 'service-proxy', snapshot: parseRegistration(body), raw: body, proxies };
    } catch (error) {
      if (!isForbidden(error)) throw error;
      fallbackReason = 'proxy-forbidden';
    }
  }
  if (!(await canPortForward(kubeConfig, target.namespace, limits))) {
    throw new RegistryFetchError('forbidden', {
      era: 'legacy',
      denied: [...(fallbackReason ? ['get services/proxy'] : []), 'create pods/portforward'],
    });
  }
  const pod = await readyPod(kubeConfig, target, options);
  const [body, proxies] = await withPortForward(
    kubeConfig,
    { namespace: target.namespace, pod, port: 8080 },
    async (port) =>
      [
        await localGet(port, '/v1/registration', target, limits),
        await proxySync(
          target,
          async () => pod,
          () => localGet(port, '/debug/syncz', target, limits),
        ),
      ] as const,
  );
  return { target, via: 'port-forward', snapshot: parseRegistration(body), raw: body, pod, fallbackReason, proxies };
}

async function fetchIstiod(
  kubeConfig: KubeConfig,
  target: PilotTarget,
  options: RegistryFetchOptions,
): Promise<RegistryFetchResult> {
  const limits = limitsOf(options);
  if (!(await canPortForward(kubeConfig, target.namespace, limits))) {
    // Without a port-forward, the proxy is all that is left: istiod before 1.11 still answers it.
    let registryz: string;
    let endpointz: string;
    try {
      registryz = await viaServiceProxy(kubeConfig, target, '/debug/registryz', limits);
      endpointz = await viaServiceProxy(kubeConfig, target, '/debug/endpointz', limits);
    } catch (error) {
      if (error instanceof RegistryFetchError && error.code === 'istiod-needs-local') {
        throw new RegistryFetchError(
          'istiod-needs-local',
          { ...error.details, denied: ['create pods/portforward'] },
          { cause: error },
        );
      }
      if (isForbidden(error))
        throw new RegistryFetchError(
          'forbidden',
          { era: 'istiod', denied: ['create pods/portforward', 'get services/proxy'] },
          { cause: error },
        );
      throw error;
    }
    const proxies = await proxySync(
      target,
      () => readyPod(kubeConfig, target, options),
      () => viaServiceProxy(kubeConfig, target, '/debug/syncz', limits),
    );
    return {
      target,
      via: 'service-proxy',
      snapshot: parseIstiodDebug(registryz, endpointz),
      raw: istiodRaw(registryz, endpointz),
      proxies,
    };
  }
  const pod = await readyPod(kubeConfig, target, options);
  const [registryz, endpointz, proxies] = await withPortForward(
    kubeConfig,
    { namespace: target.namespace, pod, port: target.port },
    (port) =>
      Promise.all([
        localGet(port, '/debug/registryz', target, limits),
        localGet(port, '/debug/endpointz', target, limits),
        proxySync(
          target,
          async () => pod,
          () => localGet(port, '/debug/syncz', target, limits),
        ),
      ]),
  );
  return {
    target,
    via: 'port-forward',
    snapshot: parseIstiodDebug(registryz, endpointz),
    raw: istiodRaw(registryz, endpointz),
    pod,
    fallbackReason: 'istiod-needs-local',
    proxies,
  };
}

/**
 * `/debug/syncz` on the path the registry took, as rows naming the Pilot pod that answered. A failure
 * is kept as data: the registry is the page's subject and stands without it.
 */
async function proxySync(
  target: PilotTarget,
  pilotPod: () => Promise<string>,
  get: () => Promise<string>,
): Promise<RegistryFetchResult['proxies']> {
  try {
    const [pod, body] = await Promise.all([pilotPod(), get()]);
    // Pilot 1.2's istioctl prints the share of endpoints sent after EDS; istiod's SyncStatus has no such field.
    return { rows: parseSyncz(body, pod, { endpointPercent: target.era === 'legacy' }) };
  } catch (error) {
    return { error };
  }
}

/** Both istiod bodies as one JSON document for the raw view (each as fetched). */
function istiodRaw(registryz: string, endpointz: string): string {
  return `{\n"registryz": ${registryz.trim() || 'null'},\n"endpointz": ${endpointz.trim() || 'null'}\n}\n`;
}

/** Detects the control plane and fetches its registry; throws RegistryFetchError, KubeError or RegistryFormatError. */
export async function fetchRegistry(
  kubeConfig: KubeConfig,
  options: RegistryFetchOptions = {},
): Promise<RegistryFetchResult> {
  const target = await detectPilot(kubeConfig, options);
  if (!target) throw new RegistryFetchError('not-installed');
  return target.era === 'legacy' ? fetchLegacy(kubeConfig, target, options) : fetchIstiod(kubeConfig, target, options);
}
