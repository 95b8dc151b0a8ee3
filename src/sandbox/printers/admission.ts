// Admission webhook configurations (printers.go, v1.32): how many webhooks each one registers.
import { DOC } from './descriptions';
import { since } from '../../shared/kubectl-time';
import type { Printer } from './table';
import { column } from './table';
import { asArray, asString } from './values';

export const webhookConfigurationPrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'),
    column('Age', 'string', DOC.creationTimestamp),
  ],
  row: (object, now) => ({
    cells: [
      asString(object.metadata.name),
      asArray(object.webhooks).length,
      since(object.metadata.creationTimestamp, now),
    ],
  }),
};
