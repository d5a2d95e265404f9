// The README's webhook receiver: verifies every delivery with the `standardwebhooks` package
// (the Standard Webhooks reference library) before trusting it.
import http from "node:http";
import { Webhook } from "standardwebhooks";

export function startReceiver(secret, port, onChange) {
  const verifier = new Webhook(secret); // the `whsec_…` secret createWebhook returned
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      let event;
      try {
        // Checks webhook-id, webhook-timestamp (within 5 minutes) and webhook-signature.
        event = verifier.verify(body, req.headers);
      } catch (error) {
        res.writeHead(400).end(); // not from the registry, or tampered with
        return;
      }
      // Deliveries are at least once: skip a `webhook-id` you have already processed.
      onChange(event.data, req.headers["webhook-id"]);
      res.writeHead(204).end(); // any 2xx acknowledges; anything else is retried
    });
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}
