/**
 * The baseline of the live benchmark: a bare Socket.IO server, as small as one can be, that does
 * what tiendo's live push does with none of its work. A screen subscribes (answered with a reply
 * of the size tiendo's reply has), an "event" posted over HTTP bumps a sequence number, and the
 * room gets one message of the size tiendo's change message has, coalesced the same way (at
 * once after a quiet spell, else at the end of the 250 ms window).
 *
 *   node baseline-server.mjs   → prints "Listening on http://127.0.0.1:<port>"
 *   POST /event               → {"seq": n}
 *   POST /sizes?message=&reply= sets the sizes in bytes of the change message and of the reply
 *   DEFLATE=1 in the environment: websocket per-message compression on every message
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const COALESCE_MS = 250;
let seq = 0;
let sentSeq = 0;
let lastFlush = 0;
let pending = null;
let messagePad = '';
let replyPad = '';

const http = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'POST' && url.pathname === '/event') {
    seq++;
    schedule();
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify({ seq }));
  }
  if (req.method === 'POST' && url.pathname === '/sizes') {
    // Packets are `42["changes",{…}]`: the padding makes up what the envelope does not.
    messagePad = 'x'.repeat(Math.max(0, Number(url.searchParams.get('message')) - 90));
    replyPad = 'x'.repeat(Math.max(0, Number(url.searchParams.get('reply')) - 40));
    return res.end('{}');
  }
  res.statusCode = 404;
  res.end();
});

// DEFLATE=1: websocket per-message compression of every message (to measure what it costs).
const perMessageDeflate = process.env.DEFLATE ? { threshold: 0 } : false;
const io = new Server(http, { serveClient: false, pingInterval: 10_000, pingTimeout: 10_000, perMessageDeflate });
io.on('connection', (socket) => {
  socket.on('subscribe', (request, reply) => {
    void socket.join('scope');
    reply({ ok: true, seq, pad: replyPad });
  });
});

function schedule() {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    lastFlush = Date.now();
    io.to('scope').emit('changes', { campaign: 'c', scope: 's', seq, prevSeq: sentSeq, serverTime: Date.now(), values: messagePad });
    sentSeq = seq;
  }, Math.max(0, lastFlush + COALESCE_MS - Date.now()));
}

// The backlog tiendo listens with: the kernel drops no more SYNs for one than for the other.
http.listen(0, '127.0.0.1', 65_535, () => console.log(`Listening on http://127.0.0.1:${http.address().port}`));
process.on('SIGTERM', () => process.exit(0));
