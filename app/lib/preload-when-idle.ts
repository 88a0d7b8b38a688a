/**
 * Runs `fn` once the page has loaded (the `load` event) and the browser is
 * idle, or 2 s after load at the latest. Code fetched this way stays out of
 * the page's first load, yet is usually there before anyone needs it.
 * Returns a cancel function (for an effect's cleanup).
 */
export function preloadWhenIdle(fn: () => unknown): () => void {
  let cancelIdle: (() => void) | undefined;
  const afterLoad = () => {
    if ("requestIdleCallback" in window) {
      const id = window.requestIdleCallback(() => void fn(), { timeout: 2_000 });
      cancelIdle = () => window.cancelIdleCallback(id);
    } else {
      const t = setTimeout(() => void fn(), 500);
      cancelIdle = () => clearTimeout(t);
    }
  };
  if (document.readyState === "complete") {
    afterLoad();
    return () => cancelIdle?.();
  }
  window.addEventListener("load", afterLoad, { once: true });
  return () => {
    window.removeEventListener("load", afterLoad);
    cancelIdle?.();
  };
}
