"use client";
import { useCallback, type RefObject } from "react";

/**
 * After a failed submit, move focus to the first field marked invalid (in
 * document order), so keyboard and screen-reader users land on the problem.
 * Runs after React has rendered the aria-invalid attributes.
 */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>): () => void {
  return useCallback(() => {
    requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  }, [form]);
}
