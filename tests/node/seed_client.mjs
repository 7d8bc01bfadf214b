// Drives a running receiver over HTTP the way each provider's own documentation signs, and
// checks the answers against the seed documents' rules. No npm packages: Node's crypto and fetch.
//
//   node tests/node/seed_client.mjs <xero|invoiceahoy|xemelgo> <url> <secret>
//
// Prints one "ok"/"not ok" line per check and exits 1 if any failed.
import crypto from "node:crypto";

const [provider, url, secret] = process.argv.slice(2);
if (!provider || !url || !secret) {
  console.error("usage: seed_client.mjs <xero|invoiceahoy|xemelgo> <url> <secret>");
  process.exit(2);
}
const WRONG = "a-key-that-the-receiver-does-not-have-0123456789";
let failures = 0;

function check(name, condition, detail) {
  if (condition) console.log(`ok - ${name}`);
  else {
    failures += 1;
    console.log(`not ok - ${name}${detail ? `: ${detail}` : ""}`);
  }
}

async function deliver(body, headers) {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text,
    cookies: response.headers.getSetCookie(),
    ms: performance.now() - started,
  };
}

// Xero tutorial: "the payload is hashed using HMACSHA256 with your webhook signing key and
// base64 encoded"; the JS guide: crypto.createHmac('sha256', key).update(payload).digest('base64').
const xeroSign = (key, payload) => crypto.createHmac("sha256", key).update(payload).digest("base64");
// InvoiceAhoy guide: crypto.createHmac('sha256', secret).update(payload).digest('hex').
const iaSign = (key, payload) => crypto.createHmac("sha256", key).update(payload).digest("hex");
// Xemelgo guide: hmac.update(JSON.stringify(body)), hex, with a "sha256=" prefix.
const xemelgoSign = (key, body) =>
  "sha256=" + crypto.createHmac("sha256", key).update(JSON.stringify(body)).digest("hex");

async function xero() {
  // "Intent to receive": a series of POSTs with no events, some signed right, some wrongly.
  const series = [true, false, true, false, false, true];
  for (const [i, good] of series.entries()) {
    const payload = JSON.stringify({
      events: [],
      firstEventSequence: 0,
      lastEventSequence: 0,
      entropy: crypto.randomBytes(15).toString("base64"),
    });
    const r = await deliver(payload, { "x-xero-signature": xeroSign(good ? secret : WRONG, payload) });
    const want = good ? 200 : 401;
    check(`xero ITR #${i + 1} (${good ? "correctly" : "wrongly"} signed) -> ${want}`, r.status === want, `got ${r.status}`);
    check(`xero ITR #${i + 1}: no body`, r.body === "", JSON.stringify(r.body));
    check(`xero ITR #${i + 1}: no cookies`, r.cookies.length === 0, r.cookies.join("; "));
    check(`xero ITR #${i + 1}: answered within 5 s`, r.ms < 5000, `${r.ms} ms`);
  }
  const batch = JSON.stringify({
    events: [
      { resourceUrl: "https://api.xero.com/api.xro/2.0/Invoices/1", resourceId: "1", eventDateUtc: "2020-11-24T00:00:00.000", eventType: "CREATE", eventCategory: "INVOICE", tenantId: "t1", tenantType: "ORGANISATION" },
      { resourceUrl: "https://api.xero.com/api.xro/2.0/Contacts/2", resourceId: "2", eventDateUtc: "2020-11-24T00:00:01.000", eventType: "UPDATE", eventCategory: "CONTACT", tenantId: "t2", tenantType: "ORGANISATION" },
    ],
    lastEventSequence: 2,
    firstEventSequence: 1,
    entropy: "S0m3r4Nd0mt3xt",
  });
  const ok = await deliver(batch, { "x-xero-signature": xeroSign(secret, batch) });
  check("xero batch across two tenants -> 200, no body, no cookies", ok.status === 200 && ok.body === "" && ok.cookies.length === 0, `${ok.status} ${JSON.stringify(ok.body)}`);
  // The tutorial's warning: a re-serialised body fails verification.
  const reserialised = JSON.stringify(JSON.parse(batch), null, 2);
  const bad = await deliver(reserialised, { "x-xero-signature": xeroSign(secret, batch) });
  check("xero re-serialised body -> 401, no body", bad.status === 401 && bad.body === "", `${bad.status}`);
  const missing = await deliver(batch, {});
  check("xero missing signature -> 401, no body", missing.status === 401 && missing.body === "", `${missing.status}`);
}

async function invoiceAhoy() {
  const payload = JSON.stringify({ id: "a056V7R7NmNRjl70", type: "invoice.updated", payload: { id: "SIuAFUNKdSYHZF2w" } });
  const ok = await deliver(payload, { "x-ia-signature": iaSign(secret, payload) });
  check("invoiceahoy signed delivery -> 2xx", ok.status >= 200 && ok.status < 300, `got ${ok.status}`);
  for (const type of ["invoice.created", "invoice.deleted"]) {
    const p = JSON.stringify({ id: crypto.randomUUID(), type, payload: { id: "inv_1" } });
    const r = await deliver(p, { "x-ia-signature": iaSign(secret, p) });
    check(`invoiceahoy ${type} -> 2xx`, r.status >= 200 && r.status < 300, `got ${r.status}`);
  }
  const wrong = await deliver(payload, { "x-ia-signature": iaSign(WRONG, payload) });
  check("invoiceahoy wrong secret -> 401", wrong.status === 401, `got ${wrong.status}`);
  const tampered = payload.replace("updated", "deleted");
  const t = await deliver(tampered, { "x-ia-signature": iaSign(secret, payload) });
  check("invoiceahoy tampered payload -> 401", t.status === 401, `got ${t.status}`);
  const missing = await deliver(payload, {});
  check("invoiceahoy missing signature -> 401", missing.status === 401, `got ${missing.status}`);
}

async function xemelgo() {
  const body = {
    id: "c1314cc5-60f7-ddba-7be3-900030a8ee05",
    eventTimestamp: 1765572297000,
    topic: "inventory.cycle_count",
    data: { location: "Dock 4", counts: [{ sku: "A-1", qty: 12 }], note: "Zoë ✓" },
  };
  const signature = xemelgoSign(secret, body);
  // Sent as JSON.stringify produces it, and pretty-printed (the signature still covers
  // JSON.stringify(body), which the guide's receiver recomputes after express.json()).
  for (const [name, wire] of [["compact", JSON.stringify(body)], ["pretty-printed", JSON.stringify(body, null, 2)]]) {
    const r = await deliver(wire, { "xemelgo-signature": signature });
    check(`xemelgo ${name} body -> 2xx`, r.status >= 200 && r.status < 300, `got ${r.status}`);
    check(`xemelgo ${name} body: acknowledged within 5 s`, r.ms < 5000, `${r.ms} ms`);
  }
  const wrong = await deliver(JSON.stringify(body), { "xemelgo-signature": xemelgoSign(WRONG, body) });
  check("xemelgo wrong secret -> 401", wrong.status === 401, `got ${wrong.status}`);
  const changed = await deliver(JSON.stringify({ ...body, topic: "inventory.other" }), { "xemelgo-signature": signature });
  check("xemelgo changed body -> 401", changed.status === 401, `got ${changed.status}`);
  const noPrefix = await deliver(JSON.stringify(body), { "xemelgo-signature": signature.slice(7) });
  check("xemelgo signature without sha256= -> 401", noPrefix.status === 401, `got ${noPrefix.status}`);
  const missing = await deliver(JSON.stringify(body), {});
  check("xemelgo missing signature -> 401", missing.status === 401, `got ${missing.status}`);
}

const run = { xero, invoiceahoy: invoiceAhoy, xemelgo }[provider];
if (!run) {
  console.error(`unknown provider ${provider}`);
  process.exit(2);
}
try {
  await run();
} catch (e) {
  failures += 1;
  console.log(`not ok - ${provider}: ${e.message}`);
}
process.exit(failures === 0 ? 0 : 1);
