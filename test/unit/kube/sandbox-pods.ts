// Pods as the sandbox serves them after the book's 1.2.2 demo install settled
// (`kubectl get po -n istio-system -o json`, fixtures/sandbox-istio-1.2.2-pods.json), for the
// tests that read real pod objects, and the native sidecar Istio 1.27+ injects instead.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PodObject } from '../../../src/kube/pod-summary';

const sandboxPods = (
  JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'sandbox-istio-1.2.2-pods.json'), 'utf8')) as {
    items: PodObject[];
  }
).items;

/** Every pod of the fixture, in its order. */
export function allSandboxPods(): PodObject[] {
  return structuredClone(sandboxPods);
}

/** A copy of the first pod whose name starts with `prefix`. */
export function sandboxPod(prefix: string): PodObject {
  return structuredClone(sandboxPods.find((entry) => entry.metadata!.name!.startsWith(prefix))!);
}

/** `base` with istio-proxy as a restartable init container (a native sidecar), as Istio 1.27+ injects it. */
export function withNativeSidecar(base: PodObject): PodObject {
  return {
    ...base,
    spec: {
      ...base.spec,
      initContainers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.27.0', restartPolicy: 'Always' }],
    },
  } as PodObject;
}
