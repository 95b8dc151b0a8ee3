// Which Kubernetes release the sandbox cluster should claim for an Istio release, so that the
// release's manifests apply there as on a cluster of its own era: Istio 1.0–1.4 on the book's GKE
// 1.13 (the sandbox's default), later releases on the newest Kubernetes minor they were tested
// with, capped at the newest the sandbox knows (1.32), and never below what their istioctl requires.
import * as semver from 'semver';
import { planInstall } from '../install-plan';
import { kubernetesMinor, kubernetesRangeOf } from './catalogue';

/** The newest Kubernetes minor whose API the sandbox serves (src/sandbox/apimachinery/served-apis.ts). */
export const SANDBOX_NEWEST_KUBERNETES_MINOR = 32;

/**
 * The `--kube-version` to start the sandbox with for `istioVersion` (`v1.18.0`), or undefined to keep
 * the sandbox's default, GKE 1.13 (the book's cluster): also for text that is not a release version.
 */
export function sandboxKubeVersionFor(istioVersion: string): string | undefined {
  const version = semver.valid(istioVersion);
  if (!version || semver.lt(version, '1.5.0')) return undefined;
  const range = kubernetesRangeOf(version);
  let minor = Math.min(kubernetesMinor(range?.max) ?? SANDBOX_NEWEST_KUBERNETES_MINOR, SANDBOX_NEWEST_KUBERNETES_MINOR);
  const required = Math.max(kubernetesMinor(range?.min) ?? 0, planInstall(version).minKubernetesMinor ?? 0);
  if (minor < required) minor = Math.min(required, SANDBOX_NEWEST_KUBERNETES_MINOR);
  return `v1.${minor}.0`;
}
