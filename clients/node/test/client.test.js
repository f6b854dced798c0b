'use strict';
// jiwon-client against a real jiwond on 127.0.0.1 (TLS, tokens), started by
// tests/e2e/errors_test.cc, which passes its address and credentials:
// JIWON_TEST_ADDR, JIWON_TEST_CA, JIWON_TEST_CERT, JIWON_TEST_KEY,
// JIWON_TEST_TOKENS (a JSON file: caller name -> token), JIWON_TEST_CASES.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const http = require('http');
const net = require('net');
const grpc = require('@grpc/grpc-js');
const { Client, JiwonError } = require('..');
const { makeHandler } = require('../examples/portal_handler');

const env = process.env;
const tokens = JSON.parse(fs.readFileSync(env.JIWON_TEST_TOKENS, 'utf8'));
const clients = {};
function client(who = 'admin') {
  if (!clients[who]) {
    clients[who] = new Client(env.JIWON_TEST_ADDR, {
      token: tokens[who], ca: env.JIWON_TEST_CA, cert: env.JIWON_TEST_CERT,
      key: env.JIWON_TEST_KEY, timeout: 30,
    });
  }
  return clients[who];
}
test.after(() => { for (const c of Object.values(clients)) c.close(); });

function pad(request) {
  let text = JSON.stringify(request);
  const start = text.indexOf('@@PAD:');
  if (start >= 0) {
    const end = text.indexOf('@@', start + 6);
    text = text.slice(0, start) + 'x'.repeat(Number(text.slice(start + 6, end))) + text.slice(end + 2);
  }
  return JSON.parse(text);
}

// One call of a case's method as `who`: by bytes or by its JSON.
function send(who, method, step) {
  const c = client(who);
  if (step.request_hex !== undefined) return c.callRaw(method, Buffer.from(step.request_hex, 'hex'));
  const [service, name] = method.replace(/^jiwon\.v1\./, '').split('/');
  return c.call(service, name, pad(step.request));
}

test('every case rejects with its reason and field violations', async (t) => {
  const cases = fs.readFileSync(env.JIWON_TEST_CASES, 'utf8').split('\n')
    .filter((l) => l.trim()).map((l) => JSON.parse(l));
  assert.ok(cases.length >= 30);
  for (const c of cases) {
    await t.test(c.name, async () => {
      for (const step of c.setup || []) await send('admin', step.method, step);
      const e = await send(c.as, c.method, c).then(
        () => assert.fail('the call succeeded'), (err) => err);
      assert.ok(e instanceof JiwonError, String(e));
      assert.equal(e.codeName, c.code, e.message);
      assert.equal(e.reason, c.reason, e.message);
      if (!e.details.startsWith('[')) assert.ok(e.korean, 'no Korean message');
      for (const want of c.violations || []) {
        const v = e.violations.filter((x) => x.field === want.field && x.reason === want.reason);
        assert.equal(v.length, 1, `${JSON.stringify(want)} not in ${JSON.stringify(e.violations)}`);
        assert.ok(v[0].description);
        assert.ok(v[0].korean);
      }
    });
  }
});

test('a profile is stored and recommended', async () => {
  const c = client('admin');
  await c.upsertProgram({
    id: 'node-gyeonggi', title: '노드 시험 사업', category: 'CATEGORY_DOMESTIC',
    window: { kind: 'WINDOW_KIND_ROLLING' },
    rules: [{ id: 'gyeonggi', kind: 'RULE_KIND_REQUIRE', label: '경기도 소재',
      evidence: '공고일 기준 본사가 경기도에 소재한 기업',
      condition: { predicate: { fact: 'FACT_HEAD_OFFICE_REGION', op: 'OPERATOR_IN', codes: ['41'] } } }],
  });
  await c.upsertCompany({ id: 'NODE1', name: '(주)노드', head_office_region: '41610' });
  assert.equal((await c.getCompany('NODE1')).name, '(주)노드');
  const r = await c.recommend('NODE1', { limit: 50 });
  assert.ok(r.matches.some((m) => m.program_id === 'node-gyeonggi'));
  const ids = [];
  for await (const co of c.listCompanies(1)) ids.push(co.id);
  assert.ok(ids.includes('NODE1'));
  // A partial update: only the employee count changes.
  await c.updateCompany({ id: 'NODE1', regular_employees: 7 }, ['regular_employees'], 1);
  const got = await c.getCompany('NODE1');
  assert.deepEqual([got.name, got.regular_employees, got.version], ['(주)노드', 7, '2']);
  const stale = await c.updateCompany({ id: 'NODE1', name: 'x' }, ['name'], 1)
    .then(() => assert.fail('succeeded'), (err) => err);
  assert.equal(stale.reason, 'VERSION_MISMATCH');
});

test('UNAVAILABLE is retried with backoff, then rejected', async () => {
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p)); // nothing listens there now
    });
  });
  const seen = [];
  const c = new Client(`127.0.0.1:${port}`, {
    plaintext: true, retries: 2, initialBackoff: 0.01, timeout: 5,
    onRetry: (n, e) => seen.push([n, e.codeName]),
  });
  try {
    const e = await c.getCompany('C1').then(() => assert.fail('succeeded'), (err) => err);
    assert.equal(e.code, grpc.status.UNAVAILABLE);
    assert.deepEqual(seen, [[1, 'UNAVAILABLE'], [2, 'UNAVAILABLE']]);
  } finally {
    c.close();
  }
});

test('a deadline rejects and is not retried', async () => {
  const c = client('admin');
  const seen = [];
  c.onRetry = (n) => seen.push(n);
  try {
    const e = await c.call('CompanyService', 'ListCompanies', {}, { timeout: 1e-6 })
      .then(() => assert.fail('succeeded'), (err) => err);
    assert.equal(e.codeName, 'DEADLINE_EXCEEDED');
    assert.deepEqual(seen, []);
  } finally {
    c.onRetry = null;
  }
});

test('the portal handler maps field violations to the form', async () => {
  const server = http.createServer(makeHandler(client('admin')));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    let r = await fetch(`${base}/companies/FORM2`, {
      method: 'PUT',
      body: JSON.stringify({ name: '(주)폼', founded_on: '2026-02-30', head_office_region: '99' }),
    });
    assert.equal(r.status, 400);
    let body = await r.json();
    assert.equal(body.fields['company.founded_on'].reason, 'INVALID_DATE');
    assert.equal(body.fields['company.head_office_region'].reason, 'UNKNOWN_REGION_CODE');
    assert.match(body.fields['company.head_office_region'].message, /행정구역/);
    r = await fetch(`${base}/companies/FORM2`, {
      method: 'PUT', body: JSON.stringify({ name: '(주)폼', head_office_region: '41610' }),
    });
    assert.equal(r.status, 201);
    r = await fetch(`${base}/companies/FORM2/recommendations`);
    assert.equal(r.status, 200);
    assert.ok('as_of' in (await r.json()));
    r = await fetch(`${base}/companies/NOPE/recommendations`);
    assert.equal(r.status, 404);
    body = await r.json();
    assert.equal(body.reason, 'COMPANY_NOT_FOUND');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
