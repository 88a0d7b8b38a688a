// This tab's remembered call ids (sessionStorage: per tab, kept across a
// reload), so a reload takes its call or its ring back.

export function stored(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export function remember(key: string, callId: string | null): void {
  try {
    if (callId) sessionStorage.setItem(key, callId);
    else sessionStorage.removeItem(key);
  } catch {
    // storage unavailable: a reload will not take the call back
  }
}
