// k8s.io/apiserver's default table convertor: what the real server answers for kinds without a
// printer (roles, cluster roles, CRDs themselves, limit ranges…): NAME and CREATED AT.
import { DOC } from './descriptions';
import { formatRFC3339 } from '../../shared/kubectl-time';
import type { Printer } from './table';
import { column } from './table';
import { asString } from './values';

export const defaultPrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Created At', 'date', DOC.creationTimestamp),
  ],
  // Not an age: the creation time itself, in UTC, to the second.
  row: (object) => ({ cells: [asString(object.metadata.name), formatRFC3339(object.metadata.creationTimestamp)] }),
};
