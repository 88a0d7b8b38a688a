"use client";
import { useLayoutEffect, useSyncExternalStore } from "react";

export type LazyModule<T> = {
  /** Fetches the module (once; again after a failure). */
  load: () => Promise<T>;
  /** The module if it has loaded, else undefined. */
  get: () => T | undefined;
  subscribe: (listener: () => void) => () => void;
};

/**
 * A code-split module that components render with once it is there
 * (`useLazyModule`) and that anything can ask for (`load`): a press that
 * comes before it, or `preloadWhenIdle`.
 */
export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let value: T | undefined;
  let pending: Promise<T> | undefined;
  const listeners = new Set<() => void>();
  return {
    load() {
      pending ??= importer().then(
        (m) => {
          rememberFocus();
          value = m;
          listeners.forEach((l) => l());
          return m;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    get: () => value,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const nothing = () => undefined;

/**
 * The module once loaded, else undefined. Server rendering and hydration see
 * undefined, so the first client render matches the server's HTML.
 *
 * When the module arrives, components usually wrap what they rendered alone
 * so far (a button becomes a Radix trigger): React mounts a new element in
 * place of the old one, with the same DOM shape. If the old one had focus,
 * focus is put back on its replacement (else keyboard users would be thrown
 * back to the top of the page).
 */
export function useLazyModule<T>(mod: LazyModule<T>): T | undefined {
  const value = useSyncExternalStore(mod.subscribe, mod.get, nothing);
  useLayoutEffect(() => {
    if (value !== undefined) restoreFocus();
  }, [value]);
  return value;
}

let focused: { path: number[]; tag: string; name: string | null } | null = null;

function rememberFocus(): void {
  if (typeof document === "undefined") return;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return;
  const path: number[] = [];
  for (let node: Element = el; node.parentElement; node = node.parentElement) {
    path.unshift(Array.prototype.indexOf.call(node.parentElement.children, node));
  }
  focused = { path, tag: el.tagName, name: el.getAttribute("aria-label") };
}

function restoreFocus(): void {
  const was = focused;
  focused = null;
  if (!was) return;
  const active = document.activeElement;
  if (active && active !== document.body && active !== document.documentElement) return;
  let node: Element | undefined = document.documentElement;
  for (const i of was.path) node = node?.children[i];
  if (node instanceof HTMLElement && node.tagName === was.tag && node.getAttribute("aria-label") === was.name) {
    node.focus({ preventScroll: true });
  }
}
