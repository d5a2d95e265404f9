// The NAP 1325 Registry from TypeScript: read a plan tree, page through a donor's project links
// with cursors, make one authenticated update with the version last read, and follow the
// `changes(after:)` feed to see it. Exits non-zero on the first failure. Settings (environment):
//
//   NAP_GRAPHQL_URL  the endpoint (default http://127.0.0.1:8080/graphql)
//   NAP_PLAN         the plan whose tree is read (default UA-NAP-2021-2025)
//   NAP_DONOR        the donor's registry code or org-id identifier (default syn-org-0038, a donor
//                    of `nap-registry seed --synthetic small`)
//   NAP_TOKEN        a bearer token of that donor with the projects:write scope (required)
//   NAP_PAGE_SIZE    project links per page (default 2, so that paging shows)
import { RegistryClient, RegistryError } from "./client.js";
import {
  ChangesDocument,
  ChangesHeadDocument,
  DonorProjectLinksDocument,
  PlanTreeDocument,
  UpdateProjectLinkDocument,
  type ChangesQuery,
  type DonorProjectLinksQuery,
  type TreeItemFragment,
} from "./generated/graphql.js";

type ProjectLinkNode = NonNullable<DonorProjectLinksQuery["organisation"]>["projectLinks"]["nodes"][number];

class ExampleFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new ExampleFailure(message);
  }
}

function setting(name: string, fallback?: string): string {
  const value = process.env[name];
  if (value !== undefined && value !== "") {
    return value;
  }
  if (fallback === undefined) {
    throw new ExampleFailure(`set ${name}`);
  }
  return fallback;
}

async function main(): Promise<void> {
  const url = setting("NAP_GRAPHQL_URL", "http://127.0.0.1:8080/graphql");
  const planCode = setting("NAP_PLAN", "UA-NAP-2021-2025");
  const donor = setting("NAP_DONOR", "syn-org-0038");
  const token = setting("NAP_TOKEN");
  const pageSize = Number.parseInt(setting("NAP_PAGE_SIZE", "2"), 10);
  check(Number.isInteger(pageSize) && pageSize > 0, "NAP_PAGE_SIZE must be a positive integer");
  const anonymous = new RegistryClient(url);
  const donorClient = anonymous.withToken(token);

  console.log(`== plan tree of ${planCode}`);
  const { plan } = await anonymous.request(PlanTreeDocument, { code: planCode });
  check(plan !== null, `no plan ${planCode}`);
  console.log(`${plan.code} [${plan.status}] ${plan.title ?? ""}`);
  let items = 0;
  const show = (item: TreeItemFragment, depth: number): void => {
    items += 1;
    console.log(`${"  ".repeat(depth)}${item.code} ${item.kind}: ${item.title ?? ""}`);
  };
  for (const goal of plan.goals) {
    show(goal, 1);
    for (const operational of goal.children) {
      show(operational, 2);
      for (const task of operational.children) {
        show(task, 3);
        for (const activity of task.children) {
          show(activity, 4);
        }
      }
    }
  }
  check(items > 0, `plan ${planCode} has no items`);
  console.log(`${items} items`);

  console.log(`== project links funded by ${donor}, ${pageSize} per page`);
  let after: string | null = null;
  let pages = 0;
  let seen = 0;
  let total = 0;
  let editable: ProjectLinkNode | undefined;
  for (;;) {
    const page: DonorProjectLinksQuery = await anonymous.request(DonorProjectLinksDocument, {
      donor,
      first: pageSize,
      after,
    });
    check(page.organisation !== null, `no organisation ${donor}`);
    const links = page.organisation.projectLinks;
    pages += 1;
    for (const link of links.nodes) {
      console.log(`  page ${pages}: ${link.iatiIdentifier ?? link.id} v${link.version} ${link.title ?? ""}`);
    }
    seen += links.nodes.length;
    total = links.totalCount;
    editable ??= links.nodes.find((link) => link.owner?.code === page.organisation?.code);
    if (!links.pageInfo.hasNextPage) {
      break;
    }
    after = links.pageInfo.endCursor;
  }
  check(seen === total, `paged through ${seen} links, totalCount says ${total}`);
  console.log(`${seen} links in ${pages} pages`);
  check(editable !== undefined, `${donor} maintains none of its project links: nothing to update`);

  console.log("== changes head before the update");
  const { changesHead } = await anonymous.request(ChangesHeadDocument, {});
  console.log(`sequence ${changesHead.sequence}`);

  const newUrl = `https://partner.example.org/projects/${editable.iatiIdentifier ?? editable.id}?seen=${Date.now()}`;
  console.log(`== update ${editable.id} at version ${editable.version}`);
  const { updateProjectLink } = await donorClient.request(UpdateProjectLinkDocument, {
    input: { id: editable.id, version: editable.version, url: newUrl },
  });
  const updated = updateProjectLink.projectLink;
  check(
    updated.version === editable.version + 1 && updated.url === newUrl,
    `unexpected update result: ${JSON.stringify(updated)}`,
  );
  console.log(`now version ${updated.version}, url ${newUrl}`);

  console.log(`== the same update with the stale version ${editable.version} is refused`);
  try {
    await donorClient.request(UpdateProjectLinkDocument, {
      input: { id: editable.id, version: editable.version, url: "https://partner.example.org/stale" },
    });
    throw new ExampleFailure("a stale version was accepted");
  } catch (error) {
    if (!(error instanceof RegistryError) || error.codes[0] !== "CONFLICT") {
      throw error;
    }
    console.log(`refused with ${error.codes.join(", ")}`);
  }

  console.log("== changes after the head");
  let cursor: string | null = changesHead.cursor;
  let found = false;
  for (;;) {
    // Annotated: `cursor` feeds back into the next request, which TypeScript cannot infer.
    const { changes }: ChangesQuery = await anonymous.request(ChangesDocument, { after: cursor, first: 50 });
    for (const change of changes.nodes) {
      console.log(
        `  #${change.sequence} ${change.action} ${change.entityType} ${change.entityCode ?? change.entityId} v${change.version} at ${change.occurredAt}`,
      );
      found ||= change.entityId === editable.id && change.action === "UPDATE" && change.version === updated.version;
    }
    cursor = changes.pageInfo.endCursor ?? cursor;
    if (!changes.pageInfo.hasNextPage) {
      break;
    }
  }
  check(found, `the feed after the head does not show the update of ${editable.id}`);
  console.log(`the feed shows the update; resume later from ${cursor}`);
  console.log("OK: TypeScript example");
}

main().catch((error: unknown) => {
  console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
