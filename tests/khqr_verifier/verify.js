// Verifies and decodes KHQR strings with the official SDK. Reads one QR per line on stdin,
// prints one JSON object per line: {"isValid": bool, "data": {...decoded fields}}.
const { BakongKHQR } = require("bakong-khqr");
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter((line) => line.trim());
for (const qr of lines) {
  const verified = BakongKHQR.verify(qr);
  const decoded = BakongKHQR.decode(qr);
  process.stdout.write(JSON.stringify({ isValid: verified.isValid, data: decoded.data || null }) + "\n");
}
