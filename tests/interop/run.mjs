// Interop with the providers' own libraries: signs deliveries with each vendor's SDK (versions
// pinned in package-lock.json), sends them to examples/multi_provider.rs over loopback, and
// checks that every good one gets 2xx and every altered, stale or wrongly keyed one gets 401.
//
// Usage: node run.mjs <path to the multi_provider binary>
// Run by tests/it/interop.rs (under `cargo test`), which installs the packages first.
//
// Where a vendor SDK can only verify (Paddle, Square, Linear, Mux, Coinbase Commerce, Razorpay,
// Webflow, Box, Resend, Clerk, SendGrid, Google's auth library for Pub/Sub, AWS's SNS message
// validator), the delivery is signed here with node:crypto from the vendor's
// docs (or with Svix's library, for the Svix senders) and the vendor's verifier must accept it
// before it is sent, so what reaches the server is what the vendor's own code calls valid.
// HubSpot's and Adyen's SDKs sign themselves. The providers with no SDK that signs or checks
// (the token providers, Meta, Dropbox, Twitch, and the rest) are covered by the catalogue's
// vectors and the test kit instead.

import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import readline from "node:readline";

const require = createRequire(import.meta.url);
const { Webhook: StandardWebhook } = require("standardwebhooks");
const { Webhook: SvixWebhook } = require("svix");
const Stripe = require("stripe");
const twilio = require("twilio");
const { getHmac: shopifyHmac } = require("@shopify/shopify-api/test-helpers");
const { Paddle } = require("@paddle/paddle-node-sdk");
const { WebhooksHelper: SquareWebhooks } = require("square");
const { sign: octokitSign } = await import("@octokit/webhooks-methods");
const { LinearWebhookClient } = await import("@linear/sdk/webhooks");
const { Signature: HubSpotSignature } = require("@hubspot/api-client");
const Mux = require("@mux/mux-node").default;
const { Webhook: CoinbaseWebhook } = require("coinbase-commerce-node");
const Razorpay = require("razorpay");
const { WebflowClient } = require("webflow-api");
const { WebhooksManager: BoxWebhooks } = require("box-node-sdk/managers");
const { Resend } = require("resend");
const { verifyWebhook: clerkVerify } = await import("@clerk/backend/webhooks");
const { default: AdyenHmac } = require("@adyen/api-library/lib/src/utils/hmacValidator");
const { EventWebhook: SendGridWebhook } = require("@sendgrid/eventwebhook");
const { OAuth2Client } = require("google-auth-library");
const SnsValidator = require("sns-validator");
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// The asymmetric providers sign with private keys made here; the server is given the public
// halves (SendGrid's as its verification key, Google's as the key set it would fetch, pinned).
const sendgridKeys = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const googleKeys = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const otherEc = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const otherRsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const GOOGLE_KEYS_URL = "https://www.googleapis.com/oauth2/v3/certs";
// AWS SNS signs with a key whose certificate it serves; the test kit's (made with openssl) plays
// it. The server has it pinned; AWS's validator downloads it with `https.get`, answered from
// memory here for that one URL (this machine has no way out).
const SNS_CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-towerwebhookstest.pem";
const snsBundle = fs.readFileSync(new URL("../../src/test_util/keys/aws-sns.pem", import.meta.url), "utf8");
const snsKey = crypto.createPrivateKey(snsBundle.slice(0, snsBundle.indexOf("-----BEGIN CERTIFICATE-----")));
const snsCertificate = snsBundle.slice(snsBundle.indexOf("-----BEGIN CERTIFICATE-----"));
{
  const https = require("node:https");
  const { Readable } = require("node:stream");
  const get = https.get;
  https.get = (url, callback) => {
    if (String(url) !== SNS_CERT_URL) return get(url, callback);
    const response = Readable.from([snsCertificate]);
    response.statusCode = 200;
    response.setEncoding = () => response;
    process.nextTick(() => callback(response));
    return { on: () => {} };
  };
}
const googleJwks = JSON.stringify({ keys: [{ ...googleKeys.publicKey.export({ format: "jwk" }), kid: "interop", alg: "RS256", use: "sig" }] });

const binary = process.argv[2];
if (!binary) {
  console.error("usage: node run.mjs <multi_provider binary>");
  process.exit(2);
}

// Test secrets, one per provider, in each provider's own format.
const SECRETS = {
  "standard-webhooks": "whsec_" + Buffer.alloc(32, 7).toString("base64"),
  svix: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  stripe: "whsec_interop_stripe_secret",
  github: "It's a Secret to Everybody",
  slack: "8f742231b10e8888abcd99yyyzzz85a5",
  shopify: "shpss_interop_client_secret",
  paddle: "pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_hKkRiCGyyRhbFwIUuqiTBgI7gnWoV0Gr",
  linear: "lin_wh_interop_secret",
  zoom: "zoom_webhook_secret_token",
  square: "asdf1234",
  twilio: "12345",
  xero: "wJq0sWkq0yQzZ6Dk8Jm2Vb1n3Xo5Tq7Ue9Gr1Ht3Ky5Lz7Mx9Nc1Pv3Rb5Sd7Ff9Hg1Jh3Kk5Ll7Mm9Nn1Pp3Qq5Rr7Ss9Tt1Uu3Vv5Ww7==",
  invoiceahoy: "ia_whsec_interop_0123456789",
  xemelgo: "your-secret-key-must-be-longer-than-24-characters",
  hubspot: "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy",
  mux: "SuperSecret123",
  "coinbase-commerce": "30291a20-0bd1-4267-9b0f-e6e7b123c0bf",
  razorpay: "razorpay_interop_webhook_secret",
  webflow: "webflow_interop_client_secret",
  box: "SamplePrimaryKey",
  resend: "whsec_" + Buffer.alloc(24, 5).toString("base64"),
  clerk: "whsec_" + Buffer.alloc(32, 3).toString("base64"),
  adyen: "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00",
  sendgrid: sendgridKeys.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
  "google-pubsub": "push@interop.iam.gserviceaccount.com https://hooks.example.test/webhooks/google-pubsub",
  "aws-sns": "arn:aws:sns:us-east-1:123456789012:interop",
};
// A different secret of the same shape, for "wrongly keyed".
const wrong = (name) =>
  SECRETS[name].startsWith("whsec_")
    ? "whsec_" + Buffer.alloc(32, 9).toString("base64")
    : name === "adyen"
      ? "0".repeat(64)
      : name === "sendgrid" || name === "google-pubsub" || name === "aws-sns"
        ? "another key"
      : SECRETS[name].slice(0, -1) + (SECRETS[name].endsWith("x") ? "y" : "x");

// Twilio, Square and HubSpot sign the URL they call; the server is told it through PUBLIC_BASE_URL, as
// it would be behind a tunnel.
const PUBLIC_BASE_URL = "https://hooks.example.test";

const hmac = (alg, key, data, enc) => crypto.createHmac(alg, key).update(data).digest(enc);
const now = () => Math.floor(Date.now() / 1000);
const HOUR = 3600;

const jsonBody = (name) =>
  JSON.stringify({ id: `evt_${name}_1`, type: "interop.test", data: { amount: 1000, note: "héllo ☃" } });

// Each signer returns { headers, body } for a body, a secret and a time (seconds).
const SIGNERS = {
  "standard-webhooks": (body, secret, ts) => {
    const id = "msg_" + crypto.randomBytes(8).toString("hex");
    const signature = new StandardWebhook(secret).sign(id, new Date(ts * 1000), body);
    return { body, headers: { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signature } };
  },
  svix: (body, secret, ts) => {
    const id = "msg_" + crypto.randomBytes(8).toString("hex");
    const signature = new SvixWebhook(secret).sign(id, new Date(ts * 1000), body);
    return { body, headers: { "svix-id": id, "svix-timestamp": String(ts), "svix-signature": signature } };
  },
  stripe: (body, secret, ts) => ({
    body,
    headers: {
      "stripe-signature": Stripe("sk_test_interop").webhooks.generateTestHeaderString({ payload: body, secret, timestamp: ts }),
    },
  }),
  github: async (body, secret) => ({
    body,
    headers: { "x-hub-signature-256": await octokitSign(secret, body), "x-github-delivery": crypto.randomUUID() },
  }),
  // No Slack SDK here signs; this is the docs' recipe (checked by the catalogue's docs vector).
  slack: (body, secret, ts) => ({
    body,
    headers: { "x-slack-signature": "v0=" + hmac("sha256", secret, `v0:${ts}:${body}`, "hex"), "x-slack-request-timestamp": String(ts) },
  }),
  shopify: (body, secret) => ({
    body,
    headers: { "x-shopify-hmac-sha256": shopifyHmac(body, secret), "x-shopify-webhook-id": crypto.randomUUID() },
  }),
  paddle: async (body, secret, ts, { check } = {}) => {
    const header = `ts=${ts};h1=${hmac("sha256", secret, `${ts}:${body}`, "hex")}`;
    if (check && !(await new Paddle("pdl_sdbx_apikey_interop").webhooks.isSignatureValid(body, secret, header))) {
      throw new Error("paddle-node-sdk rejects our signature");
    }
    return { body, headers: { "paddle-signature": header } };
  },
  linear: (body, secret, ts, { check } = {}) => {
    const withTime = JSON.stringify({ ...JSON.parse(body), webhookTimestamp: ts * 1000 });
    const signature = hmac("sha256", secret, withTime, "hex");
    if (check && !new LinearWebhookClient(secret).verify(Buffer.from(withTime), signature)) {
      throw new Error("@linear/sdk rejects our signature");
    }
    return { body: withTime, headers: { "linear-signature": signature, "linear-delivery": crypto.randomUUID() } };
  },
  zoom: (body, secret, ts) => ({
    body,
    headers: { "x-zm-signature": "v0=" + hmac("sha256", secret, `v0:${ts}:${body}`, "hex"), "x-zm-request-timestamp": String(ts) },
  }),
  square: async (body, secret, _ts, { check } = {}) => {
    const url = `${PUBLIC_BASE_URL}/webhooks/square`;
    const signature = hmac("sha256", secret, url + body, "base64");
    if (check && !(await SquareWebhooks.verifySignature({ requestBody: body, signatureHeader: signature, signatureKey: secret, notificationUrl: url }))) {
      throw new Error("square's WebhooksHelper rejects our signature");
    }
    return { body, headers: { "x-square-hmacsha256-signature": signature } };
  },
  twilio: (_body, secret) => {
    const params = { AccountSid: "AC123", Body: "héllo ☃ & more", From: "+15005550006", To: "+15005550001" };
    const url = `${PUBLIC_BASE_URL}/webhooks/twilio`;
    return {
      body: new URLSearchParams(params).toString(),
      headers: {
        "x-twilio-signature": twilio.getExpectedTwilioSignature(secret, url, params),
        "content-type": "application/x-www-form-urlencoded",
      },
    };
  },
  xero: (body, secret) => ({ body, headers: { "x-xero-signature": hmac("sha256", secret, body, "base64") } }),
  invoiceahoy: (body, secret) => ({ body, headers: { "x-ia-signature": hmac("sha256", secret, body, "hex") } }),
  xemelgo: (body, secret) => ({ body, headers: { "xemelgo-signature": "sha256=" + hmac("sha256", secret, body, "hex") } }),
  // HubSpot's SDK computes the v3 signature itself.
  hubspot: (body, secret, ts) => {
    const timestamp = ts * 1000;
    const url = `${PUBLIC_BASE_URL}/webhooks/hubspot`;
    const signature = HubSpotSignature.getSignature("POST", "v3", { clientSecret: secret, url, requestBody: body, timestamp });
    return { body, headers: { "x-hubspot-signature-v3": signature, "x-hubspot-request-timestamp": String(timestamp) } };
  },
  mux: async (body, secret, ts, { check } = {}) => {
    const headers = { "mux-signature": `t=${ts},v1=${hmac("sha256", secret, `${ts}.${body}`, "hex")}` };
    if (check) await new Mux({ tokenId: "x", tokenSecret: "y" }).webhooks.verifySignature(body, headers, secret);
    return { body, headers };
  },
  "coinbase-commerce": (body, secret, _ts, { check } = {}) => {
    const signature = hmac("sha256", secret, body, "hex");
    if (check) CoinbaseWebhook.verifySigHeader(body, signature, secret);
    return { body, headers: { "x-cc-webhook-signature": signature } };
  },
  razorpay: (body, secret, _ts, { check } = {}) => {
    const signature = hmac("sha256", secret, body, "hex");
    if (check && !Razorpay.validateWebhookSignature(body, signature, secret)) {
      throw new Error("razorpay rejects our signature");
    }
    return { body, headers: { "x-razorpay-signature": signature } };
  },
  webflow: async (body, secret, ts, { check } = {}) => {
    const timestamp = String(ts * 1000);
    const headers = { "x-webflow-timestamp": timestamp, "x-webflow-signature": hmac("sha256", secret, `${timestamp}:${body}`, "hex") };
    if (check && !(await new WebflowClient({ accessToken: "x" }).webhooks.verifySignature({ headers, body, secret }))) {
      throw new Error("webflow-api rejects our signature");
    }
    return { body, headers };
  },
  box: async (body, secret, ts, { check } = {}) => {
    const timestamp = new Date(ts * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const headers = {
      "box-delivery-timestamp": timestamp,
      "box-signature-primary": crypto.createHmac("sha256", secret).update(body).update(timestamp).digest("base64"),
      "box-signature-version": "1",
      "box-signature-algorithm": "HmacSHA256",
      "box-delivery-id": crypto.randomUUID(),
    };
    if (check && !(await BoxWebhooks.validateMessage(body, headers, secret))) {
      throw new Error("box-node-sdk rejects our signature");
    }
    return { body, headers };
  },
  // Resend and Clerk sign through Svix: signed with Svix's library, checked with theirs.
  resend: (body, secret, ts, { check } = {}) => {
    const signed = SIGNERS.svix(body, secret, ts);
    if (check) {
      // Resend's verifier names the three Svix headers by what they hold.
      const { "svix-id": id, "svix-timestamp": timestamp, "svix-signature": signature } = signed.headers;
      new Resend("re_interop").webhooks.verify({ payload: body, headers: { id, timestamp, signature }, webhookSecret: secret });
    }
    return signed;
  },
  clerk: async (body, secret, ts, { check } = {}) => {
    const signed = SIGNERS.svix(body, secret, ts);
    if (check) {
      const request = new Request("https://example.test/webhooks/clerk", { method: "POST", headers: signed.headers, body });
      await clerkVerify(request, { signingSecret: secret });
    }
    return signed;
  },
  // SendGrid's SDK can only check: signed here with node:crypto, checked with it.
  sendgrid: (body, secret, ts, { check } = {}) => {
    const key = secret === SECRETS.sendgrid ? sendgridKeys.privateKey : otherEc.privateKey;
    const signature = crypto.sign("sha256", Buffer.from(`${ts}${body}`), key).toString("base64");
    if (check) {
      const webhook = new SendGridWebhook();
      if (!webhook.verifySignature(webhook.convertPublicKeyToECDSA(SECRETS.sendgrid), body, signature, String(ts))) {
        throw new Error("@sendgrid/eventwebhook rejects our signature");
      }
    }
    return {
      body,
      headers: { "x-twilio-email-event-webhook-signature": signature, "x-twilio-email-event-webhook-timestamp": String(ts) },
    };
  },
  // A Pub/Sub push token, checked with Google's own library against the key it was signed with.
  "google-pubsub": async (body, secret, ts, { check } = {}) => {
    const b64url = (data) => Buffer.from(data).toString("base64url");
    const header = b64url(JSON.stringify({ alg: "RS256", kid: "interop", typ: "JWT" }));
    const claims = b64url(JSON.stringify({
      iss: "https://accounts.google.com", aud: SECRETS["google-pubsub"].split(" ")[1], iat: ts, exp: ts + 1800,
      email: "push@interop.iam.gserviceaccount.com", email_verified: true, sub: "1",
    }));
    const key = secret === SECRETS["google-pubsub"] ? googleKeys.privateKey : otherRsa.privateKey;
    const token = `${header}.${claims}.${crypto.sign("sha256", Buffer.from(`${header}.${claims}`), key).toString("base64url")}`;
    if (check) {
      const pem = googleKeys.publicKey.export({ type: "spki", format: "pem" });
      await new OAuth2Client().verifySignedJwtWithCertsAsync(token, { interop: pem }, SECRETS["google-pubsub"].split(" ")[1], ["https://accounts.google.com"]);
    }
    return { body, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } };
  },
  // An SNS notification, signed here as AWS's docs say and checked with AWS's own validator.
  "aws-sns": async (body, secret, _ts, { check } = {}) => {
    const message = {
      Message: body,
      MessageId: crypto.randomUUID(),
      Timestamp: new Date().toISOString(),
      TopicArn: SECRETS["aws-sns"],
      Type: "Notification",
    };
    const canonical = ["Message", "MessageId", "Timestamp", "TopicArn", "Type"]
      .map((key) => `${key}\n${message[key]}\n`)
      .join("");
    const key = secret === SECRETS["aws-sns"] ? snsKey : otherRsa.privateKey;
    Object.assign(message, {
      SignatureVersion: "2",
      Signature: crypto.sign("sha256", Buffer.from(canonical), key).toString("base64"),
      SigningCertURL: SNS_CERT_URL,
    });
    if (check) {
      await new Promise((resolve, reject) =>
        new SnsValidator().validate(message, (error) => (error ? reject(error) : resolve())),
      );
    }
    return {
      body: JSON.stringify(message),
      headers: { "content-type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": "Notification" },
    };
  },
  // Adyen's SDK computes each item's HMAC itself; the signature travels in the body.
  adyen: (body, secret) => {
    const data = JSON.parse(body);
    const item = {
      pspReference: data.id,
      merchantAccountCode: "InteropShop",
      merchantReference: "order-1",
      amount: { value: data.data.amount, currency: "EUR" },
      eventCode: "AUTHORISATION",
      success: "true",
      reason: data.data.note,
    };
    item.additionalData = { hmacSignature: new AdyenHmac().calculateHmac(item, secret) };
    return {
      body: JSON.stringify({ live: "false", notificationItems: [{ NotificationRequestItem: item }] }),
      headers: { "content-type": "application/json" },
    };
  },
};

const TIMESTAMPED = new Set([
  "standard-webhooks", "svix", "stripe", "slack", "paddle", "linear", "zoom",
  "hubspot", "mux", "webflow", "box", "resend", "clerk", "google-pubsub",
]);

async function start() {
  // Google's key set, pinned: the server fetches nothing.
  const documents = path.join(os.tmpdir(), `tw-interop-keys-${process.pid}.json`);
  fs.writeFileSync(documents, JSON.stringify({ [GOOGLE_KEYS_URL]: googleJwks, [SNS_CERT_URL]: snsCertificate }));
  const env = { ...process.env, PORT: "0", PUBLIC_BASE_URL, WEBHOOK_KEY_DOCUMENTS: documents };
  for (const [name, secret] of Object.entries(SECRETS)) {
    env[`WEBHOOK_SECRET_${name.toUpperCase().replaceAll("-", "_")}`] = secret;
  }
  const child = spawn(binary, [], { env, stdio: ["ignore", "ignore", "pipe"] });
  const lines = readline.createInterface({ input: child.stderr });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("multi_provider did not listen within 30 s")), 30_000);
    child.on("exit", (code) => reject(new Error(`multi_provider exited with ${code}`)));
    lines.on("line", (line) => {
      const match = line.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
      if (process.env.INTEROP_VERBOSE) console.error(line);
    });
  });
  return { child, base };
}

async function post(base, name, { headers, body }) {
  const response = await fetch(`${base}/webhooks/${name}`, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers };
}

let passed = 0;
let failed = 0;
function expect(label, ok, detail) {
  if (ok) {
    passed += 1;
    console.log(`ok   ${label}`);
  } else {
    failed += 1;
    console.log(`FAIL ${label}: ${detail}`);
  }
}

// A bearer token whose claims are changed (another subject), its signature kept.
function alterClaims(authorization) {
  const [header, claims, signature] = authorization.slice("Bearer ".length).split(".");
  const changed = { ...JSON.parse(Buffer.from(claims, "base64url")), sub: "2" };
  return `Bearer ${header}.${Buffer.from(JSON.stringify(changed)).toString("base64url")}.${signature}`;
}

const { child, base } = await start();
try {
  for (const name of Object.keys(SECRETS)) {
    const sign = SIGNERS[name];
    const secret = SECRETS[name];
    const body = jsonBody(name);

    const good = await sign(body, secret, now(), { check: true });
    const reply = await post(base, name, good);
    expect(`${name} good delivery`, reply.status >= 200 && reply.status < 300, `status ${reply.status}`);

    const signed = await sign(body, secret, now());
    // Adyen signs named fields, the amount among them: alter that one. Pub/Sub's token signs
    // its claims, not the body (which only TLS protects): alter the claims.
    const altered = name === "adyen"
      ? { ...signed, body: signed.body.replace('"value":1000', '"value":2000') }
      : name === "google-pubsub"
        ? { ...signed, headers: { ...signed.headers, authorization: alterClaims(signed.headers.authorization) } }
        : { ...signed, body: signed.body.replace(/1/, "2").replace("héllo", "hello") };
    const alteredReply = await post(base, name, altered);
    expect(`${name} altered body`, alteredReply.status === 401 && alteredReply.text === "", `status ${alteredReply.status}`);

    const wronglyKeyed = await post(base, name, await sign(body, wrong(name), now()));
    expect(`${name} wrong key`, wronglyKeyed.status === 401, `status ${wronglyKeyed.status}`);

    const unsigned = await post(base, name, { headers: { "content-type": "application/json" }, body });
    expect(`${name} no signature`, unsigned.status === 401, `status ${unsigned.status}`);

    if (TIMESTAMPED.has(name)) {
      for (const skew of [-HOUR, HOUR]) {
        const stale = await post(base, name, await sign(body, secret, now() + skew));
        expect(`${name} timestamp ${skew > 0 ? "an hour ahead" : "an hour old"}`, stale.status === 401, `status ${stale.status}`);
      }
    }
  }

  // Svix's libraries also send the webhook-* spellings.
  {
    const signed = SIGNERS["standard-webhooks"](jsonBody("svix"), SECRETS.svix, now());
    const reply = await post(base, "svix", signed);
    expect("svix accepts webhook-* headers", reply.status === 200, `status ${reply.status}`);
  }

  // Twilio's JSON form: the URL carries bodySHA256 and is what is signed.
  {
    const body = jsonBody("twilio");
    const hash = crypto.createHash("sha256").update(body).digest("hex");
    const path = `/webhooks/twilio?bodySHA256=${hash}`;
    const signature = twilio.getExpectedTwilioSignature(SECRETS.twilio, `${PUBLIC_BASE_URL}${path}`, {});
    if (!twilio.validateRequestWithBody(SECRETS.twilio, signature, `${PUBLIC_BASE_URL}${path}`, body)) {
      throw new Error("twilio's validateRequestWithBody rejects the SDK's own signature");
    }
    const send = (b) =>
      fetch(`${base}${path}`, { method: "POST", headers: { "x-twilio-signature": signature, "content-type": "application/json" }, body: b });
    expect("twilio JSON body", (await send(body)).status === 200, "not accepted");
    expect("twilio JSON body altered", (await send(body.replace("1000", "9999"))).status === 401, "not refused");
  }

  // Zoom's endpoint validation is answered by the layer, with the secret token's HMAC.
  {
    const plainToken = crypto.randomBytes(12).toString("base64url");
    const body = JSON.stringify({ payload: { plainToken }, event_ts: Date.now(), event: "endpoint.url_validation" });
    const reply = await post(base, "zoom", SIGNERS.zoom(body, SECRETS.zoom, now()));
    let answer = {};
    try {
      answer = JSON.parse(reply.text);
    } catch {}
    const expected = hmac("sha256", SECRETS.zoom, plainToken, "hex");
    expect(
      "zoom url validation answered",
      reply.status === 200 && answer.plainToken === plainToken && answer.encryptedToken === expected,
      `status ${reply.status}, body ${reply.text}`,
    );
  }

  // Adyen wants `[accepted]` in the answer to a delivery it may count as delivered.
  {
    const reply = await post(base, "adyen", SIGNERS.adyen(jsonBody("adyen"), SECRETS.adyen));
    expect("adyen answers [accepted]", reply.status === 200 && reply.text === "[accepted]", `body ${reply.text}`);
  }

  // Xero wants no body and no cookies on any answer.
  {
    const reply = await post(base, "xero", SIGNERS.xero(jsonBody("xero"), SECRETS.xero));
    expect("xero answers with an empty body", reply.status === 200 && reply.text === "", `body ${reply.text}`);
  }
} finally {
  child.kill();
}

console.log(`interop: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
