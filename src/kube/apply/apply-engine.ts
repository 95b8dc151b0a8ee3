// The install engine: creates a manifest's objects like `kubectl create -f` (file order, one
// result per object, AlreadyExists is "unchanged"), but starts each object as soon as what it
// needs exists, a bounded number at a time, and waits for CRDs to be Established before their
// custom resources. Failures are per object; cancelling stops new requests and lets the ones in
// flight finish, so the report says exactly what was done. Uninstall deletes in reverse.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ApplyOutcome, DeleteOutcome, ObjectFailure, ObjectResult, Permission } from './apply-result';
import { noKindMatchMessage, resultName } from './apply-result';
import type { ApplyPlan } from './apply-plan';
import { deletionOrder, planApply } from './apply-plan';
import type { ManifestObject } from './manifest';
import { groupOf } from './manifest';
import type { ObjectClient, ResourceMapping } from './object-client';

export interface ApplyOptions {
  readonly dryRun?: boolean;
  /** Requests in flight at once (default 8). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called once per object, in file order, as soon as it and every earlier object are done. */
  readonly onResult?: (result: ObjectResult) => void;
  /** How long to wait for a CRD to be Established, and for its kind to be served (default 60 s). */
  readonly establishTimeoutMs?: number;
}

export interface ApplyReport {
  readonly results: readonly ObjectResult[];
  readonly cancelled: boolean;
  readonly dryRun: boolean;
}

export interface DeleteOptions {
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called once per object, in deletion order. */
  readonly onResult?: (result: ObjectResult<DeleteOutcome>) => void;
  /** How long to wait for a deleted Namespace to disappear (default 5 min). */
  readonly namespaceTimeoutMs?: number;
  /** Called while waiting for a namespace to go. */
  readonly onWaitingForNamespace?: (name: string) => void;
}

export interface DeleteReport {
  readonly results: readonly ObjectResult<DeleteOutcome>[];
  readonly cancelled: boolean;
  /** Namespaces the uninstall deleted that were still terminating when it gave up (timeout or cancel). */
  readonly namespacesLeft: readonly string[];
}

/** A small counting semaphore: at most `limit` tasks run at once, first come first served. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(limit: number) {
    this.free = Math.max(1, limit);
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/** Emits results in a fixed order as soon as every earlier one is known. */
class InOrder<R> {
  private readonly known = new Map<number, R>();
  private next = 0;
  constructor(private readonly emit: ((result: R) => void) | undefined) {}
  set(position: number, result: R): void {
    this.known.set(position, result);
    while (this.known.has(this.next)) {
      const result = this.known.get(this.next)!;
      this.next++;
      this.emit?.(result);
    }
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** The Status of a failed request: reason, code, message; network errors become Unreachable. */
export function failureOf(error: unknown): ObjectFailure {
  const { code, body, message } = error as { code?: unknown; body?: unknown; message?: string };
  if (typeof code === 'number') {
    let status: { reason?: string; message?: string } = {};
    try {
      status = typeof body === 'string' ? JSON.parse(body) : ((body ?? {}) as typeof status);
    } catch {
      status = { message: String(body) };
    }
    return {
      reason: status.reason || httpReason(code),
      code,
      message: status.message || `the server answered ${code}`,
    };
  }
  return { reason: 'Unreachable', message: message ?? String(error) };
}

function httpReason(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    410: 'Gone',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}

function isEstablished(crd: KubernetesObject): boolean {
  const conditions =
    (crd as { status?: { conditions?: { type?: string; status?: string }[] } }).status?.conditions ?? [];
  return conditions.some((condition) => condition.type === 'Established' && condition.status === 'True');
}

export async function applyManifest(
  client: ObjectClient,
  objects: readonly ManifestObject[],
  options: ApplyOptions = {},
): Promise<ApplyReport> {
  const plan: ApplyPlan = planApply(objects);
  const dryRun = options.dryRun === true;
  const slots = new Slots(options.concurrency ?? 8);
  const ordered = new InOrder<ObjectResult>(options.onResult);
  const results: ObjectResult[] = new Array(objects.length);
  const establishTimeoutMs = options.establishTimeoutMs ?? 60_000;
  const finished: Promise<ObjectResult>[] = [];
  const crdReady: Promise<void>[] = [];
  /** A created CRD as the server answered (it may already say Established), for the wait. */
  const crdWait = new Map<number, KubernetesObject | undefined>();

  const settle = (object: ManifestObject, outcome: ApplyOutcome, failure?: ObjectFailure): ObjectResult => {
    const result: ObjectResult = {
      object,
      name: resultName(object),
      outcome,
      ...(failure ? { failure } : {}),
      at: Date.now(),
    };
    results[object.index] = result;
    ordered.set(object.index, result);
    return result;
  };

  /** Discovery for an object; a kind defined by a CRD of this install may take a moment to be served. */
  const mappingOf = async (object: ManifestObject, mayLag: boolean): Promise<ResourceMapping | undefined> => {
    const deadline = Date.now() + (mayLag ? establishTimeoutMs : 0);
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      const mapping = await client.mapping(object.apiVersion, object.kind);
      if (mapping || Date.now() >= deadline || options.signal?.aborted) return mapping;
      await sleep(delay, options.signal);
    }
  };

  const waitEstablished = async (object: ManifestObject, created: KubernetesObject | undefined): Promise<void> => {
    if (created && isEstablished(created)) return;
    const deadline = Date.now() + establishTimeoutMs;
    for (let delay = 50; Date.now() < deadline && !options.signal?.aborted; delay = Math.min(delay * 2, 1000)) {
      try {
        if (isEstablished(await client.read(object))) return;
      } catch {
        // Not readable (yet, or not at all): its custom resources will report their own errors.
        return;
      }
      await sleep(delay, options.signal);
    }
  };

  const createOne = async (planned: ApplyPlan['objects'][number]): Promise<ObjectResult> => {
    const { object } = planned;
    const needed = await Promise.all(planned.needs.map(async (need) => ({ need, result: await finished[need.index] })));
    if (planned.needs.some((need) => need.reason === 'crd'))
      await Promise.all(planned.needs.filter((need) => need.reason === 'crd').map((need) => crdReady[need.index]));
    if (options.signal?.aborted) return settle(object, 'cancelled');
    // A dry run cannot check an object whose namespace or CRD only this install would create.
    if (dryRun && needed.some(({ need, result }) => need.reason !== 'pod-input' && result.outcome === 'created')) {
      return settle(object, 'unverified');
    }
    // Discovery may lag only behind a CRD this install has just put in place. After its CRD failed
    // (a 500, a denial) the kind will not appear: one look, then kubectl's "no matches for kind" at
    // once. Waiting out the establish timeout instead held a slot per custom resource, so a single
    // failed CRD with a dozen resources stalled the whole install for minutes.
    const mayLag =
      !dryRun &&
      needed.some(({ need }) => need.reason === 'crd') &&
      needed.every(
        ({ need, result }) => need.reason !== 'crd' || result.outcome === 'created' || result.outcome === 'unchanged',
      );
    return slots.run(async () => {
      if (options.signal?.aborted) return settle(object, 'cancelled');
      let mapping: ResourceMapping | undefined;
      try {
        mapping = await mappingOf(object, mayLag);
      } catch (error) {
        return settle(object, 'failed', failureOf(error));
      }
      if (!mapping) return settle(object, 'failed', { reason: 'NoKindMatch', message: noKindMatchMessage(object) });
      try {
        const created = await client.create(object.body, { dryRun });
        if (planned.isCrd && !dryRun) crdWait.set(object.index, created);
        return settle(object, 'created');
      } catch (error) {
        const failure = failureOf(error);
        if (failure.reason === 'AlreadyExists') {
          if (planned.isCrd && !dryRun) crdWait.set(object.index, undefined);
          return settle(object, 'unchanged');
        }
        if (failure.reason === 'Forbidden') {
          const namespace = mapping.namespaced ? (object.namespace ?? client.defaultNamespace) : undefined;
          const permission: Permission = {
            verb: 'create',
            group: groupOf(object.apiVersion),
            resource: mapping.resource,
            ...(namespace ? { namespace } : {}),
          };
          return settle(object, 'failed', { ...failure, permission });
        }
        return settle(object, 'failed', failure);
      }
    });
  };

  for (const planned of plan.objects) {
    const done = createOne(planned);
    finished[planned.object.index] = done;
    crdReady[planned.object.index] = planned.isCrd
      ? done.then((result) =>
          result.outcome === 'created' || result.outcome === 'unchanged'
            ? dryRun
              ? undefined
              : waitEstablished(planned.object, crdWait.get(planned.object.index))
            : undefined,
        )
      : Promise.resolve();
  }
  await Promise.all(finished);
  await Promise.all(crdReady);
  return { results, cancelled: options.signal?.aborted === true, dryRun };
}

export async function deleteManifest(
  client: ObjectClient,
  objects: readonly ManifestObject[],
  options: DeleteOptions = {},
): Promise<DeleteReport> {
  const order = deletionOrder(objects);
  const slots = new Slots(options.concurrency ?? 8);
  const ordered = new InOrder<ObjectResult<DeleteOutcome>>(options.onResult);
  const results: ObjectResult<DeleteOutcome>[] = [];
  const settle = (position: number, object: ManifestObject, outcome: DeleteOutcome, failure?: ObjectFailure) => {
    const result: ObjectResult<DeleteOutcome> = {
      object,
      name: resultName(object),
      outcome,
      ...(failure ? { failure } : {}),
      at: Date.now(),
    };
    results[position] = result;
    ordered.set(position, result);
    return result;
  };
  const removeOne = (object: ManifestObject, position: number) =>
    slots.run(async () => {
      if (options.signal?.aborted) return settle(position, object, 'cancelled');
      let mapping: ResourceMapping | undefined;
      try {
        mapping = await client.mapping(object.apiVersion, object.kind);
      } catch (error) {
        return settle(position, object, 'failed', failureOf(error));
      }
      // A kind no longer served (its CRD went first) has no objects left to delete.
      if (!mapping) return settle(position, object, 'absent');
      try {
        await client.remove(object);
        return settle(position, object, 'deleted');
      } catch (error) {
        const failure = failureOf(error);
        if (failure.reason === 'NotFound') return settle(position, object, 'absent');
        if (failure.reason === 'Forbidden') {
          const namespace = mapping.namespaced ? (object.namespace ?? client.defaultNamespace) : undefined;
          return settle(position, object, 'failed', {
            ...failure,
            permission: {
              verb: 'delete',
              group: groupOf(object.apiVersion),
              resource: mapping.resource,
              ...(namespace ? { namespace } : {}),
            },
          });
        }
        return settle(position, object, 'failed', failure);
      }
    });

  // Everything but the namespaces at once (bounded); namespaces last, since deleting one deletes
  // what is left in it, and the uninstall is over only when they are gone.
  const isNamespace = (object: ManifestObject) => object.kind === 'Namespace' && object.apiVersion === 'v1';
  const firstNamespace = order.findIndex(isNamespace);
  const others = firstNamespace < 0 ? order : order.slice(0, firstNamespace);
  const namespaces = firstNamespace < 0 ? [] : order.slice(firstNamespace);
  await Promise.all(others.map((object, position) => removeOne(object, position)));
  const deletedNamespaces = await Promise.all(
    namespaces.map((object, offset) => removeOne(object, others.length + offset)),
  );
  const namespacesLeft: string[] = [];
  for (const result of deletedNamespaces) {
    if (result.outcome !== 'deleted') continue;
    options.onWaitingForNamespace?.(result.object.name);
    if (!(await waitGone(client, result.object, options.namespaceTimeoutMs ?? 300_000, options.signal)))
      namespacesLeft.push(result.object.name);
  }
  return { results, cancelled: options.signal?.aborted === true, namespacesLeft };
}

/** Polls until the object is gone (404); false on timeout or cancel. */
async function waitGone(
  client: ObjectClient,
  object: ManifestObject,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; Date.now() < deadline && !signal?.aborted; delay = Math.min(delay * 2, 2000)) {
    try {
      await client.read(object);
    } catch (error) {
      if (failureOf(error).reason === 'NotFound') return true;
    }
    await sleep(delay, signal);
  }
  return false;
}
