// How each Istio release installs, checks and uninstalls the demo profile — the command that
// release's own tools have (docs/ARCHITECTURE.md, "Where each feature lives"):
//   ≤ 1.4  install/kubernetes/istio-demo.yaml, created by our engine like `kubectl create -f`
//   1.5    `istioctl manifest apply --set profile=demo`   (1.4 has it too, beside the manifest)
//   ≥ 1.6  `istioctl install --set profile=demo -y`
// Pre-check: `istioctl verify-install` (1.1–1.5, pre-check mode without -f), `istioctl x precheck`
// from 1.6; `verify-install` is gone from 1.24. Istio 1.0 has neither.
import * as semver from 'semver';

export const DEMO_MANIFEST = 'install/kubernetes/istio-demo.yaml';

export type InstallMethod =
  /** Our apply engine reads the release's manifest. `cli` is the book's shell equivalent. */
  | { readonly kind: 'manifest'; readonly manifest: string; readonly cli: readonly string[] }
  /** The release's istioctl, run as a child process with these arguments. */
  | { readonly kind: 'istioctl'; readonly args: readonly string[] }
  /** The release's istioctl renders the manifest (these arguments); our engine deletes what it lists. */
  | { readonly kind: 'generated-manifest'; readonly args: readonly string[] };

export interface InstallPlan {
  readonly version: string;
  readonly install: InstallMethod;
  /** istioctl arguments of the release's own pre-check; undefined when it has none. */
  readonly precheckArgs?: readonly string[];
  /** istioctl arguments that verify an install; undefined when the release has none. */
  readonly verifyArgs?: readonly string[];
  /** How to uninstall: our engine deletes the manifest, or the release's istioctl does. */
  readonly uninstall: InstallMethod;
  /** The Kubernetes minor version the release's own pre-check requires at least, when it checks one. */
  readonly minKubernetesMinor?: number;
}

/** The smallest Kubernetes minor a release's istioctl accepts (pre-check.go / k8sversion/version.go). */
function minKubernetesMinor(version: semver.SemVer): number | undefined {
  const minors: [string, number][] = [
    ['1.26.0', 29],
    ['1.24.0', 28],
    ['1.22.0', 26],
    ['1.20.0', 25],
    ['1.16.0', 19],
    ['1.10.0', 17],
  ];
  for (const [from, minor] of minors) if (semver.gte(version, from)) return minor;
  // Istio 1.1–1.9's verify-install: strictly newer than 1.11.
  return semver.gte(version, '1.1.0') ? 12 : undefined;
}

export class UnknownReleaseError extends Error {
  constructor(readonly version: string) {
    super(`"${version}" is not an Istio release version (expected something like 1.2.2).`);
    this.name = 'UnknownReleaseError';
  }
}

export function planInstall(version: string): InstallPlan {
  const parsed = semver.parse(version);
  if (!parsed || parsed.major !== 1) throw new UnknownReleaseError(version);
  const legacy = semver.lt(parsed, '1.5.0');
  const manifest: InstallMethod = {
    kind: 'manifest',
    manifest: DEMO_MANIFEST,
    cli: ['kubectl', 'create', '-f', DEMO_MANIFEST],
  };
  const install: InstallMethod = legacy
    ? manifest
    : semver.lt(parsed, '1.6.0')
      ? { kind: 'istioctl', args: ['manifest', 'apply', '--set', 'profile=demo'] }
      : { kind: 'istioctl', args: ['install', '--set', 'profile=demo', '-y'] };
  const precheckArgs = semver.lt(parsed, '1.1.0')
    ? undefined
    : semver.lt(parsed, '1.6.0')
      ? ['verify-install']
      : ['x', 'precheck'];
  const verifyArgs = semver.lt(parsed, '1.1.0')
    ? undefined
    : legacy
      ? ['verify-install', '-f', DEMO_MANIFEST]
      : semver.lt(parsed, '1.24.0')
        ? ['verify-install']
        : undefined;
  const uninstall: InstallMethod = legacy
    ? { kind: 'manifest', manifest: DEMO_MANIFEST, cli: ['kubectl', 'delete', '-f', DEMO_MANIFEST] }
    : semver.lt(parsed, '1.7.0')
      ? { kind: 'generated-manifest', args: ['manifest', 'generate', '--set', 'profile=demo'] }
      : semver.lt(parsed, '1.12.0')
        ? { kind: 'istioctl', args: ['x', 'uninstall', '--purge', '-y'] }
        : { kind: 'istioctl', args: ['uninstall', '--purge', '-y'] };
  return {
    version: parsed.version,
    install,
    precheckArgs,
    verifyArgs,
    uninstall,
    minKubernetesMinor: minKubernetesMinor(parsed),
  };
}

/** The line a learner would type: `istioctl install --set profile=demo -y`. */
export function commandLine(method: InstallMethod): string {
  if (method.kind === 'manifest') return method.cli.join(' ');
  const line = ['istioctl', ...method.args].join(' ');
  return method.kind === 'generated-manifest' ? `${line} | kubectl delete -f -` : line;
}
