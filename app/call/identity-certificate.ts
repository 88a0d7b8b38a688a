// This browser's long-lived DTLS certificate, as messaging apps keep a
// device identity: generated once (ECDSA P-256), stored in IndexedDB and used
// for every call, so the fingerprint the other side verified stays the same
// from call to call (trusted-peers.ts). Renewed RENEW_BEFORE_MS before it
// expires; a renewal looks like a new device to the people who verified it.
// Nothing of it leaves the browser but what DTLS itself shows.

const DB = "dialtone-identity";
const STORE = "certificates";
const KEY = "dtls";
/** Chromium caps a generated certificate's lifetime at a year. */
const LIFETIME_MS = 365 * 24 * 3600 * 1000;
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

let loading: Promise<RTCCertificate | null> | null = null;
let loaded: RTCCertificate | null = null;

/** Start loading (or making) the certificate; resolves to null where IndexedDB or the API is missing. */
export function loadIdentityCertificate(): Promise<RTCCertificate | null> {
  loading ??= load()
    .then((cert) => (loaded = cert))
    .catch(() => null);
  return loading;
}

/** The certificate if it has loaded (calls made before that use a one-off certificate). */
export function identityCertificate(): RTCCertificate | null {
  return loaded && loaded.expires > Date.now() ? loaded : null;
}

async function load(): Promise<RTCCertificate | null> {
  if (typeof indexedDB === "undefined" || typeof RTCPeerConnection?.generateCertificate !== "function") return null;
  const db = await open();
  try {
    const stored = await read(db);
    if (stored && stored.expires - Date.now() > RENEW_BEFORE_MS) return stored;
    const fresh = await RTCPeerConnection.generateCertificate({ name: "ECDSA", namedCurve: "P-256", expires: LIFETIME_MS } as EcKeyGenParams);
    // Two tabs may both make one: the first stored wins, and both use it.
    await write(db, fresh);
    return (await read(db)) ?? fresh;
  } finally {
    db.close();
  }
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function read(db: IDBDatabase): Promise<RTCCertificate | null> {
  return new Promise((resolve, reject) => {
    const req = db.transaction(STORE).objectStore(STORE).get(KEY);
    req.onsuccess = () => resolve((req.result as RTCCertificate | undefined) ?? null);
    req.onerror = () => reject(req.error);
  });
}

/** Store `fresh` unless another tab has meanwhile stored one that is not due for renewal. */
function write(db: IDBDatabase, fresh: RTCCertificate): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, "readwrite");
    const store = tx.objectStore(STORE);
    const req = store.get(KEY);
    req.onsuccess = () => {
      const now = req.result as RTCCertificate | undefined;
      if (now === undefined || now.expires - Date.now() <= RENEW_BEFORE_MS) store.put(fresh, KEY);
    };
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}
