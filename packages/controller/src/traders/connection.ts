// One trader connection as the controller sees it: handshake, session, registration, liveness,
// and the legs and lookups it owes an answer to.

import { WebSocket } from 'ws';
import type { Platform } from '@parity/trading';
import {
  MAX_ACK_IDS,
  type ControllerHandshake,
  type ControllerMessage,
  type ControllerSession,
  type Unsealed,
} from '@parity/protocol';

const ACK_DELAY_MS = 20;

export type ConnState = 'handshake' | 'authed' | 'registered' | 'closed';

/** A snapshot of a connected trader (dashboard, metrics, logs). */
export interface TraderInfo {
  connId: number;
  traderId: string | null;
  remote: string;
  state: ConnState;
  venues: Platform[];
  dryRun: boolean;
  connectedAtMs: number;
  lastSeenMs: number;
  /** Last ping -> pong round trip, microseconds. */
  rttUs: number | null;
  legsInFlight: number;
}

export class TraderConnection {
  state: ConnState = 'handshake';
  handshake: ControllerHandshake | null = null;
  session: ControllerSession | null = null;
  traderId: string | null = null;
  venues: Platform[] = [];
  dryRun = false;
  readonly connectedAtMs = Date.now();
  registeredAtMs = 0;
  lastSeenMs = Date.now();
  rttUs: number | null = null;
  lastPingHr = 0n;
  handshakeTimer: NodeJS.Timeout | null = null;
  readonly legs = new Set<string>();
  readonly lookups = new Set<number>();
  private ackQueue: string[] = [];
  private ackScheduled = false;

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    readonly remote: string,
  ) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Seal and send one message; false when the socket is not open (nothing was sent). */
  send(msg: Unsealed<ControllerMessage>): boolean {
    if (!this.session || !this.open) return false;
    this.ws.send(this.session.seal(msg));
    return true;
  }

  /**
   * Acknowledge a leg_result. Acks only stop re-delivery after a reconnect, so they are batched
   * over ACK_DELAY_MS: one frame per batch instead of one write per leg on the hot path.
   */
  ack(legId: string): void {
    this.ackQueue.push(legId);
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    setTimeout(() => this.flushAcks(), ACK_DELAY_MS).unref();
  }

  private flushAcks(): void {
    this.ackScheduled = false;
    while (this.ackQueue.length > 0) {
      const ids = this.ackQueue.splice(0, MAX_ACK_IDS);
      if (!this.send({ type: 'leg_ack', leg_ids: ids })) {
        this.ackQueue = []; // the trader re-delivers unacknowledged results after reconnecting
        return;
      }
    }
  }

  info(): TraderInfo {
    return {
      connId: this.id,
      traderId: this.traderId,
      remote: this.remote,
      state: this.state,
      venues: [...this.venues],
      dryRun: this.dryRun,
      connectedAtMs: this.connectedAtMs,
      lastSeenMs: this.lastSeenMs,
      rttUs: this.rttUs,
      legsInFlight: this.legs.size,
    };
  }
}
