// The disruption controller's arithmetic, as kubernetes v1.13.7 pkg/controller/disruption does it:
// minAvailable and maxUnavailable as ints and percentages (rounded up), which pods count healthy,
// and when no disruption is allowed.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import type { ControllerScale } from '../../../src/sandbox/controllers/disruption';
import {
  budgetStatus,
  countHealthyPods,
  disruptedPodMap,
  DELETION_TIMEOUT_MS,
  expectedPodCount,
  NoControllersError,
  podsForBudget,
  valueFromIntOrPercent,
} from '../../../src/sandbox/controllers/disruption';

const NOW = Date.parse('2019-07-01T12:00:00Z');

function pod(name: string, ready = true, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'lab', labels: { app: 'web' }, ...extra },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function pdb(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'lab', generation: 2 },
    spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
    status,
  };
}

/** Every pod belongs to one Deployment of `scale` replicas. */
const deploymentOf =
  (scale: number): ControllerScale =>
  () => ({ uid: 'deployment-uid', scale });

/** The pods a budget expects, and how many must be healthy, when one Deployment of `scale` owns the pods. */
const expectedOf = (budget: Record<string, unknown>, pods: KubeObject[], scale: number) =>
  expectedPodCount(pdb(budget), pods, deploymentOf(scale));

describe('PodDisruptionBudget arithmetic (disruption.go, v1.13)', () => {
  test('GetValueFromIntOrPercent: ints as they are, percentages of the total rounded up', () => {
    assert.equal(valueFromIntOrPercent(2, 10, true), 2);
    assert.equal(valueFromIntOrPercent('50%', 3, true), 2);
    assert.equal(valueFromIntOrPercent('50%', 3, false), 1);
    assert.equal(valueFromIntOrPercent('34%', 3, true), 2);
    // Atoi after dropping every "%": a bare number string is a percentage too.
    assert.equal(valueFromIntOrPercent('10', 20, true), 2);
    assert.throws(() => valueFromIntOrPercent('half', 4, true), /invalid value for IntOrString: invalid value "half"/);
  });

  test("minAvailable as an int expects the pods found; as a percentage, the controllers' scale", () => {
    const pods = [pod('a'), pod('b')];
    assert.deepEqual(expectedOf({ minAvailable: 1 }, pods, 5), { expectedCount: 2, desiredHealthy: 1 });
    assert.deepEqual(expectedOf({ minAvailable: '50%' }, pods, 5), { expectedCount: 5, desiredHealthy: 3 });
  });

  test("maxUnavailable subtracts from the controllers' scale, never below 0", () => {
    const pods = [pod('a'), pod('b'), pod('c')];
    assert.deepEqual(expectedOf({ maxUnavailable: 1 }, pods, 3), { expectedCount: 3, desiredHealthy: 2 });
    assert.deepEqual(expectedOf({ maxUnavailable: '50%' }, pods, 3), { expectedCount: 3, desiredHealthy: 1 });
    assert.deepEqual(expectedOf({ maxUnavailable: 5 }, pods, 3), { expectedCount: 3, desiredHealthy: 0 });
  });

  test('a percentage over a pod no controller owns is an error (the NoControllers event and failSafe)', () => {
    assert.throws(
      () => expectedPodCount(pdb({ minAvailable: '50%' }), [pod('bare')], () => undefined),
      (error: unknown) =>
        error instanceof NoControllersError && error.message === 'found no controllers for pod "bare"',
    );
    // An int minAvailable needs no controller.
    assert.deepEqual(
      expectedPodCount(pdb({ minAvailable: 1 }), [pod('bare')], () => undefined),
      { expectedCount: 1, desiredHealthy: 1 },
    );
  });

  test('healthy: ready, not being deleted, not approved for eviction within the deletion timeout', () => {
    const pods = [
      pod('ready'),
      pod('unready', false),
      pod('deleting', true, { deletionTimestamp: '2019-07-01T11:59:00Z' }),
      pod('evicted'),
      pod('evicted-long-ago'),
    ];
    const disrupted = {
      evicted: new Date(NOW - 1000).toISOString(),
      'evicted-long-ago': new Date(NOW - DELETION_TIMEOUT_MS - 1000).toISOString(),
    };
    assert.equal(countHealthyPods(pods, disrupted, NOW), 2);
    const map = disruptedPodMap(pdb({ minAvailable: 1 }, { disruptedPods: disrupted }), pods, NOW);
    assert.deepEqual(Object.keys(map.disrupted), ['evicted']);
    assert.deepEqual(
      map.overdue.map((entry) => entry.metadata.name),
      ['evicted-long-ago'],
    );
    assert.equal(map.recheckAt, NOW - 1000 + DELETION_TIMEOUT_MS);
  });

  test('disruptionsAllowed is healthy minus desired, 0 when negative or when no pod is expected; observedGeneration follows', () => {
    const budget = pdb({ minAvailable: 1 });
    assert.deepEqual(budgetStatus(budget, { currentHealthy: 3, desiredHealthy: 1, expectedCount: 3 }, {}), {
      currentHealthy: 3,
      desiredHealthy: 1,
      disruptionsAllowed: 2,
      expectedPods: 3,
      observedGeneration: 2,
    });
    assert.equal(
      budgetStatus(budget, { currentHealthy: 1, desiredHealthy: 1, expectedCount: 1 }, {}).disruptionsAllowed,
      0,
    );
    assert.equal(
      budgetStatus(budget, { currentHealthy: 0, desiredHealthy: 1, expectedCount: 1 }, {}).disruptionsAllowed,
      0,
    );
    assert.equal(
      budgetStatus(budget, { currentHealthy: 2, desiredHealthy: 0, expectedCount: 0 }, {}).disruptionsAllowed,
      0,
    );
  });

  test('a budget covers the pods of its namespace its selector matches; an empty selector none', () => {
    const other = { ...pod('other'), metadata: { name: 'other', namespace: 'elsewhere', labels: { app: 'web' } } };
    assert.deepEqual(
      podsForBudget(pdb({ minAvailable: 1 }), [pod('a'), other]).map((entry) => entry.metadata.name),
      ['a'],
    );
    assert.deepEqual(podsForBudget(pdb({ minAvailable: 1, selector: {} }), [pod('a')]), []);
  });
});
