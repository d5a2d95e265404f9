// Apollo Client's own persisted-query link against a running registry: the first client sends the
// hash alone (GET), is told PersistedQueryNotFound, and sends the document; a second client is then
// answered by hash alone, over GET. Fails unless the registry speaks the protocol as Apollo does.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { createHash } from "node:crypto";

const url = process.argv[2];
if (!url) {
  console.error("usage: node persisted-queries.mjs http://127.0.0.1:8080/graphql");
  process.exit(2);
}

function client(sent) {
  const recordingFetch = (uri, options) => {
    sent.push({ method: options.method, hasQuery: String(uri).includes("query=") || /"query"/.test(options.body ?? "") });
    return fetch(uri, options);
  };
  const persisted = new PersistedQueryLink({
    sha256: (document) => createHash("sha256").update(document).digest("hex"),
    useGETForHashedQueries: true,
  });
  return new ApolloClient({
    link: persisted.concat(new HttpLink({ uri: url, fetch: recordingFetch })),
    cache: new InMemoryCache(),
  });
}

// A document of this run's own, so an earlier run cannot have registered it.
const nonce = `n${Date.now()}`;
const query = gql(`query PersistedPlans { ${nonce}: plans { nodes { code } } }`);

const firstSent = [];
const first = await client(firstSent).query({ query, fetchPolicy: "no-cache" });
const plans = first.data?.[nonce]?.nodes ?? [];
const expectFirst = JSON.stringify(firstSent) === JSON.stringify([
  { method: "GET", hasQuery: false },
  { method: "POST", hasQuery: true },
]);

const secondSent = [];
const second = await client(secondSent).query({ query, fetchPolicy: "no-cache" });
const expectSecond = JSON.stringify(secondSent) === JSON.stringify([{ method: "GET", hasQuery: false }]);

const same = JSON.stringify(first.data) === JSON.stringify(second.data);
console.log(`first client sent ${JSON.stringify(firstSent)}; second ${JSON.stringify(secondSent)}; ${plans.length} plans`);
if (!expectFirst || !expectSecond || !same || plans.length === 0) {
  console.error("persisted queries: Apollo Client's protocol was not followed");
  process.exit(1);
}
console.log("persisted queries: ok (Apollo Client, hash over GET after one registration)");
