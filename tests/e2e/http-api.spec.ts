// The HTTP API as docs/openapi.json describes it, against the real server:
// a client that has only the spec signs up, gets a session cookie through
// next-auth's CSRF + credentials form (and sees the documented `csrf=true`
// answer without a token), learns its user id, manages contacts, reads its
// history; every answer is validated against the spec's schemas.
import { expect, request as playwrightRequest, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { io } from "socket.io-client";
import { schemaValidator } from "../support/openapi";
import { PASSWORD, uniqueEmail } from "./fixtures";

const validate = schemaValidator();

/** The answer's status and body, the body valid against components.schemas[schema]. */
async function answer(res: APIResponse, status: number, schema: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  expect(res.status(), `${res.url()} → ${text}`).toBe(status);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(validate(schema, body), `${res.url()} against ${schema}: ${text}`).toBe("");
  return body;
}

const setCookies = (res: APIResponse) => res.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value);
const sessionCookie = (res: APIResponse) => setCookies(res).find((c) => c.startsWith("next-auth.session-token="));

type Person = { api: APIRequestContext; id: string; email: string };

test.describe("HTTP API (docs/openapi.json)", () => {
  const contexts: APIRequestContext[] = [];
  test.afterAll(async () => {
    for (const c of contexts) await c.dispose();
  });

  async function person(baseURL: string | undefined, name: string): Promise<Person> {
    const api = await playwrightRequest.newContext({ baseURL });
    contexts.push(api);
    const email = uniqueEmail(name);
    const signUp = await answer(await api.post("/api/signup", { data: { name, email, password: PASSWORD } }), 201, "SignUpResponse");
    const { csrfToken } = await answer(await api.get("/api/auth/csrf"), 200, "CsrfResponse");
    const signIn = await api.post("/api/auth/callback/credentials", { form: { csrfToken: String(csrfToken), email, password: PASSWORD, json: "true" } });
    const cookie = sessionCookie(signIn);
    await answer(signIn, 200, "UrlResponse");
    expect(cookie, "the session cookie").toBeTruthy();
    expect(cookie!.toLowerCase()).toContain("httponly");
    expect(cookie!.toLowerCase()).toContain("samesite=lax");
    return { api, id: (signUp.user as { id: string }).id, email };
  }

  test("health, readiness and metrics answer as documented", async ({ request }) => {
    await answer(await request.get("/healthz"), 200, "Health");
    const ready = await answer(await request.get("/readyz"), 200, "Readiness");
    expect(ready.status).toBe("ready");
    // The e2e server runs without METRICS_TOKEN: no /metrics route.
    expect((await request.get("/metrics")).status()).toBe(404);
  });

  test("sign-up, the CSRF + credentials sign-in (with its csrf=true answer) and the session's user id", async ({ baseURL }) => {
    const api = await playwrightRequest.newContext({ baseURL });
    contexts.push(api);
    const email = uniqueEmail("Spec");
    const created = await answer(await api.post("/api/signup", { data: { name: "Spec", email, password: PASSWORD } }), 201, "SignUpResponse");
    const again = await answer(await api.post("/api/signup", { data: { name: "Spec", email, password: PASSWORD } }), 409, "Error");
    expect(again.code).toBe("email_taken");
    const bad = await answer(await api.post("/api/signup", { data: { name: "", email: "nope", password: "x", extra: 1 } }), 400, "Error");
    expect(bad.code).toBe("invalid_payload");
    expect(bad.fields).toBeTruthy();

    // No CSRF token: 200, url ends in csrf=true, and no session cookie.
    const noCsrf = await api.post("/api/auth/callback/credentials", { form: { email, password: PASSWORD, json: "true" } });
    expect(sessionCookie(noCsrf)).toBeUndefined();
    expect(String((await answer(noCsrf, 200, "UrlResponse")).url)).toMatch(/\/api\/auth\/signin\?csrf=true$/);
    expect(await (await api.get("/api/auth/session")).json()).toEqual({});

    const { csrfToken } = await answer(await api.get("/api/auth/csrf"), 200, "CsrfResponse");
    const wrong = await api.post("/api/auth/callback/credentials", { form: { csrfToken: String(csrfToken), email, password: "wrong-password", json: "true" } });
    expect(sessionCookie(wrong)).toBeUndefined();
    expect(String((await answer(wrong, 401, "UrlResponse")).url)).toContain("error=CredentialsSignin");

    const right = await api.post("/api/auth/callback/credentials", { form: { csrfToken: String(csrfToken), email, password: PASSWORD, json: "true" } });
    expect(sessionCookie(right)).toBeTruthy();
    await answer(right, 200, "UrlResponse");
    const session = await answer(await api.get("/api/auth/session"), 200, "Session");
    expect((session.user as { id: string }).id, "the session names the user id sign-up gave").toBe((created.user as { id: string }).id);

    // A browser page of another site may not change anything.
    const foreign = await answer(await api.post("/api/history/seen", { headers: { origin: "https://evil.example" } }), 403, "Error");
    expect(foreign.code).toBe("forbidden_origin");
  });

  test("contacts: request, list, accept, remove, block, unblock", async ({ baseURL }) => {
    const anon = await playwrightRequest.newContext({ baseURL });
    contexts.push(anon);
    expect((await answer(await anon.get("/api/contacts"), 401, "Error")).code).toBe("unauthorized");

    const a = await person(baseURL, "Asker");
    const b = await person(baseURL, "Bee");
    await answer(await a.api.post("/api/contacts", { data: { email: b.email } }), 201, "Ok");
    expect((await answer(await a.api.post("/api/contacts", { data: { email: b.email } }), 400, "Error")).code).toBe("contact_invalid");
    const aList = await answer(await a.api.get("/api/contacts"), 200, "ContactList");
    expect((aList.outgoing as { id: string }[]).map((p) => p.id)).toEqual([b.id]);
    const bList = await answer(await b.api.get("/api/contacts"), 200, "ContactList");
    expect((bList.incoming as { id: string; email: string }[]).map((p) => [p.id, p.email])).toEqual([[a.id, a.email]]);

    await answer(await b.api.post(`/api/contacts/${a.id}`, { data: { action: "accept" } }), 200, "Ok");
    const both = await answer(await b.api.get("/api/contacts"), 200, "ContactList");
    expect((both.contacts as { id: string }[]).map((p) => p.id)).toEqual([a.id]);
    expect((await answer(await b.api.post(`/api/contacts/${a.id}`, { data: { action: "accept" } }), 400, "Error")).code).toBe("contact_invalid");
    expect((await answer(await b.api.post(`/api/contacts/${a.id}`, { data: { action: "hug" } }), 400, "Error")).code).toBe("invalid_payload");

    await answer(await b.api.post(`/api/contacts/${a.id}`, { data: { action: "remove" } }), 200, "Ok");
    await answer(await b.api.post(`/api/contacts/${a.id}`, { data: { action: "block" } }), 200, "Ok");
    const blocked = await answer(await b.api.get("/api/contacts"), 200, "ContactList");
    expect((blocked.blocked as { id: string }[]).map((p) => p.id)).toEqual([a.id]);
    // A blocked requester is not told.
    await answer(await a.api.post("/api/contacts", { data: { email: b.email } }), 201, "Ok");
    expect((await answer(await b.api.get("/api/contacts"), 200, "ContactList")).incoming).toEqual([]);
    await answer(await b.api.delete(`/api/contacts/${a.id}`), 200, "Ok");
    expect((await answer(await b.api.get("/api/contacts"), 200, "ContactList")).blocked).toEqual([]);
  });

  test("history: a page, the count, and seen; a declined call in both histories", async ({ baseURL }) => {
    const a = await person(baseURL, "Historian");
    const page = await answer(await a.api.get("/api/history"), 200, "HistoryPage");
    expect(page).toEqual({ ok: true, entries: [], nextCursor: null, unseenMissed: 0 });
    await answer(await a.api.get("/api/history?count=1"), 200, "UnseenMissed");
    await answer(await a.api.get("/api/history?before=garbage"), 200, "HistoryPage");
    expect(await answer(await a.api.post("/api/history/seen"), 200, "UnseenMissed")).toEqual({ ok: true, unseenMissed: 0 });

    // A call over the signaling socket, with the cookie this API gave (docs/signaling.md §1).
    const b = await person(baseURL, "Callee");
    await answer(await a.api.post("/api/contacts", { data: { email: b.email } }), 201, "Ok");
    await answer(await b.api.post(`/api/contacts/${a.id}`, { data: { action: "accept" } }), 200, "Ok");
    const socketOf = async (p: Person) => {
      const { cookies } = await p.api.storageState();
      const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
      const s = io(`${baseURL}/signaling`, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false });
      await new Promise<void>((resolve, reject) => (s.once("connect", resolve), s.once("connect_error", reject)));
      return s;
    };
    const [sa, sb] = [await socketOf(a), await socketOf(b)];
    try {
      const incoming = new Promise<{ call: { id: string } }>((resolve) => sb.once("call:incoming", resolve));
      const invited = (await sa.timeout(5_000).emitWithAck("call:invite", { calleeId: b.id, kind: "audio" })) as { ok: boolean };
      expect(invited.ok).toBe(true);
      const { call } = await incoming;
      const declined = (await sb.timeout(5_000).emitWithAck("call:decline", { callId: call.id })) as { ok: boolean };
      expect(declined.ok).toBe(true);
    } finally {
      sa.disconnect();
      sb.disconnect();
    }
    await expect.poll(async () => ((await (await a.api.get("/api/history")).json()) as { entries: unknown[] }).entries.length).toBe(1);
    const made = await answer(await a.api.get("/api/history"), 200, "HistoryPage");
    expect(made.entries).toMatchObject([{ other: { id: b.id, name: "Callee" }, direction: "Outgoing", kind: "audio", label: "Declined", durationSeconds: null }]);
    const received = await answer(await b.api.get("/api/history"), 200, "HistoryPage");
    expect(received.entries).toMatchObject([{ other: { id: a.id }, direction: "Incoming", label: "Declined" }]);
    // A declined call has no set-up time.
    expect((await answer(await a.api.post(`/api/calls/${(made.entries as { id: string }[])[0]!.id}/setup-time`, { data: { ms: 900 } }), 409, "Error")).code).toBe("invalid_state");
  });

  test("each participant of an answered call reports its set-up time and its quality record once", async ({ baseURL }) => {
    const a = await person(baseURL, "Reporter");
    const b = await person(baseURL, "Answerer");
    await answer(await a.api.post("/api/contacts", { data: { email: b.email } }), 201, "Ok");
    await answer(await b.api.post(`/api/contacts/${a.id}`, { data: { action: "accept" } }), 200, "Ok");
    const socketOf = async (p: Person) => {
      const { cookies } = await p.api.storageState();
      const s = io(`${baseURL}/signaling`, { transports: ["websocket"], extraHeaders: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") }, reconnection: false });
      await new Promise<void>((resolve, reject) => (s.once("connect", resolve), s.once("connect_error", reject)));
      return s;
    };
    const [sa, sb] = [await socketOf(a), await socketOf(b)];
    try {
      const incoming = new Promise<{ call: { id: string } }>((resolve) => sb.once("call:incoming", resolve));
      expect(((await sa.timeout(5_000).emitWithAck("call:invite", { calleeId: b.id, kind: "video" })) as { ok: boolean }).ok).toBe(true);
      const { call } = await incoming;
      expect(((await sb.timeout(5_000).emitWithAck("call:accept", { callId: call.id })) as { ok: boolean }).ok).toBe(true);
      const url = `/api/calls/${call.id}/setup-time`;
      expect((await answer(await a.api.post(url, { data: { ms: -5 } }), 400, "Error")).code).toBe("invalid_payload");
      await answer(await a.api.post(url, { data: { ms: 900 } }), 200, "Ok");
      expect((await answer(await a.api.post(url, { data: { ms: 900 } }), 409, "Error")).code).toBe("invalid_state");
      await answer(await b.api.post(url, { data: { ms: 1_100 } }), 200, "Ok");
      const stranger = await person(baseURL, "Stranger");
      expect((await answer(await stranger.api.post(url, { data: { ms: 1 } }), 404, "Error")).code).toBe("not_found");

      // The quality record: each side once, both read it back, nobody else can write or read it.
      const quality = `/api/calls/${call.id}/quality`;
      const record = {
        setupMs: 210, path: "direct", rttMedianMs: 3, rttMaxMs: 9, lossPercent: 0, bitrateOutKbps: 700, bitrateInKbps: 650,
        videoWidth: 640, videoHeight: 480, fps: 30, iceRestarts: 0, reconnections: 0, connectedSeconds: 12, failure: null,
      };
      expect((await answer(await a.api.post(quality, { data: { ...record, note: "hi" } }), 400, "Error")).code).toBe("invalid_payload");
      expect((await answer(await stranger.api.post(quality, { data: record }), 404, "Error")).code).toBe("not_found");
      expect((await answer(await a.api.post(quality, { data: record }), 200, "QualitySaved")).level).toBe("good");
      expect((await answer(await a.api.post(quality, { data: record }), 409, "Error")).code).toBe("invalid_state");
      await answer(await b.api.post(quality, { data: { ...record, path: "relayed", rttMedianMs: 400 } }), 200, "QualitySaved");
      const seen = await answer(await b.api.get(quality), 200, "CallQuality");
      expect(seen).toMatchObject({ mine: { path: "relayed", level: "fair" }, theirs: { path: "direct", level: "good" } });
      expect((await answer(await stranger.api.get(quality), 404, "Error")).code).toBe("not_found");
      expect(((await sa.timeout(5_000).emitWithAck("call:hangup", { callId: call.id })) as { ok: boolean }).ok).toBe(true);
      const history = await answer(await a.api.get("/api/history"), 200, "HistoryPage");
      expect((history.entries as { id: string; quality: unknown }[]).find((e) => e.id === call.id)?.quality).toEqual({ level: "good", failure: null });
    } finally {
      sa.disconnect();
      sb.disconnect();
    }
  });

  test("the account: sessions listed, one signed out, everywhere else, a new password, name and email, deletion; the other side's history keeps the call", async ({ baseURL }) => {
    const a = await person(baseURL, "Owner");
    const account = await answer(await a.api.get("/api/account"), 200, "Account");
    const [mine] = account.sessions as { id: string; current: boolean }[];
    expect(mine?.current).toBe(true);
    expect(account.user).toEqual({ id: a.id, name: "Owner", email: a.email });

    // A second and a third sign-in of the same account (other "browsers").
    const signInAgain = async () => {
      const api = await playwrightRequest.newContext({ baseURL });
      contexts.push(api);
      const { csrfToken } = await answer(await api.get("/api/auth/csrf"), 200, "CsrfResponse");
      await answer(await api.post("/api/auth/callback/credentials", { form: { csrfToken: String(csrfToken), email: a.email, password: PASSWORD, json: "true" } }), 200, "UrlResponse");
      return api;
    };
    const [second, third] = [await signInAgain(), await signInAgain()];
    const three = (await answer(await a.api.get("/api/account"), 200, "Account")).sessions as { id: string; current: boolean }[];
    expect(three).toHaveLength(3);
    const secondId = ((await answer(await second.get("/api/account"), 200, "Account")).sessions as { id: string; current: boolean }[]).find((s) => s.current)!.id;

    await answer(await a.api.delete(`/api/account/sessions/${secondId}`), 200, "Ok");
    expect((await answer(await second.get("/api/contacts"), 401, "Error")).code).toBe("unauthorized");
    // next-auth's own endpoint agrees: no session (and its cookie now names nobody).
    expect(await answer(await second.get("/api/auth/session"), 200, "Session")).toEqual({});
    expect(await (await second.get("/api/auth/session")).json()).toEqual({});
    expect((await answer(await a.api.delete(`/api/account/sessions/${secondId}`), 404, "Error")).code).toBe("not_found");
    expect((await answer(await a.api.delete("/api/account/sessions/x"), 400, "Error")).code).toBe("invalid_payload");
    expect(await answer(await a.api.delete("/api/account/sessions"), 200, "SessionsEnded")).toEqual({ ok: true, ended: 1 });
    expect((await answer(await third.get("/api/account"), 401, "Error")).code).toBe("unauthorized");

    expect((await answer(await a.api.post("/api/account/password", { data: { currentPassword: "nope", newPassword: "long enough" } }), 403, "Error")).code).toBe("wrong_password");
    expect((await answer(await a.api.post("/api/account/password", { data: { currentPassword: PASSWORD } }), 400, "Error")).code).toBe("invalid_payload");
    expect(await answer(await a.api.post("/api/account/password", { data: { currentPassword: PASSWORD, newPassword: "a new password" } }), 200, "SessionsEnded")).toEqual({ ok: true, ended: 0 });

    // A new display name (trimmed), and a new email (normalised), each answered as documented.
    expect(await answer(await a.api.post("/api/account/name", { data: { name: "  Owner Two " } }), 200, "NameChanged")).toEqual({ ok: true, name: "Owner Two" });
    expect((await answer(await a.api.post("/api/account/name", { data: { name: " " } }), 400, "Error")).code).toBe("invalid_payload");
    expect((await answer(await a.api.post("/api/account/email", { data: { email: "x@e2e.test", currentPassword: PASSWORD } }), 403, "Error")).code).toBe("wrong_password");
    const taken = await person(baseURL, "Taken");
    expect((await answer(await a.api.post("/api/account/email", { data: { email: taken.email, currentPassword: "a new password" } }), 409, "Error")).code).toBe("email_taken");
    expect((await answer(await a.api.post("/api/account/email", { data: { email: "nope", currentPassword: "a new password" } }), 400, "Error")).code).toBe("invalid_payload");
    const moved = uniqueEmail("Moved");
    expect(await answer(await a.api.post("/api/account/email", { data: { email: ` ${moved.toUpperCase()}`, currentPassword: "a new password" } }), 200, "EmailChanged")).toEqual({ ok: true, email: moved.toLowerCase() });
    expect((await answer(await a.api.get("/api/account"), 200, "Account")).user).toEqual({ id: a.id, name: "Owner Two", email: moved.toLowerCase() });

    // A declined call with someone, then the account goes: their history keeps it, as a deleted account.
    const b = await person(baseURL, "Survivor");
    await answer(await a.api.post("/api/contacts", { data: { email: b.email } }), 201, "Ok");
    await answer(await b.api.post(`/api/contacts/${a.id}`, { data: { action: "accept" } }), 200, "Ok");
    const socketOf = async (api: APIRequestContext) => {
      const { cookies } = await api.storageState();
      const s = io(`${baseURL}/signaling`, { transports: ["websocket"], extraHeaders: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") }, reconnection: false });
      await new Promise<void>((resolve, reject) => (s.once("connect", resolve), s.once("connect_error", reject)));
      return s;
    };
    const [sa, sb] = [await socketOf(a.api), await socketOf(b.api)];
    try {
      const incoming = new Promise<{ call: { id: string } }>((resolve) => sb.once("call:incoming", resolve));
      expect(((await sa.timeout(5_000).emitWithAck("call:invite", { calleeId: b.id, kind: "audio" })) as { ok: boolean }).ok).toBe(true);
      const { call } = await incoming;
      expect(((await sb.timeout(5_000).emitWithAck("call:decline", { callId: call.id })) as { ok: boolean }).ok).toBe(true);
      const ended = new Promise<void>((resolve) => sa.once("session:ended", () => resolve()));
      expect((await answer(await a.api.delete("/api/account", { data: { password: PASSWORD } }), 403, "Error")).code).toBe("wrong_password");
      await answer(await a.api.delete("/api/account", { data: { password: "a new password" } }), 200, "Ok");
      await ended;
    } finally {
      sa.disconnect();
      sb.disconnect();
    }
    expect((await answer(await a.api.get("/api/account"), 401, "Error")).code).toBe("unauthorized");
    const kept = await answer(await b.api.get("/api/history"), 200, "HistoryPage");
    expect(kept.entries).toMatchObject([{ other: { id: a.id, name: "", deleted: true }, direction: "Incoming", label: "Declined" }]);
    expect((await answer(await b.api.get("/api/contacts"), 200, "ContactList")).contacts).toEqual([]);
  });
});
