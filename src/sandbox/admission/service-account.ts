// The ServiceAccount admission plugin of kubernetes v1.13 (plugin/pkg/admission/serviceaccount/
// admission.go), on pod creation: `serviceAccountName` defaults to `default`, the account must
// exist, and unless the pod or its account turns `automountServiceAccountToken` off, the account's
// token Secret is mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount in every init
// container and container that has nothing there yet. Mirror pods are left alone.
// One difference: a real server refuses a pod whose account has no token yet ("no API token
// found…, retry"); here the pod is admitted without the mount, as the sandbox may run without the
// token controller (`--nodes 0`).
import type { KubeObject } from '../apimachinery/kube-object';
import { asJson, asList } from '../apimachinery/objects';
import { randomName, referencedToken } from '../apimachinery/service-account-token';
import { StatusError } from '../apimachinery/status-error';
import type { ObjectStorage } from '../storage/storage';
import type { AdmissionAttributes, AdmissionPlugin } from './admission';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** admission.NewForbidden: before the name is generated, a pod is named by its generateName. */
function forbidden(pod: KubeObject, reason: string): StatusError {
  const { name, generateName } = pod.metadata;
  const shown =
    generateName && name?.startsWith(generateName) && name.length === generateName.length + 5
      ? generateName
      : (name ?? generateName ?? '');
  return new StatusError(403, 'Forbidden', `pods "${shown}" is forbidden: ${reason}`, { name: shown, kind: 'pods' });
}

function shouldAutomount(account: KubeObject, spec: Record<string, unknown>): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  const accountChoice = (account as { automountServiceAccountToken?: unknown }).automountServiceAccountToken;
  return typeof accountChoice === 'boolean' ? accountChoice : true;
}

function mountToken(spec: Record<string, unknown>, token: string): void {
  const volumes = asList(spec.volumes);
  const existing = volumes.find((volume) => asJson(volume.secret).secretName === token);
  const names = new Set(volumes.map((volume) => String(volume.name)));
  // The volume is named after the Secret, with a suffix if a volume of that name exists (generateName).
  let volumeName = existing ? String(existing.name) : token;
  if (!existing && names.has(volumeName)) volumeName = `${token}-${randomName()}`;
  let isNeeded = false;
  for (const list of ['initContainers', 'containers']) {
    for (const container of asList(spec[list])) {
      const mounts = asList(container.volumeMounts);
      if (mounts.some((mount) => mount.mountPath === TOKEN_MOUNT_PATH)) continue;
      container.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
      isNeeded = true;
    }
  }
  // defaultMode 420 (0644) is SetDefaults_SecretVolumeSource's, which decoding from storage applies.
  if (!existing && isNeeded)
    spec.volumes = [...volumes, { name: volumeName, secret: { secretName: token, defaultMode: 420 } }];
}

export function serviceAccountAdmission(store: ObjectStorage): AdmissionPlugin {
  return {
    name: 'ServiceAccount',
    operations: ['CREATE'],
    admit({ req, object: pod }: AdmissionAttributes): void {
      if (req.type.kind !== 'Pod' || req.group !== '' || req.subresource) return;
      if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
      const spec = asJson(pod.spec);
      pod.spec = spec;
      // v1's deprecated `serviceAccount` converts into serviceAccountName when that is empty, and back out.
      const accountName = String(spec.serviceAccountName || spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT);
      spec.serviceAccountName = accountName;
      spec.serviceAccount = accountName;
      const namespace = pod.metadata.namespace ?? 'default';
      const account = store.get('/serviceaccounts', namespace, accountName);
      if (!account)
        throw forbidden(
          pod,
          `error looking up service account ${namespace}/${accountName}: serviceaccount "${accountName}" not found`,
        );
      if (!shouldAutomount(account, spec)) return;
      const token = referencedToken((secretNamespace, name) => store.get('/secrets', secretNamespace, name), account);
      if (token) mountToken(spec, token);
    },
  };
}
