/**
 * A number that counts up (or down) to each new value: an attachment that owns its element's
 * text. The frames write the text directly instead of going through a tweened state, because
 * every change of state makes Svelte walk the page's effects, hundreds of them with the
 * communes on the map, sixty times a second while the number moves.
 */
import { untrack } from 'svelte';
import type { Attachment } from 'svelte/attachments';
import { cubicOut } from 'svelte/easing';

const DURATION_MS = 700;

export function countUp(target: () => number, format: (n: number) => string): Attachment<HTMLElement> {
  return (element) => {
    let shown = untrack(target);
    const still = matchMedia('(prefers-reduced-motion: reduce)');

    $effect(() => {
      const to = target();
      const from = shown;
      if (from === to || still.matches) {
        shown = to;
        element.textContent = format(to);
        return;
      }
      // Formatted here too, not only in the frames, so that a new locale re-renders the number.
      element.textContent = format(from);
      const start = performance.now();
      let frame = requestAnimationFrame(function step(now) {
        const t = Math.min(1, Math.max(0, (now - start) / DURATION_MS));
        shown = from + (to - from) * cubicOut(t);
        element.textContent = format(shown);
        if (t < 1) frame = requestAnimationFrame(step);
      });
      return () => cancelAnimationFrame(frame);
    });
  };
}
