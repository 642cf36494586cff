// Runs the graphql-http GraphQL-over-HTTP audit suite against a running gateway, over real
// HTTP, as a client would meet it (the test in hardening.int.test.ts runs it in process).
// Exits 1 when a MUST or SHOULD audit fails; MAY audits are shown, never fatal.
import { parseArgs } from 'node:util';
import { auditServer } from 'graphql-http';

const USAGE = `Usage: node gateway/scripts/audit-http.ts [--key <API key>] [<url>]

  <url>        the gateway's GraphQL endpoint (default http://127.0.0.1:4800/graphql, the embedded hub)
  --key <key>  send "Authorization: Bearer <key>"; needed against a standalone gateway, where
               only administrators may introspect and two audits send __type queries
  -h, --help   show this help`;

const { values, positionals } = parseArgs({
  options: { key: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: true,
});
if (values.help || positionals.length > 1) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const url = positionals[0] ?? 'http://127.0.0.1:4800/graphql';
const key = values.key;

const results = await auditServer({
  url,
  fetchFn: (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    if (key) headers.set('authorization', `Bearer ${key}`);
    return fetch(input, { ...init, headers });
  },
});
let failed = 0;
for (const result of results) {
  const fatal = result.status !== 'ok' && !result.name.startsWith('MAY');
  if (fatal) failed += 1;
  const reason = result.status === 'ok' ? '' : ` (${result.reason})`;
  console.log(`${result.status === 'ok' ? 'ok  ' : result.status.padEnd(4)} ${result.name}${reason}`);
}
console.log(`${results.length} audits, ${failed} MUST/SHOULD failed`);
process.exit(failed > 0 ? 1 : 0);
