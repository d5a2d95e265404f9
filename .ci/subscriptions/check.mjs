// Follows a running registry's `changes` subscription with the graphql-ws client library, as an
// integrator would: replay from a cursor equals the `changes` query, a write made over HTTP arrives
// live on a socket initialised with a token, and a bad token is refused with close code 4403.
//
// Usage: node check.mjs <http://host:port/graphql> <token with registry:admin>
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [httpUrl, token] = process.argv.slice(2);
if (!httpUrl || !token) {
  console.error("usage: node check.mjs <http://host:port/graphql> <admin token>");
  process.exit(2);
}
const wsUrl = httpUrl.replace(/^http/, "ws");
const CHANGES = `subscription($after: String, $filter: ChangeFilter) {
  changes(after: $after, filter: $filter) { sequence entityType entityId entityCode action version }
}`;
const FEED = `query($after: String, $filter: ChangeFilter) {
  changes(first: 100, after: $after, filter: $filter) {
    nodes { sequence entityType entityId entityCode action version } pageInfo { hasNextPage }
  }
}`;

// Only a broken server makes the check wait this long.
setTimeout(() => {
  console.error("FAIL: timed out");
  process.exit(1);
}, 60_000).unref();

async function http(query, variables, bearer) {
  const response = await fetch(httpUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

function check(condition, message) {
  if (!condition) {
    console.error(`FAIL: ${message}`);
    process.exit(1);
  }
  console.log(`ok: ${message}`);
}

/** The first `count` changes of a subscription, then it is disposed of. */
function take(client, variables, count, onSubscribed = () => {}) {
  return new Promise((resolve, reject) => {
    const changes = [];
    const dispose = client.subscribe(
      { query: CHANGES, variables },
      {
        next: (result) => {
          if (result.errors) return reject(new Error(JSON.stringify(result.errors)));
          changes.push(result.data.changes);
          if (changes.length === count) {
            dispose();
            resolve(changes);
          }
        },
        error: reject,
        complete: () => reject(new Error("the subscription completed early")),
      },
    );
    onSubscribed();
  });
}

// 1. Anonymous: the replay from "0" is exactly what the query gives.
const filter = { entityTypes: ["Plan"] };
const expected = (await http(FEED, { after: "0", filter })).changes;
check(!expected.pageInfo.hasNextPage && expected.nodes.length > 0, "the query gives one page of plan changes");
const anonymous = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: {} });
const replayed = await take(anonymous, { after: "0", filter }, expected.nodes.length);
check(JSON.stringify(replayed) === JSON.stringify(expected.nodes), "an anonymous subscription replays what the query gives");
await anonymous.dispose();

// 2. With a token: a write made over HTTP arrives live.
const head = (await http("{ changesHead { sequence } }")).changesHead.sequence;
const authenticated = createClient({
  url: wsUrl,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
  connectionParams: { token },
});
const code = `ci-subscription-${Date.now()}`;
const live = await take(authenticated, { after: String(head), filter: { entityTypes: ["TargetGroup"] } }, 1, () =>
  http(
    "mutation($input: CreateTargetGroupInput!) { createTargetGroup(input: $input) { targetGroup { code } } }",
    { input: { vocabulary: "UA-NAP-TG-2020", code, labelEn: "CI subscription check" } },
    token,
  ),
);
check(live[0].entityCode === code && live[0].action === "CREATE", "a write made over HTTP arrives live");
await authenticated.dispose();

// 3. A bad token is refused with 4403 Forbidden.
const closeCode = await new Promise((resolve) => {
  const refused = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { token: "not-a-token" },
    on: { closed: (event) => resolve(event.code) },
  });
  refused.subscribe({ query: CHANGES }, { next: () => {}, error: () => {}, complete: () => {} });
});
check(closeCode === 4403, `a bad token is refused with close code 4403 (got ${closeCode})`);
process.exit(0);
