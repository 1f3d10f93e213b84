import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An emulator of the runner's results service on 127.0.0.1, enough for @actions/cache and @actions/artifact to run
 * for real: the twirp endpoints `POST /twirp/github.actions.results.api.v1.{CacheService,ArtifactService}/<Method>`
 * (JSON, snake_case, Bearer ACTIONS_RUNTIME_TOKEN), and a blob store behind the signed URLs they hand out that
 * speaks Azure Blob's dialect: one PUT, or staged blocks and a block list, and plain GETs.
 */

interface CacheEntry {
  key: string;
  version: string;
  blob: string;
  finalized: boolean;
  created: number;
}

export interface ArtifactRecord {
  id: number;
  name: string;
  run: string;
  job: string;
  blob: string;
  size?: number;
  hash?: string;
  finalized: boolean;
}

export interface ResultsFault {
  /** A twirp method name (CreateArtifact) or `blob-put`. */
  target: string;
  status: number;
  times?: number;
}

const TWIRP = /^\/twirp\/github\.actions\.results\.api\.v1\.(CacheService|ArtifactService)\/(\w+)$/;

export class ResultsServiceEmulator {
  private server: Server | undefined;
  private url = '';
  private readonly blobs = new Map<string, Buffer>();
  private readonly blocks = new Map<string, Map<string, Buffer>>();
  private readonly cacheEntries: CacheEntry[] = [];
  readonly artifacts: ArtifactRecord[] = [];
  readonly requests: string[] = [];
  private faults: ResultsFault[] = [];
  private nextId = 1;
  private clock = 0;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 'internal', msg: String(error) }));
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((done) => this.server?.close(() => done()));
  }

  /** The environment a job step gets: the results service, and a runtime token scoped to run `run`, job `job`. */
  environment(run = 'run-1', job = 'job-1'): Record<string, string> {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp: `Actions.GenericRead:0 Actions.Results:${run}:${job}`, exp: 4102444800 })}.signature`;
    return { ACTIONS_RESULTS_URL: `${this.url}/`, ACTIONS_RUNTIME_TOKEN: token, ACTIONS_CACHE_SERVICE_V2: 'true' };
  }

  injectFault(fault: ResultsFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** The bytes stored for an artifact (its zip). */
  artifactBytes(name: string): Buffer | undefined {
    const record = this.artifacts.find((a) => a.name === name && a.finalized);
    return record ? this.blobs.get(record.blob) : undefined;
  }

  /** The finalized artifacts of a run (by the run id its runtime token carries), with their zips. */
  runArtifacts(run: string): { id: number; name: string; zip: Buffer }[] {
    return this.artifacts
      .filter((a) => a.finalized && a.run === run)
      .map((a) => ({ id: a.id, name: a.name, zip: this.blobs.get(a.blob) ?? Buffer.alloc(0) }));
  }

  cacheKeys(): string[] {
    return this.cacheEntries.filter((e) => e.finalized).map((e) => e.key);
  }

  private fault(target: string): number | undefined {
    const fault = this.faults.find((f) => f.target === target && (f.times ?? 1) > 0);
    if (!fault) return undefined;
    fault.times = (fault.times ?? 1) - 1;
    return fault.status;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const body = await readBody(request);
    this.requests.push(
      `${request.method} ${url.pathname}${url.searchParams.get('comp') ? `?comp=${url.searchParams.get('comp')}` : ''}`,
    );
    const twirp = TWIRP.exec(url.pathname);
    if (twirp && request.method === 'POST') {
      if (!/^Bearer .+\..+\..+$/.test(request.headers.authorization ?? ''))
        return twirpError(response, 401, 'unauthenticated', 'missing runtime token');
      const status = this.fault(twirp[2]!);
      if (status) return twirpError(response, status, 'unavailable', 'injected fault');
      return this.twirp(twirp[2]!, JSON.parse(body.toString('utf8') || '{}'), response);
    }
    if (url.pathname.startsWith('/blob/')) return this.blob(request.method ?? 'GET', url, request, body, response);
    response.writeHead(404).end();
  }

  private twirp(method: string, input: Record<string, any>, response: ServerResponse): void {
    const json = (value: object): void =>
      void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    switch (method) {
      case 'GetCacheEntryDownloadURL': {
        const candidates = this.cacheEntries.filter((e) => e.finalized && e.version === input.version);
        const exact = candidates.find((e) => e.key === input.key);
        const byPrefix = (input.restore_keys ?? [])
          .map(
            (prefix: string) =>
              candidates.filter((e) => e.key.startsWith(prefix)).sort((a, b) => b.created - a.created)[0],
          )
          .find(Boolean);
        const match: CacheEntry | undefined = exact ?? byPrefix;
        return json(
          match ? { ok: true, signed_download_url: this.blobUrl(match.blob), matched_key: match.key } : { ok: false },
        );
      }
      case 'CreateCacheEntry': {
        if (this.cacheEntries.some((e) => e.key === input.key && e.version === input.version))
          return json({ ok: false, message: 'cache entry already exists' });
        const entry: CacheEntry = {
          key: input.key,
          version: input.version,
          blob: `cache-${this.nextId++}`,
          finalized: false,
          created: ++this.clock,
        };
        this.cacheEntries.push(entry);
        return json({ ok: true, signed_upload_url: this.blobUrl(entry.blob) });
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = this.cacheEntries.find((e) => e.key === input.key && e.version === input.version && !e.finalized);
        if (!entry || !this.blobs.has(entry.blob))
          return json({ ok: false, message: 'nothing uploaded for this entry' });
        entry.finalized = true;
        return json({ ok: true, entry_id: String(this.nextId++) });
      }
      case 'CreateArtifact': {
        if (this.artifacts.some((a) => a.run === input.workflow_run_backend_id && a.name === input.name)) {
          return twirpError(
            response,
            409,
            'already_exists',
            'an artifact with this name already exists on the workflow run',
          );
        }
        const record: ArtifactRecord = {
          id: this.nextId++,
          name: input.name,
          run: input.workflow_run_backend_id,
          job: input.workflow_job_run_backend_id,
          blob: `artifact-${this.nextId++}`,
          finalized: false,
        };
        this.artifacts.push(record);
        return json({ ok: true, signed_upload_url: this.blobUrl(record.blob) });
      }
      case 'FinalizeArtifact': {
        const record = this.artifacts.find(
          (a) => a.run === input.workflow_run_backend_id && a.name === input.name && !a.finalized,
        );
        if (!record || !this.blobs.has(record.blob))
          return twirpError(response, 404, 'not_found', 'artifact not found or not uploaded');
        Object.assign(record, { finalized: true, size: Number(input.size), hash: input.hash });
        return json({ ok: true, artifact_id: String(record.id) });
      }
      case 'ListArtifacts': {
        // The artifacts of one run (a later job downloads an earlier job's upload), filtered by name or id.
        const found = this.artifacts.filter(
          (a) =>
            a.finalized &&
            a.run === input.workflow_run_backend_id &&
            (input.name_filter === undefined || a.name === input.name_filter) &&
            (input.id_filter === undefined || String(a.id) === String(input.id_filter)),
        );
        return json({
          artifacts: found.map((a) => ({
            workflow_run_backend_id: a.run,
            workflow_job_run_backend_id: a.job,
            database_id: String(a.id),
            name: a.name,
            size: String(a.size ?? 0),
            created_at: new Date(Date.UTC(2026, 10, 1) + a.id * 1000).toISOString(),
            ...(a.hash ? { digest: a.hash } : {}),
          })),
        });
      }
      case 'GetSignedArtifactURL': {
        const record = this.artifacts.find(
          (a) => a.finalized && a.run === input.workflow_run_backend_id && a.name === input.name,
        );
        if (!record) return twirpError(response, 404, 'not_found', 'artifact not found');
        return json({ signed_url: this.blobUrl(record.blob) });
      }
      default:
        return twirpError(response, 404, 'bad_route', `no method ${method}`);
    }
  }

  private blobUrl(blob: string): string {
    // Path-style addressing (account/container/blob), as Azure's SDK expects for an IP host.
    return `${this.url}/blob/account/container/${blob}?sv=2024-01-01&sig=emulated`;
  }

  private blob(method: string, url: URL, request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const blob = url.pathname.split('/').pop()!;
    const headers = {
      'x-ms-request-id': String(this.nextId++),
      'x-ms-version': '2024-01-01',
      etag: `"${blob}-${this.clock}"`,
      'last-modified': new Date().toUTCString(),
    };
    if (method === 'PUT') {
      const status = this.fault('blob-put');
      if (status) return void response.writeHead(status, headers).end();
      const comp = url.searchParams.get('comp');
      if (comp === 'block') {
        const staged = this.blocks.get(blob) ?? new Map<string, Buffer>();
        staged.set(url.searchParams.get('blockid')!, body);
        this.blocks.set(blob, staged);
      } else if (comp === 'blocklist') {
        const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)<\//g)].map(
          (m) => m[1]!,
        );
        const staged = this.blocks.get(blob) ?? new Map<string, Buffer>();
        this.blobs.set(blob, Buffer.concat(ids.map((id) => staged.get(id) ?? Buffer.alloc(0))));
        this.blocks.delete(blob);
      } else {
        if (request.headers['x-ms-blob-type'] !== 'BlockBlob')
          return void response.writeHead(400, headers).end('x-ms-blob-type BlockBlob required');
        this.blobs.set(blob, body);
      }
      return void response.writeHead(201, { ...headers, 'content-length': '0' }).end();
    }
    const data = this.blobs.get(blob);
    if (!data) return void response.writeHead(404, headers).end();
    if (method === 'HEAD')
      return void response
        .writeHead(200, {
          ...headers,
          'content-length': data.length,
          'content-type': 'application/octet-stream',
          'x-ms-blob-type': 'BlockBlob',
        })
        .end();
    // Artifacts are zips, and the artifact client unpacks a download only when the blob says so.
    const contentType = blob.startsWith('artifact-') ? 'application/zip' : 'application/octet-stream';
    response.writeHead(200, { ...headers, 'content-length': data.length, 'content-type': contentType }).end(data);
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function twirpError(response: ServerResponse, status: number, code: string, msg: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, msg }));
}
