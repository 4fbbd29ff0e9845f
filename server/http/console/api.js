// The console's only way to the server: the JSON API under /api/, and its
// live views under /api/live/ (Server-Sent Events, read with fetch so that
// every request carries the Authorization header with the API token).

/** Headers every request carries. */
function headers(extra = {}) {
  const token = sessionStorage.getItem('taskplane.token');
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

/** A refusal of the API: its HTTP status, its gRPC-style code and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Every call needs an API token, as over gRPC. Without one (or with one the
 * server refuses) ask for it: it is kept for this browser tab only, then
 * the page starts again with it.
 */
function askForToken() {
  const token = window.prompt('This console needs an API token (taskplane token create --name NAME --role viewer|operator|admin):');
  if (!token) return;
  sessionStorage.setItem('taskplane.token', token.trim());
  location.reload();
}

/** The JSON body of an answer, or null when it has none (a proxy's error page, a cut connection): the status still says what happened. */
function bodyOf(res) {
  return res.json().catch(() => null);
}

async function answer(res) {
  const body = await bodyOf(res);
  if (res.status === 401) askForToken();
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? 'UNKNOWN', body?.error?.message ?? res.statusText);
  return body;
}

export async function get(path) {
  return answer(await fetch(`/api${path}`, { headers: headers() }));
}

export async function post(path, body = {}) {
  return answer(await fetch(`/api${path}`, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) }));
}

/**
 * Follows the live view of GET /api<path>: `onView` gets each new version
 * of it, `onStatus` the connection's state ("live", "reconnecting",
 * or "failed" with the error). Reconnects with backoff. Returns a function
 * that stops it.
 */
export function live(path, onView, onStatus = () => {}) {
  const abort = new AbortController();
  const { signal } = abort;
  (async () => {
    let backoff = 1000;
    while (!signal.aborted) {
      try {
        const res = await fetch(`/api/live${path}`, { headers: headers({ accept: 'text/event-stream' }), signal });
        if (!res.ok) {
          if (res.status === 401) askForToken();
          const body = await bodyOf(res);
          const error = new ApiError(res.status, body?.error?.code ?? 'UNKNOWN', body?.error?.message ?? res.statusText);
          onStatus('failed', error);
          if (res.status < 500) return;
        } else {
          onStatus('live');
          backoff = 1000;
          if ((await readEvents(res.body, signal, onView, onStatus)) === 'final') return;
        }
      } catch (err) {
        if (signal.aborted) return;
      }
      if (signal.aborted) return;
      onStatus('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, 15000);
    }
  })();
  return () => abort.abort();
}

async function readEvents(body, signal, onView, onStatus) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  // Leaving the page: a stream that is already closed cannot be cancelled again, and nothing is waiting for it.
  signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return 'ended';
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (!data.length) continue;
      const payload = JSON.parse(data.join('\n'));
      if (event === 'view') {
        onStatus('live');
        onView(payload);
      }
      else if (event === 'failure') {
        const error = new ApiError(0, payload.error?.code, payload.error?.message);
        onStatus('failed', error);
        if (!['UNAVAILABLE', 'INTERNAL'].includes(error.code)) return 'final';
      }
    }
  }
}
