#!/usr/bin/env node
// A local Istio release mirror for trying the download commands offline (and for tests that
// cannot import the builder): builds release archives in the real layout (see
// scripts/lib/release-archive.mjs) and serves them on 127.0.0.1 until stopped.
//   node scripts/release-mirror.mjs [--dir D] [--throttle BYTES_PER_SECOND] [--pad-mb N] [VERSION[@PLATFORM] …]
// --pad-mb adds N MB of incompressible filler to each archive (benchmarks).
// Default release: 1.2.2@linux-amd64. Prints one JSON line {"url","dir","archives"}; set
// istioLab.releaseBaseUrl to the url.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildReleaseArchive, startReleaseMirror } from './lib/release-archive.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const dir = option('--dir') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-mirror-'));
const throttle = Number(option('--throttle') ?? 0);
const padBytes = Math.round(Number(option('--pad-mb') ?? 0) * 1024 * 1024);
const wanted = args.length ? args : ['1.2.2@linux-amd64'];

const archives = [];
for (const spec of wanted) {
  const [version, platform = 'linux-amd64'] = spec.split('@');
  const built = await buildReleaseArchive({ root: dir, version, platform, padBytes });
  archives.push(built.file);
}
const mirror = await startReleaseMirror({ root: dir, throttleBytesPerSecond: throttle });
console.log(JSON.stringify({ url: mirror.url, dir, archives }));
const stop = () => mirror.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
