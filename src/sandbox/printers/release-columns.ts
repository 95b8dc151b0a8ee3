// Server-side printing columns that came after the oldest release the sandbox claims: a sandbox
// claiming an older release leaves them out of its Tables, cells and all, as that release's
// kube-apiserver did (pkg/printers/internalversion/printers.go). Absent at v1.13.7 and v1.18.0,
// present at v1.32.0; the first release with each is taken from the release notes.
import type { Printer } from './table';

/** Storage key (`group/resource`) → column name → first minor release that printed it. */
const COLUMNS_SINCE: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'batch/jobs': { Status: 30 },
  'batch/cronjobs': { Timezone: 27 },
  'storage.k8s.io/storageclasses': { ReclaimPolicy: 17, VolumeBindingMode: 17, AllowVolumeExpansion: 17 },
};

/** The printer as release 1.`minor` had it; the printer itself when it had every column. */
export function printerAtRelease(printer: Printer, storageKey: string, minor: number | undefined): Printer {
  const since = COLUMNS_SINCE[storageKey];
  if (!since || minor === undefined) return printer;
  const kept = printer.columns.map((definition) => (since[definition.name] ?? 0) <= minor);
  if (kept.every(Boolean)) return printer;
  return {
    columns: printer.columns.filter((_, index) => kept[index]),
    row(object, now) {
      const printed = printer.row(object, now);
      return { ...printed, cells: printed.cells.filter((_, index) => kept[index]) };
    },
  };
}
