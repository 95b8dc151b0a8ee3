// The install commands' Markdown reports, shown read-only in the Markdown preview: the pre-check's
// checklist (each check's words and fix, the verdict, the same check with the release's istioctl)
// and the last install's timeline. Outside text (server address, context, pod and node names) is
// escaped here, as Markdown.
import * as vscode from 'vscode';
import type { CheckResult, PrecheckVerdict } from '../istio/precheck/precheck';
import { precheckVerdict } from '../istio/precheck/precheck';
import type { ClusterConnection } from '../kube/connection';
import { isVerified } from '../lab/downloaded-release';
import type { InstallTimelineData } from '../lab/install-timeline';
import { hasTimings, podRows } from '../lab/install-timeline';
import type { ResolvedRelease } from './install-release';
import { escapeMarkdown, markdownCode } from './outside-text';

const REPORT_SCHEME = 'istio-lab-report';

/** Read-only Markdown documents the commands generate and show in the Markdown preview. */
export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly documents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.path) ?? '';
  }

  async show(name: string, markdown: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}.md` });
    this.documents.set(uri.path, markdown);
    this.changed.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return uri;
  }

  /** Serves the reports' documents until disposed. */
  register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

const ICONS: Record<CheckResult['status'], string> = { pass: '✓', info: 'ℹ', warn: '⚠', fail: '✗' };

/** The pre-check's checklist: each result with its fix, the verdict, and the same check with the release's istioctl. */
export function precheckMarkdown(
  results: readonly CheckResult[],
  connection: ClusterConnection,
  release: ResolvedRelease,
): string {
  const lines = [
    `# ${vscode.l10n.t('Pre-check for Istio {0}', escapeMarkdown(release.plan.version))}`,
    '',
    vscode.l10n.t(
      'Cluster context {0} ({1}). Read-only: nothing was changed.',
      markdownCode(connection.contextName),
      escapeMarkdown(connection.server),
    ),
    '',
  ];
  for (const result of results) {
    const { text, fix } = checkText(result);
    lines.push(`- ${ICONS[result.status]} **${CHECK_TITLES[result.id]()}** — ${text}`);
    if (fix && (result.status === 'fail' || result.status === 'warn'))
      lines.push(`  - ${vscode.l10n.t('Fix:')} ${fix}`);
  }
  lines.push('', `**${verdictText(precheckVerdict(results), release.plan.version)}**`, '');
  lines.push(`## ${vscode.l10n.t('The same check with istioctl')}`, '');
  if (release.plan.precheckArgs) {
    lines.push('```sh', ['istioctl', ...release.plan.precheckArgs].join(' '), '```', '');
    lines.push(
      !release.istioctl
        ? vscode.l10n.t('Download the release first to run it.')
        : isVerified(release.downloaded)
          ? vscode.l10n.t(
              "Run it in a terminal from the notification, or type it in any new terminal: the release's istioctl is on PATH.",
            )
          : vscode.l10n.t(
              "Run it in a terminal from the notification. The release's checksum was not verified, so its istioctl runs only after you confirm.",
            ),
    );
  } else {
    lines.push(vscode.l10n.t("Istio {0}'s istioctl has no pre-check command.", release.plan.version));
  }
  return `${lines.join('\n')}\n`;
}

/** The pre-check's verdict, the same words in the report and in the notification. */
export function verdictText(verdict: PrecheckVerdict, version: string): string {
  switch (verdict) {
    case 'ready':
      return vscode.l10n.t('The cluster is ready for Istio {0}.', version);
    case 'warnings':
      return vscode.l10n.t('The cluster can take Istio {0}; read the ⚠ items first.', version);
    case 'installed':
      return vscode.l10n.t(
        'Istio {0} is already installed on this cluster: installing again changes nothing.',
        version,
      );
    case 'blocked':
      return vscode.l10n.t('The cluster is not ready for Istio {0}: see the checklist for what to fix.', version);
  }
}

const CHECK_TITLES: Readonly<Record<CheckResult['id'], () => string>> = {
  api: () => vscode.l10n.t('Kubernetes API'),
  version: () => vscode.l10n.t('Kubernetes version'),
  permissions: () => vscode.l10n.t('Permissions'),
  existing: () => vscode.l10n.t('Existing Istio'),
  resources: () => vscode.l10n.t('Nodes and resources'),
  loadBalancer: () => vscode.l10n.t('Ingress load balancer'),
  replicas: () => vscode.l10n.t('Replicas'),
  webhooks: () => vscode.l10n.t('Sidecar injection'),
};

/** A result's params by name, each escaped as Markdown: the words name them `{server}`, `{version}`… */
type CheckParams = Readonly<Record<string, string>>;

/** What each result code (src/istio/precheck/precheck.ts) says. */
const CHECK_TEXTS: Readonly<Record<string, (p: CheckParams) => string>> = {
  reachable: (p) => vscode.l10n.t('The API server {server} answers.', p),
  unreachable: (p) => vscode.l10n.t('The API server {server} did not answer: {message} ({reason}).', p),
  versionSupported: (p) => vscode.l10n.t('Kubernetes {version}: Istio {release} accepts it.', p),
  versionTooOld: (p) =>
    vscode.l10n.t('Kubernetes {version} is older than Istio {release} accepts (at least {min}).', p),
  versionOutsideRange: (p) =>
    vscode.l10n.t('Kubernetes {version} is outside the versions Istio {release} supports ({range}).', p),
  permissionsGranted: (p) =>
    vscode.l10n.t('You may create everything the install creates ({count} permissions checked).', p),
  permissionsMissing: (p) => vscode.l10n.t('Missing permissions: {missing}.', p),
  notInstalled: (p) => vscode.l10n.t('No Istio in {namespace} yet.', p),
  namespaceWithoutIstio: (p) =>
    vscode.l10n.t(
      "The namespace {namespace} exists but holds no Istio control plane. Istio 1.2's verify-install stops here; this install does not.",
      p,
    ),
  sameVersionInstalled: (p) =>
    vscode.l10n.t('Istio {version} is already installed ({deployment}): installing again changes nothing.', p),
  otherVersionInstalled: (p) =>
    vscode.l10n.t('Another Istio ({version}, {deployment}) is installed in {namespace}.', p),
  resourcesFit: (p) =>
    vscode.l10n.t(
      '{nodes} nodes have {freeCpu}m CPU and {freeMemoryMi} MiB memory free; the demo profile requests {needCpu}m and {needMemoryMi} MiB.',
      p,
    ),
  resourcesShort: (p) =>
    vscode.l10n.t(
      'Not enough room: {nodes} nodes have {freeCpu}m CPU and {freeMemoryMi} MiB free; the demo profile requests {needCpu}m and {needMemoryMi} MiB (largest pod {pod}: {podCpu}m, {podMemoryMi} MiB).',
      p,
    ),
  noNodes: () => vscode.l10n.t('The cluster has no nodes: no pod can run.'),
  releaseNotRead: (p) =>
    vscode.l10n.t("{nodes} nodes. What the demo profile requests is known once the release's manifest can be read.", p),
  noLoadBalancerService: () => vscode.l10n.t('No LoadBalancer Service in the manifest: no external IP is needed.'),
  loadBalancerProvided: (p) =>
    vscode.l10n.t('The nodes run on a cloud ({provider}): {services} will get an external IP.', p),
  loadBalancerPending: (p) =>
    vscode.l10n.t(
      '{services} will stay <pending> in EXTERNAL-IP: the nodes have no cloud load balancer ({provider}).',
      p,
    ),
  singleReplicas: (p) =>
    vscode.l10n.t(
      '{count} deployments run a single replica: each is a single point of failure, which is fine for a lab.',
      p,
    ),
  replicated: () => vscode.l10n.t('Every deployment runs more than one replica.'),
  webhooksServed: () => vscode.l10n.t('Admission webhooks are served: automatic sidecar injection can work.'),
  webhooksMissing: () => vscode.l10n.t('admissionregistration.k8s.io is not served: no automatic sidecar injection.'),
};

/** What to do about a warning or a failure. */
const CHECK_FIXES: Readonly<Record<string, () => string>> = {
  unreachable: () =>
    vscode.l10n.t(
      'Check the kubeconfig and context (istioLab.kubeconfig, istioLab.context), your network or VPN, and that your credentials have not expired.',
    ),
  versionTooOld: () => vscode.l10n.t('Use a newer cluster, or choose an older Istio release in istioLab.istioVersion.'),
  versionOutsideRange: () =>
    vscode.l10n.t('It may still work. If the install fails, use a cluster in that range or another Istio release.'),
  permissionsMissing: () =>
    vscode.l10n.t(
      'Ask a cluster administrator for them (cluster-admin is simplest for a lab), or use the sandbox cluster.',
    ),
  sameVersionInstalled: () =>
    vscode.l10n.t('Go on (every object reports unchanged), or uninstall first for a fresh start.'),
  otherVersionInstalled: () => vscode.l10n.t('Uninstall it first, with the release it came from.'),
  resourcesShort: () =>
    vscode.l10n.t(
      'Add nodes or larger ones (minikube: minikube start --cpus 4 --memory 8192). Pods that do not fit stay Pending and the install times out.',
    ),
  noNodes: () => vscode.l10n.t('Add nodes to the cluster, or use the sandbox cluster.'),
  loadBalancerPending: () => vscode.l10n.t('Use its NodePort, minikube tunnel, or a load balancer such as MetalLB.'),
  webhooksMissing: () => vscode.l10n.t('Enable the MutatingAdmissionWebhook admission plugin.'),
};

/** A result's words and what to fix; an unknown code reads as the last check's failure, as it always has. */
function checkText(result: CheckResult): { text: string; fix?: string } {
  const params = Object.fromEntries(
    Object.entries(result.params).map(([name, value]) => [name, escapeMarkdown(value)]),
  );
  const code = result.code in CHECK_TEXTS ? result.code : 'webhooksMissing';
  return { text: CHECK_TEXTS[code](params), fix: CHECK_FIXES[code]?.() };
}

export function timelineMarkdown(data: InstallTimelineData): string {
  const created = data.events.filter((event) => event.kind === 'object-created').length;
  const seconds = (at?: number) => (at === undefined ? '—' : `${at.toFixed(1)} s`);
  const lines = [
    `# ${vscode.l10n.t('Install timeline of Istio {0}', escapeMarkdown(data.version))}`,
    '',
    vscode.l10n.t(
      'Context {0}, started {1}. {2} objects created; times are seconds from the start of the install.',
      markdownCode(data.context),
      new Date(data.startedAt).toLocaleString(vscode.env.language),
      created,
    ),
    '',
  ];
  if (!hasTimings(data)) {
    lines.push(
      vscode.l10n.t(
        'This install created nothing (everything was already there), so there is nothing to time. Uninstall Istio and install it again to watch the control plane come up.',
      ),
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    `| ${vscode.l10n.t('Pod')} | ${vscode.l10n.t('Node')} | ${vscode.l10n.t('Scheduled')} | ${vscode.l10n.t('Containers started')} | ${vscode.l10n.t('Ready')} | ${vscode.l10n.t('Completed')} |`,
    '|---|---|---:|---:|---:|---:|',
    ...podRows(data).map(
      (row) =>
        `| ${escapeMarkdown(row.pod)} | ${escapeMarkdown(row.node ?? '—')} | ${seconds(row.scheduled)} | ${seconds(row.started)} | ${seconds(row.ready)} | ${seconds(row.completed)} |`,
    ),
    '',
    vscode.l10n.t(
      'Started containers include the image pull: the simulated and real clusters both report it as ContainerCreating.',
    ),
  );
  return `${lines.join('\n')}\n`;
}
