// The meta.k8s.io Table shapes and the contract every per-kind printer fulfils.
import type { KubeObject } from '../apimachinery/kube-object';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** A cell is whatever JSON the real printer puts there: a string, an integer, a boolean, or null. */
export type Cell = string | number | boolean | null;

export interface TableRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
  /** PartialObjectMetadata, the full object, or null (`includeObject=None`). */
  object: unknown;
}

// A type alias rather than an interface so that callers may treat a Table as a plain record.
export type Table = {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  /** null on watch events after the first, as the real server sends (TableOptions.NoHeaders). */
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
};

export interface PrintedRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
}

/** One kind's columns and cell logic, as `printers.go` registers them with `TableHandler`. */
export interface Printer {
  readonly columns: readonly TableColumnDefinition[];
  row(object: KubeObject, now: Date): PrintedRow;
}

/** Go's zero values: format "" and priority 0 are always sent. */
export function column(
  name: string,
  type: string,
  description: string,
  options: { format?: string; priority?: number } = {},
): TableColumnDefinition {
  return { name, type, format: options.format ?? '', description, priority: options.priority ?? 0 };
}
