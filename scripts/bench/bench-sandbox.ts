// Seeds a sandbox with the bench's many pods, shared so that the 10k-pod scenarios measure the same cluster layout.
import type { KubeObject } from '../../src/sandbox/apimachinery/kube-object';
import { BUILTIN_RESOURCE_TYPES } from '../../src/sandbox/apimachinery/resource-types';
import type { Sandbox } from '../../src/sandbox';

export interface SeedPodsOptions {
  /** Namespaces `bench-0` … `bench-<namespaces - 1>`, created first. */
  readonly namespaces: number;
  readonly pods: number;
  /** Pod `i`, to be created in `namespace` (round-robin over the namespaces). */
  readonly pod: (i: number, namespace: string) => KubeObject;
}

/** The namespace pod `i` is seeded in. */
export function benchNamespace(i: number, namespaces: number): string {
  return `bench-${i % namespaces}`;
}

/** Creates the namespaces and pods straight through the API server (no HTTP); returns the pods as created. */
export function seedPods(sandbox: Sandbox, options: SeedPodsOptions): KubeObject[] {
  const namespaceType = BUILTIN_RESOURCE_TYPES.find((type) => type.resource === 'namespaces')!;
  const podType = BUILTIN_RESOURCE_TYPES.find((type) => type.resource === 'pods')!;
  for (let n = 0; n < options.namespaces; n++) {
    sandbox.api.create(
      { group: '', version: 'v1', type: namespaceType, rest: [], verb: 'create' },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${n}` } },
    );
  }
  const created: KubeObject[] = [];
  for (let i = 0; i < options.pods; i++) {
    const namespace = benchNamespace(i, options.namespaces);
    created.push(
      sandbox.api.create(
        { group: '', version: 'v1', type: podType, namespace, rest: [], verb: 'create' },
        options.pod(i, namespace),
      ),
    );
  }
  return created;
}
