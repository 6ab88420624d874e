// Reads a JSON list of [url, base] pairs on stdin and prints, as JSON, the origin a
// WHATWG URL parser (Node's, as browsers') gives each, or null when it does not parse.
let input = "";
for await (const chunk of process.stdin) input += chunk;
const origins = JSON.parse(input).map(([url, base]) => {
  try {
    return new URL(url, base).origin;
  } catch {
    return null;
  }
});
process.stdout.write(JSON.stringify(origins));
