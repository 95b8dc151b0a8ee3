// Which of a release's objects are on the cluster (src/istio/install-presence.ts), for the
// start-up re-check and the Install confirmation: an install a window reload interrupted shows.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { InstallPresence } from '../istio/install-presence';
import { installPresence } from '../istio/install-presence';
import type { InstallPlan } from '../istio/install-plan';
import type { ManifestObject } from '../kube/apply/manifest';
import { parseManifest } from '../kube/apply/manifest';
import type { ObjectClient } from '../kube/apply/object-client';
import type { ClusterConnection } from '../kube/connection';

/** Which of the objects exist; undefined (logged) when that cannot be told, e.g. without permission to read them. */
export async function presenceOn(
  client: ObjectClient,
  objects: readonly ManifestObject[],
  log: vscode.LogOutputChannel,
): Promise<InstallPresence | undefined> {
  try {
    const { findPresentObjects } = await import('../kube/apply/object-presence');
    return installPresence(objects, await findPresentObjects(client, objects));
  } catch (error) {
    log.warn(
      `could not tell which objects of the release exist: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}

/** The release's objects on the cluster, when it installs from a manifest (istioctl's releases have none to compare with). */
export async function releasePresence(
  release: { readonly plan: InstallPlan; readonly manifestPath?: string },
  connection: ClusterConnection,
  log: vscode.LogOutputChannel,
): Promise<InstallPresence | undefined> {
  if (!release.manifestPath || release.plan.install.kind !== 'manifest') return undefined;
  const objects = parseManifest(
    await fs.promises.readFile(release.manifestPath, 'utf8'),
    path.basename(release.manifestPath),
  );
  const { createObjectClient } = await import('../kube/apply/object-client');
  const client = await createObjectClient(connection.kubeConfig);
  try {
    return await presenceOn(client, objects, log);
  } finally {
    client.dispose();
  }
}
