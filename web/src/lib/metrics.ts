/**
 * Linked metrics: an activation counts the activations of what an intake took in, as the server
 * says (`activationOf`) or, from campaigns that do not say, as the keys tell (`x_activation` of
 * `x_intake`).
 */
import type { MetricInfo } from '@tiendo/shared';

export function conversionPairs(metrics: readonly MetricInfo[]): { intake: string; activation: string }[] {
  const keys = new Set(metrics.map((m) => m.key));
  return metrics.flatMap((m) => {
    const intake = m.activationOf ?? (m.key.endsWith('_activation') ? m.key.replace(/_activation$/, '_intake') : null);
    return intake && keys.has(intake) ? [{ intake, activation: m.key }] : [];
  });
}
