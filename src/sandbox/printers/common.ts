// The columns and cells nearly every printer shares: NAME, AGE, and the wide CONTAINERS / IMAGES;
// `namedPrinter` frames a kind's own columns between NAME and AGE.
import type { KubeObject } from '../apimachinery/kube-object';
import { DOC } from './descriptions';
import { since } from '../../shared/kubectl-time';
import type { Cell, Printer, TableColumnDefinition } from './table';
import { column } from './table';
import { asString } from './values';

export const nameColumn = column('Name', 'string', DOC.name, { format: 'name' });
export const ageColumn = column('Age', 'string', DOC.creationTimestamp);
export const containersColumn = column('Containers', 'string', DOC.containers, { priority: 1 });
export const imagesColumn = column('Images', 'string', DOC.images, { priority: 1 });

export const nameOf = (object: KubeObject): string => asString(object.metadata.name);

/** translateTimestampSince(obj.CreationTimestamp). */
export const ageOf = (object: KubeObject, now: Date): string => since(object.metadata.creationTimestamp, now);

/** A kind's own part of the usual table: NAME, `columns`, AGE, then `afterAge` (mostly wide-only). */
export interface NamedColumns {
  readonly columns: readonly TableColumnDefinition[];
  readonly afterAge?: readonly TableColumnDefinition[];
  /** One cell per column of `columns`, then one per column of `afterAge`. */
  cells(object: KubeObject, now: Date): Cell[];
}

/** The printer of a kind whose table is NAME, its own columns, AGE and what follows AGE. */
export function namedPrinter({ columns, afterAge = [], cells }: NamedColumns): Printer {
  return {
    columns: [nameColumn, ...columns, ageColumn, ...afterAge],
    row(object, now) {
      const own = cells(object, now);
      return {
        cells: [nameOf(object), ...own.slice(0, columns.length), ageOf(object, now), ...own.slice(columns.length)],
      };
    },
  };
}
