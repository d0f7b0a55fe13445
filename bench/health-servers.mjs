// The benchmark's health endpoints, in their own process so that their CPU is
// not counted as the prober's: SERVERS HTTP servers on 127.0.0.1, each path
// answering StackPro's health body. Prints one line `PORTS a,b,c` when ready.
import http from 'node:http';

const servers = Number(process.argv[2] ?? 4);
const body = JSON.stringify({
  status: 'ok',
  capability: 'bench',
  version: '1.0.0',
  flags: { enabled: true, version: 'v1', forcedDegraded: false },
  checks: [{ name: 'flags', status: 'ok' }],
  checkedAt: new Date().toISOString(),
  degraded: false,
});
const ports = [];
for (let i = 0; i < servers; i++) {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(body);
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  ports.push(server.address().port);
}
console.log(`PORTS ${ports.join(',')}`);
