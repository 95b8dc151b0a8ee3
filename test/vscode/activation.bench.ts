// Bench scenario `activation`: Istio Lab's activation time against an empty extension's, both
// activated in this extension host after a warm-up extension (the host's first activation
// costs more). ISTIO_LAB_BENCH_FIRST says which goes first, so runs can alternate.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

async function timeActivation(id: string): Promise<number> {
  const extension = vscode.extensions.getExtension(id);
  assert.ok(extension, `${id} is not loaded`);
  assert.equal(extension.isActive, false, `${id} was already active`);
  const started = performance.now();
  await extension.activate();
  return performance.now() - started;
}

describe('activation benchmark', () => {
  it('activates Istio Lab and an empty extension', async () => {
    const metrics = (globalThis as { istioLabMetrics?: Record<string, number> }).istioLabMetrics ?? {};
    await timeActivation('istio-lab.warmup-extension');
    const order =
      process.env.ISTIO_LAB_BENCH_FIRST === 'empty' ? (['empty', 'ours'] as const) : (['ours', 'empty'] as const);
    for (const which of order) {
      const id = which === 'ours' ? 'istio-lab.istio-lab' : 'istio-lab.empty-extension';
      metrics[`${which}ActivationMs`] = await timeActivation(id);
    }
  });
});
