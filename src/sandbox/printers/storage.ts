// Storage kinds: storage classes, persistent volumes and claims (printers.go, v1.32).
import type { KubeObject } from '../apimachinery/kube-object';
import { ageColumn, ageOf, namedPrinter, nameColumn, nameOf } from './common';
import { DOC } from './descriptions';
import type { Printer, TableColumnDefinition } from './table';
import { column } from './table';
import { asArray, asObject, asString, at, isSet, quantity, stringMap } from './values';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** GetPersistentVolume(Claim)Class: the beta annotation wins over spec.storageClassName. */
const storageClassOf = (object: KubeObject): string =>
  stringMap(object.metadata.annotations)[BETA_STORAGE_CLASS_ANNOTATION] ??
  asString(at(object, 'spec', 'storageClassName'));

/** An optional string field (a *string in Go): `<unset>` when nil. */
const orUnset = (value: unknown): string => (typeof value === 'string' ? value : '<unset>');

/** STATUS of volumes and claims: Terminating once deleted, else the phase. */
const phaseOf = (object: KubeObject): string =>
  isSet(object.metadata.deletionTimestamp) ? 'Terminating' : asString(at(object, 'status', 'phase'));

/** The class columns volumes and claims both print, described as of `kind` ("pv" or "pvc"). */
const classColumns = (kind: string): TableColumnDefinition[] => [
  column('StorageClass', 'string', `StorageClass of the ${kind}`),
  column('VolumeAttributesClass', 'string', `VolumeAttributesClass of the ${kind}`),
];

/** Their cells: the class (annotation first) and the attributes class, `<unset>` when nil. */
const classCells = (object: KubeObject): string[] => [
  storageClassOf(object),
  orUnset(at(object, 'spec', 'volumeAttributesClassName')),
];

export const storageClassPrinter: Printer = {
  columns: [
    nameColumn,
    column('Provisioner', 'string', DOC.provisioner),
    column('ReclaimPolicy', 'string', DOC.reclaimPolicy),
    column('VolumeBindingMode', 'string', DOC.volumeBindingMode),
    column('AllowVolumeExpansion', 'string', DOC.allowVolumeExpansion),
    ageColumn,
  ],
  row(object, now) {
    const annotations = stringMap(object.metadata.annotations);
    const isDefault =
      annotations['storageclass.kubernetes.io/is-default-class'] === 'true' ||
      annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    const name = isDefault ? `${nameOf(object)} (default)` : nameOf(object);
    const reclaimPolicy = typeof object.reclaimPolicy === 'string' ? object.reclaimPolicy : 'Delete';
    const bindingMode = typeof object.volumeBindingMode === 'string' ? object.volumeBindingMode : 'Immediate';
    return {
      cells: [
        name,
        asString(object.provisioner),
        reclaimPolicy,
        bindingMode,
        object.allowVolumeExpansion === true,
        ageOf(object, now),
      ],
    };
  },
};

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once. */
function accessModes(modes: unknown): string {
  const set = new Set(asArray(modes).map(asString));
  const result: string[] = [];
  if (set.has('ReadWriteOnce')) result.push('RWO');
  if (set.has('ReadOnlyMany')) result.push('ROX');
  if (set.has('ReadWriteMany')) result.push('RWX');
  if (set.has('ReadWriteOncePod')) result.push('RWOP');
  return result.join(',');
}

export const persistentVolumePrinter = namedPrinter({
  columns: [
    column('Capacity', 'string', DOC.pvCapacity),
    column('Access Modes', 'string', DOC.pvAccessModes),
    column('Reclaim Policy', 'string', DOC.pvReclaimPolicy),
    column('Status', 'string', DOC.pvPhase),
    column('Claim', 'string', DOC.pvClaimRef),
    ...classColumns('pv'),
    column('Reason', 'string', DOC.pvReason),
  ],
  afterAge: [column('VolumeMode', 'string', DOC.pvVolumeMode, { priority: 1 })],
  cells(object) {
    const spec = asObject(object.spec);
    const status = asObject(object.status);
    const claimRef = isSet(spec.claimRef)
      ? `${asString(at(spec, 'claimRef', 'namespace'))}/${asString(at(spec, 'claimRef', 'name'))}`
      : '';
    return [
      quantity(at(spec, 'capacity', 'storage')),
      accessModes(spec.accessModes),
      asString(spec.persistentVolumeReclaimPolicy),
      phaseOf(object),
      claimRef,
      ...classCells(object),
      asString(status.reason),
      orUnset(spec.volumeMode),
    ];
  },
});

export const persistentVolumeClaimPrinter = namedPrinter({
  columns: [
    column('Status', 'string', DOC.pvcPhase),
    column('Volume', 'string', DOC.pvcVolumeName),
    column('Capacity', 'string', DOC.pvcCapacity),
    column('Access Modes', 'string', DOC.pvcAccessModes),
    ...classColumns('pvc'),
  ],
  afterAge: [column('VolumeMode', 'string', DOC.pvcVolumeMode, { priority: 1 })],
  cells(object) {
    const spec = asObject(object.spec);
    const status = asObject(object.status);
    const volumeName = asString(spec.volumeName);
    // Capacity and access modes are those of the bound volume, so only shown once bound.
    const capacity = volumeName ? quantity(at(status, 'capacity', 'storage')) : '';
    const modes = volumeName ? accessModes(status.accessModes) : '';
    return [phaseOf(object), volumeName, capacity, modes, ...classCells(object), orUnset(spec.volumeMode)];
  },
});
