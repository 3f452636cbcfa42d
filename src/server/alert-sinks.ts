/**
 * Alert sinks: where alerts go besides the store and the SSE stream — a webhook (JSON
 * POST), syslog out (RFC 5424 over UDP or TCP) and a file (JSON lines). Each sink
 * delivers through its own {@link DeliveryQueue}: in order, with retries and backoff,
 * and never in the way of ingest.
 *
 * A webhook may only reach hosts on the operator's allowlist (`wget.allow_hosts`, the
 * same list `wget` and feeds obey): a stolen admin token must not turn the server into
 * a request relay. Redirects are not followed.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { appendFile, mkdir } from 'node:fs/promises';
import { connect, isIPv6, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { hostAllowed } from '../query/index.js';
import type { Alert } from './alert-model.js';
import { octetCounted, syslogMessage } from './alert-syslog.js';
import { DeliveryQueue, PermanentDeliveryError, type DeliveryStats } from './delivery-queue.js';
import { SettingsError, type FileSinkSettings, type SinkSettings, type SyslogSinkSettings, type WebhookSinkSettings } from './realtime-config.js';

/** A sink's description and counters. */
export interface SinkStatus extends DeliveryStats {
  readonly type: SinkSettings['type'];
  /** URL, host:port or file. */
  readonly target: string;
}

/** One configured sink. */
export interface AlertSink {
  /** Queues an alert for delivery (returns at once). */
  send(alert: Alert): void;
  status(): SinkStatus;
  close(): Promise<void>;
}

/** Throws unless the URL's host is on the allowlist. */
export function checkWebhookHost(url: string, allowHosts: readonly string[]): void {
  const host = new URL(url).hostname;
  if (!allowHosts.some((p) => hostAllowed(host, p))) {
    throw new SettingsError(`webhook ${url}: host '${host}' is not in the allowlist (add it under wget.allow_hosts in haetae.yaml)`);
  }
}

async function postWebhook(s: WebhookSinkSettings, alert: Alert): Promise<void> {
  let res: Response;
  try {
    res = await fetch(s.url, {
      method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(s.timeoutMs),
      headers: { 'content-type': 'application/json', 'user-agent': 'haetae', ...s.headers },
      body: JSON.stringify(alert),
    });
  } catch (e) {
    throw new Error(`POST ${s.url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`, { cause: e });
  }
  await res.body?.cancel();
  if (res.ok) return;
  const why = `POST ${s.url}: HTTP ${res.status}`;
  // 408, 429 and 5xx may pass later; a redirect or another 4xx will not.
  if (res.status === 408 || res.status === 429 || res.status >= 500) throw new Error(why);
  throw new PermanentDeliveryError(res.status >= 300 && res.status < 400 ? `${why} (redirects are not followed)` : why);
}

/** Sends syslog messages, keeping one TCP connection (reopened after a failure) or one UDP socket. */
class SyslogSender {
  private tcp: Socket | null = null;
  private udp: UdpSocket | null = null;

  constructor(private readonly s: SyslogSinkSettings) {}

  async send(alert: Alert): Promise<void> {
    const message = syslogMessage(alert, this.s.facility);
    if (this.s.protocol === 'udp') {
      this.udp ??= createSocket(isIPv6(this.s.host) ? 'udp6' : 'udp4');
      const udp = this.udp;
      await new Promise<void>((resolve, reject) => udp.send(message, this.s.port, this.s.host, (e) => (e ? reject(e) : resolve())));
      return;
    }
    const socket = this.tcp ?? await this.connect();
    await new Promise<void>((resolve, reject) => socket.write(octetCounted(message), (e) => {
      if (!e) { resolve(); return; }
      socket.destroy();
      reject(e);
    }));
  }

  private connect(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.s.host, port: this.s.port, timeout: 10_000 });
      const fail = (e: Error): void => { socket.destroy(); reject(new Error(`syslog ${this.s.host}:${this.s.port}: ${e.message}`)); };
      socket.once('error', fail);
      socket.once('timeout', () => fail(new Error('connection timed out')));
      socket.once('connect', () => {
        socket.off('error', fail);
        socket.setTimeout(0);
        // A later failure is seen by the next write; the socket is then reopened.
        socket.on('error', () => undefined);
        socket.once('close', () => { if (this.tcp === socket) this.tcp = null; });
        this.tcp = socket;
        resolve(socket);
      });
    });
  }

  close(): void {
    this.tcp?.end();
    this.tcp = null;
    this.udp?.close();
    this.udp = null;
  }
}

async function appendLine(s: FileSinkSettings, alert: Alert): Promise<void> {
  await mkdir(dirname(s.path), { recursive: true });
  await appendFile(s.path, JSON.stringify(alert) + '\n', 'utf8');
}

/**
 * Makes a sink from its settings; a webhook's host is checked against `allowHosts` now
 * (a refused host stops the server from starting, with the setting named).
 *
 * @example
 * const sink = createSink(settings.sinks[0], { allowHosts: ['hooks.example.com'], log });
 * sink.send(alert);
 */
export function createSink(s: SinkSettings, env: { readonly allowHosts: readonly string[]; readonly log: (line: string) => void }): AlertSink {
  let target: string;
  let deliver: (a: Alert) => Promise<void>;
  let close = (): void => undefined;
  switch (s.type) {
    case 'webhook':
      checkWebhookHost(s.url, env.allowHosts);
      target = s.url;
      deliver = (a) => postWebhook(s, a);
      break;
    case 'syslog': {
      const sender = new SyslogSender(s);
      target = `${s.protocol}://${s.host}:${s.port}`;
      deliver = (a) => sender.send(a);
      close = () => sender.close();
      break;
    }
    case 'file':
      target = s.path;
      deliver = (a) => appendLine(s, a);
      break;
  }
  const queue = new DeliveryQueue<Alert>(`${s.type} ${target}`, deliver, s.retry, env.log);
  return {
    send: (a) => queue.push(a),
    status: () => ({ type: s.type, target, ...queue.stats() }),
    close: async () => { await queue.close(); close(); },
  };
}
