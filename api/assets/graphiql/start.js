// Starts GraphiQL against this registry's own endpoint; every script comes from the registry.
(function () {
  var endpoint = new URL('/graphql', window.location.href).toString();
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  // A permanent address's page links here with `?query=` to open the query that reads its object.
  var query = new URLSearchParams(window.location.search).get('query') || undefined;
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, query: query, defaultEditorToolsVisibility: true }));
})();
