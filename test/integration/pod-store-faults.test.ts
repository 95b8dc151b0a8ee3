// The pod store on a misbehaving sandbox, with every fault of the end-to-end reliability run on at
// once (test/e2e/reliability.e2e.test.mjs): latency, watches dropped after 25 events, 410 on the
// next 3 watches, 500s on pod lists and on creates, and RBAC denying the service proxy. While
// kubectl installs Istio 1.2.2's demo, the store must converge to the book's 15 pods and end
// synced, and each reconnecting state must say what really happened.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openConnection } from '../../src/kube/connection';
import { KubeError } from '../../src/kube/kube-errors';
import { startPodStore } from '../../src/kube/pod-store';
import { istioPodScope } from '../../src/istio/data-plane';
import type { PodStore, PodStoreState } from '../../src/kube/pod-summary';
import type { FaultConfig } from '../../src/sandbox/faults/faults';
import reliabilityFaults from '../e2e/reliability-faults.json';
import { demo122 } from './istio-demo';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';
import { until } from './until';

/** The faults of the reliability run (test/e2e/reliability.e2e.test.mjs), from the file it reads. */
const FAULTS: FaultConfig = reliabilityFaults;

let cluster: KubectlSandbox;
let store: PodStore | undefined;

before(async () => {
  cluster = await startKubectlSandbox({ nodes: 3, speed: 0, faults: FAULTS });
});
after(async () => {
  store?.dispose();
  await cluster.close();
});

const settled = (store: PodStore): boolean => {
  const pods = store.pods().filter((pod) => pod.namespace === 'istio-system');
  return (
    pods.length === 15 &&
    pods.every(
      (pod) => pod.status === 'Completed' || (pod.status === 'Running' && pod.readyContainers === pod.totalContainers),
    )
  );
};

test(
  "with every reliability fault on, the store follows the demo install to the book's 15 pods and ends synced",
  { timeout: 180_000 },
  async () => {
    const states: PodStoreState[] = [];
    store = startPodStore(await openConnection({ kubeconfig: cluster.kubeconfigPath }), istioPodScope('istio-system'));
    store.onState((state) => states.push(state));
    // A create answered 500 fails that object only; applying again creates what is missing, as a learner would.
    let applied = await cluster.kubectl(['apply', '-f', demo122]);
    for (let tries = 1; applied.code !== 0 && tries < 3; tries++)
      applied = await cluster.kubectl(['apply', '-f', demo122]);
    assert.equal(applied.code, 0, applied.stderr);
    const current = store;
    await until(current, () => settled(current) && current.state().kind === 'synced');
    // The API server always answered: each retry says whether a watch dropped mid-stream or a list answered 500.
    const errors = states.flatMap((state) => (state.kind === 'reconnecting' ? [state.error] : []));
    assert.ok(errors.every((error) => error instanceof KubeError));
    const causes = new Set(
      (errors as KubeError[]).map((error) => `${error.details.verb} ${error.code} ${error.statusCode ?? ''}`.trim()),
    );
    assert.ok(causes.has('watch watch-dropped'), [...causes].join(', '));
    assert.deepEqual(
      [...causes].filter((cause) => cause !== 'watch watch-dropped' && cause !== 'list server-error 500'),
      [],
    );
  },
);
