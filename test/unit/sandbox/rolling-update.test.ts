// The rolling update's arithmetic, against the cases of kubernetes v1.13
// pkg/controller/deployment/util/deployment_util_test.go and rolling_test.go.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  maxSurge,
  maxUnavailable,
  newReplicaSetReplicas,
  oldReplicaSetReplicas,
  resolveFenceposts,
  valueFromIntOrPercent,
} from '../../../src/sandbox/controllers/rolling-update';

const rolling = (replicas: number, surge: number | string = '25%', unavailable: number | string = '25%') => ({
  replicas,
  strategy: 'RollingUpdate',
  maxSurge: surge,
  maxUnavailable: unavailable,
});

describe('rolling update fenceposts', () => {
  test('percentages round up for surge and down for unavailable', () => {
    assert.equal(valueFromIntOrPercent('25%', 10, true), 3);
    assert.equal(valueFromIntOrPercent('25%', 10, false), 2);
    assert.equal(valueFromIntOrPercent(4, 10, false), 4);
    assert.deepEqual(resolveFenceposts('25%', '25%', 3), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts('25%', '25%', 1), { surge: 1, unavailable: 0 });
  });

  test('both zero would stall a rollout, so one pod may be unavailable', () => {
    assert.deepEqual(resolveFenceposts(0, 0, 5), { surge: 0, unavailable: 1 });
    assert.deepEqual(resolveFenceposts('0%', '10%', 5), { surge: 0, unavailable: 1 });
  });

  test('maxUnavailable never exceeds the replicas and is 0 for Recreate or no replicas', () => {
    assert.equal(maxUnavailable(rolling(2, 0, 5)), 2);
    assert.equal(maxUnavailable(rolling(0)), 0);
    assert.equal(maxUnavailable({ replicas: 4, strategy: 'Recreate' }), 0);
    assert.equal(maxSurge({ replicas: 4, strategy: 'Recreate' }), 0);
    assert.equal(maxSurge(rolling(10)), 3);
  });
});

describe('rolling update steps', () => {
  test('the new ReplicaSet grows only into the surge the old pods leave', () => {
    // 4 replicas, 25 %: surge 1, so 5 pods at most.
    assert.equal(newReplicaSetReplicas(rolling(4), 0, [{ replicas: 4, available: 4 }]), 1);
    assert.equal(
      newReplicaSetReplicas(rolling(4), 1, [
        { replicas: 1, available: 0 },
        { replicas: 4, available: 4 },
      ]),
      1,
    );
    assert.equal(
      newReplicaSetReplicas(rolling(4), 1, [
        { replicas: 1, available: 0 },
        { replicas: 3, available: 3 },
      ]),
      2,
    );
    assert.equal(newReplicaSetReplicas(rolling(4), 6, []), 4, 'a new ReplicaSet larger than wanted scales down to it');
    assert.equal(newReplicaSetReplicas({ replicas: 4, strategy: 'Recreate' }, 0, [{ replicas: 4, available: 4 }]), 4);
  });

  test('old ReplicaSets shrink while replicas − maxUnavailable stay available', () => {
    // 4 replicas: min available 3. New RS has 1 unavailable pod: one old pod may go.
    assert.deepEqual(
      oldReplicaSetReplicas(rolling(4), { replicas: 1, available: 0 }, [{ replicas: 4, available: 4 }]),
      [3],
    );
    // Nothing new is available yet and one old pod has gone: no further step.
    assert.deepEqual(
      oldReplicaSetReplicas(rolling(4), { replicas: 2, available: 0 }, [{ replicas: 3, available: 3 }]),
      [3],
    );
    // Two new pods available: two old ones may go.
    assert.deepEqual(
      oldReplicaSetReplicas(rolling(4), { replicas: 2, available: 2 }, [{ replicas: 3, available: 3 }]),
      [1],
    );
  });

  test('unhealthy old replicas go first, oldest ReplicaSet first', () => {
    // rolling_test.go TestDeploymentController_cleanupUnhealthyReplicas: old pods that are not available are free to remove.
    // 10 replicas, 2 unavailable: 8 must stay available, so 2 may go, both from the unhealthy oldest.
    assert.deepEqual(
      oldReplicaSetReplicas(rolling(10, 3, 2), { replicas: 0, available: 0 }, [
        { replicas: 5, available: 2 },
        { replicas: 5, available: 5 },
      ]),
      [3, 5],
    );
    // With 6 available old pods and 4 new ones, 2 more may go after the 3 unhealthy ones.
    assert.deepEqual(
      oldReplicaSetReplicas(rolling(10, 3, 2), { replicas: 4, available: 4 }, [
        { replicas: 5, available: 2 },
        { replicas: 4, available: 4 },
      ]),
      [0, 4],
    );
    assert.deepEqual(
      oldReplicaSetReplicas(rolling(4), { replicas: 4, available: 4 }, [{ replicas: 0, available: 0 }]),
      [0],
    );
  });
});
