'use strict';
// jiwon-client: a thin client of jiwond for portal backends. One channel
// (TLS, client certificate, token), a deadline on every call, retries with
// exponential backoff on UNAVAILABLE, and errors rejected as JiwonError
// with their reason code and field violations decoded.

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { DOMAIN, JiwonError, protoDir } = require('./errors');

const SERVICES = [
  'CompanyService', 'ProgramService', 'MatchService', 'FeedbackService',
  'RescoreService', 'AdminService', 'VocabularyService',
];

let loaded = null;
// The package definition of every jiwon service. Messages are plain objects
// with the protos' field names (snake_case), 64-bit integers as strings
// and enums by name, as jiwon's JSON is.
function definitions() {
  if (loaded === null) {
    const dir = protoDir();
    const files = fs.readdirSync(path.join(dir, 'jiwon', 'v1'))
      .filter((f) => f.endsWith('.proto')).map((f) => `jiwon/v1/${f}`);
    const pkg = protoLoader.loadSync(files, {
      includeDirs: [dir],
      keepCase: true,
      longs: String,
      enums: String,
      defaults: false,
      oneofs: true,
    });
    loaded = { pkg, grpcObject: grpc.loadPackageDefinition(pkg) };
  }
  return loaded;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Client {
  // target: "host:port". options: { ca, cert, key } (PEM buffers or file
  // paths) for TLS, or plaintext: true; token; timeout (seconds, each
  // attempt's deadline; default 10); retries (default 3), initialBackoff
  // and maxBackoff (seconds; 0.1 and 2) for UNAVAILABLE, each wait with up
  // to 20% jitter; onRetry(attempt, error). Every jiwon write is
  // idempotent (an identical one changes nothing), so retries are safe.
  constructor(target, options = {}) {
    const read = (x) => (x === undefined || Buffer.isBuffer(x) ? x : fs.readFileSync(x));
    if (!options.ca && !options.plaintext) {
      throw new Error('ca: needed for TLS (or pass plaintext: true)');
    }
    if (!options.cert !== !options.key) throw new Error('cert and key: give both or neither');
    const credentials = options.plaintext
      ? grpc.credentials.createInsecure()
      : grpc.credentials.createSsl(read(options.ca), read(options.key) || null,
        read(options.cert) || null);
    this.timeout = options.timeout ?? 10;
    this.retries = options.retries ?? 3;
    this.initialBackoff = options.initialBackoff ?? 0.1;
    this.maxBackoff = options.maxBackoff ?? 2;
    this.onRetry = options.onRetry || null;
    this.token = options.token || null;
    const { grpcObject } = definitions();
    this.channelClient = new grpc.Client(target, credentials);
    this.stubs = {};
    for (const name of SERVICES) {
      const Stub = grpcObject.jiwon.v1[name];
      this.stubs[name] = new Stub(target, credentials, { channelOverride: this.channelClient.getChannel() });
    }
  }

  close() {
    for (const stub of Object.values(this.stubs)) stub.close();
    this.channelClient.close();
  }

  metadata() {
    const md = new grpc.Metadata();
    if (this.token) md.set('authorization', `Bearer ${this.token}`);
    return md;
  }

  // One attempt of a unary call: resolves with the response object.
  once(service, method, request, timeout) {
    return new Promise((resolve, reject) => {
      const stub = this.stubs[service];
      if (!stub || typeof stub[method] !== 'function') {
        reject(new Error(`no method ${service}.${method}`));
        return;
      }
      const deadline = new Date(Date.now() + timeout * 1000);
      stub[method](request, this.metadata(), { deadline }, (err, response) => {
        if (err) reject(JiwonError.fromServiceError(err));
        else resolve(response);
      });
    });
  }

  // Calls service.method (e.g. 'ProgramService', 'GetProgram') with the
  // deadline, the token and the retries; rejects with a JiwonError.
  async call(service, method, request = {}, { timeout } = {}) {
    let backoff = this.initialBackoff;
    for (let attempt = 0; ; ++attempt) {
      try {
        return await this.once(service, method, request, timeout ?? this.timeout);
      } catch (e) {
        if (!(e instanceof JiwonError) || e.code !== grpc.status.UNAVAILABLE ||
            attempt >= this.retries) {
          throw e;
        }
        if (this.onRetry) this.onRetry(attempt + 1, e);
        await sleep(backoff * 1000 * (1 + 0.2 * Math.random()));
        backoff = Math.min(backoff * 2, this.maxBackoff);
      }
    }
  }

  // A unary call with the request as bytes; resolves with the response's
  // bytes (for tools and tests that hold encoded messages).
  callRaw(fullMethod, bytes, { timeout } = {}) {
    return new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + (timeout ?? this.timeout) * 1000);
      this.channelClient.makeUnaryRequest(
        `/${fullMethod}`, (b) => b, (b) => b, bytes, this.metadata(), { deadline },
        (err, response) => (err ? reject(JiwonError.fromServiceError(err)) : resolve(response)));
    });
  }

  // ---- companies
  async getCompany(companyId) {
    return (await this.call('CompanyService', 'GetCompany', { company_id: companyId })).company;
  }
  upsertCompany(company) {
    return this.call('CompanyService', 'UpsertCompany', { company });
  }
  // Changes only `fields` (top-level names; empty: those `company` sets)
  // of the stored company `company.id`; a named field it lacks is cleared.
  updateCompany(company, fields = [], expectedVersion) {
    const req = { company, update_mask: { paths: fields } };
    if (expectedVersion !== undefined) req.expected_version = String(expectedVersion);
    return this.call('CompanyService', 'UpdateCompany', req);
  }
  async *listCompanies(pageSize = 0) {
    let token = '';
    do {
      const r = await this.call('CompanyService', 'ListCompanies', { page_size: pageSize, page_token: token });
      yield* r.companies || [];
      token = r.next_page_token || '';
    } while (token);
  }

  // ---- programs
  async getProgram(programId) {
    return (await this.call('ProgramService', 'GetProgram', { program_id: programId })).program;
  }
  upsertProgram(program, expectedVersion) {
    const req = { program };
    if (expectedVersion !== undefined) req.expected_version = String(expectedVersion);
    return this.call('ProgramService', 'UpsertProgram', req);
  }
  async *listPrograms(filters = {}) {
    let token = '';
    do {
      const r = await this.call('ProgramService', 'ListPrograms', { ...filters, page_token: token });
      for (const s of r.programs || []) yield s.program;
      token = r.next_page_token || '';
    } while (token);
  }

  // ---- matching
  // By company id, or options.profile (not stored); the other options are
  // RecommendRequest's fields (limit, open_only, ...).
  recommend(companyId, options = {}) {
    const { profile, ...rest } = options;
    if ((companyId == null) === (profile == null)) {
      return Promise.reject(new Error('recommend: give a company id or a profile'));
    }
    const req = companyId != null ? { company_id: companyId, ...rest } : { profile, ...rest };
    return this.call('MatchService', 'Recommend', req);
  }
  explain(companyId, programId, options = {}) {
    return this.call('MatchService', 'Explain', { company_id: companyId, program_id: programId, ...options });
  }

  // ---- feedback and names
  // kind: 'DISMISSED', 'SAVED' or 'APPLIED'.
  recordFeedback(companyId, programId, kind, note = '') {
    return this.call('FeedbackService', 'RecordFeedback', {
      feedback: { company_id: companyId, program_id: programId, kind: `FEEDBACK_KIND_${kind}`, note },
    });
  }
  vocabulary() {
    return this.call('VocabularyService', 'GetVocabulary', {});
  }
}

module.exports = { Client, JiwonError, DOMAIN, definitions };
