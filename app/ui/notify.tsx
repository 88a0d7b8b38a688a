"use client";
import { toast } from "sonner";

/**
 * Feedback after an action, as a toast that closes by itself. The text sits in
 * a role=status (role=alert for errors) element: screen readers hear it, and
 * tests find it by role like any other status message.
 */
export const notify = {
  success(text: string) {
    toast.success(<span role="status">{text}</span>);
  },
  error(text: string) {
    // Errors stay a little longer: they usually ask the reader to do something.
    toast.error(<span role="alert">{text}</span>, { duration: 6000 });
  },
};
