/**
 * The syslog receiver: TCP and UDP listeners for Windows events sent by NXLog, Snare and
 * other syslog shippers (RFC 5424 and RFC 3164, octet-counted or line-delimited; see
 * syslog/framing.ts, header.ts and windows-event.ts for what is read and how).
 *
 * Durability: syslog has no acknowledgements, so a sender never learns what was stored.
 * Events are collected per sender and committed in batches — every `flushIntervalMs` or
 * every `flushEvents` events — through the ingest queue; events received but not yet
 * committed are lost if the server dies (a graceful stop commits them).
 *
 * Backpressure: when the ingest queue is full, TCP connections stop being read (the
 * senders' TCP windows fill, so NXLog and Snare slow down and buffer on their side) until
 * the queue has room; nothing is dropped. UDP cannot push back: a datagram that arrives
 * while the queue is full is dropped and counted (`dropped` in GET /api/ingest/stats).
 * Datagrams the kernel drops before Haetae reads them (a full socket buffer) cannot be
 * counted.
 *
 * What cannot be read is counted as `dropped` for its sender and logged with the reason,
 * at most once per ten seconds per sender and kind of problem.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Event } from '../event/index.js';
import { IngestClosedError, type IngestSource } from './ingest-queue.js';
import { SettingsError } from './realtime-config.js';
import type { HaetaeServer, ServerModule } from './server.js';
import { eventFromSyslog, parseSyslog, ProblemLog, SenderClock, SyslogFramer, type FramingProblem } from './syslog/index.js';

/** Settings of the syslog receiver (`haetae serve --syslog-tcp P --syslog-udp P`). */
export interface SyslogOptions {
  /** TCP port (0 picks a free one); no TCP listener when absent. */
  readonly tcpPort?: number;
  /** UDP port (0 picks a free one); no UDP listener when absent. */
  readonly udpPort?: number;
  /** Interface to listen on (default: the server's). */
  readonly host?: string;
  /** Largest message in bytes (default 256 KiB: an NXLog IETF message holds every field). */
  readonly maxMessageBytes?: number;
  /** Commit what was received at least this often, in ms (default 50). */
  readonly flushIntervalMs?: number;
  /** Commit a sender's events once this many are waiting (default 5,000). */
  readonly flushEvents?: number;
}

type Transport = 'tcp' | 'udp';

interface Batch {
  readonly source: IngestSource;
  events: Event[];
}

/** `::ffff:10.0.0.5` (IPv4 on a dual-stack socket) as `10.0.0.5`. */
const plainAddress = (a: string | undefined): string => (a ?? 'unknown').replace(/^::ffff:(?=\d+\.)/, '');

/**
 * The syslog receiver as a server module.
 *
 * @example
 * const syslog = new SyslogReceiver({ tcpPort: 0, udpPort: 0 });
 * await HaetaeServer.start({ dataDir, modules: [syslog] }); // syslog.tcpPort is now the bound port
 */
export class SyslogReceiver implements ServerModule {
  readonly name = 'syslog';
  private server: HaetaeServer | null = null;
  private tcp: TcpServer | null = null;
  private udp: UdpSocket | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly pending: Record<Transport, Map<string, Batch>> = { tcp: new Map(), udp: new Map() };
  private readonly pendingCount: Record<Transport, number> = { tcp: 0, udp: 0 };
  /** TCP reading is paused until the ingest queue has room. */
  private stalled = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly inflight = new Set<Promise<void>>();
  private readonly clock = new SenderClock();
  private problems: ProblemLog | null = null;

  constructor(private readonly options: SyslogOptions = {}) {}

  /** The bound TCP port (null when TCP is off or not started). */
  get tcpPort(): number | null {
    return this.tcp === null ? null : (this.tcp.address() as AddressInfo).port;
  }

  /** True while TCP connections are not being read because the ingest queue is full. */
  get paused(): boolean {
    return this.stalled;
  }

  /** The bound UDP port (null when UDP is off or not started). */
  get udpPort(): number | null {
    return this.udp === null ? null : this.udp.address().port;
  }

  async start(server: HaetaeServer): Promise<void> {
    this.server = server;
    this.problems = new ProblemLog(server.log);
    const host = this.options.host ?? server.options.host ?? '127.0.0.1';
    // A port in use is a settings mistake: say which port, not the HTTP one.
    const refused = (transport: string, port: number | undefined) => (e: NodeJS.ErrnoException): SettingsError => new SettingsError(
      `syslog: cannot listen on ${transport} ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.code === 'EACCES' ? 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)' : e.message}`,
    );
    if (this.options.tcpPort !== undefined) {
      const tcp = createServer((socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        const fail = (e: NodeJS.ErrnoException): void => reject(refused('TCP', this.options.tcpPort)(e));
        tcp.once('error', fail);
        tcp.listen(this.options.tcpPort, host, () => { tcp.off('error', fail); resolve(); });
      });
      this.tcp = tcp;
    }
    if (this.options.udpPort !== undefined) {
      // A larger receive buffer rides out bursts the kernel would otherwise drop unseen.
      const udp = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 8 * 1024 * 1024 });
      await new Promise<void>((resolve, reject) => {
        // The server stops only modules that started: close what this one opened.
        const fail = (e: NodeJS.ErrnoException): void => { try { udp.close(); } catch { /* never bound */ } this.tcp?.close(); this.tcp = null; reject(refused('UDP', this.options.udpPort)(e)); };
        udp.once('error', fail);
        udp.bind(this.options.udpPort, host, () => { udp.off('error', fail); resolve(); });
      });
      udp.on('message', (datagram, peer) => this.datagram(datagram, plainAddress(peer.address)));
      udp.on('error', (e) => server.log(`syslog: UDP socket error: ${e.message}`));
      this.udp = udp;
    }
    this.timer = setInterval(() => { this.flush('tcp'); this.flush('udp'); }, this.options.flushIntervalMs ?? 50);
    this.timer.unref();
    const where = [this.tcp !== null ? `TCP ${host}:${this.tcpPort}` : '', this.udp !== null ? `UDP ${host}:${this.udpPort}` : ''].filter(Boolean);
    if (where.length > 0) server.log(`syslog: listening on ${where.join(' and ')}`);
  }

  /** Stops listening, then commits what was received (waiting for room in the queue). */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    const closed = this.tcp === null ? Promise.resolve() : new Promise<void>((resolve) => this.tcp!.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (this.udp !== null) await new Promise<void>((resolve) => this.udp!.close(() => resolve()));
    await closed;
    const server = this.server;
    if (server === null) return;
    for (const transport of ['udp', 'tcp'] as const) {
      for (const batch of [...this.pending[transport].values()]) {
        await server.ingest.waitForRoom(batch.events.length);
        this.submit(transport, batch);
      }
    }
    await Promise.allSettled([...this.inflight]);
  }

  private accept(socket: Socket): void {
    const source: IngestSource = { kind: 'syslog-tcp', name: plainAddress(socket.remoteAddress) };
    const framer = new SyslogFramer(this.options.maxMessageBytes ?? 256 * 1024);
    this.sockets.add(socket);
    if (this.stalled) socket.pause();
    socket.on('data', (chunk: Buffer) => {
      const { frames, problems } = framer.push(chunk);
      this.take('tcp', source, frames, problems);
      if (this.stalled) socket.pause();
    });
    socket.on('end', () => {
      const { frames, problems } = framer.end();
      this.take('tcp', source, frames, problems);
    });
    socket.on('error', (e) => this.problems?.report(`syslog-tcp ${source.name}`, 'connection', e.message));
    socket.on('close', () => this.sockets.delete(socket));
  }

  private datagram(datagram: Buffer, peer: string): void {
    const source: IngestSource = { kind: 'syslog-udp', name: peer };
    let end = datagram.length;
    while (end > 0 && (datagram[end - 1] === 0x0a || datagram[end - 1] === 0x0d || datagram[end - 1] === 0x00)) end--;
    const max = this.options.maxMessageBytes ?? 256 * 1024;
    if (end > max) this.take('udp', source, [], [{ reason: `a datagram of ${end} bytes is over the limit of ${max}: dropped` }]);
    else if (end > 0) this.take('udp', source, [datagram.subarray(0, end)], []);
  }

  /** Decodes frames into events and queues them for the next commit. */
  private take(transport: Transport, source: IngestSource, frames: readonly Buffer[], problems: readonly FramingProblem[]): void {
    const server = this.server!;
    const counter = server.ingest.counter(source);
    const sender = `${source.kind} ${source.name}`;
    for (const p of problems) {
      counter.dropped++;
      this.problems!.report(sender, 'framing', p.reason);
    }
    if (frames.length === 0) return;
    const receivedAt = Date.now();
    const key = `${source.kind}|${source.name}`;
    for (const frame of frames) {
      let event: Event;
      try {
        event = eventFromSyslog(parseSyslog(frame.toString('utf8')), { peer: source.name, receivedAt, clock: this.clock });
      } catch (e) {
        counter.dropped++;
        this.problems!.report(sender, 'unreadable message', (e as Error).message);
        continue;
      }
      if (transport === 'udp' && !server.ingest.hasRoom(this.pendingCount.udp + 1)) {
        counter.dropped++;
        this.problems!.report(sender, 'ingest queue full', 'UDP messages dropped (UDP senders cannot be slowed down; use TCP)');
        continue;
      }
      let batch = this.pending[transport].get(key);
      if (batch === undefined) { batch = { source, events: [] }; this.pending[transport].set(key, batch); }
      batch.events.push(event);
      this.pendingCount[transport]++;
    }
    if (this.pendingCount[transport] >= (this.options.flushEvents ?? 5000)) this.flush(transport);
  }

  /** Submits the waiting batches that fit; TCP stalls (and pauses its sockets) on the first that does not. */
  private flush(transport: Transport): void {
    const server = this.server!;
    for (const [key, batch] of this.pending[transport]) {
      if (!server.ingest.hasRoom(batch.events.length)) {
        if (transport === 'udp') {
          this.pending.udp.delete(key);
          this.pendingCount.udp -= batch.events.length;
          server.ingest.counter(batch.source).dropped += batch.events.length;
          this.problems!.report(`${batch.source.kind} ${batch.source.name}`, 'ingest queue full', `${batch.events.length} UDP messages dropped`);
          continue;
        }
        this.stall(batch.events.length);
        return;
      }
      this.submit(transport, batch);
    }
  }

  /** Hands one batch to the ingest queue (it is then the queue's to commit). */
  private submit(transport: Transport, batch: Batch): void {
    const server = this.server!;
    const key = `${batch.source.kind}|${batch.source.name}`;
    if (this.pending[transport].get(key) === batch) this.pending[transport].delete(key);
    this.pendingCount[transport] -= batch.events.length;
    const done = server.ingest.submit(batch.events, batch.source).then(
      () => undefined,
      (e: Error) => {
        if (e instanceof IngestClosedError) server.ingest.counter(batch.source).dropped += batch.events.length;
        this.problems!.report(`${batch.source.kind} ${batch.source.name}`, 'not stored', `${batch.events.length} events: ${e.message}`);
      },
    ).finally(() => this.inflight.delete(done));
    this.inflight.add(done);
  }

  /** Pauses every TCP connection until the queue has room for `n` events, then goes on. */
  private stall(n: number): void {
    if (this.stalled) return;
    this.stalled = true;
    for (const s of this.sockets) s.pause();
    void this.server!.ingest.waitForRoom(n).then(() => {
      this.stalled = false;
      this.flush('tcp');
      if (!this.stalled) for (const s of this.sockets) s.resume();
    });
  }
}
