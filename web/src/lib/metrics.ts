/** Linked metrics: an `x_activation` counts the activations of what `x_intake` took in. */
import type { MetricInfo } from '@tiendo/shared';

export function conversionPairs(metrics: readonly MetricInfo[]): { intake: string; activation: string }[] {
  const keys = new Set(metrics.map((m) => m.key));
  return metrics
    .filter((m) => m.key.endsWith('_activation') && keys.has(m.key.replace(/_activation$/, '_intake')))
    .map((m) => ({ intake: m.key.replace(/_activation$/, '_intake'), activation: m.key }));
}
