// `--state DIR`: the cluster's objects survive a restart of the sandbox, as a real cluster's etcd
// does, and survive a crash too. Like etcd it keeps a write-ahead log: every change the store
// makes is appended to `wal.log` before the API server answers the write, and the log is
// compacted now and then into a snapshot (`objects.json`, written to a temporary file and renamed).
// On start the snapshot is loaded and the log replayed up to the first torn record (a crash or a
// full disk mid-append, never acknowledged), which is cut off and reported. An append that fails
// is cut back and the change refused, so a full disk costs the writes it refused and no more.
// A kill -9 loses nothing acknowledged: records reach the operating system with write(2) before
// the answer does. (They are not fsync'ed, so a power
// cut of the machine itself may lose the last moments, as etcd with fsync off would.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomically } from './atomic-file';
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

const entryKey = (storageKey: string, namespace: string | undefined, name: string): string =>
  `${storageKey}\u0000${namespace ?? ''}/${name}`;

function readSnapshot(stateDir: string): SavedState | undefined {
  const file = stateFilePath(stateDir);
  if (!fs.existsSync(file)) return undefined;
  let saved: SavedState;
  try {
    saved = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedState;
  } catch (error) {
    throw new StateFileError(
      `the sandbox state file ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); move it away to start with an empty cluster`,
    );
  }
  if (saved?.format !== 'istio-lab-sandbox-state/v1' || !Array.isArray(saved.objects)) {
    throw new StateFileError(
      `the sandbox state file ${file} was not written by this sandbox; move it away to start with an empty cluster`,
    );
  }
  return saved;
}

export function encodeRecord(record: LogRecord): string {
  const json = JSON.stringify(record);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/** What start-up cut off the end of the log: a record torn by a crash or a full disk, and whatever followed it. */
export interface DroppedTail {
  /** Where the first damaged record starts, in bytes from the start of the log. */
  readonly offset: number;
  readonly bytes: number;
  /** Complete records kept before it. */
  readonly keptRecords: number;
  /** Lines dropped, the damaged one included (a torn last record without its newline counts as one). */
  readonly droppedLines: number;
  /** Where the dropped bytes were copied when they held more than a torn last record. */
  readonly savedTo?: string;
}

/**
 * The complete records of a log up to the first damaged one, and the byte length they end at.
 * Like etcd's WAL (server/storage/wal/repair.go), start-up keeps every record before a torn one
 * and cuts the rest: a record is torn when the process died, or the disk filled, while it was
 * being appended, and nothing after it was acknowledged by a sandbox that cuts torn records back.
 */
export function decodeLog(data: Buffer): { records: LogRecord[]; validBytes: number } {
  const records: LogRecord[] = [];
  let offset = 0;
  while (offset < data.length) {
    const end = data.indexOf(0x0a, offset);
    if (end === -1) break;
    const record = decodeLine(data.subarray(offset, end).toString('utf8'));
    if (!record) break;
    records.push(record);
    offset = end + 1;
  }
  return { records, validBytes: offset };
}

function decodeLine(text: string): LogRecord | undefined {
  const space = text.indexOf(' ');
  const json = text.slice(space + 1);
  if (space !== 8 || parseInt(text.slice(0, 8), 16) !== crc32(json)) return undefined;
  try {
    return JSON.parse(json) as LogRecord;
  } catch {
    return undefined;
  }
}

/** Cuts the log back to its last complete record, keeping a copy of dropped complete lines. */
function cutDamagedTail(logFile: string, log: Buffer, validBytes: number, keptRecords: number): DroppedTail {
  const tail = log.subarray(validBytes);
  const newlines = tail.reduce((count, byte) => count + (byte === 0x0a ? 1 : 0), 0);
  const droppedLines = newlines + (tail[tail.length - 1] === 0x0a ? 0 : 1);
  let savedTo: string | undefined;
  if (droppedLines > 1) {
    // More than one torn record: lines after the damage may have been acknowledged once. Keep them for a person to read.
    savedTo = `${logFile}.dropped-${validBytes}`;
    fs.writeFileSync(savedTo, tail, { mode: 0o600 });
  }
  fs.truncateSync(logFile, validBytes);
  return { offset: validBytes, bytes: tail.length, keptRecords, droppedLines, ...(savedTo ? { savedTo } : {}) };
}

/** The start-up log line for a dropped tail. */
export function droppedTailMessage(logFile: string, dropped: DroppedTail): string {
  const saved = dropped.savedTo ? `; the dropped lines are in ${dropped.savedTo}` : '';
  return (
    `${logFile}: kept ${dropped.keptRecords} complete records; dropped ${dropped.bytes} bytes (${dropped.droppedLines} ` +
    `${dropped.droppedLines === 1 ? 'line' : 'lines'}) from byte offset ${dropped.offset}, where a record was torn by a crash or a full disk${saved}`
  );
}

export interface LoadedState {
  /** False when nothing was saved yet: the cluster starts empty and is seeded. */
  readonly restored: boolean;
  readonly dropped?: DroppedTail;
}

/**
 * Loads the snapshot and replays the log into the store. The log is cut back to its last complete
 * record, so new records never follow a torn one.
 */
export function loadState(stateDir: string, store: ObjectStore): LoadedState {
  const snapshot = readSnapshot(stateDir);
  const logFile = logFilePath(stateDir);
  if (!snapshot) {
    // The first snapshot is written once the cluster is seeded, before it serves anyone: a log
    // without one is a start that crashed mid-seed, with nothing acknowledged. Start afresh.
    fs.rmSync(logFile, { force: true });
    return { restored: false };
  }
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile) : undefined;
  const objects = new Map<string, { storageKey: string; object: KubeObject }>();
  let resourceVersion = Number(snapshot.resourceVersion) || 0;
  let dropped: DroppedTail | undefined;
  for (const entry of snapshot.objects)
    objects.set(entryKey(entry.storageKey, entry.object.metadata.namespace, entry.object.metadata.name!), entry);
  if (log) {
    const { records, validBytes } = decodeLog(log);
    // Records up to the snapshot's resourceVersion are in it already (a crash between writing
    // the snapshot and emptying the log leaves them behind).
    for (const record of records) {
      if (record.rv <= (Number(snapshot.resourceVersion) || 0)) continue;
      if (record.op === 'put')
        objects.set(entryKey(record.key, record.object.metadata.namespace, record.object.metadata.name!), {
          storageKey: record.key,
          object: record.object,
        });
      else objects.delete(entryKey(record.key, record.namespace, record.name));
      resourceVersion = Math.max(resourceVersion, record.rv);
    }
    if (validBytes < log.length) dropped = cutDamagedTail(logFile, log, validBytes, records.length);
  }
  for (const { storageKey, object } of objects.values())
    store.restore(storageKey, object, Number(object.metadata.resourceVersion ?? 0));
  store.advanceTo(resourceVersion);
  return { restored: true, ...(dropped ? { dropped } : {}) };
}

export function saveState(stateDir: string, store: ObjectStore): void {
  const state: SavedState = {
    format: 'istio-lab-sandbox-state/v1',
    resourceVersion: store.resourceVersion,
    objects: [...store.entries()].map(([storageKey, object]) => ({ storageKey, object })),
  };
  writeFileAtomically(stateFilePath(stateDir), JSON.stringify(state));
}

function recordOf(event: StoreEvent): LogRecord {
  const { metadata } = event.object;
  return event.type === 'DELETED'
    ? {
        rv: event.resourceVersion,
        op: 'delete',
        key: event.storageKey,
        ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
        name: metadata.name!,
      }
    : { rv: event.resourceVersion, op: 'put', key: event.storageKey, object: event.object };
}

/** The write calls the log makes; a test passes one that fails as a full disk does, the rest stays real. */
export interface LogWriter {
  writeSync(fd: number, buffer: Buffer, offset: number): number;
  ftruncateSync(fd: number, length: number): void;
}

const FILE_SYSTEM: LogWriter = {
  writeSync: (fd, buffer, offset) => fs.writeSync(fd, buffer, offset),
  ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
};

/** A change the log could not take (ENOSPC, EIO, a file size limit): the store refused it, and nobody saw it. */
export class LogWriteError extends Error {}

export interface StateLogOptions {
  /** Records and bytes appended before the log is folded into the snapshot. */
  limits?: { records: number; bytes: number };
  writer?: LogWriter;
  /** Problems the log survives (a compaction that failed), for the sandbox's own log. */
  warn?: (message: string) => void;
}

/**
 * Appends every store change to the log before the store applies it (the store's write-ahead hook
 * runs inside the write, before the API server answers and before any watch sees it), and folds
 * the log into the snapshot once it grows large, and on close. An append that fails is cut back
 * off the log and refused, so the store, the watches and the log all stay without the change.
 */
export class StateLog {
  private readonly fd: number;
  private readonly limits: { records: number; bytes: number };
  private readonly writer: LogWriter;
  private records = 0;
  /** The log's length in complete records; anything past it is a torn append still to be cut. */
  private bytes = 0;
  private isTorn = false;
  private compaction: NodeJS.Timeout | undefined;

  constructor(
    private readonly stateDir: string,
    private readonly store: ObjectStore,
    private readonly options: StateLogOptions = {},
  ) {
    this.limits = options.limits ?? { records: COMPACT_AFTER_RECORDS, bytes: COMPACT_AFTER_BYTES };
    this.writer = options.writer ?? FILE_SYSTEM;
    fs.mkdirSync(stateDir, { recursive: true });
    this.fd = fs.openSync(logFilePath(stateDir), 'a', 0o600);
    this.bytes = fs.fstatSync(this.fd).size;
    store.setWriteAhead((event) => this.append(event));
  }

  private append(event: StoreEvent): void {
    // A torn append that could not be cut back yet (the disk still full): no record may follow it.
    if (this.isTorn) this.cutTornAppend();
    const line = Buffer.from(encodeRecord(recordOf(event)), 'utf8');
    let written = 0;
    try {
      while (written < line.length) written += this.writer.writeSync(this.fd, line, written);
    } catch (error) {
      this.isTorn = written > 0;
      if (this.isTorn) this.tryCutTornAppend();
      const reason = error instanceof Error ? error.message : String(error);
      throw new LogWriteError(
        `the sandbox could not write ${logFilePath(this.stateDir)} (${reason}); the change was not made`,
        { cause: error },
      );
    }
    this.records++;
    this.bytes += line.length;
    if ((this.records >= this.limits.records || this.bytes >= this.limits.bytes) && !this.compaction) {
      // Not inside the write that crossed the limit: that request is still being answered.
      this.compaction = setTimeout(() => this.compactOrWarn(), 0);
      this.compaction.unref();
    }
  }

  private tryCutTornAppend(): void {
    try {
      this.cutTornAppend();
    } catch {
      // Still torn: the next append tries again before it writes, and refuses while it cannot.
    }
  }

  private cutTornAppend(): void {
    try {
      this.writer.ftruncateSync(this.fd, this.bytes);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new LogWriteError(
        `the sandbox could not cut a torn record off ${logFilePath(this.stateDir)} (${reason}); the change was not made`,
        { cause: error },
      );
    }
    this.isTorn = false;
  }

  private compactOrWarn(): void {
    try {
      this.compact();
    } catch (error) {
      // The log still holds every change: nothing is lost, the snapshot is only late.
      this.options.warn?.(
        `could not fold ${logFilePath(this.stateDir)} into ${stateFilePath(this.stateDir)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Writes the snapshot (atomic rename), then empties the log it now holds. */
  compact(): void {
    if (this.compaction) clearTimeout(this.compaction);
    this.compaction = undefined;
    saveState(this.stateDir, this.store);
    this.writer.ftruncateSync(this.fd, 0);
    this.records = 0;
    this.bytes = 0;
    this.isTorn = false;
  }

  close(): void {
    this.store.setWriteAhead(undefined);
    try {
      this.compactOrWarn();
    } finally {
      fs.closeSync(this.fd);
    }
  }
}
