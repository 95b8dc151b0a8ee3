// `--state DIR`: the cluster's objects survive a restart of the sandbox, as a real cluster's etcd
// does, and survive a crash too. Like etcd it keeps a write-ahead log: every change the store
// makes is appended to `wal.log` before the API server answers the write, and the log is
// compacted now and then into a snapshot (`objects.json`, written to a temporary file and renamed).
// On start the snapshot is loaded and the log replayed; a record torn by a crash mid-append (the
// last one, never acknowledged) is dropped. A kill -9 loses nothing acknowledged: records reach
// the operating system with write(2) before the answer does. (They are not fsync'ed, so a power
// cut of the machine itself may lose the last moments, as etcd with fsync off would.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { KubeObject } from '../apimachinery/kube-object';
import type { ObjectStore, StoreEvent } from './object-store';

interface SavedState {
  format: 'istio-lab-sandbox-state/v1';
  resourceVersion: number;
  objects: { storageKey: string; object: KubeObject }[];
}

/** One change, as a line of the log: `<crc32 of the JSON, 8 hex digits> <JSON>\n`. */
type LogRecord =
  | { rv: number; op: 'put'; key: string; object: KubeObject }
  | { rv: number; op: 'delete'; key: string; namespace?: string; name: string };

export class StateFileError extends Error {}

/** Records appended before the log is folded into the snapshot. */
const COMPACT_AFTER_RECORDS = 20_000;
const COMPACT_AFTER_BYTES = 64 * 1024 * 1024;

export function stateFilePath(stateDir: string): string {
  return path.join(stateDir, 'objects.json');
}

export function logFilePath(stateDir: string): string {
  return path.join(stateDir, 'wal.log');
}

const entryKey = (storageKey: string, namespace: string | undefined, name: string): string => `${storageKey}\u0000${namespace ?? ''}/${name}`;

function readSnapshot(stateDir: string): SavedState | undefined {
  const file = stateFilePath(stateDir);
  if (!fs.existsSync(file)) return undefined;
  let saved: SavedState;
  try {
    saved = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedState;
  } catch (error) {
    throw new StateFileError(`the sandbox state file ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); move it away to start with an empty cluster`);
  }
  if (saved?.format !== 'istio-lab-sandbox-state/v1' || !Array.isArray(saved.objects)) {
    throw new StateFileError(`the sandbox state file ${file} was not written by this sandbox; move it away to start with an empty cluster`);
  }
  return saved;
}

export function encodeRecord(record: LogRecord): string {
  const json = JSON.stringify(record);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/**
 * The complete records of a log and the byte length they end at. Only the last line can be torn
 * (the process died while appending it, before anyone was answered): it is left out. A damaged
 * record before the last is real corruption and stops the start.
 */
export function decodeLog(data: Buffer, file: string): { records: LogRecord[]; validBytes: number } {
  const records: LogRecord[] = [];
  let offset = 0;
  let line = 0;
  while (offset < data.length) {
    const end = data.indexOf(0x0a, offset);
    if (end === -1) break;
    line++;
    const text = data.subarray(offset, end).toString('utf8');
    const space = text.indexOf(' ');
    const json = text.slice(space + 1);
    const isIntact = space === 8 && parseInt(text.slice(0, 8), 16) === crc32(json);
    if (!isIntact) {
      if (end + 1 >= data.length) break;
      throw new StateFileError(`the sandbox write-ahead log ${file} is damaged at line ${line}; move the state directory away to start with an empty cluster`);
    }
    records.push(JSON.parse(json) as LogRecord);
    offset = end + 1;
  }
  return { records, validBytes: offset };
}

/**
 * Loads the snapshot and replays the log into the store; false when there is nothing saved yet.
 * The log is cut back to its last complete record, so new records never follow a torn one.
 */
export function loadState(stateDir: string, store: ObjectStore): boolean {
  const snapshot = readSnapshot(stateDir);
  const logFile = logFilePath(stateDir);
  if (!snapshot) {
    // The first snapshot is written once the cluster is seeded, before it serves anyone: a log
    // without one is a start that crashed mid-seed, with nothing acknowledged. Start afresh.
    fs.rmSync(logFile, { force: true });
    return false;
  }
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile) : undefined;
  const objects = new Map<string, { storageKey: string; object: KubeObject }>();
  let resourceVersion = Number(snapshot.resourceVersion) || 0;
  for (const entry of snapshot.objects) objects.set(entryKey(entry.storageKey, entry.object.metadata.namespace, entry.object.metadata.name!), entry);
  if (log) {
    const { records, validBytes } = decodeLog(log, logFile);
    // Records up to the snapshot's resourceVersion are in it already (a crash between writing
    // the snapshot and emptying the log leaves them behind).
    for (const record of records) {
      if (record.rv <= (Number(snapshot.resourceVersion) || 0)) continue;
      if (record.op === 'put') objects.set(entryKey(record.key, record.object.metadata.namespace, record.object.metadata.name!), { storageKey: record.key, object: record.object });
      else objects.delete(entryKey(record.key, record.namespace, record.name));
      resourceVersion = Math.max(resourceVersion, record.rv);
    }
    if (validBytes < log.length) fs.truncateSync(logFile, validBytes);
  }
  for (const { storageKey, object } of objects.values()) store.restore(storageKey, object, Number(object.metadata.resourceVersion ?? 0));
  store.advanceTo(resourceVersion);
  return true;
}

export function saveState(stateDir: string, store: ObjectStore): void {
  const state: SavedState = {
    format: 'istio-lab-sandbox-state/v1',
    resourceVersion: store.resourceVersion,
    objects: [...store.entries()].map(([storageKey, object]) => ({ storageKey, object })),
  };
  const file = stateFilePath(stateDir);
  fs.mkdirSync(stateDir, { recursive: true });
  const temporary = `${file}.tmp`;
  const fd = fs.openSync(temporary, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(state));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

function recordOf(event: StoreEvent): LogRecord {
  const { metadata } = event.object;
  return event.type === 'DELETED'
    ? { rv: event.resourceVersion, op: 'delete', key: event.storageKey, ...(metadata.namespace ? { namespace: metadata.namespace } : {}), name: metadata.name! }
    : { rv: event.resourceVersion, op: 'put', key: event.storageKey, object: event.object };
}

/**
 * Appends every store change to the log as it happens (store listeners run inside the write,
 * before the API server answers), and folds the log into the snapshot once it grows large, and
 * on close. Subscribe it before anything else listens, so no watcher sees a change the log lacks.
 */
export class StateLog {
  private fd: number;
  private records = 0;
  private bytes = 0;
  private compaction: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly stateDir: string,
    private readonly store: ObjectStore,
    private readonly limits = { records: COMPACT_AFTER_RECORDS, bytes: COMPACT_AFTER_BYTES },
  ) {
    fs.mkdirSync(stateDir, { recursive: true });
    this.fd = fs.openSync(logFilePath(stateDir), 'a', 0o600);
    this.bytes = fs.fstatSync(this.fd).size;
    this.unsubscribe = store.subscribe((event) => this.append(event));
  }

  private append(event: StoreEvent): void {
    const line = Buffer.from(encodeRecord(recordOf(event)), 'utf8');
    let written = 0;
    while (written < line.length) written += fs.writeSync(this.fd, line, written);
    this.records++;
    this.bytes += line.length;
    if ((this.records >= this.limits.records || this.bytes >= this.limits.bytes) && !this.compaction) {
      // Not inside the write that crossed the limit: that request is still being answered.
      this.compaction = setTimeout(() => this.compact(), 0);
      this.compaction.unref();
    }
  }

  /** Writes the snapshot (atomic rename), then empties the log it now holds. */
  compact(): void {
    if (this.compaction) clearTimeout(this.compaction);
    this.compaction = undefined;
    saveState(this.stateDir, this.store);
    fs.ftruncateSync(this.fd, 0);
    this.records = 0;
    this.bytes = 0;
  }

  close(): void {
    this.unsubscribe();
    this.compact();
    fs.closeSync(this.fd);
  }
}
