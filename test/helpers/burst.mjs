// A separate client process for load-shaped tests: fires `count` POSTs at once (one connection
// each, like that many checkout systems) and prints [{status, body}] as JSON on stdout.
// usage: node burst.mjs <url> <key> <count>   (the JSON body on standard input)
import http from 'node:http';

const [url, key, count] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const body = Buffer.concat(chunks);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: false, maxSockets: Number(count) });

const one = () =>
  new Promise((resolve) => {
    const req = http.request(
      { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, Authorization: `Bearer ${key}` } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
      },
    );
    req.on('error', (err) => resolve({ status: 0, body: { error: String(err) } }));
    req.end(body);
  });

const results = await Promise.all(Array.from({ length: Number(count) }, one));
process.stdout.write(JSON.stringify(results));
