// What a learner can do with a pod of the tree: follow its logs, describe it, port-forward to it,
// open a terminal with the kubectl command typed in, copy its name.
import { Writable } from 'node:stream';
import * as vscode from 'vscode';
import type { ClusterConnection } from '../kube/connection';
import { followPodLog, readPod } from '../kube/pod-reads';
import type { PortForwardListener } from '../kube/port-forward';
import { listenPortForward } from '../kube/port-forward';
import type { PodSummary } from '../kube/pod-summary';
import { browserPage } from '../istio/roles/browser-page';
import { DescribeDocumentProvider, DESCRIBE_SCHEME, describeUri } from './describe-document';
import { labTerminal, typeInTerminal } from './lab-terminal';
import type { PodsElement, PodsTreeProvider } from './pods-tree';
import { outside } from './outside-text';
import { connectionSettings } from './settings';
import { UnquotableArgumentError, quoteCommandLine, shellKind } from './shell-quote';

interface PortForwardSession {
  readonly label: string;
  readonly listener: PortForwardListener;
}

export function registerPodActions(
  context: vscode.ExtensionContext,
  tree: PodsTreeProvider,
  log: vscode.LogOutputChannel,
): void {
  const describe = new DescribeDocumentProvider(() => tree.connection);
  const logStreams = new Map<string, { channel: vscode.OutputChannel; stop: AbortController | undefined }>();
  const forwards = new Set<PortForwardSession>();

  const podOf = (element: PodsElement | undefined): PodSummary | undefined => {
    const node = element ? tree.node(element) : undefined;
    return node?.kind === 'pod' ? node.pod : undefined;
  };
  const withPod =
    (run: (pod: PodSummary, connection: ClusterConnection) => Promise<void>) => async (element?: PodsElement) => {
      const pod = podOf(element);
      const connection = tree.connection;
      if (!pod || !connection) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Pick a pod in the Istio Pods view first.'));
        return;
      }
      try {
        await run(pod, connection);
      } catch (error) {
        const message =
          error instanceof UnquotableArgumentError
            ? vscode.l10n.t(
                '{0} cannot be typed into a terminal safely: it holds a control character (in cmd also a double quote, % or !).',
                JSON.stringify(error.argument),
              )
            : error instanceof Error
              ? error.message
              : String(error);
        log.error(`pod action on ${pod.namespace}/${pod.name} failed`, error);
        void vscode.window.showErrorMessage(vscode.l10n.t('Pod {0}: {1}', outside(pod.name), outside(message)));
      }
    };

  const setForwarding = () =>
    void vscode.commands.executeCommand('setContext', 'istioLab.pods.forwarding', forwards.size > 0);
  const stopForward = (session: PortForwardSession): void => {
    forwards.delete(session);
    void session.listener.close();
    setForwarding();
    log.info(`port-forward stopped: ${session.label}`);
  };

  context.subscriptions.push(
    describe,
    vscode.workspace.registerTextDocumentContentProvider(DESCRIBE_SCHEME, describe),
    vscode.commands.registerCommand(
      'istioLab.pods.copyName',
      withPod(async (pod) => {
        await vscode.env.clipboard.writeText(pod.name);
        void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied: {0}', pod.name), 3000);
      }),
    ),
    vscode.commands.registerCommand(
      'istioLab.pods.describe',
      withPod(async (pod) => {
        const uri = describeUri(pod.namespace, pod.name);
        const open = vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString());
        if (open) describe.refresh(uri);
        const document = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(document, { preview: true });
      }),
    ),
    vscode.commands.registerCommand(
      'istioLab.pods.openTerminal',
      withPod(async (pod, connection) => {
        const { kubeconfig } = connectionSettings();
        const terminal = labTerminal({ env: kubeconfig ? { KUBECONFIG: kubeconfig } : undefined });
        // Typed, not run, once the shell's prompt is there: the learner reads it and presses Enter.
        // Quoted for the terminal's shell: a context or pod name is an argument, never code.
        const shell = shellKind(terminal.state.shell ?? vscode.env.shell);
        await typeInTerminal(
          terminal,
          quoteCommandLine(
            ['kubectl', '--context', connection.contextName, '-n', pod.namespace, 'describe', 'pod', pod.name],
            shell,
          ),
        );
      }),
    ),
    // A shell in a container: kubectl itself is the terminal's process (an argument array, no
    // shell line to quote), so the session starts without typing anything.
    vscode.commands.registerCommand(
      'istioLab.pods.exec',
      withPod(async (pod, connection) => {
        const container = await pickContainer(
          pod,
          vscode.l10n.t('Open a shell in which container of {0}?', pod.name),
          false,
        );
        if (!container) return;
        const { kubeconfig } = connectionSettings();
        const args = [
          '--context',
          connection.contextName,
          '-n',
          pod.namespace,
          'exec',
          '-it',
          pod.name,
          '-c',
          container,
          '--',
          'sh',
        ];
        const terminal = vscode.window.createTerminal({
          name: `${pod.name} (${container})`,
          iconPath: new vscode.ThemeIcon('terminal'),
          shellPath: 'kubectl',
          shellArgs: args,
          ...(kubeconfig ? { env: { KUBECONFIG: kubeconfig } } : {}),
        });
        terminal.show();
        log.info(`exec: kubectl ${args.join(' ')}`);
      }),
    ),
    vscode.commands.registerCommand(
      'istioLab.pods.showLogs',
      withPod(async (pod, connection) => {
        const container = await pickContainer(pod, vscode.l10n.t('Logs of which container of {0}?', pod.name), true);
        if (!container) return;
        const key = `${pod.uid}/${container}`;
        const existing = logStreams.get(key);
        if (existing?.stop) {
          existing.channel.show(true);
          return;
        }
        const channel = existing?.channel ?? vscode.window.createOutputChannel(`Istio Lab: ${pod.name} (${container})`);
        channel.show(true);
        channel.appendLine(`$ kubectl -n ${pod.namespace} logs -f ${pod.name} -c ${container}`);
        const output = new Writable({
          write(chunk: Buffer, _encoding, done) {
            channel.append(chunk.toString('utf8'));
            done();
          },
        });
        const entry = { channel, stop: undefined as AbortController | undefined };
        logStreams.set(key, entry);
        entry.stop = await followPodLog(connection, pod.namespace, pod.name, container, output, 500);
        output.on('finish', () => {
          entry.stop = undefined;
          channel.appendLine(vscode.l10n.t('— the log stream ended (the container stopped or the pod is gone) —'));
        });
      }),
    ),
    // Returns the local URL, so other features (and tests) can use the forward; `port` skips the pick.
    vscode.commands.registerCommand(
      'istioLab.pods.portForward',
      async (element?: PodsElement, port?: number): Promise<string | undefined> => {
        let url: string | undefined;
        await withPod(async (pod, connection) => {
          const target = port ?? (await pickPort(pod, connection));
          if (target === undefined) return;
          const session = await startPortForward(connection, pod, target, log);
          forwards.add(session);
          setForwarding();
          const local = session.listener.localPort;
          url = `http://127.0.0.1:${local}`;
          log.info(`port-forward started: ${session.label} → ${url}`);
          const open = vscode.l10n.t('Open in Browser');
          const stop = vscode.l10n.t('Stop');
          const message = vscode.l10n.t(
            'Forwarding {0} to port {1} of {2}. (kubectl port-forward -n {3} {2} {4}:{1})',
            url,
            target,
            pod.name,
            pod.namespace,
            local,
          );
          // The component's useful page: Pilot's registry rather than its 404 at `/`.
          const node = element ? tree.node(element) : undefined;
          const page = node?.kind === 'pod' ? browserPage(node.role.component, target) : '/';
          void vscode.window.showInformationMessage(outside(message), open, stop).then(async (answer) => {
            if (answer === open) await vscode.env.openExternal(vscode.Uri.parse(`${url!}${page}`));
            if (answer === stop) stopForward(session);
          });
        })(element);
        return url;
      },
    ),
    vscode.commands.registerCommand('istioLab.pods.stopPortForwards', async () => {
      const picked = await vscode.window.showQuickPick(
        [...forwards].map((session) => ({
          label: session.label,
          detail: `http://127.0.0.1:${session.listener.localPort}`,
          session,
        })),
        { canPickMany: true, title: vscode.l10n.t('Stop port-forwards'), ignoreFocusOut: true },
      );
      for (const { session } of picked ?? []) stopForward(session);
    }),
    {
      dispose: () => {
        for (const entry of logStreams.values()) {
          entry.stop?.abort();
          entry.channel.dispose();
        }
        for (const session of forwards) stopForward(session);
      },
    },
  );
}

/** The container to act on: the only one, or the learner's pick (init containers only for logs: they have exited). */
async function pickContainer(pod: PodSummary, title: string, withInit: boolean): Promise<string | undefined> {
  const containers = withInit ? [...pod.containers, ...pod.initContainers] : pod.containers;
  if (containers.length <= 1) return containers[0]?.name;
  const picked = await vscode.window.showQuickPick(
    containers.map((container) => ({ label: container.name, description: container.image, detail: container.state })),
    { title, ignoreFocusOut: true },
  );
  return picked?.label;
}

/** The container ports of the pod's spec to choose from, or a number typed in. */
async function pickPort(pod: PodSummary, connection: ClusterConnection): Promise<number | undefined> {
  const full = await readPod(connection, pod.namespace, pod.name);
  const ports = (full.spec?.containers ?? []).flatMap((container) =>
    (container.ports ?? []).map((port) => ({
      label: String(port.containerPort),
      description: [container.name, port.name].filter(Boolean).join(' · '),
      port: port.containerPort,
    })),
  );
  const other = { label: vscode.l10n.t('Another port…'), description: '', port: -1 };
  const picked = ports.length
    ? await vscode.window.showQuickPick([...ports, other], {
        title: vscode.l10n.t('Forward which port of {0}?', pod.name),
        ignoreFocusOut: true,
      })
    : other;
  if (!picked) return undefined;
  if (picked.port > 0) return picked.port;
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Forward which port of {0}?', pod.name),
    ignoreFocusOut: true,
    validateInput: (value) =>
      /^\d+$/.test(value) && Number(value) > 0 && Number(value) < 65536
        ? undefined
        : vscode.l10n.t('A port number from 1 to 65535'),
  });
  return typed ? Number(typed) : undefined;
}

/** A local port on 127.0.0.1 whose every connection is forwarded to the pod's port over the API server. */
async function startPortForward(
  connection: ClusterConnection,
  pod: PodSummary,
  port: number,
  log: vscode.LogOutputChannel,
): Promise<PortForwardSession> {
  const listener = await listenPortForward(
    connection.kubeConfig,
    { namespace: pod.namespace, pod: pod.name, port },
    {
      onConnectionError: (error) => log.warn(`port-forward to ${pod.namespace}/${pod.name}:${port} failed`, error),
    },
  );
  return { label: `${pod.namespace}/${pod.name}:${port}`, listener };
}
