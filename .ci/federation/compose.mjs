// Composes a running registry (its `_service { sdl }`) with the example subgraph, using Apollo's
// composition library: fails on any composition error, and checks that the supergraph resolves the
// example's references to registry plans and extends registry plan items.
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { readFileSync } from "node:fs";

const url = process.argv[2];
if (!url) {
  console.error("usage: node compose.mjs http://127.0.0.1:8080/graphql");
  process.exit(2);
}
const response = await fetch(url, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ query: "{ _service { sdl } }" }),
});
const body = await response.json();
const registrySdl = body?.data?._service?.sdl;
if (!registrySdl) {
  console.error(`no _service { sdl } from ${url}: ${JSON.stringify(body)}`);
  process.exit(1);
}
const example = readFileSync(new URL("./example-subgraph.graphql", import.meta.url), "utf8");
const result = composeServices([
  { name: "nap-registry", url, typeDefs: parse(registrySdl) },
  { name: "monitoring", url: "http://monitoring.example/graphql", typeDefs: parse(example) },
]);
if (result.errors?.length) {
  for (const error of result.errors) console.error(`${error.extensions?.code ?? "ERROR"}: ${error.message}`);
  console.error(`composition failed with ${result.errors.length} error(s)`);
  process.exit(1);
}
const supergraph = result.supergraphSdl;
const checks = [
  [/type PlanItem[^{]*@join__type\(graph: MONITORING, key: "code"\)/, "PlanItem extended by the example subgraph"],
  [/monitoringScore: Int @join__field\(graph: MONITORING\)/, "the example's field on PlanItem"],
  [/monitoredPlans: \[Plan!\]!/, "the example's query returning registry plans"],
  [/type Plan[^{]*@join__type\(graph: NAP_REGISTRY, key: "code"\)/, "Plan keyed by code in the registry"],
];
const missing = checks.filter(([pattern]) => !pattern.test(supergraph)).map(([, what]) => what);
if (missing.length) {
  console.error(`composed, but the supergraph lacks: ${missing.join("; ")}`);
  process.exit(1);
}
for (const hint of result.hints ?? []) console.log(`hint ${hint.definition?.code ?? ""}: ${hint.message}`);
console.log(`federation: composed (${supergraph.length} bytes of supergraph SDL, ${(result.hints ?? []).length} hints)`);
