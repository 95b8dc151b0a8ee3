// `exec` credential plugins (gke-gcloud-auth-plugin, `aws eks get-token`, kubelogin…) run the
// way client-go runs them, covering what client-node 1.4's ExecAuth leaves out: a credential
// without `expirationTimestamp` is kept until the server rejects it (client-node re-runs the
// plugin on every request), a 401 forces a fresh one, concurrent requests share one run,
// `KUBERNETES_EXEC_INFO` is set, a relative command resolves against its kubeconfig's folder,
// and a missing or failing plugin is a KubeError carrying the kubeconfig's `installHint`.
import { spawn } from 'node:child_process';
import type * as https from 'node:https';
import * as path from 'node:path';
import type { User } from '@kubernetes/client-node';
import { KubeError } from './kube-errors';

/** The `exec` stanza of a kubeconfig user (client.authentication.k8s.io). */
export interface ExecConfig {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value: string }[] | null;
  readonly apiVersion?: string;
  readonly installHint?: string;
  readonly interactiveMode?: string;
}

interface ExecCredentialStatus {
  readonly token?: string;
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  readonly expirationTimestamp?: string;
}

interface Cached {
  readonly status: ExecCredentialStatus;
  /** Epoch ms; undefined = valid until the server says otherwise. */
  readonly expiresAt?: number;
}

/** Refresh a little before the plugin's stated expiry, so a request in flight does not carry a just-expired token. */
const EXPIRY_SKEW_MS = 10_000;
const MAX_STDERR = 4_000;

/** A client-node authenticator (its `Authenticator` interface is not exported; this matches it). */
export class ExecCredentials {
  private readonly cache = new Map<string, Cached>();
  private readonly running = new Map<string, Promise<Cached>>();

  /** @param configs the exec stanza of each user that has one, by user name; commands already resolved. */
  constructor(private readonly configs: ReadonlyMap<string, ExecConfig>) {}

  isAuthProvider(user: User): boolean {
    return this.configs.has(user.name);
  }

  async applyAuthentication(user: User, opts: https.RequestOptions): Promise<void> {
    const { status } = await this.credential(user.name);
    if (status.clientCertificateData) opts.cert = status.clientCertificateData;
    if (status.clientKeyData) opts.key = status.clientKeyData;
    if (status.token) opts.headers = { ...opts.headers, Authorization: `Bearer ${status.token}` };
  }

  /** Forgets every credential, so the next request runs the plugin again (after a 401). */
  invalidate(): void {
    this.cache.clear();
  }

  private credential(userName: string): Promise<Cached> {
    const cached = this.cache.get(userName);
    if (cached && (cached.expiresAt === undefined || cached.expiresAt - EXPIRY_SKEW_MS > Date.now()))
      return Promise.resolve(cached);
    let run = this.running.get(userName);
    if (!run) {
      run = runPlugin(this.configs.get(userName)!).then(
        (fresh) => {
          this.running.delete(userName);
          this.cache.set(userName, fresh);
          return fresh;
        },
        (error: unknown) => {
          this.running.delete(userName);
          throw error;
        },
      );
      this.running.set(userName, run);
    }
    return run;
  }
}

function runPlugin(config: ExecConfig): Promise<Cached> {
  const apiVersion = config.apiVersion ?? 'client.authentication.k8s.io/v1beta1';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // What client-go passes: no terminal here, so never interactive.
    KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } }),
  };
  for (const { name, value } of config.env ?? []) env[name] = value;
  const failed = (cause: string, error?: unknown): KubeError =>
    new KubeError('exec-plugin-failed', {
      details: { command: config.command, installHint: config.installHint, cause },
      cause: error,
    });
  return new Promise((resolve, reject) => {
    const child = spawn(config.command, [...(config.args ?? [])], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR) stderr += chunk;
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new KubeError('exec-plugin-missing', {
            details: { command: config.command, installHint: config.installHint, cause: error.code },
            cause: error,
          }),
        );
      } else {
        reject(failed(error.message, error));
      }
    });
    child.once('close', (code) => {
      if (code !== 0) {
        // After a spawn 'error' this rejects again, which a settled promise ignores.
        reject(failed(stderr.trim() || `exit code ${code}`));
        return;
      }
      let credential: { status?: ExecCredentialStatus };
      try {
        credential = JSON.parse(stdout) as { status?: ExecCredentialStatus };
      } catch (error) {
        reject(failed('its output is not an ExecCredential (JSON)', error));
        return;
      }
      const status = credential.status;
      if (!status || (!status.token && !(status.clientCertificateData && status.clientKeyData))) {
        reject(failed('its ExecCredential has no token and no client certificate'));
        return;
      }
      const expiresAt = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : undefined;
      resolve({ status, expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt });
    });
  });
}

/** client-go resolves a command with a path separator against the kubeconfig's folder; a bare name is looked up on PATH. */
export function resolveExecCommand(command: string, kubeconfigDir: string): string {
  if (!command.includes('/') && !command.includes(path.sep)) return command;
  return path.resolve(kubeconfigDir, command);
}
