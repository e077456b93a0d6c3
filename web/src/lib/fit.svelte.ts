/**
 * A text that takes the first of its forms that fits its box ("Huyện Hương Sơn", else
 * "H. Hương Sơn"): a short form instead of an ellipsis. Measured again when the box resizes and
 * once the app's typeface has loaded, since both change what fits.
 */
import type { Attachment } from 'svelte/attachments';

export function fit(forms: () => readonly string[]): Attachment<HTMLElement> {
  return (element) => {
    let list: readonly string[] = [];
    const choose = () => {
      for (const [i, text] of list.entries()) {
        element.textContent = text;
        if (i === list.length - 1 || element.scrollWidth <= element.clientWidth) return;
      }
    };
    $effect(() => {
      list = forms();
      choose();
    });
    const observer = new ResizeObserver(choose);
    observer.observe(element);
    void document.fonts?.ready.then(choose);
    return () => observer.disconnect();
  };
}
