/**
 * A TCP load balancer in front of server instances, as a deployment would have: each new
 * connection goes to the first instance that accepts it, so traffic moves to the next one as
 * soon as an instance stops listening. It remembers where each connection went.
 */
import net from 'node:net';

export class Balancer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  /** Connections made to each upstream port. */
  readonly connections = new Map<number, number>();
  port = 0;

  constructor(private readonly upstreams: number[]) {}

  async start(): Promise<string> {
    this.server = net.createServer((client) => {
      client.pause();
      this.track(client);
      this.connect(client, 0);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private connect(client: net.Socket, index: number): void {
    if (index >= this.upstreams.length || client.destroyed) {
      client.destroy();
      return;
    }
    const port = this.upstreams[index];
    const upstream = net.connect({ host: '127.0.0.1', port });
    let connected = false;
    upstream.once('error', () => {
      // Refused: this instance no longer listens; try the next one.
      if (!connected) this.connect(client, index + 1);
    });
    upstream.once('connect', () => {
      connected = true;
      this.track(upstream);
      this.connections.set(port, (this.connections.get(port) ?? 0) + 1);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.resume();
    });
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
  }
}
