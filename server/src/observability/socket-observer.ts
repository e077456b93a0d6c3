/**
 * The Socket.IO server as the operator sees it: how many screens are connected, how many scopes
 * they follow, what is sent to them; and, at shutdown, moving them to another instance by
 * closing their connections (clients reconnect through the load balancer and resume from
 * their sequence number, so nothing is missed).
 */
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
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

  /**
   * The gateway's handlers as plain listeners. The framework's own binding keeps a chain of
   * observables for each handler and the socket's end alive for as long as the socket lives,
   * about a third of a screen's memory here; a listener dies with its socket, and a reply
   * after the socket has gone is dropped by Socket.IO itself.
   */
  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length === 1 ? args[0] : args);
        try {
          transform(callback(data, ack)).subscribe({
            next: (response) => {
              if (response === null || response === undefined) return;
              const event = (response as { event?: string; data?: unknown }).event;
              if (event) socket.emit(event, (response as { data?: unknown }).data);
              else if (!isAckHandledManually && typeof ack === 'function') ack(response);
            },
            error: (error: unknown) => this.logger.error(error),
          });
        } catch (error) {
          this.logger.error(error);
        }
      });
    }
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
