/**
 * A process of screens for the live benchmark: it opens many Socket.IO connections to one
 * server, subscribes each as a wall would (for tiendo: the units from their URL beside the
 * subscription, again only when a reply names another version), applies what arrives, and
 * notes when each message reached each screen. Driven by its parent over IPC:
 *   {type: 'connect', kind: 'tiendo' | 'baseline', url, count, key, campaign, scope}
 *       → {type: 'connected', ms: [per screen, from the start to live], failed}
 *   {type: 'drop'}     every connection dropped at once (the network, as a restart does)
 *       → {type: 'reconnected', ms: [per screen, from the drop to live again], failed}
 *   {type: 'collect', events: [{seq, at}]}
 *       → {type: 'latencies', ms: [per screen and event, from `at` to the first message at or past `seq`], missing}
 *   {type: 'close'}
 * Times are epoch milliseconds with fractions (performance.timeOrigin + performance.now()),
 * comparable across the processes of one machine.
 */
import { io } from 'socket.io-client';
import { LiveMirror } from '@tiendo/shared';

const LIVE_TIMEOUT_MS = 180_000;
const now = () => performance.timeOrigin + performance.now();

/** One screen: a socket, what it holds, and when each message arrived. */
class Screen {
  constructor(kind, options) {
    this.kind = kind;
    this.options = options;
    this.mirror = kind === 'tiendo' ? new LiveMirror(options.campaign, options.scope) : null;
    this.seq = -1;
    this.live = false;
    this.liveAt = null;
    this.arrivals = [];
    this.socket = io(options.url, {
      transports: ['websocket'],
      auth: options.key ? { key: options.key } : {},
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
      timeout: LIVE_TIMEOUT_MS,
    });
    this.socket.on('connect', () => void this.subscribe());
    this.socket.on('disconnect', () => (this.live = false));
    this.socket.on('changes', (message) => {
      this.arrivals.push([message.seq, now()]);
      // Applied once every screen of this process has noted the messages that came with this
      // one: on a wall each screen has a processor of its own, so one screen's work must not
      // delay when the next one notes its arrival.
      if (this.mirror) {
        setImmediate(() => {
          if (this.mirror.onChanges(message) === 'gap') void this.subscribe();
        });
      }
    });
  }

  async subscribe() {
    const request = this.mirror ? this.mirror.request() : { campaign: 'c', scope: 's' };
    if (this.mirror && !this.units) this.units = this.fetchUnits();
    const reply = await this.socket.timeout(LIVE_TIMEOUT_MS).emitWithAck('subscribe', request).catch(() => null);
    if (!reply) return;
    if (this.mirror) {
      if (!(await this.mirror.onReply(reply))) return;
      if ((await this.units)?.version !== this.mirror.catalog) this.units = this.fetchUnits();
      if ((await this.units)?.version !== this.mirror.catalog) return;
    } else if (!reply.ok) return;
    this.live = true;
    this.liveAt = now();
  }

  fetchUnits() {
    const { url, key, campaign, scope } = this.options;
    return fetch(`${url}/api/v1/campaigns/${campaign}/units?scope=${scope}`, { headers: key ? { authorization: `Bearer ${key}` } : {} })
      .then((r) => r.json(), () => null);
  }
}

let screens = [];

/** Resolves once every screen is live, or the time is up; per screen, ms from `since` to live. */
async function allLive(since) {
  const deadline = Date.now() + LIVE_TIMEOUT_MS;
  while (screens.some((s) => !s.live) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const live = screens.filter((s) => s.live);
  return { ms: live.map((s) => s.liveAt - since), failed: screens.length - live.length };
}

process.on('message', async (command) => {
  if (command.type === 'connect') {
    const started = now();
    screens = Array.from({ length: command.count }, () => new Screen(command.kind, command));
    process.send({ type: 'connected', ...(await allLive(started)) });
  } else if (command.type === 'drop') {
    const started = now();
    for (const screen of screens) {
      screen.live = false;
      screen.socket.io.engine.close();
    }
    process.send({ type: 'reconnected', ...(await allLive(started)) });
  } else if (command.type === 'collect') {
    const ms = [];
    let missing = 0;
    for (const screen of screens) {
      for (const event of command.events) {
        const arrival = screen.arrivals.find(([seq]) => seq >= event.seq);
        if (arrival) ms.push(arrival[1] - event.at);
        else missing++;
      }
      screen.arrivals = [];
    }
    process.send({ type: 'latencies', ms, missing });
  } else if (command.type === 'close') {
    for (const screen of screens) screen.socket.close();
    process.exit(0);
  }
});
