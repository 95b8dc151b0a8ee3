// Which release the install commands work with: the lab's version (istioLab.istioVersion) as
// downloaded, or a release folder, manifest or istioctl a link or test names; its plan (what that
// release's istioctl has) and what the pre-check needs to know of it.
import * as fs from 'node:fs';
import type * as vscode from 'vscode';
import type { InstallPlan } from '../istio/install-plan';
import { planInstall } from '../istio/install-plan';
import type { ReleaseFacts } from '../istio/precheck/precheck';
import { demoRequirements } from '../istio/precheck/precheck';
import { kubernetesRangeOf } from '../istio/releases/catalogue';
import { parseManifest } from '../kube/apply/manifest';
import type { DownloadedRelease } from '../lab/downloaded-release';
import { findDownloadedRelease } from '../lab/downloaded-release';
import { releasesDirectory } from './release-commands';
import { istioNamespace, istioVersion } from './settings';

/** Arguments of the commands, for links and tests: a release folder or manifest instead of the downloaded one. */
export interface InstallArguments {
  readonly version?: string;
  /** An `istio-demo.yaml` to install (legacy method). */
  readonly manifest?: string;
  /** An istioctl to run (modern method). */
  readonly istioctl?: string;
  /** Skip the confirmation (not the warning before an unverified istioctl runs). */
  readonly yes?: boolean;
  readonly dryRun?: boolean;
  /** Return once the objects are created, without waiting for the control plane. */
  readonly noWait?: boolean;
}

export interface ResolvedRelease {
  readonly plan: InstallPlan;
  readonly manifestPath?: string;
  readonly istioctl?: string;
  readonly downloaded?: DownloadedRelease;
}

/** The release the arguments name, else the lab's version as downloaded (without files when it is not). */
export async function resolveRelease(
  context: vscode.ExtensionContext,
  args: InstallArguments | undefined,
): Promise<ResolvedRelease> {
  const version = args?.version ?? istioVersion();
  const plan = planInstall(version);
  if (args?.manifest || args?.istioctl) return { plan, manifestPath: args.manifest, istioctl: args.istioctl };
  const downloaded = await findDownloadedRelease(releasesDirectory(context), plan.version);
  if (!downloaded) return { plan };
  return { plan, downloaded, istioctl: downloaded.istioctl, manifestPath: downloaded.demoManifest };
}

/** What the pre-check judges of the release: its Kubernetes range and what its demo profile requests. */
export async function releaseFacts(release: ResolvedRelease): Promise<ReleaseFacts> {
  const range = kubernetesRangeOf(release.plan.version);
  let demo: ReleaseFacts['demo'];
  if (release.manifestPath) {
    try {
      demo = demoRequirements(parseManifest(await fs.promises.readFile(release.manifestPath, 'utf8')));
    } catch {
      demo = undefined;
    }
  }
  return {
    version: release.plan.version,
    minKubernetesMinor: release.plan.minKubernetesMinor,
    ...(range?.max ? { supportedKubernetes: { min: range.min, max: range.max } } : {}),
    ...(demo ? { demo } : {}),
    istioNamespace: istioNamespace(),
  };
}
