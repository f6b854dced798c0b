'use strict';
// An example portal backend handler over jiwon-client (node:http only):
//
//   GET /companies/<id>/recommendations   the recommendation page's data
//   PUT /companies/<id>                   store a profile (JSON, as jiwon's)
//
// A refused profile is answered 400 with each problem keyed by its field,
// in Korean for the form and English for the log; the other jiwon errors
// map to their HTTP statuses. Run it with a jiwond to talk to:
//
//   node clients/node/examples/portal_handler.js 127.0.0.1:50051 ca.pem token

const http = require('http');
const { Client, JiwonError } = require('..');

const HTTP = {
  INVALID_ARGUMENT: 400, NOT_FOUND: 404, UNAUTHENTICATED: 401, PERMISSION_DENIED: 403,
  ABORTED: 409, FAILED_PRECONDITION: 412, RESOURCE_EXHAUSTED: 429, UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};
const RECOMMENDATIONS = /^\/companies\/([A-Za-z0-9._:-]{1,64})\/recommendations$/;
const COMPANY = /^\/companies\/([A-Za-z0-9._:-]{1,64})$/;
const MAX_BODY = 1 << 20;

// What a form shows: the problem of each field, in Korean.
function errorBody(e) {
  const fields = {};
  for (const v of e.violations) {
    fields[v.field] = { message: v.korean, reason: v.reason, detail: v.description };
  }
  return { reason: e.reason, message: e.korean || e.details, fields };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('over 1 MiB'));
        req.destroy();
      } else {
        chunks.push(c);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function makeHandler(client) {
  return async (req, res) => {
    const reply = (status, body) => {
      const data = Buffer.from(JSON.stringify(body));
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length });
      res.end(data);
    };
    try {
      let m = RECOMMENDATIONS.exec(req.url);
      if (m && req.method === 'GET') {
        reply(200, await client.recommend(m[1], { limit: 10 }));
        return;
      }
      m = COMPANY.exec(req.url);
      if (m && req.method === 'PUT') {
        let company;
        try {
          company = JSON.parse(await readBody(req));
        } catch (e) {
          reply(400, { message: `not a company: ${e.message}` });
          return;
        }
        if (company === null || typeof company !== 'object' || Array.isArray(company)) {
          reply(400, { message: 'not a company: expected a JSON object' });
          return;
        }
        company.id = m[1];
        const r = await client.upsertCompany(company);
        reply(r.created ? 201 : 200, { company_id: company.id, created: !!r.created });
        return;
      }
      reply(404, { message: `no route ${req.method} ${req.url}` });
    } catch (e) {
      if (e instanceof JiwonError) reply(HTTP[e.codeName] || 502, errorBody(e));
      else reply(500, { message: e.message });
    }
  };
}

module.exports = { makeHandler, errorBody };

if (require.main === module) {
  const [target, ca, token] = process.argv.slice(2);
  const client = new Client(target, { ca, token });
  http.createServer(makeHandler(client)).listen(8080, '127.0.0.1');
}
