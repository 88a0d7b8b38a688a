// Splits a chat message into text and links. Only absolute http(s) URLs and
// www. addresses become links, and only after the URL parser agrees they are
// http(s): `javascript:`, `data:` and the rest stay plain text. The result is
// rendered as React text nodes and <a href> (chat-panel.tsx), never as HTML.

export type Segment = { text: string } | { text: string; href: string };

// A run of non-space characters starting with http(s):// or www.
const CANDIDATE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
// Punctuation that usually ends the sentence rather than the URL.
const TRAILING = /[.,;:!?'")\]}>]+$/;

/** The href for a URL-looking token, or null when it is not a safe http(s) link. */
export function safeHref(token: string): string | null {
  const withScheme = /^www\./i.test(token) ? `https://${token}` : token;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    if (!url.hostname) return null;
    return url.href;
  } catch {
    return null;
  }
}

export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  const push = (t: string) => {
    if (!t) return;
    const prev = out[out.length - 1];
    if (prev && !("href" in prev)) out[out.length - 1] = { text: prev.text + t };
    else out.push({ text: t });
  };
  for (const m of text.matchAll(CANDIDATE)) {
    const start = m.index;
    // Part of a longer word (e.g. "xhttps://…"): leave it as text.
    if (start > 0 && /\w/.test(text[start - 1]!)) continue;
    const token = m[0].replace(TRAILING, "");
    const href = safeHref(token);
    if (!href) continue;
    push(text.slice(last, start));
    out.push({ text: token, href });
    last = start + token.length;
  }
  push(text.slice(last));
  return out;
}
