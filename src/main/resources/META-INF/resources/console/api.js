// Calls to the service's REST API; errors arrive as problem+json and become ApiError.

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.fieldErrors = (problem && Array.isArray(problem.errors)) ? problem.errors : [];
  }
}

function parse(text) {
  if (!text) return null;
  try { return JSON.parse(text); } catch { return null; }
}

// The session cookie is SameSite=Strict; changes also carry this header, which a cross-site form cannot send.
const CSRF = { 'X-Requested-With': 'push-console' };

/** The session is missing or over: to the login page. */
function toLogin() {
  window.location.assign('/login.html');
}

export async function api(method, path, body) {
  const opts = { method, headers: { Accept: 'application/json', ...CSRF } };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new ApiError(0, { title: 'Network error', detail: 'The service did not answer (' + e.message + ')' });
  }
  if (res.status === 401) toLogin();
  const text = await res.text();
  const data = parse(text);
  if (!res.ok) throw new ApiError(res.status, data || { title: res.statusText, detail: text || `HTTP ${res.status}` });
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);

// The service's default consent categories (push.consent.categories).
export const CATEGORIES = ['promotions', 'news', 'account'];

/**
 * Sends a file with XMLHttpRequest because fetch reports no upload progress.
 * onProgress gets a fraction 0..1 while bytes go out, then null while the service processes them.
 */
export function sendFile(method, path, file, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-Requested-With', CSRF['X-Requested-With']);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.upload.onload = () => onProgress(null);
    xhr.onload = () => {
      if (xhr.status === 401) toLogin();
      const data = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data || { title: xhr.statusText, detail: xhr.responseText }));
    };
    xhr.onerror = () => reject(new ApiError(0, { title: 'Network error', detail: 'The upload was interrupted' }));
    xhr.send(file);
  });
}

/** The signed-in user (GET /api/me), asked once per page load. */
let whoami = null;
export const me = () => {
  if (!whoami) whoami = get('/api/me').catch((e) => { whoami = null; throw e; });
  return whoami;
};

/** The highest of a user's roles (the API lists the ones each role includes too). */
export const topRole = (roles) => ['admin', 'operator', 'viewer'].find((r) => (roles || []).includes(r)) || 'none';

/** Ends the session on the service (every copy of its cookie stops working), then opens the login page. */
export async function logout() {
  try {
    await post('/api/logout');
  } finally {
    toLogin();
  }
}

export const kinds = (kind) => (kind === 'campaign' ? 'campaigns' : 'audiences');
