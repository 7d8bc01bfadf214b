// The seeds' Node/Express receiver, as they write it: express.raw, crypto.createHmac, and
// crypto.timingSafeEqual, answering Xero's way (200 or 401, empty). For benches/loopback/run.sh.
const crypto = require("node:crypto");
const express = require("express");

const key = process.env.XERO_WEBHOOK_KEY;
const port = Number(process.env.PORT || 3002);
const app = express();

app.post("/webhooks/xero", express.raw({ type: "*/*", limit: "1mb" }), (req, res) => {
  const expected = crypto.createHmac("sha256", key).update(req.body).digest();
  const given = Buffer.from(req.get("x-xero-signature") || "", "base64");
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return res.status(401).end();
  }
  const envelope = JSON.parse(req.body.toString("utf8"));
  void envelope.events.length;
  res.status(200).end();
});

app.listen(port, "127.0.0.1", () => console.error(`listening on http://127.0.0.1:${port}/webhooks/xero`));
