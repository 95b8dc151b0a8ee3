// The offline release mirror script (`node scripts/release-mirror.mjs`), run as a real process and
// asked over real HTTP: a malformed request is answered 400 and the mirror keeps serving.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

function get(base: string, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = http.request({ host: url.hostname, port: url.port, path: rawPath }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test(
  'answers 400 to a malformed percent-encoding (GET /%E0%A4%A) instead of dying, and keeps serving',
  { timeout: 60_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-mirror-script-'));
    const mirror = spawn(process.execPath, [path.join('scripts', 'release-mirror.mjs'), '--dir', dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(createInterface({ input: mirror.stdout! }), 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      const exited = once(mirror, 'exit');

      for (const bad of ['/%E0%A4%A', '/1.2.2/%', '/%C0%AF']) {
        const answer = await get(url, bad);
        assert.equal(answer.status, 400, `${bad}: ${answer.body}`);
      }
      const good = await get(url, '/1.2.2/istio-1.2.2-linux.tar.gz.sha256');
      assert.equal(good.status, 200);
      assert.match(good.body, /^[0-9a-f]{64} {2}istio-1\.2\.2-linux\.tar\.gz\n$/);
      assert.equal(mirror.exitCode, null, 'the mirror exited');

      mirror.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
    } finally {
      if (mirror.exitCode === null) mirror.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
