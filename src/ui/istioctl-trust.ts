// The learner's say before a downloaded istioctl runs: a release whose checksum was not verified
// (none published, or an istioctl handed over by path) runs, or goes on the terminals' PATH, only
// after a warning dialog naming the reason is accepted, and that answer is kept for that archive's
// SHA-256. Also keeps new terminals' PATH in step: the istioctl of a release that may run, alone
// (src/lab/terminal-path.ts), or nothing. The decisions themselves are src/lab/binary-trust.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { outside } from './outside-text';
import type { BinaryTrust, UnverifiedReason } from '../lab/binary-trust';
import { binaryTrust, mayRunWithoutAsking, withConfirmed } from '../lab/binary-trust';
import type { DownloadedRelease } from '../lab/downloaded-release';
import { exposeIstioctl, withdrawIstioctl } from '../lab/terminal-path';

/** SHA-256s of unverified archives whose istioctl the learner said to run anyway. */
const CONFIRMED_KEY = 'istioLab.confirmedUnverifiedArchives';

const confirmedSha256s = (context: vscode.ExtensionContext): string[] =>
  context.globalState.get<string[]>(CONFIRMED_KEY, []);

export function istioctlTrust(context: vscode.ExtensionContext, release: DownloadedRelease | undefined): BinaryTrust {
  return binaryTrust(release, confirmedSha256s(context));
}

/** The folder new terminals find the lab's istioctl in: one link, nothing else. */
export function terminalLinkDirectory(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, 'terminal-bin');
}

/**
 * True when `istioctl` may run: its release was verified or confirmed before, or the learner
 * accepts the warning now (the acceptance is remembered and the istioctl goes on PATH).
 */
export async function confirmIstioctl(
  context: vscode.ExtensionContext,
  release: DownloadedRelease | undefined,
  istioctl: string,
  version: string,
  log: vscode.LogOutputChannel,
): Promise<boolean> {
  const trust = istioctlTrust(context, release);
  if (mayRunWithoutAsking(trust)) return true;
  const run = vscode.l10n.t('Run Unverified istioctl');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      'The istioctl of Istio {0} is not verified: {1}',
      outside(version),
      outside(reasonText(trust.reason)),
    ),
    {
      modal: true,
      detail: `${vscode.l10n.t('It is a program: it runs with your account and your cluster credentials. Run it only if you trust where it came from, or download the release again from a source that publishes its SHA-256.')}\n\n${istioctl}`,
    },
    run,
  );
  if (choice !== run) {
    log.info(`the unverified istioctl ${istioctl} (${trust.reason}) was not run: the learner declined`);
    return false;
  }
  log.warn(`running the unverified istioctl ${istioctl} (${trust.reason}): the learner confirmed`);
  if (release) {
    await context.globalState.update(CONFIRMED_KEY, withConfirmed(confirmedSha256s(context), release));
    await updateTerminalPath(context, release, log);
  }
  return true;
}

function reasonText(reason: UnverifiedReason): string {
  switch (reason) {
    case 'not-published':
      return vscode.l10n.t(
        'no SHA-256 checksum was published for its archive, so nothing shows it is the file Istio released.',
      );
    case 'not-verified':
      return vscode.l10n.t('its archive was not checked against a published SHA-256 checksum.');
    case 'no-record':
      return vscode.l10n.t('Istio Lab did not download it, so nothing is known about its archive.');
  }
}

/**
 * New terminals get the release's istioctl on PATH when it may run, and no istioctl of the lab's
 * when it may not (an unverified download replaces an earlier release's link too). True when it is on PATH.
 */
export async function updateTerminalPath(
  context: vscode.ExtensionContext,
  release: DownloadedRelease,
  log: vscode.LogOutputChannel,
): Promise<boolean> {
  const environment = context.environmentVariableCollection;
  const linkDirectory = terminalLinkDirectory(context);
  if (!mayRunWithoutAsking(istioctlTrust(context, release))) {
    environment.delete('PATH');
    await withdrawIstioctl(linkDirectory);
    log.info(
      `Istio ${release.version}'s istioctl is not on the terminal PATH: its archive's checksum was not verified (${release.checksum.state})`,
    );
    return false;
  }
  const exposed = await exposeIstioctl(linkDirectory, release.istioctl);
  environment.description = vscode.l10n.t(
    "Puts Istio {0}'s istioctl on PATH, so it runs in new terminals.",
    release.version,
  );
  if (exposed.mode === 'prepend') environment.prepend('PATH', exposed.directory + path.delimiter);
  else environment.append('PATH', path.delimiter + exposed.directory);
  log.info(
    `${release.istioctl} is on the terminal PATH (${exposed.mode === 'prepend' ? `alone in ${exposed.directory}, first` : `${exposed.directory} last`})`,
  );
  return true;
}

/** Earlier versions put a release's whole bin/ first on PATH, for every terminal and across restarts: drop that. */
export function dropStaleTerminalPath(context: vscode.ExtensionContext): void {
  const mutator = context.environmentVariableCollection.get('PATH');
  if (
    mutator?.type === vscode.EnvironmentVariableMutatorType.Prepend &&
    mutator.value !== terminalLinkDirectory(context) + path.delimiter
  ) {
    context.environmentVariableCollection.delete('PATH');
  }
}
