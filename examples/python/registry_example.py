"""The NAP 1325 Registry from Python with gql (httpx transport).

Reads a plan tree, pages through a donor's project links with cursors, makes one authenticated
update with the version last read, and follows the `changes(after:)` feed to see it. The
operations are the files of ../operations/, one operation each; gql validates them against the
registry's schema (../../schema.graphql) before sending.
Exits non-zero on the first failure.

Settings (environment):
  NAP_GRAPHQL_URL  the endpoint (default http://127.0.0.1:8080/graphql)
  NAP_SCHEMA       the schema file (default schema.graphql at the repository root)
  NAP_PLAN         the plan whose tree is read (default UA-NAP-2021-2025)
  NAP_DONOR        the donor's registry code or org-id identifier (default syn-org-0038, a donor
                   of `nap-registry seed --synthetic small`)
  NAP_TOKEN        a bearer token of that donor with the projects:write scope (required)
  NAP_PAGE_SIZE    project links per page (default 2, so that paging shows)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport

EXAMPLES = Path(__file__).resolve().parents[1]
# The operations of all three examples, one per file of ../operations/, by name.
OPERATIONS = {
    path.stem: gql(path.read_text(encoding="utf-8")) for path in (EXAMPLES / "operations").glob("*.graphql")
}


class ExampleFailure(Exception):
    """A check of the example failed."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise ExampleFailure(message)


def setting(name: str, default: str | None = None) -> str:
    value = os.environ.get(name) or default
    if value is None:
        raise ExampleFailure(f"set {name}")
    return value


def client(url: str, schema: str, token: str | None = None) -> Client:
    """A gql client that validates documents against `schema`, with `token` as bearer if given."""
    headers = {"accept": "application/graphql-response+json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return Client(schema=schema, transport=HTTPXTransport(url=url, headers=headers, timeout=30))


def run(session: Any, operation: str, **variables: Any) -> dict[str, Any]:
    """Executes the named operation with `variables`; gql raises on any GraphQL error."""
    return session.execute(GraphQLRequest(OPERATIONS[operation], variable_values=variables))


def error_codes(error: TransportQueryError) -> list[str]:
    return [(e.get("extensions") or {}).get("code", "UNKNOWN") for e in error.errors or []]


def main() -> None:
    url = setting("NAP_GRAPHQL_URL", "http://127.0.0.1:8080/graphql")
    schema_path = Path(setting("NAP_SCHEMA", str(EXAMPLES.parent / "schema.graphql")))
    plan_code = setting("NAP_PLAN", "UA-NAP-2021-2025")
    donor = setting("NAP_DONOR", "syn-org-0038")
    token = setting("NAP_TOKEN")
    page_size = int(setting("NAP_PAGE_SIZE", "2"))
    check(page_size > 0, "NAP_PAGE_SIZE must be positive")
    schema = schema_path.read_text(encoding="utf-8")

    with client(url, schema) as anonymous, client(url, schema, token) as as_donor:
        print(f"== plan tree of {plan_code}")
        plan = run(anonymous, "PlanTree", code=plan_code)["plan"]
        check(plan is not None, f"no plan {plan_code}")
        print(f"{plan['code']} [{plan['status']}] {plan['title'] or ''}")
        items = 0
        pending = [(goal, 1) for goal in reversed(plan["goals"])]
        while pending:
            item, depth = pending.pop()
            items += 1
            print(f"{'  ' * depth}{item['code']} {item['kind']}: {item['title'] or ''}")
            pending.extend((child, depth + 1) for child in reversed(item.get("children", [])))
        check(items > 0, f"plan {plan_code} has no items")
        print(f"{items} items")

        print(f"== project links funded by {donor}, {page_size} per page")
        after: str | None = None
        pages = seen = total = 0
        editable: dict[str, Any] | None = None
        while True:
            organisation = run(anonymous, "DonorProjectLinks", donor=donor, first=page_size, after=after)[
                "organisation"
            ]
            check(organisation is not None, f"no organisation {donor}")
            links = organisation["projectLinks"]
            pages += 1
            for link in links["nodes"]:
                print(f"  page {pages}: {link['iatiIdentifier'] or link['id']} v{link['version']} {link['title'] or ''}")
                if editable is None and (link["owner"] or {}).get("code") == organisation["code"]:
                    editable = link
            seen += len(links["nodes"])
            total = links["totalCount"]
            if not links["pageInfo"]["hasNextPage"]:
                break
            after = links["pageInfo"]["endCursor"]
        check(seen == total, f"paged through {seen} links, totalCount says {total}")
        print(f"{seen} links in {pages} pages")
        check(editable is not None, f"{donor} maintains none of its project links: nothing to update")
        assert editable is not None

        print("== changes head before the update")
        head = run(anonymous, "ChangesHead")["changesHead"]
        print(f"sequence {head['sequence']}")

        version = editable["version"]
        new_url = f"https://partner.example.org/projects/{editable['iatiIdentifier'] or editable['id']}?seen={int(time.time())}"
        print(f"== update {editable['id']} at version {version}")
        updated = run(as_donor, "UpdateProjectLink", input={"id": editable["id"], "version": version, "url": new_url})[
            "updateProjectLink"
        ]["projectLink"]
        check(updated["version"] == version + 1 and updated["url"] == new_url, f"unexpected update result: {updated}")
        print(f"now version {updated['version']}, url {new_url}")

        print(f"== the same update with the stale version {version} is refused")
        try:
            run(
                as_donor,
                "UpdateProjectLink",
                input={"id": editable["id"], "version": version, "url": "https://partner.example.org/stale"},
            )
            raise ExampleFailure("a stale version was accepted")
        except TransportQueryError as error:
            check(error_codes(error)[:1] == ["CONFLICT"], f"expected CONFLICT, got {error.errors}")
            print(f"refused with {', '.join(error_codes(error))}")

        print("== changes after the head")
        cursor = head["cursor"]
        found = False
        while True:
            changes = run(anonymous, "Changes", after=cursor, first=50)["changes"]
            for change in changes["nodes"]:
                print(
                    f"  #{change['sequence']} {change['action']} {change['entityType']} "
                    f"{change['entityCode'] or change['entityId']} v{change['version']} at {change['occurredAt']}"
                )
                found = found or (
                    change["entityId"] == editable["id"]
                    and change["action"] == "UPDATE"
                    and change["version"] == updated["version"]
                )
            cursor = changes["pageInfo"]["endCursor"] or cursor
            if not changes["pageInfo"]["hasNextPage"]:
                break
        check(found, f"the feed after the head does not show the update of {editable['id']}")
        print(f"the feed shows the update; resume later from {cursor}")
    print("OK: Python example")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # every failure, from the registry, the network or a check
        print(f"FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
