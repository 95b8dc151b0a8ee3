// Bench scenario `download_verify_extract`: a 50 MB Istio 1.2.2 release archive (the real layout,
// padded with incompressible bytes) from a local HTTP mirror on 127.0.0.1. Ours: downloadRelease()
// — streaming download with the SHA-256 computed on the way, the published .sha256 checked, then
// one streaming pass of node-tar with every entry judged. Peer, same run: `curl -o` of the
// archive and its .sha256, `sha256sum -c`, `tar xzf`. Median of runs, alternating which goes
// first. Prints one JSON object on stdout; progress on stderr.
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { downloadRelease } from '../../src/lab/download/release-download';
import { median, round } from './bench-stats';

// Incompressible filler; the release itself adds ~0.1 MB compressed.
const FILLER_MB = 50;
const RUNS = Number(process.env.ISTIO_LAB_BENCH_RUNS ?? 5);
const run = promisify(execFile);

interface Mirror {
  readonly child: ChildProcess;
  readonly url: string;
  readonly archives: string[];
}

/** scripts/release-mirror.mjs with one ~50 MB archive of 1.2.2 (the release padded with incompressible filler). */
function startMirror(dir: string): Promise<Mirror> {
  const script = path.resolve(__dirname, '..', 'release-mirror.mjs');
  const child = spawn(process.execPath, [script, '--dir', dir, '--pad-mb', String(FILLER_MB), '1.2.2@linux-amd64'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, ...(JSON.parse(line) as { url: string; archives: string[] }) });
    });
    child.once('exit', (code) => reject(new Error(`the release mirror exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-bench-download-'));
  // The mirror runs in its own process, as a real server would: serving must not share the
  // event loop of the download it is measured against.
  const mirror = await startMirror(path.join(work, 'mirror'));
  const file = mirror.archives[0];
  const fileName = path.basename(file);
  const size = fs.statSync(file).size;
  const url = `${mirror.url}/1.2.2/${fileName}`;
  process.stderr.write(`download_verify_extract: ${(size / 1024 / 1024).toFixed(1)} MB archive at ${url}\n`);

  const ours = async (dir: string): Promise<number> => {
    const started = performance.now();
    const result = await downloadRelease({
      version: '1.2.2',
      platform: { os: 'linux', arch: 'amd64' },
      downloadDir: dir,
      source: { baseUrl: mirror.url },
    });
    const elapsed = performance.now() - started;
    if (result.release.checksum.state !== 'verified' || !fs.existsSync(result.release.istioctl))
      throw new Error('ours did not produce a verified release');
    return elapsed;
  };
  const peer = async (dir: string): Promise<number> => {
    fs.mkdirSync(dir, { recursive: true });
    const started = performance.now();
    await run('curl', ['-fsS', '-o', fileName, url, '-o', `${fileName}.sha256`, `${url}.sha256`], { cwd: dir });
    await run('sha256sum', ['-c', `${fileName}.sha256`], { cwd: dir });
    await run('tar', ['xzf', fileName], { cwd: dir });
    const elapsed = performance.now() - started;
    if (!fs.existsSync(path.join(dir, 'istio-1.2.2', 'bin', 'istioctl')))
      throw new Error('the peer did not unpack the release');
    return elapsed;
  };

  const oursMs: number[] = [];
  const peerMs: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? (['ours', 'peer'] as const) : (['peer', 'ours'] as const);
      for (const who of order) {
        const dir = path.join(work, `${who}-${i}`);
        if (who === 'ours') oursMs.push(await ours(dir));
        else peerMs.push(await peer(dir));
        fs.rmSync(dir, { recursive: true, force: true });
      }
      process.stderr.write(
        `download_verify_extract run ${i + 1}/${RUNS}: ours ${oursMs.at(-1)!.toFixed(1)} ms, curl + sha256sum + tar ${peerMs.at(-1)!.toFixed(1)} ms\n`,
      );
    }
  } finally {
    mirror.child.kill();
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(
    `${JSON.stringify({
      ours_ms: median(oursMs),
      peer_ms: median(peerMs),
      target: 1.0,
      archive_mb: round(size / 1024 / 1024, 1),
      samples: { ours: oursMs.map((ms) => round(ms, 1)), peer: peerMs.map((ms) => round(ms, 1)) },
    })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
