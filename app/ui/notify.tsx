"use client";
import { toasterModule } from "./toaster-lazy";

/**
 * Feedback after an action, as a toast that closes by itself. The text sits in
 * a role=status (role=alert for errors) element: screen readers hear it, and
 * tests find it by role like any other status message.
 *
 * sonner is fetched on first use (or when idle after load, with the Toaster):
 * it is not part of any page's first load.
 */
function withToast(show: (toast: typeof import("sonner").toast) => void): void {
  void toasterModule.load().then(({ toast }) => show(toast));
}

export const notify = {
  success(text: string) {
    withToast((toast) => toast.success(<span role="status">{text}</span>));
  },
  error(text: string) {
    // Errors stay a little longer: they usually ask the reader to do something.
    withToast((toast) => toast.error(<span role="alert">{text}</span>, { duration: 6000 }));
  },
};
