// CI: registers a webhook on a running registry (which allows 127.0.0.1 through
// NAP_WEBHOOK_ALLOWED_HOSTS), makes a change, and checks that the README's receiver gets it
// with a signature that `standardwebhooks` verifies. Usage: node verify.mjs <graphql url> <token>
import { startReceiver } from "./receiver.mjs";

const [endpoint, token] = process.argv.slice(2);
if (!endpoint || !token) {
  console.error("usage: node verify.mjs <graphql url> <token with webhooks:manage and projects:write>");
  process.exit(2);
}

async function graphql(query, variables) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = await response.json();
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data;
}

let received;
const arrived = new Promise((resolve) => (received = resolve));
// Start on a free port, then register it.
let server = await startReceiver("whsec_" + Buffer.alloc(32).toString("base64"), 0, () => {});
const port = server.address().port;
server.close();

const created = await graphql(
  `mutation($url: String!) { createWebhook(input: { url: $url, entityTypes: ["ProjectLink"] }) { secret webhook { id } } }`,
  { url: `http://127.0.0.1:${port}/nap-registry` },
);
const secret = created.createWebhook.secret;
server = await startReceiver(secret, port, (change, id) => received({ change, id }));

const made = await graphql(
  `mutation { createProjectLink(input: { titleEn: "Webhook check" }) { projectLink { id } } }`,
  {},
);
const timeout = setTimeout(() => {
  console.error("no verified delivery within 60 s");
  process.exit(1);
}, 60_000);
const { change, id } = await arrived;
clearTimeout(timeout);
server.close();
if (change.entityId !== made.createProjectLink.projectLink.id || change.entityType !== "ProjectLink") {
  console.error("verified, but not the change made:", change);
  process.exit(1);
}
console.log(`verified delivery ${id}: ${change.action} ${change.entityType} ${change.uri}`);
