// The sandbox's write-ahead log: every store change is on disk as it happens, a restart replays
// snapshot + log, a record torn by a crash is dropped, and compaction keeps the same cluster.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { ObjectStore } from '../../../src/sandbox/storage/object-store';
import { loadState, logFilePath, StateFileError, StateLog, stateFilePath } from '../../../src/sandbox/storage/state-file';

const configMap = (name: string, value = 'v'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { value } });

/** A log as the sandbox opens one: after seeding, its first snapshot marks a finished start. */
function openLog(dir: string, store: ObjectStore, limits?: { records: number; bytes: number }): StateLog {
  const log = new StateLog(dir, store, limits);
  log.compact();
  return log;
}

/** What a restart from `dir` sees: name → [resourceVersion, data.value]. */
function reload(dir: string): { store: ObjectStore; objects: Map<string, [string, unknown]> } {
  const store = new ObjectStore();
  loadState(dir, store);
  const objects = new Map(store.list('/configmaps').map((object) => [object.metadata.name!, [object.metadata.resourceVersion!, (object.data as { value: unknown }).value] as [string, unknown]]));
  return { store, objects };
}

describe('the sandbox write-ahead log', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-wal-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('has every change on disk the moment the store makes it, without a new snapshot or a clean close', () => {
    const store = new ObjectStore();
    openLog(dir, store);
    store.put('/configmaps', configMap('a'));
    const b = store.put('/configmaps', configMap('b'));
    store.put('/configmaps', { ...b, data: { value: 'changed' } });
    store.remove('/configmaps', 'default', 'a');
    assert.equal((JSON.parse(fs.readFileSync(stateFilePath(dir), 'utf8')) as { objects: unknown[] }).objects.length, 0, 'the snapshot is still the empty one');
    const { store: restored, objects } = reload(dir);
    assert.deepEqual([...objects], [['b', ['4', 'changed']]]);
    assert.equal(restored.resourceVersion, 5, 'the deletion moved the resourceVersion on, and a restart keeps counting from there');
  });

  test('drops a record torn by a crash mid-append and cuts the log back before appending again', () => {
    const store = new ObjectStore();
    openLog(dir, store);
    store.put('/configmaps', configMap('kept'));
    fs.appendFileSync(logFilePath(dir), '1234abcd {"rv":9,"op":"put","key":"/configmaps","obj');
    const { store: restored, objects } = reload(dir);
    assert.deepEqual([...objects.keys()], ['kept']);
    const log = new StateLog(dir, restored);
    restored.put('/configmaps', configMap('after'));
    log.close();
    assert.deepEqual([...reload(dir).objects.keys()].sort(), ['after', 'kept']);
  });

  test('refuses a log damaged before its last record, saying how to start afresh', () => {
    const store = new ObjectStore();
    openLog(dir, store);
    store.put('/configmaps', configMap('one'));
    store.put('/configmaps', configMap('two'));
    const text = fs.readFileSync(logFilePath(dir), 'utf8');
    fs.writeFileSync(logFilePath(dir), text.replace('"one"', '"0ne"'));
    assert.throws(() => reload(dir), (error: Error) => error instanceof StateFileError && /damaged at line 1; move the state directory away/.test(error.message));
  });

  test('compaction folds the log into the snapshot and the cluster reads back the same', () => {
    const store = new ObjectStore();
    const log = openLog(dir, store, { records: 3, bytes: Number.MAX_SAFE_INTEGER });
    for (const name of ['a', 'b', 'c', 'd']) store.put('/configmaps', configMap(name));
    log.compact();
    assert.equal(fs.statSync(logFilePath(dir)).size, 0);
    store.remove('/configmaps', 'default', 'b');
    const { store: restored, objects } = reload(dir);
    assert.deepEqual([...objects.keys()].sort(), ['a', 'c', 'd']);
    assert.equal(restored.resourceVersion, store.resourceVersion);
  });

  test('records a crash left behind between snapshot and emptied log are not applied twice', () => {
    const store = new ObjectStore();
    const log = openLog(dir, store);
    store.put('/configmaps', configMap('a'));
    const before = fs.readFileSync(logFilePath(dir));
    store.remove('/configmaps', 'default', 'a');
    log.compact();
    // As if the process died after the snapshot's rename but before the log was emptied.
    fs.writeFileSync(logFilePath(dir), before);
    assert.deepEqual([...reload(dir).objects.keys()], []);
  });

  test('a log without a snapshot is a start that crashed while seeding: the next start begins afresh', () => {
    const store = new ObjectStore();
    new StateLog(dir, store);
    store.put('/configmaps', configMap('half-seeded'));
    assert.equal(loadState(dir, new ObjectStore()), false);
    assert.equal(fs.existsSync(logFilePath(dir)), false);
  });
});
