// Bench scenario `install_vs_kubectl_create`: our install engine creating the book's Istio 1.2.2
// istio-demo.yaml vs `kubectl create -f` of the same file, each on a fresh sandbox (API server
// only, as its own process: dist/sandbox.js, built by `node esbuild.js`), in the same run. Also measured, to say where kubectl's time goes:
// `kubectl create --validate=false -f` on a third fresh sandbox (no OpenAPI download).
// kubectl starts with a cold discovery cache, as a learner's first run does, so it also fails
// the custom resources ("no matches for kind"); `*_created` says how many objects each created.
// Prints one JSON object on stdout; progress on stderr.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyManifest } from '../../src/kube/apply/apply-engine';
import { parseManifest } from '../../src/kube/apply/manifest';
import { createObjectClient } from '../../src/kube/apply/object-client';
import { kubernetesClient } from '../../src/kube/connection';
import { BOOK_DEMO_MANIFEST } from './bench-kubectl';

const root = path.resolve(__dirname, '..', '..');

/** A fresh sandbox in its own process, so that neither side shares a CPU thread with the server. */
async function sandboxProcess(dir: string): Promise<{ kubeconfig: string; close(): Promise<void> }> {
  const kubeconfig = path.join(dir, 'kubeconfig');
  const child = spawn(
    process.execPath,
    [path.join(root, 'dist', 'sandbox.js'), '--port', '0', '--nodes', '0', '--kubeconfig', kubeconfig],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('kubeconfig ')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
  });
  return {
    kubeconfig,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function ours(): Promise<{ ms: number; created: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-bench-'));
  const sandbox = await sandboxProcess(dir);
  const k8s = await kubernetesClient();
  try {
    const start = performance.now();
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(sandbox.kubeconfig);
    const client = await createObjectClient(kubeConfig);
    const objects = parseManifest(fs.readFileSync(BOOK_DEMO_MANIFEST, 'utf8'), 'istio-demo.yaml');
    const report = await applyManifest(client, objects);
    const ms = performance.now() - start;
    client.dispose();
    return { ms, created: report.results.filter((result) => result.outcome === 'created').length };
  } finally {
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function kubectl(extraArgs: string[]): Promise<{ ms: number; created: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-bench-'));
  const sandbox = await sandboxProcess(dir);
  try {
    const kubeconfig = sandbox.kubeconfig;
    const start = performance.now();
    const stdout = await new Promise<string>((resolve) => {
      execFile(
        'kubectl',
        ['--cache-dir', path.join(dir, 'cache'), 'create', ...extraArgs, '-f', BOOK_DEMO_MANIFEST],
        { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
        (_error, out) => resolve(out),
      );
    });
    const ms = performance.now() - start;
    return { ms, created: stdout.split('\n').filter((line) => line.endsWith(' created')).length };
  } finally {
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // The client module is loaded once beforehand: the extension loads it on first cluster use.
  await kubernetesClient();
  const peer = await kubectl([]);
  const ourRun = await ours();
  const noValidate = await kubectl(['--validate=false']);
  process.stderr.write(
    `install_vs_kubectl_create: ours ${Math.round(ourRun.ms)} ms (${ourRun.created} created); kubectl create ${Math.round(peer.ms)} ms (${peer.created} created); kubectl create --validate=false ${Math.round(noValidate.ms)} ms (${noValidate.created} created)\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ ours_ms: ourRun.ms, peer_ms: peer.ms, target: 0.25, ours_created: ourRun.created, peer_created: peer.created, peer_without_validation_ms: Math.round(noValidate.ms), peer_without_validation_created: noValidate.created })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
