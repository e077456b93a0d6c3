/**
 * A TCP proxy that can cut every connection and refuse new ones: a database going away and back.
 * It counts the bytes the target sent, as they went over the wire.
 */
import net from 'node:net';

export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  /** Bytes from the target to the clients, every connection together. */
  received = 0;

  constructor(private readonly target: { host: string; port: number }, readonly port = 0) {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      upstream.on('data', (chunk: Buffer) => (this.received += chunk.length));
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    (this as { port: number }).port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Drops every open connection and stops accepting new ones. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}
