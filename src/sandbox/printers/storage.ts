// Storage kinds: storage classes, persistent volumes and claims (printers.go, v1.32).
import { ageColumn, ageOf, nameColumn, nameOf } from './common';
import { DOC } from './descriptions';
import type { Printer } from './table';
import { column } from './table';
import { asArray, asObject, asString, at, isSet, quantity, stringMap } from './values';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

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

export const persistentVolumePrinter: Printer = {
  columns: [
    nameColumn,
    column('Capacity', 'string', DOC.pvCapacity),
    column('Access Modes', 'string', DOC.pvAccessModes),
    column('Reclaim Policy', 'string', DOC.pvReclaimPolicy),
    column('Status', 'string', DOC.pvPhase),
    column('Claim', 'string', DOC.pvClaimRef),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', DOC.pvReason),
    ageColumn,
    column('VolumeMode', 'string', DOC.pvVolumeMode, { priority: 1 }),
  ],
  row(object, now) {
    const spec = asObject(object.spec);
    const status = asObject(object.status);
    const claimRef = isSet(spec.claimRef)
      ? `${asString(at(spec, 'claimRef', 'namespace'))}/${asString(at(spec, 'claimRef', 'name'))}`
      : '';
    const phase = isSet(object.metadata.deletionTimestamp) ? 'Terminating' : asString(status.phase);
    const storageClass =
      stringMap(object.metadata.annotations)[BETA_STORAGE_CLASS_ANNOTATION] ?? asString(spec.storageClassName);
    return {
      cells: [
        nameOf(object),
        quantity(at(spec, 'capacity', 'storage')),
        accessModes(spec.accessModes),
        asString(spec.persistentVolumeReclaimPolicy),
        phase,
        claimRef,
        storageClass,
        typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>',
        asString(status.reason),
        ageOf(object, now),
        typeof spec.volumeMode === 'string' ? spec.volumeMode : '<unset>',
      ],
    };
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', DOC.pvcPhase),
    column('Volume', 'string', DOC.pvcVolumeName),
    column('Capacity', 'string', DOC.pvcCapacity),
    column('Access Modes', 'string', DOC.pvcAccessModes),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn,
    column('VolumeMode', 'string', DOC.pvcVolumeMode, { priority: 1 }),
  ],
  row(object, now) {
    const spec = asObject(object.spec);
    const status = asObject(object.status);
    const phase = isSet(object.metadata.deletionTimestamp) ? 'Terminating' : asString(status.phase);
    const volumeName = asString(spec.volumeName);
    // Capacity and access modes are those of the bound volume, so only shown once bound.
    const capacity = volumeName ? quantity(at(status, 'capacity', 'storage')) : '';
    const modes = volumeName ? accessModes(status.accessModes) : '';
    const storageClass =
      stringMap(object.metadata.annotations)[BETA_STORAGE_CLASS_ANNOTATION] ?? asString(spec.storageClassName);
    return {
      cells: [
        nameOf(object),
        phase,
        volumeName,
        capacity,
        modes,
        storageClass,
        typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>',
        ageOf(object, now),
        typeof spec.volumeMode === 'string' ? spec.volumeMode : '<unset>',
      ],
    };
  },
};
