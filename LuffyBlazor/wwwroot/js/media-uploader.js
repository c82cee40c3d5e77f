// media-uploader.js — the browser half of MediaUploader (Features/Storage/Uploads). It sends the chosen file in parts
// where the server's ticket says, resumably:
//   qiniu — Qiniu's resumable upload v2 straight to the upload hosts (init, PUT parts, list parts on resume, complete),
//   s3    — S3 multipart straight to the bucket, each part to a URL the app signs (list, complete, abort via the app),
//   tus   — the app's own tus 1.0 endpoint (create, HEAD for the offset, PATCH chunks, DELETE to cancel).
// A failed part is retried with back-off (Qiniu: on the next upload host). Progress, the part, the speed and retries go
// to .NET. What an unfinished upload needs to go on after a reload (its key, confirm token, upload id or URL, the file's
// name, size and date) is kept in localStorage; choosing the same file again continues it.

const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];
const STORAGE_PREFIX = 'luffy-upload:';

// Each file input's uploader: where its unfinished upload is remembered, and the upload running now.
const controllers = new WeakMap();

export function init(input, dotnet, slot) {
  const storageKey = STORAGE_PREFIX + slot;
  const controller = { storageKey, active: null };
  controllers.set(input, controller);
  const pending = load(storageKey);
  dotnet.invokeMethodAsync('OnPendingUpload', pending
    ? { name: pending.name, size: pending.size, percent: Math.floor((pending.done * 100) / pending.size) }
    : null);

  const onChange = () => {
    const file = input.files && input.files[0];
    if (!file) return;
    const saved = load(storageKey);
    const resumes = saved && saved.name === file.name && saved.size === file.size && saved.lastModified === file.lastModified;
    if (saved && !resumes) save(storageKey, null); // another file: the old upload is not going on
    dotnet.invokeMethodAsync('OnFileChosen', {
      name: file.name, size: file.size, type: file.type || '',
      resumeToken: resumes ? saved.confirmToken : null,
      uploadId: resumes ? saved.uploadId || null : null,
    });
  };
  input.addEventListener('change', onChange);
  return {
    dispose: () => input.removeEventListener('change', onChange),
    cancel: () => controller.active && controller.active.cancel(),
    forget: () => save(storageKey, null),
  };
}

export async function upload(input, ticket, dotnet) {
  const file = input.files && input.files[0];
  input.value = ''; // the same file can be chosen again after a failure
  if (!file) return { status: 0, body: 'no file' };

  const controller = controllers.get(input);
  const storageKey = controller.storageKey;
  const saved = load(storageKey);
  const state = saved && saved.key === ticket.key && saved.size === file.size && saved.lastModified === file.lastModified
    ? saved
    : { key: ticket.key, name: file.name, size: file.size, lastModified: file.lastModified, confirmToken: ticket.confirmToken, done: 0 };
  state.mode = ticket.mode;
  if (ticket.uploadId) state.uploadId = ticket.uploadId;
  save(storageKey, state);

  const run = new Run(file, ticket, state, storageKey, dotnet);
  controller.active = run;
  try {
    if (ticket.mode === 'qiniu') await uploadToQiniu(run);
    else if (ticket.mode === 's3') await uploadToS3(run);
    else await uploadWithTus(run);
    save(storageKey, null);
    return { status: 200, body: '' };
  } catch (e) {
    if (run.cancelled) {
      await run.abortAtStore().catch(() => {});
      save(storageKey, null);
      return { status: -1, body: 'cancelled' };
    }
    return { status: e.status ?? 0, body: e.body ?? String(e.message || e) };
  } finally {
    controller.active = null;
  }
}

/** One upload in progress: its file, ticket, resumable state, progress reporting and cancellation. */
class Run {
  constructor(file, ticket, state, storageKey, dotnet) {
    Object.assign(this, { file, ticket, state, storageKey, dotnet });
    this.cancelled = false;
    this.xhr = null;
    this.started = performance.now();
    this.sentThisSession = 0;
    this.lastReport = 0;
    this.partsTotal = Math.max(1, Math.ceil(file.size / ticket.partSize));
    this.abortAtStore = async () => {};
  }

  cancel() {
    this.cancelled = true;
    if (this.xhr) this.xhr.abort();
  }

  remember() { save(this.storageKey, this.state); }

  report(inFlight = 0, retry = null, force = false) {
    const now = performance.now();
    if (!force && !retry && now - this.lastReport < 200) return;
    this.lastReport = now;
    const elapsed = Math.max(0.001, (now - this.started) / 1000);
    const done = Math.min(this.file.size, this.state.done + inFlight);
    this.dotnet.invokeMethodAsync('OnStatus', {
      percent: Math.floor((done * 100) / this.file.size),
      partsDone: Math.min(this.partsTotal, Math.floor(this.state.done / this.ticket.partSize)),
      partsTotal: this.partsTotal,
      bytesPerSecond: Math.round((this.sentThisSession + inFlight) / elapsed),
      retry,
    });
  }

  /** Sends one request with progress; resolves with the XHR when it answers 2xx, rejects with {status, body} otherwise. */
  send(method, url, body, headers = {}, onProgress = null) {
    return new Promise((resolve, reject) => {
      if (this.cancelled) { reject({ status: -1, body: 'cancelled' }); return; }
      const xhr = new XMLHttpRequest();
      this.xhr = xhr;
      xhr.open(method, url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve(xhr) : reject({ status: xhr.status, body: xhr.responseText || '' }));
      xhr.onerror = xhr.ontimeout = () => reject({ status: 0, body: '' });
      xhr.onabort = () => reject({ status: this.cancelled ? -1 : 0, body: '' });
      xhr.send(body);
    });
  }

  /** Runs attempt(n) until it succeeds; a network failure, a 5xx or a 408/429 is retried with back-off, shown to the admin. */
  async retrying(what, attempt) {
    for (let n = 0; ; n++) {
      try {
        return await attempt(n);
      } catch (e) {
        const transient = e.status === 0 || e.status === 408 || e.status === 429 || (e.status >= 500 && e.status !== 579);
        if (this.cancelled || !transient || n >= RETRY_DELAYS_MS.length) throw e;
        const delay = RETRY_DELAYS_MS[n];
        this.report(0, `${what}上传失败（${e.status || '网络错误'}），${delay / 1000} 秒后第 ${n + 1} 次重试…`, true);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Sends the parts not yet stored, in order; put(number, blob, onProgress) returns what to remember of the part. */
  async sendParts(partSize, storedParts, put) {
    const stored = new Map(storedParts.map((p) => [p.partNumber, p]));
    this.state.parts = [...stored.values()];
    this.state.done = this.state.parts.reduce((sum, p) => sum + p.size, 0);
    this.remember();
    this.report(0, null, true);
    for (let number = 1; (number - 1) * partSize < this.file.size; number++) {
      if (stored.has(number)) continue;
      const blob = this.file.slice((number - 1) * partSize, number * partSize);
      const part = await this.retrying(`第 ${number} 片`, (attempt) => put(number, blob, attempt, (loaded) => this.report(loaded)));
      this.state.parts.push({ ...part, partNumber: number, size: blob.size });
      this.state.done += blob.size;
      this.sentThisSession += blob.size;
      this.remember();
      this.report(0, null, true);
    }
    return this.state.parts.sort((a, b) => a.partNumber - b.partNumber);
  }
}

// ---- Qiniu resumable upload v2 -------------------------------------------------------------------------------------

async function uploadToQiniu(run) {
  const { ticket, state, file } = run;
  const auth = { Authorization: 'UpToken ' + ticket.token };
  const encodedKey = btoa(unescape(encodeURIComponent(ticket.key))).replace(/\+/g, '-').replace(/\//g, '_');
  const path = `buckets/${ticket.bucket}/objects/${encodedKey}/uploads`;
  // Hosts in order; a host that fails a request is left for the next one, as the official SDKs do.
  const hosts = ticket.hosts.length ? ticket.hosts : [ticket.url];
  const host = (attempt) => hosts[attempt % hosts.length];
  const json = (xhr) => JSON.parse(xhr.responseText || '{}');

  let stored = [];
  if (state.uploadId) {
    try {
      const listed = await run.retrying('查询已传分片', (a) => run.send('GET', `${host(a)}${path}/${state.uploadId}`, null, auth));
      stored = (json(listed).parts || []).map((p) => ({ partNumber: p.partNumber, etag: p.etag, size: p.size }));
    } catch (e) {
      if (e.status !== 612) throw e; // 612: the upload expired or is gone — start a new one
      state.uploadId = null;
    }
  }
  if (!state.uploadId) {
    const init = await run.retrying('初始化', (a) => run.send('POST', `${host(a)}${path}`, null, auth));
    state.uploadId = json(init).uploadId;
    run.remember();
  }
  run.abortAtStore = () => run.send('DELETE', `${hosts[0]}${path}/${state.uploadId}`, null, auth);

  const parts = await run.sendParts(ticket.partSize, stored, async (number, blob, attempt, progress) => {
    const answer = await run.send('PUT', `${host(attempt)}${path}/${state.uploadId}/${number}`, blob,
      { ...auth, 'Content-Type': 'application/octet-stream' }, progress);
    return { etag: json(answer).etag };
  });
  const body = JSON.stringify({ parts: parts.map((p) => ({ etag: p.etag, partNumber: p.partNumber })), fname: file.name, mimeType: ticket.contentType });
  await run.retrying('合并分片', (a) => run.send('POST', `${host(a)}${path}/${state.uploadId}`, body, { ...auth, 'Content-Type': 'application/json' }));
}

// ---- S3 multipart (part URLs signed by the app) --------------------------------------------------------------------

async function uploadToS3(run) {
  const { ticket, state, dotnet } = run;
  state.uploadId = ticket.uploadId;
  run.remember();
  run.abortAtStore = () => dotnet.invokeMethodAsync('AbortS3', ticket.confirmToken, state.uploadId);
  const stored = (await dotnet.invokeMethodAsync('ListS3Parts', ticket.confirmToken, state.uploadId))
    .map((p) => ({ partNumber: p.partNumber, etag: p.eTag, size: p.size }));
  const parts = await run.sendParts(ticket.partSize, stored, async (number, blob, _attempt, progress) => {
    const [url] = await dotnet.invokeMethodAsync('SignS3Parts', ticket.confirmToken, state.uploadId, [number]);
    const answer = await run.send('PUT', url, blob, {}, progress);
    // The bucket's CORS rule must expose ETag, or the browser cannot read it (docs/storage.md).
    const etag = answer.getResponseHeader('ETag');
    if (!etag) throw { status: 400, body: 'ETag not exposed by the bucket CORS rule' };
    return { etag };
  });
  await dotnet.invokeMethodAsync('CompleteS3', ticket.confirmToken, state.uploadId,
    parts.map((p) => ({ partNumber: p.partNumber, eTag: p.etag, size: p.size })));
}

// ---- tus 1.0 through the app ---------------------------------------------------------------------------------------

async function uploadWithTus(run) {
  const { ticket, state, file } = run;
  const tus = { 'Tus-Resumable': '1.0.0' };
  let offset = 0;
  if (state.tusUrl) {
    try {
      const head = await run.retrying('查询断点', () => run.send('HEAD', state.tusUrl, null, tus));
      offset = Number(head.getResponseHeader('Upload-Offset'));
    } catch (e) {
      if (e.status !== 404) throw e; // the session is gone: create a new one with the fresh ticket
      state.tusUrl = null;
    }
  }
  if (!state.tusUrl) {
    const created = await run.retrying('创建上传', () => run.send('POST', ticket.url, null, {
      ...tus, 'Upload-Length': String(file.size), 'X-Upload-Ticket': ticket.token,
      'Upload-Metadata': 'filename ' + btoa(unescape(encodeURIComponent(file.name))),
    }));
    state.tusUrl = new URL(created.getResponseHeader('Location'), location.href).toString();
    run.remember();
  }
  run.abortAtStore = () => run.send('DELETE', state.tusUrl, null, tus);

  state.done = offset;
  run.report(0, null, true);
  while (offset < file.size) {
    const chunk = file.slice(offset, offset + ticket.partSize);
    const number = Math.floor(offset / ticket.partSize) + 1;
    offset = await run.retrying(`第 ${number} 片`, async (attempt) => {
      if (attempt > 0) {
        // Where did the server get to? A chunk cut short keeps what arrived.
        const head = await run.send('HEAD', state.tusUrl, null, tus);
        const at = Number(head.getResponseHeader('Upload-Offset'));
        if (at !== offset) return at;
      }
      const answer = await run.send('PATCH', state.tusUrl, chunk,
        { ...tus, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' }, (loaded) => run.report(loaded));
      return Number(answer.getResponseHeader('Upload-Offset'));
    });
    run.sentThisSession += offset - state.done;
    state.done = offset;
    run.remember();
    run.report(0, null, true);
  }
}

// ---- resumable state -----------------------------------------------------------------------------------------------

function load(storageKey) {
  try { return JSON.parse(localStorage.getItem(storageKey) || 'null'); } catch { return null; }
}

function save(storageKey, state) {
  if (state) localStorage.setItem(storageKey, JSON.stringify(state));
  else localStorage.removeItem(storageKey);
}
