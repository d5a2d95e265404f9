// Runs every graphql-http audit (MUST, SHOULD and MAY) against a running registry and fails on
// any result that is not ok. Usage: node audit.mjs http://127.0.0.1:8080/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2] ?? process.env.GRAPHQL_URL;
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint url>');
  process.exit(2);
}

let failed = 0;
const counts = {};
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  const level = audit.name.split(' ')[0];
  counts[level] ??= { ok: 0, all: 0 };
  counts[level].all += 1;
  if (result.status === 'ok') {
    counts[level].ok += 1;
  } else {
    failed += 1;
    console.log(`${result.status.toUpperCase()}: ${audit.name}\n  ${result.reason}`);
    if (result.response) {
      const body = await result.response.text().catch(() => '');
      console.log(`  status ${result.response.status}, content-type ${result.response.headers.get('content-type')}, body ${body.slice(0, 300)}`);
    }
  }
}
for (const [level, { ok, all }] of Object.entries(counts)) {
  console.log(`${level} ${ok}/${all}`);
}
process.exit(failed === 0 ? 0 : 1);
