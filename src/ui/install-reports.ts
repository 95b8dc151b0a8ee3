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
    lines.push(`- ${ICONS[result.status]} **${checkTitle(result.id)}** — ${text}`);
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

function checkTitle(id: CheckResult['id']): string {
  switch (id) {
    case 'api':
      return vscode.l10n.t('Kubernetes API');
    case 'version':
      return vscode.l10n.t('Kubernetes version');
    case 'permissions':
      return vscode.l10n.t('Permissions');
    case 'existing':
      return vscode.l10n.t('Existing Istio');
    case 'resources':
      return vscode.l10n.t('Nodes and resources');
    case 'loadBalancer':
      return vscode.l10n.t('Ingress load balancer');
    case 'replicas':
      return vscode.l10n.t('Replicas');
    case 'webhooks':
      return vscode.l10n.t('Sidecar injection');
  }
}

function checkText(result: CheckResult): { text: string; fix?: string } {
  const p = (name: string) => escapeMarkdown(result.params[name] ?? '');
  switch (result.code) {
    case 'reachable':
      return { text: vscode.l10n.t('The API server {0} answers.', p('server')) };
    case 'unreachable':
      return {
        text: vscode.l10n.t('The API server {0} did not answer: {1} ({2}).', p('server'), p('message'), p('reason')),
        fix: vscode.l10n.t(
          'Check the kubeconfig and context (istioLab.kubeconfig, istioLab.context), your network or VPN, and that your credentials have not expired.',
        ),
      };
    case 'versionSupported':
      return { text: vscode.l10n.t('Kubernetes {0}: Istio {1} accepts it.', p('version'), p('release')) };
    case 'versionTooOld':
      return {
        text: vscode.l10n.t(
          'Kubernetes {0} is older than Istio {1} accepts (at least {2}).',
          p('version'),
          p('release'),
          p('min'),
        ),
        fix: vscode.l10n.t('Use a newer cluster, or choose an older Istio release in istioLab.istioVersion.'),
      };
    case 'versionOutsideRange':
      return {
        text: vscode.l10n.t(
          'Kubernetes {0} is outside the versions Istio {1} supports ({2}).',
          p('version'),
          p('release'),
          p('range'),
        ),
        fix: vscode.l10n.t(
          'It may still work. If the install fails, use a cluster in that range or another Istio release.',
        ),
      };
    case 'permissionsGranted':
      return {
        text: vscode.l10n.t('You may create everything the install creates ({0} permissions checked).', p('count')),
      };
    case 'permissionsMissing':
      return {
        text: vscode.l10n.t('Missing permissions: {0}.', p('missing')),
        fix: vscode.l10n.t(
          'Ask a cluster administrator for them (cluster-admin is simplest for a lab), or use the sandbox cluster.',
        ),
      };
    case 'notInstalled':
      return { text: vscode.l10n.t('No Istio in {0} yet.', p('namespace')) };
    case 'namespaceWithoutIstio':
      return {
        text: vscode.l10n.t(
          "The namespace {0} exists but holds no Istio control plane. Istio 1.2's verify-install stops here; this install does not.",
          p('namespace'),
        ),
      };
    case 'sameVersionInstalled':
      return {
        text: vscode.l10n.t(
          'Istio {0} is already installed ({1}): installing again changes nothing.',
          p('version'),
          p('deployment'),
        ),
        fix: vscode.l10n.t('Go on (every object reports unchanged), or uninstall first for a fresh start.'),
      };
    case 'otherVersionInstalled':
      return {
        text: vscode.l10n.t(
          'Another Istio ({0}, {1}) is installed in {2}.',
          p('version'),
          p('deployment'),
          p('namespace'),
        ),
        fix: vscode.l10n.t('Uninstall it first, with the release it came from.'),
      };
    case 'resourcesFit':
      return {
        text: vscode.l10n.t(
          '{0} nodes have {1}m CPU and {2} MiB memory free; the demo profile requests {3}m and {4} MiB.',
          p('nodes'),
          p('freeCpu'),
          p('freeMemoryMi'),
          p('needCpu'),
          p('needMemoryMi'),
        ),
      };
    case 'resourcesShort':
      return {
        text: vscode.l10n.t(
          'Not enough room: {0} nodes have {1}m CPU and {2} MiB free; the demo profile requests {3}m and {4} MiB (largest pod {5}: {6}m, {7} MiB).',
          p('nodes'),
          p('freeCpu'),
          p('freeMemoryMi'),
          p('needCpu'),
          p('needMemoryMi'),
          p('pod'),
          p('podCpu'),
          p('podMemoryMi'),
        ),
        fix: vscode.l10n.t(
          'Add nodes or larger ones (minikube: minikube start --cpus 4 --memory 8192). Pods that do not fit stay Pending and the install times out.',
        ),
      };
    case 'noNodes':
      return {
        text: vscode.l10n.t('The cluster has no nodes: no pod can run.'),
        fix: vscode.l10n.t('Add nodes to the cluster, or use the sandbox cluster.'),
      };
    case 'releaseNotRead':
      return {
        text: vscode.l10n.t(
          "{0} nodes. What the demo profile requests is known once the release's manifest can be read.",
          p('nodes'),
        ),
      };
    case 'noLoadBalancerService':
      return { text: vscode.l10n.t('No LoadBalancer Service in the manifest: no external IP is needed.') };
    case 'loadBalancerProvided':
      return {
        text: vscode.l10n.t(
          'The nodes run on a cloud ({0}): {1} will get an external IP.',
          p('provider'),
          p('services'),
        ),
      };
    case 'loadBalancerPending':
      return {
        text: vscode.l10n.t(
          '{0} will stay <pending> in EXTERNAL-IP: the nodes have no cloud load balancer ({1}).',
          p('services'),
          p('provider'),
        ),
        fix: vscode.l10n.t('Use its NodePort, minikube tunnel, or a load balancer such as MetalLB.'),
      };
    case 'singleReplicas':
      return {
        text: vscode.l10n.t(
          '{0} deployments run a single replica: each is a single point of failure, which is fine for a lab.',
          p('count'),
        ),
      };
    case 'replicated':
      return { text: vscode.l10n.t('Every deployment runs more than one replica.') };
    case 'webhooksServed':
      return { text: vscode.l10n.t('Admission webhooks are served: automatic sidecar injection can work.') };
    default:
      return {
        text: vscode.l10n.t('admissionregistration.k8s.io is not served: no automatic sidecar injection.'),
        fix: vscode.l10n.t('Enable the MutatingAdmissionWebhook admission plugin.'),
      };
  }
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
