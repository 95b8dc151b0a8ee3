// Admission webhook configurations (printers.go, v1.32): how many webhooks each one registers.
import { namedPrinter } from './common';
import { column } from './table';
import { asArray } from './values';

export const webhookConfigurationPrinter = namedPrinter({
  columns: [
    column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'),
  ],
  cells: (object) => [asArray(object.webhooks).length],
});
