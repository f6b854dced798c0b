// The synthetic catalog in json-rules-engine: one rule per program, run
// for each company; eligible programs scored as jiwon scores them, top 10.
// Usage: node json_rules.js DIR COMPANIES
const fs = require('fs');
const path = require('path');
const { Engine } = require(path.join(process.argv[2], 'node_modules', 'json-rules-engine'));

async function main() {
  const dir = process.argv[2];
  const limit = parseInt(process.argv[3], 10);
  const rules = JSON.parse(fs.readFileSync(path.join(dir, 'rules.json')));
  const facts = JSON.parse(fs.readFileSync(path.join(dir, 'facts.json'))).slice(0, limit);
  const engine = new Engine([], { allowUndefinedFacts: true });
  const byId = new Map();
  for (const r of rules) {
    byId.set(r.id, r);
    engine.addRule({ conditions: r.conditions, event: { type: r.id } });
  }
  const popcount = (x) => { let n = 0; while (x) { n += x & 1; x >>>= 1; } return n; };
  const lines = [];
  const start = process.hrtime.bigint();
  for (const f of facts) {
    const { events } = await engine.run(f);
    const scored = events.map((e) => {
      const r = byId.get(e.type);
      const venture = f.certs.includes(1) ? r.venture : 0;
      return { id: r.id, score: r.static + 30 * popcount(r.tags & f.needs) + 5 * venture };
    });
    scored.sort((a, b) => (b.score - a.score) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    lines.push(scored.slice(0, 10).map((s) => s.id).join(','));
  }
  const us = Number(process.hrtime.bigint() - start) / 1000 / facts.length;
  fs.writeFileSync(path.join(dir, 'node_top.txt'), lines.join('\n') + '\n');
  console.log(`node_us_per_company ${us.toFixed(1)}`);
}
main();
