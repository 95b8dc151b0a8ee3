// The sandbox's write-ahead log: every store change is on disk as it happens, a restart replays
// snapshot + log, a record torn by a crash is dropped, a write the disk refuses is refused whole
// (store, watches and log), and compaction keeps the same cluster.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { ObjectStore } from '../../../src/sandbox/storage/object-store';
import type { StoreEvent } from '../../../src/sandbox/storage/object-store';
import type { LogWriter } from '../../../src/sandbox/storage/state-file';
import {
  droppedTailMessage,
  loadState,
  logFilePath,
  LogWriteError,
  StateLog,
  stateFilePath,
} from '../../../src/sandbox/storage/state-file';

const configMap = (name: string, value = 'v'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { value },
});

/** A log as the sandbox opens one: after seeding, its first snapshot marks a finished start. */
function openLog(dir: string, store: ObjectStore, options?: ConstructorParameters<typeof StateLog>[2]): StateLog {
  const log = new StateLog(dir, store, options);
  log.compact();
  return log;
}

/** What a restart from `dir` sees: name → [resourceVersion, data.value]. */
function reload(dir: string): { store: ObjectStore; objects: Map<string, [string, unknown]> } {
  const store = new ObjectStore();
  loadState(dir, store);
  const objects = new Map(
    store
      .list('/configmaps')
      .map((object) => [
        object.metadata.name!,
        [object.metadata.resourceVersion!, (object.data as { value: unknown }).value] as [string, unknown],
      ]),
  );
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
    assert.equal(
      (JSON.parse(fs.readFileSync(stateFilePath(dir), 'utf8')) as { objects: unknown[] }).objects.length,
      0,
      'the snapshot is still the empty one',
    );
    const { store: restored, objects } = reload(dir);
    assert.deepEqual([...objects], [['b', ['4', 'changed']]]);
    assert.equal(
      restored.resourceVersion,
      5,
      'the deletion moved the resourceVersion on, and a restart keeps counting from there',
    );
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

  test('keeps every record before a damaged one, drops the rest and says where, keeping a copy of the dropped lines', () => {
    const store = new ObjectStore();
    openLog(dir, store);
    store.put('/configmaps', configMap('one'));
    const intactBytes = fs.statSync(logFilePath(dir)).size;
    store.put('/configmaps', configMap('two'));
    store.put('/configmaps', configMap('three'));
    // What the old sandbox left on a full disk: half a record, then the next record appended to it.
    const text = fs.readFileSync(logFilePath(dir), 'utf8');
    const lines = text.split('\n');
    fs.writeFileSync(logFilePath(dir), `${lines[0]}\n${lines[1].slice(0, 40)}${lines[2]}\n`);
    const restored = new ObjectStore();
    const loaded = loadState(dir, restored);
    assert.deepEqual(
      restored.list('/configmaps').map((object) => object.metadata.name),
      ['one'],
    );
    const dropped = loaded.dropped!;
    assert.equal(dropped.offset, intactBytes);
    assert.equal(dropped.keptRecords, 1);
    assert.equal(dropped.droppedLines, 1);
    assert.equal(fs.statSync(logFilePath(dir)).size, intactBytes, 'the log is cut back to its last complete record');
    assert.equal(
      droppedTailMessage('wal.log', dropped),
      `wal.log: kept 1 complete records; dropped ${dropped.bytes} bytes (1 line) from byte offset ${intactBytes}, where a record was torn by a crash or a full disk`,
    );
  });

  test('a damaged line with complete lines after it is dropped with them, and the dropped lines are kept beside the log', () => {
    const store = new ObjectStore();
    openLog(dir, store);
    for (const name of ['one', 'two', 'three']) store.put('/configmaps', configMap(name));
    const lines = fs.readFileSync(logFilePath(dir), 'utf8').split('\n');
    const damaged = `${lines[0]}\n${lines[1].replace('"two"', '"tw0"')}\n${lines[2]}\n`;
    fs.writeFileSync(logFilePath(dir), damaged);
    const { dropped } = loadState(dir, new ObjectStore());
    assert.equal(dropped?.droppedLines, 2);
    assert.equal(dropped?.savedTo, `${logFilePath(dir)}.dropped-${lines[0].length + 1}`);
    assert.equal(fs.readFileSync(dropped.savedTo, 'utf8'), `${lines[1].replace('"two"', '"tw0"')}\n${lines[2]}\n`);
    assert.match(
      droppedTailMessage('wal.log', dropped),
      /\(2 lines\).*; the dropped lines are in .*wal\.log\.dropped-/,
    );
    assert.deepEqual([...reload(dir).objects.keys()], ['one']);
  });

  test('compaction folds the log into the snapshot and the cluster reads back the same', () => {
    const store = new ObjectStore();
    const log = openLog(dir, store, { limits: { records: 3, bytes: Number.MAX_SAFE_INTEGER } });
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
    assert.deepEqual(loadState(dir, new ObjectStore()), { restored: false });
    assert.equal(fs.existsSync(logFilePath(dir)), false);
  });

  test('a write the full disk refuses is cut off the log and is neither stored, counted, nor watched', () => {
    const store = new ObjectStore();
    let isDiskFull = false;
    let tornBytes = 0;
    const writer: LogWriter = {
      // The first half of the record reaches the file, as a short write on a filling disk does; then ENOSPC.
      writeSync: (fd, buffer, offset) => {
        if (!isDiskFull) return fs.writeSync(fd, buffer, offset);
        if (offset === 0) return (tornBytes = fs.writeSync(fd, buffer, 0, Math.floor(buffer.length / 2)));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
          errno: -28,
          syscall: 'write',
        });
      },
      ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
    };
    openLog(dir, store, { writer });
    store.put('/configmaps', configMap('before'));
    const logBytes = fs.statSync(logFilePath(dir)).size;
    const resourceVersion = store.resourceVersion;
    const seen: StoreEvent[] = [];
    store.subscribe((event) => seen.push(event));

    isDiskFull = true;
    assert.throws(
      () => store.put('/configmaps', configMap('refused')),
      (error: Error) =>
        error instanceof LogWriteError &&
        /could not write .*wal\.log \(ENOSPC: no space left on device, write\); the change was not made/.test(
          error.message,
        ),
    );
    assert.throws(() => store.remove('/configmaps', 'default', 'before'), LogWriteError);
    assert.ok(tornBytes > 0, 'the simulated disk took half a record');
    assert.equal(store.get('/configmaps', 'default', 'refused'), undefined);
    assert.ok(store.get('/configmaps', 'default', 'before'), 'the refused delete left the object');
    assert.equal(store.resourceVersion, resourceVersion);
    assert.deepEqual(store.eventsSince(resourceVersion), []);
    assert.equal(seen.length, 0, 'no watch saw a refused write');
    assert.equal(fs.statSync(logFilePath(dir)).size, logBytes, 'the torn half record is cut off');

    isDiskFull = false;
    store.put('/configmaps', configMap('after'));
    assert.equal(seen.length, 1);
    assert.equal(seen[0].resourceVersion, resourceVersion + 1, 'the refused writes used no resourceVersion');
    const { objects } = reload(dir);
    assert.deepEqual([...objects].sort(), [
      ['after', [String(resourceVersion + 1), 'v']],
      ['before', [String(resourceVersion), 'v']],
    ]);
    assert.equal(loadState(dir, new ObjectStore()).dropped, undefined, 'the log holds no torn record');
  });

  test('while a torn record cannot be cut off, every write is refused; the first that can cut it goes on', () => {
    const store = new ObjectStore();
    let isDiskFull = false;
    const failure = (syscall: string) =>
      Object.assign(new Error(`ENOSPC: no space left on device, ${syscall}`), { code: 'ENOSPC', syscall });
    const writer: LogWriter = {
      writeSync: (fd, buffer, offset) => {
        if (!isDiskFull) return fs.writeSync(fd, buffer, offset);
        if (offset === 0) return fs.writeSync(fd, buffer, 0, 10);
        throw failure('write');
      },
      ftruncateSync: (fd, length) => {
        if (isDiskFull) throw failure('ftruncate');
        fs.ftruncateSync(fd, length);
      },
    };
    openLog(dir, store, { writer });
    store.put('/configmaps', configMap('before'));
    const logBytes = fs.statSync(logFilePath(dir)).size;
    isDiskFull = true;
    assert.throws(() => store.put('/configmaps', configMap('torn')), LogWriteError);
    assert.equal(fs.statSync(logFilePath(dir)).size, logBytes + 10, 'the torn bytes are still there');
    assert.throws(
      () => store.put('/configmaps', configMap('refused')),
      /could not cut a torn record off .*wal\.log \(ENOSPC: no space left on device, ftruncate\)/,
    );
    assert.equal(fs.statSync(logFilePath(dir)).size, logBytes + 10, 'nothing was appended after the torn record');
    isDiskFull = false;
    store.put('/configmaps', configMap('after'));
    assert.deepEqual([...reload(dir).objects.keys()].sort(), ['after', 'before']);
    assert.deepEqual(
      store.list('/configmaps').map((object) => object.metadata.name),
      ['after', 'before'],
    );
  });
});
