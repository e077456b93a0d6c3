/**
 * The Socket.IO server as the operator sees it: how many screens are connected, how many scopes
 * they follow, what is sent to them; and, at shutdown, moving them to another instance by
 * closing their connections (clients reconnect through the load balancer and resume from
 * their sequence number, so nothing is missed).
 */
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { MetricsService } from './metrics.service.js';

export class ObservedIoAdapter extends IoAdapter {
  private io: Server | null = null;

  constructor(
    app: INestApplicationContext,
    private readonly metrics: MetricsService,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const io = super.createIOServer(port, options) as Server;
    this.io = io;
    const main = io.of('/');
    this.metrics.countSocketsWith(() => ({
      sockets: main.sockets.size,
      // Every socket has a room of its own, named by its id: those are not scopes.
      rooms: [...main.adapter.rooms.keys()].filter((room) => !main.adapter.sids.has(room)).length,
    }));
    main.on('connection', (socket) => {
      this.metrics.socketConnected();
      socket.onAnyOutgoing((event: string) => this.metrics.socketMessageSent(event));
    });
    return io;
  }

  /** Closes every connection of this instance; returns how many there were. */
  moveSockets(): number {
    const sockets = [...(this.io?.of('/').sockets.values() ?? [])];
    // Closing the transport, not disconnecting the socket: to the client this is a dropped
    // connection, which it reconnects by itself.
    for (const socket of sockets) socket.conn.close();
    return sockets.length;
  }
}
