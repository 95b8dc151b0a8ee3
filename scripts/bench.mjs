#!/usr/bin/env node
// `npm run bench`: every benchmark scenario in one run, printed as one JSON document
//   {"scenarios":[{"name","ours_ms","peer_ms","ratio","target"}]}   (ratio = ours / peer)
// Each scenario measures ours and its peer side by side in the same run. Progress goes to
// stderr; exits non-zero when a scenario fails to run (not when it misses its target).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emptyExtension, root, runExtensionTests } from './lib/vscode-tests.mjs';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round = (value) => Math.round(value * 100) / 100;

/** A second empty extension, activated first so that neither measured one pays for the host's first activation. */
function warmupExtension() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-warmup-'));
  fs.cpSync(emptyExtension, dir, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...manifest, name: 'warmup-extension' }));
  return dir;
}

/** Our activation vs an empty extension's, both in the same extension host, median of runs. */
async function activation(runs = Number(process.env.ISTIO_LAB_BENCH_RUNS ?? 8)) {
  const ours = [];
  const peer = [];
  const warmup = warmupExtension();
  for (let run = 0; run < runs; run++) {
    const first = run % 2 === 0 ? 'ours' : 'empty';
    const result = await runExtensionTests({
      suite: 'bench',
      installed: [emptyExtension, warmup],
      env: { ISTIO_LAB_BENCH_FIRST: first },
    });
    ours.push(result.metrics.oursActivationMs);
    peer.push(result.metrics.emptyActivationMs);
    console.error(
      `activation run ${run + 1}/${runs} (${first} first): ours ${round(ours.at(-1))} ms, empty ${round(peer.at(-1))} ms`,
    );
  }
  fs.rmSync(warmup, { recursive: true, force: true });
  return {
    ours_ms: median(ours),
    peer_ms: median(peer),
    target: 1.5,
    samples: { ours: ours.map(round), peer: peer.map(round) },
  };
}

/** Runs a scenario script of scripts/bench/ (TypeScript, through tsx); it prints its figures as JSON. */
function scenarioScript(file, nodeArgs = []) {
  const run = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', file], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`${file} exited ${run.status}`);
  return JSON.parse(run.stdout);
}

/** GET /api/v1/pods of 10k pods from the sandbox vs JSON.stringify of the same objects. */
const sandbox_list_10k = () => scenarioScript('scripts/bench/sandbox-list.ts', ['--expose-gc']);

/** kubectl create -f istio-demo.yaml until every istio-system pod is Ready/Completed, vs kubectl alone. */
const sandbox_install_settle = () => scenarioScript('scripts/bench/sandbox-install-settle.ts');

/** The pod watch store (scripts/bench/pod-sync.ts): one run gives both figures. pod_sync_10k: connect →
 *  store synced with 10k pods vs `kubectl get pods -A -o json`; watch_update_p99: a server-side pod
 *  update → the store's change event vs the same event on a raw client-node Watch. */
let podSync;
const podSyncRun = () => (podSync ??= scenarioScript('scripts/bench/pod-sync.ts', ['--expose-gc']));
const pod_sync_10k = () => podSyncRun().pod_sync_10k;
const watch_update_p99 = () => podSyncRun().watch_update_p99;

/** GET /v1/registration through `kubectl port-forward svc/istio-pilot` vs through the API server's service proxy. */
const sandbox_port_forward_get = () => scenarioScript('scripts/bench/sandbox-port-forward.ts');

/** One pod event → the node the Istio Pods view refreshes, with 10k pods (the live tree model) vs a `kubectl get pods -A` poll. */
const pod_tree_update_10k = () => scenarioScript('scripts/bench/pod-tree.ts');

/** The same path at 50k pods vs at 10k (ratio = growth, target 2; p99 target 16 ms), and the heap per pod the store and the model keep. */
const pod_tree_update_50k = () => scenarioScript('scripts/bench/pod-tree-50k.ts', ['--expose-gc']);

/** The registry webview's first painted table of 10k services × 2 ports × 3 endpoints vs JSON.parse of the same registry; filter keystroke p95. */
const registry_render_10k = () => scenarioScript('scripts/bench/registry-render.ts');

/** The registry webview's Proxies tab with 5,000 proxies (Pilot 1.2's /debug/syncz) vs JSON.parse of the same syncz body. */
const proxies_render_5k = () => scenarioScript('scripts/bench/proxies-render.ts');

/** A 50 MB release archive from a local mirror: our download + verify + unpack vs curl -o + sha256sum -c + tar xzf. */
const download_verify_extract = () => scenarioScript('scripts/bench/download-verify-extract.ts');

/** Our install engine on istio-demo.yaml (1.2.2) vs kubectl create -f of the same file, each on a fresh sandbox. */
const install_vs_kubectl_create = () => scenarioScript('scripts/bench/install-vs-kubectl.ts');

const scenarios = {
  activation,
  sandbox_list_10k,
  sandbox_install_settle,
  pod_sync_10k,
  watch_update_p99,
  sandbox_port_forward_get,
  pod_tree_update_10k,
  pod_tree_update_50k,
  registry_render_10k,
  proxies_render_5k,
  download_verify_extract,
  install_vs_kubectl_create,
};

async function main() {
  // stdout carries the JSON document only: everything the scenarios and their test runners
  // print (VS Code's output is piped to our stdout) goes to stderr.
  const writeJson = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr);
  const build = spawnSync(process.execPath, ['esbuild.js', '--production'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) throw new Error('the production build failed');
  const wanted = process.argv.slice(2);
  const results = [];
  let failed = false;
  for (const [name, measure] of Object.entries(scenarios)) {
    if (wanted.length && !wanted.includes(name)) continue;
    try {
      const { ours_ms, peer_ms, target, ...extra } = await measure();
      results.push({
        name,
        ours_ms: round(ours_ms),
        peer_ms: round(peer_ms),
        ratio: round(ours_ms / peer_ms),
        target,
        ...extra,
      });
    } catch (error) {
      failed = true;
      console.error(`scenario ${name} failed to run: ${error.stack ?? error}`);
      results.push({ name, error: String(error.message ?? error) });
    }
  }
  writeJson(`${JSON.stringify({ scenarios: results }, null, 2)}\n`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
