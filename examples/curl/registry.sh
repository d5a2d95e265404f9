#!/usr/bin/env bash
# The NAP 1325 Registry from the shell, with curl and jq: read a plan tree, page through a donor's
# project links with cursors, make one authenticated update with the version last read, and
# follow the `changes(after:)` feed to see it. Exits non-zero on the first failure. The
# operations are the files of ../operations/, one operation each.
#
#   NAP_TOKEN=$(nap-registry token issue --org syn-org-0038 --scopes projects:write --label demo) \
#     examples/curl/registry.sh
#
# NAP_GRAPHQL_URL  the endpoint (default http://127.0.0.1:8080/graphql)
# NAP_PLAN         the plan whose tree is read (default UA-NAP-2021-2025)
# NAP_DONOR        the donor's registry code or org-id identifier (default syn-org-0038, a donor of
#                  `nap-registry seed --synthetic small`)
# NAP_TOKEN        a bearer token of that donor with the projects:write scope (required)
# NAP_PAGE_SIZE    project links per page (default 2, so that paging shows)
set -euo pipefail

url="${NAP_GRAPHQL_URL:-http://127.0.0.1:8080/graphql}"
plan="${NAP_PLAN:-UA-NAP-2021-2025}"
donor="${NAP_DONOR:-syn-org-0038}"
page_size="${NAP_PAGE_SIZE:-2}"
token="${NAP_TOKEN:?set NAP_TOKEN to a token of the donor with the projects:write scope}"
operations="$(dirname "$0")/../operations"

fail() { echo "FAILED: $*" >&2; exit 1; }

# graphql OPERATION VARIABLES [TOKEN]: POSTs the operation (../operations/OPERATION.graphql) with
# its variables, and prints the response body. The HTTP status is not enough: a GraphQL error can
# come with 200, so the body's `errors` are checked by the caller (`expect_data`) or inspected
# (the stale-version update below).
graphql() {
  local body
  body="$(jq -n --rawfile query "$operations/$1.graphql" --arg operation "$1" --argjson variables "$2" \
    '{query: $query, operationName: $operation, variables: $variables}')"
  local headers=(-H 'content-type: application/json' -H 'accept: application/graphql-response+json')
  if [[ -n "${3:-}" ]]; then headers+=(-H "authorization: Bearer $3"); fi
  curl -sS --max-time 30 "${headers[@]}" --data-binary "$body" "$url"
}

# expect_data RESPONSE: fails unless the response has data and no errors.
expect_data() {
  if ! jq -e '(.errors | not) and (.data != null)' <<<"$1" >/dev/null; then
    fail "$(jq -c '.errors // .' <<<"$1" 2>/dev/null || printf '%s' "$1")"
  fi
}

echo "== plan tree of $plan"
response="$(graphql PlanTree "$(jq -n --arg code "$plan" '{code: $code}')")"
expect_data "$response"
jq -e '.data.plan != null' <<<"$response" >/dev/null || fail "no plan $plan"
jq -r '.data.plan | "\(.code) [\(.status)] \(.title)"' <<<"$response"
jq -r '.data.plan.goals[] | recurse(.children[]?) | "  \(.code) \(.kind): \(.title // "")"' <<<"$response"
items="$(jq '[.data.plan.goals[] | recurse(.children[]?)] | length' <<<"$response")"
[[ "$items" -gt 0 ]] || fail "plan $plan has no items"
echo "$items items"

echo "== project links funded by $donor, $page_size per page"
after=null
page=0
seen=0
editable=""
while :; do
  response="$(graphql DonorProjectLinks "$(jq -n --arg donor "$donor" --argjson first "$page_size" \
    --argjson after "$after" '{donor: $donor, first: $first, after: $after}')")"
  expect_data "$response"
  jq -e '.data.organisation != null' <<<"$response" >/dev/null || fail "no organisation $donor"
  page=$((page + 1))
  jq -r --arg page "$page" '.data.organisation.projectLinks.nodes[]
    | "  page \($page): \(.iatiIdentifier // .id) v\(.version) \(.title // "")"' <<<"$response"
  seen=$((seen + $(jq '.data.organisation.projectLinks.nodes | length' <<<"$response")))
  # The first link the donor itself maintains is the one updated below.
  if [[ -z "$editable" ]]; then
    editable="$(jq -c --arg donor "$donor" '[.data.organisation.projectLinks.nodes[]
      | select(.owner.code == $donor)][0] // empty' <<<"$response")"
  fi
  total="$(jq '.data.organisation.projectLinks.totalCount' <<<"$response")"
  [[ "$(jq '.data.organisation.projectLinks.pageInfo.hasNextPage' <<<"$response")" == true ]] || break
  after="$(jq '.data.organisation.projectLinks.pageInfo.endCursor' <<<"$response")"
done
[[ "$seen" -eq "$total" ]] || fail "paged through $seen links, totalCount says $total"
echo "$seen links in $page pages"
[[ -n "$editable" ]] || fail "$donor maintains none of its project links: nothing to update"

echo "== changes head before the update"
response="$(graphql ChangesHead '{}')"
expect_data "$response"
head_cursor="$(jq '.data.changesHead.cursor' <<<"$response")"
echo "sequence $(jq '.data.changesHead.sequence' <<<"$response")"

link_id="$(jq -r '.id' <<<"$editable")"
version="$(jq '.version' <<<"$editable")"
new_url="https://partner.example.org/projects/$(jq -r '.iatiIdentifier // .id' <<<"$editable")?seen=$(date +%s)"
echo "== update $link_id at version $version"
response="$(graphql UpdateProjectLink "$(jq -n --arg id "$link_id" --argjson version "$version" \
  --arg url "$new_url" '{input: {id: $id, version: $version, url: $url}}')" "$token")"
expect_data "$response"
jq -e --argjson version "$version" --arg url "$new_url" \
  '.data.updateProjectLink.projectLink | .version == $version + 1 and .url == $url' <<<"$response" \
  >/dev/null || fail "unexpected update result: $response"
echo "now version $(jq '.data.updateProjectLink.projectLink.version' <<<"$response"), url $new_url"

echo "== the same update with the stale version $version is refused"
response="$(graphql UpdateProjectLink "$(jq -n --arg id "$link_id" --argjson version "$version" \
  '{input: {id: $id, version: $version, url: "https://partner.example.org/stale"}}')" "$token")"
code="$(jq -r '.errors[0].extensions.code // "none"' <<<"$response")"
[[ "$code" == CONFLICT ]] || fail "expected CONFLICT, got $response"
echo "refused with $code"

echo "== changes after the head"
after="$head_cursor"
found=false
while :; do
  response="$(graphql Changes "$(jq -n --argjson after "$after" '{after: $after, first: 50}')")"
  expect_data "$response"
  jq -r '.data.changes.nodes[] | "  #\(.sequence) \(.action) \(.entityType) \(.entityCode // .entityId) v\(.version) at \(.occurredAt)"' <<<"$response"
  if jq -e --arg id "$link_id" --argjson version "$((version + 1))" \
    'any(.data.changes.nodes[]; .entityId == $id and .action == "UPDATE" and .version == $version)' \
    <<<"$response" >/dev/null; then
    found=true
  fi
  [[ "$(jq '.data.changes.pageInfo.hasNextPage' <<<"$response")" == true ]] || break
  after="$(jq '.data.changes.pageInfo.endCursor' <<<"$response")"
done
[[ "$found" == true ]] || fail "the feed after the head does not show the update of $link_id"
echo "the feed shows the update; resume later from $(jq -r '.data.changes.pageInfo.endCursor // empty' <<<"$response")"
echo "OK: curl example"
