// Commands that get an Istio release onto disk — Download Istio Release…, Use Local Archive… and,
// offline, the lab release the extension carries (Use Offline Lab Release…) — with progress and
// cancel, then show the release's layout and put its istioctl on the integrated terminal's PATH
// (the book's `export PATH=$PWD/bin:$PATH`) when its checksum was verified.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import type { ReleasePlatform } from '../istio/releases/archive-names';
import {
  UnsupportedPlatformError,
  archiveFileName,
  currentPlatform,
  parsePlatform,
  platformLabel,
} from '../istio/releases/archive-names';
import type { IstioRelease } from '../istio/releases/catalogue';
import { builtinCatalogue, isReleaseVersion } from '../istio/releases/catalogue';
import { loadReleaseCatalogue, refreshInPlace } from '../lab/download/release-catalogue';
import type { ObtainedRelease, ReleaseProgress } from '../lab/download/release-download';
import type { HostileEntryReason, ReleaseErrorCode, ReleaseErrorDetails } from '../lab/download/release-error';
import { ReleaseError } from '../lab/download/release-error';
import type { DownloadedRelease } from '../lab/downloaded-release';
import { isVerified } from '../lab/downloaded-release';
import { localised, releaseLayout } from '../lab/release-layout';
import { dropStaleTerminalPath, updateTerminalPath } from './istioctl-trust';
import { outside } from './outside-text';
import { downloadDirectory, istioVersion, releaseSource } from './settings';
import type { LabProgressService } from './lab-progress-service';

/** Options of `istioLab.downloadRelease` for links and tests: `{ platform: 'linux-amd64' }`. */
interface DownloadArguments {
  readonly platform?: string;
}

/** The download and unpack code (with tar and yauzl), loaded on first use rather than at activation. */
const releaseDownload = () => import('../lab/download/release-download');

/** Where releases live: `istioLab.downloadDir`, else `releases/` in the extension's global storage. */
export function releasesDirectory(context: vscode.ExtensionContext): string {
  return downloadDirectory(path.join(context.globalStorageUri.fsPath, 'releases'));
}

export function registerReleaseCommands(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  progress: LabProgressService,
): void {
  dropStaleTerminalPath(context);
  const run = async (
    title: string,
    work: (signal: AbortSignal, progress: (update: ReleaseProgress) => void) => Promise<ObtainedRelease>,
  ): Promise<ObtainedRelease | undefined> => {
    try {
      const obtained = await withReleaseProgress(title, work);
      await afterObtained(context, obtained, log, progress);
      return obtained;
    } catch (error) {
      showReleaseError(error, log);
      return undefined;
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(
      'istioLab.downloadRelease',
      async (version?: string, options?: DownloadArguments) => {
        const platform = (options?.platform && parsePlatform(options.platform)) || currentPlatform();
        const picked = typeof version === 'string' && isReleaseVersion(version) ? version : await pickVersion(platform);
        if (!picked) return undefined;
        const downloadDir = releasesDirectory(context);
        log.info(`download Istio ${picked} (${platformLabel(platform)}) into ${downloadDir}`);
        const obtained = await run(vscode.l10n.t('Downloading Istio {0}', picked), async (signal, onProgress) => {
          const { downloadRelease } = await releaseDownload();
          return downloadRelease({
            version: picked,
            platform,
            downloadDir,
            source: releaseSource(),
            signal,
            onProgress,
          });
        });
        return obtained && { ...obtained.release, reused: obtained.reused };
      },
    ),
    // The archives `npm start` serves offline, built into the vsix (esbuild.js): the real manifests,
    // a stand-in istioctl that says so. Downloaded from a file:// base, so the SHA-256 is checked too.
    vscode.commands.registerCommand('istioLab.useOfflineRelease', async (version?: string) => {
      const offline = path.join(context.extensionPath, 'dist', 'offline-release');
      const versions = fs.existsSync(offline) ? fs.readdirSync(offline).filter(isReleaseVersion) : [];
      const wanted = typeof version === 'string' ? version : istioVersion();
      const picked = versions.includes(wanted)
        ? wanted
        : await vscode.window.showQuickPick(versions, { title: vscode.l10n.t('Use Offline Lab Release') });
      if (!picked) return undefined;
      const downloadDir = releasesDirectory(context);
      log.info(`use the offline lab release ${picked} from ${offline} in ${downloadDir}`);
      const obtained = await run(
        vscode.l10n.t('Unpacking the offline lab release of Istio {0}', picked),
        async (signal, onProgress) => {
          const { downloadRelease } = await releaseDownload();
          return downloadRelease({
            version: picked,
            platform: currentPlatform(),
            downloadDir,
            source: { baseUrl: pathToFileURL(offline).href },
            signal,
            onProgress,
          });
        },
      );
      if (obtained && !obtained.reused) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t(
            'Istio {0} (offline lab release) is ready. Its manifests are the real ones; bin/istioctl is a stand-in that says so, and the other files are placeholders.',
            outside(picked),
          ),
        );
      }
      return obtained && { ...obtained.release, reused: obtained.reused };
    }),
    vscode.commands.registerCommand('istioLab.useLocalArchive', async (file?: string | vscode.Uri) => {
      const archive = typeof file === 'string' ? file : file instanceof vscode.Uri ? file.fsPath : await pickArchive();
      if (!archive) return undefined;
      const downloadDir = releasesDirectory(context);
      log.info(`use the local archive ${archive}, unpacking into ${downloadDir}`);
      const obtained = await run(vscode.l10n.t('Unpacking {0}', path.basename(archive)), async (signal, onProgress) => {
        const { useLocalArchive } = await releaseDownload();
        return useLocalArchive({ file: archive, downloadDir, signal, onProgress });
      });
      return obtained && { ...obtained.release, reused: obtained.reused };
    }),
  );
}

interface VersionItem extends vscode.QuickPickItem {
  readonly version?: string;
}

async function pickVersion(platform: ReleasePlatform): Promise<string | undefined> {
  const configured = istioVersion();
  const pick = vscode.window.createQuickPick<VersionItem>();
  pick.title = vscode.l10n.t('Download Istio Release ({0})', platformLabel(platform));
  pick.placeholder = vscode.l10n.t('Pick a release; the lab uses {0} (istioLab.istioVersion)', configured);
  pick.matchOnDescription = true;
  pick.ignoreFocusOut = true;
  pick.busy = true;
  const other: VersionItem = { label: vscode.l10n.t('Other version…'), alwaysShow: true };
  // The built-in list at once, the lab's release first; the online list refreshes it in place
  // (refreshInPlace), so a row never moves under the pointer while the learner clicks.
  const releases = (list: readonly IstioRelease[]) => list.filter((release) => !release.prerelease);
  const builtin = releases(builtinCatalogue());
  let shown = [
    builtin.find((release) => release.version === configured) ?? { version: configured },
    ...builtin.filter((release) => release.version !== configured),
  ];
  pick.items = [...shown.map((release) => versionItem(release, platform, configured)), other];
  pick.show();
  void loadReleaseCatalogue({ proxy: releaseSource().proxy }).then((catalogue) => {
    pick.busy = false;
    if (catalogue.source === 'builtin') {
      pick.title = vscode.l10n.t(
        'Download Istio Release ({0}) — built-in list, the release list could not be reached',
        platformLabel(platform),
      );
      return;
    }
    const { kept, added } = refreshInPlace(shown, releases(catalogue.releases));
    shown = [...kept, ...added];
    const active = pick.activeItems[0];
    const items: VersionItem[] = [...kept.map((release) => versionItem(release, platform, configured)), other];
    if (added.length)
      items.push(
        { label: vscode.l10n.t('Also on the online release list'), kind: vscode.QuickPickItemKind.Separator },
        ...added.map((release) => versionItem(release, platform, configured)),
      );
    pick.items = items;
    // Replacing the items makes the first one active; keep the one the learner was on.
    const same =
      active === other ? other : items.find((item) => item.version !== undefined && item.version === active?.version);
    if (same) pick.activeItems = [same];
  });
  const accepted = await new Promise<VersionItem | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]));
    pick.onDidHide(() => resolve(undefined));
  });
  pick.dispose();
  if (accepted !== other) return accepted?.version;
  return vscode.window
    .showInputBox({
      title: vscode.l10n.t('Istio version'),
      prompt: vscode.l10n.t('A release version such as 1.2.2 or 1.26.1'),
      value: configured,
      ignoreFocusOut: true,
      validateInput: (value) =>
        isReleaseVersion(value.trim()) ? undefined : vscode.l10n.t('Not a release version: use numbers like 1.2.2.'),
    })
    .then((value) => value?.trim());
}

function versionItem(release: IstioRelease, platform: ReleasePlatform, configured: string): VersionItem {
  let detail: string;
  try {
    detail = archiveFileName(release.version, platform).fileName;
  } catch {
    detail = vscode.l10n.t('not published for {0}', platformLabel(platform));
  }
  const kubernetes = release.kubernetes
    ? release.kubernetes.max
      ? vscode.l10n.t('Kubernetes {0}–{1}', release.kubernetes.min, release.kubernetes.max)
      : vscode.l10n.t('Kubernetes {0}+', release.kubernetes.min)
    : '';
  const parts = [
    release.date,
    kubernetes,
    release.version === configured ? vscode.l10n.t("the lab's release") : '',
  ].filter(Boolean);
  return { label: release.version, version: release.version, description: parts.join(' · '), detail };
}

async function pickArchive(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Use Local Archive'),
    openLabel: vscode.l10n.t('Use This Archive'),
    canSelectMany: false,
    filters: { [vscode.l10n.t('Istio release archives')]: ['gz', 'zip'] },
  });
  return picked?.[0]?.fsPath;
}

const megabytes = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(1);

/** The stages before and after the download, whose message is the same throughout. */
const STAGE_MESSAGES: Record<Exclude<ReleaseProgress['stage'], 'download'>, () => string> = {
  checksum: () => vscode.l10n.t('Fetching the published checksum…'),
  verify: () => vscode.l10n.t('Verifying the SHA-256…'),
  extract: () => vscode.l10n.t('Unpacking…'),
};

function progressMessage(update: ReleaseProgress): string {
  if (update.stage !== 'download') return STAGE_MESSAGES[update.stage]();
  const download = update.download;
  if (!download) return vscode.l10n.t('Downloading…');
  const rate = `${megabytes(download.bytesPerSecond)} MB/s`;
  if (download.totalBytes === undefined) return vscode.l10n.t('{0} MB ({1})', megabytes(download.receivedBytes), rate);
  const left =
    download.remainingSeconds === undefined ? '' : vscode.l10n.t(', {0} s left', Math.ceil(download.remainingSeconds));
  return vscode.l10n.t(
    '{0} of {1} MB ({2}{3})',
    megabytes(download.receivedBytes),
    megabytes(download.totalBytes),
    rate,
    left,
  );
}

function withReleaseProgress(
  title: string,
  work: (signal: AbortSignal, progress: (update: ReleaseProgress) => void) => Promise<ObtainedRelease>,
): Thenable<ObtainedRelease> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: outside(title), cancellable: true },
    (progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      let shown = 0;
      const report = (update: ReleaseProgress): void => {
        const download = update.download;
        // withProgress takes increments; turn the fraction downloaded into one.
        const fraction = download?.totalBytes
          ? Math.round((download.receivedBytes / download.totalBytes) * 100)
          : shown;
        progress.report({ message: outside(progressMessage(update)), increment: Math.max(0, fraction - shown) });
        shown = Math.max(shown, fraction);
      };
      return work(controller.signal, report).finally(() => cancel.dispose());
    },
  );
}

async function afterObtained(
  context: vscode.ExtensionContext,
  obtained: ObtainedRelease,
  log: vscode.LogOutputChannel,
  progress: LabProgressService,
): Promise<void> {
  const { release } = obtained;
  log.info(
    `Istio ${release.version} ${obtained.reused ? 'already' : 'now'} in ${release.directory}; SHA-256 ${release.checksum.sha256} (${release.checksum.state})`,
  );
  // Like the book's `export PATH=$PWD/bin:$PATH`, for every new integrated terminal: its istioctl
  // alone, and only when verified (or confirmed by the learner before).
  const onPath = await updateTerminalPath(context, release, log).catch((error: unknown) => {
    log.warn(`could not put istioctl on the terminal PATH: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  });
  // The lab's download step is the configured release (what the start-up re-check looks for).
  if (release.version === istioVersion())
    void progress.mark('download', isVerified(release) ? 'done' : 'warning', { detail: release.version });
  void showLayout(release, obtained.reused, onPath);
  if (release.checksum.state === 'not-published') {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'No SHA-256 checksum was published for {0}, so it could not be verified. Its SHA-256 is {1}.',
        outside(release.archiveFileName),
        outside(release.checksum.sha256),
      ),
    );
  }
}

interface LayoutItem extends vscode.QuickPickItem {
  readonly file?: string;
}

async function showLayout(release: DownloadedRelease, reused: boolean, onPath: boolean): Promise<void> {
  const entries = await releaseLayout(release.directory);
  const language = vscode.env.language;
  const items: LayoutItem[] = entries.map((entry) => ({
    label: `${entry.path.endsWith('/') ? '$(folder)' : '$(file)'} ${entry.path}`,
    description:
      entry.open && entry.open !== entry.path ? vscode.l10n.t('open {0}', path.posix.basename(entry.open)) : undefined,
    detail: localised(entry.description, language),
    file: entry.open ? path.join(release.directory, entry.open) : undefined,
  }));
  const checked =
    release.checksum.state === 'verified' ? vscode.l10n.t('SHA-256 verified') : vscode.l10n.t('no published checksum');
  const pick = vscode.window.createQuickPick<LayoutItem>();
  pick.title = reused
    ? vscode.l10n.t('Istio {0} was already downloaded ({1}): {2}', release.version, checked, release.directory)
    : vscode.l10n.t('Istio {0} is ready ({1}): {2}', release.version, checked, release.directory);
  pick.placeholder = onPath
    ? vscode.l10n.t('What is in the release: pick an entry to open it. New terminals have istioctl on PATH.')
    : vscode.l10n.t(
        'What is in the release: pick an entry to open it. Its istioctl is not on PATH until you confirm running it (it is not verified).',
      );
  pick.items = items;
  pick.matchOnDetail = true;
  pick.ignoreFocusOut = true;
  pick.onDidAccept(() => {
    const file = pick.selectedItems[0]?.file;
    if (file) void vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
    pick.hide();
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}

const HOSTILE_REASONS: Record<HostileEntryReason, () => string> = {
  'path-traversal': () => vscode.l10n.t('its path climbs out of the target folder with ".."'),
  'absolute-path': () => vscode.l10n.t('its path is absolute'),
  'link-escape': () => vscode.l10n.t('it is a link that points outside the release'),
  'special-file': () => vscode.l10n.t('it is a device file, FIFO or socket'),
  'file-where-directory-expected': () => vscode.l10n.t('it puts a file or link where the archive needs a folder'),
  'too-many-entries': () => vscode.l10n.t('the archive has too many entries'),
  'too-large': () => vscode.l10n.t('the archive unpacks to too many bytes'),
};

/** What each ReleaseError says, from the facts it carries (each message names the ones it uses). */
const RELEASE_ERROR_MESSAGES: Record<ReleaseErrorCode, (details: ReleaseErrorDetails) => string> = {
  unreachable: ({ url }) =>
    vscode.l10n.t(
      'Could not reach {0}. If this machine is offline or the site is blocked, set istioLab.releaseBaseUrl to a mirror (https:// or file://), or download the archive by hand and run "Use Local Archive…".',
      url ? new URL(url).host : '',
    ),
  'http-status': ({ status, url }) =>
    vscode.l10n.t(
      'The release server answered HTTP {0} for {1}. Check the version and istioLab.releaseBaseUrl.',
      String(status),
      url ?? '',
    ),
  proxy: ({ status }) =>
    vscode.l10n.t("The proxy refused the connection (HTTP {0}). Check VS Code's http.proxy setting.", String(status)),
  interrupted: () =>
    vscode.l10n.t(
      'The download stopped before the end. Run "Download Istio Release…" again: it resumes where it stopped.',
    ),
  'checksum-unreadable': ({ url }) =>
    vscode.l10n.t(
      'The published checksum {0} is not a SHA-256 line; the mirror may be serving an error page. Nothing was unpacked.',
      url ?? '',
    ),
  'checksum-mismatch': ({ actual, expected }) =>
    vscode.l10n.t(
      'The SHA-256 of the download ({0}) does not match the published checksum ({1}). The file was deleted and nothing was unpacked. Download it again; if it keeps failing, the file on the server was altered.',
      actual ?? '',
      expected ?? '',
    ),
  'hostile-archive': ({ entry, reason }) =>
    vscode.l10n.t(
      'The archive was rejected at "{0}": {1}. Nothing was installed. Download the release again from its official source.',
      entry ?? '',
      reason ? HOSTILE_REASONS[reason]() : '',
    ),
  'corrupt-archive': ({ file }) =>
    vscode.l10n.t(
      'The archive is damaged or incomplete, so nothing was installed. Delete {0} and download it again.',
      file ?? '',
    ),
  'not-a-release-archive': ({ file }) =>
    vscode.l10n.t(
      '{0} is not named like an Istio release archive (istio-<version>-<platform>.tar.gz or .zip). Keep the name it was downloaded with.',
      path.basename(file ?? ''),
    ),
  'disk-full': ({ file }) =>
    vscode.l10n.t(
      'No space left on the disk while writing {0}. Free some space or set istioLab.downloadDir to another folder.',
      file ?? '',
    ),
  cancelled: () => vscode.l10n.t('Cancelled.'),
};

function showReleaseError(error: unknown, log: vscode.LogOutputChannel): void {
  if (error instanceof ReleaseError && error.code === 'cancelled') {
    log.info('release download cancelled');
    void vscode.window.showInformationMessage(vscode.l10n.t('Download cancelled. Run it again to resume.'));
    return;
  }
  log.error('getting an Istio release failed', error);
  if (error instanceof UnsupportedPlatformError) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'Istio {0} was not published for {1}.',
        outside(error.version),
        outside(platformLabel(error.platform)),
      ),
    );
    return;
  }
  if (!(error instanceof ReleaseError)) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'Could not get the Istio release: {0}',
        outside(error instanceof Error ? error.message : String(error)),
      ),
    );
    return;
  }
  const settings = vscode.l10n.t('Open Settings');
  const local = vscode.l10n.t('Use Local Archive…');
  const offline = vscode.l10n.t('Use Offline Lab Release');
  const actions =
    error.code === 'unreachable' ? [offline, settings, local] : error.code === 'http-status' ? [settings, local] : [];
  void vscode.window
    .showErrorMessage(outside(RELEASE_ERROR_MESSAGES[error.code](error.details)), ...actions)
    .then((action) => {
      if (action === settings)
        void vscode.commands.executeCommand('workbench.action.openSettings', 'istioLab.releaseBaseUrl');
      if (action === local) void vscode.commands.executeCommand('istioLab.useLocalArchive');
      if (action === offline) void vscode.commands.executeCommand('istioLab.useOfflineRelease');
    });
}
