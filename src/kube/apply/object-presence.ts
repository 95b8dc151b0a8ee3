// Which of a manifest's objects exist on a cluster: one GET each (a few at a time), a kind the
// server does not serve (its CRD is missing) and an object being deleted (a CRD right after an
// uninstall, until its custom resources are cleaned up) counting as absent. For telling an interrupted
// install from a finished or absent one (src/istio/install-presence.ts).
import type { ManifestObject } from './manifest';
import type { ObjectClient } from './object-client';
import { failureOf } from './apply-engine';

export class PresenceError extends Error {}

/** The objects found; throws PresenceError (with the cause) when one cannot be looked up (Forbidden, Unreachable…). */
export async function findPresentObjects(
  client: ObjectClient,
  objects: readonly ManifestObject[],
  signal?: AbortSignal,
  concurrency = 8,
): Promise<ManifestObject[]> {
  const present: boolean[] = new Array<boolean>(objects.length).fill(false);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      signal?.throwIfAborted();
      const position = next++;
      const object = objects[position];
      try {
        if (!(await client.mapping(object.apiVersion, object.kind))) continue;
        const found = await client.read(object, signal);
        present[position] = !found.metadata?.deletionTimestamp;
      } catch (error) {
        const failure = failureOf(error);
        if (failure.reason === 'NotFound') continue;
        throw new PresenceError(
          `cannot tell whether ${object.kind} ${object.name} exists: ${failure.reason}: ${failure.message}`,
          { cause: error },
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, objects.length)) }, worker));
  return objects.filter((_, position) => present[position]);
}
